"""``inkling``: Thinking Machines Inkling (typed content blocks, JSON calls).

The output is a sequence of messages, each ``<|message_model|>`` [header]
``<|content_KIND|>`` body ``<|end_message|>``; every marker is a special
token. Reasoning, content and two calls::

    <|message_model|><|content_thinking|>Need two lookups.<|end_message|><|message_model|><|content_text|>I'll check both.<|end_message|><|message_model|>get_weather<|content_invoke_tool_json|>{"name":"get_weather","args":{"city":"Beijing","unit":"celsius"}}<|end_message|><|message_model|>search<|content_invoke_tool_json|>{"name":"search","args":{"query":"Shanghai metro hours","top_k":3}}<|end_message|>

The content token routes the body (:mod:`streamparse._routing`, the kind
as channel): ``thinking`` is reasoning, ``text`` content,
``invoke_tool_json`` one call, the JSON object ``{"name": NAME, "args":
{...}}`` (``arguments`` is read too), streamed as it arrives.
``model_end_sampling`` ends the turn: the token is markup, and text after
it (there should be none) is content. The free-text tool payload
``invoke_tool_text`` and ``tool_error`` are content: SGLang's reading of
the former (a call with an empty name and ``{"text": body}``) is not a call
a client can run.

The header between ``<|message_model|>`` and the content token (the tool's
name before a call, written by SGLang's grammar) is markup; the JSON
``name`` names the call, as in vLLM and SGLang. A header that never
reaches a content token within ``MAX_HEADER`` characters, holds a ``<``,
or that another message or ``<|end_message|>`` interrupts, is content. A content token
without ``<|message_model|>`` opens its body all the same, and ends the body
before it (tokens are never text). Text outside any message is content,
and ``<|end_message|>`` there is markup. In a call's body, whitespace
around the object is markup and other text is content; an object that is
not a call is content. NaN and Infinity are not JSON (SGLang rejects them
too); unlike SGLang, one malformed block does not fail the others.
``start_in_reasoning=True`` is for prompts that end with
``<|message_model|><|content_thinking|>``.
"""

from __future__ import annotations

import re
from enum import Enum

from .._machine import Lex, Machine, MarkerAction, Scan
from .._routing import Route, RoutedMachine, Routing
from ..registry import register

MESSAGE = "<|message_model|>"
END_MESSAGE = "<|end_message|>"
KIND_PREFIX, KIND_SUFFIX = "<|content_", "|>"
KINDS = tuple(
    KIND_PREFIX + kind + KIND_SUFFIX
    for kind in (
        "thinking",
        "text",
        "invoke_tool_json",
        "invoke_tool_text",
        "tool_error",
        "model_end_sampling",
    )
)
OBJECT_BEGIN = "{"

INKLING_ROUTING = Routing(
    channels={
        "thinking": Route.REASONING,
        "text": Route.CONTENT,
        "invoke_tool_json": Route.CALL,
    },
    other_channel=Route.CONTENT,
)


# In a body: a message starts (a content token alone too), <|end_message|> ends the body.
def _body(end: MarkerAction) -> dict[str | tuple[str, ...], MarkerAction]:
    return {MESSAGE: RoutedMachine.open_message, KINDS: RoutedMachine.headerless_message, END_MESSAGE: end}


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    INVOKE = "invoke"  # a call's body, around its object
    OBJECT = "object"


class Inkling(RoutedMachine):
    name = "inkling"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    HEADER_STATE = MESSAGE_HEADER_STATE = State.HEADER
    OBJECT_STATE = State.OBJECT
    # A tool's name holds no "<": a header with one (a broken token) is no header.
    HEADER_INVALID = re.compile("<")
    SCANNER_ARGS_KEYS = ("args", "arguments")
    ROUTING = INKLING_ROUTING
    ROUTE_STATES = {
        Route.REASONING: State.REASONING,
        Route.CONTENT: State.CONTENT,
        Route.CALL: State.INVOKE,
    }

    def header_channel(self, header: str, marker: str) -> tuple[str, str]:
        return marker[len(KIND_PREFIX) : -len(KIND_SUFFIX)], ""

    def after_call_object(self) -> None:
        self._enter(State.INVOKE)  # the rest of the body, up to <|end_message|>

    STATES = {
        State.CONTENT: Lex(Machine.content, _body(Machine.markup)),
        State.REASONING: Lex(Machine.reasoning, _body(Machine.to_content)),
        State.HEADER: Lex(
            Machine.header, {KINDS: Machine.end_message_header, (MESSAGE, END_MESSAGE): Machine.fail_call}
        ),
        State.INVOKE: Lex(Machine.gap, {OBJECT_BEGIN: Machine.open_call_object, **_body(Machine.to_content)}),
        State.OBJECT: Scan(Machine.call_object),
    }


register(Inkling)
