"""``hy_v3``, ``hy_v4``: Tencent Hunyuan 3 ("Hy3") and Hy4: GLM-style key/value calls in one block.

All calls sit in one ``<tool_calls>`` block; a call is the name, then
``<arg_key>``/``<arg_value>`` pairs, values raw text typed by the tool's
JSON schema (see :mod:`streamparse._params`). Hy3 ends the name with
``<tool_sep>``::

    I'll check both cities.
    <tool_calls>
    <tool_call>get_weather<tool_sep>
    <arg_key>city</arg_key>
    <arg_value>Beijing</arg_value>
    <arg_key>days</arg_key>
    <arg_value>3</arg_value>
    </tool_call>
    <tool_call>get_weather<tool_sep>
    <arg_key>city</arg_key>
    <arg_value>Shanghai</arg_value>
    </tool_call>
    </tool_calls>

Hy4 writes the same without ``<tool_sep>``: the name runs up to the first
``<arg_key>`` or ``</tool_call>`` and is trimmed. Both dialects read both
spellings (as SGLang's one ``hunyuan`` detector does); they differ in name
only, so that each model's name says which it writes.

Values follow ``glm45``: surrounding whitespace dropped; strings raw, other
types as JSON, so a value without a schema is decoded when it is a JSON
number, boolean, null, object or array and kept as a string otherwise;
type names such as ``int``, ``float``, ``dict``, ``list`` and ``bool`` in a
schema are read as JSON Schema's. ``</arg_value>`` closes a value only
before whitespace and ``<arg_key>``, a call tag, ``</tool_calls>`` or the
end of the text. Whitespace inside the block is markup; the newline before
it and text after it are content; a block with no call is content in full.
Missing close tags are tolerated. Ids are generated.

Reasoning is ``<think>`` … ``</think>`` (``reasoning_effort`` other than
the default ``no_think`` turns it on); a block inside it is reasoning text,
as in glm45.

The shipping tokenizers append a per-checkpoint suffix to every marker:
``<tool_calls:opensource>``, ``<think:6124c78e>``. vLLM reads it from the
tokenizer's ``token_suffix``, SGLang from the vocab; here
``streamparse.with_token_suffix("hy_v3", ":opensource")`` gives the dialect
whose markers all carry it (``streamparse.detect(tokenizer_config=...)``
and the engine plugins find it as the engines do). Without one, markers are
read bare and a suffixed marker is text, as it is to the engines.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from .._dialect import suffixed_tag
from .._machine import Lex, Machine, StateSpec
from .._xml import TAG_OPEN, XmlMachine, XmlState, value_states
from ..registry import register
from .glm45 import GLM_VALUES, KEY_BEGIN, KEY_END, THINK_CLOSE, THINK_OPEN, VALUE_BEGIN, VALUE_END


def hunyuan_states(token_suffix: str = "") -> dict[Enum, StateSpec]:
    """The states of Hy3/Hy4, every marker ending in ``token_suffix`` (``<tool_calls:opensource>``)."""

    def tag(name: str) -> str:
        return suffixed_tag(name, token_suffix)

    block = (tag("<tool_calls>"), tag("</tool_calls>"))
    call = (tag("<tool_call>"), tag("</tool_call>"))
    key_begin, key_end = tag(KEY_BEGIN), tag(KEY_END)
    value_end = tag(VALUE_END)
    return {
        XmlState.CONTENT: Lex(
            Machine.content, {tag(THINK_OPEN): Machine.to_reasoning, block[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(Machine.reasoning, {tag(THINK_CLOSE): Machine.to_content}),
        XmlState.BLOCK: Lex(
            Machine.gap,
            {
                call[0]: Machine.open_call,
                block[1]: Machine.close_wrapper,
                block[0]: Machine.close_wrapper_and_reread,
            },
        ),
        XmlState.NAME: Lex(
            XmlMachine.call_name,
            {tag("<tool_sep>"): Machine.commit_header, TAG_OPEN: Machine.commit_header_and_reread},
        ),
        XmlState.CALL: Lex(
            Machine.gap,
            {
                key_begin: XmlMachine.open_param,
                call[1]: Machine.close_call,
                block[1]: Machine.close_call_and_wrapper,
                (call[0], block[0]): Machine.close_call_and_reread,
            },
        ),
        XmlState.PARAM: Lex(
            XmlMachine.param_header, {key_end: XmlMachine.end_key, TAG_OPEN: XmlMachine.fail_param}
        ),
        XmlState.KEY_END: Lex(
            XmlMachine.key_gap, {tag(VALUE_BEGIN): XmlMachine.start_value, TAG_OPEN: XmlMachine.fail_param}
        ),
        **value_states(value_end, (key_begin, call[1], call[0], block[1], block[0])),
    }


class HyV3(XmlMachine):
    name = "hy_v3"
    VALUE_RULES = GLM_VALUES
    STATES = hunyuan_states()

    @classmethod
    def states_with_suffix(cls, token_suffix: str) -> Mapping[Enum, StateSpec]:
        return hunyuan_states(token_suffix)


class HyV4(HyV3):
    name = "hy_v4"


register(HyV3)
register(HyV4)
