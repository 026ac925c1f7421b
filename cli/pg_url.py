"""PostgreSQL URLs as the command line meets them (``postgresql://user[:password]@host
[:port]/database[?…]``): shown with the password masked, and split into the URL and its
password, so that a child process (``psql``) gets the password in its environment
(``PGPASSWORD``) and not on its command line, where any user of the machine can read it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = ["masked_url", "without_password"]


def masked_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (safe to print); text that is not a
    ``scheme://`` URL is not shown at all."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "(not a URL)"
    end = min([rest.find(c) for c in "/?#" if c in rest] or [len(rest)])
    userinfo, at, host = rest[:end].rpartition("@")
    if ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return f"{scheme}://{userinfo}{at}{host}{rest[end:]}"


def without_password(url: str) -> tuple[str, str | None]:
    """``url`` without its password (given after the user name or as ``?password=``), and
    that password (None when there is none). Other parts are kept as written."""
    parts = urlsplit(url)
    password = unquote(parts.password) if parts.password is not None else None
    kept = []
    for item in filter(None, parts.query.split("&")):
        name, _, value = item.partition("=")
        if unquote(name) != "password":
            kept.append(item)
        elif password is None:
            password = unquote(value)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.split(':', 1)[0]}@{hostport}"
    return urlunsplit(parts._replace(netloc=netloc, query="&".join(kept))), password
