"""Serialise GeoDataFrames for GIS tools: RFC 7946 GeoJSON, CSV, GeoPackage.

GeoJSON (RFC 7946): lon/lat, exterior rings counter-clockwise and holes
clockwise, at most 7 decimals (≈1 cm), no ``crs`` member, UTF-8 with Chinese
text unescaped. A file in GCJ-02 or BD-09 is not RFC 7946 WGS84; it says so in a
top-level ``datum`` member and in its file name (see :func:`output_name`).

CSV: one row per feature, geometry as WKT plus a representative lon/lat; text
cells that begin with ``= + - @``, tab or CR are prefixed with ``'`` so that
spreadsheet programs do not run them as formulas. A WKT longer than Excel's
32,767-character cell limit is replaced by the feature's centroid as a WKT point
and a note in ``wkt_note``. :func:`csvt_text` gives the ``.csvt`` line that tells
GDAL and QGIS each column's type.

GeoPackage: version 1.2, one table per frame with a ``datum`` column; see
:mod:`layers.gpkg` for the SRS of GCJ-02/BD-09 files and the QGIS styles.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import math
import re
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio.errors
import shapely

from geo.crs import require_storage_crs
from geo.datum import DATUM_LABELS, Datum, convert_frame
from layers.errors import UsageError
from layers.files import replacing_path
from layers.gpkg import GPKG_VERSION, datum_crs, finish_gpkg

__all__ = ["COORD_DECIMALS", "EXCEL_CELL_LIMIT", "GPKG_COLUMNS", "csv_table", "csvt_text",
           "free_names", "in_datum", "restore_cells", "json_value", "neutralise_cell", "output_name", "output_path", "rfc7946_geometry",
           "table_csv", "to_csv", "to_geojson", "write_columnar", "write_gpkg",
           "write_vector_tiles"]

COORD_DECIMALS = 7
#: Characters Excel keeps in one cell; longer WKT is replaced in CSV exports.
EXCEL_CELL_LIMIT = 32_767
WKT_NOTE = ("outline longer than Excel's 32,767-character cell limit: wkt is its centroid; the "
            "full geometry is in the GeoPackage/GeoJSON export / 轮廓超过 Excel 单元格 32767 字符"
            "上限：wkt 为其质心，完整几何见 GeoPackage/GeoJSON 导出")
#: The columns a GeoPackage table has of its own (GDAL's feature id and geometry).
GPKG_COLUMNS = ("fid", "geom")


def _round_coords(geom):
    return shapely.transform(geom, lambda c: np.round(c, COORD_DECIMALS))


def rfc7946_geometry(geom):
    """Orient rings (exterior CCW) and round coordinates to 7 decimals."""
    return _round_coords(shapely.orient_polygons(geom, exterior_cw=False))


def json_value(value):
    """A property value as a plain JSON type (numpy scalars unwrapped, NaN → None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (pd.Timestamp, datetime.date)):
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


#: Rows serialised per chunk by the streaming writers (bounded memory).
CHUNK_ROWS = 20_000


def _moved(gdf: gpd.GeoDataFrame, datum: Datum) -> gpd.GeoDataFrame:
    """The frame in ``datum`` (no copy of a WGS84 frame: the writers only read it)."""
    return gdf if datum == "wgs84" else in_datum(gdf, datum)


def to_geojson(gdf: gpd.GeoDataFrame, datum: Datum = "wgs84", *, name: str = "",
               metadata: dict | None = None, description: str = "") -> str:
    """RFC 7946 GeoJSON text of a WGS84 frame, optionally moved to another datum."""
    buf = io.StringIO()
    write_geojson(gdf, buf, datum=datum, name=name, metadata=metadata, description=description)
    return buf.getvalue()


def _geojson_head(datum: Datum, name: str, metadata: dict | None, description: str) -> str:
    """The collection's members up to and including ``"features":[``; ``description``
    is the member GDAL reads as the layer's ``DESCRIPTION`` and carries into the files
    it converts to (a GeoPackage's ``gpkg_contents.description``)."""
    doc: dict = {"type": "FeatureCollection"}
    if name:
        doc["name"] = name
    if description:
        doc["description"] = description
    doc["datum"] = datum
    if datum != "wgs84":
        doc["datum_note"] = (f"Coordinates are {DATUM_LABELS[datum]}, not WGS84: this file does not "
                             "follow RFC 7946's WGS84 rule. Use it only over a basemap in the same datum.")
    if metadata:
        doc["metadata"] = metadata
    doc["features"] = []
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))[:-2]


