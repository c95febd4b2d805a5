"""``json_array``: the output of a forced ``tool_choice`` (``"required"`` or a named function).

A server that forces tool calls constrains the model to a JSON schema, so
the whole output is a bare JSON array of call objects, or one object::

    [{"name": "get_weather", "parameters": {"city": "Beijing"}}, {"name": "get_weather", "parameters": {"city": "Shanghai"}}]

Each object is scanned as JSON, in either key order, with ``parameters``
or ``arguments`` (a string value is decoded). Calls are recognised only
at the start of the output (after optional whitespace); any other output
is content verbatim. An array or object that holds no call is content in
full; in an array that does, other values are content. Whitespace and
``,`` between the calls are markup; text after the array is content from
its first non-whitespace character.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from ..registry import register

ARRAY_BEGIN = "["
ARRAY_END = "]"
OBJECT_BEGIN = "{"
CALL_SEPARATOR = ","


# A JSON array of call objects (shared with mistral's pre-v11 layout).
ARRAY_ACTIONS: dict[str | tuple[str, ...], MarkerAction] = {
    OBJECT_BEGIN: Machine.open_call_object,
    CALL_SEPARATOR: Machine.separator,
    ARRAY_END: Machine.close_wrapper,
}


def marked_array_actions(begin: str, end: str) -> dict[str | tuple[str, ...], MarkerAction]:
    """A JSON array of call objects between a ``begin`` and an ``end`` marker (hunyuan_a13b,
    cohere_command4), read in the wrapper state that ``begin`` opened.

    The brackets and commas are markup wherever they stand in the wrapper
    (text between calls is content, as in any wrapper); ``end`` closes it,
    and a second ``begin`` closes it too (its end marker is missing) and is
    read again.
    """
    return {
        (ARRAY_BEGIN, ARRAY_END, CALL_SEPARATOR): Machine.separator,
        OBJECT_BEGIN: Machine.open_call_object,
        end: Machine.close_wrapper,
        begin: Machine.close_wrapper_and_reread,
    }


class State(Enum):
    START = "start"
    CONTENT = "content"
    ARRAY = "array"
    OBJECT = "object"
    AFTER_CALLS = "after_calls"


class JsonArray(Machine):
    name = "json_array"
    OPENING = ARRAY_BEGIN + OBJECT_BEGIN
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALLS

    STATES = {
        State.START: Lex(
            Machine.leading,
            {ARRAY_BEGIN: Machine.open_wrapper, OBJECT_BEGIN: Machine.open_call_object},
        ),
        State.CONTENT: Lex(Machine.content, {}),
        State.ARRAY: Lex(Machine.gap, ARRAY_ACTIONS),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALLS: Lex(Machine.trailing, {}),
    }

    def after_call_object(self) -> None:
        self._enter(State.ARRAY if self.in_wrapper else State.AFTER_CALLS)


register(JsonArray)
