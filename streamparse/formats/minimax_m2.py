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

M2 sometimes writes MiniMax-M1's block instead (when served with M1's
template; MiniMax-AI/MiniMax-M2#14): ``<tool_calls>``, one JSON object
``{"name": ..., "arguments": {...}}`` per call, ``</tool_calls>``. It is read
as ``minimax_m1`` reads it (the shared call-object scan; arguments as
written, not typed by the schema). Both blocks share one state between
calls, so an object may also stand between invokes and either end tag
closes either block.
"""

from __future__ import annotations

from .._machine import Lex, Machine, Scan
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

BLOCK = ("<minimax:tool_call>", "</minimax:tool_call>")
INVOKE = ("<invoke name=", "</invoke>")
PARAMETER = ("<parameter name=", "</parameter>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
M1_BLOCK = ("<tool_calls>", "</tool_calls>")
OBJECT_BEGIN = "{"

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
    OBJECT_STATE = XmlState.OBJECT

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content,
            {THINK_OPEN: Machine.to_reasoning, (BLOCK[0], M1_BLOCK[0]): Machine.open_wrapper},
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(
            block=BLOCK,
            call=INVOKE,
            param=PARAMETER,
            between_calls={
                OBJECT_BEGIN: Machine.open_call_object,
                M1_BLOCK[1]: Machine.close_wrapper,
                M1_BLOCK[0]: Machine.close_wrapper_and_reread,
            },
        ),
        XmlState.OBJECT: Scan(Machine.call_object),
    }


register(MiniMaxM2)
