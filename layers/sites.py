"""Checks that a site's claimed precision holds: disc size and place (the evidence
rules are in :mod:`layers.evidence`).

Rules (each returns readable problems; an empty list means the rule holds):

1. **Disc size.** A disc (a ``point`` recipe with ``radius_m`` or ``area_km2``) stands
   for a site whose centre is uncertain by ``precision_m``; the drawn disc must cover
   that uncertainty: **radius ≥ precision_m**. A disc smaller than the uncertainty of
   its centre would claim to know more than the evidence gives. (A published area
   smaller than that is kept as ``official_area_km2``; draw the disc at the precision,
   or the 街镇 with ``towns = [..]``.)
2. **Place.** The centre of every point or disc lies in one of the districts its
   ``districts`` field names; where its notes name a district (``区: 徐汇区``) or a
   街镇 (``街镇: 华泾镇``) that the base data has a polygon for, the centre lies in that
   unit too (within :data:`TOWN_TOLERANCE_M`, the stated edge error of the OSM 街镇).

Both rules read the layer definitions (``data/layers/*.toml``), since the built
GeoJSON keeps the drawn shape but not the recipe's centre and radius.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import shapely

from geo.metric import distance_m
from geo.shapes import BaseUnits, disc_radius_m, recipe_centre
from layers.evidence import named_units

__all__ = ["TOWN_TOLERANCE_M", "disc_problems", "place_problems"]

#: How far (m) a centre may lie outside the 街镇 its evidence names (OSM edges ±100–300 m).
TOWN_TOLERANCE_M = 300.0

def _site_features(definition: Mapping) -> Iterable[tuple[Mapping, Mapping]]:
    """(feature, recipe) of every feature drawn as a point or disc."""
    for feat in definition.get("feature", []):
        recipe = feat.get("geometry", {})
        if "point" in recipe:
            yield feat, recipe


def disc_problems(definition: Mapping) -> list[str]:
    """Discs whose radius is smaller than their precision (rule 2)."""
    layer = definition["layer"]["id"]
    problems = []
    for feat, recipe in _site_features(definition):
        radius = disc_radius_m(recipe)
        if radius is not None and radius < float(feat["precision_m"]):
            problems.append(
                f"{layer}/{feat['id']}: disc radius {radius:,.0f} m is smaller than its precision "
                f"±{float(feat['precision_m']):,.0f} m; widen the disc to the precision or draw its 街镇")
    return problems


def _outside(point, unit) -> bool:
    return bool(distance_m(unit, point) > TOWN_TOLERANCE_M)


def place_problems(definition: Mapping, base: BaseUnits) -> list[str]:
    """Point and disc centres outside the district or 街镇 their fields and evidence name
    (rule 3); units the base data lacks (outer-district 街镇) are not checked."""
    layer = definition["layer"]["id"]
    problems = []
    for feat, recipe in _site_features(definition):
        where = f"{layer}/{feat['id']}"
        centre = recipe_centre(recipe, base)
        if centre is None:  # a bug: _site_features yields point recipes only
            raise AssertionError(f"{where}: a site without a point")
        named = [d for d in feat.get("districts", []) if d in base.districts]
        if named and not shapely.union_all([base.districts[d] for d in named]).buffer(1e-9) \
                .contains(centre):
            problems.append(f"{where}: centre {centre.x:.4f}, {centre.y:.4f} lies outside its "
                            f"named districts {named}")
        units = named_units(feat.get("notes", ""))
        for name in units["区"]:
            if name in base.districts and _outside(centre, base.districts[name]):
                problems.append(f"{where}: centre lies outside 区 {name}, which its evidence names")
        for name in units["街镇"]:
            if name in base.towns and _outside(centre, base.towns[name]):
                problems.append(f"{where}: centre lies outside 街镇 {name}, which its evidence "
                                f"names (tolerance {TOWN_TOLERANCE_M:g} m)")
    return problems
