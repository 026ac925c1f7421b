"""Point-in-zone join on the fast path: sorted x, bounding-box slices, prepared polygons.

For each zone, the points inside its bounding box are found by binary search on
the points sorted by longitude and a latitude mask, then tested with
``shapely.intersects_xy`` against the prepared polygon. This avoids building
point geometries and a spatial index, and is the same work as the bound
(prepared ``contains_xy`` per polygon) plus the boundary rule below.

Boundary rule (fixed): a point belongs to every zone that covers it (interior or
boundary). Where two covering zones are not nested (neither is ``part_of`` the
other) and the point lies on the edge of the later one, it goes to the zone listed
first in the layer and the later one drops it. A point in the interior of a zone
always belongs to it: zones that stand for areas of uncertainty (a site known only
to lie somewhere in a 街镇, see :mod:`layers.checks`) may overlap, and a point in
both belongs to both. Counts per layer are therefore conserved wherever the zones
partition the ground (e.g. the districts): such a point is counted exactly once.

All coordinates are WGS84 lon/lat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from geo.errors import GeoError
from geo.prepared import prepared_copy

__all__ = ["SortedPoints", "ancestors", "bound_contains", "firm_lonlat", "zone_pairs"]


def ancestors(zone: str, parent: Mapping[str, str]) -> set[str]:
    """Every zone ``zone`` lies within, following ``parent`` (zone → the zone it is part of)."""
    seen: set[str] = set()
    while parent.get(zone) and parent[zone] not in seen:
        zone = parent[zone]
        seen.add(zone)
    return seen


def firm_lonlat(firms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of a firm table, WGS84 degrees: from its point geometries when it has
    them, else from its ``lon``/``lat`` columns (an import made with ``points=False``
    keeps only those, in EPSG:4326 by construction)."""
    geometry = getattr(firms, "_geometry_column_name", None)
    if geometry is not None and geometry in firms:
        points = firms[geometry]
        return points.x.to_numpy(), points.y.to_numpy()
    return (np.asarray(firms["lon"], dtype=float), np.asarray(firms["lat"], dtype=float))


class SortedPoints:
    """Points sorted once by longitude, to be joined against many layers."""

    @classmethod
    def of(cls, firms: pd.DataFrame) -> SortedPoints:
        """The points of a firm table (:func:`firm_lonlat`)."""
        return cls(*firm_lonlat(firms))

    def __init__(self, lon: ArrayLike, lat: ArrayLike) -> None:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if lon.shape != lat.shape:
            raise ValueError("lon and lat differ in length")
        # positions as int32 while they fit: the join's pairs are half the size
        self.order = np.argsort(lon, kind="stable").astype(
            np.int32 if len(lon) < 2**31 else np.int64, copy=False)
        self.xs = lon[self.order]
        self.ys = lat[self.order]

    def __len__(self) -> int:
        return len(self.order)


