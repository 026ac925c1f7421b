"""``shmap serve --postgis URL``: the layers a PostGIS database holds (as ``shmap export
… --postgis`` loads them) served through pygeoapi's PostgreSQL provider, made to answer
as the service's GeoPackage provider (:mod:`cli.gpkg_provider`) does:

- fields are the table's columns but ``fid`` (the table's key) and the geometry, typed
  as JSON Schema (``double precision`` → number, ``boolean`` → boolean …), in table order;
  a feature's ``id`` is also one of its properties, as in every export;
- pages are ordered by ``fid`` (the layer's own order) after any ``sortby``, which sorts
  as SQLite does (nulls lowest, text by code point, whatever the database's collation);
- a property filter's value is converted to the field's type (a value that is not one is
  a 400, not a database error); an unknown id is a 404;
- geometries go out as the GeoPackage backend sends them (rings oriented, 7 decimals);
  a ``datetime`` is ignored as there (the layers have no time field).

The password never leaves this process: it is taken out of the URL before pygeoapi's
configuration is written and handed to the provider in memory (:func:`connection`);
messages show the URL with ``***`` in its place (:func:`masked_url`). Without one in
the URL, libpq's own ``PGPASSWORD`` and ``~/.pgpass`` apply.
"""

from __future__ import annotations

import warnings
from urllib.parse import unquote, urlsplit

from geoalchemy2.shape import to_shape
from pygeoapi.provider.base import ProviderInvalidQueryError, ProviderItemNotFoundError
from pygeoapi.provider.sql import PostgreSQLProvider, get_engine
from shapely.geometry import mapping
from sqlalchemy import asc, desc, text
from sqlalchemy.exc import SAWarning, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import and_

from cli.gpkg_provider import field_schema, typed_value
from cli.pg_url import masked_url
from layers.errors import UsageError
from layers.formats import rfc7946_geometry

__all__ = ["PROVIDER", "PostGISProvider", "connection", "layer_tables"]

#: The provider's dotted name in pygeoapi's configuration.
PROVIDER = "cli.pg_provider.PostGISProvider"
#: The key column ``shmap export --postgis`` writes (GDAL's PGDUMP ``FID``).
KEY_COLUMN = "fid"
_SCHEMES = ("postgresql", "postgres")
_TYPES = {"double precision": "REAL", "real": "REAL", "numeric": "REAL", "integer": "INTEGER",
          "bigint": "INTEGER", "smallint": "INTEGER", "boolean": "BOOLEAN", "date": "DATE",
          "timestamp without time zone": "DATETIME", "timestamp with time zone": "DATETIME"}
#: Passwords by connection (user@host:port/dbname), kept in this process only.
_PASSWORDS: dict[str, str] = {}


def _key(data: dict) -> str:
    return f"{data.get('user')}@{data.get('host')}:{data.get('port')}/{data.get('dbname')}"


def connection(url: str) -> dict:
    """pygeoapi's ``data`` (host, port, dbname, user) and ``options`` (libpq parameters of
    the URL's query) for a ``postgresql://user[:password]@host[:port]/database`` URL, the
    password kept aside for the provider; :class:`UsageError` for any other text."""
    shown = masked_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port or 5432
    except ValueError as err:
        raise UsageError(f"--postgis {shown}: not a PostgreSQL URL ({err})") from None
    database = unquote(parts.path.lstrip("/"))
    if parts.scheme not in _SCHEMES or not database or "/" in database:
        raise UsageError(f"--postgis {shown}: give postgresql://user@host:port/database "
                         "(the database `shmap export … --postgis` filled)")
    options = {}
    for item in filter(None, parts.query.split("&")):
        name, _, value = item.partition("=")
        options[unquote(name)] = unquote(value)
    host = unquote(parts.hostname or "") or options.pop("host", "localhost")
    data = {"host": host, "port": port, "dbname": database,
            "user": unquote(parts.username) if parts.username else options.pop("user", None)}
    password = unquote(parts.password) if parts.password is not None else None
    if password is None:
        password = options.pop("password", None)
    options.pop("password", None)
    if password is not None:
        _PASSWORDS[_key(data)] = password
    options.setdefault("connect_timeout", "10")
    return {"data": data, "options": options}


def _engine(conn: dict):
    data = conn["data"]
    return get_engine("postgresql+psycopg2", data["host"], data["port"], data["dbname"],
                      data["user"], _PASSWORDS.get(_key(data)),
                      **(conn["options"] | {"client_encoding": "utf8",
                                            "application_name": "pygeoapi"}))


def _unreachable(url: str, err: Exception) -> UsageError:
    """One line saying why the database cannot be read, the password masked."""
    reason = str(getattr(err, "orig", None) or err).strip().splitlines()
    line = next((r.strip() for r in reason if r.strip()), type(err).__name__)
    for secret in _PASSWORDS.values():
        line = line.replace(secret, "***") if secret else line
    return UsageError(f"cannot read PostGIS at {masked_url(url)}: {line}")


