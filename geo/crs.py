"""The storage CRS and the one check that a frame is in it.

Everything is stored and exchanged in WGS84 longitude/latitude (EPSG:4326);
metric work happens in :mod:`geo.metric`, other datums at the edges
(:mod:`geo.datum`). A frame in any other CRS, or none, is an error, not a guess.
"""

from __future__ import annotations

from typing import TypeVar

from geo.errors import CrsError

_Frame = TypeVar("_Frame")

__all__ = ["STORAGE_CRS", "require_storage_crs"]

#: Storage CRS of every layer and firm table: WGS84 longitude/latitude.
STORAGE_CRS = "EPSG:4326"


def require_storage_crs(frame: _Frame, *, what: str = "this step") -> _Frame:
    """Return ``frame`` if its CRS is EPSG:4326; raise :class:`CrsError` otherwise."""
    crs = getattr(frame, "crs", None)
    if crs is None or crs.to_epsg() != 4326:
        raise CrsError(f"{what} needs WGS84 lon/lat ({STORAGE_CRS}), got {crs}")
    return frame
