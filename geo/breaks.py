"""Class breaks for choropleths: quantiles, equal intervals, natural breaks.

Every method returns the class edges ``[e0, e1, …, ek]`` of the finite values, in
ascending order; class i holds the values v with e_i ≤ v < e_(i+1), the last class
also its top edge. Ties can merge classes, so there may be fewer than k. No values,
no edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geo.errors import GeoError

__all__ = [
    "METHODS", "class_breaks", "class_of", "equal_breaks", "natural_breaks",
    "quantile_breaks"
]

METHODS = ("quantile", "equal", "natural")


def _finite(values: Any) -> np.ndarray:
    v = pd.Series(values, dtype=float).replace([np.inf, -np.inf], np.nan).dropna()
    return np.sort(v.to_numpy())


def _edges(edges: ArrayLike) -> list[float]:
    """Distinct ascending edges; a single value still makes one class."""
    out = [float(e) for e in np.unique(edges)]
    return out * 2 if len(out) == 1 else out


def quantile_breaks(values: Any, k: int = 5) -> list[float]:
    """Edges at the 0, 1/k, …, 1 quantiles: about as many zones in each class."""
    v = _finite(values)
    if not len(v):
        return []
    return _edges(np.quantile(v, np.linspace(0, 1, k + 1)))


def equal_breaks(values: Any, k: int = 5) -> list[float]:
    """k classes of equal width between the smallest and largest value."""
    v = _finite(values)
    if not len(v):
        return []
    return _edges(np.linspace(v[0], v[-1], k + 1))


def natural_breaks(values: Any, k: int = 5) -> list[float]:
    """Fisher–Jenks natural breaks: the k classes of consecutive sorted values with the
    least total within-class sum of squared deviations, found exactly by dynamic
    programming (O(k·n²); n is a layer's zones, so small). Edges are each class's
    smallest value, then the largest value."""
    v = _finite(values)
    n = len(v)
    if not n:
        return []
    distinct = np.unique(v)
    if len(distinct) <= k:  # a class per distinct value
        return [float(x) for x in distinct] + [float(distinct[-1])]
    s1 = np.concatenate([[0.0], np.cumsum(v)])
    s2 = np.concatenate([[0.0], np.cumsum(v * v)])

    def ssd(i: np.ndarray, j: int) -> np.ndarray:
        """Sum of squared deviations of v[i:j] for each start i."""
        m = j - i
        out: np.ndarray = s2[j] - s2[i] - (s1[j] - s1[i]) ** 2 / m
        return out

    cost = np.full((k + 1, n + 1), np.inf)
    start = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            i = np.arange(c - 1, j)
            total = cost[c - 1, i] + ssd(i, j)
            best = int(np.argmin(total))
            cost[c, j], start[c, j] = total[best], i[best]
    edges: list[float] = []
    j = n
    for c in range(k, 0, -1):
        i = start[c, j]
        edges.append(float(v[i]))
        j = i
    return sorted(set(edges)) + [float(v[-1])]


def class_breaks(values: Any, k: int = 5, method: str = "quantile") -> list[float]:
    """Edges of ``values`` by ``method`` (one of :data:`METHODS`)."""
    if method not in METHODS:
        raise GeoError(f"unknown class-break method {method!r}: use one of {', '.join(METHODS)}")
    return {"quantile": quantile_breaks, "equal": equal_breaks,
            "natural": natural_breaks}[method](values, k)


def class_of(value: Any, edges: list[float]) -> int | None:
    """The class index of ``value`` under ``edges`` (None for NaN or without edges)."""
    if value is None or len(edges) < 2 or pd.isna(value):
        return None
    idx = int(np.searchsorted(edges, value, side="right")) - 1
    return min(max(idx, 0), len(edges) - 2)
