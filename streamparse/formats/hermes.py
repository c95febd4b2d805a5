"""``hermes``: Qwen2.5, Qwen3 (incl. 2507), QwQ, NousResearch Hermes 2 Pro / 3.

One ``<tool_call>`` block per call, holding a JSON object; Qwen's template
puts newlines inside the block and between blocks::

    I'll look both up.
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Beijing"}}
    </tool_call>
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Shanghai"}}
    </tool_call>

The object is scanned as JSON: ``</tool_call>`` inside a string is string
text, the name is emitted when its string closes, and arguments written
before the name (the Hermes 2 Pro prompt's order) are held until it is
known. ``parameters`` is accepted for ``arguments``; a string value that
holds an object is decoded (double-encoded arguments), any other string is
passed on as written. A member that is not part of a call before the call
commits (``"args"``, ``"input"``) makes the block content; after it, the
member is skipped and flagged (``unexpected_member``). Each block is a wrapper of its own: a
block without a call object is content in full, and the newline between
blocks is content, as DIALECTS.md says. A ``<tool_call>`` while a block is
still open ends that block. ``<think>`` ... ``</think>`` is reasoning, and
``<tool_call>`` inside it is reasoning text.

Small models sometimes write the object as a Python dict,
``{'name': 'get_weather', 'arguments': {'city': 'Beijing'}}`` (Qwen-Agent
reads blocks with json5, so the vendor accepts it): an object that opens
with ``{'`` is converted to JSON as it streams (``True``/``None`` become
``true``/``null``) and then read like any other.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan, StateSpec
from ..registry import register

CALL_BEGIN = "<tool_call>"
CALL_END = "</tool_call>"
OBJECT_BEGIN = "{"
PYTHON_OBJECT_BEGIN = "{'"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    BLOCK = "block"
    OBJECT = "object"
    PYTHON_OBJECT = "python_object"


def hermes_states(
    call_begin: str, call_end: str, think_open: str, think_close: str, reasoning_calls: bool = False
) -> dict[Enum, StateSpec]:
    """The states of a Hermes-style dialect with its own marker strings (longcat).

    ``reasoning_calls``: a block inside the reasoning is a call block, and the
    reasoning resumes after it (trinity); else it is reasoning text.
    """
    reasoning: dict[str | tuple[str, ...], MarkerAction] = {think_close: Machine.to_content}
    if reasoning_calls:
        reasoning[call_begin] = Machine.open_wrapper_in_reasoning
    return {
        State.CONTENT: Lex(
            Machine.content,
            {think_open: Machine.to_reasoning, call_begin: Machine.open_wrapper},
        ),
        State.REASONING: Lex(Machine.reasoning, reasoning),
        State.BLOCK: Lex(
            Machine.gap,
            {
                call_end: Machine.close_wrapper,
                OBJECT_BEGIN: Machine.open_call_object,
                PYTHON_OBJECT_BEGIN: Machine.open_python_call_object,
                call_begin: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
        State.PYTHON_OBJECT: Scan(Machine.python_call_object),
    }


class Hermes(Machine):
    name = "hermes"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.BLOCK
    OBJECT_STATE = State.OBJECT
    PYTHON_OBJECT_STATE = State.PYTHON_OBJECT

    STATES = hermes_states(CALL_BEGIN, CALL_END, THINK_OPEN, THINK_CLOSE)


register(Hermes)
