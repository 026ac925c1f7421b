"""Firms against the layers: join to every layer, then measures per zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

import layers
from geo.crs import require_storage_crs
from geo.join import SortedPoints, zone_pairs
from geo.measures import count_tables, measures_from_counts
from layers.schema import split_list

__all__ = [
    "LayerCounts", "LayerJoin", "firm_points", "firm_table", "join_all", "join_and_count",
    "join_layer", "layer_counts", "layer_measures", "measures_of", "zones_for_measures"
]


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
                   pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Measures of one layer's zones, with their names, indexed by feature id; LQs are
    against all of ``firms``. ``pairs`` (from :func:`join_layer`) spares the join."""
    gdf = layers.load(layer_id)
    counts = join_and_count(firms, gdf).counts if pairs is None else layer_counts(firms, gdf, pairs)
    return measures_of(counts, gdf, sector)


@dataclass(frozen=True)
class LayerCounts:
    """A layer's counts for every sector at once (:func:`geo.measures.count_tables`):
    zones × sectors firms and employees, and the city's firms per sector. Small, so
    a view can keep them and make any sector's measures from them in milliseconds."""

    counts: pd.DataFrame
    employees: pd.DataFrame | None
    city: pd.Series


def layer_counts(firms: pd.DataFrame, zones: gpd.GeoDataFrame,
                 pairs: pd.DataFrame) -> LayerCounts:
    """Count the firms of ``pairs`` per zone of ``zones`` and sector. Pairs of zones not
    in ``zones`` are ignored, so a filtered frame can reuse its whole layer's pairs."""
    pairs = pairs[pairs["zone"].isin(zones.index)]
    return LayerCounts(*count_tables(zones.index, pairs, firm_table(firms)))


def measures_of(counts: LayerCounts, zones: gpd.GeoDataFrame,
                sector: str | None = None) -> pd.DataFrame:
    """Measures of ``zones`` (with their names) for ``sector`` from counted tables.
    Strong clusters compare the zones given with each other."""
    table = measures_from_counts(zones_for_measures(zones), counts.counts, counts.employees,
                                 counts.city, sector=sector)
    return pd.concat([zones[["name_zh", "name_en", "role", "area_km2"]], table], axis=1)


@dataclass(frozen=True)
class LayerJoin:
    """One layer joined and counted: the (point, zone) ``pairs`` of :mod:`geo.join` and
    the zones × sectors ``counts``. What a view keeps per firm list and layer."""

    pairs: pd.DataFrame
    counts: LayerCounts


def join_and_count(firms: pd.DataFrame, zones: gpd.GeoDataFrame, *,
                   points: SortedPoints | None = None) -> LayerJoin:
    """Join ``firms`` (EPSG:4326) to one layer's ``zones`` and count them per zone and
    sector — the one call per layer. ``points`` (from :func:`firm_points` of the same
    firms) spares sorting them again when several layers are joined."""
    points = points if points is not None else firm_points(firms)
    pairs = join_layer(points, zones)
    return LayerJoin(pairs, layer_counts(firms, zones, pairs))


def firm_table(firms: pd.DataFrame) -> pd.DataFrame:
    """Per firm position: ``sector`` (categorical: :mod:`geo.measures` counts its codes)
    and ``employees`` (NaN when absent)."""
    cols: dict[str, pd.Categorical | np.ndarray] = {"sector": pd.Categorical(firms["sector"])}  # codes once, for every layer
    if "employees" in firms:
        cols["employees"] = pd.to_numeric(firms["employees"], errors="coerce").to_numpy()
    return pd.DataFrame(cols)
