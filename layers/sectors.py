"""The "9+X" sector taxonomy, read from ``data/sectors.toml``, and free-text matching."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from layers.settings import SECTORS_FILE


@dataclass(frozen=True)
class Sector:
    """One sector of the taxonomy. ``group`` is core, key or frontier (先导产业)."""

    id: str
    group: str
    name_zh: str
    name_en: str
    section: str
    aliases: tuple[str, ...]

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
            raise ValueError(f"sector #{i}: id {sid!r} must be lower-case ASCII")
        if sid in seen:
            raise ValueError(f"sector #{i}: duplicate id {sid!r}")
        if row.get("group") not in GROUPS:
            raise ValueError(f"sector {sid}: group must be one of {GROUPS}")
        seen.add(sid)
        out.append(
            Sector(sid, row["group"], row["name_zh"], row["name_en"], row["section"],
                   tuple(row.get("aliases", ())))
        )
    return tuple(out)


@cache
def taxonomy(path: Path = SECTORS_FILE) -> tuple[Sector, ...]:
    """The sectors in taxonomy order (core three, six key, six 先导产业)."""
    return sectors_from_toml(path.read_text(encoding="utf-8"))


def sector_ids() -> tuple[str, ...]:
    return tuple(s.id for s in taxonomy())


def sector(sid: str) -> Sector:
    """The sector with this id; ``KeyError`` naming the valid ids otherwise."""
    for s in taxonomy():
        if s.id == sid:
            return s
    raise KeyError(f"unknown sector {sid!r}; known: {', '.join(sector_ids())}")


def normalise_text(text: str) -> str:
    """NFKC-normalise and lower-case (full-width ＡＩ → ai)."""
    return unicodedata.normalize("NFKC", str(text)).lower()


@cache
def _alias_patterns() -> tuple[tuple[re.Pattern[str], str, int], ...]:
    pats = []
    for s in taxonomy():
        for alias in (*s.aliases, s.name_zh, s.name_en):
            a = normalise_text(alias)
            if a.isascii():
                pat = re.compile(r"(?<![a-z0-9])" + re.escape(a) + r"(?![a-z0-9])")
            else:
                pat = re.compile(re.escape(a))
            pats.append((pat, s.id, len(a)))
    # Longest alias first, so 智能网联汽车 (nev) wins over a shorter generic word.
    return tuple(sorted(pats, key=lambda p: -p[2]))


def match_sectors(text: str) -> tuple[str, ...]:
    """Sector ids whose aliases occur in ``text``, longest match first, no repeats."""
    norm = normalise_text(text)
    found: list[str] = []
    for pat, sid, _ in _alias_patterns():
        if sid not in found and pat.search(norm):
            found.append(sid)
    return tuple(found)


def parse_sector_ids(values) -> tuple[str, ...]:
    """Check user-given sector ids (or zh/en names) and return canonical ids."""
    out = []
    for v in values:
        key = normalise_text(v).strip()
        hit = next((s.id for s in taxonomy()
                    if key in (s.id, normalise_text(s.name_zh), normalise_text(s.name_en))), None)
        if hit is None:
            raise ValueError(f"unknown sector {v!r}; known: {', '.join(sector_ids())}")
        out.append(hit)
    return tuple(out)