def write_geojson(gdf: gpd.GeoDataFrame, fh: TextIO, *, datum: Datum = "wgs84", name: str = "",
                  metadata: dict | None = None, description: str = "") -> None:
    """Write :func:`to_geojson`'s text to a text handle, :data:`CHUNK_ROWS` features at a
    time, so memory stays bounded by one chunk rather than the whole document."""
    require_storage_crs(gdf, what="export")
    moved = _moved(gdf, datum)
    props = [c for c in moved.columns if c != moved.geometry.name]
    fh.write(_geojson_head(datum, name, metadata, description))
    for start in range(0, len(moved), CHUNK_ROWS):
        part = moved.iloc[start:start + CHUNK_ROWS]
        geoms = rfc7946_geometry(part.geometry.values)
        features = [{
            "type": "Feature",
            "properties": {k: json_value(v) for k, v in zip(props, values, strict=True)},
            "geometry": None if geom is None else shapely.geometry.mapping(geom),
        } for values, geom in zip(part[props].itertuples(index=False, name=None), geoms,
                                  strict=True)]
        text = json.dumps(features, ensure_ascii=False, separators=(",", ":"))[1:-1]
        fh.write(("," if start else "") + text)
    fh.write("]}")


def free_names(names: Iterable[str], reserved: Iterable[str]) -> dict[str, str]:
    """Renames (old → new) that keep each of ``names`` apart from ``reserved`` and from
    the names before it, ignoring case (as GeoPackage, SQLite and GIS tools compare
    column names): ``fid`` → ``fid_1``, a second ``Tel`` beside ``TEL`` → ``Tel_1``."""
    names = [str(n) for n in names]
    clash = {r.casefold() for r in reserved}
    taken = clash | {n.casefold() for n in names}
    renames: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key in clash:
            i = 1
            while f"{name}_{i}".casefold() in taken:
                i += 1
            renames[name] = f"{name}_{i}"
            key = renames[name].casefold()
            taken.add(key)
        clash.add(key)
    return renames


#: Text the guard prefixes: a formula start, after any apostrophes (so that the guard
#: can be taken off again without doubt: ``'-3`` was ``-3``, ``''-3`` was ``'-3``).
_GUARDED = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(value):
    """Prefix text that a spreadsheet would read as a formula with ``'`` (also text that
    is apostrophes before such a start, so :func:`restore_cells` undoes exactly this)."""
    if isinstance(value, str) and _GUARDED.match(value):
        return "'" + value
    return value


def restore_cells(values: pd.Series) -> tuple[pd.Series, int]:
    """The cells of a CSV file this project wrote with the formula guard taken off (the
    inverse of :func:`neutralise_cell`); (cells, how many were restored)."""
    text = values.astype(str)
    guarded = text.str.match(r"'+[=+\-@\t\r]").fillna(False).to_numpy(dtype=bool)
    if not guarded.any():
        return values, 0
    out = values.copy()
    out[guarded] = text[guarded].str.slice(1)
    return out, int(guarded.sum())


def csv_table(gdf: gpd.GeoDataFrame, datum: Datum = "wgs84") -> pd.DataFrame:
    """The table a CSV export holds: attributes, ``lon``/``lat`` of a representative
    point (degrees in ``datum``), ``datum``, ``wkt`` and ``wkt_note`` (empty unless the
    WKT was too long for a spreadsheet cell and was replaced by the centroid)."""
    require_storage_crs(gdf, what="export")
    moved = in_datum(gdf, datum)
    geoms = _round_coords(moved.geometry.values)
    rep = shapely.point_on_surface(geoms)
    table = pd.DataFrame(moved.drop(columns=moved.geometry.name))
    table["lon"] = np.round(shapely.get_x(rep), COORD_DECIMALS)
    table["lat"] = np.round(shapely.get_y(rep), COORD_DECIMALS)
    table["datum"] = datum
    wkt = shapely.to_wkt(geoms, rounding_precision=COORD_DECIMALS).astype(object)
    too_long = np.array([w is not None and len(w) > EXCEL_CELL_LIMIT for w in wkt], dtype=bool)
    if too_long.any():
        centroids = _round_coords(shapely.centroid(geoms[too_long]))
        wkt[too_long] = shapely.to_wkt(centroids, rounding_precision=COORD_DECIMALS)
    table["wkt"] = wkt
    table["wkt_note"] = np.where(too_long, WKT_NOTE, "")
    return table


