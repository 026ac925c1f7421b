"""Geometry recipes: build a shape from real base units and stated parameters.

A recipe is a small dict (read from a layer's TOML file) that names how a shape
is made. Every construction is explicit so that ``describe`` can say how each
shape came about. Coordinates are WGS84 lon/lat (EPSG:4326); buffers and radii
are in metres, applied in the metric CRS of :mod:`geo.metric`.

Keys (one construction per recipe, then optional modifiers):

``towns = [..]``       union of OSM 街道/镇 polygons, by official name
``districts = [..]``   union of OSM district polygons, by name (e.g. "嘉定区")
``polygon = [[lon, lat], ..]``  a ring traced by hand (approximate by nature)
``line = [pt, ..]``    a polyline
``point = pt``         a point; with ``radius_m`` (or ``area_km2``) a disc
``ref = "layer/feature"``  the geometry of another feature
``parts = [recipe, ..]``   union of sub-recipes

A ``pt`` is ``[lon, lat]`` or ``"station:<name>"`` (a metro station of the base
data). ``buffer_m`` widens any construction but a point (a line becomes a
corridor). Modifiers, applied in this order: ``clip`` (intersect with a recipe),
``minus`` (subtract a recipe), ``clip_to = [district names]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import shapely
from shapely.geometry import GeometryCollection, LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import RecipeError
from geo.metric import buffer_m

__all__ = [
    "CONSTRUCTIONS", "MODIFIERS", "PARAMS", "BaseUnits", "RefResolver", "build_geometry",
    "describe"
]

CONSTRUCTIONS = ("towns", "districts", "polygon", "line", "point", "ref", "parts")
MODIFIERS = ("clip", "minus", "clip_to")
PARAMS = ("buffer_m", "radius_m", "area_km2")


@dataclass(frozen=True)
class BaseUnits:
    """Named base geometries a recipe may use (all EPSG:4326)."""

    towns: Mapping[str, BaseGeometry]
    districts: Mapping[str, BaseGeometry]
    stations: Mapping[str, BaseGeometry]


RefResolver = Callable[[str], BaseGeometry]
#: A shape recipe as read from YAML (keys: see CONSTRUCTIONS, MODIFIERS, PARAMS).
Recipe = Mapping[str, Any]


def _point(pt: Any, base: BaseUnits) -> Point:
    if isinstance(pt, str):
        if not pt.startswith("station:"):
            raise RecipeError(f"point {pt!r}: use [lon, lat] or 'station:<name>'")
        name = pt.removeprefix("station:")
        if name not in base.stations:
            raise RecipeError(f"unknown metro station {name!r}")
        return cast(Point, base.stations[name])  # stations are points (base/stations)
    lon, lat = (float(v) for v in pt)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecipeError(f"point {pt!r} is not lon/lat in degrees")
    return Point(lon, lat)


def _named_union(names: list[str], table: Mapping[str, BaseGeometry], what: str) -> BaseGeometry:
    missing = [n for n in names if n not in table]
    if missing:
        raise RecipeError(f"unknown {what}: {', '.join(missing)}")
    return shapely.union_all([table[n] for n in names])


def _keys(recipe: Recipe) -> list[str]:
    unknown = set(recipe) - set(CONSTRUCTIONS) - set(MODIFIERS) - set(PARAMS)
    if unknown:
        raise RecipeError(f"unknown recipe keys: {', '.join(sorted(unknown))}")
    found = [k for k in CONSTRUCTIONS if k in recipe]
    if len(found) != 1:
        raise RecipeError(f"a recipe needs exactly one of {CONSTRUCTIONS}, got {found or 'none'}")
    return found


def _traced_polygon(recipe: Recipe, base: BaseUnits, _resolve: RefResolver) -> BaseGeometry:
    geom = Polygon([_point(p, base) for p in recipe["polygon"]])
    if not geom.is_valid:
        raise RecipeError(f"traced polygon is invalid: {shapely.is_valid_reason(geom)}")
    return geom


def _point_or_disc(recipe: Recipe, base: BaseUnits, _resolve: RefResolver) -> BaseGeometry:
    geom = _point(recipe["point"], base)
    radius = disc_radius_m(recipe)
    return geom if radius is None else buffer_m(geom, radius, quad_segs=32)


#: How each construction makes its shape: (recipe, base, resolve_ref) → geometry.
_CONSTRUCT: dict[str, Callable[[Recipe, BaseUnits, RefResolver], BaseGeometry]] = {
    "towns": lambda r, b, _f: _named_union(r["towns"], b.towns, "街道/镇"),
    "districts": lambda r, b, _f: _named_union(r["districts"], b.districts, "district"),
    "polygon": _traced_polygon,
    "line": lambda r, b, _f: LineString([_point(p, b) for p in r["line"]]),
    "point": _point_or_disc,
    "ref": lambda r, _b, f: f(r["ref"]),
    "parts": lambda r, b, f: shapely.union_all([build_geometry(p, b, f) for p in r["parts"]]),
}


def build_geometry(recipe: Recipe, base: BaseUnits, resolve_ref: RefResolver) -> BaseGeometry:
    """Build the geometry a recipe describes (EPSG:4326)."""
    (kind,) = _keys(recipe)
    geom = _CONSTRUCT[kind](recipe, base, resolve_ref)
    if "buffer_m" in recipe:
        if kind == "point":
            raise RecipeError("a point takes radius_m or area_km2, not buffer_m")
        geom = buffer_m(geom, float(recipe["buffer_m"]))

    if "clip" in recipe:
        geom = geom.intersection(build_geometry(recipe["clip"], base, resolve_ref))
    if "minus" in recipe:
        geom = geom.difference(build_geometry(recipe["minus"], base, resolve_ref))
    if "clip_to" in recipe:
        geom = geom.intersection(_named_union(recipe["clip_to"], base.districts, "district"))
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    if geom.is_empty:
        raise RecipeError("recipe produced an empty geometry")
    return _polygonal_only(geom)


def _polygonal_only(geom: BaseGeometry) -> BaseGeometry:
    """Drop slivers of lower dimension left by overlay (e.g. shared edges)."""
    if geom.geom_type != "GeometryCollection" or not isinstance(geom, GeometryCollection):
        return geom
    polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


def disc_radius_m(recipe: Recipe) -> float | None:
    """The radius (m) of a disc recipe (``radius_m``, or from ``area_km2``), else ``None``."""
    if "radius_m" in recipe:
        return float(recipe["radius_m"])
    if "area_km2" in recipe:
        return math.sqrt(float(recipe["area_km2"]) * 1e6 / math.pi)
    return None


def recipe_centre(recipe: Recipe, base: BaseUnits) -> Point | None:
    """The point of a ``point`` recipe (a site or a disc's centre), else ``None``."""
    return _point(recipe["point"], base) if "point" in recipe else None


def _describe_point(recipe: Recipe) -> str:
    value = recipe["point"]
    where = value.removeprefix("station:") + " metro station" if isinstance(value, str) else \
        f"point ({value[0]:.4f}, {value[1]:.4f})"
    if "radius_m" in recipe:
        return f"disc of radius {float(recipe['radius_m']) / 1000:g} km around {where}"
    if "area_km2" in recipe:
        return f"disc of the published area {float(recipe['area_km2']):g} km² around {where}"
    return where


def _describe_line(recipe: Recipe) -> str:
    value = recipe["line"]
    anchors = sum(isinstance(p, str) for p in value)
    return f"polyline through {len(value)} points ({anchors} at metro stations)"


#: A one-line account of each construction.
_DESCRIBE: dict[str, Callable[[Recipe], str]] = {
    "towns": lambda r: "union of OSM 街道/镇 polygons " + "、".join(r["towns"]),
    "districts": lambda r: "union of OSM district polygons " + "、".join(r["districts"]),
    "polygon": lambda r: f"polygon traced by hand ({len(r['polygon']) - 1} vertices)",
    "line": _describe_line,
    "point": _describe_point,
    "ref": lambda r: f"same shape as {r['ref']}",
    "parts": lambda r: "union of (" + "; ".join(describe(p) for p in r["parts"]) + ")",
}


def describe(recipe: Recipe) -> str:
    """A one-line English account of how a recipe makes its shape."""
    (kind,) = _keys(recipe)
    text = _DESCRIBE[kind](recipe)
    if "buffer_m" in recipe:
        text += f", buffered {float(recipe['buffer_m']) / 1000:g} km each side"
    if "clip" in recipe:
        text += "; clipped to " + describe(recipe["clip"])
    if "minus" in recipe:
        text += "; minus " + describe(recipe["minus"])
    if "clip_to" in recipe:
        text += "; clipped to " + "、".join(recipe["clip_to"])
    return text
