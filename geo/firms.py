"""Import a firm table: map headers, check every value, place and de-duplicate.

Pure: takes a frame of text cells (see :mod:`geo.readers`) and the named places
of Shanghai, returns accepted firms (a GeoDataFrame in EPSG:4326), rejected rows
(original values plus ``row``, ``field``, ``reason``) and a report. Nothing is
lost: ``rows_in == accepted + rejected`` always.

Row numbers count data rows from 1 (the first row under the header), so in a CSV
file row *n* is on line *n + 1*.

Rules, in the order they apply:

- ``name`` is required. Coordinates (``lon``/``lat``) or an ``address`` must give
  a place; a row with neither is rejected.
- Coordinates are read in the row's ``datum`` column if it has one, else the
  file's declared datum (default WGS84), and converted to WGS84. A pair that only
  makes sense swapped (latitude-like longitude, longitude-like latitude for
  Shanghai) is swapped and flagged. Non-numbers, NaN, (0, 0), out-of-range values
  and points outside Shanghai (its districts and 临港's 小洋山, plus 1 km) are rejected.
- ``placement_precision_m`` is the file's declared precision (a 定位精度 column)
  for rows with coordinates, else empty.
- A row without coordinates is placed at the representative point of the most
  precise unit its address names: a 街道/镇 of the base data, else a 区.
  ``placement`` and ``placement_precision_m`` say so.
- ``uscc`` (统一社会信用代码) is text. A number mangled by a spreadsheet
  (``9.14E+17``) rejects the row; any other invalid code is kept and flagged
  (``uscc_valid`` false, ``uscc_problem`` says why).
- Duplicates: the first row wins; a later row with the same valid credit code, or
  with the same name and address, is rejected as a duplicate of that row.
- Every user column is kept, whatever its name: one named like an output column
  (``row``, ``field``, ``reason``, ``geometry``, ``issues`` …) is renamed ``row_1``
  and the rename listed in ``report["renamed_columns"]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import uscc
from geo.crs import STORAGE_CRS
from geo.datum import convert, parse_datum
from geo.errors import TableRejectedError
from geo.text import fold, fold_series

#: Canonical field → header spellings accepted (compared after NFKC, lower-case,
#: and removing spaces, underscores, hyphens and brackets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "名称", "公司名称", "单位名称", "机构名称", "name", "firmname",
             "companyname", "company", "firm", "enterprise"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc", "creditcode",
             "unifiedsocialcreditcode"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "address": ("地址", "注册地址", "企业地址", "经营地址", "address", "addr"),
    "industry": ("行业", "所属行业", "行业类别", "行业名称", "主营业务", "industry", "sector",
                 "business"),
    "industry_code": ("国民经济行业代码", "行业代码", "gbt4754", "gb/t4754", "gbt4754code",
                      "industrycode", "naics", "isic"),
    "employees": ("从业人员", "从业人数", "员工人数", "职工人数", "employees", "staff",
                  "headcount"),
    "datum": ("坐标系", "坐标系统", "datum", "crs", "coordsys"),
    "precision_m": ("定位精度", "定位精度米", "精度", "precisionm", "placementprecisionm"),
    "name_en": ("英文名称", "英文名", "nameen", "englishname"),
}
#: The box that Shanghai's coordinates fall in (lon0, lat0, lon1, lat1), used to
#: recognise swapped pairs.
SHANGHAI_BOX = (120.8, 30.6, 122.3, 31.95)


def _header_key(text: str) -> str:
    return fold(text, case="lower", drop=r"\s_\-()（）\[\]")


_ALIAS_LOOKUP = {_header_key(a): canon for canon, names in HEADER_ALIASES.items() for a in names}


def map_headers(columns) -> dict[str, str]:
    """Original header → canonical field, for the headers that have one.

    When two headers map to the same field, the first (leftmost) is used.
    """
    mapping: dict[str, str] = {}
    for col in columns:
        canon = _ALIAS_LOOKUP.get(_header_key(col))
        if canon and canon not in mapping.values():
            mapping[str(col)] = canon
    return mapping


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


@dataclass
class ImportResult:
    """Accepted firms, rejected rows and the report of one import."""

    accepted: gpd.GeoDataFrame
    rejected: pd.DataFrame
    report: dict = field(default_factory=dict)


def _norm_text(series: pd.Series, drop: str = "") -> pd.Series:
    return fold_series(series, drop=drop)


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(values as float, mask of cells that are non-empty but not numbers).

    Thousands separators are dropped; full-width digits count (NFKC)."""
    clean = _norm_text(series, drop=r",")
    values = pd.to_numeric(clean, errors="coerce")
    bad = (clean != "") & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.astype(float), bad


