"""Whether a firm certainly lies in a zone, or only possibly: its placement's uncertainty
against the zone's outline (EPSG:4326 in, areas compared in EPSG:32651).

A firm placed precisely (coordinates without a stated precision, or one of at most
:data:`PRECISE_M`) is a point and the point join decides. Any other firm stands for a
region: the outline of the unit it was placed to (``placed_unit``: a zone, a 街道/镇, a
区), else a disc of its ``placement_precision_m`` around its point. It is **certainly**
in a zone when at least :data:`CERTAIN_SHARE` of that region lies inside the zone
(outlines built from the same base units meet edge to edge, so a hair of difference is
not a doubt), **possibly** in it when the region and the zone meet otherwise. A region
that only approximates its place (a unit id starting with
:data:`~firms.intake.rows.NEAR_PREFIX`: a ring around a station bearing a town's name)
makes a firm possibly in the zones it meets, and certainly in one only when what the
place is known to lie within (its district) lies in the zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from firms.intake.rows import NEAR_PREFIX, within_key
from geo.join import firm_lonlat
from geo.metric import buffer_m
from geo.prepared import prepared_copy

__all__ = ["CERTAIN_SHARE", "DISCS_KEPT", "PRECISE_M", "coarse_mask", "region_pairs"]

#: A zone as the share cache knows it: (id, bounds, area).
ZoneKey = tuple[str, tuple[float, ...], float]

#: Firms placed to within this many metres are points.
PRECISE_M = 100.0
#: Share of a firm's region that must lie in a zone for the firm to count there.
CERTAIN_SHARE = 0.99


def coarse_mask(firms: pd.DataFrame) -> np.ndarray:
    """Per firm position: is its placement too coarse to be a point?"""
    if "placement_precision_m" not in firms:
        return np.zeros(len(firms), dtype=bool)
    precision = pd.to_numeric(firms["placement_precision_m"], errors="coerce").to_numpy()
    return np.asarray(np.nan_to_num(precision, nan=0.0) > PRECISE_M, dtype=bool)


_DISC = "disc:"  # a region key's prefix when the region is a disc: "disc:lon,lat,metres"
#: Disc key → disc, kept between calls: the same firms meet every layer. Held to about
#: one firm list's discs (~1 KB each): emptied when it passes :data:`DISCS_KEPT`.
_DISCS: dict[str, BaseGeometry] = {}
DISCS_KEPT = 20_000


def _discs(keys: Sequence[str]) -> list[BaseGeometry]:
    """The discs of ``keys`` ("disc:lon,lat,metres"); those not kept are made in one
    vectorised buffer in EPSG:32651 (:func:`geo.metric.buffer_m`)."""
    if len(_DISCS) > DISCS_KEPT:
        _DISCS.clear()
    found = {k: disc for k in keys if (disc := _DISCS.get(k)) is not None}  # safe if emptied
    missing = [k for k in dict.fromkeys(keys) if k not in found]
    if missing:
        x, y, metres = np.array([k.removeprefix(_DISC).split(",") for k in missing],
                                dtype=float).T
        made = dict(zip(missing, buffer_m(shapely.points(x, y), metres, quad_segs=8),
                        strict=True))
        _DISCS.update(made)
        found.update(made)
    return [found[k] for k in keys]


def _regions(firms: pd.DataFrame, rows: np.ndarray,
             outlines: Mapping[str, BaseGeometry]
             ) -> tuple[np.ndarray, list[str], list[BaseGeometry]]:
    """(region code per row of ``rows``, region keys, region geometries): a placed unit's
    outline where known, else a disc of the firm's precision (one per distinct disc)."""
    units = (firms["placed_unit"].astype(str).to_numpy()[rows] if "placed_unit" in firms
             else np.full(len(rows), "", dtype=object))
    unit_codes, distinct_units = pd.factorize(pd.Series(units, dtype=object))
    known = np.array([u in outlines for u in distinct_units], dtype=bool)[unit_codes]
    keys = units.astype(object)
    if not known.all():  # one disc per distinct (point, precision)
        lon, lat = (np.asarray(v, dtype=float)[rows][~known] for v in firm_lonlat(firms))
        precision = np.asarray(firms["placement_precision_m"], dtype=float)[rows][~known]
        keys[~known] = [f"{_DISC}{x:.6f},{y:.6f},{p:.0f}"
                        for x, y, p in zip(lon, lat, precision, strict=True)]
    codes, distinct = pd.factorize(pd.Series(keys, dtype=object))
    keys_list = [str(k) for k in distinct]
    disc_keys = [k for k in keys_list if k.startswith(_DISC)]
    discs = dict(zip(disc_keys, _discs(disc_keys), strict=True))
    geoms = [discs[k] if k in discs else outlines[k] for k in keys_list]
    return codes, keys_list, geoms


