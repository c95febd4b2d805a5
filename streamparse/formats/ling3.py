"""``ling3``: inclusionAI Ling 3 (vLLM and SGLang ``ling3``).

``glm45``'s calls, in GLM-4.7's spelling (no newlines; GLM-4.5's layout and
a literal ``\\n`` after the name are read too), values raw text typed by the
tool's JSON schema (strings raw, everything else JSON)::

    Two lookups needed.</think>I'll check both.
    <tool_call>get_weather<arg_key>city</arg_key><arg_value>Beijing</arg_value><arg_key>unit</arg_key><arg_value>celsius</arg_value></tool_call>
    <tool_call>search<arg_key>query</arg_key><arg_value>Shanghai metro hours</arg_value><arg_key>top_k</arg_key><arg_value>3</arg_value></tool_call>

``<tool_call>NAME</tool_call>`` is a call without arguments. Everything of
``glm45`` holds (see :mod:`streamparse.formats.glm45`); two things differ.

Reasoning. The template thinks by default and opens ``<think>`` in the
prompt, so the output holds only ``</think>`` (as above): pass
``start_in_reasoning=True`` unless the request turned thinking off, as for
``deepseek_v4`` (vLLM's ``ling3`` parser decides from the request's
``thinking`` / ``enable_thinking``). A ``<tool_call>`` before ``</think>``
ends the reasoning there, as both vLLM and SGLang read it; ``glm45`` keeps
it in the reasoning. SGLang also moves a whole answer that never closed its
reasoning (and holds no call) into content when not streaming; a stream
cannot take reasoning back, so here it stays reasoning.
"""

from __future__ import annotations

from .._machine import Lex, Machine
from .._xml import XmlState
from ..registry import register
from .glm45 import CALL_BEGIN, THINK_CLOSE, Glm45
from .qwen3_coder import end_reasoning_at_call


class Ling3(Glm45):
    name = "ling3"

    STATES = {
        **Glm45.STATES,
        XmlState.REASONING: Lex(
            Machine.reasoning, {THINK_CLOSE: Machine.to_content, CALL_BEGIN: end_reasoning_at_call}
        ),
    }


register(Ling3)
