"""The steps of a firm import, one function each, in the order they run.

:func:`firms.intake.importer.import_firms` calls them in turn over one :class:`RowWork` — the
text table, its mapped columns, the first problem of each rejected row and the
notes of flagged rows. Each step states its rule in its docstring; a step only
adds problems to rows that have none yet, so a rejected row keeps its first reason.
All coordinates are WGS84 lon/lat (EPSG:4326) once :func:`read_coordinates` is done.

Columns are Arrow text and per-row labels integer codes (:mod:`firms.intake.columns`): a
column with few distinct values is folded and decided once per value, numbers are
cast by Arrow with the careful path only for cells it cannot read, and a step
whose column is absent is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from firms.intake import uscc
from firms.intake.address import place_addresses, placement_text, unit_arrays
from firms.intake.columns import (
    Labels,
    arrow_text,
    blank_after_fold,
    numbers,
    text_series,
)
from firms.intake.geocode import Geocoder, geocode_report
from firms.intake.headers import GEOMETRY_LAT, GEOMETRY_LON, map_headers
from firms.intake.messages import said
from firms.intake.rows import Places, Problems, RowWork
from geo.datum import DATUMS, convert, parse_datums
from geo.prepared import prepared_copy
from layers.text import fold_arrow

__all__ = ["SHANGHAI_BOX", "Classes", "Classifier", "Coordinates", "CreditCodes", "Places",
           "Problems", "RowWork", "check_credit_codes", "check_inside", "check_names",
           "classify_rows", "compare_geometry", "geocode_rows", "mark_duplicates", "place_by_address", "read_coordinates",
           "read_employees", "row_datums"]

#: Cells a registry export writes for a figure it does not know.
UNKNOWN_CELLS = ("-", "--", "—", "暂无", "未公开", "无")

#: The box that Shanghai's coordinates fall in (lon0, lat0, lon1, lat1), used to
#: recognise swapped pairs.
SHANGHAI_BOX = (120.8, 30.6, 122.3, 31.95)


def _each(key: str, mask: np.ndarray, values: pd.Series) -> np.ndarray:
    """Per row, the message ``key`` with the row's cell as its value, where ``mask`` holds."""
    out = np.full(len(mask), "", dtype=object)
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    out[rows] = [said(key, value=v) for v in values.to_numpy()[rows]]
    return out


def check_names(work: RowWork, geometry_errors: pd.Series | None = None) -> None:
    """A firm name is required (empty once folded: :func:`firms.intake.columns.blank_after_fold`);
    a GeoJSON feature without a usable Point is rejected with the reason the reader
    gave (``geometry_errors``, "" where fine)."""
    work.problems.add(blank_after_fold(work.arrow("name")), "name", said("empty_name"))
    if geometry_errors is not None:
        work.problems.add(geometry_errors != "", "geometry", geometry_errors.to_numpy())


def row_datums(work: RowWork, *, default: str) -> Labels:
    """Each row's datum: its 坐标系 cell if it has one, else the file's ``default``.
    The distinct values are parsed at once in Arrow (:func:`geo.datum.parse_datums`)
    and the unknown ones reject their rows in one step, so the cost is linear in rows
    however many distinct values there are."""
    datums = Labels(work.n, default)
    if "datum" not in work.columns:
        return datums
    codes, values, _ = work.folded_codes("datum")
    ids = parse_datums(values)
    unknown = np.flatnonzero((ids == "") & ~pc.equal(values, pa.scalar("")).to_numpy(
        zero_copy_only=False))
    label = np.full(len(ids), datums.code(default), dtype=np.int32)  # blank and unknown
    for d in DATUMS:
        label[ids == d] = datums.code(d)
    reasons = np.full(len(ids), "", dtype=object)
    reasons[unknown] = [said("unknown_datum", value=repr(v))
                        for v in values.take(unknown).to_pylist()]
    datums.codes = label[codes]
    problem = reasons[codes]
    work.problems.add(problem != "", "datum", problem)
    return datums


@dataclass
class Coordinates:
    """Per row: WGS84 lon/lat (NaN where none), what was given, how it was placed."""

    x: np.ndarray
    y: np.ndarray
    given: np.ndarray       # both lon and lat are numbers
    need_address: np.ndarray  # neither lon nor lat given (nor bad): place by address
    swapped: np.ndarray
    placement: Labels
    precision: np.ndarray
    datums: Labels            # the datum each row's coordinates were given in
    level: Labels             # geometry, coordinates, zone, town, town_district, district
    unit: Labels              # the unit an address placed the row to ("" for coordinates)


