"""``step3``: StepFun Step-3: ``steptml`` XML invokes inside DeepSeek-like call tokens.

Each call is ``<｜tool_call_begin｜>function<｜tool_sep｜>`` (its type,
``function``), a ``<steptml:invoke>`` element with ``<steptml:parameter>``
children, and ``<｜tool_call_end｜>``; all calls sit in one block. Values
are raw text typed by the tool's JSON schema (see :mod:`streamparse._params`)::

    Checking.<｜tool_calls_begin｜>
    <｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather">
    <steptml:parameter name="city">Beijing</steptml:parameter>
    <steptml:parameter name="days">3</steptml:parameter>
    </steptml:invoke><｜tool_call_end｜>
    <｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather">
    <steptml:parameter name="city">Shanghai</steptml:parameter>
    </steptml:invoke><｜tool_call_end｜>
    <｜tool_calls_end｜>

(``｜`` is U+FF5C FULLWIDTH VERTICAL LINE; the words use ASCII
underscores, unlike DeepSeek's ``▁``.) The tokens are special tokens.

The per-call tokens and whitespace between elements are markup. A call of
another type than ``function`` is not a call: its text stays content of the
block (vLLM and SGLang skip it; nothing is dropped here). The name is known
at the ``>`` after ``<steptml:invoke name="NAME"``; names and keys may be
double- or single-quoted. Values lose their surrounding whitespace (vLLM
strips string values); without a schema for a parameter, its value is a
string (SGLang tries JSON, then a Python literal; we follow vLLM's schema
typing). ``</steptml:parameter>`` closes a value only before whitespace and
another parameter, ``</steptml:invoke>``, a block token or the end of the
text. A block with no call is content in full; text after it is content.

Reasoning: the prompt opens ``<think>`` and the model closes it with
``</think>``: pass ``start_in_reasoning=True``. A block inside the reasoning
is reasoning text.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

BLOCK = ("<｜tool_calls_begin｜>", "<｜tool_calls_end｜>")
CALL_TYPE = "<｜tool_call_begin｜>function<｜tool_sep｜>"
CALL_END = "<｜tool_call_end｜>"
INVOKE = ("<steptml:invoke name=", "</steptml:invoke>")
PARAMETER = ("<steptml:parameter name=", "</steptml:parameter>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

STEP3_VALUES = ValueRules(strip="whitespace")


class Step3(XmlMachine):
    name = "step3"
    VALUE_RULES = STEP3_VALUES

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(
            block=BLOCK,
            call=INVOKE,
            param=PARAMETER,
            between_calls={CALL_TYPE: Machine.gap_markup, CALL_END: Machine.gap_markup},
        ),
    }


register(Step3)
