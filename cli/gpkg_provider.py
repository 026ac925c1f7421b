"""A read-only pygeoapi feature provider over one table of a GeoPackage, typed and
indexed, for ``shmap serve``.

pygeoapi's own SQLiteGPKG provider needs SpatiaLite loaded into Python's ``sqlite3``,
which not every Python build allows (``enable_load_extension`` is missing from
pyenv's default build), scans every geometry for a ``bbox`` and types every column as
number or string. This one uses only SQLite (with its R*Tree module) and shapely:

- a ``bbox`` goes through the GeoPackage's R-tree (``rtree_<table>_<geom>``, which
  GDAL writes): its float32 boxes enclose each geometry, so a point whose box lies
  wholly inside the bbox is inside; the few astride the edge, and lines and polygons,
  are tested exactly on the stored float64 geometry with shapely — nothing beyond a
  plain GeoPackage is needed (a firm list ``shmap firms import`` wrote is served as is);
- pages are ordered by ``fid`` (stable paging) and carry ``numberMatched``;
- fields are typed from the table's declared GeoPackage types: ``integer``,
  ``number``, ``boolean`` (0/1 in SQLite, true/false in JSON), ``string`` with
  ``format: date`` for dates — so queryables and GDAL's OAPIF driver see numbers as
  numbers;
- a property filter's value is converted to the field's type (``precision_m=1500``
  compares numbers, ``approximate=true`` booleans); a value that is not one is a 400;
- ``sortby`` on any field, ``properties`` (a subset of fields) and ``skipGeometry``;
  ``crs`` through pygeoapi's ``crs_transform``.

Read-only; one connection per server thread, kept between requests.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import numpy as np
import shapely
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderConnectionError,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)
from pygeoapi.util import crs_transform

__all__ = ["IndexedGPKGProvider", "field_schema", "gpkg_geometries", "read_only",
           "table_fields", "typed_value"]

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_INTEGER = {"INTEGER", "INT", "MEDIUMINT", "SMALLINT", "TINYINT", "BIGINT"}
_NUMBER = {"REAL", "FLOAT", "DOUBLE"}


def field_schema(declared: str) -> dict:
    """The JSON Schema type of a GeoPackage column type (``REAL`` → number …)."""
    kind = declared.upper().split("(")[0]
    if kind in _INTEGER:
        return {"type": "integer"}
    if kind in _NUMBER:
        return {"type": "number"}
    if kind == "BOOLEAN":
        return {"type": "boolean"}
    if kind == "DATE":
        return {"type": "string", "format": "date"}
    if kind == "DATETIME":
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def read_only(path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file ``path`` (any characters in its name)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def table_fields(gpkg, table: str) -> dict[str, dict]:
    """Field → JSON Schema type of a table of the GeoPackage ``gpkg`` (the geometry and
    ``fid`` out)."""
    with closing(read_only(gpkg)) as con:
        rows = con.execute(f"PRAGMA table_info({_quoted(table)})").fetchall()
        geom = {r[0] for r in con.execute("SELECT column_name FROM gpkg_geometry_columns "
                                          "WHERE table_name = ?", (table,))}
    return {r[1]: field_schema(r[2]) for r in rows
            if r[1] != "fid" and r[1] not in geom}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def typed_value(name: str, value: str, schema: dict):
    """A query parameter's text as the field's type; :class:`ProviderInvalidQueryError`
    (HTTP 400) when it is not one."""
    kind = schema["type"]
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
    except ValueError:
        raise ProviderInvalidQueryError(user_msg=f"{name} must be a {kind}, not {value!r}") \
            from None
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ProviderInvalidQueryError(user_msg=f"{name} must be true or false")
        return int(value.lower() == "true")
    return value


def gpkg_geometries(blobs) -> np.ndarray:
    """Shapely geometries of GeoPackage geometry blobs (header and envelope skipped)."""
    wkb = [None if b is None else b[8 + _ENVELOPE_BYTES[(b[3] >> 1) & 7]:] for b in blobs]
    return shapely.from_wkb(np.array(wkb, dtype=object))


def _geojson_geometries(blobs) -> list[dict | None]:
    """GeoJSON geometry objects of GeoPackage blobs (points built directly, the rest
    through shapely's GeoJSON writer)."""
    if not any(b is not None for b in blobs):
        return [None] * len(blobs)
    geoms = gpkg_geometries(blobs)
    kinds = shapely.get_type_id(geoms)
    if (kinds == 0).all():  # all points: the common case of a firm list
        xy = shapely.get_coordinates(geoms).tolist()
        return [{"type": "Point", "coordinates": c} for c in xy]
    return [None if g is None else json.loads(g) for g in shapely.to_geojson(geoms)]


#: An R-tree entry meets the box ``:x0 :y0 :x1 :y1`` / lies wholly inside it.
_MEETS = "minx <= :x1 AND maxx >= :x0 AND miny <= :y1 AND maxy >= :y0"
_INSIDE = "minx >= :x0 AND maxx <= :x1 AND miny >= :y0 AND maxy <= :y1"

_LOCAL = threading.local()


def _connection(path: str) -> sqlite3.Connection:
    """This thread's read-only connection to ``path``, kept for the next request (pygeoapi
    builds a provider per request; opening and closing a file each time costs more than
    the query)."""
    cache = _LOCAL.__dict__.setdefault("connections", {})
    if path not in cache:
        cache[path] = read_only(path)
    return cache[path]


class IndexedGPKGProvider(BaseProvider):
    """Read-only provider over one table of a GeoPackage (see the module doc)."""

    def __init__(self, provider_def):
        super().__init__(provider_def)
        self.table = provider_def["table"]
        try:
            self.con = _connection(str(self.data))
            self.geom_col, kind = self.con.execute(
                "SELECT column_name, geometry_type_name FROM gpkg_geometry_columns "
                "WHERE table_name = ?", (self.table,)).fetchone()
        except (sqlite3.Error, TypeError) as err:
            raise ProviderConnectionError(f"cannot open {self.table}: {err}") from err
        self.points = kind.upper() in ("POINT", "MULTIPOINT")
        self.rtree = f"rtree_{self.table}_{self.geom_col}"
        self.get_fields()

    def get_fields(self):
        """Field name → JSON Schema type, from the table's declared column types."""
        if not self._fields:
            rows = self.con.execute(f"PRAGMA table_info({_quoted(self.table)})").fetchall()
            for _, name, declared, *_ in rows:
                if name in ("fid", self.geom_col):
                    continue
                self._fields[name] = field_schema(declared)
        return self._fields

    def _where(self, properties, bbox) -> tuple[str, dict]:
        """The WHERE clause of property filters and a bbox, and its named values."""
        fields = self.get_fields()
        clauses, values = [], {}
        for i, (name, value) in enumerate(properties):
            if name not in fields:
                raise ProviderInvalidQueryError(user_msg=f"unknown property {name!r}")
            clauses.append(f"{_quoted(name)} = :p{i}")
            values[f"p{i}"] = typed_value(name, value, fields[name])
        if bbox:
            box = dict(zip(("x0", "y0", "x1", "y1"), (float(v) for v in bbox), strict=True))
            values |= box
            # points exactly: wholly inside by the R-tree, or astride the edge and tested;
            # lines and polygons: the R-tree's candidates, tested exactly by _exact_fids
            within = f"{_MEETS} AND (({_INSIDE}){self._also(box)})" if self.points else _MEETS
            clauses.append(f"fid IN (SELECT id FROM {_quoted(self.rtree)} WHERE {within})")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", values

    def _exact_fids(self, where, values, bbox) -> list[int] | None:
        """For lines and polygons under a bbox: the fids that really meet the box."""
        if not bbox or self.points:
            return None
        rows = self.con.execute(f"SELECT fid, {_quoted(self.geom_col)} FROM "
                                f"{_quoted(self.table)}{where}", values).fetchall()
        geoms = gpkg_geometries([r[1] for r in rows])
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        hits = shapely.intersects(geoms, shapely.box(minx, miny, maxx, maxy))
        return [r[0] for r, hit in zip(rows, hits, strict=True) if hit]

    def _matched(self, table: str, where: str, values: dict, bbox) -> int | list[int]:
        """The count of rows matching (or, for lines and polygons under a bbox, their
        exact fids)."""
        exact = self._exact_fids(where, values, bbox)
        if exact is not None:
            return exact
        if not where:
            return self._count()
        return self.con.execute(f"SELECT COUNT(*) FROM {table}{where}", values).fetchone()[0]

    def _also(self, box: dict) -> str:
        """`` OR id IN (…)`` of the points whose R-tree box lies astride the edge of ``box``
        (``x0 y0 x1 y1``) and which lie inside it on their stored float64 coordinates."""
        rows = self.con.execute(
            f"SELECT fid, {_quoted(self.geom_col)} FROM {_quoted(self.table)} WHERE fid IN "
            f"(SELECT id FROM {_quoted(self.rtree)} WHERE {_MEETS} AND NOT ({_INSIDE}))",
            box).fetchall()
        if not rows:
            return ""
        inside = shapely.intersects(gpkg_geometries([r[1] for r in rows]),  # edge included
                                    shapely.box(box["x0"], box["y0"], box["x1"], box["y1"]))
        ids = [str(r[0]) for r, yes in zip(rows, inside, strict=True) if yes]
        return f" OR id IN ({','.join(ids)})" if ids else ""

    def _points_in(self, bbox, offset: int, limit: int) -> tuple[int, list[int]]:
        """(how many points lie inside ``bbox``, the fids of the page, in fid order).

        The R-tree decides where an entry's box lies wholly inside the bbox (its float32
        bounds enclose the point); only the few boxes astride the edge are tested on the
        stored float64 coordinates. Counting and paging stay inside SQLite."""
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        rtree = _quoted(self.rtree)
        box = {"x0": minx, "y0": miny, "x1": maxx, "y1": maxy}
        also = self._also(box)
        within = f"{_MEETS} AND (({_INSIDE}){also})"
        counted = self.con.execute(f"SELECT COUNT(*) FROM {rtree} WHERE {within}",
                                   box).fetchone()[0]
        page = [r[0] for r in self.con.execute(
            f"SELECT id FROM {rtree} WHERE {within} ORDER BY id LIMIT :limit OFFSET :offset",
            {**box, "limit": limit, "offset": offset})]
        return counted, page

    def _count(self) -> int:
        """Rows of the table: GDAL's recorded count (``gpkg_ogr_contents``), else COUNT."""
        try:
            row = self.con.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE "
                                   "table_name = ?", (self.table,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is not None and row[0] is not None:
            return int(row[0])
        return self.con.execute(f"SELECT COUNT(*) FROM {_quoted(self.table)}").fetchone()[0]

    def _columns(self, select_properties, skip_geometry) -> list[str]:
        names = [n for n in self.get_fields() if not select_properties
                 or n in select_properties or n == self.id_field]
        cols = [_quoted(n) for n in names]
        if not skip_geometry:
            cols.append(f"{_quoted(self.geom_col)} AS __geometry")
        return cols

    def _features(self, cursor) -> list[dict]:
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        if names[-1] == "__geometry":
            geometries = _geojson_geometries([r[-1] for r in rows])
            names, rows = names[:-1], [r[:-1] for r in rows]
        else:
            geometries = [None] * len(rows)
        rows = [dict(zip(names, r, strict=True)) for r in rows]
        booleans = [n for n, f in self._fields.items() if f["type"] == "boolean"]
        features = []
        for props, geometry in zip(rows, geometries, strict=True):
            for name in booleans:
                if props.get(name) is not None:
                    props[name] = bool(props[name])
            features.append({"type": "Feature", "id": props[self.id_field],
                             "geometry": geometry, "properties": props})
        return features

    def _order(self, sortby) -> str:
        fields = self.get_fields()
        parts = []
        for s in sortby or []:
            if s["property"] not in fields:
                raise ProviderInvalidQueryError(user_msg=f"cannot sort by {s['property']!r}")
            parts.append(f"{_quoted(s['property'])} {'DESC' if s['order'] == '-' else 'ASC'}")
        return " ORDER BY " + ", ".join([*parts, "fid"])

    @crs_transform
    def query(self, offset=0, limit=10, resulttype="results", bbox=None, datetime_=None,
              properties=None, sortby=None, select_properties=None, skip_geometry=False,
              q=None, **kwargs):
        """A page of features (or only ``numberMatched`` for ``resulttype=hits``)."""
        table = _quoted(self.table)
        if bbox and self.points and not properties and not sortby:
            matched, page = self._points_in(bbox, int(offset), int(limit))
            where, values, offset = f" WHERE fid IN ({','.join(map(str, page))})", {}, 0
        else:
            where, values = self._where(properties or [], bbox or [])
            matched = self._matched(table, where, values, bbox)
            if isinstance(matched, list):  # a handful of outlines, exactly
                where, values = f" WHERE fid IN ({','.join(map(str, matched))})", {}
                matched = len(matched)
        if resulttype == "hits":
            return {"type": "FeatureCollection", "features": [], "numberMatched": matched,
                    "numberReturned": 0}
        cols = ", ".join(self._columns(select_properties, skip_geometry))
        rows = self.con.execute(f"SELECT {cols} FROM {table}{where}{self._order(sortby)} "
                                "LIMIT :limit OFFSET :offset",
                                {**values, "limit": int(limit), "offset": int(offset)})
        features = self._features(rows)
        return {"type": "FeatureCollection", "features": features, "numberMatched": matched,
                "numberReturned": len(features)}

    @crs_transform
    def get(self, identifier, **kwargs):
        """One feature by its id; :class:`ProviderItemNotFoundError` (404) when none."""
        cols = ", ".join(self._columns(None, False))
        schema = self.get_fields()[self.id_field]
        try:
            key = typed_value(self.id_field, str(identifier), schema)
        except ProviderInvalidQueryError:
            raise ProviderItemNotFoundError(user_msg=f"no item {identifier!r}") from None
        found = self._features(self.con.execute(
            f"SELECT {cols} FROM {_quoted(self.table)} WHERE {_quoted(self.id_field)} = ? "
            "LIMIT 1", (key,)))
        if not found:
            raise ProviderItemNotFoundError(user_msg=f"no item {identifier!r}")
        return found[0]
