"""``qwen3_coder``: Qwen3-Coder (480B-A35B, 30B-A3B) and later Qwen models with XML calls.

One function per ``<tool_call>`` block; parameter values are raw text,
typed by the tool's JSON schema (see :mod:`streamparse._params`)::

    I'll check both.

    <tool_call>
    <function=get_weather>
    <parameter=city>
    Beijing
    </parameter>
    <parameter=days>
    3
    </parameter>
    </function>
    </tool_call>
    <tool_call>
    <function=get_weather>
    <parameter=city>
    Shanghai
    </parameter>
    </function>
    </tool_call>

The name is known at the ``>`` after ``<function=NAME``. A value is the
text between ``<parameter=KEY>`` and ``</parameter>`` minus one leading and
one trailing newline. ``</parameter>`` closes the value only when
whitespace and then ``<parameter=``, ``</function>``, ``</tool_call>`` or
the end of the text follow; otherwise it is value text. A missing
``</parameter>``, ``</function>`` or ``</tool_call>`` is tolerated. The
newline between blocks is content, as for ``hermes``; ``<think>`` ...
``</think>`` (later thinking models of the family) is reasoning.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction
from .._params import ValueRules
from .._xml import XmlMachine
from ..registry import register

BLOCK_BEGIN = "<tool_call>"
BLOCK_END = "</tool_call>"
FUNCTION_BEGIN = "<function="
FUNCTION_END = "</function>"
PARAM_BEGIN = "<parameter="
PARAM_END = "</parameter>"
TAG_END = ">"
TAG_OPEN = "<"  # cannot be part of a name: what follows is read again as markup
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

# Qwen3-Coder's template writes True/False/None for non-string scalars; later ones write JSON.
QWEN_VALUES = ValueRules(strip="newline", null_words=frozenset({"null", "none"}))


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    BLOCK = "block"
    NAME = "name"
    CALL = "call"
    PARAM = "param"
    VALUE = "value"
    VALUE_END = "value_end"


def xml_call_states(block_begin: str, block_end: str) -> dict[Enum, Lex]:
    """The states inside a block of ``<function=...>`` calls, shared with seed_oss."""
    after_value = (PARAM_BEGIN, FUNCTION_END, block_end, block_begin)
    leave_call: dict[str | tuple[str, ...], MarkerAction] = {
        FUNCTION_END: Machine.close_call,
        block_end: Machine.close_call_and_wrapper,
        (block_begin, FUNCTION_BEGIN): Machine.close_call_and_reread,
    }
    return {
        State.BLOCK: Lex(
            Machine.gap,
            {
                FUNCTION_BEGIN: Machine.open_call,
                block_end: Machine.close_wrapper,
                block_begin: Machine.close_wrapper_and_reread,
            },
        ),
        State.NAME: Lex(Machine.header, {TAG_END: Machine.commit_header, TAG_OPEN: Machine.fail_call}),
        State.CALL: Lex(Machine.gap, {PARAM_BEGIN: XmlMachine.open_param, **leave_call}),
        State.PARAM: Lex(
            XmlMachine.param_header,
            {TAG_END: XmlMachine.start_value, TAG_OPEN: XmlMachine.fail_param},
        ),
        State.VALUE: Lex(
            XmlMachine.value,
            {PARAM_END: XmlMachine.maybe_end_value, after_value: XmlMachine.end_value_and_reread},
        ),
        State.VALUE_END: Lex(
            XmlMachine.value_end_gap,
            {PARAM_END: XmlMachine.close_tag_again, after_value: XmlMachine.end_value_and_reread},
        ),
    }


class Qwen3Coder(XmlMachine):
    name = "qwen3_coder"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.BLOCK
    HEADER_STATE = State.NAME
    ARGS_STATE = State.CALL
    PARAM_STATE = State.PARAM
    VALUE_STATE = State.VALUE
    VALUE_END_STATE = State.VALUE_END
    VALUE_RULES = QWEN_VALUES

    STATES = {
        State.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK_BEGIN: Machine.open_wrapper}
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **xml_call_states(BLOCK_BEGIN, BLOCK_END),
    }


register(Qwen3Coder)
