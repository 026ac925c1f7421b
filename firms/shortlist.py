"""A ranked shortlist of zones for one sector, for investment-promotion staff.

Score = 0.35 × designated + 0.25 × min(LQ, 3) / 3 + 0.20 × count percentile
      + 0.10 × pole proximity + 0.10 × metro proximity, each part in [0, 1]:

- designated: 1 when the plan names the sector for the zone, else 0;
- LQ: the zone's location quotient for the sector (0 without firms), capped at 3;
- count percentile: rank of the zone's firm count in the sector among the
  candidates (0 for none);
- pole proximity: 1 − d/30 km for the distance d from the zone to the nearest
  pole (张江, 临港), 0 beyond 30 km;
- metro proximity: 1 − d/5 km for the distance to the nearest metro station,
  0 beyond 5 km.

Distances are computed in EPSG:32651 between shapes (0 when touching). A shape
that several layers share (e.g. 张江科学城) is listed once, under the feature
that designates the sector if any does.
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

__all__ = ["CANDIDATE_LAYERS", "METRO_RANGE_KM", "POLE_RANGE_KM", "WEIGHTS", "shortlist"]

WEIGHTS = {"designated": 0.35, "lq": 0.25, "count": 0.20, "pole": 0.10, "metro": 0.10}
POLE_RANGE_KM = 30.0
METRO_RANGE_KM = 5.0
#: Layers whose zones are candidates (districts and the belts are too coarse).
CANDIDATE_LAYERS = ("poles", "new_towns", "g60", "ic_one_body_two_wings", "biomed_1_5_x",
                    "ai_4_x", "fintech", "parks", "service_belt")


def _nearest_km(geoms_m: np.ndarray, targets_m: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(targets_m)
    _, dist = tree.query_nearest(geoms_m, return_distance=True, all_matches=False)
    return np.asarray(dist) / 1000.0


@cache
def _candidate_parts(layer_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Per layer, its polygon zones with what no sector or firm list changes: names,
    sectors, the shape's WKB (to list a shape several layers share once) and the
    distances in km to the nearest pole and metro station (EPSG:32651). Made once."""
    poles = layers.load("poles")
    pole_geoms = to_metric(poles.loc[poles["part_of"] == "", "geometry"].values)
    stations = to_metric(read_base("stations").geometry.values)
    parts = {}
    for lid in layer_ids:
        gdf = layers.load(lid)
        gdf = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        part = pd.DataFrame(gdf[["name_zh", "name_en", "layer", "role", "sectors"]])
        part["_wkb"] = shapely.to_wkb(gdf.geometry.values)
        geoms_m = to_metric(gdf.geometry.values)
        part["_pole_km"] = _nearest_km(geoms_m, pole_geoms)
        part["_metro_km"] = _nearest_km(geoms_m, stations)
        parts[lid] = part
    return parts


def shortlist(firms: pd.DataFrame | None, sector: str, *,
              layer_ids: Iterable[str] = CANDIDATE_LAYERS,
              counts: Mapping[str, LayerCounts] | None = None) -> pd.DataFrame:
    """Candidate zones ranked by score for ``sector``, each score part shown.

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
    zones = pd.concat(frames)
    zones["designated"] = zones["sectors"].map(lambda s: sector in split_list(s))
    zones = zones.sort_values("designated", ascending=False, kind="stable")
    zones = zones[~zones["_wkb"].duplicated()].drop(columns="_wkb")
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
