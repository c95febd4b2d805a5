"""``granite``: IBM Granite 3.0 and 3.1 (vLLM ``granite``).

One JSON array of ``{"name", "arguments"}`` objects after a marker: Granite
3.0 writes the special token ``<|tool_call|>``, Granite 3.1 the text
``<tool_call>``. Nothing closes the array but its ``]``::

    <|tool_call|>[{"name": "get_weather", "arguments": {"city": "Beijing"}}, {"name": "get_weather", "arguments": {"city": "Shanghai"}}]

Prose before the marker is content (vLLM's non-streaming parser, which
gives up on it, differs; we keep the prose and the calls). The marker must be followed,
after optional whitespace, by ``[``; otherwise it is content. A bare ``[``
that opens the output is an array of calls too (vLLM reads the output the
same way, with the marker optional: ``skip_special_tokens`` drops the 3.0
token). Each object is scanned as JSON, the name emitted when its string
closes and the arguments streamed as they arrive; the brackets, commas and
whitespace of the array are markup, an array with no call is content in
full, and text after the ``]`` is content from its first non-whitespace
character. Ids are generated. Granite 4.0
and 4.1 write Hermes blocks (``granite4`` is an alias of ``hermes``).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import ARRAY_ACTIONS, ARRAY_BEGIN

MARKERS = ("<|tool_call|>", "<tool_call>")


class State(Enum):
    START = "start"
    CONTENT = "content"
    MARKER = "marker"
    ARRAY = "array"
    OBJECT = "object"
    AFTER_CALLS = "after_calls"


class Granite(Machine):
    name = "granite"
    OPENING = ARRAY_BEGIN
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALLS

    def open_marker(self, marker: str) -> bool:
        """The marker: held with the array it announces (content if none follows)."""
        self.open_wrapper(marker)
        self._enter(State.MARKER)
        return True

    def open_array(self, marker: str) -> bool:
        """The ``[`` after the marker: held with it, until a call commits."""
        self.separator(marker)
        self._enter(State.ARRAY)
        return True

    STATES = {
        State.START: Lex(Machine.leading, {ARRAY_BEGIN: Machine.open_wrapper, MARKERS: open_marker}),
        State.CONTENT: Lex(Machine.content, {MARKERS: open_marker}),
        State.MARKER: Lex(Machine.expect_call, {ARRAY_BEGIN: open_array}),
        State.ARRAY: Lex(Machine.gap, ARRAY_ACTIONS),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALLS: Lex(Machine.trailing, {MARKERS: open_marker}),
    }

    def after_call_object(self) -> None:
        self._enter(State.ARRAY if self.in_wrapper else State.AFTER_CALLS)


register(Granite)
