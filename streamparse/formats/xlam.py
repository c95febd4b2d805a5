"""``xlam``: Salesforce xLAM-2 (vLLM ``xlam``).

A JSON array of ``{"name", "arguments"}`` objects, written bare (the whole
output), inside a ```` ```json ```` (or plain ```` ``` ````) fence, inside
``<tool_call>`` ... ``</tool_call>``, or after ``[TOOL_CALLS]``::

    [{"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}, {"name": "search", "arguments": {"query": "Shanghai metro hours", "top_k": 3}}]

    I'll check both.
    ```json
    [{"name": "get_weather", "arguments": {"city": "Beijing"}}]
    ```

A bare array is recognised at the start of the output (after optional
whitespace) and right after ``</think>``; a fence, tag or ``[TOOL_CALLS]``
anywhere in the content. Each must be followed, after optional whitespace,
by ``[`` (```` ```python ```` is content, and so is its block). Objects are
scanned as JSON, the name emitted when its string closes and the arguments
streamed as they arrive; ``parameters`` is accepted for ``arguments``. The
brackets, commas and whitespace of the array are markup, and so is the
closing fence or tag after it; an array without a call is content in full,
with its fence or tag. Text after the calls is content from its first
non-whitespace character, and may hold another fenced or tagged array.

``<think>`` ... ``</think>`` is reasoning. vLLM has no reasoning split here:
it returns the text up to and including ``</think>`` as content and reads
the array after it; we keep the same calls and give the thinking as
reasoning. vLLM takes the first fenced or tagged block that parses and
removes it from the content; we read every such block as it streams. Its
ids are ``call_<index>_<uuid>``; ours are generated as for every dialect.
"""

from __future__ import annotations

from enum import Enum

from .._machine import WHITESPACE, Lex, Machine, MarkerAction, Scan
from ..registry import register
from .json_array import ARRAY_ACTIONS, ARRAY_BEGIN, ARRAY_END, CALL_SEPARATOR, OBJECT_BEGIN

FENCES = ("```json", "```")
FENCE_END = "```"
TAG_BEGIN = "<tool_call>"
TAG_END = "</tool_call>"
TOOL_CALLS = "[TOOL_CALLS]"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class State(Enum):
    START = "start"
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    ARRAY = "array"
    FENCED_ARRAY = "fenced_array"
    TAGGED_ARRAY = "tagged_array"
    OBJECT = "object"
    AFTER_CALLS = "after_calls"


class XLam(Machine):
    name = "xlam"
    # Whitespace too (all that str.strip() takes, "\x1f" included, as Machine.leading holds it):
    # before a call at the start of the output it is markup, held until that is known.
    OPENING = ARRAY_BEGIN + WHITESPACE
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_HEADER_STATE = State.HEADER
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALLS

    # The array state of the open wrapper: the end of a bare array is its "]", of a
    # fenced or tagged one the fence or tag after it.
    _array_state: Enum = State.ARRAY

    def _home(self) -> Enum:
        return self._array_state if self.in_wrapper else self.CONTENT

    def open_bare(self, marker: str) -> bool:
        """``[`` where a bare array may start: held until a call commits in it."""
        self._array_state = State.ARRAY
        return self.open_wrapper(marker)

    def open_marked(self, marker: str) -> bool:
        """A fence, ``<tool_call>`` or ``[TOOL_CALLS]``: held with the ``[`` that must follow."""
        self._array_state = (
            State.FENCED_ARRAY
            if marker in FENCES
            else State.TAGGED_ARRAY
            if marker == TAG_BEGIN
            else State.ARRAY
        )
        return self.open_wrapper_header(marker)

    def end_reasoning(self, marker: str) -> bool:
        """``</think>``: a bare array may follow, as at the start of the output."""
        self._enter(State.START)
        return True

    _MARKED: dict[str | tuple[str, ...], MarkerAction] = {(*FENCES, TAG_BEGIN, TOOL_CALLS): open_marked}

    STATES = {
        State.START: Lex(
            Machine.leading, {ARRAY_BEGIN: open_bare, THINK_OPEN: Machine.to_reasoning, **_MARKED}
        ),
        State.CONTENT: Lex(Machine.content, {THINK_OPEN: Machine.to_reasoning, **_MARKED}),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: end_reasoning}),
        State.HEADER: Lex(Machine.expect_call, {ARRAY_BEGIN: Machine.end_wrapper_header}),
        State.ARRAY: Lex(Machine.gap, ARRAY_ACTIONS),
        State.FENCED_ARRAY: Lex(
            Machine.gap,
            {
                (ARRAY_END, CALL_SEPARATOR): Machine.separator,
                OBJECT_BEGIN: Machine.open_call_object,
                FENCE_END: Machine.close_wrapper,
            },
        ),
        State.TAGGED_ARRAY: Lex(
            Machine.gap,
            {
                (ARRAY_END, CALL_SEPARATOR): Machine.separator,
                OBJECT_BEGIN: Machine.open_call_object,
                TAG_END: Machine.close_wrapper,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALLS: Lex(Machine.trailing, {THINK_OPEN: Machine.to_reasoning, **_MARKED}),
    }


register(XLam)
