"""``plamo3``: Preferred Networks PLaMo 3 (vLLM ``plamo3``, tool and reasoning parser).

Every marker is text written in several tokens (``<|plamo:begin_``,
``<|plamo:end_`` and ``:plamo|>`` are tokens, the word between them is
ordinary text), so markers may arrive cut anywhere; arguments are JSON::

    Two lookups.<|plamo:end_think:plamo|>I'll check both.<|plamo:begin_tool_requests:plamo|><|plamo:begin_tool_request:plamo|><|plamo:begin_tool_name:plamo|>get_weather<|plamo:end_tool_name:plamo|><|plamo:begin_tool_arguments:plamo|><|plamo:constrain|>json<|plamo:msg|>{"city": "Beijing", "unit": "celsius"}<|plamo:end_tool_arguments:plamo|><|plamo:end_tool_request:plamo|><|plamo:end_tool_requests:plamo|>

(one line in reality; more ``begin_tool_request`` ... ``end_tool_request``
blocks follow for more calls). The name is the text between the name
markers (whitespace around it dropped), known at ``end_tool_name``; the
arguments are the JSON value after ``<|plamo:constrain|>json<|plamo:msg|>``,
streamed as written and ended where the value ends. Text in the arguments
part that is no JSON value is passed on as written (the final check flags
it); a call without arguments has ``{}``. The markers of the request block
and whitespace between them are markup; other text between calls is
content, and a block that holds no call is content in full. A lone
``begin_tool_request`` outside a block is a call too. ``<|plamo:tag|>``
(end of turn, one token) is markup. vLLM drops content before the block
that is only whitespace; here it stays content.

Reasoning. ``<|plamo:begin_think:plamo|>`` ... ``<|plamo:end_think:plamo|>``.
Thinking is on by default and the prompt opens it (as above): pass
``start_in_reasoning=True`` then, as vLLM's parser starts inside the
reasoning. The tool-requests opener ends the reasoning (vLLM).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from ..registry import register
from .qwen3_coder import end_reasoning_at_call


def marker(edge: str, word: str) -> str:
    """``<|plamo:begin_WORD:plamo|>`` or ``<|plamo:end_WORD:plamo|>``."""
    return f"<|plamo:{edge}_{word}:plamo|>"


THINK = (marker("begin", "think"), marker("end", "think"))
REQUESTS = (marker("begin", "tool_requests"), marker("end", "tool_requests"))
REQUEST = (marker("begin", "tool_request"), marker("end", "tool_request"))
NAME = (marker("begin", "tool_name"), marker("end", "tool_name"))
ARGUMENTS = (marker("begin", "tool_arguments"), marker("end", "tool_arguments"))
JSON_CONSTRAINT = "<|plamo:constrain|>json<|plamo:msg|>"
END_OF_TURN = "<|plamo:tag|>"
OBJECT_BEGIN = "{"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    REQUESTS = "requests"  # the block, between calls
    REQUEST = "request"  # after begin_tool_request, before the name
    NAME = "name"
    BEFORE_VALUE = "before_value"  # after the name: the arguments' markers, then their JSON
    VALUE = "value"
    AFTER_VALUE = "after_value"


def raw_arguments(machine: Machine, text: str) -> int:
    """Text of the arguments part that is no JSON value: passed on as written (whitespace dropped).

    Not ``Machine.stripped_args`` itself: the arguments are a JSON value, whose strings may hold
    any marker (the property strategies read marker-delimited arguments from that handler).
    """
    return machine.stripped_args(text)


# Markers that end a call wherever it stands.
CALL_ENDS: dict[str | tuple[str, ...], MarkerAction] = {
    REQUEST[1]: Machine.close_call,
    REQUESTS[1]: Machine.close_call_and_wrapper,
    (REQUEST[0], END_OF_TURN): Machine.close_call_and_reread,
}
# Markers that cannot stand before a call's name: it is no call.
NOT_IN_HEADER = (*REQUESTS, *ARGUMENTS, JSON_CONSTRAINT, END_OF_TURN)


class Plamo3(Machine):
    name = "plamo3"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.REQUESTS
    HEADER_STATE = State.REQUEST
    NAME_STATE = State.NAME
    ARGS_STATE = State.BEFORE_VALUE
    JSON_ARGS_STATE = State.VALUE
    AFTER_JSON_ARGS_STATE = State.AFTER_VALUE

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {
                THINK[0]: Machine.to_reasoning,
                REQUESTS[0]: Machine.open_wrapper,
                REQUEST[0]: Machine.open_call,
                END_OF_TURN: Machine.markup,
            },
        ),
        State.REASONING: Lex(
            Machine.reasoning,
            {THINK[1]: Machine.to_content, REQUESTS[0]: end_reasoning_at_call, END_OF_TURN: Machine.markup},
        ),
        State.REQUESTS: Lex(
            Machine.gap,
            {
                REQUEST[0]: Machine.open_call,
                REQUESTS[1]: Machine.close_wrapper,
                REQUESTS[0]: Machine.close_wrapper_and_reread,
                END_OF_TURN: Machine.markup,
            },
        ),
        State.REQUEST: Lex(
            Machine.blank_before_header,
            {NAME[0]: Machine.restart_header, (*REQUEST, NAME[1], *NOT_IN_HEADER): Machine.fail_call},
        ),
        State.NAME: Lex(
            Machine.header,
            {
                NAME[1]: Machine.commit_header,
                # The name's end marker missing: the arguments' opener ends the name.
                ARGUMENTS[0]: Machine.commit_header_and_reread,
                (*REQUEST, NAME[0], *REQUESTS, ARGUMENTS[1], JSON_CONSTRAINT, END_OF_TURN): Machine.fail_call,
            },
        ),
        State.BEFORE_VALUE: Lex(
            raw_arguments,
            {
                (ARGUMENTS[0], JSON_CONSTRAINT, ARGUMENTS[1]): Machine.markup,
                OBJECT_BEGIN: Machine.start_json_args,
                **CALL_ENDS,
            },
        ),
        State.VALUE: Scan(Machine.json_args),
        State.AFTER_VALUE: Lex(raw_arguments, {ARGUMENTS[1]: Machine.markup, **CALL_ENDS}),
    }


register(Plamo3)
