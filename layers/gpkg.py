"""GeoPackage details GIS tools read: the SRS of an obfuscated datum, table
descriptions and metadata, and QGIS default styles (``layer_styles``).

Files are GeoPackage 1.2 (GDAL's ``VERSION=1.2``), which GDAL 3.6 reads without
warning and its ``validate_gpkg.py`` accepts. A GCJ-02 or BD-09 file does not claim
EPSG:4326: its geometries use an SRS of their own (``srs_id`` ≥ 100000, organisation
``NONE``) named for what it is, whose description says it is an obfuscated WGS84 and
not a true CRS. That SRS is an engineering CRS (``LOCAL_CS``): GDAL, QGIS and PostGIS
find no transformation from it to any geographic CRS, so the file cannot be turned into
"WGS84" without the shift by a reprojection that silently does nothing.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pyproj

__all__ = ["GPKG_VERSION", "datum_crs", "finish_gpkg", "index_columns", "srs_description",
           "write_layer_styles", "write_srs_description"]

GPKG_VERSION = "1.2"

_NAMES = {"gcj02": "GCJ-02 (obfuscated WGS 84, not a true CRS)",
          "bd09": "BD-09 (Baidu-obfuscated WGS 84, not a true CRS)"}
_SHORT = {"gcj02": "GCJ-02", "bd09": "BD-09"}
_DATUM_NAMES = {"gcj02": "GCJ-02 obfuscation of World Geodetic System 1984",
                "bd09": "BD-09 obfuscation of World Geodetic System 1984"}
_DESCRIPTIONS = {
    "gcj02": ("GCJ-02 ('Mars coordinates', 火星坐标): WGS 84 longitude/latitude shifted by the "
              "obfuscation required for published maps in China (≈ 500 m in Shanghai); it is not a "
              "true coordinate reference system: no EPSG code, no PROJ transformation. Do not "
              "reproject or overlay on WGS 84 data; use only over a GCJ-02 basemap (高德, 腾讯)."),
    "bd09": ("BD-09: GCJ-02 shifted again by Baidu's own offset. WGS 84 longitude/latitude "
             "obfuscated twice; not a true coordinate reference system (no EPSG code, no PROJ "
             "transformation). Use only over a Baidu basemap."),
}


def datum_crs(datum: str) -> pyproj.CRS:
    """The CRS to write a frame in ``datum`` with: EPSG:4326 for WGS84; for GCJ-02/BD-09 an
    engineering CRS (WKT1 ``LOCAL_CS``) named for the obfuscated datum, with lon/lat axes in
    degrees. PROJ knows no operation between an engineering CRS and any geographic one, so
    GDAL (``ogr2ogr -t_srs EPSG:4326``) and QGIS refuse to reproject the file instead of
    passing it through unshifted as they would a CRS merely on the WGS 84 ellipsoid."""
    if datum == "wgs84":
        return pyproj.CRS.from_epsg(4326)
    degree = 'ANGLEUNIT["degree",0.0174532925199433]'
    return pyproj.CRS.from_wkt(
        f'ENGCRS["{_NAMES[datum]}",EDATUM["{_DATUM_NAMES[datum]}"],CS[Cartesian,2],'
        f'AXIS["longitude obfuscated by {_SHORT[datum]} (E)",east,ORDER[1],{degree}],'
        f'AXIS["latitude obfuscated by {_SHORT[datum]} (N)",north,ORDER[2],{degree}]]')


def srs_description(datum: str) -> str:
    """The ``gpkg_spatial_ref_sys.description`` of an obfuscated datum's SRS."""
    return _DESCRIPTIONS[datum]


def write_srs_description(path: Path, datum: str) -> None:
    """Describe the project's own SRS rows (organisation ``NONE``, id ≥ 100000) of ``path``."""
    if datum == "wgs84":
        return
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE gpkg_spatial_ref_sys SET description = ?, organization = 'NONE' "
                    "WHERE srs_id >= 100000 AND srs_name = ?", (_DESCRIPTIONS[datum], _NAMES[datum]))


def index_columns(path: Path, indexes: dict[str, str]) -> None:
    """An SQLite index ``<table>_<column>_idx`` on each table's column of ``path`` (one
    row by its id without reading the table)."""
    if not indexes:
        return
    with closing(sqlite3.connect(path)) as con, con:
        for table, column in indexes.items():
            con.execute(f'CREATE INDEX "{table}_{column}_idx" ON "{table}" ("{column}")')


_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""


def write_layer_styles(path: Path, styles: dict[str, tuple[str, str]], *,
                       geometry_column: str = "geom") -> None:
    """Store each table's (QML, SLD) style as its QGIS default in ``layer_styles``
    (the table QGIS reads when it opens a GeoPackage layer), registered in
    ``gpkg_contents`` as an attributes table."""
    if not styles:
        return
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with closing(sqlite3.connect(path)) as con, con:
        con.execute(_LAYER_STYLES)
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                    "description, last_change) VALUES ('layer_styles', 'attributes', "
                    "'layer_styles', 'QGIS default styles of the tables', ?)", (now,))
        for table, (qml, sld) in styles.items():
            con.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                        "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                        "description, owner, ui, update_time) VALUES "
                        "('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                        (table, geometry_column, table, qml, sld,
                         "colours of the app; approximate outlines dashed", now))


def finish_gpkg(path: Path, *, datum: str, styles: dict[str, tuple[str, str]],
                indexes: dict[str, str]) -> None:
    """What a GeoPackage gets after GDAL has written its tables: the description of an
    obfuscated datum's SRS, the QGIS styles, the id indexes."""
    write_srs_description(path, datum)
    write_layer_styles(path, styles)
    index_columns(path, indexes)
