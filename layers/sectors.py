"""The "9+X" sector taxonomy, read from ``data/sectors.toml``, and free-text matching."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from layers.errors import LayersError, UsageError
from layers.settings import SECTORS_FILE
from layers.text import fold, fold_arrow

__all__ = [
    "GROUPS", "Sector", "first_sectors", "match_sectors", "normalise_text",
    "parse_sector_ids", "sector", "sector_ids", "sectors_from_toml", "taxonomy"
]


@dataclass(frozen=True)
class Sector:
    """One sector of the taxonomy. ``group`` is core, key or frontier (先导产业)."""

    id: str
    group: str
    name_zh: str
    name_en: str
    section: str
    aliases: tuple[str, ...]
    color: str = "#777777"

    def label(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


GROUPS = ("core", "key", "frontier")


def sectors_from_toml(text: str) -> tuple[Sector, ...]:
    """Parse and check the taxonomy file's text (ids unique and lower-case ASCII)."""
    rows = tomllib.loads(text).get("sector", [])
    out: list[Sector] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        sid = row.get("id", "")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
            raise LayersError(f"sector #{i}: id {sid!r} must be lower-case ASCII")
        if sid in seen:
            raise LayersError(f"sector #{i}: duplicate id {sid!r}")
        if row.get("group") not in GROUPS:
            raise LayersError(f"sector {sid}: group must be one of {GROUPS}")
        seen.add(sid)
        out.append(
            Sector(sid, row["group"], row["name_zh"], row["name_en"], row["section"],
                   tuple(row.get("aliases", ())), row.get("color", "#777777"))
        )
    return tuple(out)


@cache
def taxonomy(path: Path = SECTORS_FILE) -> tuple[Sector, ...]:
    """The sectors in taxonomy order (core three, six key, six 先导产业)."""
    return sectors_from_toml(path.read_text(encoding="utf-8"))


def sector_ids() -> tuple[str, ...]:
    return tuple(s.id for s in taxonomy())


def sector(sid: str) -> Sector:
    """The sector with this id; :class:`UsageError` naming the valid ids otherwise."""
    for s in taxonomy():
        if s.id == sid:
            return s
    raise UsageError(f"unknown sector {sid!r}; known: {', '.join(sector_ids())}")


def normalise_text(text: str) -> str:
    """Folded and lower-case (full-width ＡＩ → ai), as aliases are compared."""
    return fold(text, case="lower", strip=False)


def _alias_regex(alias: str) -> str:
    """Chinese aliases match as substrings, Latin ones as whole words (a pattern both
    Python's re and Arrow's RE2 accept: RE2 has no look-behind)."""
    if alias.isascii():
        return r"(?:^|[^a-z0-9])" + re.escape(alias) + r"(?:$|[^a-z0-9])"
    return re.escape(alias)


@cache
def _aliases() -> tuple[re.Pattern[str], tuple[tuple[str, str, re.Pattern[str]], ...]]:
    """A regex that finds whether any alias occurs, and (alias, sector id, regex) for
    each alias, longest first. An alias listed for two sectors keeps the first."""
    owner: dict[str, str] = {}
    for s in taxonomy():
        for alias in (*s.aliases, s.name_zh, s.name_en):
            owner.setdefault(normalise_text(alias), s.id)
    ordered = sorted(owner, key=len, reverse=True)
    any_alias = re.compile("|".join(_alias_regex(a) for a in ordered))
    return any_alias, tuple((a, owner[a], re.compile(_alias_regex(a))) for a in ordered)


def match_sectors(text: str) -> tuple[str, ...]:
    """Sector ids whose aliases occur in ``text``, longest alias first, no repeats."""
    any_alias, aliases = _aliases()
    norm = normalise_text(text)
    if not any_alias.search(norm):  # the common case for firm names: one regex pass
        return ()
    return tuple(dict.fromkeys(sid for _, sid, pat in aliases if pat.search(norm)))


def first_sectors(texts) -> list[str | None]:
    """For many texts at once: the sector of the longest alias each contains, or None.

    The same as ``(match_sectors(t) or (None,))[0]`` per text, computed alias by
    alias over the whole column in Arrow's kernels (fast at a million rows).
    """
    arr = fold_arrow(texts if isinstance(texts, pa.Array) else list(texts), case="lower",
                     strip=False)
    out = np.full(len(arr), None, dtype=object)
    any_alias, aliases = _aliases()
    # One pass with all aliases finds the texts worth a closer look: most firm
    # names hold none.
    open_ = np.asarray(pc.match_substring_regex(arr, any_alias.pattern).fill_null(False)
                       .to_numpy(zero_copy_only=False), dtype=bool)
    for alias, sid, pat in aliases:
        todo = np.flatnonzero(open_)
        if len(todo) == 0:
            break
        sub = arr.take(todo)
        hit = pc.match_substring_regex(sub, pat.pattern) if alias.isascii() \
            else pc.match_substring(sub, alias)
        found = todo[np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)]
        out[found] = sid
        open_[found] = False
    return list(out)


def parse_sector_ids(values) -> tuple[str, ...]:
    """Check user-given sector ids (or zh/en names) and return canonical ids."""
    out = []
    for v in values:
        key = normalise_text(v).strip()
        hit = next((s.id for s in taxonomy()
                    if key in (s.id, normalise_text(s.name_zh), normalise_text(s.name_en))), None)
        if hit is None:
            raise UsageError(f"unknown sector {v!r}; known: {', '.join(sector_ids())}")
        out.append(hit)
    return tuple(out)
