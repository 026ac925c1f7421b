"""A cache bounded by size, not by count: the app's firm lists and what is made
from them (points, joins, grids, filtered lists) share one budget in bytes.

Streamlit's own caches bound entries by count, so four 1M-row uploads could hold
gigabytes after every session closed. Here each entry carries an estimate of its
bytes; the least recently used entries are dropped (and so freed) until the total
fits. An entry larger than the whole budget is still returned to its caller but
not kept.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

__all__ = ["SizedCache", "approx_bytes"]

#: Bytes a shapely geometry costs beyond its pointer (a point: GEOS object + Python wrapper).
GEOMETRY_BYTES = 100


def approx_bytes(obj, *, deep: bool = False) -> int:
    """Estimated bytes held by ``obj``: frames by their columns (``deep`` counts the
    text of object columns, O(n) in Python), arrays by ``nbytes``, dataclasses,
    tuples, lists and dicts by their parts."""
    if obj is None:
        return 0
    if isinstance(obj, pd.DataFrame | pd.Series):
        size = int(obj.memory_usage(deep=deep, index=True).sum()) if isinstance(obj, pd.DataFrame) \
            else int(obj.memory_usage(deep=deep, index=True))
        geometry = getattr(obj, "_geometry_column_name", None)
        if geometry is not None and geometry in getattr(obj, "columns", ()):
            size += len(obj) * GEOMETRY_BYTES
        return size
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(approx_bytes(getattr(obj, f.name), deep=deep) for f in dataclasses.fields(obj))
    if isinstance(obj, list | tuple):
        return sum(approx_bytes(v, deep=deep) for v in obj)
    if isinstance(obj, dict):
        return sum(approx_bytes(v, deep=deep) for v in obj.values())
    return sys.getsizeof(obj)


class SizedCache:
    """Least-recently-used entries dropped when their total passes ``max_bytes``.
    Safe to share between the app's sessions (one lock)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def get(self, key: Hashable, make: Callable[[], object], *,
            size: Callable[[object], int] = approx_bytes):
        """The value cached under ``key``, or ``make()`` kept under it (its size by ``size``)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = make()  # outside the lock: other sessions keep going meanwhile
        self.put(key, value, size(value))
        return value

    def put(self, key: Hashable, value, nbytes: int) -> None:
        """Keep ``value`` (``nbytes`` large), dropping the oldest entries until all fit."""
        with self._lock:
            self._items.pop(key, None)
            if nbytes > self.max_bytes:
                return
            self._items[key] = (value, int(nbytes))
            total = sum(size for _, size in self._items.values())
            while total > self.max_bytes:
                _, (_, size) = self._items.popitem(last=False)
                total -= size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
