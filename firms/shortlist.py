"""A ranked shortlist of zones for one sector, for investment-promotion staff.

Score = 0.35 × designated + 0.25 × min(LQ, 3) / 3 + 0.20 × count percentile
      + 0.10 × pole proximity + 0.10 × metro proximity, each part in [0, 1]:

- designated: 1 when the plan names the sector for the zone, else 0;
- LQ: the zone's location quotient for the sector (0 without firms), capped at 3;
- count percentile: rank of the zone's firm count in the sector among the
  candidates (0 for none);
- pole proximity: 1 − d/30 km for the distance d from the zone to the nearest
  pole (张江, 临港), 0 beyond 30 km;
- metro proximity: 1 − d/5 km for the mean distance d from the zone's extent
  (points every ``√(area/400)`` m, at least 100 m, across the zone) to the
  nearest metro station, 0 beyond 5 km — a large zone with one station inside is
  far from the metro on average, a small one round a station is near.

Distances are computed in EPSG:32651; the pole distance between shapes (0 when
touching). Zones with the same outline (e.g. 临港产业增长极 and 临港（一翼）,
:func:`layers.zone_kinds.zone_kinds`) are listed once, under the feature that
designates the sector if any does, with all their roles. Only zones of the
``kinds`` asked for are ranked: by default whole districts (松江区（X）) and
candidate sites are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
import pandas as pd
import shapely

import layers
from firms.zones import LayerCounts, firm_points, join_and_count, measures_of
from geo.metric import to_metric
from layers.io import read_base
from layers.schema import split_list
from layers.zone_kinds import zone_kinds

__all__ = ["CANDIDATE_LAYERS", "DEFAULT_KINDS", "METRO_RANGE_KM", "POLE_RANGE_KM", "WEIGHTS",
           "bundled_zone_kinds", "metro_km_across", "shortlist"]

WEIGHTS = {"designated": 0.35, "lq": 0.25, "count": 0.20, "pole": 0.10, "metro": 0.10}
POLE_RANGE_KM = 30.0
METRO_RANGE_KM = 5.0
#: Layers whose zones are candidates (districts and the belts are too coarse).
CANDIDATE_LAYERS = ("poles", "new_towns", "g60", "ic_one_body_two_wings", "biomed_1_5_x",
                    "ai_4_x", "fintech", "parks", "service_belt", "tese_parks")
#: Zone kinds ranked unless others are asked for (no whole districts, no candidates).
DEFAULT_KINDS = ("park", "new_town", "pole", "belt")
#: Points sampled across a zone to measure its distance to the metro.
METRO_SAMPLES = 400


def _nearest_km(geoms_m: np.ndarray, targets_m: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(targets_m)
    _, dist = tree.query_nearest(geoms_m, return_distance=True, all_matches=False)
    return np.asarray(dist) / 1000.0


def metro_km_across(geoms_m: np.ndarray, stations_m: np.ndarray) -> np.ndarray:
    """Per zone (EPSG:32651 shapes), the mean distance in km from points spread evenly
    across it (about :data:`METRO_SAMPLES`, at least 100 m apart) to the nearest of
    ``stations_m``; a zone too small for the grid is measured from a point inside."""
    tree = shapely.STRtree(stations_m)
    out = np.empty(len(geoms_m))
    for i, g in enumerate(geoms_m):
        step = max(100.0, float(np.sqrt(g.area / METRO_SAMPLES)))
        x0, y0, x1, y1 = g.bounds
        gx, gy = np.meshgrid(np.arange(x0 + step / 2, x1, step), np.arange(y0 + step / 2, y1, step))
        xs, ys = gx.ravel(), gy.ravel()
        inside = shapely.contains_xy(g, xs, ys)
        pts = shapely.points(xs[inside], ys[inside]) if inside.any() \
            else np.array([g.representative_point()])
        _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
        out[i] = float(np.mean(dist)) / 1000.0
    return out


@cache
def bundled_zone_kinds() -> pd.DataFrame:
    """:func:`layers.zone_kinds.zone_kinds` of the bundled layers, made once per process
    (the app's tables and choropleth use the same one)."""
    return zone_kinds(layers.load_all())


@cache
def _candidate_parts(layer_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Per layer, its polygon zones with what no sector or firm list changes: names,
    sectors and the
    distances in km to the nearest pole and metro station (EPSG:32651). Made once."""
    poles = layers.load("poles")
    pole_geoms = to_metric(poles.loc[poles["part_of"] == "", "geometry"].values)
    stations = to_metric(read_base("stations").geometry.values)
    parts = {}
    for lid in layer_ids:
        gdf = layers.load(lid)
        gdf = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        part = pd.DataFrame(gdf[["name_zh", "name_en", "layer", "role", "sectors"]])
        geoms_m = to_metric(gdf.geometry.values)
        part["_pole_km"] = _nearest_km(geoms_m, pole_geoms)
        part["_metro_km"] = metro_km_across(geoms_m, stations)
        parts[lid] = part
    return parts


def shortlist(firms: pd.DataFrame | None, sector: str, *,
              layer_ids: Iterable[str] = CANDIDATE_LAYERS,
              counts: Mapping[str, LayerCounts] | None = None,
              kinds: Iterable[str] = DEFAULT_KINDS) -> pd.DataFrame:
    """Candidate zones of ``kinds`` (:data:`layers.zone_kinds.ZONE_KINDS`) ranked by
    score for ``sector``, each score part shown, with the zone's ``kind`` and its
    ``roles`` (every role its outline has, joined by " · ").

    ``counts`` (per layer id, from :func:`firms.zones.layer_counts` of the same
    firms) spares the join and the counting, e.g. when a view already keeps them. Scores
    use the firms certainly in a zone; ``sector_firms_possible`` and
    ``attrs["coarse_firms"]`` say how many more may be."""
    has_firms = firms is not None and len(firms) > 0
    points = None
    frames = []
    coarse = 0
    for lid, part in _candidate_parts(tuple(layer_ids)).items():
        part = part.copy()
        if has_firms and firms is not None:
            gdf = layers.load(lid).loc[part.index]  # its polygon zones
            if counts is not None and lid in counts:
                counted = counts[lid]
            else:
                points = points if points is not None else firm_points(firms)
                counted = join_and_count(firms, gdf, points=points).counts
            m = measures_of(counted, gdf, sector)
            part["sector_firms"] = m["sector_firms"]
            part["sector_firms_possible"] = m["sector_firms_possible"]  # not scored: shown
            part["lq"] = m["lq"]
            coarse = counted.coarse
        else:
            part["sector_firms"] = part["sector_firms_possible"] = 0
            part["lq"] = np.nan
        frames.append(part)
    zones = _one_per_outline(pd.concat(frames), sector, kinds)
    zones["pole_km"] = zones.pop("_pole_km")
    zones["metro_km"] = zones.pop("_metro_km")

    parts = pd.DataFrame(index=zones.index)
    parts["designated"] = zones["designated"].astype(float)
    parts["lq"] = zones["lq"].fillna(0).clip(upper=3) / 3
    sector_firms = zones["sector_firms"].astype(float)
    parts["count"] = sector_firms.rank(pct=True).where(sector_firms > 0, 0.0)
    parts["pole"] = (1 - zones["pole_km"] / POLE_RANGE_KM).clip(lower=0)
    parts["metro"] = (1 - zones["metro_km"] / METRO_RANGE_KM).clip(lower=0)
    out = zones.drop(columns=["sectors"]).copy()
    for k, w in WEIGHTS.items():
        out[f"score_{k}"] = (parts[k] * w).round(4)
    out["score"] = out[[f"score_{k}" for k in WEIGHTS]].sum(axis=1).round(4)
    out = out.sort_values(["score", "sector_firms"], ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs["coarse_firms"] = coarse  # placed too coarsely to count in a zone: not scored
    return out


def _one_per_outline(zones: pd.DataFrame, sector: str, kinds: Iterable[str]) -> pd.DataFrame:
    """The zones of ``kinds``, one per outline (the one that designates ``sector`` if
    any does), with the outline's ``kind`` and all its ``roles``."""
    known = bundled_zone_kinds().reindex(zones.index)
    zones = zones.assign(kind=known["group_kind"].fillna("park"),
                         _outline=known["outline"].fillna(pd.Series(zones.index, zones.index)))
    zones = zones[zones["kind"].isin(list(kinds))]
    zones["designated"] = zones["sectors"].map(lambda s: sector in split_list(s))
    roles = zones.groupby("_outline")["role"].agg(lambda r: " · ".join(dict.fromkeys(r)))
    designated = zones.groupby("_outline")["designated"].any()
    zones = zones.sort_values("designated", ascending=False, kind="stable")
    zones = zones[~zones["_outline"].duplicated()]
    zones["roles"] = zones["_outline"].map(roles)
    zones["designated"] = zones["_outline"].map(designated)
    return zones.drop(columns=["_outline"])
