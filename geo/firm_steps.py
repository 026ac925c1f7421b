"""The steps of a firm import, one function each, in the order they run.

:func:`geo.firms.import_firms` calls them in turn over one :class:`RowWork` — the
text table, its mapped columns, the first problem of each rejected row and the
notes of flagged rows. Each step states its rule in its docstring; a step only
adds problems to rows that have none yet, so a rejected row keeps its first reason.
All coordinates are WGS84 lon/lat (EPSG:4326) once :func:`read_coordinates` is done.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import uscc
from geo.datum import convert, parse_datum
from geo.text import fold, fold_series

__all__ = ["SHANGHAI_BOX", "Classifier", "Coordinates", "Places", "Problems", "RowWork", "check_credit_codes",
           "check_inside", "check_names", "classify_rows", "mark_duplicates", "place_by_address",
           "read_coordinates", "read_employees", "row_datums"]

#: The box that Shanghai's coordinates fall in (lon0, lat0, lon1, lat1), used to
#: recognise swapped pairs.
SHANGHAI_BOX = (120.8, 30.6, 122.3, 31.95)


@dataclass(frozen=True)
class Places:
    """Named places for address placement and the Shanghai test (all EPSG:4326).

    ``towns``/``districts`` map a name to (representative point, precision in m);
    ``district_aliases`` maps short forms (e.g. 浦东) to a district name;
    ``shanghai`` is the area a firm must fall in.
    """

    towns: Mapping[str, tuple[BaseGeometry, float]]
    districts: Mapping[str, tuple[BaseGeometry, float]]
    district_aliases: Mapping[str, str]
    shanghai: BaseGeometry


class Problems:
    """Collects the first problem (field, reason) of each rejected row."""

    def __init__(self, n: int):
        self.field = np.full(n, "", dtype=object)
        self.reason = np.full(n, "", dtype=object)

    def add(self, mask, fld: str, reasons) -> None:
        mask = np.asarray(mask, dtype=bool) & (self.field == "")
        self.field[mask] = fld
        if isinstance(reasons, str):
            self.reason[mask] = reasons
        else:
            self.reason[mask] = np.asarray(reasons, dtype=object)[mask]

    @property
    def rejected(self) -> np.ndarray:
        return self.field != ""


@dataclass
class RowWork:
    """One import in progress: the text table and what the steps found so far."""

    table: pd.DataFrame
    mapping: dict[str, str]  # original header → canonical field
    problems: Problems = field(init=False)
    flags: dict[int, list[str]] = field(default_factory=dict)  # row position → notes
    columns: dict[str, pd.Series] = field(init=False)

    def __post_init__(self) -> None:
        self.problems = Problems(len(self.table))
        self.columns = {canon: self.table[orig].astype(str) for orig, canon in self.mapping.items()}

    @property
    def n(self) -> int:
        return len(self.table)

    def get(self, canon: str) -> pd.Series:
        """The text of a canonical field ("" in every row when the file has no such column)."""
        if canon in self.columns:
            return self.columns[canon]
        return pd.Series("", index=self.table.index, dtype=object)

    def folded(self, canon: str, drop: str = "") -> pd.Series:
        """A field's text folded (NFKC, stripped), for checks and comparison keys."""
        return fold_series(self.get(canon), drop=drop)

    def flag(self, mask, text: str) -> None:
        """Note ``text`` on the rows of ``mask`` (kept, not rejected)."""
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.flags.setdefault(int(i), []).append(text)

    def issue_texts(self) -> np.ndarray:
        """Per row, its notes joined by "; " ("" for the rows without any)."""
        out = np.full(self.n, "", dtype=object)
        for i, notes in self.flags.items():
            out[i] = "; ".join(notes)
        return out


def numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(values as float, mask of cells that are non-empty but not numbers).

    Thousands separators are dropped; full-width digits count (NFKC)."""
    clean = fold_series(series, drop=r",")
    values = pd.to_numeric(clean, errors="coerce")
    bad = (clean != "") & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.astype(float), bad


def check_names(work: RowWork, geometry_errors: pd.Series | None = None) -> pd.Series:
    """A firm name is required; a GeoJSON feature without a usable Point is rejected
    with the reason the reader gave (``geometry_errors``, "" where fine). Returns the
    folded names (duplicate keys)."""
    names = work.folded("name")
    work.problems.add(names == "", "name", "empty firm name")
    if geometry_errors is not None:
        work.problems.add(geometry_errors != "", "geometry", geometry_errors.to_numpy())
    return names


def row_datums(work: RowWork, *, default: str) -> np.ndarray:
    """Each row's datum: its 坐标系 cell if it has one, else the file's ``default``.
    Each distinct cell value is parsed once and the unknown ones reject their rows in
    one step, so the cost is linear in rows however many distinct values there are."""
    codes, uniques = pd.factorize(work.folded("datum").to_numpy(), use_na_sentinel=False)
    ids = np.full(len(uniques), default, dtype=object)
    reasons = np.full(len(uniques), "", dtype=object)
    for k, value in enumerate(uniques):
        if value == "":
            continue
        try:
            ids[k] = parse_datum(value)
        except ValueError:
            reasons[k] = f"unknown datum {value!r}: use WGS84, GCJ-02, BD-09 or CGCS2000"
    problem = reasons[codes]
    work.problems.add(problem != "", "datum", problem)
    return ids[codes]


@dataclass
class Coordinates:
    """Per row: WGS84 lon/lat (NaN where none), what was given, how it was placed."""

    x: np.ndarray
    y: np.ndarray
    given: np.ndarray       # both lon and lat are numbers
    need_address: np.ndarray  # neither lon nor lat given (nor bad): place by address
    swapped: np.ndarray
    placement: np.ndarray
    precision: np.ndarray
    datums: np.ndarray        # the datum each row's coordinates were given in


def _given_numbers(work: RowWork) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Longitude and latitude as numbers; a cell that is not a number, or one given
    without its partner, rejects the row. Returns (lon, lat, neither given)."""
    lon, bad_lon = numbers(work.get("lon"))
    lat, bad_lat = numbers(work.get("lat"))
    has_lon, has_lat = lon.notna().to_numpy(), lat.notna().to_numpy()
    if bad_lon.any():  # reasons quote the cell; built only when some cell is bad
        work.problems.add(bad_lon, "lon", "longitude is not a number: " + work.get("lon"))
    if bad_lat.any():
        work.problems.add(bad_lat, "lat", "latitude is not a number: " + work.get("lat"))
    work.problems.add(has_lon & ~has_lat & ~bad_lat, "lat", "longitude given without latitude")
    work.problems.add(has_lat & ~has_lon & ~bad_lon, "lon", "latitude given without longitude")
    return lon, lat, ~has_lon & ~has_lat & ~bad_lon & ~bad_lat


def read_coordinates(work: RowWork, datums: np.ndarray) -> Coordinates:
    """Coordinates as given, checked and moved to WGS84.

    (0, 0) is a placeholder and out-of-range degrees are rejected; a pair that only
    makes sense swapped for Shanghai is swapped and flagged; GCJ-02/BD-09 rows are
    converted. ``placement_precision_m`` is the file's declared precision (a 定位精度
    column) for rows with coordinates, else empty."""
    lon, lat, need_address = _given_numbers(work)
    x, y = lon.to_numpy(copy=True), lat.to_numpy(copy=True)
    both = lon.notna().to_numpy() & lat.notna().to_numpy()
    work.problems.add(both & (x == 0) & (y == 0), "lon", "(0, 0) is a placeholder, not a location")
    x0, y0, x1, y1 = SHANGHAI_BOX
    looks_right = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    looks_swapped = (y >= x0) & (y <= x1) & (x >= y0) & (x <= y1)
    swap = both & ~looks_right & looks_swapped
    x[swap], y[swap] = y[swap], x[swap].copy()
    work.flag(swap, "lon/lat were swapped; fixed")
    out_of_range = both & ((np.abs(x) > 180) | (np.abs(y) > 90))
    work.problems.add(out_of_range, "lon", "coordinates out of range for degrees")
    for d in ("gcj02", "bd09"):
        m = both & ~out_of_range & (datums == d)
        if m.any():
            x[m], y[m] = convert(x[m], y[m], d, "wgs84")
    placement = np.full(work.n, "", dtype=object)  # shared strings, not n fixed-width copies
    for d in np.unique(datums[both]):
        placement[both & (datums == d)] = "coordinates (WGS84)" if d == "wgs84" \
            else f"coordinates ({d} → WGS84)"
    declared, bad_precision = numbers(work.get("precision_m"))
    work.flag(bad_precision, "precision_m not a number; left empty")
    precision = np.where(both, declared.to_numpy(), np.nan)
    return Coordinates(x, y, both, need_address, swap, placement, precision, datums)


def _address_places(addresses: pd.Series, places: Places):
    """For each address: (lon, lat, placement, precision_m) or NaNs when nothing matches."""
    towns = sorted(places.towns, key=len, reverse=True)
    aliases = sorted(places.district_aliases, key=len, reverse=True)
    out = []
    for text in addresses:
        norm = fold(text, strip=False)
        hit = next((t for t in towns if t in norm), None)
        if hit:
            pt, prec = places.towns[hit]
            out.append((pt.x, pt.y, f"街道/镇 {hit} (representative point)", prec))
            continue
        alias = next((a for a in aliases if a in norm), None)
        if alias:
            name = places.district_aliases[alias]
            pt, prec = places.districts[name]
            out.append((pt.x, pt.y, f"区 {name} (representative point)", prec))
            continue
        out.append((math.nan, math.nan, "", math.nan))
    return out


