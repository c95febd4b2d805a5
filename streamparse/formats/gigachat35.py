"""``gigachat35``: Sber GigaChat 3.5 (SGLang ``gigachat35``; vLLM has no parser for it).

DeepSeek DSML's layout with GigaChat's own prefix: ``invoke`` elements in
one ``tool_calls`` block, each parameter saying in its ``string`` attribute
whether its value is raw text or JSON::

    Need both.</think>I'll check both.
    <｜GCML｜tool_calls>
    <｜GCML｜invoke name="get_weather">
    <｜GCML｜parameter name="city" string="true">Beijing</｜GCML｜parameter>
    <｜GCML｜parameter name="unit" string="true">celsius</｜GCML｜parameter>
    </｜GCML｜invoke>
    <｜GCML｜invoke name="search">
    <｜GCML｜parameter name="query" string="true">Shanghai metro hours</｜GCML｜parameter>
    <｜GCML｜parameter name="top_k" string="false">3</｜GCML｜parameter>
    </｜GCML｜invoke>
    </｜GCML｜tool_calls>

(``｜`` is U+FF5C FULLWIDTH VERTICAL LINE; the tags are text.) Values are
read as in ``deepseek_v32`` (see :mod:`streamparse.formats.deepseek_v32`),
through the same ``string`` attribute support: ``string="true"`` streams
the value as raw text, verbatim; ``string="false"`` makes it JSON, or the
raw text as a string when it is not JSON. The schema is not consulted. A
parameter without the attribute is read as ``string="false"`` (SGLang
skips it; nothing is dropped here).

Layout. Whitespace between tags is markup; a block with no call is content
in full. ``<|message_sep|>`` and ``</s>`` (the end of a message) are markup
in content and in the block. SGLang also drops the newlines at the end of
the content before the block; here they stay content, as the other block
dialects keep them.

Reasoning. ``<think>`` ... ``</think>`` (SGLang reads it with DeepSeek-R1's
reasoning parser): the prompt opens ``<think>`` in thinking mode, so the
output holds only ``</think>`` (as above): pass ``start_in_reasoning=True``
then. A block before ``</think>`` is reasoning text, as in SGLang.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register
from .deepseek_v32 import DSML_VALUES

PREFIX = "｜GCML｜"
BLOCK = (f"<{PREFIX}tool_calls>", f"</{PREFIX}tool_calls>")
INVOKE = (f"<{PREFIX}invoke name=", f"</{PREFIX}invoke>")
PARAMETER = (f"<{PREFIX}parameter name=", f"</{PREFIX}parameter>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
END_OF_MESSAGE = ("<|message_sep|>", "</s>")


class GigaChat35(XmlMachine):
    name = "gigachat35"
    VALUE_RULES = DSML_VALUES
    MISSING_STRING_FLAG = False

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                BLOCK[0]: Machine.open_wrapper,
                END_OF_MESSAGE: Machine.markup,
            },
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **block_states(
            block=BLOCK,
            call=INVOKE,
            param=PARAMETER,
            between_calls={END_OF_MESSAGE: Machine.markup},
            string_attribute=True,
        ),
    }


register(GigaChat35)
