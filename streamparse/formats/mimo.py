"""``mimo``: Xiaomi MiMo (MiMo-V2-Flash and later): qwen3_coder's calls, values kept verbatim.

The same XML as ``qwen3_coder``; MiMo's chat template writes it without
newlines inside the block::

    <think>Two cities.</think>I'll check both.
    <tool_call><function=get_weather><parameter=city>Beijing</parameter><parameter=days>3</parameter></function></tool_call>
    <tool_call><function=get_weather><parameter=city>Shanghai</parameter></function></tool_call>

The one difference from ``qwen3_coder``: a value is the text between
``<parameter=KEY>`` and ``</parameter>`` exactly as written, newlines
included (vLLM's ``mimo`` parser; qwen3_coder drops one leading and one
trailing newline). Non-string values are still typed by the tool's schema
(surrounding whitespace does not stop ``\\n3\\n`` from being the integer 3),
and ``null`` is null whatever the type, as in qwen3_coder. SGLang's ``mimo``
detector also HTML-unescapes values (``&lt;`` becomes ``<``); vLLM and the
template do not, and neither does this dialect: ``&lt;`` stays ``&lt;``.

Everything else is qwen3_coder's: ``</parameter>`` closes a value only
before whitespace and another parameter, ``</function>``, ``</tool_call>``
or the end of the text; missing close tags are tolerated; the text between
blocks is content; ``<think>`` ... ``</think>`` is reasoning, and a
``<tool_call>`` followed by ``<function=`` ends it. The template opens
``<think>`` in the prompt unless thinking is off: pass
``start_in_reasoning=True`` then.
"""

from __future__ import annotations

from dataclasses import replace

from .._params import ValueRules
from ..registry import register
from .qwen3_coder import QWEN_VALUES, Qwen3Coder

MIMO_VALUES: ValueRules = replace(QWEN_VALUES, strip="none")


class MiMo(Qwen3Coder):
    name = "mimo"
    VALUE_RULES = MIMO_VALUES


register(MiMo)
