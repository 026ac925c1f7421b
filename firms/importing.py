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
from geo.export import table_csv, to_csv, to_geojson, write_gpkg
from geo.firms import ImportResult, Places, import_firms
from geo.readers import read_firm_table, table_from_bytes
from layers.settings import DATA_DIR

FIRM_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}


def _progress(msg: str) -> None:
    print(f"… {msg}", file=sys.stderr, flush=True)


def import_firm_table(table: pd.DataFrame, datum: str = "wgs84", info: dict | None = None,
                      progress=None, *, places: Places | None = None,
                      points: bool = True) -> ImportResult:
    """Import a text table with Shanghai's places (or ``places``: a thread's own copy,
    see :func:`firms.scale.thread_places`) and the taxonomy's classifier; ``points``
    as in :func:`geo.firms.import_firms`."""
    result = import_firms(table, places or shanghai_places(), default_datum=datum,
                          classify=classify, progress=progress, points=points)
    result.report.update(info or {})
    return result


def load_firms(path: str | Path, datum: str = "wgs84", progress: bool = False) -> ImportResult:
    """Read a CSV/XLSX/GeoJSON firm file and import it (see :mod:`geo.firms`)."""
    table, info = read_firm_table(path)
    info["file"] = Path(path).name
    return import_firm_table(table, datum, info, _progress if progress else None)


def load_firm_bytes(raw: bytes, name: str, datum: str = "wgs84") -> ImportResult:
    """Import an uploaded file's bytes."""
    table, info = table_from_bytes(raw, name)
    info["file"] = name
    return import_firm_table(table, datum, info)


DEMO_FILES = ("institutions_named_in_seeds.csv", "firms_synthetic_n5000_seed1.csv")


def demo_firms() -> gpd.GeoDataFrame:
    """The bundled demo: real institutions named in the seeds, then 5,000 SYNTHETIC firms."""
    parts = [load_firms(DATA_DIR / "firms" / name).accepted for name in DEMO_FILES]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=STORAGE_CRS)


def rejected_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.rejected.csv")


def write_firms(firms: gpd.GeoDataFrame, out: Path) -> None:
    """Write accepted firms; the format follows the extension."""
    fmt = FIRM_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"unknown output type {out.suffix!r}: use .geojson, .gpkg or .csv")
    if fmt == "geojson":
        out.write_text(to_geojson(firms, name=out.stem), encoding="utf-8")
    elif fmt == "csv":
        out.write_text(to_csv(firms), encoding="utf-8-sig")
    else:
        write_gpkg({"firms": firms}, out)


def write_import(result: ImportResult, out: Path) -> Path:
    """Write accepted rows to ``out`` and rejected rows beside it; returns the latter."""
    write_firms(result.accepted, out)
    path = rejected_path(out)
    path.write_text(table_csv(result.rejected), encoding="utf-8-sig")
    return path
