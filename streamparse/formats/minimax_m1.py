"""``minimax_m1``: MiniMax-M1 (40k, 80k).

Reasoning in ``<think>`` ... ``</think>``, then optional content, then one
JSON object per call inside ``<tool_calls>`` ... ``</tool_calls>`` (all plain
text, matched at any cut)::

    <think>
    Two cities, so two calls.
    </think>
    <tool_calls>
    {"name": "get_weather", "arguments": {"city": "Beijing"}}
    {"name": "get_weather", "arguments": {"city": "Shanghai"}}
    </tool_calls>

Each object is scanned as JSON, not split on lines: the name is emitted
when its string closes, the arguments streamed as they arrive (held only
if the model writes them before the name), and the object ends where its
braces balance, so a stray ``}`` after it is content and a pretty-printed
object spanning lines is still one call. ``<tool_calls>`` inside the
reasoning is reasoning text. Ids are generated.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register

CALLS_BEGIN = "<tool_calls>"
CALLS_END = "</tool_calls>"
OBJECT_BEGIN = "{"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    CALLS = "calls"
    OBJECT = "object"


class MiniMaxM1(Machine):
    name = "minimax_m1"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.CALLS
    OBJECT_STATE = State.OBJECT

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {THINK_OPEN: Machine.to_reasoning, CALLS_BEGIN: Machine.open_wrapper},
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.CALLS: Lex(
            Machine.gap,
            {CALLS_END: Machine.close_wrapper, OBJECT_BEGIN: Machine.open_call_object},
        ),
        State.OBJECT: Scan(Machine.call_object),
    }


register(MiniMaxM1)
