"""Placing a firm by its address: the ladder of named places, each with an honest precision.

An address is read for the names it holds, all kinds at once by one Aho–Corasick
automaton (linear in the address, whatever the number of names), each distinct set of
names decided once:

- a province or city **outside Shanghai** named before any Shanghai name rejects the row
  by name ("not in Shanghai: 深圳市");
- a **zone** of the project's layers its address names (临港新片区, 张江高科技园区,
  漕河泾开发区 …, ``data/zone_aliases.csv``): placed on that zone, its outline the
  uncertainty;
- a **街道/镇** of the statistics bureau's division codes (all 16 districts), by full name,
  or — when no zone or full name is found — by short name written right after its
  district ("松江区九亭…"): placed on its outline where the base data has one; else, where
  a metro station bears its name, on a ring around that station sized from the town's
  published area (``data/town_positions.toml``; possible in zones, never certain); else at
  its district (the firm keeps the 街镇's name, and its placement says so);
- a **区** (or its short form, 浦东, 松江 …).

Among the places found that agree with each other (a 街镇 or zone in another district
than the one named is dropped), the smallest wins. Every placement says its level
(``zone``, ``town``, ``town_station``, ``town_district``, ``district``), its unit and its
precision (the radius of a circle of the unit's area, or of the ring, metres).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ahocorasick
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from firms.intake.messages import Said, said
from firms.intake.rows import Places, Unit

__all__ = ["TOWN_LEVELS", "AddressPlaces", "place_addresses", "placement_text", "unit_arrays"]


@dataclass
class AddressPlaces:
    """The distinct ``units`` addresses were placed to (``None`` for none), per address
    the position of its unit in that list (``codes``) and the reason for a rejection
    ("" where none)."""

    units: list[Unit | None]
    codes: np.ndarray
    reasons: list[str]


def placement_text(unit: Unit) -> Said:
    """How a firm was placed, as the import says it (worded by ``ui.phrases``)."""
    if unit.level == "town_district":
        return said("placed_town_district", unit=unit.name, district=unit.district)
    if unit.level == "town_station":
        return said("placed_town_station", unit=unit.name, km=f"{unit.precision_m / 1000:g}")
    return said({"zone": "placed_zone", "town": "placed_town"}.get(unit.level, "placed_district"),
                unit=unit.name)


def _short_forms(places: Places) -> dict[str, str]:
    """"松江区九亭" and "松江九亭" → the unit name "九亭镇": a 街镇 written without its
    suffix right after its district (the only place a short name is safe to read)."""
    forms: dict[str, str] = {}
    by_district: dict[str, list[str]] = {}
    for alias, district in places.district_aliases.items():
        by_district.setdefault(district, []).append(alias)
    for name, unit in places.units.items():
        if unit.level not in TOWN_LEVELS or name != unit.name:
            continue
        short = re.sub(r"(街道|镇|乡)$", "", re.sub(r"(镇)?街道$", "", name))
        if len(short) < 2 or short == name:
            continue
        for alias in by_district.get(unit.district, ()):
            forms[alias + short] = name
    return forms


#: The levels of a 街道/镇: with an outline, on a ring around a station of its name, at its
#: district.
TOWN_LEVELS = ("town", "town_station", "town_district")
#: The kinds of names an address is read for, in the order of a hit's tuple.
KINDS = ("elsewhere", "zone", "town", "short", "district", "shanghai")


class _Matcher:
    """Every name of one set of places in one Aho–Corasick automaton (pyahocorasick), so
    an address is read once, in time linear in its length, whatever the number of names."""

    def __init__(self, places: Places):
        units = places.units
        self.short = _short_forms(places)
        names: dict[str, set[str]] = {}
        for kind, found in (
                ("elsewhere", places.elsewhere),
                ("zone", [n for n, u in units.items()  # zones, and aliases of a district
                          if u.level == "zone" or (u.level == "district" and n != u.name)]),
                ("town", [n for n, u in units.items() if u.level in TOWN_LEVELS]),
                ("short", self.short), ("district", places.district_aliases),
                ("shanghai", ["上海"])):
            for name in found:
                names.setdefault(name, set()).add(kind)
        self.automaton = ahocorasick.Automaton()
        for name, kinds in names.items():
            self.automaton.add_word(name, (name, tuple(KINDS.index(k) for k in kinds)))
        self.automaton.make_automaton()

    def hits(self, address: str) -> list[tuple[int, str]]:
        """Per kind of :data:`KINDS`: (start, name) of its leftmost (then longest) name in
        ``address``, (-1, "") where none."""
        best = [(-1, "")] * len(KINDS)
        for end, (name, kinds) in self.automaton.iter(address):
            start = end - len(name) + 1
            for k in kinds:
                at, found = best[k]
                if at < 0 or start < at or (start == at and len(name) > len(found)):
                    best[k] = (start, name)
        return best


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


def _outside(hits: list[tuple[int, str]]) -> str:
    """The place outside Shanghai the address names before Shanghai or any of its
    places ("" when none does)."""
    at, other = hits[0]
    if not other:
        return ""
    shanghai = [start for start, name in hits[1:] if name]
    return other if not shanghai or at < min(shanghai) else ""


def place_addresses(addresses: pa.Array[Any], places: Places) -> AddressPlaces:
    """Place folded addresses (an Arrow string array) by the ladder of the module."""
    matcher = _matcher(places)
    encoded: pa.DictionaryArray[Any, Any] = pc.dictionary_encode(addresses)  # type: ignore[arg-type]  # the stubs want a dictionary already
    decided: dict[tuple[str, ...], tuple[int, str]] = {}
    units: list[Unit | None] = []
    position: dict[int, int] = {}  # id(unit) → its place in ``units``
    per_value: list[tuple[int, str]] = []
    for text in encoded.dictionary.to_pylist():
        hits = matcher.hits(text or "")
        key = tuple([name for _, name in hits])
        if key not in decided:
            other = _outside(hits)
            _, zone, town, short, district, _ = key
            by_short = "" if zone or town else matcher.short.get(short, "")
            unit = None if other else _choose(places, zone, town or by_short, district)
            if id(unit) not in position:
                position[id(unit)] = len(units)
                units.append(unit)
            decided[key] = (position[id(unit)],
                            said("not_in_shanghai", place=other) if other else "")
        per_value.append(decided[key])
    index = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.array([c for c, _ in per_value], dtype=np.int32).reshape(-1)[index] \
        if per_value else np.zeros(len(addresses), dtype=np.int32)
    value_reasons = [r for _, r in per_value]
    reasons = [value_reasons[i] for i in index] if any(value_reasons) else [""] * len(index)
    return AddressPlaces(units, codes, reasons)


def unit_arrays(placed: AddressPlaces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, precision_m) per address, NaN where unplaced."""
    table = np.array([(shapely.get_x(u.point), shapely.get_y(u.point), u.precision_m)
                      if u is not None
                      else (np.nan, np.nan, np.nan) for u in placed.units]).reshape(-1, 3)
    out = table[placed.codes]
    return out[:, 0], out[:, 1], out[:, 2]
