"""``lfm2``: LiquidAI LFM2 and LFM2.5: a pythonic call list between special tokens.

The list of ``pythonic`` sits between ``<|tool_call_start|>`` and
``<|tool_call_end|>``; text may stand on both sides of it, and the
documented layout puts the answer after it::

    <think>Two cities.</think>I'll check both cities.<|tool_call_start|>[get_weather(city="Beijing", days=3), get_weather(city="Shanghai", unit="celsius")]<|tool_call_end|>Checking now.

Inside the markers the rules are pythonic's (DIALECTS.md §12): keyword
arguments whose values are Python literals (``True``/``False``/``None``,
and JSON's ``true``/``false``/``null``), converted to a JSON object as they
stream; ``,`` and whitespace between calls and the ``]`` are markup, and
so are the markers once a call commits. Text before and after the markers
is content (vLLM keeps the text after; SGLang drops it; nothing is dropped
here). A ``[`` without the start marker is content, and so is a marker pair
that holds no call list. ``<think>`` … ``</think>`` (LFM2.5-Thinking) is
reasoning; a call list inside it is reasoning text.

Not supported: SGLang also reads a JSON array of ``{"name", "arguments"}``
objects between the markers; the model writes the pythonic list, so such
an array is content here.
"""

from __future__ import annotations

from .._machine import Lex, Machine, Scan
from ..registry import register
from .pythonic import LIST_CLOSE, LIST_OPEN, SEPARATOR, Pythonic, State

CALLS = ("<|tool_call_start|>", "<|tool_call_end|>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class Lfm2(Pythonic):
    name = "lfm2"
    OPENING = ""  # a bare "[" is content: only the start marker opens a list
    INITIAL_STATE = State.CONTENT  # not pythonic START: a bare "[" at the start opens nothing
    REASONING_STATE = State.REASONING

    STATES = {
        State.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, CALLS[0]: Machine.open_wrapper}
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.WRAPPER: Lex(Machine.gap, {LIST_OPEN: Machine.open_call, CALLS[1]: Machine.close_wrapper}),
        State.FIRST_NAME: Scan(Pythonic.call_name),
        State.NEXT_NAME: Scan(Pythonic.call_name),
        State.ARGUMENTS: Scan(Machine.python_args),
        State.AFTER_CALL: Lex(
            Pythonic.between_calls, {SEPARATOR: Pythonic.next_call, LIST_CLOSE: Pythonic.close_list}
        ),
    }


register(Lfm2)
