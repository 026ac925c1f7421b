"""Firm files in and out: read + import with Shanghai's places and the taxonomy,
write accepted firms and the rejected-rows report."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from firms.classify import classify
from firms.places import shanghai_places
from geo.crs import STORAGE_CRS
from geo.errors import UsageError
from geo.export import output_path, write_csv, write_geojson, write_gpkg, write_table_csv
from geo.files import check_output, replacing, same_file
from geo.firms import ImportResult, Places, import_firms, with_points
from geo.readers import read_firm_table, table_from_bytes
from layers.settings import DATA_DIR

__all__ = [
    "DEMO_FILES", "FIRM_FORMATS", "demo_firms", "import_firm_table", "load_firm_bytes",
    "load_firms", "rejected_path", "write_firms", "write_import"
]

FIRM_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}


def _progress(msg: str) -> None:
    print(f"… {msg}", file=sys.stderr, flush=True)


def import_firm_table(table: pd.DataFrame, datum: str = "wgs84", info: dict | None = None,
                      progress=None, *, places: Places | None = None,
                      points: bool = True) -> ImportResult:
    """Import a text table with Shanghai's places (or ``places``) and the taxonomy's
    classifier; ``points`` as in :func:`geo.firms.import_firms`."""
    result = import_firms(table, places or shanghai_places(), default_datum=datum,
                          classify=classify, progress=progress, points=points)
    result.report.update(info or {})
    return result


def load_firms(path: str | Path, datum: str = "wgs84", *, progress: bool = False,
               sheet: str | None = None, points: bool = True) -> ImportResult:
    """Read a CSV/XLSX/GeoJSON firm file and import it (see :mod:`geo.firms`); ``sheet``
    names the sheet of a workbook with data on several; ``points=False`` keeps lon/lat
    columns only (for counting: the join and measures need no point geometries)."""
    table, info = read_firm_table(path, sheet=sheet)
    info["file"] = Path(path).name
    return import_firm_table(table, datum, info, _progress if progress else None,
                             points=points)


def load_firm_bytes(raw: bytes, name: str, *, datum: str = "wgs84",
                    sheet: str | None = None) -> ImportResult:
    """Import an uploaded file's bytes (``sheet``: as for :func:`load_firms`)."""
    table, info = table_from_bytes(raw, name, sheet=sheet)
    info["file"] = name
    return import_firm_table(table, datum, info)


DEMO_FILES = ("institutions_named_in_seeds.csv", "firms_synthetic_n5000_seed1.csv")


def demo_firms() -> gpd.GeoDataFrame:
    """The bundled demo: real institutions named in the seeds, then 5,000 SYNTHETIC firms."""
    parts = [load_firms(DATA_DIR / "firms" / name).accepted for name in DEMO_FILES]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=STORAGE_CRS)


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


def write_firms(firms: gpd.GeoDataFrame, out: Path) -> None:
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
