"""``seed_oss``: ByteDance Seed-OSS-36B (qwen3_coder's calls in ``<seed:tool_call>`` blocks).

Reasoning is ``<seed:think>`` ... ``</seed:think>``; a block may hold
several functions; values are written inline, or between newlines when
they span lines, and follow qwen3_coder's rules (one leading and one
trailing newline dropped, typed by the tool's JSON schema)::

    <seed:think>Two cities.</seed:think>
    <seed:tool_call>
    <function=get_weather>
    <parameter=city>Beijing</parameter>
    <parameter=days>3</parameter>
    </function>
    <function=get_weather>
    <parameter=city>Shanghai</parameter>
    </function>
    </seed:tool_call>

A trailing ``<seed:eos>`` is markup.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register
from .qwen3_coder import FUNCTION, PARAMETER, QWEN_VALUES

BLOCK = ("<seed:tool_call>", "</seed:tool_call>")
THINK_OPEN = "<seed:think>"
THINK_CLOSE = "</seed:think>"
END_OF_SEQUENCE = "<seed:eos>"


class SeedOss(XmlMachine):
    name = "seed_oss"
    VALUE_RULES = QWEN_VALUES

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                BLOCK[0]: Machine.open_wrapper,
                END_OF_SEQUENCE: Machine.markup,
            },
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(block=BLOCK, call=FUNCTION, param=PARAMETER),
    }


register(SeedOss)
