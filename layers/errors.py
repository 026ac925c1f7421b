"""The errors of the layer floor: layer data, selections and outputs (all :class:`ShmapError`)."""

from __future__ import annotations

from geo.errors import ShmapError

__all__ = ["EmptySelectionError", "LayerError", "LayersError", "UsageError"]


class LayersError(ShmapError):
    """Base of the layer floor's errors."""


class LayerError(LayersError):
    """A layer data file breaks the schema; the message lists every problem."""


class UsageError(LayersError):
    """A command was asked for something it cannot do (unknown id, unwritable output …)."""


class EmptySelectionError(LayersError):
    """An export was asked for a selection with no feature (nothing would be written)."""
