"""Import a firm table: map headers, check every value, place and de-duplicate.

Pure: takes a frame of text cells (see :mod:`firms.intake.readers`) and the named places
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
  (``row``, ``field``, ``reason``, ``geometry``, ``issues`` …, or a column a file
  format adds: ``datum``, ``wkt``, ``wkt_note``, GeoPackage's ``fid`` and ``geom``),
  in any case (``Name`` beside a mapped 企业名称: GeoPackage and GIS tools compare
  column names without case), is renamed ``row_1`` and the rename listed in
  ``report["renamed_columns"]``, so every output format holds the same columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from firms.intake.classify import classify as classify_by_code
from firms.intake.columns import stripped, text_series
from firms.intake.errors import TableRejectedError
from firms.intake.geocode import Geocoder
from firms.intake.headers import HEADER_ALIASES, map_headers
from firms.intake.messages import Said, remember, said
from firms.intake.plausible import check_capital, check_visible_names, plausible_employees
from firms.intake.register import Registration, read_registration
from firms.intake.steps import (
    SHANGHAI_BOX,
    Classes,
    Classifier,
    Coordinates,
    CreditCodes,
    Places,
    RowWork,
    check_credit_codes,
    check_inside,
    check_names,
    classify_rows,
    compare_geometry,
    geocode_rows,
    mark_duplicates,
    place_by_address,
    read_coordinates,
    read_employees,
    row_datums,
)
from geo.crs import STORAGE_CRS
from geo.datum import parse_datum
from layers.formats import GPKG_COLUMNS, free_names

__all__ = ["HEADER_ALIASES", "SHANGHAI_BOX", "ImportResult", "Places", "import_firms", "map_headers",
           "with_points"]

@dataclass
class ImportResult:
    """Accepted firms, rejected rows and the report of one import."""

    accepted: pd.DataFrame  # a GeoDataFrame of points unless imported with points=False
    rejected: pd.DataFrame
    report: dict[str, Any] = field(default_factory=dict)
    #: every reason, flag and placement text the import wrote → its :class:`Said` (key and
    #: values), so a screen words a cell in its reader's language by exact text.
    messages: dict[str, Said] = field(default_factory=dict)


def _check_columns(table: pd.DataFrame, mapping: dict[str, str]) -> None:
    """A table without a name column, or without coordinates and addresses, is refused whole."""
    fields = set(mapping.values())
    if "name" not in fields:
        raise TableRejectedError(said("no_name_column",
                                      found=", ".join(map(str, table.columns))))
    if not ({"lon", "lat"} <= fields or "address" in fields):
        raise TableRejectedError(said("no_place_columns"))


#: Columns of the accepted output; the rejected output puts ``row``, ``field`` and
#: ``reason`` before the user's columns.
ACCEPTED_COLUMNS = ("row", "name", "name_en", "uscc", "uscc_valid", "uscc_problem", "address",
                    "industry", "industry_code", "sector", "sector_source", "employees",
                    "registered_capital", "capital_currency", "founded", "status",
                    "status_active",
                    "datum_in", "placement", "placement_level", "placed_unit",
                    "placement_precision_m", "issues", "lon", "lat",
                    "geometry")
REJECTED_COLUMNS = ("row", "field", "reason")
#: Columns the file formats add to the accepted columns: the CSV's ``datum``, ``wkt`` and
#: ``wkt_note`` (:func:`layers.formats.csv_table`), the GeoPackage's ``datum`` and its
#: feature id and geometry columns.
FORMAT_COLUMNS = ("datum", "wkt", "wkt_note", *GPKG_COLUMNS)


def own_columns(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], pd.Series | None]:
    """Keep every user column, whatever its name: (table, renames, geometry errors).

    A column whose name the outputs use for themselves (ignoring case, like another
    user column before it) is renamed ``row`` →
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
    renames = free_names([str(c) for c in table.columns if c not in mapped or c in REJECTED_COLUMNS],
                         (*REJECTED_COLUMNS, *ACCEPTED_COLUMNS, *FORMAT_COLUMNS))
    return (table.rename(columns=renames) if renames else table), renames, geometry_errors


def import_firms(table: pd.DataFrame, places: Places, *, default_datum: str = "wgs84",
                 classify: Classifier = classify_by_code,
                 on_stage: Callable[[str, Mapping[str, object]], None] | None = None,
                 points: bool = True, geocoder: Geocoder | None = None) -> ImportResult:
    """Check, place and de-duplicate a text table of firms (see the module rules).

    ``classify(codes, industries, names)`` returns (sector id or "unclassified",
    how) per row (default: the taxonomy's GB/T 4754 and alias rules). ``on_stage(key,
    values)`` hears ``check`` and, when some rows are placed by address, ``place``.
    ``points=False`` (for counting only, e.g. the dask engine's blocks) returns the
    accepted firms as a plain DataFrame with ``lon``/``lat`` and no point geometries
    (about 200 MB and a second less per million firms). ``geocoder`` (off by default:
    :mod:`firms.intake.geocode`) may place address rows more precisely than the ladder.
    """
    default_datum = parse_datum(default_datum)
    say = on_stage or (lambda _key, _values: None)
    table, renamed, geometry_errors = own_columns(table)
    mapping = map_headers(table.columns)
    _check_columns(table, mapping)
    work = RowWork(table, mapping)
    say("check", {"rows": work.n})
    check_names(work, geometry_errors)
    check_visible_names(work)
    compare_geometry(work)
    coords = read_coordinates(work, row_datums(work, default=default_datum))
    if coords.need_address.any():
        say("place", {"rows": int(coords.need_address.sum())})
    place_by_address(work, coords, places)
    geocoded = geocode_rows(work, coords, geocoder, say=say)
    check_inside(work, coords, places)
    credit = check_credit_codes(work)
    employees = plausible_employees(work, read_employees(work))
    check_capital(work)
    registration = read_registration(work)
    mark_duplicates(work, credit)
    classes = classify_rows(work, classify)
    accepted = _accepted_frame(work, coords, credit, classes, employees, registration,
                               points=points)
    rejected = _rejected_frame(work)
    report = _report(work, coords, accepted, rejected, default_datum=default_datum,
                     invalid_codes=int((~credit.empty & ~credit.valid & ~work.problems.rejected)
                                       .sum()))
    report["renamed_columns"] = renamed
    if geocoded is not None:
        report["geocoder"] = geocoded
    remember(work.messages, coords.placement.texts)
    return ImportResult(accepted, rejected, report, work.messages)


