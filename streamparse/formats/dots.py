"""``dots``: rednote dots (vLLM and SGLang ``dots``).

``minimax_m2``'s invokes in a ``<dots_function_call>`` block; several
blocks may follow one another. Values are raw text typed by the tool's JSON
schema (see :mod:`streamparse._params`)::

    <think>Two lookups.</think>I'll check both.
    <dots_function_call>
    <invoke name="get_weather">
    <parameter name="city">Beijing</parameter>
    <parameter name="unit">celsius</parameter>
    </invoke>
    <invoke name="search">
    <parameter name="query">Shanghai metro hours</parameter>
    <parameter name="top_k">3</parameter>
    </invoke>
    </dots_function_call>

The tags are text. The name is known at the ``>`` after ``<invoke
name="NAME"``; names and keys may be quoted (either quote) or not. Values
lose their surrounding whitespace; ``null`` is null whatever the schema;
a value without a usable schema is decoded when it is JSON and kept as a
string otherwise (SGLang also repairs broken JSON; here it stays the
string as written). ``</parameter>`` closes a value only before whitespace
and another parameter, ``</invoke>``, a block tag or the end of the text.
Whitespace between invokes is markup; a block with no call is content in
full. A JSON object ``{"name": ..., "arguments": ...}`` (or
``"parameters"``) standing directly in the block is a call too, its
arguments as written (the engines' fallback). ``<think>`` ... ``</think>``
is reasoning (SGLang's Qwen3 reasoning parser; vLLM has none for dots); a
block before ``</think>`` is reasoning text.
"""

from __future__ import annotations

from .._machine import Lex, Machine, Scan
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register
from .minimax_m2 import INVOKE, OBJECT_BEGIN, PARAMETER, THINK_CLOSE, THINK_OPEN

BLOCK = ("<dots_function_call>", "</dots_function_call>")

DOTS_VALUES = ValueRules(strip="whitespace", untyped="json", null_for_strings=True)


class Dots(XmlMachine):
    name = "dots"
    VALUE_RULES = DOTS_VALUES
    OBJECT_STATE = XmlState.OBJECT

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(
            block=BLOCK, call=INVOKE, param=PARAMETER, between_calls={OBJECT_BEGIN: Machine.open_call_object}
        ),
        XmlState.OBJECT: Scan(Machine.call_object),
    }


register(Dots)
