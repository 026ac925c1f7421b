"""Layers as one PostgreSQL/PostGIS SQL script: a typed table per layer (GDAL's PGDUMP
writer: ``double precision``, ``boolean``, ``varchar``, geometry in SRID 4326 with a GiST
index, a ``datum`` column as in every export, the licence as the table's comment) and
each layer's style as its QGIS default in ``public.layer_styles``, in the form QGIS
itself creates and reads from PostGIS (``type`` column, the database and schema named),
so QGIS opens each table styled.

The script is one transaction and creates, never replaces: a table that exists already
makes it stop with nothing changed. Identifiers are at most 63 bytes (PostgreSQL cuts
longer ones, and cut names collide); a name that would be longer is refused.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd

from layers.catalog import catalog
from layers.errors import UsageError
from layers.fieldtypes import apply_types
from layers.metadata import export_metadata, gpkg_metadata, layer_styles

__all__ = ["LAYER_STYLES_DDL", "MAX_IDENTIFIER_BYTES", "postgis_sql"]

MAX_IDENTIFIER_BYTES = 63
GEOMETRY_COLUMN = "geom"
#: QGIS's own definition of the table (QgsPostgresProvider, QGIS 3.22).
LAYER_STYLES_DDL = (
    "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, "
    "f_table_catalog varchar, f_table_schema varchar, f_table_name varchar, "
    "f_geometry_column varchar, styleName text, styleQML xml, styleSLD xml, "
    "useAsDefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
    "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar);")
_QGIS_TYPE = {"polygon": "Polygon", "line": "Line", "point": "Point"}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    if len(name.encode()) > MAX_IDENTIFIER_BYTES - len(f"_{GEOMETRY_COLUMN}_geom_idx"):
        raise UsageError(f"the table name {name!r} is too long for PostgreSQL (63 bytes with "
                         "its index name); export it under a shorter name")
    return name


def _table_sql(layer_id: str, gdf: gpd.GeoDataFrame, description: str) -> str:
    """GDAL's PGDUMP of one layer, its per-layer BEGIN/COMMIT removed (the caller wraps
    the whole script in one transaction)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer_id}.sql"
        apply_types(gdf.reset_index(drop=True).assign(datum="wgs84")).to_file(
            path, driver="PGDUMP", engine="pyogrio",
            layer=_identifier(layer_id), promote_to_multi=True,
            layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN, "SRID": "4326", "FID": "fid",
                           "DROP_TABLE": "OFF", "DESCRIPTION": description,
                           "LAUNDER": "NO"})
        lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line not in ("BEGIN;", "COMMIT;"))


def _styles_sql(layer_ids: list[str]) -> str:
    kinds = {e.id: e.kind for e in catalog()}
    rows = [LAYER_STYLES_DDL]
    for layer_id, (qml, sld) in layer_styles(layer_ids).items():
        rows.append(
            "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, type) "
            f"VALUES (current_database(), 'public', {_literal(layer_id)}, "
            f"{_literal(GEOMETRY_COLUMN)}, {_literal(layer_id)}, "
            f"XMLPARSE(DOCUMENT {_literal(qml)}), XMLPARSE(DOCUMENT {_literal(sld)}), true, "
            "'colours of the app; approximate outlines dashed', "
            f"{_literal(_QGIS_TYPE[kinds[layer_id]])});")
    return "\n".join(rows)


def postgis_sql(frames: dict[str, gpd.GeoDataFrame]) -> str:
    """The SQL script loading the non-empty WGS84 ``frames`` into schema ``public``
    (``psql -v ON_ERROR_STOP=1 -f script.sql``; the database needs ``CREATE EXTENSION
    postgis``)."""
    frames = {k: v for k, v in frames.items() if len(v)}
    meta = export_metadata(list(frames), datum="wgs84")
    parts = ["SET standard_conforming_strings = ON;", "BEGIN;"]
    parts += [_table_sql(k, v, gpkg_metadata(meta, k)["DESCRIPTION"]) for k, v in frames.items()]
    parts += [_styles_sql(list(frames)), "COMMIT;", ""]
    return "\n".join(parts)