def _given_numbers(work: RowWork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longitude and latitude as numbers; a cell that is not a number, or one given
    without its partner, rejects the row. Returns (lon, lat, neither given)."""
    lon, bad_lon = numbers(work.arrow("lon"))
    lat, bad_lat = numbers(work.arrow("lat"))
    has_lon, has_lat = ~np.isnan(lon), ~np.isnan(lat)
    if bad_lon.any():  # reasons quote the cell; built only when some cell is bad
        work.problems.add(bad_lon, "lon", _each("lon_not_number", bad_lon, work.get("lon")))
    if bad_lat.any():
        work.problems.add(bad_lat, "lat", _each("lat_not_number", bad_lat, work.get("lat")))
    work.problems.add(has_lon & ~has_lat & ~bad_lat, "lat", said("lon_without_lat"))
    work.problems.add(has_lat & ~has_lon & ~bad_lon, "lon", said("lat_without_lon"))
    return lon, lat, ~has_lon & ~has_lat & ~bad_lon & ~bad_lat


#: A GeoJSON geometry and coordinate properties further apart than this are reported.
GEOMETRY_AGREES_M = 50.0


def compare_geometry(work: RowWork) -> None:
    """Where a GeoJSON feature has both a Point geometry and coordinate-like properties
    (经度/纬度, X/Y …), the geometry is used; properties more than
    :data:`GEOMETRY_AGREES_M` away from it (or not degrees at all) are noted on the row."""
    if work.mapping.get(GEOMETRY_LON) != "lon":
        return
    props = {canon: orig for orig, canon in map_headers(
        [c for c in work.table.columns if c not in (GEOMETRY_LON, GEOMETRY_LAT)]).items()}
    if not {"lon", "lat"} <= props.keys():
        return
    gx, _ = numbers(work.arrow("lon"))
    gy, _ = numbers(work.arrow("lat"))
    px, _ = numbers(arrow_text(work.table[props["lon"]]))
    py, _ = numbers(arrow_text(work.table[props["lat"]]))
    both = ~np.isnan(gx) & ~np.isnan(gy) & ~np.isnan(px) & ~np.isnan(py)
    metres = np.hypot((px - gx) * np.cos(np.radians(gy)), py - gy) * 111_320.0
    off = both & ((metres > GEOMETRY_AGREES_M) | (np.abs(px) > 180) | (np.abs(py) > 90))
    for i in np.flatnonzero(off):
        degrees = abs(px[i]) <= 180 and abs(py[i]) <= 90
        work.flag(np.arange(work.n) == i, said(
            "geometry_differs", lon=props["lon"], lat=props["lat"], metres=f"{metres[i]:,.0f}")
            if degrees else said("geometry_not_degrees", lon=props["lon"], lat=props["lat"]))


def read_coordinates(work: RowWork, datums: Labels) -> Coordinates:
    """Coordinates as given, checked and moved to WGS84.

    (0, 0) is a placeholder and out-of-range degrees are rejected; a pair that only
    makes sense swapped for Shanghai is swapped and flagged; GCJ-02/BD-09 rows are
    converted. ``placement_precision_m`` is the file's declared precision (a 定位精度
    column) for rows with coordinates, else empty."""
    x, y, need_address = _given_numbers(work)
    both = ~np.isnan(x) & ~np.isnan(y)
    work.problems.add(both & (x == 0) & (y == 0), "lon", said("zero_zero"))
    x0, y0, x1, y1 = SHANGHAI_BOX
    looks_right = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    looks_swapped = (y >= x0) & (y <= x1) & (x >= y0) & (x <= y1)
    swap = both & ~looks_right & looks_swapped
    if swap.any():
        x[swap], y[swap] = y[swap], x[swap].copy()
        work.flag(swap, said("swapped"))
    out_of_range = both & ((np.abs(x) > 180) | (np.abs(y) > 90))
    work.problems.add(out_of_range, "lon", said("out_of_range"))
    for d in ("gcj02", "bd09"):
        m = both & ~out_of_range & datums.is_(d)
        if m.any():
            x[m], y[m] = convert(x[m], y[m], d, "wgs84")
    placement, level = Labels(work.n), Labels(work.n)
    level.set(both, "geometry" if work.mapping.get(GEOMETRY_LON) == "lon" else "coordinates")
    for d in datums.present(both):
        placement.set(both & datums.is_(d), said("placed_wgs84") if d == "wgs84"
                      else said("placed_converted", datum=d))
    precision = np.full(work.n, np.nan)
    if "precision_m" in work.columns:
        declared, bad_precision = numbers(work.arrow("precision_m"))
        work.flag(bad_precision, said("precision_not_number"))
        precision = np.where(both, declared, np.nan)
    return Coordinates(x, y, both, need_address, swap, placement, precision, datums, level,
                       Labels(work.n))


def place_by_address(work: RowWork, coords: Coordinates, places: Places) -> None:
    """A row with neither coordinate is placed by the ladder of
    :mod:`firms.intake.address` (a zone its address names, a 街道/镇, a 区), at the
    representative point of that unit with the radius of its area as precision
    (``placement``, ``placement_level``, ``placed_unit`` and ``placement_precision_m``
    say so); an address naming a place outside Shanghai first, or no place at all, is
    rejected."""
    need = coords.need_address
    if not need.any():
        return
    rows = np.flatnonzero(need)
    addresses = fold_arrow(work.arrow("address").take(rows))
    placed = place_addresses(addresses, places)
    px, py, prec = unit_arrays(placed)
    coords.x[rows], coords.y[rows], coords.precision[rows] = px, py, prec
    for code, unit in enumerate(placed.units):
        if unit is not None:
            at = rows[placed.codes == code]
            coords.placement.set(at, placement_text(unit))
            coords.level.set(at, unit.level)
            coords.unit.set(at, unit.unit_id)
    elsewhere = np.zeros(work.n, dtype=bool)
    elsewhere[rows] = [r != "" for r in placed.reasons]
    reasons = np.full(work.n, "", dtype=object)
    reasons[rows] = placed.reasons
    work.problems.add(elsewhere, "address", reasons)
    unplaced = need & np.isnan(coords.x)
    no_address = np.zeros(work.n, dtype=bool)
    no_address[rows] = blank_after_fold(addresses)
    work.problems.add(unplaced & no_address, "address", said("no_place"))
    work.problems.add(unplaced, "address", said("address_unplaced"))


def geocode_rows(work: RowWork, coords: Coordinates, geocoder: Geocoder | None, *,
                 say: Callable[[str, dict[str, object]], None] | None = None
                 ) -> dict[str, object] | None:
    """With a geocoder configured (off by default: :mod:`firms.intake.geocode`), each row
    placed by its address is asked for (each distinct address once, answers cached); an
    answer more precise than the ladder's place replaces it, its precision from the
    provider's match level, already in WGS84. A failing service leaves the ladder's
    places standing. Returns what it did for the report (:func:`geocode_report`), or
    None without a geocoder."""
    if geocoder is None:
        return None
    rows = np.flatnonzero(coords.need_address & ~work.problems.rejected)
    addresses = [str(a) for a in work.arrow("address").take(rows).to_pylist()] if len(rows) \
        else []
    distinct = [a for a in dict.fromkeys(addresses) if a]
    if distinct and say is not None:
        say("geocode", {"addresses": len(distinct)})
    answers = {a: geocoder.ask(a) for a in distinct}
    placed: list[float] = []
    for i, address in zip(rows, addresses, strict=True):
        got = answers.get(address)
        if got is not None and got.precision_m < coords.precision[i]:
            coords.x[i], coords.y[i], coords.precision[i] = got.lon, got.lat, got.precision_m
            coords.placement.set(i, said("placed_geocoded", provider=geocoder.provider,
                                         level=got.level))
            coords.level.set(i, "geocoded")
            coords.unit.set(i, "")
            placed.append(got.precision_m)
    return geocode_report(geocoder, placed, addresses=len(distinct))


def check_inside(work: RowWork, coords: Coordinates, places: Places) -> None:
    """A located row must fall inside Shanghai (its districts and 临港's 小洋山, plus
    a margin: ``places.shanghai``)."""
    located = ~np.isnan(coords.x) & ~np.isnan(coords.y) & ~work.problems.rejected
    inside = np.zeros(work.n, dtype=bool)
    x, y = coords.x[located], coords.y[located]
    if places.grid is not None:
        inside[located] = places.grid.intersects_xy(places.shanghai, x, y)
    else:
        inside[located] = shapely.intersects_xy(prepared_copy(places.shanghai), x, y)
    work.problems.add(located & ~inside, "lon", said("outside_shanghai"))


CreditCodes = uscc.CreditCodes


def check_credit_codes(work: RowWork) -> CreditCodes:
    """统一社会信用代码 are text. A number mangled by a spreadsheet (``9.14E+17``)
    rejects the row; any other invalid code is kept and flagged. Valid codes are
    recognised vectorised (:func:`firms.intake.uscc.problems_many`)."""
    n = work.n
    if "uscc" not in work.columns:
        return CreditCodes(work.get("uscc"), np.zeros(n, bool), np.ones(n, bool),
                           np.full(n, None, dtype=object))
    codes = uscc.normalise_many(work.get("uscc"))
    problem, mangled = uscc.problems_many(arrow_text(codes))
    work.problems.add(mangled, "uscc", problem)
    empty = (codes == "").to_numpy()
    return CreditCodes(codes, ~empty & (problem == None), empty, problem)  # noqa: E711


def read_employees(work: RowWork) -> np.ndarray:
    """Employees as numbers (参保人数 of a registry export: "-" or 未公开 mean unknown and
    stay empty); a cell that is not a non-negative number is flagged and left empty (the
    row is kept)."""
    if "employees" not in work.columns:
        return np.full(work.n, np.nan)
    cells = work.arrow("employees")
    unknown = pc.is_in(pc.utf8_trim_whitespace(cells), value_set=pa.array(UNKNOWN_CELLS))
    employees, bad = numbers(pc.if_else(unknown, "", cells))
    negative = employees < 0
    work.flag(bad | negative, said("employees_not_number"))
    return np.where(bad | negative, np.nan, employees)


def _first_of_groups(keys: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
    """For rows grouped by ``keys``: the first position of each row's group."""
    return pd.Series(pos).groupby([keys[c].to_numpy() for c in keys]).transform("min").to_numpy()


