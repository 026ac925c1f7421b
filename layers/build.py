"""Build layer GeoDataFrames from their definitions (pure: no file access here).

A layer definition is the parsed TOML of ``data/layers/<id>.toml``: a
``[layer]`` table and ``[[feature]]`` tables. Each feature states its names,
role, sectors, districts, citation, precision and a geometry recipe
(:mod:`geo.shapes`); this module turns them into rows of the layer schema,
computing ``area_km2``/``length_km`` in a metric CRS and writing ``method`` from
the recipe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.crs import STORAGE_CRS
from geo.metric import area_km2, length_km
from geo.shapes import BaseUnits, build_geometry, describe
from layers.catalog import entry_from_table
from layers.documents import document_citation, document_name
from layers.errors import LayerError
from layers.schema import COLUMNS, join_list

__all__ = ["FEATURE_KEYS", "GeometryLookup", "layer_frame"]

FEATURE_KEYS = {
    "id", "name_zh", "name_en", "role", "sectors", "districts", "precision_m", "basis",
    "approximate", "official_area_km2", "official_area_source", "part_of", "method_note",
    "cite", "geometry", "summary_zh", "summary_en", "notes", "derivation", "area_difference",
}

GeometryLookup = Callable[[str], BaseGeometry]


def summary_text(value, *, key: str = "summary_zh") -> str:
    """A feature's summary as one text: a string as written (whitespace folded to single
    spaces, trimmed)."""
    if not isinstance(value, str):
        raise LayerError(f"{key} must be text, got {type(value).__name__}")
    return " ".join(value.split())


def _feature_row(layer_id: str, feat: Mapping, geom: BaseGeometry) -> dict:
    unknown = set(feat) - FEATURE_KEYS
    if unknown:
        raise LayerError(f"{layer_id}/{feat.get('id')}: unknown keys {sorted(unknown)}")
    cite = feat["cite"]
    recipe = feat["geometry"]
    method = describe(recipe)
    if feat.get("method_note"):
        method += ". " + feat["method_note"]
    official = feat.get("official_area_km2")
    area = float(area_km2(geom)) if geom.geom_type.endswith("Polygon") else math.nan
    length = float(length_km(geom)) if "LineString" in geom.geom_type else math.nan
    diff = 100.0 * (area - official) / official if official and not math.isnan(area) else math.nan
    return {
        "id": feat["id"],
        "name_zh": feat["name_zh"],
        "name_en": feat["name_en"],
        "layer": layer_id,
        "role": feat["role"],
        "sectors": join_list(feat.get("sectors", [])),
        "districts": join_list(feat.get("districts", [])),
        "part_of": feat.get("part_of", ""),
        "area_km2": round(area, 3) if not math.isnan(area) else math.nan,
        "length_km": round(length, 3) if not math.isnan(length) else math.nan,
        "official_area_km2": float(official) if official else math.nan,
        "official_area_source": feat.get("official_area_source", ""),
        "area_diff_pct": round(diff, 1) if not math.isnan(diff) else math.nan,
        "method": method,
        "precision_m": float(feat["precision_m"]),
        "approximate": bool(feat.get("approximate", True)),
        "basis": feat["basis"],
        "summary_zh": summary_text(feat.get("summary_zh", ""), key="summary_zh"),
        "summary_en": summary_text(feat.get("summary_en", ""), key="summary_en"),
        "cite_document": document_name(cite["file"]),
        "cite_section": cite["section"],
        "cite_quote": cite["quote"],
        "citation": document_citation(cite["file"], cite["section"], quote=cite["quote"]),
        "geometry": geom,
    }


def _district_features(definition: Mapping, base: BaseUnits, english: Mapping[str, str]) -> list:
    """Expand ``generate = "districts"``: one feature per base district."""
    tmpl = definition["each_district"]
    feats = []
    for name in base.districts:
        en = english[name]
        slug = en.lower().replace(" new district", "").replace(" district", "").replace(" ", "_").replace("'", "")
        feats.append({**tmpl, "id": f"district_{slug}", "name_zh": name, "name_en": en,
                      "districts": [name], "geometry": {"districts": [name]}})
    return feats


def layer_frame(definition: Mapping, base: BaseUnits, lookup: GeometryLookup,
                *, district_en: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """The layer's GeoDataFrame (EPSG:4326, schema columns in order).

    ``lookup("layer/feature")`` returns another layer's feature geometry, for
    ``ref`` recipes; features of the same layer are resolved here, in any order.
    """
    entry = entry_from_table(definition["layer"])
    feats = list(definition.get("feature", []))
    if definition["layer"].get("generate") == "districts":
        feats = _district_features(definition, base, district_en or {}) + feats
    by_id = {f["id"]: f for f in feats}
    built: dict[str, BaseGeometry] = {}
    pending: set[str] = set()

    def geometry_of(fid: str) -> BaseGeometry:
        if fid not in built:
            if fid in pending:
                raise LayerError(f"feature {fid} refers to itself")
            pending.add(fid)
            try:
                built[fid] = build_geometry(by_id[fid]["geometry"], base, resolve)
            except (ValueError, KeyError) as err:
                raise LayerError(f"{entry.id}/{fid}: {err}") from err
            pending.discard(fid)
        return built[fid]

    def resolve(ref: str) -> BaseGeometry:
        layer_id, _, fid = ref.partition("/")
        if layer_id == entry.id:
            if fid not in by_id:
                raise LayerError(f"reference to unknown feature {ref!r}")
            return geometry_of(fid)
        return lookup(ref)

    rows = [_feature_row(entry.id, feat, geometry_of(feat["id"])) for feat in feats]
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "geometry"])
    frame["approximate"] = frame["approximate"].astype(bool)
    for col in ("area_km2", "length_km", "official_area_km2", "area_diff_pct", "precision_m"):
        frame[col] = frame[col].astype(float)
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)
    gdf.index = pd.Index(np.asarray(gdf["id"]))
    return gdf
