"""Firms against the layers: join to every layer, then measures per zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

import layers
from firms.certainty import coarse_mask, region_pairs
from firms.intake.places import shanghai_places
from geo.crs import require_storage_crs
from geo.join import SortedPoints, zone_pairs
from geo.measures import count_tables, measures_from_counts
from layers.schema import split_list

__all__ = [
    "LayerCounts", "LayerJoin", "active_only", "firm_points", "firm_table", "join_all",
    "join_and_count", "join_layer", "layer_counts", "layer_measures", "measures_of",
    "unit_outlines", "zone_sector_counts", "zones_for_measures"
]


def unit_outlines() -> dict[str, BaseGeometry]:
    """The outlines of the units addresses are placed to (zones, 街道/镇, 区; EPSG:4326)."""
    return dict(shanghai_places().outlines)


def active_only(firms: pd.DataFrame) -> pd.DataFrame:
    """``firms`` without those 注销/吊销/迁出 (``status_active`` false); itself when none is."""
    if "status_active" not in firms or firms["status_active"].astype(bool).all():
        return firms
    return firms[firms["status_active"].astype(bool).to_numpy()].reset_index(drop=True)


def firm_points(firms: pd.DataFrame) -> SortedPoints:
    if isinstance(firms, gpd.GeoDataFrame):
        require_storage_crs(firms, what="the join")
    return SortedPoints.of(firms)


def join_layer(points: SortedPoints, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """(point, zone) pairs of one layer, by the rule of :mod:`geo.join`."""
    return zone_pairs(points, list(zones.index), list(zones.geometry),
                      dict(zip(zones.index, zones["part_of"], strict=True)))


def join_all(firms: pd.DataFrame,
             frames: Mapping[str, gpd.GeoDataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Pairs for every polygon layer (all of the catalog by default); points are
    sorted once and reused."""
    frames = frames if frames is not None else layers.load_all()
    points = firm_points(firms)
    return {lid: join_layer(points, gdf) for lid, gdf in frames.items()
            if gdf.geom_type.isin(["Polygon", "MultiPolygon"]).any()}


