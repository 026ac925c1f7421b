"""What ``shmap serve`` adds around pygeoapi's WSGI app so the service says only what
holds and is safe to open beyond this machine:

- parameters: a query parameter the endpoint does not implement (``?foo=bar``,
  ``filter``, ``q``) is a 400, not silently ignored, and so is a ``bbox`` that is not four
  finite numbers in order;
- items go out as ``application/geo+json`` (and ``Accept: application/geo+json`` gets
  them without ``?f=json``);
- conformance lists only what is implemented (:func:`declare_conformance`): no Part 4
  (the service is read-only) and no Part 5;
- the OpenAPI document has no reference outside itself (:func:`offline_openapi`);
- read-only: any method but GET/HEAD (and OPTIONS for CORS) is a 405;
- a protected collection (the firm list) needs ``Authorization: Bearer TOKEN``;
- CORS for the origins given, ``Cache-Control`` on every answer, a
  Content-Security-Policy that lets HTML pages run only the service's own scripts;
- the map's Leaflet from the project's ``static/vendor`` (no CDN).
"""

from __future__ import annotations

import hmac
import json
import math
import mimetypes
import re
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

__all__ = ["SCHEMA_XSD", "ServiceApp", "application_schema", "bbox_problem",
           "declare_conformance", "offline_openapi"]

#: The path under a collection of its GML application schema (see application_schema).
SCHEMA_XSD = "schema.xsd"

_SPEC = "http://www.opengis.net/spec/ogcapi-features-{}/1.0/conf/{}"
#: The Features classes the service implements and the tests check.
FEATURES_CONFORMANCE = [_SPEC.format(1, c) for c in ("core", "oas30", "html", "geojson")] + [
    _SPEC.format(2, "crs"), _SPEC.format(3, "queryables"),
    _SPEC.format(3, "queryables-query-parameters")]
_COMMON = {"f", "lang"}
_ITEMS = _COMMON | {"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "properties",
                    "skipGeometry", "sortby", "resulttype"}
_ITEM = _COMMON | {"crs"}
_VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
_OWN_STATIC = Path(__file__).with_name("service_templates") / "static"
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'")


def declare_conformance() -> None:
    """Make pygeoapi declare only :data:`FEATURES_CONFORMANCE` for feature collections."""
    from pygeoapi.api import itemtypes

    itemtypes.CONFORMANCE_CLASSES_FEATURES[:] = FEATURES_CONFORMANCE


def _link_schema():
    return {"type": "object", "required": ["href", "rel"],
            "properties": {k: {"type": "string"} for k in
                           ("href", "rel", "type", "hreflang", "title")}}


def _json_response(description: str, schema: dict, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _local_components() -> dict[str, dict]:
    """Local stand-ins for the schemas.opengis.net pieces pygeoapi refers to, by name."""
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    exception = {"$ref": "#/components/schemas/exception"}
    feature = {"type": "object", "required": ["type", "geometry", "properties"],
               "properties": {"type": {"type": "string", "enum": ["Feature"]},
                              "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                              "geometry": {"type": "object", "nullable": True},
                              "properties": {"type": "object", "nullable": True},
                              "links": links}}
    features = {"type": "object", "required": ["type", "features"],
                "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                               "features": {"type": "array", "items": feature},
                               "links": links, "timeStamp": {"type": "string"},
                               "numberMatched": {"type": "integer", "minimum": 0},
                               "numberReturned": {"type": "integer", "minimum": 0}}}
    geo = "application/geo+json"
    return {
        "schemas/link": _link_schema(),
        "schemas/exception": {"type": "object", "required": ["code"],
                              "properties": {"code": {"type": "string"},
                                             "description": {"type": "string"}}},
        "parameters/featureId": {"name": "featureId", "in": "path", "required": True,
                                 "description": "id of the feature",
                                 "schema": {"type": "string"}},
        "parameters/sortby": {"name": "sortby", "in": "query", "required": False,
                              "style": "form", "explode": False,
                              "description": "fields to sort by, `-` before a field for "
                                             "descending order",
                              "schema": {"type": "array", "items": {
                                  "type": "string", "pattern": "^[+-]?[^,]+$"}}},
        "responses/Features": _json_response("The features", features, geo),
        "responses/Feature": _json_response("One feature", feature, geo),
        "responses/Collection": _json_response("One collection", {"type": "object"}),
        "responses/LandingPage": _json_response("The landing page", {
            "type": "object", "required": ["links"], "properties": {"links": links}}),
        "responses/InvalidParameter": _json_response("A query parameter is not valid",
                                                     exception),
        "responses/NotFound": _json_response("Not found", exception),
        "responses/ServerError": _json_response("A server error", exception),
    }