def to_csv(gdf: gpd.GeoDataFrame, datum: Datum = "wgs84") -> str:
    """CSV text of :func:`csv_table` (formula-safe, see :func:`table_csv`)."""
    buf = io.StringIO()
    write_csv(gdf, buf, datum=datum)
    return buf.getvalue()


def write_csv(gdf: gpd.GeoDataFrame, fh: TextIO, *, datum: Datum = "wgs84") -> None:
    """Write :func:`to_csv`'s text to a text handle, :data:`CHUNK_ROWS` rows at a time
    (bounded memory at any N)."""
    require_storage_crs(gdf, what="export")
    for start in range(0, max(len(gdf), 1), CHUNK_ROWS):
        part = gdf.iloc[start:start + CHUNK_ROWS]
        write_table_csv(csv_table(part, datum), fh, header=start == 0)


def csvt_text(table: pd.DataFrame) -> str:
    """The ``.csvt`` line of a CSV table: one OGR type per column (``Real``, ``Integer64``,
    ``Integer(Boolean)``, ``Date``, ``String``; ``WKT`` for the ``wkt`` column), read by GDAL's
    CSV driver and QGIS so numbers arrive as numbers."""
    types = []
    for col in table.columns:
        dtype = table[col].dtype
        if col == "wkt":
            types.append("WKT")
        elif pd.api.types.is_bool_dtype(dtype):
            types.append("Integer(Boolean)")
        elif _is_date(dtype):
            types.append("Date")
        elif pd.api.types.is_integer_dtype(dtype):
            types.append("Integer64")
        elif pd.api.types.is_float_dtype(dtype):
            types.append("Real")
        else:
            types.append("String")
    return ",".join(f'"{t}"' for t in types) + "\n"


def _is_date(dtype) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype)


def table_csv(table: pd.DataFrame) -> str:
    """Formula-safe CSV text of a plain table: a header row, then one line per row;
    NaN and None as empty cells; text that a spreadsheet would run as a formula
    prefixed with ``'`` (:func:`neutralise_cell`). The project's one CSV writer."""
    buf = io.StringIO()
    write_table_csv(table, buf)
    return buf.getvalue()


def write_table_csv(table: pd.DataFrame, fh: TextIO, *, header: bool = True) -> None:
    """Write :func:`table_csv`'s text to a text handle, row by row."""
    writer = csv.writer(fh, lineterminator="\n")
    if header:
        writer.writerow([neutralise_cell(str(c)) for c in table.columns])
    for row in table.itertuples(index=False, name=None):
        writer.writerow(["" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                         else neutralise_cell(v) for v in row])


#: What a NUL character becomes in a GeoPackage (GDAL ends text at a NUL): the visible
#: symbol for it, so nothing after it is cut off.
NUL_SYMBOL = "\u2400"