def _issue_texts(flags: dict[int, list[str]], n: int) -> np.ndarray:
    """Per row, its notes joined by "; " ("" for the rows without any)."""
    out = np.full(n, "", dtype=object)
    for i, notes in flags.items():
        out[i] = "; ".join(notes)
    return out


class _Problems:
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


def _row_datums(datum_text: pd.Series, default: str) -> tuple[np.ndarray, np.ndarray]:
    """(datum id per row, problem text per row — "" when fine), each distinct value
    parsed once: linear in rows however many distinct values there are."""
    codes, uniques = pd.factorize(datum_text.to_numpy(), use_na_sentinel=False)
    ids = np.full(len(uniques) + 1, default, dtype=object)
    reasons = np.full(len(uniques) + 1, "", dtype=object)
    for k, value in enumerate(uniques):
        if value == "":
            continue
        try:
            ids[k] = parse_datum(value)
        except ValueError:
            reasons[k] = f"unknown datum {value!r}: use WGS84, GCJ-02, BD-09 or CGCS2000"
    return ids[codes], reasons[codes]


def _place_by_address(addresses: pd.Series, places: Places):
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


def _duplicates(codes, valid, names, addresses, alive) -> np.ndarray:
    """Per row, why it repeats an earlier live row ("" when it does not): same valid
    credit code, or (for the rest) same name and non-empty address."""
    n = len(codes)
    frame = pd.DataFrame({"code": codes.to_numpy(), "valid": valid == True,  # noqa: E712
                          "name": names.to_numpy(), "addr": addresses.to_numpy(),
                          "pos": np.arange(n)})[alive]
    reasons = np.full(n, "", dtype=object)
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
    return reasons


#: Columns of the accepted output (plus ``geometry``); the rejected output adds
#: ``row``, ``field`` and ``reason`` before the user's columns.
ACCEPTED_COLUMNS = ("row", "name", "name_en", "uscc", "uscc_valid", "uscc_problem", "address",
                    "industry", "industry_code", "sector", "sector_source", "employees",
                    "datum_in", "placement", "placement_precision_m", "issues", "lon", "lat",
                    "geometry")
REJECTED_COLUMNS = ("row", "field", "reason")


def _free_name(base: str, taken: set[str]) -> str:
    i = 1
    while f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


def own_columns(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], pd.Series | None]:
    """Keep every user column, whatever its name: (table, renames, geometry errors).

    A column whose name the outputs use for themselves is renamed ``row`` →
    ``row_1`` (the next free number), so a re-imported ``x.rejected.csv`` keeps its
    old ``row``/``field``/``reason`` as ``row_1``/``field_1``/``reason_1``. The
    reader's geometry-error marker (``table.attrs["geometry_error_column"]``) is
    taken out and returned; any other column, ``__``-prefixed or not, stays.
    """
    marker = table.attrs.get("geometry_error_column")
    geometry_errors = table[marker].astype(str) if marker in table.columns else None
    if geometry_errors is not None:
        table = table.drop(columns=[marker])
    mapped = map_headers(table.columns)
    taken = {str(c) for c in table.columns}
    reserved = set(REJECTED_COLUMNS) | set(ACCEPTED_COLUMNS)
    renames: dict[str, str] = {}
    for c in map(str, table.columns):
        if c in reserved and (c in REJECTED_COLUMNS or c not in mapped):
            renames[c] = _free_name(c, taken | set(reserved))
            taken.add(renames[c])
    return (table.rename(columns=renames) if renames else table), renames, geometry_errors


