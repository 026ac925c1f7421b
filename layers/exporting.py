"""Export what a user selected — the CLI and the app call this same code."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import STORAGE_CRS
from geo.datum import parse_datum
from geo.export import output_name, to_csv, to_geojson, write_gpkg
from layers.schema import split_list

__all__ = ["FORMATS", "MEDIA_TYPES", "combined", "export_bytes", "filter_by_sectors"]

FORMATS = ("geojson", "gpkg", "csv")
MEDIA_TYPES = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
               "csv": "text/csv"}


def filter_by_sectors(gdf: gpd.GeoDataFrame, sector_ids) -> gpd.GeoDataFrame:
    """Rows whose ``sectors`` field holds any of ``sector_ids`` (all rows if none given)."""
    if not sector_ids:
        return gdf
    wanted = set(sector_ids)
    return gdf[gdf["sectors"].map(lambda s: bool(wanted & set(split_list(s))))]


def combined(frames: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All frames as one (rows in order), EPSG:4326."""
    parts = [f.reset_index(drop=True) for f in frames.values()]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return gpd.GeoDataFrame(table, geometry="geometry", crs=STORAGE_CRS)


def export_bytes(frames: dict[str, gpd.GeoDataFrame], fmt: str, *, datum: str = "wgs84",
                 stem: str = "shanghai-layers") -> tuple[str, bytes]:
    """(file name, content) of the frames as GeoJSON (one collection), GeoPackage (one
    table per frame) or CSV (one table). A non-WGS84 datum is named in the file name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use geojson, gpkg or csv")
    datum = parse_datum(datum)  # the one parse of this export; below, canonical ids only
    name = output_name(stem, suffix=fmt, datum=datum)
    if fmt == "geojson":
        return name, to_geojson(combined(frames), datum=datum, name="+".join(frames)).encode()
    if fmt == "csv":
        return name, to_csv(combined(frames), datum=datum).encode("utf-8-sig")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write_gpkg({k: v.reset_index(drop=True) for k, v in frames.items()}, path, datum=datum)
        return name, path.read_bytes()
