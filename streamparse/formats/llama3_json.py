"""``llama3_json``: Llama 3.1 / 3.2 / 3.3 (and Llama 4 in JSON mode) JSON tool calls.

The reply is a bare JSON object, optionally after ``<|python_tag|>``;
several calls are joined by ``;`` or by whitespace alone (a newline)::

    <|python_tag|>{"name": "get_weather", "parameters": {"city": "Beijing"}}; {"name": "get_weather", "parameters": {"city": "Shanghai"}}

Where calls are recognised (vLLM's and SGLang's streaming rule): the JSON
object at the start of the output, after optional whitespace, or right
after a ``<|python_tag|>`` anywhere (text before the tag is content). A
``{`` inside prose is content. A leading ``{`` is held, and the object is
scanned as JSON, until it is known to be a call: its ``"name"`` string and
then a member of a call (``parameters`` or ``arguments``; arguments written
first are held until the name). An object with any other member before
that (a structured answer such as ``{"name": "Alice", "age": 30}``) is
content in full, streamed from that member on, as is a
``<|python_tag|>`` not followed by an object (built-in tool calls such as
``brave_search.call(...)``). Whitespace around the calls and the ``;``
between them are markup, and an object right after a call (after
whitespace or nothing) is read as the next call; other text after the
last call is content from its first non-whitespace character.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register

PYTHON_TAG = "<|python_tag|>"
OBJECT_BEGIN = "{"
CALL_SEPARATOR = ";"


class State(Enum):
    START = "start"
    CONTENT = "content"
    NEXT_CALL = "next_call"
    OBJECT = "object"
    AFTER_CALL = "after_call"


class Llama3Json(Machine):
    name = "llama3_json"
    OPENING = OBJECT_BEGIN
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.NEXT_CALL
    OBJECT_STATE = State.OBJECT
    INITIAL_STATE = State.START

    STATES = {
        State.START: Lex(
            Machine.leading,
            {PYTHON_TAG: Machine.open_wrapper, OBJECT_BEGIN: Machine.open_call_object},
        ),
        State.CONTENT: Lex(Machine.content, {PYTHON_TAG: Machine.open_wrapper}),
        # After <|python_tag|> or ";": an object must follow, or the tag/separator is content.
        State.NEXT_CALL: Lex(Machine.expect_call, {OBJECT_BEGIN: Machine.open_call_object}),
        State.OBJECT: Scan(Machine.call_object),
        # ";" or whitespace alone (vLLM's newest tests put a newline) separates calls.
        State.AFTER_CALL: Lex(
            Machine.trailing,
            {CALL_SEPARATOR: Machine.open_wrapper, OBJECT_BEGIN: Machine.open_call_object},
        ),
    }

    def after_call_object(self) -> None:
        self._enter(State.AFTER_CALL)


register(Llama3Json)
