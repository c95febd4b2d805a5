"""``kimi_k2``: Moonshot Kimi-K2 (Instruct 0711/0905, Thinking, K2.5).

Every marker is one special token::

    I'll check both.<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Beijing"}<|tool_call_end|><|tool_call_begin|>functions.get_weather:1<|tool_call_argument_begin|>{"city": "Shanghai"}<|tool_call_end|><|tool_calls_section_end|>

The text between ``<|tool_call_begin|>`` and ``<|tool_call_argument_begin|>``
is the call id, kept verbatim (whitespace around it dropped); the name is
the id without ``functions.`` and without the last ``:IDX``. The singular
section spellings are accepted, and so are call blocks with no section.
Kimi-K2-Thinking's ``<think>`` ... ``</think>`` is reasoning; a section or
call that begins inside it ends the reasoning.

Arguments are passed on as written, minus surrounding whitespace; they end
at ``<|tool_call_end|>`` (a special token cannot occur inside a JSON
string), or at the section end or next call when the model omits it.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine
from ..registry import register

SECTION_BEGIN = ("<|tool_calls_section_begin|>", "<|tool_call_section_begin|>")
SECTION_END = ("<|tool_calls_section_end|>", "<|tool_call_section_end|>")
CALL_BEGIN = "<|tool_call_begin|>"
ARGUMENT_BEGIN = "<|tool_call_argument_begin|>"
CALL_END = "<|tool_call_end|>"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


def name_from_id(call_id: str) -> str:
    """``functions.fs.read_file:3`` -> ``fs.read_file``; malformed ids name themselves."""
    name = call_id[len("functions.") :] if call_id.startswith("functions.") else call_id
    head, colon, index = name.rpartition(":")
    if colon and head and index.isdigit():
        name = head
    return name or call_id


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    SECTION = "section"
    HEADER = "header"
    ARGUMENTS = "arguments"


class KimiK2(Machine):
    name = "kimi_k2"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.SECTION
    HEADER_STATE = State.HEADER
    ARGS_STATE = State.ARGUMENTS

    def name_and_id(self, header: str) -> tuple[str, str | None]:
        return name_from_id(header), header

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {
                SECTION_BEGIN: Machine.open_wrapper,
                CALL_BEGIN: Machine.open_call,
                THINK_OPEN: Machine.to_reasoning,
            },
        ),
        State.REASONING: Lex(
            Machine.reasoning,
            {
                THINK_CLOSE: Machine.to_content,
                SECTION_BEGIN: Machine.open_wrapper,
                CALL_BEGIN: Machine.open_call,
            },
        ),
        State.SECTION: Lex(
            Machine.gap,
            {CALL_BEGIN: Machine.open_call, SECTION_END: Machine.close_wrapper},
        ),
        State.HEADER: Lex(
            Machine.header,
            {
                ARGUMENT_BEGIN: Machine.commit_header,
                (CALL_BEGIN, CALL_END, *SECTION_END, *SECTION_BEGIN): Machine.fail_call,
            },
        ),
        State.ARGUMENTS: Lex(
            Machine.stripped_args,
            {
                CALL_END: Machine.close_call,
                SECTION_END: Machine.close_call_and_wrapper,
                (CALL_BEGIN, *SECTION_BEGIN): Machine.close_call_and_reread,
            },
        ),
    }


register(KimiK2)