_LAYER_TABLES = text(
    "SELECT f_table_name, f_geometry_column FROM geometry_columns WHERE f_table_schema = "
    "'public' AND srid = 4326 AND f_table_name = ANY(:names)")
_COLUMNS = text("SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_schema = 'public' AND table_name = :table ORDER BY ordinal_position")
_EXTENT = "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Extent({}) b " \
          "FROM public.{}) s"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def layer_tables(url: str, conn: dict, layer_ids: list[str]) -> dict[str, dict]:
    """Of ``layer_ids``, the tables the database at ``url`` has in schema ``public`` (SRID
    4326, with an ``id`` column): layer id → ``geom_field``, ``bbox`` (lon/lat degrees)
    and ``fields`` (name → JSON Schema type, ``fid`` and geometry left out).
    :class:`UsageError` (password masked) when the database cannot be read."""
    found: dict[str, dict] = {}
    try:
        with _engine(conn).connect() as db:
            for table, geom in db.execute(_LAYER_TABLES, {"names": layer_ids}):
                columns = db.execute(_COLUMNS, {"table": table}).all()
                fields = {name: field_schema(_TYPES.get(kind, "TEXT")) for name, kind in columns
                          if name not in (KEY_COLUMN, geom)}
                if "id" not in fields:
                    continue
                box = db.execute(text(_EXTENT.format(_quoted(geom), _quoted(table)))).one()
                found[table] = {"geom_field": geom, "fields": fields,
                                "bbox": [float(v) if v is not None else 0.0 for v in box]}
    except SQLAlchemyError as err:
        raise _unreachable(url, err) from None
    return {i: found[i] for i in layer_ids if i in found}


class PostGISProvider(PostgreSQLProvider):
    """pygeoapi's PostgreSQL provider answering as the GeoPackage one (see the module doc)."""

    def __init__(self, provider_def):
        data = dict(provider_def["data"])
        data.setdefault("password", _PASSWORDS.get(_key(data)))
        with warnings.catch_warnings():  # pygeoapi makes the id field the model's key
            warnings.filterwarnings("ignore", "Table .* specifies columns", SAWarning)
            super().__init__({**provider_def, "data": data})

    def get_fields(self):
        """Field name → JSON Schema type, in table order, ``fid`` and the geometry out."""
        if not self._fields:
            for column in self.table_model.__table__.columns:
                if column.name in (KEY_COLUMN, self.geom):
                    continue
                kind = _TYPES.get(str(column.type).lower().split("(")[0], "TEXT")
                self._fields[str(column.name)] = field_schema(kind)
        return self._fields

    def _get_property_filters(self, properties):
        if not properties:
            return True
        fields = self.get_fields()
        clauses = []
        for name, value in properties:
            if name not in fields:
                raise ProviderInvalidQueryError(user_msg=f"unknown property {name!r}")
            typed = typed_value(name, value, fields[name])
            if fields[name]["type"] == "boolean":
                typed = bool(typed)
            clauses.append(getattr(self.table_model, name) == typed)
        return and_(*clauses)

    def _get_order_by_clauses(self, sort_by, table_model):
        """``sortby`` as SQLite sorts (nulls lowest, text by code point), then ``fid``."""
        fields = self.get_fields()
        clauses = []
        for s in sort_by or []:
            if s["property"] not in fields:
                raise ProviderInvalidQueryError(user_msg=f"cannot sort by {s['property']!r}")
            column = getattr(table_model, s["property"])
            if fields[s["property"]]["type"] == "string":
                column = column.collate("C")
            clauses.append(desc(column).nulls_last() if s["order"] == "-"
                           else asc(column).nulls_first())
        key = KEY_COLUMN if KEY_COLUMN in table_model.__table__.columns else self.id_field
        return [*clauses, asc(getattr(table_model, key))]

    def _get_datetime_filter(self, datetime_):
        return True  # no time field in the layers: ignored, as by the GeoPackage provider

    def _sqlalchemy_to_feature(self, item, crs_transform_out=None):
        values = item.__dict__
        geometry = None
        if values.get(self.geom) is not None:
            shape = rfc7946_geometry(to_shape(values[self.geom]))
            if crs_transform_out is not None:
                shape = crs_transform_out(shape)
            geometry = mapping(shape)
        props = {name: values[name] for name in self.get_fields() if name in values}
        return {"type": "Feature", "id": values[self.id_field], "geometry": geometry,
                "properties": props}

    def get(self, identifier, crs_transform_spec=None, **kwargs):
        """One feature by its id; :class:`ProviderItemNotFoundError` (404) when none."""
        try:
            key = typed_value(self.id_field, str(identifier), self.get_fields()[self.id_field])
        except ProviderInvalidQueryError:
            raise ProviderItemNotFoundError(user_msg=f"no item {identifier!r}") from None
        with Session(self._engine) as session:
            item = session.query(self.table_model).filter(
                getattr(self.table_model, self.id_field) == key).first()
            if item is None:
                raise ProviderItemNotFoundError(user_msg=f"no item {identifier!r}")
            return self._sqlalchemy_to_feature(item, self._get_crs_transform(crs_transform_spec))
