"""``deepseek_v32``, ``deepseek_v4``, ``deepseek_v41``: DeepSeek's DSML (V3.2, V4, V4.1).

One dialect family with three spellings of its tags. Calls are ``invoke``
elements in one block at the end of the message; each parameter says in
its ``string`` attribute whether its value is raw text or JSON. V4::

    I'll check both cities.

    <｜DSML｜tool_calls>
    <｜DSML｜invoke name="get_weather">
    <｜DSML｜parameter name="city" string="true">Beijing</｜DSML｜parameter>
    <｜DSML｜parameter name="days" string="false">3</｜DSML｜parameter>
    </｜DSML｜invoke>
    <｜DSML｜invoke name="get_weather">
    <｜DSML｜parameter name="city" string="true">Shanghai</｜DSML｜parameter>
    </｜DSML｜invoke>
    </｜DSML｜tool_calls>

(``｜`` is U+FF5C FULLWIDTH VERTICAL LINE.) The spellings:

==============  =============================  ====================================
dialect         block                          call / parameter tags
==============  =============================  ====================================
deepseek_v32    ``<｜DSML｜function_calls>``   ``<｜DSML｜invoke``, ``<｜DSML｜parameter``
deepseek_v4     ``<｜DSML｜tool_calls>``       the same
deepseek_v41    ``<｜DSML｜ calls>``           ``<｜DSML｜ invoke``, ``<｜DSML｜ parameter``
==============  =============================  ====================================

with the matching ``</…>`` close tags (V4.1's space after ``｜DSML｜`` is part
of every tag name). The tags are text, so they may arrive cut anywhere.

Values. ``string="true"``: the value is raw text, streamed as JSON string
content as it arrives and kept verbatim, whitespace included (vLLM keeps
it exactly; SGLang strips the whitespace around it; we follow vLLM and the
encoder, which writes the string as it is). ``null`` or ``true`` there is
the string. ``string="false"``: the value is JSON, written as the model
wrote it (without surrounding whitespace) once its close tag arrives; text
that is not valid JSON becomes a JSON string of the raw text. A missing
``string`` attribute means ``false``, as vLLM reads it (SGLang drops the
call). The tool's schema is not consulted: the attribute decides, as
DeepSeek's encoder writes it from the value's own type. A surrogate in a
value is written as an escape and the call flagged ``lone_surrogate``, as in
the other XML dialects. Text between the attribute and ``>`` is left out
of the name and reported (``unexpected_member``). ``</｜DSML｜parameter>`` closes a value only before
whitespace and another parameter, ``</｜DSML｜invoke>``, a block tag or the
end of the text; elsewhere it is value text.

Layout. Whitespace between tags is markup; the blank line before the block
is content (as vLLM gives it). A block with no call is content in full.
A ``<｜end▁of▁sentence｜>`` after it (or in the block) is markup; other
text after the block is content (vLLM drops it; nothing is dropped here).
Ids are generated (``call_`` + 24 alphanumerics). Tolerated: a
self-closing ``<｜DSML｜invoke name="f"/>`` (SGLang) is a call with ``{}``;
V4's misspelled block openers ``<｜DSML｜toolcalls>`` and ``<｜DSML｜tool>``
(vLLM) open the block as ``<｜DSML｜tool_calls>`` does; a missing close tag
at the end of the text. Not supported: SGLang's JSON object as a whole
invoke body (its text stays stray content of the block) and vLLM's
unwrapping of ``{"arguments": {...}}`` (the parameters are kept as written).

Reasoning. ``<think>`` … ``</think>``. In thinking mode the prompt already
opens ``<think>`` (V4 and V4.1 think by default), so the output holds only
``</think>``: pass ``start_in_reasoning=True``, as for ``minimax_m2``.
Without it a lone ``</think>`` is content. A block that opens before
``</think>`` ends the reasoning there (vLLM's V4 grammar), in all three
dialects: the DSML tags cannot be mistaken for prose (vLLM reads V3.2's
reasoning with the separate ``deepseek_v3`` parser, which would keep such
a block in the reasoning).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register
from .qwen3_coder import end_reasoning_at_call

PREFIX = "｜DSML｜"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
# Only the end-of-sentence token may follow the block; vLLM keeps special tokens in DSML output.
END_OF_SENTENCE = "<｜end▁of▁sentence｜>"

# Verbatim values; the string attribute decides the type, so no null words or schema rules apply.
DSML_VALUES = ValueRules(strip="none")


def tags(element: str, space: str = "", opener: str = ">") -> tuple[str, str]:
    """``<｜DSML｜ELEMENT`` + ``opener`` and ``</｜DSML｜ELEMENT>``, with V4.1's space after the prefix."""
    return f"<{PREFIX}{space}{element}{opener}", f"</{PREFIX}{space}{element}>"


def dsml_states(block: tuple[str, str], space: str = "", misspelled: tuple[str, ...] = ()) -> dict[Enum, Lex]:
    """The states of one spelling: its block tags, the space before element names, other block openers."""
    openers = (block[0], *misspelled)
    return {
        XmlState.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                openers: Machine.open_wrapper,
                END_OF_SENTENCE: Machine.markup,
            },
        ),
        XmlState.REASONING: Lex(
            Machine.reasoning, {THINK_CLOSE: Machine.to_content, openers: end_reasoning_at_call}
        ),
        **block_states(
            block=block,
            call=tags("invoke", space, " name="),
            param=tags("parameter", space, " name="),
            between_calls={END_OF_SENTENCE: Machine.markup},
            string_attribute=True,
            self_closing=True,
        ),
    }


class DeepSeekV32(XmlMachine):
    name = "deepseek_v32"
    VALUE_RULES = DSML_VALUES
    MISSING_STRING_FLAG = False  # as vLLM reads a parameter without string="..."
    STATES = dsml_states(tags("function_calls"))


class DeepSeekV4(DeepSeekV32):
    name = "deepseek_v4"
    STATES = dsml_states(tags("tool_calls"), misspelled=(tags("toolcalls")[0], tags("tool")[0]))


class DeepSeekV41(DeepSeekV32):
    name = "deepseek_v41"
    STATES = dsml_states(tags("calls", " "), space=" ")


register(DeepSeekV32)
register(DeepSeekV4)
register(DeepSeekV41)
