"""``hunyuan_a13b``: Tencent Hunyuan-A13B-Instruct.

The reply sits in an ``<answer>`` wrapper after the reasoning; calls are one
JSON array of ``{"name", "arguments"}`` objects inside ``<tool_calls>`` ...
``</tool_calls>`` (all plain text, matched at any cut)::

    <think>
    Two cities, so two calls.
    </think>
    <answer>
    <tool_calls>[{"name": "get_weather", "arguments": {"city": "Beijing"}}, {"name": "get_weather", "arguments": {"city": "Shanghai"}}]</tool_calls>
    </answer>

``<think>`` ... ``</think>`` is reasoning; ``<tool_calls>`` inside it is
reasoning text (vLLM ignores a block inside ``<think>``). ``<answer>`` and
``</answer>`` are markup wherever they stand outside the reasoning, and the
block may sit inside the answer or outside it. Whitespace is kept as the
other dialects keep it: the newlines around the tags are content (vLLM's
reasoning parser strips ``<think>\\n``, ``\\n</think>\\n<answer>\\n`` and
``\\n</answer>`` as whole token sequences; the text between is the same).

Each object is scanned as JSON (``</tool_calls>`` inside a string is string
text): the name is emitted when its string closes and the arguments are
streamed as they arrive. Inside the block the brackets and commas are
markup; a block with no call is content in full. ``</answer>`` or a second
``<tool_calls>`` ends a block whose ``</tool_calls>`` is missing. Ids are
generated. The vendor's prompt asks for plain replies to start with
``助手：`` ("Assistant:"); vLLM removes it from a reply without calls, we
keep it as content (it is what the model wrote).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import marked_array_actions

CALLS_BEGIN = "<tool_calls>"
CALLS_END = "</tool_calls>"
ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    CALLS = "calls"
    OBJECT = "object"


class HunyuanA13B(Machine):
    name = "hunyuan_a13b"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.CALLS
    OBJECT_STATE = State.OBJECT

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                (ANSWER_OPEN, ANSWER_CLOSE): Machine.markup,
                CALLS_BEGIN: Machine.open_wrapper,
            },
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.CALLS: Lex(
            Machine.gap,
            {
                **marked_array_actions(CALLS_BEGIN, CALLS_END),
                ANSWER_CLOSE: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
    }


register(HunyuanA13B)
