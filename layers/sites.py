"""Checks that a site's claimed precision holds (issue 12): evidence, disc size, place.

Rules (each returns readable problems; an empty list means the rule holds):

1. **Evidence.** A feature that claims ``precision_m`` ≤ :data:`EVIDENCE_PRECISION_M`
   (2 km) must carry ``evidence`` (sources and derivation). A coarser feature may go
   without: it claims no more than its district or 街镇.
2. **Disc size.** A disc (a ``point`` recipe with ``radius_m`` or ``area_km2``) stands
   for a site whose centre is uncertain by ``precision_m``; the drawn disc must cover
   that uncertainty: **radius ≥ precision_m**. A disc smaller than the uncertainty of
   its centre would claim to know more than the evidence gives. (A published area
   smaller than that is kept as ``official_area_km2``; draw the disc at the precision,
   or the 街镇 with ``towns = [..]``.)
3. **Place.** The centre of every point or disc lies in one of the districts its
   ``districts`` field names; where its evidence names a district (``区: 徐汇区``) or a
   街镇 (``街镇: 华泾镇``) that the base data has a polygon for, the centre lies in that
   unit too (within :data:`TOWN_TOLERANCE_M`, the stated edge error of the OSM 街镇).

Rules 2 and 3 read the layer definitions (``data/layers/*.toml``), since the built
GeoJSON keeps the drawn shape but not the recipe's centre and radius.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import geopandas as gpd
import shapely

from geo.metric import buffer_m
from geo.shapes import BaseUnits, disc_radius_m, recipe_centre

__all__ = [
    "EVIDENCE_PRECISION_M", "TOWN_TOLERANCE_M", "disc_problems", "evidence_problems",
    "named_units", "place_problems",
]

#: Features claiming this precision (m) or finer must state their evidence.
EVIDENCE_PRECISION_M = 2000.0
#: How far (m) a centre may lie outside the 街镇 its evidence names (OSM edges ±100–300 m).
TOWN_TOLERANCE_M = 300.0

_UNIT = re.compile(r"(街镇|区)[:：]\s*([^\s,，.。;；()（）/]+)")


def evidence_problems(gdf: gpd.GeoDataFrame,
                      max_precision_m: float = EVIDENCE_PRECISION_M) -> list[str]:
    """Features with ``precision_m`` ≤ ``max_precision_m`` and no evidence text."""
    if "evidence" not in gdf.columns:
        return []
    return [f"{r.id}: claims ±{r.precision_m:g} m but has no evidence (sources and derivation); "
            f"add evidence or claim the precision of its 街镇/district (> {max_precision_m:g} m)"
            for r in gdf.itertuples()
            if r.precision_m <= max_precision_m
            and not (isinstance(r.evidence, str) and r.evidence.strip())]


def named_units(evidence: str) -> dict[str, list[str]]:
    """The 街镇 and districts an evidence text names: ``街镇: X`` and ``区: Y`` entries."""
    found: dict[str, list[str]] = {"街镇": [], "区": []}
    for kind, name in _UNIT.findall(evidence or ""):
        found[kind].append(name)
    return found


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
    return not buffer_m(unit, TOWN_TOLERANCE_M).contains(point)


def place_problems(definition: Mapping, base: BaseUnits) -> list[str]:
    """Point and disc centres outside the district or 街镇 their fields and evidence name
    (rule 3); units the base data lacks (outer-district 街镇) are not checked."""
    layer = definition["layer"]["id"]
    problems = []
    for feat, recipe in _site_features(definition):
        where = f"{layer}/{feat['id']}"
        centre = recipe_centre(recipe, base)
        named = [d for d in feat.get("districts", []) if d in base.districts]
        if named and not shapely.union_all([base.districts[d] for d in named]).buffer(1e-9) \
                .contains(centre):
            problems.append(f"{where}: centre {centre.x:.4f}, {centre.y:.4f} lies outside its "
                            f"named districts {named}")
        units = named_units(feat.get("evidence", ""))
        for name in units["区"]:
            if name in base.districts and _outside(centre, base.districts[name]):
                problems.append(f"{where}: centre lies outside 区 {name}, which its evidence names")
        for name in units["街镇"]:
            if name in base.towns and _outside(centre, base.towns[name]):
                problems.append(f"{where}: centre lies outside 街镇 {name}, which its evidence "
                                f"names (tolerance {TOWN_TOLERANCE_M:g} m)")
    return problems
