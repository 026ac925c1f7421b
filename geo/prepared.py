"""Prepared GEOS geometries that no other thread can see.

GEOS prepared geometries are not thread-safe (libgeos/geos#825): two threads
querying one prepared polygon can abort the process, and ``shapely.prepare``
prepares the very object it is given. Layers, the Shanghai outline and other
cached geometries are shared by every thread of a process (Streamlit sessions,
dask threads), so the point tests here prepare private copies and never the
caller's geometry. A copy and its preparation cost milliseconds per polygon;
the tests they serve cost seconds per million points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

__all__ = ["own_geometries", "prepared_copy"]


def own_geometries(geoms: Any) -> np.ndarray:
    """Copies of ``geoms`` (new GEOS objects, same coordinates; None stays None)."""
    return shapely.from_wkb(shapely.to_wkb(np.asarray(geoms, dtype=object)))


def prepared_copy(geom: Any) -> Any:
    """A prepared copy of ``geom`` for the caller alone; ``geom`` is left as it was."""
    own = own_geometries([geom])[0]
    shapely.prepare(own)
    return own
