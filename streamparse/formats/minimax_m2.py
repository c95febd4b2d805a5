"""``minimax_m2``: MiniMax-M2 family (XML invokes inside ``<minimax:tool_call>``).

The generation prompt ends with ``<think>\\n``, so the output starts inside
the reasoning (``start_in_reasoning=True``); calls are ``<invoke>``
elements in a ``<minimax:tool_call>`` block, values raw text typed by the
tool's JSON schema (see :mod:`streamparse._params`)::

    <think>
    Two lookups.
    </think>

    <minimax:tool_call>
    <invoke name="get_weather">
    <parameter name="city">Beijing</parameter>
    <parameter name="days">3</parameter>
    </invoke>
    <invoke name="get_weather">
    <parameter name="city">Shanghai</parameter>
    </invoke>
    </minimax:tool_call>

The name is known at the ``>`` after ``<invoke name="NAME"``; names and
keys may be double- or single-quoted. Values lose their surrounding
whitespace; ``null``, ``none`` and ``nil`` are null words and ``1``/``0``,
``yes``/``no`` booleans (as MiniMax's reference parser reads them).
Without a schema for a parameter, its value is a string. ``</parameter>``
closes a value only before whitespace and ``<parameter name=``,
``</invoke>``, a block tag or the end of the text. Whitespace between
invokes is markup; a block with no invoke is content in full.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

BLOCK = ("<minimax:tool_call>", "</minimax:tool_call>")
INVOKE = ("<invoke name=", "</invoke>")
PARAMETER = ("<parameter name=", "</parameter>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

MINIMAX_VALUES = ValueRules(
    strip="whitespace",
    null_words=frozenset({"null", "none", "nil"}),
    true_words=frozenset({"true", "1", "yes"}),
    false_words=frozenset({"false", "0", "no"}),
    null_for_strings=True,
)


class MiniMaxM2(XmlMachine):
    name = "minimax_m2"
    VALUE_RULES = MINIMAX_VALUES

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(block=BLOCK, call=INVOKE, param=PARAMETER),
    }


register(MiniMaxM2)
