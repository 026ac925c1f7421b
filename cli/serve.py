"""``shmap serve``: the layers (and optionally a firm list) as an OGC API – Features
service, served by pygeoapi (the OSGeo reference implementation), read-only.

The collections are tables of one GeoPackage written to a temporary folder when the
command starts (typed columns, R-tree spatial index, WGS84), read by pygeoapi's
SQLiteGPKG provider (:mod:`cli.gpkg_provider`); the pygeoapi configuration and
OpenAPI document are generated there too and removed when the server stops. The WSGI
server is waitress (production grade, 8 threads); :mod:`cli.service_app` wraps
pygeoapi for what the standard asks and pygeoapi does not do by itself. Transactions
are off, the admin API is off, the server binds to 127.0.0.1 unless told otherwise,
and a firm list served beyond this machine needs an access token.
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import signal
import socket
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import yaml

from cli.gpkg_provider import ENVELOPE_COLUMNS
from cli.service_words import LANGUAGES, bilingual, write_catalogues
from firms.typed import typed_firms
from layers.errors import UsageError
from layers.formats import COORD_DECIMALS, rfc7946_geometry, write_gpkg
from layers.metadata import export_metadata, gpkg_metadata, layer_styles

__all__ = ["Collection", "ServeOptions", "pygeoapi_config", "serve", "write_collections"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
FIRMS_COLLECTION = "firms"
TOKEN_ENV = "SHMAP_SERVE_TOKEN"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: The CRSs offered through ``crs`` and ``bbox-crs`` (OGC API – Features Part 2).
SERVED_CRS = [CRS84, "http://www.opengis.net/def/crs/EPSG/0/4326",
              "http://www.opengis.net/def/crs/EPSG/0/4490",
              "http://www.opengis.net/def/crs/EPSG/0/3857"]
TEMPLATES = Path(__file__).with_name("service_templates")


class Collection(dict):
    """One collection: ``table`` (of the service's GeoPackage), ``title``,
    ``description``, ``bbox`` (lon/lat degrees), ``id_field``, ``keywords``."""


class ServeOptions(dict):
    """``host``, ``port``, ``token`` (required for a firm list beyond loopback),
    ``cors`` (allowed origins, ``*`` for any), ``threads``."""


def _served(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A table as served: rings oriented, 7 decimals (as the GeoJSON export), and the
    float64 envelope of each geometry in hidden columns for exact bbox queries."""
    out = gdf.reset_index(drop=True)
    geoms = np.asarray(out.geometry.values)
    if (shapely.get_type_id(geoms) == 0).all():  # points (a firm list): round directly
        geoms = np.asarray(shapely.points(np.round(shapely.get_coordinates(geoms),
                                                   COORD_DECIMALS)))
    else:
        geoms = np.asarray(rfc7946_geometry(geoms))
    out = out.set_geometry(geoms, crs=out.crs)
    bounds = shapely.bounds(out.geometry.values)
    for i, col in enumerate(ENVELOPE_COLUMNS):
        out[col] = bounds[:, i]
    return out


def _index_ids(gpkg: Path, id_fields: dict[str, str]) -> None:
    """An index on each table's id field (one item by id without a table scan)."""
    with closing(sqlite3.connect(gpkg)) as con, con:
        for table, field in id_fields.items():
            con.execute(f'CREATE INDEX "{table}_{field}_idx" ON "{table}" ("{field}")')


def write_collections(frames: dict[str, gpd.GeoDataFrame], gpkg: Path, *,
                      titles: dict[str, dict[str, str]], firms: gpd.GeoDataFrame | None = None
                      ) -> dict[str, Collection]:
    """Write each non-empty layer (and the firms) as a table of the GeoPackage ``gpkg``
    (WGS84, typed, spatially indexed, licence in its metadata); the collections, their
    ``titles`` and descriptions language structs (``{"zh": …, "en": …}``)."""
    frames = {k: f for k, f in frames.items() if len(f)}
    meta = export_metadata(list(frames), datum="wgs84")
    tables = {k: _served(f) for k, f in frames.items()}
    if firms is not None and len(firms):
        tables[FIRMS_COLLECTION] = _served(typed_firms(firms))
    if not tables:
        return {}
    write_gpkg(tables, gpkg, metadata={k: gpkg_metadata(meta, k) for k in frames},
               styles=layer_styles(frames))
    _index_ids(gpkg, {**dict.fromkeys(frames, "id"),
                      **({FIRMS_COLLECTION: "row"} if FIRMS_COLLECTION in tables else {})})
    collections: dict[str, Collection] = {}
    licence, attribution = bilingual("svc_licence_name"), bilingual("svc_attribution")
    for layer_id, gdf in frames.items():
        title = titles.get(layer_id) or dict.fromkeys(LANGUAGES, layer_id)
        collections[layer_id] = Collection(
            table=layer_id, title=title, id_field="id", keywords=["shanghai", layer_id],
            description=bilingual("svc_layer_about", title=title, licence=licence,
                                  attribution=attribution, version=meta["data_version"]),
            bbox=[float(v) for v in gdf.total_bounds])
    if FIRMS_COLLECTION in tables:
        collections[FIRMS_COLLECTION] = Collection(
            table=FIRMS_COLLECTION, title=bilingual("svc_firms_title"), id_field="row",
            description=bilingual("svc_firms_about"),
            bbox=[float(v) for v in tables[FIRMS_COLLECTION].total_bounds], keywords=["firms"])
    return collections


def _resource(cid: str, c: Collection, gpkg: Path, url: str) -> dict:
    return {
        "type": "collection", "title": c["title"], "description": c["description"],
        "keywords": c["keywords"],
        # GDAL's OAPIF driver types its fields from the schema a collection is
        # "describedBy" instead of guessing from the first page (all-null → String)
        "links": [{"type": "application/xml", "rel": "describedBy",
                   "title": "GML application schema of the features' properties",
                   "href": f"{url}/collections/{cid}/schema.xsd"}],
        "extents": {"spatial": {"bbox": c["bbox"], "crs": CRS84}},
        "providers": [{"type": "feature", "name": "cli.gpkg_provider.IndexedGPKGProvider",
                       "data": str(gpkg), "table": c["table"], "id_field": c["id_field"],
                       "editable": False, "crs": SERVED_CRS, "storage_crs": CRS84}],
    }


def pygeoapi_config(collections: dict[str, Collection], gpkg: Path, *, url: str,
                    locale_dir: Path) -> dict:
    """A pygeoapi configuration serving ``collections`` of ``gpkg`` read-only at ``url``,
    with the project's offline HTML templates, no basemap, Chinese (the default) and
    English, their words from the catalogues in ``locale_dir``."""
    return {
        "server": {"bind": {"host": "127.0.0.1", "port": 0}, "url": url,
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
                   "languages": list(LANGUAGES), "locale_dir": str(locale_dir),
                   "pretty_print": False, "admin": False,
                   "limits": {"default_items": 100, "max_items": 10000},
                   "templates": {"path": str(TEMPLATES)},
                   "map": {"url": "", "attribution": "© OpenStreetMap contributors"}},
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": bilingual("svc_title"),
                               "description": bilingual("svc_about"),
                               "keywords": ["shanghai", "industry"], "keywords_type": "theme",
                               "terms_of_service": "", "url": url},
            "license": {"name": bilingual("svc_licence_name"),
                        "url": "https://opendatacommons.org/licenses/odbl/1-0/"},
            "provider": {"name": "shanghai-cluster-map", "url": url},
            "contact": {"name": "shanghai-cluster-map"},
        },
        "resources": {cid: _resource(cid, c, gpkg, url) for cid, c in collections.items()},
    }