def zones_for_measures(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """A layer's zones as :mod:`geo.measures` wants them (area in km², designated sectors)."""
    return pd.DataFrame({"area_km2": gdf["area_km2"],
                         "sectors": gdf["sectors"].map(split_list)}, index=gdf.index)


def layer_measures(firms: pd.DataFrame, layer_id: str, sector: str | None = None,
                   pairs: pd.DataFrame | None = None, *,
                   include_inactive: bool = False) -> pd.DataFrame:
    """Measures of one layer's zones, with their names, indexed by feature id; LQs are
    against all of ``firms``. ``pairs`` (certain pairs from :func:`join_and_count`)
    spares the join."""
    gdf = layers.load(layer_id)
    counts = (join_and_count(firms, gdf, include_inactive=include_inactive).counts
              if pairs is None else layer_counts(firms, gdf, pairs,
                                                 include_inactive=include_inactive))
    return measures_of(counts, gdf, sector)


@dataclass(frozen=True)
class LayerCounts:
    """A layer's counts for every sector at once (:func:`geo.measures.count_tables`):
    zones × sectors firms and employees, and the city's firms per sector. Small, so
    a view can keep them and make any sector's measures from them in milliseconds.
    ``possible`` counts, zones × sectors, the firms whose placement is too coarse to
    say they lie in the zone but may (None when there are none); ``coarse`` is how many
    counted firms were placed too coarsely to be a point."""

    counts: pd.DataFrame
    employees: pd.DataFrame | None
    city: pd.Series
    possible: pd.DataFrame | None = None
    coarse: int = 0


def layer_counts(firms: pd.DataFrame, zones: gpd.GeoDataFrame,
                 pairs: pd.DataFrame, *, possible: pd.DataFrame | None = None,
                 include_inactive: bool = False) -> LayerCounts:
    """Count the firms of ``pairs`` (certain) and ``possible`` per zone of ``zones`` and
    sector. Pairs of zones not in ``zones`` are ignored, so a filtered frame can reuse
    its whole layer's pairs. Firms no longer registered are left out unless
    ``include_inactive``."""
    table = firm_table(firms, include_inactive=include_inactive)
    pairs = pairs[pairs["zone"].isin(zones.index)]
    counts, employees, city = count_tables(zones.index, pairs, table)
    maybe = None
    if possible is not None and len(possible):
        possible = possible[possible["zone"].isin(zones.index)]
        maybe = count_tables(zones.index, possible, table)[0]
    coarse = int((coarse_mask(firms) & table["sector"].notna().to_numpy()).sum())
    return LayerCounts(counts, employees, city, maybe, coarse)


def measures_of(counts: LayerCounts, zones: gpd.GeoDataFrame,
                sector: str | None = None) -> pd.DataFrame:
    """Measures of ``zones`` (with their names) for ``sector`` from counted tables, on the
    certain counts; ``firms_possible`` (and ``sector_firms_possible``) give the count
    with the possibly-in firms added. Strong clusters compare the zones given."""
    table = measures_from_counts(zones_for_measures(zones), counts.counts, counts.employees,
                                 counts.city, sector=sector)
    maybe = _possible_only(counts, zones.index)
    table["firms_possible"] = table["firms"] + maybe.sum(axis=1).astype(int)
    if sector:
        extra = maybe.get(sector, 0)
        table["sector_firms_possible"] = table["sector_firms"] + pd.Series(
            extra, index=zones.index).astype(int)
    out = pd.concat([zones[["name_zh", "name_en", "role", "area_km2"]], table], axis=1)
    out.attrs["coarse_firms"] = counts.coarse
    return out


def _possible_only(counts: LayerCounts, zone_ids: pd.Index) -> pd.DataFrame:
    """Zones of ``zone_ids`` × sectors: the firms possibly, not certainly, in each."""
    return (counts.possible.reindex(zone_ids).fillna(0) if counts.possible is not None
            else pd.DataFrame(index=zone_ids))


def zone_sector_counts(counts: LayerCounts, zone_id: str) -> pd.DataFrame:
    """One zone's firms per sector id (the index): ``firms``, certainly in it, and
    ``firms_possible``, with those possibly in it added — :func:`measures_of`'s
    figures, for every sector at once."""
    certain = counts.counts.reindex([zone_id]).fillna(0).iloc[0]
    maybe = _possible_only(counts, pd.Index([zone_id])).iloc[0]
    firms = certain.add(maybe * 0, fill_value=0).astype(int)
    return pd.DataFrame({"firms": firms, "firms_possible": firms.add(maybe, fill_value=0)
                         .astype(int)}).rename_axis("sector")


@dataclass(frozen=True)
class LayerJoin:
    """One layer joined and counted: the (point, zone) ``pairs`` of :mod:`geo.join` (the
    firms certainly in each zone), the ``possible`` pairs and the zones × sectors
    ``counts``. What a view keeps per firm list and layer."""

    pairs: pd.DataFrame
    counts: LayerCounts
    possible: pd.DataFrame | None = None


def join_and_count(firms: pd.DataFrame, zones: gpd.GeoDataFrame, *,
                   points: SortedPoints | None = None, include_inactive: bool = False,
                   outlines: Mapping[str, BaseGeometry] | None = None) -> LayerJoin:
    """Join ``firms`` (EPSG:4326) to one layer's ``zones`` and count them per zone and
    sector — the one call per layer. A firm placed precisely is a point; a coarser one
    counts where its placement's region lies inside a zone and is "possible" where it
    only meets it (:mod:`firms.certainty`; ``outlines`` of the placed units, Shanghai's
    by default). ``points`` (from :func:`firm_points` of the same firms) spares sorting
    them again when several layers are joined."""
    points = points if points is not None else firm_points(firms)
    pairs = join_layer(points, zones)
    possible = None
    coarse = coarse_mask(firms)
    if coarse.any():
        pairs = pairs[~coarse[pairs["point"].to_numpy()]]
        certain, possible = region_pairs(firms, np.flatnonzero(coarse), list(zones.index),
                                         list(zones.geometry),
                                         outlines if outlines is not None else unit_outlines())
        pairs = pd.concat([pairs, certain], ignore_index=True)
    counted = layer_counts(firms, zones, pairs, possible=possible,
                           include_inactive=include_inactive)
    return LayerJoin(pairs, counted, possible)


def firm_table(firms: pd.DataFrame, *, include_inactive: bool = False) -> pd.DataFrame:
    """Per firm position: ``sector`` (categorical: :mod:`geo.measures` counts its codes;
    missing for a firm no longer registered, unless ``include_inactive``) and
    ``employees`` (NaN when absent)."""
    sector = pd.Categorical(firms["sector"])  # codes once, for every layer
    if not include_inactive and "status_active" in firms:
        active = firms["status_active"].astype(bool).to_numpy()
        if not active.all():
            sector = pd.Categorical.from_codes(np.where(active, sector.codes, -1),
                                               sector.categories)
    cols: dict[str, pd.Categorical | np.ndarray] = {"sector": sector}
    if "employees" in firms:
        cols["employees"] = pd.to_numeric(firms["employees"], errors="coerce").to_numpy()
    return pd.DataFrame(cols)
