"""``granite_20b_fc``: IBM granite-20b-functioncalling (vLLM ``granite-20b-fc``).

Each call is ``<function_call>``, optional whitespace, and one JSON object
``{"name", "arguments"}``; parallel calls repeat the marker (plain text,
matched at any cut)::

    I'll check both cities. <function_call> {"name": "get_weather", "arguments": {"city": "Beijing"}} <function_call> {"name": "get_weather", "arguments": {"city": "Shanghai"}}

The text before the first marker is content. A marker not followed by an
object (after whitespace) is content. Each object is scanned as JSON, the
name emitted when its string closes and the arguments streamed as they
arrive; whitespace after a call is markup, and other text after it is
content from its first non-whitespace character, up to the next marker
(vLLM drops such text; nothing is dropped here). Ids are generated.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register

CALL_BEGIN = "<function_call>"
OBJECT_BEGIN = "{"


class State(Enum):
    CONTENT = "content"
    MARKER = "marker"
    OBJECT = "object"
    AFTER_CALL = "after_call"


class Granite20bFC(Machine):
    name = "granite_20b_fc"
    CONTENT = State.CONTENT
    # Each marker is a wrapper of its own, held until its call commits.
    WRAPPER_STATE = State.MARKER
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALL

    STATES = {
        State.CONTENT: Lex(Machine.content, {CALL_BEGIN: Machine.open_wrapper}),
        State.MARKER: Lex(Machine.expect_call, {OBJECT_BEGIN: Machine.open_call_object}),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALL: Lex(Machine.trailing, {CALL_BEGIN: Machine.open_wrapper}),
    }

    def after_call_object(self) -> None:
        if self.in_wrapper:
            self._end_wrapper()  # the call was the marker's one object
        else:
            self._enter(State.AFTER_CALL)


register(Granite20bFC)
