"""``internlm``: InternLM2 / 2.5 (vLLM ``internlm``) and Intern-S1 (SGLang ``interns1``).

Each call is an action block of special tokens around one JSON object
``{"name", "parameters"}`` (``arguments`` accepted too), content before::

    I'll check both.<|action_start|><|plugin|>
    {"name": "get_weather", "parameters": {"city": "Beijing", "unit": "celsius"}}<|action_end|><|action_start|><|plugin|>
    {"name": "search", "parameters": {"query": "Shanghai metro hours", "top_k": 3}}<|action_end|>

Whitespace between ``<|action_start|>`` and ``<|plugin|>`` is markup: SGLang
only matches the spaced spelling ``<|action_start|> <|plugin|>`` (as a
detokenizer that puts spaces between special tokens writes it), vLLM's
internlm parser only the unspaced one and only one block per output; we
accept both, and any number of blocks. ``<|action_start|>`` followed by
anything but ``<|plugin|>`` (InternLM's ``<|interpreter|>`` code blocks) is
content, the block with it. The object is scanned as JSON (an end token
inside a string is string text), the name emitted when its string closes,
the arguments streamed as they arrive; a block without a call is content
in full, and a second ``<|action_start|>`` ends a block whose
``<|action_end|>`` is missing. Text between blocks is content.

``<think>`` ... ``</think>`` is reasoning (Intern-S1, which SGLang pairs
with its Qwen3 reasoning parser; InternLM2 never writes it); a block inside
it is reasoning text. Ids are generated.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register

ACTION_START = "<|action_start|>"
PLUGIN = "<|plugin|>"
ACTION_END = "<|action_end|>"
OBJECT_BEGIN = "{"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    ACTION = "action"
    BLOCK = "block"
    OBJECT = "object"


class InternLM(Machine):
    name = "internlm"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_HEADER_STATE = State.ACTION
    WRAPPER_STATE = State.BLOCK
    OBJECT_STATE = State.OBJECT

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {THINK_OPEN: Machine.to_reasoning, ACTION_START: Machine.open_wrapper_header},
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.ACTION: Lex(Machine.expect_call, {PLUGIN: Machine.end_wrapper_header}),
        State.BLOCK: Lex(
            Machine.gap,
            {
                OBJECT_BEGIN: Machine.open_call_object,
                ACTION_END: Machine.close_wrapper,
                ACTION_START: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
    }


register(InternLM)
