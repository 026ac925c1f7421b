"""The root of the project's error families, and the spatial core's own errors.

Every error a user can meet is a :class:`ShmapError` with a message that says what,
where and how to fix it; the CLI prints the message (exit 2) and the app shows it in
an error box, never a traceback. Each floor raises its own family, all under this root:
``geo.errors`` (CRS, datums, shape recipes, class breaks, joins), ``layers.errors`` (layer data, selections, outputs),
``firms.intake.errors`` (firm files and tables). All are ``ValueError`` subclasses, so
older callers that caught ``ValueError`` keep working.
"""

from __future__ import annotations

__all__ = ["CrsError", "DatumError", "GeoError", "RecipeError", "ShmapError"]


class ShmapError(ValueError):
    """Base of every error this project raises on purpose."""


class GeoError(ShmapError):
    """The spatial core was given something it cannot compute with."""


class CrsError(GeoError):
    """A frame is not in the CRS a function needs (storage is EPSG:4326)."""


class DatumError(GeoError):
    """A datum name the project does not know (accepted: WGS84/CGCS2000, GCJ-02, BD-09)."""


class RecipeError(GeoError):
    """A shape recipe of a layer definition cannot be built; the message says why."""
