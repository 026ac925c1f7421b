"""Firm lists out: the accepted firms as GeoJSON, GeoPackage, FlatGeobuf, GeoParquet or
CSV (with its ``.csvt``), and the rejected rows beside them — written as a pair, whole
or not at all. Every typed format keeps the types of :func:`firms.typed.typed_firms`
(``uscc_valid`` boolean, the list's own numbers and dates); every format says its datum
and that the list is the user's, not the project's, data."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd

from firms.intake.importer import ImportResult, with_points
from firms.typed import typed_firms
from layers.errors import UsageError
from layers.files import check_output, replacing, replacing_path, same_file
from layers.formats import (
    csv_table,
    csvt_text,
    output_path,
    write_columnar,
    write_csv,
    write_geojson,
    write_gpkg,
    write_table_csv,
)

__all__ = ["FIRM_FORMATS", "FIRM_TABLE", "check_import_paths", "firm_gpkg_facts", "output_format",
           "rejected_path", "write_firms", "write_import"]

FIRM_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv",
                ".fgb": "fgb", ".parquet": "parquet"}
#: What a firm file says about itself (GeoPackage/FlatGeobuf/GeoParquet metadata, the
#: GeoJSON ``description``): its datum, and whose data it is.
FIRM_METADATA = {
    "DESCRIPTION": "Firm list: the accepted rows of an imported firm list, WGS84 (EPSG:4326) "
                   "lon/lat. The rows are the list provider's data under the provider's terms "
                   "(not the project's licence); placements and classifications by "
                   "shanghai-cluster-map.",
    "DATUM": "WGS84 (EPSG:4326)",
    "LICENCE": "the terms of the firm list's provider (not set by shanghai-cluster-map)",
}
#: The table of a firm GeoPackage, and its id column (indexed).
FIRM_TABLE, FIRM_ID = "firms", "row"


def rejected_path(out: Path) -> Path:
    """Where the rejected rows of an import written to ``out`` go: ``<stem>.rejected.csv``."""
    return output_path(out, part="rejected", suffix="csv")


def output_format(out: Path) -> str:
    """The firm-output format of a path by its extension (UsageError when unknown)."""
    fmt = FIRM_FORMATS.get(Path(out).suffix.lower())
    if fmt is None:
        raise UsageError(f"unknown output type {Path(out).suffix or '(none)'!r} for {out}: "
                         "use .geojson, .gpkg, .fgb, .parquet or .csv")
    return fmt


def check_import_paths(source: Path, out: Path) -> None:
    """Refuse an output whose writing would replace the input file: ``out`` itself or its
    report ``<stem>.rejected.csv`` being the input (e.g. importing ``x.rejected.csv`` with
    ``-o x.csv``), or ``out`` being a folder or in a missing folder."""
    output_format(out)
    check_output(out, inputs=[source])
    report = rejected_path(out)
    if same_file(report, source):
        raise UsageError(f"cannot write {out}: its rejected rows would go to {report}, which is "
                         "the input file and would be lost; choose another output name "
                         f"(e.g. {out.with_name(out.stem + '_fixed' + out.suffix)})")
    check_output(report)


def write_firms(firms: pd.DataFrame, out: Path) -> None:
    """Write accepted firms, whole or not at all; the format follows the extension. A
    CSV gets its ``.csvt`` (column types for GDAL and QGIS) beside it."""
    fmt = output_format(out)
    firms = typed_firms(with_points(firms))
    if fmt == "gpkg":
        write_gpkg({FIRM_TABLE: firms}, out, metadata={FIRM_TABLE: FIRM_METADATA},
                   indexes={FIRM_TABLE: FIRM_ID})
    elif fmt in ("fgb", "parquet"):
        with replacing_path(out) as tmp:
            write_columnar(firms, tmp, fmt=fmt, metadata=FIRM_METADATA)
    elif fmt == "geojson":
        with replacing(out) as fh:
            write_geojson(firms, fh, name=Path(out).stem,
                          description=FIRM_METADATA["DESCRIPTION"])
    else:
        with replacing(output_path(out, suffix="csvt")) as fh:
            fh.write(csvt_text(csv_table(firms.iloc[:1])))
            with replacing(out, encoding="utf-8-sig") as csv_fh:
                write_csv(firms, csv_fh)


def write_import(result: ImportResult, out: Path) -> Path:
    """Write accepted rows to ``out`` and rejected rows beside it, as a pair: the
    rejected rows are written in full first, the accepted file then replaces ``out``,
    and only then the rejected file moves into place — a failure in either write
    leaves both earlier files as they were. Returns the rejected rows' path."""
    path = rejected_path(out)
    with replacing(path, encoding="utf-8-sig") as fh:
        write_table_csv(result.rejected, fh)
        write_firms(result.accepted, out)
    return path


def _firm_gpkg_problem(con: sqlite3.Connection) -> str | dict[str, Any]:
    """Why the open GeoPackage is not a firm list as :func:`write_firms` writes one, or
    its facts."""
    contents = con.execute("SELECT description, srs_id, min_x, min_y, max_x, max_y FROM "
                           "gpkg_contents WHERE table_name = ? AND data_type = 'features'",
                           (FIRM_TABLE,)).fetchone()
    if contents is None:
        return f"it has no `{FIRM_TABLE}` table"
    if contents[0] != FIRM_METADATA["DESCRIPTION"] or contents[1] != 4326:
        return f"its `{FIRM_TABLE}` table is not described as an imported WGS84 firm list"
    geometry = con.execute("SELECT column_name, geometry_type_name FROM gpkg_geometry_columns "
                           "WHERE table_name = ?", (FIRM_TABLE,)).fetchone()
    columns = {r[1] for r in con.execute(f"PRAGMA table_info({FIRM_TABLE})")}
    if geometry is None or geometry[1].upper() != "POINT" \
            or not {FIRM_ID, "lon", "lat", "datum"} <= columns:
        return f"its `{FIRM_TABLE}` table lacks the points or the columns row, lon, lat, datum"
    rtree = f"rtree_{FIRM_TABLE}_{geometry[0]}"
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)).fetchone() is None:
        return "it has no spatial index"
    indexed = any(con.execute(f'PRAGMA index_info("{name}")').fetchone()[2] == FIRM_ID
                  for _, name, *_ in con.execute(f"PRAGMA index_list({FIRM_TABLE})"))
    return {"bbox": [float(v) for v in contents[2:]], "id_indexed": indexed}


def firm_gpkg_facts(path: Path) -> dict[str, Any]:
    """``bbox`` (lon/lat degrees) and ``id_indexed`` (whether ``row`` has an index) of a
    GeoPackage :func:`write_firms` wrote; :class:`UsageError` naming why when ``path`` is
    not one. Read only."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as con:
            found = _firm_gpkg_problem(con)
    except (sqlite3.Error, TypeError) as err:
        found = f"it cannot be read as a GeoPackage ({err})"
    if isinstance(found, str):
        raise UsageError(f"{path} is not a firm list written by `shmap firms import`: {found}. "
                         "Serve the firm file itself (CSV, XLSX or GeoJSON), or import it once "
                         "with `shmap firms import FILE -o firms.gpkg` and serve that")
    return found
