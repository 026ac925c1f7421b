"""Serialise GeoDataFrames for GIS tools: RFC 7946 GeoJSON, CSV, GeoPackage.

GeoJSON (RFC 7946): lon/lat, exterior rings counter-clockwise and holes
clockwise, at most 7 decimals (≈1 cm), no ``crs`` member, UTF-8 with Chinese
text unescaped. A file in GCJ-02 or BD-09 is not RFC 7946 WGS84; it says so in a
top-level ``datum`` member and in its file name (see :func:`output_name`).

CSV: one row per feature, geometry as WKT plus a representative lon/lat; text
cells that begin with ``= + - @``, tab or CR are prefixed with ``'`` so that
spreadsheet programs do not run them as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import require_storage_crs
from geo.datum import DATUM_LABELS, Datum, convert_frame

__all__ = [
    "COORD_DECIMALS", "in_datum", "json_value", "neutralise_cell", "output_name",
    "output_path", "rfc7946_geometry", "table_csv", "to_csv", "to_geojson", "write_gpkg"
]

COORD_DECIMALS = 7
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _round_coords(geom):
    return shapely.transform(geom, lambda c: np.round(c, COORD_DECIMALS))


def rfc7946_geometry(geom):
    """Orient rings (exterior CCW) and round coordinates to 7 decimals."""
    return _round_coords(shapely.orient_polygons(geom, exterior_cw=False))


def json_value(value):
    """A property value as a plain JSON type (numpy scalars unwrapped, NaN → None)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def in_datum(gdf: gpd.GeoDataFrame, datum: Datum) -> gpd.GeoDataFrame:
    """The frame with coordinates moved from WGS84 to ``datum`` (a canonical id from
    :func:`geo.datum.parse_datum`, which callers apply once at their edge); a copy."""
    if datum == "wgs84":
        out = gdf.copy()
        out.attrs["datum"] = "wgs84"
        return out
    return convert_frame(gdf, "wgs84", datum)


def output_name(stem: str, *, suffix: str, datum: Datum = "wgs84", part: str = "") -> str:
    """The project's one rule for the names of files it writes:
    ``<stem>[_<datum>][.<part>].<suffix>``.

    A non-WGS84 datum is named (``layers_gcj02.geojson``) so that a file in an
    obfuscated datum is never mistaken for WGS84; ``part`` names a companion file
    (``firms.rejected.csv``). A stem that already ends in the datum keeps one."""
    stem = str(stem).replace("/", "_").replace("\\", "_")
    if datum != "wgs84" and not stem.endswith(f"_{datum}"):
        stem = f"{stem}_{datum}"
    if part:
        stem = f"{stem}.{part}"
    return f"{stem}.{suffix.lstrip('.')}"


def output_path(path: str | Path, *, datum: Datum = "wgs84", part: str = "",
                suffix: str | None = None) -> Path:
    """:func:`output_name` applied to a path (its suffix kept unless given)."""
    path = Path(path)
    name = output_name(path.stem, suffix=suffix or path.suffix, datum=datum, part=part)
    return path.with_name(name)


def to_geojson(gdf: gpd.GeoDataFrame, datum: Datum = "wgs84", *, name: str = "",
               metadata: dict | None = None) -> str:
    """RFC 7946 GeoJSON text of a WGS84 frame, optionally moved to another datum."""
    require_storage_crs(gdf, what="export")
    moved = in_datum(gdf, datum)
    geoms = rfc7946_geometry(moved.geometry.values)
    props = [c for c in moved.columns if c != moved.geometry.name]
    features = []
    for values, geom in zip(moved[props].itertuples(index=False, name=None), geoms, strict=True):
        features.append({
            "type": "Feature",
            "properties": {k: json_value(v) for k, v in zip(props, values, strict=True)},
            "geometry": None if geom is None else shapely.geometry.mapping(geom),
        })
    doc: dict = {"type": "FeatureCollection"}
    if name:
        doc["name"] = name
    doc["datum"] = datum
    if datum != "wgs84":
        doc["datum_note"] = (f"Coordinates are {DATUM_LABELS[datum]}, not WGS84: this file does not "
                             "follow RFC 7946's WGS84 rule. Use it only over a basemap in the same datum.")
    if metadata:
        doc["metadata"] = metadata
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def neutralise_cell(value):
    """Prefix text that a spreadsheet would read as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(gdf: gpd.GeoDataFrame, datum: Datum = "wgs84") -> str:
    """CSV text: attributes, ``lon``/``lat`` of a representative point, and ``wkt``."""
    require_storage_crs(gdf, what="export")
    moved = in_datum(gdf, datum)
    geoms = _round_coords(moved.geometry.values)
    rep = shapely.point_on_surface(geoms)
    table = pd.DataFrame(moved.drop(columns=moved.geometry.name))
    table["lon"] = np.round(shapely.get_x(rep), COORD_DECIMALS)
    table["lat"] = np.round(shapely.get_y(rep), COORD_DECIMALS)
    table["datum"] = datum
    table["wkt"] = shapely.to_wkt(geoms, rounding_precision=COORD_DECIMALS)
    return table_csv(table)


def table_csv(table: pd.DataFrame) -> str:
    """Formula-safe CSV text of a plain table: a header row, then one line per row;
    NaN and None as empty cells; text that a spreadsheet would run as a formula
    prefixed with ``'`` (:func:`neutralise_cell`). The project's one CSV writer."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise_cell(str(c)) for c in table.columns])
    for row in table.itertuples(index=False, name=None):
        writer.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v))
                         else neutralise_cell(v) for v in row])
    return buf.getvalue()


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: str | Path, *, datum: Datum = "wgs84") -> None:
    """Write each frame as a table of one GeoPackage (SRS EPSG:4326)."""
    path = Path(path)
    if path.exists():
        path.unlink()
    for layer_name, gdf in layers.items():
        moved = in_datum(gdf, datum).reset_index(drop=True)
        moved.to_file(path, layer=layer_name, driver="GPKG", engine="pyogrio")
