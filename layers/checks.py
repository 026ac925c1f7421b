"""Checks across a layer that the schema alone cannot see (pure functions).

Each returns a list of readable problems; an empty list means the check passed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.join import ancestors
from geo.metric import area_km2
from layers.citations import quote_problems
from layers.documents import document_file
from layers.schema import split_list

__all__ = [
    "DISTRICT_TOLERANCE_M", "OVERLAP_TOLERANCE_KM2", "area_problems", "citation_problems",
    "district_problems", "overlap_problems", "part_of_problems"
]

#: Overlaps smaller than this (km²) are slivers from shared edges, not overlaps.
OVERLAP_TOLERANCE_KM2 = 0.05
#: How far (m) a feature's representative point may lie outside its named districts.
DISTRICT_TOLERANCE_M = 0.0


def is_uncertainty_area(geom: BaseGeometry, precision_m: float) -> bool:
    """True when a shape shows where a site may be rather than its outline: its
    positional error is at least its own size (``precision_m`` ≥ the radius of a disc
    of the same area, computed in EPSG:32651)."""
    return precision_m >= math.sqrt(float(area_km2(geom)) * 1e6 / math.pi)


def overlap_problems(gdf: gpd.GeoDataFrame) -> list[str]:
    """Polygons of one layer must not overlap unless one lies within the other
    (``part_of``) or one is an area of uncertainty (:func:`is_uncertainty_area`): two
    sites known only to lie somewhere in a 街镇 may well share it."""
    polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    polys = polys[[not is_uncertainty_area(g, p)
                   for g, p in zip(polys.geometry, polys["precision_m"], strict=True)]]
    if polys.empty:
        return []
    parent = dict(zip(polys["id"], polys["part_of"], strict=True))
    ids = list(polys["id"])
    geoms = list(polys.geometry)
    tree = shapely.STRtree(geoms)
    problems = []
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i >= j:
            continue
        a, b = ids[i], ids[j]
        if a in ancestors(b, parent) or b in ancestors(a, parent):
            continue
        shared = float(area_km2(geoms[i].intersection(geoms[j])))
        if shared > OVERLAP_TOLERANCE_KM2:
            problems.append(f"{a} and {b} overlap by {shared:.2f} km² and neither is part_of the other")
    return problems


def part_of_problems(gdf: gpd.GeoDataFrame, min_share: float = 0.95) -> list[str]:
    """A feature with ``part_of`` must lie (by area, or wholly for points and lines)
    within that feature."""
    by_id = dict(zip(gdf["id"], gdf.geometry, strict=True))
    problems = []
    for row in gdf[gdf["part_of"] != ""].itertuples():
        parent = by_id.get(row.part_of)
        if parent is None:
            problems.append(f"{row.id}: part_of {row.part_of!r} is not in this layer")
            continue
        geom = cast(BaseGeometry, row.geometry)
        if geom.area > 0:
            share = geom.intersection(parent).area / geom.area
        else:
            share = 1.0 if parent.buffer(1e-9).contains(geom) else 0.0
        if share < min_share:
            problems.append(f"{row.id}: only {share:.0%} inside {row.part_of}, its part_of")
    return problems


def district_problems(gdf: gpd.GeoDataFrame, districts: Mapping[str, BaseGeometry]) -> list[str]:
    """Each feature must lie in the districts it names: its representative point in
    their union, and every named district touched by the shape."""
    problems = []
    for row in cast("Iterable[Any]", gdf.itertuples()):  # fields by column name: pandas-stubs cannot type them
        named = split_list(row.districts)
        if not named:
            continue
        unknown = [d for d in named if d not in districts]
        if unknown:
            problems.append(f"{row.id}: unknown districts {unknown}")
            continue
        point = row.geometry.representative_point() if row.geometry.geom_type != "Point" \
            else row.geometry
        # in their union: within reach of one of them (on the edge counts as in)
        if not any(shapely.dwithin(districts[d], point, 1e-9) for d in named):
            problems.append(f"{row.id}: lies outside its named districts {named}")
        for d in named:
            if not row.geometry.intersects(districts[d]):
                problems.append(f"{row.id}: names district {d} but does not touch it")
    return problems


def citation_problems(gdf: gpd.GeoDataFrame, seeds_dir: Path) -> list[str]:
    """Every quote must stand verbatim (whitespace aside) in the document it names (the
    seed text of that document, :func:`layers.documents.document_file`)."""
    rows = gdf.assign(source_file=gdf["cite_document"].map(document_file)) \
        .rename(columns={"cite_quote": "quote"}).itertuples()
    return quote_problems(rows, seeds_dir=seeds_dir, where=lambda r: f"{r.layer}/{r.id}")


def area_tolerance_pct(official_km2: float, precision_m: float, floor_pct: float = 5.0) -> float:
    """How far (%) a drawn area may stray from the published one.

    An outline whose edges may be off by ``precision_m`` metres can differ from the
    published area ``official_km2`` by as much as a disc of that area grown by the
    precision: ``((r + p) / r)² − 1`` with ``r = √(A/π)``. Never less than ``floor_pct``
    (published areas are rounded).
    """
    radius = math.sqrt(official_km2 * 1e6 / math.pi)
    return max(floor_pct, 100.0 * (((radius + precision_m) / radius) ** 2 - 1.0))


def area_problems(gdf: gpd.GeoDataFrame, explained: Collection[str] = (),
                  floor_pct: float = 5.0) -> list[str]:
    """Features with a published area must land within what their precision allows
    (:func:`area_tolerance_pct`), unless their evidence explains the difference (their
    ids in ``explained``: the definition's ``area_difference``)."""
    rows = gdf[gdf["official_area_km2"].notna() & ~gdf["id"].isin(list(explained))]
    return [f"{r.id}: area {r.area_km2:.1f} km² is {r.area_diff_pct:+.1f} % from the published "
            f"{r.official_area_km2:g} km², more than ±{r.precision_m:g} m allows "
            f"({area_tolerance_pct(r.official_area_km2, r.precision_m, floor_pct):.0f} %); "
            f"explain the difference (area_difference) or redraw"
            for r in cast("Iterable[Any]", rows.itertuples())  # fields by column name
            if abs(r.area_diff_pct) > area_tolerance_pct(r.official_area_km2, r.precision_m,
                                                          floor_pct)]