def _without_nul(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with each NUL in its text columns (and names) shown as :data:`NUL_SYMBOL`."""
    for col in gdf.columns:
        if col != gdf.geometry.name and not pd.api.types.is_numeric_dtype(gdf[col]):
            text = gdf[col]
            has = text.astype(str).str.contains("\x00", regex=False).to_numpy(dtype=bool)
            if has.any():
                gdf[col] = text.astype(object).where(
                    ~has, text.astype(str).str.replace("\x00", NUL_SYMBOL))
    renames = {c: c.replace("\x00", NUL_SYMBOL) for c in gdf.columns if "\x00" in str(c)}
    return gdf.rename(columns=renames) if renames else gdf


@contextlib.contextmanager
def _gpkg_failures(path: str | Path) -> Iterator[None]:
    """GDAL's and SQLite's failures while writing a GeoPackage (a full disk among them)
    as one :class:`UsageError` naming the file and the room left in its folder."""
    try:
        yield
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, sqlite3.Error) as err:
        folder = Path(path).resolve().parent
        try:
            free = f"{shutil.disk_usage(folder).free / 1e6:,.1f} MB"
        except OSError:
            free = "unknown"
        raise UsageError(f"cannot write {path}: the GeoPackage could not be written ({err}); "
                         f"free space in {folder}: {free} — is the disk full?") from err


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: str | Path, *, datum: Datum = "wgs84",
               metadata: dict[str, dict[str, str]] | None = None,
               styles: dict[str, tuple[str, str]] | None = None,
               indexes: dict[str, str] | None = None) -> None:
    """Write each frame as a table of one GeoPackage 1.2, whole or not at all.

    Each table gets a ``datum`` column; its SRS is EPSG:4326 for WGS84 and the
    project's own SRS for GCJ-02/BD-09 (:func:`layers.gpkg.datum_crs`). ``metadata``
    (table → key → text) goes to ``gpkg_metadata``, its ``DESCRIPTION`` to
    ``gpkg_contents.description``; ``styles`` (table → (QML, SLD)) to ``layer_styles``;
    ``indexes`` (table → column) become SQLite indexes. GDAL adds each R-tree."""
    with replacing_path(path) as tmp, _gpkg_failures(path):
        for i, (layer_name, gdf) in enumerate(layers.items()):
            moved = in_datum(gdf, datum).reset_index(drop=True)
            moved = moved.rename(columns=free_names(
                [c for c in moved.columns if c not in (moved.geometry.name, "datum")],
                GPKG_COLUMNS))
            moved["datum"] = datum
            moved = _without_nul(moved.set_crs(datum_crs(datum), allow_override=True))
            options: dict[str, Any] = {"VERSION": GPKG_VERSION} if i == 0 else {}
            moved.to_file(tmp, layer=layer_name, driver="GPKG", engine="pyogrio",
                          use_arrow=True,  # Arrow dates are written as Date, not text
                          layer_metadata=(metadata or {}).get(layer_name), **options)
        finish_gpkg(tmp, datum=datum, styles=styles or {}, indexes=indexes or {})


def write_columnar(gdf: gpd.GeoDataFrame, path: str | Path, *, fmt: str, datum: Datum = "wgs84",
                   metadata: dict[str, str] | None = None) -> None:
    """One WGS84 table moved to ``datum`` (a ``datum`` column, the datum's CRS) written
    to ``path`` as FlatGeobuf (``metadata`` items in the header, with its spatial index)
    or GeoParquet 1.1 (a ``bbox`` covering column for row-group pruning; the items as
    JSON under the file metadata key ``shanghai_cluster_map``). Arrow types throughout:
    dates stay dates, nullable integers and booleans keep their type."""
    moved = in_datum(gdf, datum)
    moved["datum"] = datum
    moved = moved.set_crs(datum_crs(datum), allow_override=True)
    if fmt == "fgb":
        moved.to_file(path, driver="FlatGeobuf", engine="pyogrio", use_arrow=True,
                      layer_metadata=metadata)
        return
    moved.to_parquet(path, index=False, schema_version="1.1.0", write_covering_bbox=True)
    table = pq.read_table(path)  # the items join geopandas' `geo` metadata
    extra = {b"shanghai_cluster_map": json.dumps(metadata or {}, ensure_ascii=False).encode()}
    pq.write_table(table.replace_schema_metadata({**table.schema.metadata, **extra}), path)


def write_vector_tiles(gdf: gpd.GeoDataFrame, path: str | Path, *,
                       metadata: dict[str, str] | None = None) -> None:
    """One WGS84 table as a PMTiles archive of Mapbox Vector Tiles (GDAL's PMTiles
    driver): one tile layer ``layers`` (the ``layer`` field tells the layers apart), zoom
    7–14, Web Mercator; the licence and attribution in the archive's ``description``."""
    require_storage_crs(gdf, what="export")
    items = metadata or {}
    gdf.to_file(path, driver="PMTiles", engine="pyogrio", layer="layers",
                dataset_options={"MINZOOM": "7", "MAXZOOM": "14",
                                 "NAME": items.get("IDENTIFIER", "layers"),
                                 "DESCRIPTION": items.get("DESCRIPTION", "")})
