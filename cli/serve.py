"""``shmap serve``: the layers (and optionally a firm list) as an OGC API – Features
service, served by pygeoapi (the OSGeo reference implementation), read-only.

The collections are tables of one GeoPackage written to a temporary folder when the
command starts (typed columns, R-tree spatial index, WGS84), read by the service's
GeoPackage provider (:mod:`cli.gpkg_provider`) — or, with ``--postgis URL``, the layers'
tables in a PostGIS database read by pygeoapi's PostgreSQL provider
(:mod:`cli.pg_provider`, the password kept out of every file and message; a firm list
still goes to the GeoPackage). A firm GeoPackage ``shmap firms import`` wrote is served
as it is, read-only, from where it lies: no import and no copy at start, whatever its
size. The pygeoapi configuration and OpenAPI document are
generated in the temporary folder too and removed when the server stops. The WSGI
server is waitress (production grade, 8 threads); :mod:`cli.service_app` wraps
pygeoapi for what the standard asks and pygeoapi does not do by itself. Transactions
are off, the admin API is off, the server binds to 127.0.0.1 unless told otherwise,
and a firm list served beyond this machine needs an access token.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import yaml

from cli.gpkg_provider import table_fields
from cli.service_words import LANGUAGES, bilingual, write_catalogues
from firms.output import FIRM_ID, FIRM_TABLE, firm_gpkg_facts
from firms.typed import typed_firms
from layers.errors import UsageError
from layers.formats import COORD_DECIMALS, rfc7946_geometry, write_gpkg
from layers.metadata import export_metadata, gpkg_metadata, layer_styles

__all__ = ["Collection", "ServeOptions", "postgis_collections", "pygeoapi_config", "serve",
           "write_collections"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
FIRMS_COLLECTION = FIRM_TABLE
TOKEN_ENV = "SHMAP_SERVE_TOKEN"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: The CRSs offered through ``crs`` and ``bbox-crs`` (OGC API – Features Part 2).
SERVED_CRS = [CRS84, "http://www.opengis.net/def/crs/EPSG/0/4326",
              "http://www.opengis.net/def/crs/EPSG/0/4490",
              "http://www.opengis.net/def/crs/EPSG/0/3857"]
TEMPLATES = Path(__file__).with_name("service_templates")
GPKG_PROVIDER = "cli.gpkg_provider.IndexedGPKGProvider"


class Collection(dict):
    """One collection: ``title``, ``description``, ``bbox`` (lon/lat degrees),
    ``keywords``, ``provider`` (pygeoapi's provider name, data, table, id field …) and
    ``fields`` (name → JSON Schema type)."""


class ServeOptions(dict):
    """``host``, ``port``, ``token`` (required for a firm list beyond loopback),
    ``cors`` (allowed origins, ``*`` for any), ``threads``, ``postgis`` (a URL to serve
    the layers from, or None)."""


def _served(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A table as served: rings oriented, 7 decimals (as the GeoJSON export)."""
    out = gdf.reset_index(drop=True)
    geoms = np.asarray(out.geometry.values)
    if (shapely.get_type_id(geoms) == 0).all():  # points (a firm list): round directly
        geoms = np.asarray(shapely.points(np.round(shapely.get_coordinates(geoms),
                                                   COORD_DECIMALS)))
    else:
        geoms = np.asarray(rfc7946_geometry(geoms))
    return out.set_geometry(geoms, crs=out.crs)


def _provider(gpkg: Path, table: str, id_field: str) -> dict:
    return {"name": GPKG_PROVIDER, "data": str(gpkg), "table": table, "id_field": id_field}


def _firm_collection(gpkg: Path, bbox) -> Collection:
    """The firm list's collection: the ``firms`` table of ``gpkg``."""
    return Collection(title=bilingual("svc_firms_title"), keywords=["firms"],
                      provider=_provider(gpkg, FIRM_TABLE, FIRM_ID),
                      description=bilingual("svc_firms_about"), bbox=[float(v) for v in bbox],
                      fields=table_fields(gpkg, FIRM_TABLE))


def write_collections(frames: dict[str, gpd.GeoDataFrame], gpkg: Path, *,
                      titles: dict[str, dict[str, str]],
                      firms: gpd.GeoDataFrame | Path | None = None) -> dict[str, Collection]:
    """Write each non-empty layer (and the firms) as a table of the GeoPackage ``gpkg``
    (WGS84, typed, spatially indexed, licence in its metadata); the collections, their
    ``titles`` and descriptions language structs (``{"zh": …, "en": …}``). ``firms`` as
    a path: a firm GeoPackage ``shmap firms import`` wrote, served as it is (checked:
    :class:`UsageError` when it is not one)."""
    frames = {k: f for k, f in frames.items() if len(f)}
    meta = export_metadata(list(frames), datum="wgs84")
    tables = {k: _served(f) for k, f in frames.items()}
    if isinstance(firms, gpd.GeoDataFrame) and len(firms):
        tables[FIRMS_COLLECTION] = _served(typed_firms(firms))
    if tables:
        write_gpkg(tables, gpkg, metadata={k: gpkg_metadata(meta, k) for k in frames},
                   styles=layer_styles(frames),
                   indexes={k: FIRM_ID if k == FIRMS_COLLECTION else "id" for k in tables})
    collections = {k: _layer_collection(k, titles.get(k) or dict.fromkeys(LANGUAGES, k), meta,
                                        bbox=gdf.total_bounds, provider=_provider(gpkg, k, "id"),
                                        fields=table_fields(gpkg, k))
                   for k, gdf in frames.items()}
    if FIRMS_COLLECTION in tables:
        collections[FIRMS_COLLECTION] = _firm_collection(
            gpkg, tables[FIRMS_COLLECTION].total_bounds)
    elif isinstance(firms, Path):
        collections[FIRMS_COLLECTION] = _firm_collection(firms.resolve(),
                                                         firm_gpkg_facts(firms)["bbox"])
    return collections


def _layer_collection(layer_id: str, title: dict[str, str], meta: dict, *, bbox,
                      provider: dict, fields: dict[str, dict]) -> Collection:
    """A layer's collection: its title, licence and attribution in each served
    language, wherever it is stored."""
    return Collection(
        title=title, keywords=["shanghai", layer_id], provider=provider, fields=fields,
        description=bilingual("svc_layer_about", title=title,
                              licence=bilingual("svc_licence_name"),
                              attribution=bilingual("svc_attribution"),
                              version=meta["data_version"]),
        bbox=[float(v) for v in bbox])


def postgis_collections(url: str, layer_ids: list[str], *,
                        titles: dict[str, dict[str, str]]) -> dict[str, Collection]:
    """The collections of ``layer_ids`` that the PostGIS database at ``url`` holds (as
    ``shmap export … --postgis`` loads them), for pygeoapi's PostgreSQL provider; the
    password stays out of them. :class:`UsageError` when the database cannot be read."""
    from cli.pg_provider import PROVIDER, connection, layer_tables
    from cli.pg_url import masked_url

    conn = connection(url)
    tables = layer_tables(url, conn, layer_ids)
    if not tables:
        raise UsageError(f"none of the chosen layers is in the PostGIS database at "
                         f"{masked_url(url)}: load them with `shmap export LAYER… --postgis "
                         "URL` first")
    meta = export_metadata(list(tables), datum="wgs84")
    return {k: _layer_collection(
        k, titles.get(k) or dict.fromkeys(LANGUAGES, k), meta, bbox=t["bbox"], fields=t["fields"],
        provider={"name": PROVIDER, "data": conn["data"], "options": conn["options"],
                  "table": k, "id_field": "id", "geom_field": t["geom_field"]})
        for k, t in tables.items()}


def _resource(cid: str, c: Collection, url: str) -> dict:
    return {
        "type": "collection", "title": c["title"], "description": c["description"],
        "keywords": c["keywords"],
        # GDAL's OAPIF driver types its fields from the schema a collection is
        # "describedBy" instead of guessing from the first page (all-null → String)
        "links": [{"type": "application/xml", "rel": "describedBy",
                   "title": "GML application schema of the features' properties",
                   "href": f"{url}/collections/{cid}/schema.xsd"}],
        "extents": {"spatial": {"bbox": c["bbox"], "crs": CRS84}},
        "providers": [{"type": "feature", **c["provider"], "editable": False,
                       "crs": SERVED_CRS, "storage_crs": CRS84}],
    }


def pygeoapi_config(collections: dict[str, Collection], *, url: str, locale_dir: Path) -> dict:
    """A pygeoapi configuration serving ``collections`` read-only at ``url``, with the
    project's offline HTML templates, no basemap, Chinese (the default) and English,
    their words from the catalogues in ``locale_dir``."""
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
        "resources": {cid: _resource(cid, c, url) for cid, c in collections.items()},
    }


