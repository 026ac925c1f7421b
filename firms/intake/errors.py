"""The errors of firm intake: a firm file or table that cannot be imported (all
:class:`ShmapError`)."""

from __future__ import annotations

from geo.errors import ShmapError

__all__ = ["IntakeError", "TableRejectedError", "UnreadableFileError"]


class IntakeError(ShmapError):
    """Base of firm intake's errors."""


class UnreadableFileError(IntakeError):
    """The file as a whole cannot be read; the message says why and what to do."""


class TableRejectedError(IntakeError):
    """The table was read but cannot be imported at all (e.g. no name column)."""