def place_by_address(work: RowWork, coords: Coordinates, addresses: pd.Series,
                     places: Places) -> None:
    """A row with neither coordinate is placed at the representative point of the
    most precise unit its address names: a 街道/镇 of the base data, else a 区
    (``placement`` and ``placement_precision_m`` say so); otherwise it is rejected."""
    need = coords.need_address
    if not need.any():
        return
    placed = _address_places(addresses[need], places)
    for i, (px, py, how, prec) in zip(np.flatnonzero(need), placed, strict=True):
        coords.x[i], coords.y[i], coords.placement[i], coords.precision[i] = px, py, how, prec
    unplaced = need & np.isnan(coords.x)
    work.problems.add(unplaced & (addresses == "").to_numpy(), "address",
                      "no coordinates and no address")
    work.problems.add(unplaced, "address",
                      "no coordinates, and the address names no 街道/镇 or 区 of Shanghai")


def check_inside(work: RowWork, coords: Coordinates, places: Places) -> None:
    """A located row must fall inside Shanghai (its districts and 临港's 小洋山, plus
    a margin: ``places.shanghai``)."""
    located = ~np.isnan(coords.x) & ~np.isnan(coords.y) & ~work.problems.rejected
    inside = np.zeros(work.n, dtype=bool)
    shapely.prepare(places.shanghai)
    inside[located] = shapely.intersects_xy(places.shanghai, coords.x[located], coords.y[located])
    work.problems.add(located & ~inside, "lon", "point lies outside Shanghai")


def check_credit_codes(work: RowWork) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """统一社会信用代码 are text. A number mangled by a spreadsheet (``9.14E+17``)
    rejects the row; any other invalid code is kept and flagged. Returns (codes,
    valid: True/False/None when empty, problem text or None)."""
    codes = uscc.normalise_many(work.get("uscc"))
    problem = np.full(work.n, None, dtype=object)
    mangled = np.zeros(work.n, dtype=bool)
    for i in np.flatnonzero((codes != "").to_numpy()):
        problem[i] = uscc.problem(codes.iat[i])
        mangled[i] = uscc.is_mangled_number(codes.iat[i])
    work.problems.add(mangled, "uscc", problem)
    valid = np.where(codes == "", None, problem == None)  # noqa: E711
    return codes, valid, problem


def read_employees(work: RowWork) -> pd.Series:
    """Employees as numbers; a cell that is not a non-negative number is flagged and
    left empty (the row is kept)."""
    employees, bad = numbers(work.get("employees"))
    negative = (employees < 0).to_numpy()
    work.flag(bad | negative, "employees not a non-negative number; left empty")
    return employees.where(~(bad | negative))


def mark_duplicates(work: RowWork, *, codes: pd.Series, valid: np.ndarray, names: pd.Series,
                    addresses: pd.Series) -> None:
    """Among rows still accepted the first wins: a later row with the same valid
    credit code, or (for the rest) the same name and non-empty address, is rejected
    as a duplicate of that row."""
    alive = ~work.problems.rejected
    frame = pd.DataFrame({"code": codes.to_numpy(), "valid": valid == True,  # noqa: E712
                          "name": names.to_numpy(), "addr": addresses.to_numpy(),
                          "pos": np.arange(work.n)})[alive]
    reasons = np.full(work.n, "", dtype=object)
    by_code = frame[frame["valid"] & (frame["code"] != "")]
    first = by_code.groupby("code")["pos"].transform("min")
    dup = by_code[by_code["pos"] != first]
    reasons[dup["pos"].to_numpy()] = [f"duplicate of row {f + 1} (same 统一社会信用代码)"
                                      for f in first[dup.index]]
    rest = frame[(frame["addr"] != "") & ~np.isin(frame["pos"], dup["pos"])]
    first = rest.groupby(["name", "addr"])["pos"].transform("min")
    dup = rest[rest["pos"] != first]
    reasons[dup["pos"].to_numpy()] = [f"duplicate of row {f + 1} (same name and address)"
                                      for f in first[dup.index]]
    work.problems.add(reasons != "", "duplicate", reasons)


Classifier = Callable[..., tuple[pd.Series, pd.Series]]


def classify_rows(work: RowWork, names: pd.Series,
                  classify: Classifier | None) -> tuple[pd.Series, pd.Series, object, object]:
    """(industry, industry code, sector, how) per row: ``classify(codes, industries,
    names)`` decides; without it every firm is ``unclassified``."""
    industry = work.folded("industry")
    code = work.folded("industry_code")
    if classify is not None:
        sector, source = classify(code, industry, names)
    else:
        sector = pd.Series(["unclassified"] * work.n, index=work.table.index)
        source = pd.Series(["none"] * work.n, index=work.table.index)
    return industry, code, sector, source