def write_config(collections: dict[str, Collection], folder: Path, *,
                 url: str) -> tuple[Path, Path]:
    """Write the pygeoapi configuration (YAML) and its offline OpenAPI document (JSON);
    their paths."""
    from pygeoapi.openapi import get_oas

    from cli.service_app import offline_openapi

    config = pygeoapi_config(collections, url=url, locale_dir=write_catalogues(folder))
    config_path = folder / "pygeoapi-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    # JSON, which pygeoapi serves as written: as YAML it cost 1.8 s to write and read back
    openapi_path = folder / "pygeoapi-openapi.json"
    oas = offline_openapi(get_oas(config))
    openapi_path.write_text(json.dumps(oas, ensure_ascii=False), encoding="utf-8")
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
          firms: gpd.GeoDataFrame | Path | None = None, options: ServeOptions | None = None,
          ready=None) -> None:
    """Serve the collections until interrupted; ``ready(url, collection_ids)`` is called
    once listening. With ``options["postgis"]`` the layers of ``frames`` (by id) that the
    database holds are served from it; ``firms``: an imported firm table, or the path of a
    firm GeoPackage (served as it is)."""
    from waitress.server import create_server

    options = ServeOptions({"host": DEFAULT_HOST, "port": DEFAULT_PORT, "cors": [],
                            "threads": 8, **(options or {})})
    host, port = options["host"], options["port"]
    token = check_options(options, firms=firms is not None)
    _check_port(host, port)
    url = f"http://{host}:{port}"
    with tempfile.TemporaryDirectory(prefix="shmap-serve-") as tmp:
        postgis = options.get("postgis")
        collections = postgis_collections(postgis, list(frames), titles=titles) if postgis \
            else {}
        collections |= write_collections({} if postgis else frames, Path(tmp) / "service.gpkg",
                                         titles=titles, firms=firms)
        if not collections:
            raise UsageError("nothing to serve: the chosen layers have no features")
        config_path, openapi_path = write_config(collections, Path(tmp), url=url)
        os.environ["PYGEOAPI_CONFIG"] = str(config_path)
        os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
        from cli.service_app import ServiceApp, declare_conformance

        declare_conformance()
        app = importlib.import_module("pygeoapi.flask_app").APP  # reads the two variables
        wrapped = ServiceApp(app, fields={c: collections[c]["fields"] for c in collections},
                             protected={FIRMS_COLLECTION} if token else set(), token=token,
                             cors=options["cors"])
        try:
            server = create_server(wrapped, host=host, port=port,
                                   threads=options["threads"], ident="shmap")
        except OSError as err:
            raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}; choose "
                             "another port with --port") from err
        signal.signal(signal.SIGTERM, _interrupt)  # a stop request cleans up like Ctrl-C
        if ready is not None:
            ready(url, list(collections))
        try:
            server.run()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            server.close()
