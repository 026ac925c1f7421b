"""Counting points in square grid cells, for drawing very many firms as density.

Cells are squares of ``cell_m`` metres in EPSG:32651 (UTM 51N, metric over
Shanghai); the counted cells come back as WGS84 (EPSG:4326) polygons. A firm list
of any size becomes a bounded number of cells: the cell doubles until there are
at most ``max_cells``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import STORAGE_CRS
from geo.join import firm_lonlat
from geo.metric import from_metric, lonlat_to_xy

__all__ = ["GRID_M", "MAX_GRID_CELLS", "firm_grid", "grid_counts"]

#: The finest cell, metres.
GRID_M = 1000.0
#: At most this many grid cells are drawn; beyond it the cell size doubles.
MAX_GRID_CELLS = 6000


def grid_counts(lon: np.ndarray, lat: np.ndarray, *, cell_m: float = GRID_M) -> gpd.GeoDataFrame:
    """Counts of points (WGS84 lon/lat) per square cell of ``cell_m`` metres
    (EPSG:32651), as WGS84 polygons with a ``count`` column."""
    x, y = lonlat_to_xy(lon, lat)
    ix = np.floor(x / cell_m).astype(np.int64)
    iy = np.floor(y / cell_m).astype(np.int64)
    cells = pd.DataFrame({"ix": ix, "iy": iy}).value_counts().rename("count").reset_index()
    x0 = cells["ix"].to_numpy() * cell_m
    y0 = cells["iy"].to_numpy() * cell_m
    boxes = from_metric(shapely.box(x0, y0, x0 + cell_m, y0 + cell_m))
    return gpd.GeoDataFrame({"count": cells["count"].to_numpy()}, geometry=boxes, crs=STORAGE_CRS)


def firm_grid(firms: gpd.GeoDataFrame, *, max_cells: int = MAX_GRID_CELLS) -> gpd.GeoDataFrame:
    """Firm counts per square cell of ``GRID_M`` metres, the cell doubled until
    there are at most ``max_cells`` cells; WGS84 polygons."""
    lon, lat = firm_lonlat(firms)
    cell = GRID_M
    grid = grid_counts(lon, lat, cell_m=cell)
    while len(grid) > max_cells:
        cell *= 2
        grid = grid_counts(lon, lat, cell_m=cell)
    return grid