def mark_duplicates(work: RowWork, credit: CreditCodes) -> None:
    """Among rows still accepted the first wins: a later row with the same valid
    credit code, or (for the rest) the same folded name and non-empty address, is
    rejected as a duplicate of that row. A part whose column is absent is skipped."""
    alive = ~work.problems.rejected
    reasons = np.full(work.n, "", dtype=object)
    by_code = np.flatnonzero(alive & credit.valid)
    if len(by_code):
        first = _first_of_groups(pd.DataFrame({"code": credit.codes.to_numpy()[by_code]}),
                                 by_code)
        dup = first != by_code
        reasons[by_code[dup]] = [said("duplicate_code", row=f + 1) for f in first[dup]]
    if "address" in work.columns:
        address = work.arrow("address")
        rest = np.flatnonzero(alive & (reasons == "") & ~blank_after_fold(address))
        keys = pd.DataFrame({"name": fold_arrow(work.arrow("name").take(rest)).to_pandas(),
                             "addr": fold_arrow(address.take(rest)).to_pandas()})
        first = _first_of_groups(keys, rest)
        dup = first != rest
        reasons[rest[dup]] = [said("duplicate_name_address", row=f + 1) for f in first[dup]]
    work.problems.add(reasons != "", "duplicate", reasons)


Classifier = Callable[..., tuple[pd.Series, pd.Series]]