def import_firms(table: pd.DataFrame, places: Places, default_datum: str = "wgs84",
                 classify: Callable[..., tuple[pd.Series, pd.Series]] | None
                 = None, progress: Callable[[str], None] | None = None) -> ImportResult:
    """Check, place and de-duplicate a text table of firms (see the module rules).

    ``classify(codes, industries, names)`` returns (sector id or "unclassified",
    how) per row;
    without it every firm is unclassified.
    """
    default_datum = parse_datum(default_datum)
    say = progress or (lambda _msg: None)
    table, renamed, geometry_errors = own_columns(table)
    mapping = map_headers(table.columns)
    fields = set(mapping.values())
    if "name" not in fields:
        raise TableRejectedError("no firm-name column: expected a header such as 企业名称, 名称 or name "
                            f"(found: {', '.join(map(str, table.columns))})")
    if not ({"lon", "lat"} <= fields or "address" in fields):
        raise TableRejectedError("no place columns: expected 经度/纬度 (lon/lat) or 地址 (address)")

    n = len(table)
    col = {canon: table[orig].astype(str) for orig, canon in mapping.items()}
    empty = pd.Series("", index=table.index, dtype=object)
    get = lambda f: col.get(f, empty)  # noqa: E731
    problems = _Problems(n)
    flags: dict[int, list[str]] = {}  # row position → notes; few rows have any

    def flag(mask, text):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            flags.setdefault(int(i), []).append(text)

    say(f"checking {n:,} rows")
    names = _norm_text(get("name"))  # NFKC form, for checks and duplicate keys
    problems.add(names == "", "name", "empty firm name")
    if geometry_errors is not None:
        problems.add(geometry_errors != "", "geometry", geometry_errors.to_numpy())

    # Datum per row (column) or per file.
    row_datum, datum_problem = _row_datums(_norm_text(get("datum")), default_datum)
    problems.add(datum_problem != "", "datum", datum_problem)

    # Coordinates.
    lon, bad_lon = _numbers(get("lon"))
    lat, bad_lat = _numbers(get("lat"))
    has_lon, has_lat = lon.notna().to_numpy(), lat.notna().to_numpy()
    if bad_lon.any():  # reasons quote the cell; built only when some cell is bad
        problems.add(bad_lon, "lon", "longitude is not a number: " + get("lon"))
    if bad_lat.any():
        problems.add(bad_lat, "lat", "latitude is not a number: " + get("lat"))
    problems.add(has_lon & ~has_lat & ~bad_lat, "lat", "longitude given without latitude")
    problems.add(has_lat & ~has_lon & ~bad_lon, "lon", "latitude given without longitude")
    x, y = lon.to_numpy(copy=True), lat.to_numpy(copy=True)
    both = has_lon & has_lat
    problems.add(both & (x == 0) & (y == 0), "lon", "(0, 0) is a placeholder, not a location")
    x0, y0, x1, y1 = SHANGHAI_BOX
    looks_right = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    looks_swapped = (y >= x0) & (y <= x1) & (x >= y0) & (x <= y1)
    swap = both & ~looks_right & looks_swapped
    x[swap], y[swap] = y[swap], x[swap].copy()
    flag(swap, "lon/lat were swapped; fixed")
    out_of_range = both & ((np.abs(x) > 180) | (np.abs(y) > 90))
    problems.add(out_of_range, "lon", "coordinates out of range for degrees")
    for d in ("gcj02", "bd09"):
        m = both & ~out_of_range & (row_datum == d)
        if m.any():
            x[m], y[m] = convert(x[m], y[m], d, "wgs84")
    placement = np.full(n, "", dtype=object)  # shared strings, not n fixed-width copies
    for d in np.unique(row_datum[both]):
        placement[both & (row_datum == d)] = "coordinates (WGS84)" if d == "wgs84" \
            else f"coordinates ({d} → WGS84)"
    declared_precision, bad_precision = _numbers(get("precision_m"))
    flag(bad_precision, "precision_m not a number; left empty")
    precision = np.where(both, declared_precision.to_numpy(), np.nan)

    # Address placement for rows with neither coordinate.
    addresses = _norm_text(get("address"))
    need = ~has_lon & ~has_lat & ~bad_lon & ~bad_lat
    if need.any():
        say(f"placing {int(need.sum()):,} rows by address")
        placed = _place_by_address(addresses[need], places)
        idx = np.flatnonzero(need)
        for i, (px, py, how, prec) in zip(idx, placed, strict=True):
            x[i], y[i], placement[i], precision[i] = px, py, how, prec
        unplaced = need & np.isnan(x)
        problems.add(unplaced & (addresses == "").to_numpy(), "address",
                     "no coordinates and no address")
        problems.add(unplaced, "address",
                     "no coordinates, and the address names no 街道/镇 or 区 of Shanghai")

    # Inside Shanghai.
    located = ~np.isnan(x) & ~np.isnan(y) & ~problems.rejected
    inside = np.zeros(n, dtype=bool)
    shapely.prepare(places.shanghai)
    inside[located] = shapely.intersects_xy(places.shanghai, x[located], y[located])
    problems.add(located & ~inside, "lon", "point lies outside Shanghai")

    # Credit codes.
    codes = uscc.normalise_many(get("uscc"))
    code_problem = np.full(n, None, dtype=object)
    mangled = np.zeros(n, dtype=bool)
    for i in np.flatnonzero((codes != "").to_numpy()):
        code_problem[i] = uscc.problem(codes.iat[i])
        mangled[i] = uscc.is_mangled_number(codes.iat[i])
    problems.add(mangled, "uscc", code_problem)
    uscc_valid = np.where(codes == "", None, code_problem == None)  # noqa: E711

    # Employees: flagged, not rejected.
    employees, bad_emp = _numbers(get("employees"))
    negative = (employees < 0).to_numpy()
    flag(bad_emp | negative, "employees not a non-negative number; left empty")
    employees = employees.where(~(bad_emp | negative))

    # Duplicates (first row wins) among rows still accepted.
    dup = _duplicates(codes, uscc_valid, names, addresses, ~problems.rejected)
    problems.add(dup != "", "duplicate", dup)

    # Classification.
    industry = _norm_text(get("industry"))
    industry_code = _norm_text(get("industry_code"))
    if classify is not None:
        sector, sector_source = classify(industry_code, industry, names)
    else:
        sector = pd.Series(["unclassified"] * n, index=table.index)
        sector_source = pd.Series(["none"] * n, index=table.index)

    keep = ~problems.rejected
    rows = np.arange(1, n + 1)
    accepted = pd.DataFrame({
        "row": rows,
        "name": fold_series(get("name"), normalise=False),
        "name_en": fold_series(get("name_en"), normalise=False),
        "uscc": codes,
        "uscc_valid": uscc_valid,
        "uscc_problem": np.where(code_problem == None, "", code_problem),  # noqa: E711
        "address": fold_series(get("address"), normalise=False),
        "industry": industry,
        "industry_code": industry_code,
        "sector": np.asarray(sector),
        "sector_source": np.asarray(sector_source),
        "employees": employees.to_numpy(),
        "datum_in": row_datum,
        "placement": placement,
        "placement_precision_m": precision,
        "issues": _issue_texts(flags, n),
        "lon": x,
        "lat": y,
    }, index=table.index)
    for c in (c for c in table.columns if c not in mapping):
        accepted[c] = table[c].to_numpy()  # own_columns made the names free
    accepted = accepted[keep]
    gdf = gpd.GeoDataFrame(accepted, geometry=gpd.points_from_xy(accepted["lon"], accepted["lat"]),
                           crs=STORAGE_CRS).reset_index(drop=True)

    rejected = table[~keep].copy()
    rejected.insert(0, "row", rows[~keep])
    rejected.insert(1, "field", problems.field[~keep])
    rejected.insert(2, "reason", problems.reason[~keep])
    rejected = rejected.reset_index(drop=True)

    report = {
        "rows_in": n,
        "accepted": len(gdf),
        "rejected": len(rejected),
        "header_mapping": mapping,
        "renamed_columns": renamed,
        "default_datum": default_datum,
        "rejected_by_field": rejected["field"].value_counts().to_dict(),
        "swapped_fixed": int(swap[keep].sum()),
        "placed_by_address": int((need & keep).sum()),
        "invalid_uscc_flagged": int(sum(1 for v in gdf["uscc_valid"] if v is False)),
        "unclassified": int((gdf["sector"] == "unclassified").sum()),
    }
    assert report["rows_in"] == report["accepted"] + report["rejected"]
    say(f"{report['accepted']:,} accepted, {report['rejected']:,} rejected")
    return ImportResult(gdf, rejected, report)
