"""The typed schema of the layer fields: one storage type per field, applied at load
and at export, so every layer and every format carries the same column types.

Types: ``real`` (float64; a missing value is NaN in a frame and NULL in a file),
``boolean`` (bool) and ``text`` (str; a missing value is the empty string).
List-valued fields (``sectors``, ``districts``) are text joined by ``;``
(:data:`layers.schema.SEP`). A field of :data:`layers.schema.COLUMNS` not named
in :data:`REAL_UNITS` or :data:`BOOLEAN_FIELDS` is text, so new text columns need
no entry here. ``docs/layer-schema.json`` is :func:`json_schema` written out
(``shmap schema -o docs/layer-schema.json``); a test keeps the two equal.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd

from layers.schema import COLUMNS, SEP

__all__ = ["BOOLEAN_FIELDS", "LIST_FIELDS", "OGR_TYPES", "REAL_UNITS", "SCHEMA_ID", "apply_types",
           "field_type", "json_schema", "json_schema_text"]

#: Real (float64) fields → their unit.
REAL_UNITS: dict[str, str] = {
    "area_km2": "km² (computed in EPSG:32651)",
    "length_km": "km (computed in EPSG:32651)",
    "official_area_km2": "km² (as published)",
    "area_diff_pct": "percent",
    "precision_m": "metres",
}
BOOLEAN_FIELDS = ("approximate",)
LIST_FIELDS = ("sectors", "districts")
SCHEMA_ID = "docs/layer-schema.json"

_JSON_TYPES = {"real": ["number", "null"], "boolean": "boolean", "text": "string"}
#: The OGR field type each schema type is written as (GPKG, CSVT, ogrinfo).
OGR_TYPES = {"real": "Real", "boolean": "Integer(Boolean)", "text": "String"}


def field_type(name: str) -> str:
    """``real``, ``boolean`` or ``text``: the storage type of a layer field."""
    if name in REAL_UNITS:
        return "real"
    if name in BOOLEAN_FIELDS:
        return "boolean"
    return "text"


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if value is not None and value == value else False


def apply_types(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a layer frame with every schema field in its declared type: reals
    float64 (text such as ``""`` → NaN), booleans bool (missing → False), text str
    (missing → ``""``). Columns outside the schema are left as they are."""
    out = gdf.copy()
    for col in COLUMNS:
        if col not in out.columns:
            continue
        kind = field_type(col)
        if kind == "real":
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
        elif kind == "boolean":
            out[col] = out[col].map(_as_bool).astype(bool)
        else:
            out[col] = out[col].map(lambda v: "" if v is None or v != v else str(v)).astype(str)
    return out


def json_schema() -> dict:
    """JSON Schema (2020-12) of a feature's ``properties``, with units and OGR types."""
    props = {}
    for name, about in COLUMNS.items():
        kind = field_type(name)
        prop = {"type": _JSON_TYPES[kind], "description": about, "x-ogr-type": OGR_TYPES[kind]}
        if kind == "real":
            prop["x-unit"] = REAL_UNITS[name]
        if name in LIST_FIELDS:
            prop["x-list-separator"] = SEP
        props[name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "shanghai-cluster-map layer feature properties",
        "description": ("Every layer and export shares these fields and types. Reals are float64 "
                        "(null where absent: a point has no area); booleans true/false (CSV: "
                        "True/False, read as Integer(Boolean) through the .csvt); lists are text "
                        f"joined by '{SEP}'. Exports add datum (text: wgs84, gcj02 or bd09); "
                        "CSV also lon, lat (Real), wkt and wkt_note."),
        "type": "object",
        "properties": props,
        "required": list(COLUMNS),
    }


def json_schema_text() -> str:
    """:func:`json_schema` as the text of ``docs/layer-schema.json``."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
