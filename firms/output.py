"""Firm lists out: the accepted firms as GeoJSON, GeoPackage, FlatGeobuf, GeoParquet or
CSV (with its ``.csvt``), and the rejected rows beside them — written as a pair, whole
or not at all. Every typed format keeps the types of :func:`firms.typed.typed_firms`
(``uscc_valid`` boolean, the list's own numbers and dates); every format says its datum
and that the list is the user's, not the project's, data."""

from __future__ import annotations

from pathlib import Path

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

__all__ = ["FIRM_FORMATS", "check_import_paths", "output_format", "rejected_path", "write_firms",
           "write_import"]

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
        write_gpkg({"firms": firms}, out, metadata={"firms": FIRM_METADATA})
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
