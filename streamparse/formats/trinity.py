"""``trinity``: Arcee Trinity Large / Mini (SGLang ``trinity``; vLLM users pick ``hermes``).

Hermes blocks, ``<think>`` reasoning, and calls written inside the
reasoning: a ``<tool_call>`` block inside ``<think>`` ... ``</think>`` is a
call, and the reasoning resumes after the block::

    <think>Need both facts.
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}
    </tool_call>
    Now the metro.</think>I'll check the metro too.
    <tool_call>
    {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}
    </tool_call>

Everything else is read as ``hermes`` reads it. A block inside the
reasoning that holds no call is reasoning text, and so is text inside it
that is not a call; its ``</tool_call>`` is needed to resume the reasoning
(a ``</think>`` inside an unclosed block is text of the block). SGLang's
detector deletes the think tags before its Hermes parse so that such calls
are found, but when a reasoning parser runs first (the usual setup) they
stay in the reasoning; we read them as calls as they stream.
"""

from __future__ import annotations

from ..registry import register
from .hermes import CALL_BEGIN, CALL_END, THINK_CLOSE, THINK_OPEN, Hermes, hermes_states


class Trinity(Hermes):
    name = "trinity"
    STATES = hermes_states(CALL_BEGIN, CALL_END, THINK_OPEN, THINK_CLOSE, reasoning_calls=True)


register(Trinity)
