"""The one exception hierarchy of streamparse.

Bad model output never raises: it becomes content, or flagged arguments.
These exceptions are for mistakes in how the library is called.
"""

from __future__ import annotations

__all__ = ["StreamParseError", "UsageError"]


class StreamParseError(Exception):
    """Base class of every exception streamparse raises on purpose."""


class UsageError(StreamParseError, ValueError):
    """The API was called wrongly (unknown dialect, feeding after finish(), bad tools).

    The message names the fix.
    """
