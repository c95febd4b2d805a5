"""``glm45``: GLM-4.5, GLM-4.5-Air, GLM-4.6, and GLM-4.7's spelling without newlines.

One ``<tool_call>`` block per call: the name, then key/value pairs, values
raw text typed by the tool's JSON schema (see :mod:`streamparse._params`)::

    <tool_call>get_weather
    <arg_key>city</arg_key>
    <arg_value>北京</arg_value>
    <arg_key>days</arg_key>
    <arg_value>3</arg_value>
    </tool_call>
    <tool_call>get_weather
    <arg_key>city</arg_key>
    <arg_value>上海</arg_value>
    </tool_call>

GLM-4.7 writes the same tags without newlines:
``<tool_call>get_weather<arg_key>city</arg_key><arg_value>北京</arg_value></tool_call>``.
The name ends at the first newline (or a literal backslash-n, as some
outputs spell it) or ``<``. Values lose their surrounding whitespace; the
template writes strings raw and everything else as JSON, so a value with
no schema is decoded when it is a JSON number, boolean, null, object or
array, and kept as a string otherwise. ``</arg_value>`` closes a value only
before whitespace and ``<arg_key>``, ``</tool_call>`` or the end of the
text. The newline between blocks is content; ``<think>`` ... ``</think>``
is reasoning (``start_in_reasoning`` for templates that open it in the
prompt).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import TAG_OPEN, XmlMachine, XmlState, value_states
from ..registry import register

CALL_BEGIN = "<tool_call>"
CALL_END = "</tool_call>"
KEY_BEGIN = "<arg_key>"
KEY_END = "</arg_key>"
VALUE_BEGIN = "<arg_value>"
VALUE_END = "</arg_value>"
NAME_END = ("\n", "\\n")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

GLM_VALUES = ValueRules(strip="whitespace", untyped="json")


def glm_states(call: tuple[str, str]) -> dict[Enum, Lex]:
    """The states of one ``(begin, end)`` pair of call tags: a name, then key/value pairs."""
    call_begin, call_end = call
    return {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, call_begin: Machine.open_call}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        XmlState.NAME: Lex(
            Machine.header, {NAME_END: Machine.commit_header, TAG_OPEN: Machine.commit_header_and_reread}
        ),
        XmlState.CALL: Lex(
            Machine.gap,
            {
                KEY_BEGIN: XmlMachine.open_param,
                call_end: Machine.close_call,
                call_begin: Machine.close_call_and_reread,
            },
        ),
        XmlState.PARAM: Lex(
            XmlMachine.param_header, {KEY_END: XmlMachine.end_key, TAG_OPEN: XmlMachine.fail_param}
        ),
        XmlState.KEY_END: Lex(
            XmlMachine.key_gap, {VALUE_BEGIN: XmlMachine.start_value, TAG_OPEN: XmlMachine.fail_param}
        ),
        **value_states(VALUE_END, (KEY_BEGIN, call_end, call_begin)),
    }


class Glm45(XmlMachine):
    name = "glm45"
    VALUE_RULES = GLM_VALUES
    STATES = glm_states((CALL_BEGIN, CALL_END))


register(Glm45)
