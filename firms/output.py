"""Firm lists out: the accepted firms as GeoJSON, GeoPackage or CSV, and the rejected
rows beside them — written as a pair, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from firms.intake.importer import ImportResult, with_points
from layers.errors import UsageError
from layers.files import check_output, replacing, same_file
from layers.formats import output_path, write_csv, write_geojson, write_gpkg, write_table_csv

__all__ = ["FIRM_FORMATS", "check_import_paths", "output_format", "rejected_path", "write_firms",
           "write_import"]

FIRM_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}


def rejected_path(out: Path) -> Path:
    """Where the rejected rows of an import written to ``out`` go: ``<stem>.rejected.csv``."""
    return output_path(out, part="rejected", suffix="csv")


def output_format(out: Path) -> str:
    """The firm-output format of a path by its extension (UsageError when unknown)."""
    fmt = FIRM_FORMATS.get(Path(out).suffix.lower())
    if fmt is None:
        raise UsageError(f"unknown output type {Path(out).suffix or '(none)'!r} for {out}: "
                         "use .geojson, .gpkg or .csv")
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
    """Write accepted firms, whole or not at all; the format follows the extension."""
    fmt = output_format(out)
    firms = with_points(firms)
    if fmt == "gpkg":
        write_gpkg({"firms": firms}, out)
        return
    with replacing(out, encoding="utf-8" if fmt == "geojson" else "utf-8-sig") as fh:
        if fmt == "geojson":
            write_geojson(firms, fh, name=Path(out).stem)
        else:
            write_csv(firms, fh)


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
