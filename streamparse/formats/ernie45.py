"""``ernie45``: Baidu ERNIE-4.5 Thinking (vLLM ``ernie45``, tool and reasoning parser).

``hermes``'s calls, one JSON object per ``<tool_call>`` block, after the
reasoning; an answer without calls is wrapped in ``<response>`` tags::

    Two lookups.
    </think>

    I'll check both.
    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}
    </tool_call>
    <tool_call>
    {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}
    </tool_call>

or ``Two lookups.\\n</think>\\n\\n<response>\\nIt is sunny.\\n</response>\\n``.
Everything of ``hermes`` holds (see :mod:`streamparse.formats.hermes`);
three things differ, all as vLLM's ``ernie45`` reasoning parser reads them.

* ``<response>`` and ``</response>`` (added tokens) are markup wherever
  content is read; the text between them is content.
* Newlines right after ``</think>``, ``<response>`` or ``</response>`` are
  markup, so the content starts at its first other character (a call or the
  answer); the example without calls gives the content ``It is sunny.\n``.
  vLLM drops them after ``</think>`` and ``</response>`` too, but keeps the
  one after ``<response>`` when not streaming. The newline before
  ``</think>`` stays in the reasoning, as in vLLM.
* The thinking template opens ``<think>`` in the prompt, so the output holds
  only ``</think>``: pass ``start_in_reasoning=True`` (as for ``minimax_m2``).
  A ``<tool_call>`` before ``</think>`` is reasoning text, as in vLLM.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from ..registry import register
from .hermes import CALL_BEGIN, CALL_END, OBJECT_BEGIN, PYTHON_OBJECT_BEGIN, THINK_CLOSE, THINK_OPEN

RESPONSE_OPEN = "<response>"
RESPONSE_CLOSE = "</response>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    AFTER_TAG = "after_tag"  # after </think>, <response> or </response>: newlines are markup
    BLOCK = "block"
    OBJECT = "object"
    PYTHON_OBJECT = "python_object"


def newlines_after_tag(machine: Machine, text: str) -> int:
    """Newlines after a tag (see :func:`after_tag`) are markup; the content starts after them."""
    body = text.lstrip("\n")
    if body:
        machine.to_content("")
    return len(text) - len(body)


def after_tag(machine: Machine, marker: str) -> bool:
    """``</think>``, ``<response>`` or ``</response>``: dropped, and so are the newlines that follow it."""
    machine._enter(State.AFTER_TAG)
    return True


# What content reads, right after a closing tag too.
CONTENT_MARKERS: dict[str | tuple[str, ...], MarkerAction] = {
    THINK_OPEN: Machine.to_reasoning,
    CALL_BEGIN: Machine.open_wrapper,
    (RESPONSE_OPEN, RESPONSE_CLOSE): after_tag,
}


class Ernie45(Machine):
    name = "ernie45"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.BLOCK
    OBJECT_STATE = State.OBJECT
    PYTHON_OBJECT_STATE = State.PYTHON_OBJECT

    STATES = {
        State.CONTENT: Lex(Machine.content, CONTENT_MARKERS),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: after_tag}),
        State.AFTER_TAG: Lex(newlines_after_tag, CONTENT_MARKERS),
        State.BLOCK: Lex(
            Machine.gap,
            {
                CALL_END: Machine.close_wrapper,
                OBJECT_BEGIN: Machine.open_call_object,
                PYTHON_OBJECT_BEGIN: Machine.open_python_call_object,
                CALL_BEGIN: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
        State.PYTHON_OBJECT: Scan(Machine.python_call_object),
    }


register(Ernie45)