def zone_pairs(points: SortedPoints, zone_ids: Sequence[str], geoms: Sequence[Any],
               part_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """(point, zone) pairs for the points covered by each zone of one layer.

    ``point`` in the result is the position in the arrays the
    :class:`SortedPoints` were made from; ``zone`` is the zone id (a categorical
    over ``zone_ids``, in their order). Zones are in
    layer order (which decides shared-edge points, see the module rule). Point
    and line zones hold no points.
    """
    order, xs, ys = points.order, points.xs, points.ys
    parent = dict(part_of or {})
    zone_ids = list(zone_ids)
    points_out, zones_out = [], []
    if len(geoms) != len(zone_ids):
        raise ValueError("zone_ids and geoms differ in length")
    own: list[Any] = [None] * len(geoms)  # prepared copies: the caller's geometries stay unprepared
    for rank, geom in enumerate(geoms):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        x0, y0, x1, y1 = geom.bounds
        i0 = np.searchsorted(xs, x0, side="left")
        i1 = np.searchsorted(xs, x1, side="right")
        if i1 <= i0:
            continue
        sub_y = ys[i0:i1]
        in_box = (sub_y >= y0) & (sub_y <= y1)
        if not in_box.any():
            continue
        cand = np.flatnonzero(in_box) + i0
        own[rank] = prepared_copy(geom)
        hit = shapely.intersects_xy(own[rank], xs[cand], ys[cand])
        points_out.append(order[cand[hit]])
        zones_out.append(np.full(int(hit.sum()), rank, dtype=np.int32))
    codes = np.concatenate(zones_out) if zones_out else np.array([], dtype=np.int32)
    points_arr = np.concatenate(points_out) if points_out else np.array([], dtype=order.dtype)
    # Zones as a categorical over the layer's ids: integer codes, not millions of strings.
    zones = pd.Categorical.from_codes(codes, categories=pd.Index(zone_ids, dtype=object))
    pairs = pd.DataFrame({"point": points_arr, "zone": zones})
    if np.bincount(pairs["point"].to_numpy(), minlength=len(points)).max(initial=0) < 2:
        return pairs  # no point in two zones: nothing to resolve
    return _resolve_shared_edges(pairs, list(zone_ids), parent, (points, own))


def _kept_zones(combo: int, parent: Mapping[str, str], zone_ids: list[str]) -> int:
    """Of the zones in a bit set, keep them in layer order while each is nested with
    every zone kept so far; return the kept bit set."""
    kept: list[str] = []
    kept_bits = 0
    for rank, zone in enumerate(zone_ids):
        if not combo >> rank & 1:
            continue
        if all(k in ancestors(zone, parent) or zone in ancestors(k, parent) for k in kept):
            kept.append(zone)
            kept_bits |= 1 << rank
    return kept_bits


def _interior_pairs(pairs: pd.DataFrame, rows: np.ndarray, points: SortedPoints,
                    geoms: Sequence[Any]) -> np.ndarray:
    """Of the pair rows ``rows``, those whose point lies in its zone's interior
    (``geoms``: the zones' prepared copies; ``contains_xy`` prepares what it is given)."""
    lon = np.empty_like(points.xs)
    lat = np.empty_like(points.ys)
    lon[points.order], lat[points.order] = points.xs, points.ys
    codes = pairs["zone"].cat.codes.to_numpy()[rows]
    pts = pairs["point"].to_numpy()[rows]
    inside = np.zeros(len(rows), dtype=bool)
    for code in np.unique(codes):
        sel = codes == code
        inside[sel] = shapely.contains_xy(geoms[code], lon[pts[sel]], lat[pts[sel]])
    return rows[inside]


def _resolve_shared_edges(pairs: pd.DataFrame, zone_ids: list[str],
                          parent: Mapping[str, str],
                          located: tuple[SortedPoints, Sequence[Any]] | None = None
                          ) -> pd.DataFrame:
    """Drop later non-nested zones for points covered by more than one zone, unless
    the point lies in that zone's interior (``located`` = (points, geoms) lets it be
    tested; without it every such pair is dropped).

    Each point's covering zones form a bit set; the few distinct sets are decided
    once each (:func:`_kept_zones`), then applied to all pairs at once.
    """
    if len(zone_ids) > 62:
        raise GeoError("a layer with more than 62 zones: split it for the join")
    bits = np.left_shift(np.int64(1), pairs["zone"].cat.codes.to_numpy().astype(np.int64))
    combo = pd.Series(bits, index=pairs.index).groupby(pairs["point"]).transform("sum")
    decided = {int(c): _kept_zones(int(c), parent, zone_ids) for c in np.unique(combo)}
    kept = combo.map(decided).to_numpy()
    keep = (kept & bits) != 0
    if located is not None and not keep.all():
        keep[_interior_pairs(pairs, np.flatnonzero(~keep), *located)] = True
    kept_pairs: pd.DataFrame = pairs[keep]
    return kept_pairs.reset_index(drop=True)


def bound_contains(lon: np.ndarray, lat: np.ndarray, geoms: Sequence[Any]) -> int:
    """The bound the join is measured against: prepared ``contains_xy`` of every
    point against every polygon with a bounding-box prefilter; returns the hits."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    total = 0
    for geom in geoms:
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        x0, y0, x1, y1 = geom.bounds
        box = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        total += int(shapely.contains_xy(prepared_copy(geom), lon[box], lat[box]).sum())
    return total
