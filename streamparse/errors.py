"""The one exception hierarchy of streamparse.

Bad model output never raises: it becomes content, or flagged arguments.
These exceptions are for mistakes in how the library is called.
"""

from __future__ import annotations

__all__ = ["MalformedCallError", "StreamParseError", "UsageError"]


class StreamParseError(Exception):
    """Base class of every exception streamparse raises on purpose."""


class UsageError(StreamParseError, ValueError):
    """The API was called wrongly (unknown dialect, feeding after finish(), bad tools).

    The message names the fix.
    """


class MalformedCallError(StreamParseError, ValueError):
    """Raised only by ``strict=True`` parsers: the model's text holds a malformed tool call.

    ``offset`` is where the call's own markup starts in the response text
    (characters from its beginning): its begin marker, or the ``{`` of its
    call object. For a call inside a wrapper (kimi_k2's section, minimax_m1's
    ``<tool_calls>``, hermes' ``<tool_call>``) that is the call, not the
    wrapper, since a wrapper may hold several calls; only a wrapper marker
    that nothing call-like followed is reported at the wrapper. ``expected``
    says what was missing, and ``index`` is the call's index when it had
    been emitted (None when its markup never formed a call). The default,
    lenient parser turns the same text into content or flagged arguments
    instead. The parser that raised is finished (its ``feed()`` and
    ``finish()`` raise :class:`UsageError`): use a new one for the next response.
    """

    def __init__(self, dialect: str, offset: int, expected: str, index: int | None = None) -> None:
        what = f"call {index}" if index is not None else "tool-call markup"
        super().__init__(f"{dialect}: malformed {what} at offset {offset}: expected {expected}")
        self.dialect = dialect
        self.offset = offset
        self.expected = expected
        self.index = index
