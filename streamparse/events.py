"""The event level: what a dialect machine reports, before any wire format.

Servers that build their own wire objects use :meth:`StreamParser.feed_events`
and :meth:`StreamParser.finish_events`. Each ``feed()`` yields at most one
event of a kind per call between state changes, in input order. Events
are NamedTuples: immutable, cheap, and positional (``CallArguments`` is
``(index, text)``).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CallArguments",
    "CallEnd",
    "CallFlag",
    "CallStart",
    "Event",
    "LimitExceeded",
    "Reasoning",
    "Text",
]


class Text(NamedTuple):
    """Content for the user."""

    text: str


class Reasoning(NamedTuple):
    """Reasoning (``reasoning_content``)."""

    text: str


class CallStart(NamedTuple):
    """A call exists: its index (0, 1, ... in order), id and complete name."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the wire field is named
    id: str
    name: str


class CallArguments(NamedTuple):
    """A fragment of a call's arguments; the fragments concatenate to the arguments."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the wire field is named
    text: str


class CallEnd(NamedTuple):
    """A call is over. ``complete`` is False when the text ended inside it."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the wire field is named
    complete: bool


class LimitExceeded(NamedTuple):
    """A call went past one of the parser's limits (it has no wire form).

    ``limit`` is ``max_arguments_chars`` (the call's arguments were cut at
    the limit; a ``CallEnd`` with ``complete=False`` follows) or
    ``max_calls`` (the call was dropped: no other event carries its index).
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the wire field is named
    limit: str
    detail: str


class CallFlag(NamedTuple):
    """Something about call ``index`` that its arguments alone do not show (no wire form).

    The call stands as emitted; ``ParseResult.problems`` reports the flag
    under ``kind`` (``unexpected_member``: a member of a JSON call object
    that is not part of the call was left out; ``lone_surrogate``: an
    escape of half a surrogate pair was kept as written), and a strict
    parser raises :class:`~streamparse.MalformedCallError` at it.
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the wire field is named
    kind: str
    detail: str


Event = Text | Reasoning | CallStart | CallArguments | CallEnd | LimitExceeded | CallFlag
