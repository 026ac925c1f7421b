"""What kind of place each zone is — park, pole, new town, belt, planned base or
candidate, district — and which zones share one outline. Pure, from the layers.

A zone's kind comes from its role in the plans (:data:`ROLE_KINDS`); a zone whose
outline is a whole district's (intersection over union ≥ :data:`SAME_OUTLINE`,
in EPSG:32651) is a district whatever its role (松江区（X）, 松江智能制造集聚区).
Zones whose outlines are the same (e.g. 临港产业增长极 and 临港（一翼）) form one
outline group; the group's kind is its coarsest member's, so a park drawn as a
whole pole's outline (for want of its own) is not ranked among the parks.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.metric import to_metric

__all__ = ["KIND_ORDER", "PARK_KINDS", "ROLE_KINDS", "SAME_OUTLINE", "WITHIN_SHARE", "ZONE_KINDS",
           "kind_of_role", "place_aliases", "zone_kinds"]

#: Zone kinds, from the finest to the coarsest.
ZONE_KINDS = ("park", "new_town", "candidate", "pole", "belt", "district")
KIND_ORDER = {k: i for i, k in enumerate(ZONE_KINDS)}
#: The kinds a park-only answer keeps.
PARK_KINDS = ("park",)
#: Two outlines are the same above this intersection over union.
SAME_OUTLINE = 0.95

#: The plans' role words → zone kind (roles with a batch, e.g. 特色产业园区（2020 首批）,
#: match by their stem before "（").
ROLE_KINDS: dict[str, str] = {
    "特色产业园区": "park", "载体园区": "park", "特色园区（X）": "park", "产业基地": "park",
    "示范区": "park", "高新区": "park", "载体": "park", "在线新经济生态园": "park",
    "核心区": "park", "集聚区（5）": "park", "载体（4）": "park", "片区": "park",
    "新城": "new_town",
    "候选": "candidate",
    "极": "pole", "先行启动区": "pole", "体": "pole", "翼": "pole", "核心区（1）": "pole", "城": "pole", "港": "pole",
    "智能制造主示范区": "pole",
    "带": "belt", "轴": "belt", "走廊": "belt",
    "行政区": "district", "支持区（X）": "district", "重点区域": "district",
    "智能制造集聚区": "district",
}


def kind_of_role(role: str) -> str | None:
    """The zone kind of a role word (None for a role not listed)."""
    if role in ROLE_KINDS:
        return ROLE_KINDS[role]
    return ROLE_KINDS.get(str(role).split("（")[0])


def _iou(a, b) -> float:
    """Intersection over union, the union's area as a + b − intersection (no union
    is built: it costs most of the time on detailed outlines)."""
    inter = shapely.intersection(a, b).area
    union = a.area + b.area - inter
    return float(inter / union) if union > 0 else 0.0


def _same_outline(a, b) -> bool:
    """IoU ≥ :data:`SAME_OUTLINE`; outlines whose areas differ more than that cannot be
    the same (IoU ≤ smaller area / larger area), so their intersection is never built."""
    small, large = sorted((a.area, b.area))
    return large > 0 and small / large >= SAME_OUTLINE and _iou(a, b) >= SAME_OUTLINE


def _polygons(frames: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    rows = []
    for lid, gdf in frames.items():
        polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        rows.append(pd.DataFrame({"layer": lid, "role": polys["role"],
                                  "geometry": to_metric(polys.geometry.values)},
                                 index=polys.index))
    return pd.concat(rows) if rows else pd.DataFrame(columns=["layer", "role", "geometry"])


def _outline_groups(geoms: np.ndarray) -> np.ndarray:
    """For each shape, the position of the first shape whose outline is the same."""
    group = np.arange(len(geoms))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if j <= i or group[j] != j:
            continue
        if _same_outline(geoms[i], geoms[j]):
            group[j] = group[i]
    return group


def zone_kinds(frames: Mapping[str, gpd.GeoDataFrame], *,
               districts: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per polygon zone of ``frames`` (index: feature id): ``layer``, ``role``, ``kind``
    (its own: role, or ``district`` for a district's outline), ``outline`` (the id of
    the first zone with the same outline, itself if none) and ``group_kind`` (the
    coarsest kind in its outline group). ``districts`` defaults to the frames'
    ``districts`` layer."""
    zones = _polygons(frames)
    if zones.empty:
        return pd.DataFrame(columns=["layer", "role", "kind", "outline", "group_kind"])
    geoms = zones["geometry"].to_numpy()
    kinds = zones["role"].map(lambda r: kind_of_role(r) or "park")
    districts = districts if districts is not None else frames.get("districts")
    if districts is not None and len(districts):
        d_geoms = to_metric(districts.geometry.values)
        d_tree = shapely.STRtree(d_geoms)
        for pos, g in enumerate(geoms):
            if kinds.iloc[pos] == "district":
                continue
            near = d_tree.query(g, predicate="intersects")
            if any(_same_outline(g, d_geoms[j]) for j in near):
                kinds.iloc[pos] = "district"
    group = _outline_groups(geoms)
    out = pd.DataFrame({"layer": zones["layer"], "role": zones["role"], "kind": kinds,
                        "outline": zones.index.to_numpy()[group]}, index=zones.index)
    coarsest = out.groupby("outline")["kind"].agg(lambda ks: max(ks, key=lambda k: KIND_ORDER[k]))
    out["group_kind"] = out["outline"].map(coarsest)
    return out


#: A zone lies in a larger one when this share of its area is inside it.
WITHIN_SHARE = 0.9


def place_aliases(frames: Mapping[str, gpd.GeoDataFrame], kinds: pd.DataFrame) -> pd.Series:
    """Per polygon zone, the Chinese and English names of the poles and new towns it lies
    in (≥ :data:`WITHIN_SHARE` of its area, EPSG:32651) and of the zones it is
    ``part_of``, joined by spaces — what people also call it by (张江 for
    集成电路设计产业园)."""
    zones = _polygons(frames)
    names = pd.concat([g[["name_zh", "name_en", "part_of"]] for g in frames.values()])
    names = names[~names.index.duplicated()]
    big = kinds.index[kinds["kind"].isin(["pole", "new_town"])]
    geoms = zones["geometry"]
    tree = shapely.STRtree(geoms.loc[big].to_numpy())
    out = {}
    for zid, g in geoms.items():
        found = [big[j] for j in tree.query(g, predicate="intersects")
                 if big[j] != zid and g.area and
                 shapely.intersection(g, geoms.loc[big[j]]).area / g.area >= WITHIN_SHARE
                 and geoms.loc[big[j]].area > g.area * 1.05]
        parent = names.at[zid, "part_of"] if zid in names.index else ""
        while parent and parent in names.index and parent not in found:
            found.append(parent)
            parent = names.at[parent, "part_of"]
        out[zid] = " ".join(f"{names.at[f, 'name_zh']!s} {names.at[f, 'name_en']!s}" for f in found)
    return pd.Series(out, dtype=str)
