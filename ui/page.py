"""Packaging a built map as a page: the HTML the app serves, and one self-contained
file (every script, stylesheet and stylesheet image inlined) that opens offline."""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import folium

from ui.webmap import ASSET_BASE

__all__ = ["inline_css_images", "map_html", "standalone_html"]

#: ``url(...)`` in a stylesheet, the address unquoted or in single or double quotes.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def map_html(m: folium.Map) -> str:
    """The map as one HTML page (assets still referenced at ``asset_base``)."""
    return m.get_root().render()


def inline_css_images(css: str, folder: Path) -> str:
    """``css`` with each image it refers to by a relative address (Leaflet's layer-control
    icon ``images/layers.png``, the drawing tool's sprites …) read from ``folder`` (the
    stylesheet's own) and written in as a ``data:`` URI. Other addresses — ``data:``,
    ``#fragment``, absolute URLs, files that are not there — are left as they are."""
    def inline(match: re.Match) -> str:
        ref = match.group(2).strip()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", ref, flags=re.IGNORECASE):
            return match.group(0)
        path = folder / ref.split("?")[0].split("#")[0]
        if not path.is_file():
            return match.group(0)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f'url("data:{media};base64,{base64.b64encode(path.read_bytes()).decode("ascii")}")'

    return CSS_URL.sub(inline, css)


def standalone_html(m: folium.Map, static_dir, *, asset_base: str = ASSET_BASE) -> str:
    """The map as one self-contained HTML file: every script and stylesheet served
    from ``asset_base`` is inlined from ``static_dir``, and the images the stylesheets
    refer to with them (:func:`inline_css_images`), so the file opens offline."""
    page = map_html(m)
    root = Path(static_dir)

    def local(url: str) -> Path:
        return root / url.removeprefix(asset_base + "/")

    def script(match) -> str:
        code = local(match.group(1)).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match) -> str:
        path = local(match.group(1))
        css = inline_css_images(path.read_text(encoding="utf-8"), path.parent)
        return f"<style>{css}</style>"

    prefix = re.escape(asset_base)
    page = re.sub(rf'<script src="({prefix}/[^"]+)"></script>', script, page)
    return re.sub(rf'<link rel="stylesheet" href="({prefix}/[^"]+)"/>', style, page)