def _accepted_frame(work: RowWork, coords: Coordinates, credit: CreditCodes, classes: Classes,
                    employees: np.ndarray, registration: Registration, *,
                    points: bool = True) -> pd.DataFrame:
    """The accepted rows: the project's columns, then the file's other columns as they
    were (:func:`own_columns` freed their names); EPSG:4326 points, built from the
    coordinate arrays. Text stays in Arrow memory; sector, how, datum, placement and
    notes are categorical (few distinct values)."""
    keep = ~work.problems.rejected
    index = work.table.index
    frame = pd.DataFrame({
        "row": np.arange(1, work.n + 1),
        "name": text_series(stripped(work.arrow("name")), index),
        "name_en": text_series(stripped(work.arrow("name_en")), index),
        "uscc": credit.codes, "uscc_valid": credit.valid_column(),
        "uscc_problem": text_series(credit.problem_column(), index),
        "address": text_series(stripped(work.arrow("address")), index),
        "industry": classes.industry, "industry_code": classes.industry_code,
        "sector": classes.sector.series(index), "sector_source": classes.source.series(index),
        "employees": employees,
        "registered_capital": registration.capital,
        "capital_currency": pd.Categorical(registration.currency),
        "founded": registration.founded, "status": pd.Categorical(registration.status),
        "status_active": registration.active,
        "datum_in": coords.datums.series(index),
        "placement": coords.placement.series(index),
        "placement_level": coords.level.series(index),
        "placed_unit": coords.unit.series(index),
        "placement_precision_m": coords.precision,
        "issues": work.issue_texts(),
        "lon": coords.x,
        "lat": coords.y,
    }, index=index, copy=False)  # the arrays are this frame's own: no second copy
    for c in (c for c in work.table.columns if c not in work.mapping):
        frame[c] = work.table[c]
    if not keep.all():
        frame = frame[keep]
    for c in ("sector", "sector_source", "datum_in", "placement", "placement_level",
              "placed_unit", "issues"):
        frame[c] = _used_categories(frame[c])  # value_counts lists only those used
    if not points:
        return frame.reset_index(drop=True)
    pa.default_memory_pool().release_unused()  # the steps' Arrow scratch, before the points
    return with_points(frame.reset_index(drop=True))


def with_points(firms: pd.DataFrame) -> gpd.GeoDataFrame:
    """``firms`` with EPSG:4326 point geometries built from its ``lon``/``lat`` columns
    (an import made with ``points=False``); ``firms`` itself when it has them already.
    About 0.7 s and 200 MB per million firms, so built only where drawn or exported."""
    if isinstance(firms, gpd.GeoDataFrame):
        return firms
    geometry = shapely.points(firms["lon"].to_numpy(), firms["lat"].to_numpy())
    return gpd.GeoDataFrame(firms, geometry=geometry, crs=STORAGE_CRS)


def _used_categories(column: pd.Series) -> pd.Series:
    """A categorical column without its unused categories (one bincount, no sort)."""
    codes = column.cat.codes.to_numpy()
    used = np.bincount(codes, minlength=len(column.cat.categories)) > 0
    if used.all():
        return column
    remap = (np.cumsum(used) - 1).astype(codes.dtype)
    return pd.Series(pd.Categorical.from_codes(remap[codes], column.cat.categories[used]),
                     index=column.index)


def _rejected_frame(work: RowWork) -> pd.DataFrame:
    """The rejected rows with their original cells, after ``row``, ``field`` and ``reason``."""
    keep = ~work.problems.rejected
    rejected = work.table[~keep].copy()
    rejected.insert(0, "row", np.arange(1, work.n + 1)[~keep])
    rejected.insert(1, "field", work.problems.field[~keep])
    rejected.insert(2, "reason", work.problems.reason[~keep])
    return rejected.reset_index(drop=True)


def _report(work: RowWork, coords: Coordinates, accepted: pd.DataFrame,
            rejected: pd.DataFrame, *, default_datum: str, invalid_codes: int) -> dict[str, Any]:
    """What the import did, in numbers; ``rows_in == accepted + rejected`` always."""
    keep = ~work.problems.rejected
    report: dict[str, Any] = {
        "rows_in": work.n,
        "accepted": len(accepted),
        "rejected": len(rejected),
        "header_mapping": work.mapping,
        "default_datum": default_datum,
        "rejected_by_field": rejected["field"].value_counts().to_dict(),
        "swapped_fixed": int(coords.swapped[keep].sum()),
        "placed_by_address": int((coords.need_address & keep).sum()),
        "invalid_uscc_flagged": invalid_codes,
        "unclassified": int((accepted["sector"] == "unclassified").sum()),
        "inactive": int((~accepted["status_active"].astype(bool)).sum()),
        "placement_levels": {str(k): int(v) for k, v in
                             accepted["placement_level"].value_counts().items() if v},
    }
    if report["rows_in"] != report["accepted"] + report["rejected"]:
        raise AssertionError(f"row tally broken: {report}")  # a bug, never a user's doing
    return report
