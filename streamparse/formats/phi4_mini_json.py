"""``phi4_mini_json``: Phi-4-mini-instruct (vLLM ``phi4_mini_json``).

The literal word ``functools``, then one JSON array of call objects
(``{"name", "arguments"}``, ``parameters`` accepted for ``arguments``)::

    I'll check both. functools[{"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}, {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}]

``functools`` must be followed, after optional whitespace, by ``[``;
otherwise it is content. The array is scanned as balanced JSON, objects
streamed as they arrive (the name when its string closes, the arguments as
written); its brackets, commas and whitespace are markup, an array without
a call is content in full, and text after the ``]`` is content from its
first non-whitespace character. Text before ``functools`` is content. A
later ``functools[`` opens another array. Phi-4-mini has no reasoning
markers. Ids are generated.

vLLM differs: its parser is non-streaming only (its streaming method
returns nothing), drops the content when calls are found, and its regular
expression stops at the first ``]``, so an array inside the arguments
breaks the call there.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import ARRAY_ACTIONS, ARRAY_BEGIN

MARKER = "functools"


class State(Enum):
    CONTENT = "content"
    MARKER = "marker"
    ARRAY = "array"
    OBJECT = "object"
    AFTER_CALLS = "after_calls"


class Phi4MiniJson(Machine):
    name = "phi4_mini_json"
    CONTENT = State.CONTENT
    WRAPPER_HEADER_STATE = State.MARKER
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALLS

    STATES = {
        State.CONTENT: Lex(Machine.content, {MARKER: Machine.open_wrapper_header}),
        State.MARKER: Lex(Machine.expect_call, {ARRAY_BEGIN: Machine.end_wrapper_header}),
        State.ARRAY: Lex(Machine.gap, ARRAY_ACTIONS),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALLS: Lex(Machine.trailing, {MARKER: Machine.open_wrapper_header}),
    }


register(Phi4MiniJson)
