"""``jamba``: AI21 Jamba 1.5 / 1.6 / 1.7 (vLLM ``jamba``).

Content, then one JSON array of ``{"name", "arguments"}`` objects inside
the special tokens ``<tool_calls>`` ... ``</tool_calls>``::

    I'll check both. <tool_calls>[{"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}, {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}]</tool_calls>

Each object is scanned as JSON (``</tool_calls>`` inside a string is string
text): the name is emitted when its string closes and the arguments are
streamed as they arrive. Inside the block the brackets, commas and
whitespace are markup; stray text there is content; a block with no call
is content in full; a second ``<tool_calls>`` ends a block whose
``</tool_calls>`` is missing. Text before and after the block is content
as written: vLLM's non-streaming parser drops a content of exactly one
space (the separator before the block), its streaming parser keeps it, and
so do we. Jamba has no reasoning markers. Ids are generated. The wrapper
strings are minimax_m1's, but that format holds one object per line.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import marked_array_actions

CALLS_BEGIN = "<tool_calls>"
CALLS_END = "</tool_calls>"


class State(Enum):
    CONTENT = "content"
    CALLS = "calls"
    OBJECT = "object"


class Jamba(Machine):
    name = "jamba"
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.CALLS
    OBJECT_STATE = State.OBJECT

    STATES = {
        State.CONTENT: Lex(Machine.content, {CALLS_BEGIN: Machine.open_wrapper}),
        State.CALLS: Lex(Machine.gap, marked_array_actions(CALLS_BEGIN, CALLS_END)),
        State.OBJECT: Scan(Machine.call_object),
    }


register(Jamba)