def write_config(collections: dict[str, Collection], gpkg: Path, folder: Path, *,
                 url: str) -> tuple[Path, Path]:
    """Write the pygeoapi configuration and its offline OpenAPI document; their paths."""
    from pygeoapi.openapi import get_oas

    from cli.service_app import offline_openapi

    config = pygeoapi_config(collections, gpkg, url=url, locale_dir=write_catalogues(folder))
    config_path = folder / "pygeoapi-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    openapi_path = folder / "pygeoapi-openapi.yml"
    oas = offline_openapi(get_oas(config))
    openapi_path.write_text(yaml.safe_dump(oas, allow_unicode=True), encoding="utf-8")
    return config_path, openapi_path


def _check_port(host: str, port: int) -> None:
    """:class:`UsageError` unless ``host:port`` can be listened on (checked before any work)."""
    try:
        with socket.socket() as probe:
            probe.bind((host, port))
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}; choose another "
                         "port with --port") from err


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_options(options: ServeOptions, *, firms: bool) -> str:
    """The access token in force ('' for none): ``--token`` or ``$SHMAP_SERVE_TOKEN``;
    :class:`UsageError` when a firm list would be served beyond loopback without one."""
    token = options.get("token") or os.environ.get(TOKEN_ENV, "")
    if firms and not token and not is_loopback(options["host"]):
        raise UsageError(f"a firm list served on {options['host']} (beyond this machine) needs "
                         f"an access token: give --token TOKEN or set {TOKEN_ENV}")
    if token and len(token) < 16:
        raise UsageError("the access token is too short: use at least 16 characters")
    return token


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(frames: dict[str, gpd.GeoDataFrame], *, titles: dict[str, dict[str, str]],
          firms: gpd.GeoDataFrame | None = None, options: ServeOptions | None = None,
          ready=None) -> None:
    """Serve the collections until interrupted; ``ready(url)`` is called once listening."""
    from waitress.server import create_server

    options = ServeOptions({"host": DEFAULT_HOST, "port": DEFAULT_PORT, "cors": [],
                            "threads": 8, **(options or {})})
    host, port = options["host"], options["port"]
    token = check_options(options, firms=firms is not None)
    _check_port(host, port)
    url = f"http://{host}:{port}"
    with tempfile.TemporaryDirectory(prefix="shmap-serve-") as tmp:
        gpkg = Path(tmp) / "service.gpkg"
        collections = write_collections(frames, gpkg, titles=titles, firms=firms)
        if not collections:
            raise UsageError("nothing to serve: the chosen layers have no features")
        config_path, openapi_path = write_config(collections, gpkg, Path(tmp), url=url)
        os.environ["PYGEOAPI_CONFIG"] = str(config_path)
        os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
        from cli.service_app import ServiceApp, declare_conformance

        declare_conformance()
        app = importlib.import_module("pygeoapi.flask_app").APP  # reads the two variables
        wrapped = ServiceApp(app, collections={c: collections[c]["table"] for c in collections},
                             protected={FIRMS_COLLECTION} if token else set(), token=token,
                             cors=options["cors"], gpkg=gpkg)
        try:
            server = create_server(wrapped, host=host, port=port,
                                   threads=options["threads"], ident="shmap")
        except OSError as err:
            raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}; choose "
                             "another port with --port") from err
        signal.signal(signal.SIGTERM, _interrupt)  # a stop request cleans up like Ctrl-C
        if ready is not None:
            ready(url)
        try:
            server.run()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            server.close()
