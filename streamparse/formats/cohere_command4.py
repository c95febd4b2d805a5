"""``cohere_command4``: Cohere Command A, Command A Reasoning, Command A Vision, and the later
MoE Command models (vLLM ``cohere_command4`` and ``cohere_command3``, SGLang ``cohere_command4``).

Every marker is a special token. The plan or reasoning comes first, then
either the reply or one action block holding a JSON array of calls whose
keys are Cohere's own (``tool_call_id``, ``tool_name``, ``parameters``)::

    <|START_THINKING|>I will check both cities.<|END_THINKING|><|START_ACTION|>[
        {"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": "Beijing"}},
        {"tool_call_id": "1", "tool_name": "get_weather", "parameters": {"city": "Shanghai"}}
    ]<|END_ACTION|><|END_OF_TURN_TOKEN|>

A reply without calls is ``<|START_RESPONSE|>Hi!<|END_RESPONSE|>`` (MoE and
Vision models also write ``<|START_TEXT|>`` ... ``<|END_TEXT|>``).

``<|START_THINKING|>`` ... ``<|END_THINKING|>`` is reasoning; an action
block inside it is reasoning text. The reply wrappers and
``<|END_OF_TURN_TOKEN|>`` are markup (SGLang's tool detector leaves
``<|START_RESPONSE|>`` in the content of a reply without calls; the wrapper
is Cohere's markup, so it is dropped here). Text outside them is content.

Each element of the array is scanned as JSON: the call commits when its
``tool_name`` string closes and ``parameters`` (or ``arguments``) follows,
and the arguments stream as they arrive; ``"name"`` is read as the name too
(SGLang accepts it). The array may be pretty-printed; its brackets and
commas are markup, and a block with no call is content in full.
``tool_call_id`` is a decimal string counted within the message (``"0"``,
``"1"``): it is markup, and ids are generated (``call_`` + 24
alphanumerics), as SGLang does, because the count restarts in every message
and a client needs ids unique across the conversation (Cohere's template
writes the count again when the history is rendered).
``cohere_command3`` is the same wire format (a preset of Cohere's melody
parser in vLLM), so it is an alias.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import marked_array_actions

ACTION_BEGIN = "<|START_ACTION|>"
ACTION_END = "<|END_ACTION|>"
THINKING_BEGIN = "<|START_THINKING|>"
THINKING_END = "<|END_THINKING|>"
# The reply's wrappers (Command A; MoE and Vision models) and the end of the turn.
REPLY_MARKUP = (
    "<|START_RESPONSE|>",
    "<|END_RESPONSE|>",
    "<|START_TEXT|>",
    "<|END_TEXT|>",
    "<|END_OF_TURN_TOKEN|>",
)


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    ACTION = "action"
    OBJECT = "object"


class CohereCommand4(Machine):
    name = "cohere_command4"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.ACTION
    OBJECT_STATE = State.OBJECT
    SCANNER_NAME_KEYS = ("tool_name", "name")
    SCANNER_CAPTURE = ("tool_call_id",)  # kept by the scanner, not used: ids are generated

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {
                THINKING_BEGIN: Machine.to_reasoning,
                REPLY_MARKUP: Machine.markup,
                ACTION_BEGIN: Machine.open_wrapper,
            },
        ),
        State.REASONING: Lex(Machine.reasoning, {THINKING_END: Machine.to_content}),
        State.ACTION: Lex(
            Machine.gap,
            {
                **marked_array_actions(ACTION_BEGIN, ACTION_END),
                REPLY_MARKUP: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
    }


register(CohereCommand4)
