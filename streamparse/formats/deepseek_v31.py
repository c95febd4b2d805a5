"""``deepseek_v31``: DeepSeek-V3.1, V3.1-Terminus, V3.2-Exp (raw JSON arguments).

Every marker is one special token; the bars are U+FF5C (FULLWIDTH VERTICAL
LINE) and the word separator U+2581 (LOWER ONE EIGHTH BLOCK)::

    <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Beijing"}<｜tool▁call▁end｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Shanghai"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>

``<｜tool▁sep｜>`` separates name and arguments. Content may precede the
block; a trailing ``<｜end▁of▁sentence｜>`` is markup. Thinking mode opens
``<think>`` in the prompt (``start_in_reasoning=True``); ``</think>`` ends
the reasoning. Ids are generated. The layout is Kimi-K2's, so the dialect
is its table with other markers.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction
from ..registry import register

CALLS_BEGIN = "<｜tool▁calls▁begin｜>"
CALLS_END = "<｜tool▁calls▁end｜>"
CALL_BEGIN = "<｜tool▁call▁begin｜>"
SEPARATOR = "<｜tool▁sep｜>"
CALL_END = "<｜tool▁call▁end｜>"
END_OF_SENTENCE = "<｜end▁of▁sentence｜>"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


# The states outside a call, shared with deepseek_v3.
CONTENT_ACTIONS: dict[str | tuple[str, ...], MarkerAction] = {
    CALLS_BEGIN: Machine.open_wrapper,
    CALL_BEGIN: Machine.open_call,
    THINK_OPEN: Machine.to_reasoning,
    END_OF_SENTENCE: Machine.markup,
}
REASONING_ACTIONS: dict[str | tuple[str, ...], MarkerAction] = {THINK_CLOSE: Machine.to_content}
CALLS_ACTIONS: dict[str | tuple[str, ...], MarkerAction] = {
    CALL_BEGIN: Machine.open_call,
    CALLS_END: Machine.close_wrapper,
}


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    CALLS = "calls"
    HEADER = "header"
    ARGUMENTS = "arguments"


class DeepSeekV31(Machine):
    name = "deepseek_v31"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.CALLS
    HEADER_STATE = State.HEADER
    ARGS_STATE = State.ARGUMENTS

    STATES = {
        State.CONTENT: Lex(Machine.content, CONTENT_ACTIONS),
        State.REASONING: Lex(Machine.reasoning, REASONING_ACTIONS),
        State.CALLS: Lex(Machine.gap, CALLS_ACTIONS),
        State.HEADER: Lex(
            Machine.header,
            {
                SEPARATOR: Machine.commit_header,
                (CALL_BEGIN, CALL_END, CALLS_END, CALLS_BEGIN): Machine.fail_call,
            },
        ),
        State.ARGUMENTS: Lex(
            Machine.stripped_args,
            {
                CALL_END: Machine.close_call,
                CALLS_END: Machine.close_call_and_wrapper,
                (CALL_BEGIN, CALLS_BEGIN): Machine.close_call_and_reread,
            },
        ),
    }


register(DeepSeekV31)
