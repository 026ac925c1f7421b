"""The project's exceptions, in one place.

Every error a user can meet is one of these, with a message that says what, where
and how to fix it; the CLI prints the message (exit 2) and the app shows it in an
error box, never a traceback. All are ``ValueError`` subclasses, so older callers
that caught ``ValueError`` keep working.
"""

from __future__ import annotations

__all__ = ["CrsError", "EmptySelectionError", "LayerError", "ShmapError", "TableRejectedError",
           "UnreadableFileError", "UsageError"]


class ShmapError(ValueError):
    """Base of every error this project raises on purpose."""


class UnreadableFileError(ShmapError):
    """The file as a whole cannot be read; the message says why and what to do."""


class TableRejectedError(ShmapError):
    """The table was read but cannot be imported at all (e.g. no name column)."""


class LayerError(ShmapError):
    """A layer data file breaks the schema; the message lists every problem."""


class CrsError(ShmapError):
    """A frame is not in the CRS a function needs (storage is EPSG:4326)."""


class UsageError(ShmapError):
    """A command was asked for something it cannot do (unknown id, unwritable output …)."""


class EmptySelectionError(ShmapError):
    """An export was asked for a selection with no feature (nothing would be written)."""
