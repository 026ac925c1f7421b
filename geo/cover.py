"""Point-in-area tests over a grid of cells known inside, outside or on the edge.

An area such as Shanghai's outline holds millions of firms, nearly all far from
its edge. :class:`CoverGrid` decides once per cell whether the closed cell lies
wholly inside the area, wholly outside it, or meets its edge; a point then needs
the exact GEOS test only when its cell meets the edge (or it lies within a
millionth of a cell of a cell border). Results equal ``shapely.intersects_xy``
(interior and boundary count) for every point. Coordinates are those of the area
(here WGS84 lon/lat). The grid holds only arrays, so threads may share it; the
exact test uses the geometry the caller passes (its own copy per thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from geo.prepared import prepared_copy

__all__ = ["CoverGrid"]

OUTSIDE, INSIDE, EDGE = 0, 1, 2
_BORDER = 1e-6  # of a cell: points this close to a cell border are tested exactly


@dataclass(frozen=True)
class CoverGrid:
    """Cells of ``dx`` × ``dy`` from (``x0``, ``y0``); ``state[row, col]`` is
    OUTSIDE, INSIDE or EDGE for the closed cell."""

    x0: float
    y0: float
    dx: float
    dy: float
    state: np.ndarray

    @classmethod
    def build(cls, area: Any, *, cells: int = 128) -> CoverGrid:
        """The grid of ``cells`` × ``cells`` over the bounds of ``area`` (a polygon)."""
        x0, y0, x1, y1 = area.bounds
        dx, dy = (x1 - x0) / cells, (y1 - y0) / cells
        cols, rows = np.meshgrid(np.arange(cells), np.arange(cells))
        boxes = shapely.box(x0 + cols * dx, y0 + rows * dy, x0 + (cols + 1) * dx,
                            y0 + (rows + 1) * dy)
        own = prepared_copy(area)
        state = np.full(boxes.shape, EDGE, dtype=np.int8)
        state[shapely.contains(own, boxes)] = INSIDE
        state[~shapely.intersects(own, boxes)] = OUTSIDE
        return cls(x0, y0, dx, dy, state)

    def intersects_xy(self, area: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``shapely.intersects_xy(area, x, y)`` for the area the grid was built on,
        with the exact test only for points in edge cells."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        ny, nx = self.state.shape
        fx, fy = (x - self.x0) / self.dx, (y - self.y0) / self.dy
        ok = (fx >= 0) & (fx <= nx) & (fy >= 0) & (fy <= ny)  # NaN is never ok
        col = np.clip(np.floor(np.where(ok, fx, 0)), 0, nx - 1).astype(np.intp)
        row = np.clip(np.floor(np.where(ok, fy, 0)), 0, ny - 1).astype(np.intp)
        state = np.where(ok, self.state[row, col], OUTSIDE)
        near = ok & ((np.abs(fx - np.round(fx)) < _BORDER) | (np.abs(fy - np.round(fy)) < _BORDER))
        exact = np.flatnonzero((state == EDGE) | near)
        out: np.ndarray = state == INSIDE
        if len(exact):
            out[exact] = shapely.intersects_xy(prepared_copy(area), x[exact], y[exact])
        return out
