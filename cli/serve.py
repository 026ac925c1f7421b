"""``shmap serve``: the layers (and optionally a firm list) as an OGC API – Features
service, served by pygeoapi (the OSGeo reference implementation), read-only.

Each collection is a GeoJSON export (WGS84, the same features and attributes as
``shmap export … -o x.geojson``) written to a temporary folder, with pygeoapi's
GeoJSON provider over it; the pygeoapi configuration and OpenAPI document are
generated there too and removed when the server stops. Transactions are off
(``editable: false``), the admin API is off, and the server binds to 127.0.0.1
unless told otherwise.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import geopandas as gpd
import yaml

from layers.errors import UsageError
from layers.exporting import export_files
from layers.formats import to_geojson
from layers.metadata import export_metadata

__all__ = ["Collection", "checked_bbox", "pygeoapi_config", "serve", "write_collections"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
FIRMS_COLLECTION = "firms"


class Collection(dict):
    """One collection: ``path`` (GeoJSON file), ``title``, ``description``, ``bbox``
    (lon/lat degrees), ``id_field``, ``keywords``."""


def _served_geojson(text: str) -> str:
    """The GeoJSON as served: ASCII-escaped, so pygeoapi reads it in any locale."""
    return json.dumps(json.loads(text), ensure_ascii=True)


def write_collections(frames: dict[str, gpd.GeoDataFrame], folder: Path, *,
                      titles: dict[str, str], firms: gpd.GeoDataFrame | None = None
                      ) -> dict[str, Collection]:
    """Write each layer (and the firms) as a WGS84 GeoJSON file in ``folder``."""
    collections: dict[str, Collection] = {}
    meta = export_metadata(list(frames), datum="wgs84")
    for layer_id, gdf in frames.items():
        if not len(gdf):
            continue
        name, content = next(iter(export_files({layer_id: gdf}, "geojson", stem=layer_id).items()))
        path = folder / name
        path.write_text(_served_geojson(content.decode()), encoding="ascii")
        collections[layer_id] = Collection(
            path=path, title=titles.get(layer_id, layer_id), id_field="id",
            description=f"{titles.get(layer_id, layer_id)}. Licence: {meta['licence']}. "
                        f"Attribution: {meta['attribution']}. Data version {meta['data_version']}.",
            bbox=[float(v) for v in gdf.total_bounds], keywords=["shanghai", layer_id])
    if firms is not None and len(firms):
        path = folder / f"{FIRMS_COLLECTION}.geojson"
        path.write_text(_served_geojson(to_geojson(firms.reset_index(drop=True),
                                                   name=FIRMS_COLLECTION)), encoding="ascii")
        collections[FIRMS_COLLECTION] = Collection(
            path=path, title="Firms (imported list)", id_field="row",
            description="The firm list given to `shmap serve --firms`: accepted rows, WGS84.",
            bbox=[float(v) for v in firms.total_bounds], keywords=["firms"])
    return collections


def pygeoapi_config(collections: dict[str, Collection], *, host: str, port: int) -> dict:
    """A pygeoapi configuration serving ``collections`` read-only at ``host:port``."""
    url = f"http://{host}:{port}"
    resources = {
        cid: {
            "type": "collection", "title": c["title"], "description": c["description"],
            "keywords": c["keywords"],
            "extents": {"spatial": {"bbox": c["bbox"],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "GeoJSON", "data": str(c["path"]),
                           "id_field": c["id_field"], "editable": False}],
        } for cid, c in collections.items()}
    return {
        "server": {"bind": {"host": host, "port": port}, "url": url,
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
                   "languages": ["en-US", "zh-CN"], "pretty_print": False, "admin": False,
                   "limits": {"default_items": 100, "max_items": 10000},
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                           "attribution": "© OpenStreetMap contributors"}},
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "Shanghai industrial layout / 上海产业布局",
                               "description": "The layers of shanghai-cluster-map, read-only",
                               "keywords": ["shanghai", "industry"], "keywords_type": "theme",
                               "terms_of_service": "", "url": url},
            "license": {"name": "ODbL 1.0 (© OpenStreetMap contributors); project data MIT",
                        "url": "https://opendatacommons.org/licenses/odbl/1-0/"},
            "provider": {"name": "shanghai-cluster-map", "url": url},
            "contact": {"name": "shanghai-cluster-map"},
        },
        "resources": resources,
    }


def write_config(collections: dict[str, Collection], folder: Path, *, host: str,
                 port: int) -> tuple[Path, Path]:
    """Write the pygeoapi configuration and its OpenAPI document; their paths."""
    from pygeoapi.openapi import get_oas

    config = pygeoapi_config(collections, host=host, port=port)
    config_path = folder / "pygeoapi-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    openapi_path = folder / "pygeoapi-openapi.yml"
    openapi_path.write_text(yaml.safe_dump(get_oas(config), allow_unicode=True), encoding="utf-8")
    return config_path, openapi_path


def _check_port(host: str, port: int) -> None:
    """:class:`UsageError` unless ``host:port`` can be listened on (checked before any work)."""
    try:
        with socket.socket() as probe:
            probe.bind((host, port))
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}; choose another "
                         "port with --port") from err


def _bbox_problem(query: str) -> str | None:
    """Why a request's ``bbox`` cannot be answered (None when it can or has none): four
    finite numbers, minimum before maximum, are the only bbox served (pygeoapi answers
    500 to NaNs and to six numbers)."""
    values = parse_qs(query).get("bbox")
    if not values:
        return None
    parts = values[-1].split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return "bbox must be four numbers: minlon,minlat,maxlon,maxlat"
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        return "bbox must be four finite numbers: minlon,minlat,maxlon,maxlat"
    if numbers[0] > numbers[2] or numbers[1] > numbers[3]:
        return "bbox minimum must not exceed its maximum: minlon,minlat,maxlon,maxlat"
    return None


def checked_bbox(app):
    """The WSGI ``app`` behind a check of the ``bbox`` parameter: a bad one is answered 400
    with an OGC API exception (JSON), never passed on to fail as 500."""
    def checked(environ, start_response):
        problem = _bbox_problem(environ.get("QUERY_STRING", ""))
        if problem is None:
            return app(environ, start_response)
        body = json.dumps({"code": "InvalidParameterValue", "description": problem}).encode()
        start_response("400 Bad Request", [("Content-Type", "application/json"),
                                           ("Content-Length", str(len(body)))])
        return [body]
    return checked


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(frames: dict[str, gpd.GeoDataFrame], *, titles: dict[str, str],
          firms: gpd.GeoDataFrame | None = None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, ready=None) -> None:
    """Serve the collections until interrupted; ``ready(url)`` is called once listening."""
    from werkzeug.serving import make_server

    _check_port(host, port)
    with tempfile.TemporaryDirectory(prefix="shmap-serve-") as tmp:
        collections = write_collections(frames, Path(tmp), titles=titles, firms=firms)
        if not collections:
            raise UsageError("nothing to serve: the chosen layers have no features")
        config_path, openapi_path = write_config(collections, Path(tmp), host=host, port=port)
        os.environ["PYGEOAPI_CONFIG"] = str(config_path)
        os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
        app = importlib.import_module("pygeoapi.flask_app").APP  # reads the two variables
        try:
            server = make_server(host, port, checked_bbox(app), threaded=True)
        except (OSError, SystemExit) as err:  # werkzeug exits when the port is taken
            raise UsageError(f"cannot listen on {host}:{port}: the port is in use or not "
                             "allowed; choose another with --port") from err
        signal.signal(signal.SIGTERM, _interrupt)  # a stop request cleans up like Ctrl-C
        if ready is not None:
            ready(f"http://{host}:{port}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            server.server_close()
