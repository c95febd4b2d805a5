"""``olmo3``: AI2 Olmo 3 Instruct and Think (vLLM ``olmo3``, tool and reasoning parser).

Calls are Python call expressions with keyword arguments, one per line,
inside ``<function_calls>`` ... ``</function_calls>`` (no list brackets)::

    I'll check both.<function_calls>get_weather(city="Beijing", unit="celsius")
    search(query="Shanghai metro hours", top_k=3)</function_calls>

Each call is read as ``pythonic`` reads the calls of its list (see
:mod:`streamparse.formats.pythonic`): held from its name until its first
argument shows a keyword and the start of a literal value, then committed,
its arguments converted to a JSON object as they stream. Values are Python
literals or JSON ones (``true``/``false``/``null``, which Olmo writes too).
The newlines (any whitespace) between calls are markup; other text between
calls is content, and a block that holds no call is content in full, as in
the other block dialects. A call that breaks (a positional argument, a
value that is no literal) ends where it breaks and the rest of its line is
content. Content around the block is kept (vLLM drops it when the block
holds calls).

Reasoning. ``<think>`` ... ``</think>`` (Olmo 3 Think). Its template opens
``<think>`` in the prompt, so the output holds only ``</think>``: pass
``start_in_reasoning=True`` then, as vLLM's olmo3 reasoning parser starts
inside the reasoning. A block before ``</think>`` is reasoning text.
"""

from __future__ import annotations

import re
from enum import Enum

from .._lexer import MarkerLexer
from .._machine import Lex, Machine, Scan
from ..registry import register
from .pythonic import Pythonic

BLOCK = ("<function_calls>", "</function_calls>")
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

# Text between calls that cannot start a call name: whitespace (markup) or stray text.
_NOT_A_NAME = re.compile(r"\W*")


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    BLOCK = "block"
    NAME = "name"
    ARGUMENTS = "arguments"


# The block's end is its only marker; the block's state is a scan step so that a call that starts at
# a name (not at a marker) knows where it starts in the text.
_BLOCK_END = MarkerLexer([BLOCK[1]])


def between_calls(machine: Machine, buf: str, pos: int, final: bool) -> int:
    """Scan step of the block: up to a name character the text is the gap's (whitespace markup,
    the rest stray content); a name character starts a call, read again as its name; the block's
    end marker closes the block."""
    start, end, marker = _BLOCK_END.find(buf, pos, final)
    if start > pos:
        text = buf[pos:start]
        stop = _NOT_A_NAME.match(text).end()  # type: ignore[union-attr]
        if stop:
            consumed = machine.gap(text[:stop])
            if consumed < stop or machine._state is not State.BLOCK:
                return pos + consumed  # the pending block gave up: the rest is content
        if stop < len(text):
            gap = machine._gap
            # Whitespace after stray text is held by the gap: content again if this call fails.
            pending = gap.pending if gap.started else []
            machine._marker_at = pos + stop
            machine.open_call("")
            machine._call_raw[:0] = pending
            return pos + stop
    if marker is None:
        return start
    machine._marker_at = start
    machine.close_wrapper(marker)
    return end


class Olmo3(Machine):
    name = "olmo3"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.BLOCK
    HEADER_STATE = State.NAME
    NAME_STATE = State.NAME
    PYTHON_ARGS_STATE = State.ARGUMENTS
    AFTER_PYTHON_ARGS_STATE = State.BLOCK

    def fail_call(self, marker: str) -> bool:
        """A name that is no call is stray text of the block: whitespace after it is held as after any."""
        stray = any(self._call_raw)
        reread = super().fail_call(marker)
        if stray and self._state is State.BLOCK:
            self._gap.started = True
        return reread

    STATES = {
        State.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.BLOCK: Scan(between_calls),
        State.NAME: Scan(Pythonic.call_name),
        State.ARGUMENTS: Scan(Machine.python_args),
    }


register(Olmo3)
