"""``iquest_q1``: IQuestLab IQuest models (SGLang ``iquest_q1``, tool and reasoning parser).

``glm45``'s calls in GLM-4.7's spelling, each in an ``<iquest_tool_call>``
block of its own instead of ``<tool_call>``; values raw text typed by the
tool's JSON schema (strings raw, everything else JSON)::

    Two lookups.</think>I'll check both.
    <iquest_tool_call>get_weather<arg_key>city</arg_key><arg_value>Beijing</arg_value><arg_key>unit</arg_key><arg_value>celsius</arg_value></iquest_tool_call><iquest_tool_call>search<arg_key>query</arg_key><arg_value>Shanghai metro hours</arg_value><arg_key>top_k</arg_key><arg_value>3</arg_value></iquest_tool_call>

Everything of ``glm45`` holds (see :mod:`streamparse.formats.glm45`), with
its layout rules: the name ends at the first newline, literal ``\\n`` or
``<``; whitespace around values is dropped. SGLang drops a whole block that
holds stray text between the pairs or an empty key; here, as in ``glm45``,
the block is still a call and the stray text (or the broken pair) is
content (text right after ``</arg_value>`` that is no tag stays in the value).

Reasoning. ``<think>`` ... ``</think>``; the template thinks by default and
opens ``<think>`` in the prompt, so the output holds only ``</think>``
(as above): pass ``start_in_reasoning=True`` unless the request turned
thinking off. A block before ``</think>`` is reasoning text, as in SGLang.
"""

from __future__ import annotations

from .._xml import XmlMachine
from ..registry import register
from .glm45 import GLM_VALUES, glm_states

CALL = ("<iquest_tool_call>", "</iquest_tool_call>")


class IQuestQ1(XmlMachine):
    name = "iquest_q1"
    VALUE_RULES = GLM_VALUES
    STATES = glm_states(CALL)


register(IQuestQ1)
