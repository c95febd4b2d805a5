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
``</think>`` (later thinking models of the family) is reasoning. Without a
schema for a parameter, its value is a string.

Qwen3.5 sometimes opens its call before ``</think>``: ``<tool_call>``
followed by ``<function=`` (directly, or after a newline, a blank line or a
space) ends the reasoning there, as vLLM's and SGLang's Qwen3 reasoning
parsers do. A ``<tool_call>`` followed by anything else is a mention and
stays reasoning text.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

BLOCK = ("<tool_call>", "</tool_call>")
FUNCTION = ("<function=", "</function>")
PARAMETER = ("<parameter=", "</parameter>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

# Qwen3-Coder's first template writes True/False/None for non-string scalars; later ones write JSON.
# "null" is null whatever the type, as vLLM's and SGLang's parsers read it.
QWEN_VALUES = ValueRules(strip="newline", null_words=frozenset({"null", "none"}), null_for_strings=True)

# Whole markers rather than <tool_call> alone: the lexer then holds a trailing
# "<tool_call>\n" only until the next characters show whether <function= follows.
CALL_IN_REASONING = tuple(BLOCK[0] + space + FUNCTION[0] for space in ("", "\n", "\n\n", " "))


def end_reasoning_at_call(machine: Machine, marker: str) -> bool:
    """A call opened before ``</think>``: the reasoning ends, and the call's markup is read again as content."""
    machine.to_content(marker)
    return False


class Qwen3Coder(XmlMachine):
    name = "qwen3_coder"
    VALUE_RULES = QWEN_VALUES

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(
            Machine.reasoning, {THINK_CLOSE: Machine.to_content, CALL_IN_REASONING: end_reasoning_at_call}
        ),
        **block_states(block=BLOCK, call=FUNCTION, param=PARAMETER),
    }


register(Qwen3Coder)
