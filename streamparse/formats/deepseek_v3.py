"""``deepseek_v3``: DeepSeek-V3, V3-0324, R1, R1-0528 (JSON in a markdown fence).

The same special tokens as ``deepseek_v31`` (bars U+FF5C, separators
U+2581); ``<｜tool▁sep｜>`` separates the type word from the name, the name
ends at the newline, and the arguments are a fenced JSON block::

    <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather
    ```json
    {"city": "Beijing"}
    ```<｜tool▁call▁end｜>
    <｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather
    ```json
    {"city": "Shanghai"}
    ```<｜tool▁call▁end｜><｜tool▁calls▁end｜>

The arguments are the JSON value, scanned: three backticks inside a JSON
string are string text, and the value ends where its brackets balance.
Newlines around the fence may be missing. A trailing
``<｜end▁of▁sentence｜>`` is markup; R1's ``<think>`` ... ``</think>`` is
reasoning (newer R1 templates open it in the prompt: ``start_in_reasoning``).

The type word is markup when it is ``function`` (the only type there is);
any other word is left out of the call and reported as an
``unexpected_member`` problem, so that nothing vanishes silently.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from ..registry import register
from .deepseek_v31 import (
    CALL_BEGIN,
    CALL_END,
    CALLS_ACTIONS,
    CALLS_BEGIN,
    CALLS_END,
    CONTENT_ACTIONS,
    REASONING_ACTIONS,
    SEPARATOR,
)

FENCE = "```"
JSON_FENCE = "```json"
NAME_END = "\n"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    CALLS = "calls"
    TYPE = "type"
    NAME = "name"
    FENCE_OPEN = "fence_open"
    ARGUMENTS = "arguments"
    FENCE_CLOSE = "fence_close"


_LEAVE_CALL: dict[str | tuple[str, ...], MarkerAction] = {
    CALL_END: Machine.close_call,
    CALLS_END: Machine.close_call_and_wrapper,
    (CALL_BEGIN, CALLS_BEGIN): Machine.close_call_and_reread,
}


CALL_TYPE = "function"


class DeepSeekV3(Machine):
    name = "deepseek_v3"
    _call_type = CALL_TYPE

    def end_type(self, marker: str) -> bool:
        """``<｜tool▁sep｜>`` after the type word: the name follows."""
        self._call_type = self.header_text().strip()
        return self.restart_header(marker)

    def commit_header(self, marker: str) -> bool:
        committed = super().commit_header(marker)
        if self._call_open and self._call_type != CALL_TYPE:
            self.flag_call(
                "unexpected_member", f"the call type {self._call_type!r} is not {CALL_TYPE!r}: ignored"
            )
        self._call_type = CALL_TYPE
        return committed

    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_STATE = State.CALLS
    HEADER_STATE = State.TYPE
    NAME_STATE = State.NAME
    ARGS_STATE = State.FENCE_OPEN
    JSON_ARGS_STATE = State.ARGUMENTS
    AFTER_JSON_ARGS_STATE = State.FENCE_CLOSE

    STATES = {
        State.CONTENT: Lex(Machine.content, CONTENT_ACTIONS),
        State.REASONING: Lex(Machine.reasoning, REASONING_ACTIONS),
        State.CALLS: Lex(Machine.gap, CALLS_ACTIONS),
        State.TYPE: Lex(
            Machine.header,
            {
                SEPARATOR: end_type,
                (CALL_BEGIN, CALL_END, CALLS_END, CALLS_BEGIN): Machine.fail_call,
            },
        ),
        State.NAME: Lex(
            Machine.header,
            {
                NAME_END: commit_header,
                (FENCE, CALL_END): Machine.commit_header_and_reread,
                (CALL_BEGIN, CALLS_END, CALLS_BEGIN, SEPARATOR): Machine.fail_call,
            },
        ),
        State.FENCE_OPEN: Lex(
            Machine.gap,
            {(JSON_FENCE, FENCE): Machine.markup, ("{", "["): Machine.start_json_args, **_LEAVE_CALL},
        ),
        State.ARGUMENTS: Scan(Machine.json_args),
        State.FENCE_CLOSE: Lex(Machine.gap, {FENCE: Machine.markup, **_LEAVE_CALL}),
    }


register(DeepSeekV3)