def _local_ref(ref: str, kind_names: dict[str, dict]) -> str:
    """The local ``#/components/...`` path for an external ``$ref``."""
    tail = ref.split("#/components/")[-1] if "#/components/" in ref else ref
    name = re.sub(r"\.ya?ml$", "", tail.rsplit("/", 1)[-1])
    name = {"exception": "exception"}.get(name, name)
    for key in kind_names:
        if key.endswith("/" + name):
            return "#/components/" + key
    raise ValueError(f"no local stand-in for the OpenAPI reference {ref}")


def offline_openapi(oas: dict) -> dict:
    """pygeoapi's OpenAPI document with every reference outside it replaced by a local
    component, and the paths the service does not serve (processes, jobs) removed."""
    local = _local_components()
    oas = json.loads(json.dumps(oas, default=str))
    oas["paths"] = {p: v for p, v in oas["paths"].items()
                    if not p.startswith(("/jobs", "/processes"))}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                node["$ref"] = _local_ref(ref, local)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(oas)
    components = oas.setdefault("components", {})
    for key, value in local.items():
        kind, name = key.split("/")
        components.setdefault(kind, {}).setdefault(name, value)
    return oas


def bbox_problem(params: list[tuple[str, str]]) -> str | None:
    """Why a request's ``bbox`` cannot be answered (None when it can or has none): four
    finite numbers, minimum before maximum, are the only bbox served (pygeoapi would
    answer 500 to NaNs and to six numbers)."""
    values = [v for k, v in params if k == "bbox"]
    if not values:
        return None
    try:
        numbers = [float(p) for p in values[-1].split(",")]
    except ValueError:
        return "bbox must be four numbers: minlon,minlat,maxlon,maxlat"
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        return "bbox must be four finite numbers: minlon,minlat,maxlon,maxlat"
    if numbers[0] > numbers[2] or numbers[1] > numbers[3]:
        return "bbox minimum must not exceed its maximum: minlon,minlat,maxlon,maxlat"
    return None


_XSD_TYPES = {"integer": "xs:long", "number": "xs:double", "boolean": "xs:boolean",
              "date": "xs:date", "date-time": "xs:dateTime", "string": "xs:string"}


def application_schema(collection: str, fields: dict[str, dict]) -> str:
    """A GML 3.2 application schema (XSD) of a collection's properties: what GDAL's
    OAPIF driver reads through the collection's ``describedBy`` link to type every field
    (GDAL ≤ 3.6 does not take a JSON Schema there), so an all-null first page still
    gives Real/Integer/Boolean/Date fields. A field named ``id`` is left to GDAL, which
    adds it from the features (listing it twice would give two ``id`` fields)."""
    rows = [f'<xs:element name="{escape(name, quote=True)}" minOccurs="0" nillable="true" '
            f'type="{_XSD_TYPES[schema.get("format", schema["type"])]}"/>'
            for name, schema in fields.items() if name != "id"]  # GDAL takes `id` itself
    name = escape(collection, quote=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:shmap="urn:shanghai-cluster-map" '
            'targetNamespace="urn:shanghai-cluster-map" elementFormDefault="qualified">\n'
            '<xs:import namespace="http://www.opengis.net/gml/3.2"/>\n'
            f'<xs:element name="{name}" type="shmap:{name}Type" '
            'substitutionGroup="gml:AbstractFeature"/>\n'
            f'<xs:complexType name="{name}Type"><xs:complexContent>'
            '<xs:extension base="gml:AbstractFeatureType"><xs:sequence>\n'
            '<xs:element name="geometry" type="gml:GeometryPropertyType" minOccurs="0"/>\n'
            + "\n".join(rows) + '\n</xs:sequence></xs:extension></xs:complexContent>'
            '</xs:complexType>\n</xs:schema>\n')


