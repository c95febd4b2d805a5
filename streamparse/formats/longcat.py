"""``longcat``: Meituan LongCat-Flash (Chat, Thinking; vLLM ``longcat``).

Hermes with renamed tags: one ``<longcat_tool_call>`` block per call,
holding a ``{"name", "arguments"}`` JSON object, and reasoning in
``<longcat_think>`` ... ``</longcat_think>`` (LongCat-Flash-Thinking)::

    <longcat_think>Two lookups.</longcat_think>I'll check both.
    <longcat_tool_call>
    {"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}
    </longcat_tool_call>
    <longcat_tool_call>
    {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}
    </longcat_tool_call>

Everything else is read as ``hermes`` reads it: the object is scanned as
JSON (an end tag inside a string is string text), ``parameters`` is
accepted for ``arguments``, arguments before the name are held until it is
known, a block without a call object is content in full, the newline
between blocks is content, and an unterminated last block runs to the end
of the text. A block inside the reasoning is reasoning text; ``<think>`` is
plain text here (LongCat writes its own think tags). vLLM's longcat parser
is its Hermes parser with these tags; its reasoning parser treats an
output without think tags as content, as we do.
"""

from __future__ import annotations

from ..registry import register
from .hermes import Hermes, hermes_states

CALL_BEGIN = "<longcat_tool_call>"
CALL_END = "</longcat_tool_call>"
THINK_OPEN = "<longcat_think>"
THINK_CLOSE = "</longcat_think>"


class LongCat(Hermes):
    name = "longcat"
    STATES = hermes_states(CALL_BEGIN, CALL_END, THINK_OPEN, THINK_CLOSE)


register(LongCat)
