"""Export what a user selected — the CLI and the app call this same code.

Every export is typed (:func:`layers.fieldtypes.apply_types`) and self-describing
(licence, attribution, source, data version and date from :mod:`layers.metadata`).
:func:`export_files` gives the file and its companions (the ``.csvt`` of a CSV; the
``.qml`` and ``.sld`` styles of each layer); :func:`export_bytes` the file alone,
for a single download.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import STORAGE_CRS
from geo.datum import Datum, parse_datum
from layers.errors import EmptySelectionError, UsageError
from layers.fieldtypes import apply_types
from layers.formats import (
    csv_table,
    csvt_text,
    output_name,
    table_csv,
    to_geojson,
    write_columnar,
    write_gpkg,
    write_vector_tiles,
)
from layers.metadata import export_metadata, gpkg_metadata, layer_styles, licence_text
from layers.schema import split_list

__all__ = ["FORMATS", "MEDIA_TYPES", "TILE_FORMATS", "combined", "export_bytes", "export_files",
           "filter_by_sectors"]

FORMATS = ("geojson", "gpkg", "csv", "fgb", "parquet")
#: Formats of the command line only: vector tiles (a PMTiles archive of MVT tiles, Web
#: Mercator, zoom 7–14) for web GIS clients.
TILE_FORMATS = ("pmtiles",)
MEDIA_TYPES = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
               "csv": "text/csv", "fgb": "application/flatgeobuf",
               "parquet": "application/vnd.apache.parquet"}


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


def _non_empty(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """The frames that hold features, typed; :class:`EmptySelectionError` when none do."""
    kept = {k: apply_types(v.reset_index(drop=True)) for k, v in frames.items() if len(v)}
    if not kept:
        raise EmptySelectionError(
            f"nothing to export: no feature of {', '.join(frames) or 'any layer'} matches the "
            "selection; choose other layers or sectors")
    return kept


def _write_binary(frames, fmt: str, name: str, datum: Datum, meta: dict) -> bytes:
    """GeoPackage, FlatGeobuf, GeoParquet or PMTiles bytes, written through a temporary file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if fmt == "gpkg":
            write_gpkg(frames, path, datum=datum,
                       metadata={k: gpkg_metadata(meta, k) for k in frames},
                       styles=layer_styles(frames))
        elif fmt == "pmtiles":
            write_vector_tiles(combined(frames), path, metadata=gpkg_metadata(meta))
        else:
            write_columnar(combined(frames), path, fmt=fmt, datum=datum,
                           metadata=gpkg_metadata(meta))
        return path.read_bytes()


def _layer_name(frames: dict, stem: str) -> str:
    """The GeoJSON ``name`` (GDAL's layer name, a table name in PostGIS): the layer ids
    joined by ``+`` while that fits PostgreSQL's 63-byte identifiers, else the file stem,
    cut to fit (longer names are cut by PostgreSQL and collide)."""
    joined = "+".join(frames)
    if len(joined.encode()) <= 63:
        return joined
    return stem.encode()[:63].decode("utf-8", "ignore") or "layers"


def export_files(frames: dict[str, gpd.GeoDataFrame], fmt: str, *, datum: str = "wgs84",
                 stem: str = "shanghai-layers", companions: bool = True) -> dict[str, bytes]:
    """File name → content of an export: the file first, then its companions (a CSV's
    ``.csvt``; for the other formats each layer's ``.qml``/``.sld`` style). GeoJSON and CSV hold the layers
    as one collection/table (a ``layer`` field tells them apart), GeoPackage one
    table per layer, FlatGeobuf and GeoParquet one table. A non-WGS84 datum is named
    in the file names. Layers with no feature in the selection are left out; an
    empty selection raises :class:`EmptySelectionError`. ``companions=False``: the file
    alone."""
    if fmt not in FORMATS + TILE_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use {', '.join(FORMATS + TILE_FORMATS)}")
    datum = parse_datum(datum)  # the one parse of this export; below, canonical ids only
    if fmt in TILE_FORMATS and datum != "wgs84":
        raise UsageError("vector tiles are WGS84 in Web Mercator: export GCJ-02/BD-09 to a file "
                         "format instead")
    frames = _non_empty(frames)
    meta = export_metadata(list(frames), datum=datum)
    name = output_name(stem, suffix=fmt, datum=datum)
    table: pd.DataFrame
    if fmt == "geojson":
        table = combined(frames).assign(datum=datum)  # survives conversion, unlike a member
        files = {name: to_geojson(table, datum=datum, name=_layer_name(frames, stem), metadata=meta,
                                  description=gpkg_metadata(meta)["DESCRIPTION"]).encode()}
    elif fmt == "csv":
        table = csv_table(combined(frames), datum=datum)
        files = {name: table_csv(table).encode("utf-8-sig"),
                 output_name(stem, suffix="csvt", datum=datum): csvt_text(table).encode(),
                 output_name(stem, part="licence", suffix="txt", datum=datum):
                     licence_text(meta).encode()}
    else:
        files = {name: _write_binary(frames, fmt, name, datum, meta)}
    if not companions:
        return {name: files[name]}
    styled = fmt not in ("csv", *TILE_FORMATS)
    for layer_id, (qml_text, sld_text) in (layer_styles(frames) if styled else {}).items():
        files[output_name(stem, part=layer_id, suffix="qml", datum=datum)] = qml_text.encode()
        files[output_name(stem, part=layer_id, suffix="sld", datum=datum)] = sld_text.encode()
    return files


def export_bytes(frames: dict[str, gpd.GeoDataFrame], fmt: str, *, datum: str = "wgs84",
                 stem: str = "shanghai-layers") -> tuple[str, bytes]:
    """(file name, content) of the export's main file (see :func:`export_files`)."""
    name, content = next(iter(export_files(frames, fmt, datum=datum, stem=stem, companions=False).items()))
    return name, content
