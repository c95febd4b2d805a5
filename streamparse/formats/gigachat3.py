"""``gigachat3``: Sber GigaChat 3 (Ultra, Lightning; vLLM and SGLang ``gigachat3``).

One call per assistant turn: a JSON object ``{"name", "arguments"}`` that
runs to the end of the output, introduced by the role header
``function call<|role_sep|>`` and a newline (the template ends the text
message with ``<|message_sep|>`` and starts a "function call" pseudo-role),
or by the special token ``<|function_call|>``::

    Let me check.<|message_sep|>

    function call<|role_sep|>
    {"name": "get_weather", "arguments": {"city": "Beijing", "unit": "celsius"}}

Content is the text before; ``<|message_sep|>`` with the whitespace after
it, and a final ``</s>``, are markup (GigaChat 3.1's template writes the
token form). The header or token must be followed, after optional whitespace,
by the object's ``{``; otherwise it is content. The object is scanned as
JSON, the name emitted when its string closes and the arguments streamed
as they arrive (raw control characters in strings pass through, as the
peers' non-strict JSON allows); an object that is not a call is content.
Text after the object is content from its first non-whitespace character.
The format has no parallel calls; a second header is read as a second call
all the same. No reasoning markers. Ids are generated.

The peers differ: both drop any text after ``<|message_sep|>`` that is not
a call (we keep it as content), and both require the arguments to be an
object (other arguments are kept here and flagged by the final check).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from ..registry import register

CALL_HEADERS = ("function call<|role_sep|>", "<|function_call|>")
MESSAGE_SEP = "<|message_sep|>"
END_OF_TEXT = "</s>"
OBJECT_BEGIN = "{"


class State(Enum):
    CONTENT = "content"
    HEADER = "header"
    OBJECT = "object"
    AFTER_CALL = "after_call"


class GigaChat3(Machine):
    name = "gigachat3"
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.HEADER
    OBJECT_STATE = State.OBJECT
    AFTER_WRAPPER_STATE = State.AFTER_CALL

    def end_message(self, marker: str) -> bool:
        """``<|message_sep|>``: markup, and so is the whitespace after it (the template's ``\\n\\n``)."""
        self._enter(State.AFTER_CALL)
        return True

    def after_call_object(self) -> None:
        # The call ends the wrapper its header opened (nothing closes it but the object).
        self._end_wrapper()

    _MARKUP: dict[str | tuple[str, ...], MarkerAction] = {
        MESSAGE_SEP: end_message,
        END_OF_TEXT: Machine.markup,
        CALL_HEADERS: Machine.open_wrapper,
    }

    STATES = {
        State.CONTENT: Lex(Machine.content, _MARKUP),
        State.HEADER: Lex(Machine.expect_call, {OBJECT_BEGIN: Machine.open_call_object}),
        State.OBJECT: Scan(Machine.call_object),
        State.AFTER_CALL: Lex(Machine.trailing, _MARKUP),
    }


register(GigaChat3)
