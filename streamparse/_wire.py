"""The OpenAI layer: events -> ``ChoiceDelta`` dicts.

Deltas are plain dicts in the wire shape of OpenAI's ``ChoiceDelta``
(``content``, ``reasoning_content``, ``tool_calls``), ready for
``json.dumps``. Measured on CPython 3.11: a nested dict costs about 0.5 µs
to build, the same pydantic model about 4 µs, against a per-delta budget
of 2 µs, so pydantic stays at the edges (tools, results).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypedDict

from .events import CallArguments, CallStart, Event, Reasoning, Text

__all__ = ["ChoiceDelta", "FunctionDelta", "ToolCallDelta", "events_to_delta"]


class FunctionDelta(TypedDict, total=False):
    name: str
    arguments: str


class ToolCallDelta(TypedDict, total=False):
    index: int
    id: str
    type: Literal["function"]
    function: FunctionDelta


class ChoiceDelta(TypedDict, total=False):
    content: str
    reasoning_content: str
    tool_calls: list[ToolCallDelta]


def events_to_delta(events: Sequence[Event]) -> ChoiceDelta | None:
    """Merge one feed's events into one delta (None when there is nothing).

    A call's first delta carries ``index``, ``id``, ``type`` and the whole
    ``function.name`` with ``arguments`` (possibly ``""``, as OpenAI sends);
    later ones carry ``index`` and ``function.arguments`` only.
    """
    if len(events) == 1:
        # The common case: one fragment of arguments or of content.
        event = events[0]
        if type(event) is CallArguments:
            return {"tool_calls": [{"index": event[0], "function": {"arguments": event[1]}}]}
        if type(event) is Text:
            return {"content": event[0]}
    elif not events:
        return None
    content: list[str] | None = None
    reasoning: list[str] | None = None
    calls: dict[int, ToolCallDelta] | None = None
    for event in events:
        if type(event) is CallArguments:
            if calls is None:
                calls = {}
            entry = calls.get(event[0])
            if entry is None:
                calls[event[0]] = {"index": event[0], "function": {"arguments": event[1]}}
            else:
                function = entry["function"]
                function["arguments"] = function.get("arguments", "") + event[1]
        elif type(event) is Text:
            if content is None:
                content = [event[0]]
            else:
                content.append(event[0])
        elif type(event) is CallStart:
            if calls is None:
                calls = {}
            calls[event[0]] = {
                "index": event[0],
                "id": event[1],
                "type": "function",
                "function": {"name": event[2], "arguments": ""},
            }
        elif type(event) is Reasoning:
            if reasoning is None:
                reasoning = [event[0]]
            else:
                reasoning.append(event[0])
    if content is None and reasoning is None and calls is None:
        return None
    delta: ChoiceDelta = {}
    if reasoning is not None:
        delta["reasoning_content"] = "".join(reasoning)
    if content is not None:
        delta["content"] = "".join(content)
    if calls is not None:
        delta["tool_calls"] = list(calls.values())
    return delta
