"""``minicpm5``: OpenBMB MiniCPM 5 (vLLM ``minicpm5``, SGLang ``minicpm5``).

Each call is a bare ``function`` element, calls back to back with no block
around them; parameter values are raw text typed by the tool's JSON schema
(see :mod:`streamparse._params`)::

    <think>Two lookups.</think>I'll check both.
    <function name="get_weather"><param name="city">Beijing</param><param name="unit">celsius</param></function><function name="search"><param name="query">Shanghai metro hours</param><param name="top_k">3</param></function>

A call opens at ``<function name=`` (the engines look for ``<function``
alone, which prose about HTML may hold); the name is known at the ``>``
after it, quoted either way. Keys are ``<param name="K">``. A value may be
written as (or hold) a CDATA section, ``<![CDATA[`` ... ``]]>``, whose text
is value text whatever it holds (``</param>`` included); the CDATA markers
are markup. Values lose their surrounding whitespace. A value the schema
types as a string is text; any other (or one without a schema) is decoded
when it is JSON; where the schema allows booleans or null, ``True``,
``False`` and ``None`` count too, and where it wants an object or array a
Python literal is converted (SGLang evaluates Python literals whatever the
schema); anything else stays a string.
``</param>`` closes a value only before whitespace and another parameter,
``</function>``, ``<function name=`` or the end of the text.

The engines drop a call whose name is not among the tools or whose
parameters the schema does not declare (SGLang), and vLLM drops the content
of a response with calls when not streaming; here every call is a call and
content is kept. vLLM's repair of tokenizer artefacts (``Ġ``/``Ċ``,
``<functionname=``) is not done. ``<think>`` ... ``</think>`` is reasoning
(SGLang's Qwen3 reasoning parser); a call before ``</think>`` is reasoning
text.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

FUNCTION = ("<function name=", "</function>")
PARAM = ("<param name=", "</param>")
CDATA = ("<![CDATA[", "]]>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

# JSON, then a Python literal (SGLang's json.loads, then ast.literal_eval), unless the schema says string.
MINICPM_VALUES = ValueRules(strip="whitespace", null_words=frozenset({"null", "none"}), untyped="json")


class MiniCPM5(XmlMachine):
    name = "minicpm5"
    VALUE_RULES = MINICPM_VALUES

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, FUNCTION[0]: Machine.open_call}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(block=None, call=FUNCTION, param=PARAM, section=CDATA),
    }


register(MiniCPM5)
