"""The state of one firm import: the table and what its steps found so far
(:class:`RowWork`), the first problem of each rejected row (:class:`Problems`), and
the named places of Shanghai the steps place rows with (:class:`Places`, EPSG:4326)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import ArrayLike
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from firms.intake.columns import Labels, arrow_text, constant_text, folded_codes, text_series
from firms.intake.messages import Said, remember
from geo.cover import CoverGrid
from layers.text import fold_series

__all__ = ["NEAR_PREFIX", "Places", "Problems", "RowWork", "Unit", "within_key"]

#: A unit id with this prefix names an approximate extent (a ring around a position that
#: bears the place's name), not the place's outline: a firm placed to it is possibly in
#: the zones the ring meets, and certainly in a zone only when the outline the place is
#: known to lie within (``outlines[within_key(unit id)]``, its district) lies in the zone.
NEAR_PREFIX = "near:"


def within_key(unit_id: str) -> str:
    """The outlines key of what an approximate unit certainly lies within."""
    return f"{unit_id}|within"


@dataclass(frozen=True)
class Unit:
    """A named place an address can be placed to (EPSG:4326).

    ``level`` is ``zone`` (a zone of the project's layers), ``town`` (a 街道/镇 with an
    outline), ``town_station`` (a 街道/镇 without an outline, on a ring around a metro
    station of its name), ``town_district`` (a 街道/镇 known by name only, placed at its
    district) or ``district``; ``unit_id`` names the outline that is the firm's uncertainty
    (``zone:<layer>/<feature>``, ``town:<code>``, ``near:town:<code>`` for the ring,
    ``district:<name>``); ``point`` is that outline's representative point (the station
    for a ring) and ``precision_m`` the radius of a circle of its area (the ring's radius);
    ``district`` the district it lies in ("" when it spans several)."""

    name: str
    level: str
    unit_id: str
    point: Point
    precision_m: float
    district: str = ""


@dataclass(frozen=True)
class Places:
    """Named places for address placement and the Shanghai test (all EPSG:4326).

    ``towns``/``districts`` map a name to (representative point, precision in m);
    ``district_aliases`` maps short forms (e.g. 浦东) to a district name;
    ``shanghai`` is the area a firm must fall in; ``grid`` (optional) its cells
    known inside or outside, which spares most points the exact test. ``units`` maps
    every name an address may use (zones and their aliases, every 街道/镇 of the
    division codes, districts) to its :class:`Unit`; ``outlines`` maps a unit id to its
    outline; ``elsewhere`` lists names of provinces and cities outside Shanghai.
    """

    towns: Mapping[str, tuple[Point, float]]
    districts: Mapping[str, tuple[Point, float]]
    district_aliases: Mapping[str, str]
    shanghai: BaseGeometry
    grid: CoverGrid | None = None
    units: Mapping[str, Unit] = field(default_factory=dict)
    outlines: Mapping[str, BaseGeometry] = field(default_factory=dict)
    elsewhere: tuple[str, ...] = ()


class Problems:
    """Collects the first problem (field, reason) of each rejected row."""

    def __init__(self, n: int, messages: dict[str, Said] | None = None) -> None:
        self.field = np.full(n, "", dtype=object)
        self.reason = np.full(n, "", dtype=object)
        self.rejected = np.zeros(n, dtype=bool)
        self.messages = {} if messages is None else messages  # text → its Said

    def add(self, mask: ArrayLike, fld: str, reasons: str | ArrayLike) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self.rejected
        if not mask.any():
            return
        self.rejected |= mask
        self.field[mask] = fld
        if isinstance(reasons, str):
            self.reason[mask] = reasons
            remember(self.messages, [reasons])
        else:
            chosen = np.asarray(reasons, dtype=object)[mask]
            self.reason[mask] = chosen
            remember(self.messages, chosen)


@dataclass
class RowWork:
    """One import in progress: the text table (its mapped columns as Arrow text)
    and what the steps found so far."""

    table: pd.DataFrame
    mapping: dict[str, str]  # original header → canonical field
    problems: Problems = field(init=False)
    flags: dict[int, list[str]] = field(default_factory=dict)  # row position → notes
    messages: dict[str, Said] = field(default_factory=dict)  # every text written → its Said
    columns: dict[str, pa.Array[Any]] = field(init=False)
    _empty: pa.Array[Any] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.problems = Problems(len(self.table), self.messages)
        remember(self.messages, self.table.attrs.get("messages", {}).values())
        self.columns = {canon: arrow_text(self.table[orig]) for orig, canon in self.mapping.items()}

    @property
    def n(self) -> int:
        return len(self.table)

    def arrow(self, canon: str) -> pa.Array[Any]:
        """The text of a canonical field as Arrow ("" in every row without such a column)."""
        if canon in self.columns:
            return self.columns[canon]
        if self._empty is None:
            self._empty = constant_text("", self.n)  # one for every absent column
        return self._empty

    def get(self, canon: str) -> pd.Series:
        """The text of a canonical field ("" in every row when the file has no such column)."""
        return text_series(self.arrow(canon), self.table.index)

    def folded(self, canon: str, drop: str = "") -> pd.Series:
        """A field's text folded (NFKC, stripped), for checks and comparison keys."""
        return fold_series(self.get(canon), drop=drop)

    def folded_codes(self, canon: str) -> tuple[np.ndarray, pa.Array[Any], pa.Array[Any]]:
        """A field folded through its distinct values: (per-row code, folded values,
        folded text per row — the column itself, shared, when folding changed nothing)."""
        if canon not in self.columns:
            return (np.zeros(self.n, dtype=np.int32), pa.array([""], type=pa.string()),
                    self.arrow(canon))
        codes, values, unchanged = folded_codes(self.columns[canon])
        return codes, values, (self.columns[canon] if unchanged
                               else values.take(codes))

    def flag(self, mask: ArrayLike, text: str) -> None:
        """Note ``text`` on the rows of ``mask`` (kept, not rejected)."""
        remember(self.messages, [text])
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.flags.setdefault(int(i), []).append(text)

    def issue_texts(self) -> pd.Series:
        """Per row, its notes joined by "; " ("" for the rows without any)."""
        out = Labels(self.n)
        for i, notes in self.flags.items():
            out.set(i, "; ".join(notes))
        return out.series(self.table.index)
