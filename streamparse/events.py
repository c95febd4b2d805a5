"""The event level: what a dialect machine reports, before any wire format.

Servers that build their own wire objects use :meth:`StreamParser.feed_events`
and :meth:`StreamParser.finish_events`. Each ``feed()`` yields at most one
event of a kind per call between state changes, in input order.
"""

from __future__ import annotations

from typing import NamedTuple, Union

from ._machine import ARGS, END, REASONING, START, TEXT, Record

__all__ = [
    "CallArguments",
    "CallEnd",
    "CallStart",
    "Event",
    "Reasoning",
    "Text",
    "to_events",
]


class Text(NamedTuple):
    """Content for the user."""

    text: str


class Reasoning(NamedTuple):
    """Reasoning (``reasoning_content``)."""

    text: str


class CallStart(NamedTuple):
    """A call exists: its index (0, 1, ... in order), id and complete name."""

    index: int
    id: str
    name: str


class CallArguments(NamedTuple):
    """A fragment of a call's arguments; the fragments concatenate to the arguments."""

    index: int
    text: str


class CallEnd(NamedTuple):
    """A call is over. ``complete`` is False when the text ended inside it."""

    index: int
    complete: bool


Event = Union[Text, Reasoning, CallStart, CallArguments, CallEnd]


def to_events(records: list[Record]) -> list[Event]:
    events: list[Event] = []
    for record in records:
        kind = record[0]
        if kind == TEXT:
            events.append(Text(record[2]))
        elif kind == REASONING:
            events.append(Reasoning(record[2]))
        elif kind == ARGS:
            events.append(CallArguments(record[1], record[2]))
        elif kind == START:
            events.append(CallStart(record[1], record[2], record[3]))
        elif kind == END:
            events.append(CallEnd(record[1], record[2]))
    return events