_SHARES: dict[tuple[str, ZoneKey], float] = {}  # (unit id, zone key) → share: units and zones are few


def _share_cached(key: str, zone_key: ZoneKey, region: BaseGeometry,
                  zone: BaseGeometry) -> float:
    if len(_SHARES) > 100_000:
        _SHARES.clear()
    found = _SHARES.get((key, zone_key))
    if found is None:
        found = _SHARES[(key, zone_key)] = _share(region, zone)
    return found


def _share(region: BaseGeometry, zone: BaseGeometry) -> float:
    """The share of ``region``'s area inside ``zone`` (degrees² cancel out at this size)."""
    area = region.area
    if area <= 0:
        return 1.0 if zone.intersects(region) else 0.0
    return float(shapely.intersection(region, zone).area / area)


def _disc_shares(discs: np.ndarray, zone: BaseGeometry, prepared: BaseGeometry) -> np.ndarray:
    """The share of each disc's area inside ``zone``, vectorised: 1 for a disc the zone
    contains (no intersection made), else the intersection's share."""
    shares = np.ones(len(discs))
    cut = ~shapely.contains(prepared, discs) if len(discs) else np.zeros(0, dtype=bool)
    if cut.any():
        area = shapely.area(discs[cut])
        inside = shapely.area(shapely.intersection(discs[cut], zone))
        shares[cut] = np.where(area > 0, inside / np.where(area > 0, area, 1.0), 1.0)
    return shares


def _unit_share(key: str, zone_key: ZoneKey, region: BaseGeometry, zone: BaseGeometry,
                outlines: Mapping[str, BaseGeometry]) -> float:
    """The share of what the firm certainly lies in that lies in ``zone``: its unit's
    outline, or for an approximate region what its place is known to lie within (0 when
    unknown)."""
    if key.startswith(NEAR_PREFIX):
        bound = outlines.get(within_key(key))
        return 0.0 if bound is None else _share_cached(within_key(key), zone_key, bound, zone)
    return _share_cached(key, zone_key, region, zone)


def region_pairs(firms: pd.DataFrame, rows: np.ndarray, zone_ids: Sequence[str],
                 zone_geoms: Sequence[BaseGeometry | None],
                 outlines: Mapping[str, BaseGeometry]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(certain, possible) (point, zone) pairs of the coarse firms at positions ``rows``,
    in the shape of :func:`geo.join.zone_pairs`'s pairs."""
    codes, keys, geoms = _regions(firms, rows, outlines)
    certain: list[tuple[int, int]] = []
    possible: list[tuple[int, int]] = []
    regions = np.array(geoms, dtype=object)
    disc = np.array([k.startswith(_DISC) for k in keys], dtype=bool)
    for z, zone in enumerate(zone_geoms):
        if zone is None or zone.is_empty or zone.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        prepared = prepared_copy(zone)
        meets = (shapely.intersects(prepared, regions) if len(regions)
                 else np.zeros(0, dtype=bool))
        zone_key = (str(zone_ids[z]), zone.bounds, round(zone.area, 12))
        met_discs = np.flatnonzero(meets & disc)
        shares = dict(zip(met_discs.tolist(), _disc_shares(regions[met_discs], zone, prepared),
                          strict=True))
        for r in np.flatnonzero(meets).tolist():
            share = shares[r] if r in shares else _unit_share(keys[r], zone_key, geoms[r], zone,
                                                               outlines)
            (certain if share >= CERTAIN_SHARE else possible).append((int(r), z))
    return _pairs(certain, codes, rows, zone_ids), _pairs(possible, codes, rows, zone_ids)


def _pairs(found: list[tuple[int, int]], codes: np.ndarray, rows: np.ndarray,
           zone_ids: Sequence[str]) -> pd.DataFrame:
    """Region-zone hits spread to the firms of each region."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(codes.max(initial=-1) + 2))
    points, zones = [], []
    for r, z in found:
        members = rows[order[bounds[r]:bounds[r + 1]]]
        points.append(members)
        zones.append(np.full(len(members), z, dtype=np.int32))
    point = np.concatenate(points) if points else np.array([], dtype=np.int64)
    zone = np.concatenate(zones) if zones else np.array([], dtype=np.int32)
    return pd.DataFrame({"point": point, "zone": pd.Categorical.from_codes(
        zone, categories=pd.Index(list(zone_ids), dtype=object))})