class ServiceApp:
    """The WSGI app around pygeoapi's (see the module doc)."""

    def __init__(self, app, *, fields: dict[str, dict[str, dict]], protected: set[str],
                 token: str, cors: list[str]):
        """``fields``: collection id → field name → JSON Schema type."""
        self.app = app
        self.fields = fields
        self.protected = protected
        self.token = token
        self.cors = cors

    def _allowed(self, parts: list[str]) -> set[str] | None:
        """The query parameters an endpoint implements; None for a path not served."""
        if parts[:1] in (["jobs"], ["processes"]):
            return None
        if len(parts) >= 3 and parts[0] == "collections" and parts[2] == "items":
            if parts[1] not in self.fields:
                return _COMMON
            return _ITEMS | set(self.fields[parts[1]]) if len(parts) == 3 else _ITEM
        return _COMMON

    def _authorised(self, environ) -> bool:
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(),
                                                                  self.token.encode())

    def _cors_headers(self, environ) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN")
        if not origin or not self.cors or ("*" not in self.cors and origin not in self.cors):
            return []
        return [("Access-Control-Allow-Origin", "*" if "*" in self.cors else origin),
                ("Access-Control-Allow-Headers", "Authorization, Accept, Accept-Language"),
                ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                ("Access-Control-Expose-Headers", "Content-Crs, Link")]

    def _answer(self, start_response, status: str, body: dict, extra=()) -> list[bytes]:
        data = json.dumps(body, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store"), *extra])
        return [data]

    def _static(self, path: str, start_response) -> list[bytes] | None:
        for prefix, root in (("/vendor/leaflet/", _VENDOR / "leaflet"),
                             ("/service-static/", _OWN_STATIC)):
            if path.startswith(prefix):
                target = (root / path[len(prefix):]).resolve()
                if root.resolve() in target.parents and target.is_file():
                    data = target.read_bytes()
                    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    start_response("200 OK", [("Content-Type", kind),
                                              ("Cache-Control", "public, max-age=86400"),
                                              ("Content-Length", str(len(data)))])
                    return [data]
                return self._answer(start_response, "404 Not Found",
                                    {"code": "NotFound", "description": "no such file"})
        return None

    def _refusal(self, environ, parts, params) -> tuple[str, dict, list] | None:
        """(status, body, headers) of a request refused before pygeoapi sees it."""
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return ("405 Method Not Allowed", {"code": "MethodNotAllowed",
                    "description": "the service is read-only"}, [("Allow", "GET, HEAD")])
        allowed = self._allowed(parts)
        if allowed is None:
            return ("404 Not Found", {"code": "NotFound", "description": "not served"}, [])
        if len(parts) >= 2 and parts[0] == "collections" and parts[1] in self.protected \
                and not self._authorised(environ):
            return ("401 Unauthorized", {"code": "Unauthorized", "description":
                    "this collection needs an access token: Authorization: Bearer TOKEN"},
                    [("WWW-Authenticate", 'Bearer realm="shmap"')])
        unknown = sorted({k for k, _ in params} - allowed)
        if unknown:
            return ("400 Bad Request", {"code": "InvalidParameterValue", "description":
                    f"unknown or unsupported query parameter(s): {', '.join(unknown)}; this "
                    f"endpoint takes {', '.join(sorted(allowed))}"}, [])
        problem = bbox_problem(params)
        if problem is not None:
            return ("400 Bad Request", {"code": "InvalidParameterValue", "description": problem},
                    [])
        return None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        cors = self._cors_headers(environ)
        if environ["REQUEST_METHOD"] == "OPTIONS" and cors:
            start_response("204 No Content", [*cors, ("Content-Length", "0")])
            return [b""]
        static = self._static(path, start_response)
        if static is not None:
            return static
        parts = [p for p in path.split("/") if p]
        params = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        refused = self._refusal(environ, parts, params)
        if refused is not None:
            status, body, extra = refused
            return self._answer(start_response, status, body, [*extra, *cors])
        if len(parts) == 3 and parts[0] == "collections" and parts[2] == SCHEMA_XSD \
                and parts[1] in self.fields:
            data = application_schema(parts[1], self.fields[parts[1]]).encode()
            start_response("200 OK", [("Content-Type", "application/xml"),
                                      ("Content-Length", str(len(data))),
                                      ("Cache-Control", "public, max-age=300"), *cors])
            return [data]
        items = len(parts) >= 3 and parts[0] == "collections" and parts[2] == "items"
        accept = environ.get("HTTP_ACCEPT", "")
        if items and "f" not in dict(params) and ("geo+json" in accept
                                                  or accept.startswith("application/json")):
            environ = {**environ, "QUERY_STRING": urlencode([*params, ("f", "json")])}
        private = len(parts) >= 2 and parts[1] in self.protected

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() not in ("cache-control",)]
            kind = next((v for k, v in headers if k.lower() == "content-type"), "")
            if items and kind.startswith("application/json"):
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
                headers.append(("Content-Type", "application/geo+json"))
            if kind.startswith("text/html"):
                headers.append(("Content-Security-Policy", _CSP))
            headers += [("Cache-Control", "private, no-store" if private else
                         "public, max-age=300"), ("X-Content-Type-Options", "nosniff"),
                        ("Vary", "Accept, Accept-Language, Authorization, Origin"), *cors]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