@dataclass
class Classes:
    """Per row: folded industry text and code, and the sector and how it was found."""

    industry: pd.Series
    industry_code: pd.Series
    sector: Labels
    source: Labels


def classify_rows(work: RowWork, classify: Classifier | None) -> Classes:
    """Industry, industry code, sector and how, per row: ``classify(codes, industries,
    names, by_words=False)`` decides by code or industry name once per distinct (code,
    industry) pair; the rows it leaves unclassified are tried again with their firm names
    (refinement of a broad industry, then words; the classifier folds them). Without
    ``classify`` every firm is ``unclassified`` (how: ``none``)."""
    ind_codes, industries, ind_rows = work.folded_codes("industry")
    code_codes, codes, code_rows = work.folded_codes("industry_code")
    index = work.table.index
    out = Classes(text_series(ind_rows, index), text_series(code_rows, index),
                  Labels(work.n, "unclassified"), Labels(work.n, "none"))
    if classify is None:
        return out
    inverse, pair = pd.factorize(code_codes.astype(np.int64) * len(industries) + ind_codes)
    sector, source = classify(pd.Series(codes.take(pa.array(pair // len(industries))).to_pandas()),
                              pd.Series(industries.take(pa.array(pair % len(industries)))
                                        .to_pandas()), by_words=False)
    pair_sector = np.array([out.sector.code(s) for s in sector], dtype=np.int32)
    pair_source = np.array([out.source.code(s) for s in source], dtype=np.int32)
    out.sector.codes, out.source.codes = pair_sector[inverse], pair_source[inverse]
    rows = np.flatnonzero(out.source.is_("none"))
    if len(rows):
        names = pd.Series(work.arrow("name").take(rows).to_pandas())  # classify folds
        sector, source = classify(pd.Series(code_rows.take(rows).to_pandas()),
                                  pd.Series(ind_rows.take(rows).to_pandas()), names)
        for s in pd.unique(sector[source != "none"]):
            out.sector.set(rows[((sector == s) & (source != "none")).to_numpy()], s)
        for how in pd.unique(source[source != "none"]):
            out.source.set(rows[(source == how).to_numpy()], how)
    return out
