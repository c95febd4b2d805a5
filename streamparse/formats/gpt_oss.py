"""``gpt_oss``: OpenAI gpt-oss-20b / gpt-oss-120b (the harmony format).

The output is a sequence of messages. The prompt ends with
``<|start|>assistant``, so the first message begins with its header's
``<|channel|>``; later ones begin with ``<|start|>assistant``. Two calls,
as a server that does not stop at ``<|call|>`` sees them::

    <|channel|>analysis<|message|>Need both cities.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Beijing"}<|call|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Shanghai"}<|call|>

A header is ``[role] [to=RECIPIENT]<|channel|>CHANNEL [to=RECIPIENT]
[<|constrain|>TYPE]``, read once at ``<|message|>``; the body runs to
``<|end|>``, ``<|call|>`` or ``<|return|>``. Headers and terminators are
markup. Where a body goes:

* ``to=functions.NAME`` (any channel): a call named everything after
  ``functions.`` (dots and dashes kept); the body is its arguments,
  streamed as written minus surrounding whitespace, ``<|constrain|>json``
  or not. The name is known at ``<|message|>``.
* another recipient (built-in tools such as ``browser.search`` or
  ``python``, called from ``analysis``): reasoning, whatever the channel:
  a message to a tool is not for the user, and not a call the client can
  run.
* no recipient: ``analysis`` is reasoning; ``final``, ``commentary``
  (a preamble) and any other or missing channel are content.

This table is data (``HARMONY_ROUTING``, see :mod:`streamparse._routing`).
Bodies are concatenated as written. A body that misses its terminator
ends at the next ``<|start|>`` or ``<|channel|>``, which begins a new
header. Text outside any message (a model that skips the header) is
content. A header that is malformed (two different recipients, two
channels, ``<|channel|>`` with no name, ``to=`` with no recipient or
``functions.`` with no name) or that never reaches ``<|message|>`` within
``MAX_HEADER`` characters is content, markers included, and the text
after it is read as content; a ``<|start|>`` or terminator inside a
header ends it that way too.

The first message may carry its recipient in the role part, right after
the prompt's ``<|start|>assistant``: ``" to=functions.NAME<|channel|>..."``.
Leading whitespace and ``to=RECIPIENT`` at the very start are held until
``<|channel|>`` shows they are a header; anything else there is content
at once. ``start_in_reasoning=True`` is for prompts that end with
``<|start|>assistant<|channel|>analysis<|message|>``: the output starts
inside an analysis body.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction
from .._routing import CHANNEL, CONSTRAIN, ROLE_PART_OPENING, Route, RoutedMachine, Routing
from ..registry import register

START = "<|start|>"
MESSAGE = "<|message|>"
END = "<|end|>"
CALL = "<|call|>"
RETURN = "<|return|>"
TERMINATORS = (END, CALL, RETURN)

HARMONY_ROUTING = Routing(
    call_prefix="functions.",
    # Built-in tools (browser.search, python): not for the user, and not a call the client can run.
    other_recipient=Route.REASONING,
    channels={"analysis": Route.REASONING},
    other_channel=Route.CONTENT,
)


class State(Enum):
    START = "start"
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    ARGUMENTS = "arguments"


# Outside a header: a header opens, a terminator is markup (or ends the body).
def _body_actions(end: MarkerAction) -> dict[str | tuple[str, ...], MarkerAction]:
    return {START: Machine.open_call, CHANNEL: Machine.open_call_in_header, TERMINATORS: end}


def harmony_states(start: Enum, content: Enum, reasoning: Enum, header: Enum) -> dict[Enum, Lex]:
    """Harmony's message framing: the first header's role part, content and reasoning bodies, headers.

    A dialect adds the state its calls' bodies are read in (its ARGS_STATE). Beam shares these.
    """
    return {
        start: Lex(
            RoutedMachine.role_part,
            {CHANNEL: Machine.header_marker, (START, *TERMINATORS): Machine.fail_call},
        ),
        content: Lex(Machine.content, _body_actions(Machine.markup)),
        reasoning: Lex(Machine.reasoning, _body_actions(Machine.to_content)),
        header: Lex(
            Machine.header,
            {
                (CHANNEL, CONSTRAIN): Machine.header_marker,
                MESSAGE: Machine.end_message_header,
                (START, *TERMINATORS): Machine.fail_call,
            },
        ),
    }


class GptOss(RoutedMachine):
    name = "gpt_oss"
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    HEADER_STATE = State.HEADER
    ARGS_STATE = State.ARGUMENTS
    OPENING = ROLE_PART_OPENING
    ROUTING = HARMONY_ROUTING
    ROUTE_STATES = {Route.REASONING: State.REASONING, Route.CONTENT: State.CONTENT, Route.CALL: None}

    STATES = {
        **harmony_states(State.START, State.CONTENT, State.REASONING, State.HEADER),
        State.ARGUMENTS: Lex(
            Machine.stripped_args,
            {TERMINATORS: Machine.close_call, (START, CHANNEL): Machine.close_call_and_reread},
        ),
    }


register(GptOss)
