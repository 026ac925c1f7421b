"""Placing a firm by its address: the ladder of named places, each with an honest precision.

An address is read for the names it holds, each kind found at once over all addresses
by one regular expression (Arrow's RE2, linear in the text):

- a province or city **outside Shanghai** named before any Shanghai name rejects the row
  by name ("not in Shanghai: 深圳市");
- a **zone** of the project's layers its address names (临港新片区, 张江高科技园区,
  漕河泾开发区 …, ``data/zone_aliases.csv``): placed on that zone, its outline the
  uncertainty;
- a **街道/镇** of the statistics bureau's division codes (all 16 districts), by full name,
  or — when no zone or full name is found — by short name written right after its
  district ("松江区九亭…"): placed on its outline
  where the base data has one, else at its district (the firm keeps the 街镇's name, and
  its placement says so);
- a **区** (or its short form, 浦东, 松江 …).

Among the places found that agree with each other (a 街镇 or zone in another district
than the one named is dropped), the smallest wins. Every placement says its level
(``zone``, ``town``, ``town_district``, ``district``), its unit and its precision (the
radius of a circle of the unit's area, metres).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from firms.intake.messages import Said, said
from firms.intake.rows import Places, Unit

__all__ = ["AddressPlaces", "place_addresses", "placement_text", "unit_arrays"]


@dataclass
class AddressPlaces:
    """Per address: the unit it was placed to (``None`` where none) and the reason for
    a rejection ("" where none)."""

    units: list[Unit | None]
    reasons: list[str]


def placement_text(unit: Unit) -> Said:
    """How a firm was placed, as the import says it (worded by ``ui.phrases``)."""
    if unit.level == "town_district":
        return said("placed_town_district", unit=unit.name, district=unit.district)
    return said({"zone": "placed_zone", "town": "placed_town"}.get(unit.level, "placed_district"),
                unit=unit.name)


def _pattern(names) -> str:
    """An alternation of literal names, longest first (so the longest wins at a place)."""
    return "(?P<m>" + "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)
                               if n) + ")"


def _first_hits(addresses: pa.Array, names) -> list[str]:
    """Per address, the leftmost (then longest) of ``names`` it holds, "" where none."""
    names = [n for n in names if n]
    if not names:
        return [""] * len(addresses)
    hit = pc.extract_regex(addresses, _pattern(names)).field("m")
    return hit.fill_null("").to_pylist()


def _short_forms(places: Places) -> dict[str, str]:
    """"松江区九亭" and "松江九亭" → the unit name "九亭镇": a 街镇 written without its
    suffix right after its district (the only place a short name is safe to read)."""
    forms: dict[str, str] = {}
    by_district: dict[str, list[str]] = {}
    for alias, district in places.district_aliases.items():
        by_district.setdefault(district, []).append(alias)
    for name, unit in places.units.items():
        if unit.level not in ("town", "town_district") or name != unit.name:
            continue
        short = re.sub(r"(街道|镇|乡)$", "", re.sub(r"(镇)?街道$", "", name))
        if len(short) < 2 or short == name:
            continue
        for alias in by_district.get(unit.district, ()):
            forms[alias + short] = name
    return forms


class _Matcher:
    """The patterns of one set of places, made once."""

    def __init__(self, places: Places):
        self.places = places
        units = places.units
        self.zones = [n for n, u in units.items()  # zones, and aliases standing for a district
                      if u.level == "zone" or (u.level == "district" and n != u.name)]
        self.towns = [n for n, u in units.items() if u.level in ("town", "town_district")]
        self.short = _short_forms(places)
        self.districts = list(places.district_aliases)

    def hits(self, addresses: pa.Array) -> dict[str, list[str]]:
        return {"elsewhere": _first_hits(addresses, self.places.elsewhere),
                "zone": _first_hits(addresses, self.zones),
                "town": _first_hits(addresses, self.towns),
                "short": _first_hits(addresses, self.short),
                "district": _first_hits(addresses, self.districts)}


def _district_unit(places: Places, alias: str) -> Unit | None:
    if not alias:
        return None
    name = places.district_aliases[alias]
    unit = places.units.get(name)
    if unit is not None:
        return unit
    pt, prec = places.districts[name]
    return Unit(name, "district", f"district:{name}", pt, prec, name)


def _choose(places: Places, zone: str, town: str, district: str) -> Unit | None:
    """The smallest of the places named that agree with the district named."""
    named = _district_unit(places, district)
    found = [places.units[n] for n in (zone, town) if n]
    if named is not None:
        found = [u for u in found if not u.district or named.district in u.district.split("|")]
        found.append(named)
    return min(found, key=lambda u: u.precision_m) if found else None


_MATCHERS: dict[int, tuple[Places, _Matcher]] = {}


def _matcher(places: Places) -> _Matcher:
    """One matcher per set of places (kept while the places live)."""
    kept = _MATCHERS.get(id(places))
    if kept is None or kept[0] is not places:
        kept = (places, _Matcher(places))
        _MATCHERS[id(places)] = kept
    return kept[1]


def _elsewhere(address: str, other: str, found: list[str]) -> bool:
    """Does the address name ``other`` (outside Shanghai) before Shanghai or any of its places?"""
    at = address.find(other)
    shanghai = [address.find(n) for n in ("上海", *found) if n and address.find(n) >= 0]
    return not shanghai or at < min(shanghai)


def place_addresses(addresses: pa.Array, places: Places) -> AddressPlaces:
    """Place folded addresses (an Arrow string array) by the ladder of the module."""
    matcher = _matcher(places)
    hits = matcher.hits(addresses)
    keys = list(zip(hits["elsewhere"], hits["zone"], hits["town"], hits["short"],
                    hits["district"], strict=True))
    decided: dict[tuple, Unit | None] = {}
    texts = addresses.to_pylist()
    units: list[Unit | None] = []
    reasons: list[str] = []
    for text, key in zip(texts, keys, strict=True):
        other, zone, town, short, district = key
        if other and _elsewhere(text, other, [zone, town, short, district]):
            units.append(None)
            reasons.append(said("not_in_shanghai", place=other))
            continue
        if key not in decided:
            by_short = "" if zone or town else matcher.short.get(short, "")
            decided[key] = _choose(places, zone, town or by_short, district)
        units.append(decided[key])
        reasons.append("")
    return AddressPlaces(units, reasons)


def unit_arrays(placed: AddressPlaces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, precision_m) per address, NaN where unplaced."""
    n = len(placed.units)
    out = np.full((3, n), np.nan)
    for i, u in enumerate(placed.units):
        if u is not None:
            out[:, i] = (u.point.x, u.point.y, u.precision_m)
    return out[0], out[1], out[2]
