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

from .._machine import MAX_HEADER, Lex, Machine, MarkerAction
from ..registry import register

START = "<|start|>"
CHANNEL = "<|channel|>"
CONSTRAIN = "<|constrain|>"
MESSAGE = "<|message|>"
END = "<|end|>"
CALL = "<|call|>"
RETURN = "<|return|>"
TERMINATORS = (END, CALL, RETURN)

FUNCTIONS = "functions."
RECIPIENT = "to="
ANALYSIS = "analysis"
# Harmony splits headers on ASCII whitespace.
SPACE = " \t\r\n"


def read_header(header: str) -> tuple[str, str] | None:
    """``(channel, recipient)`` of a header's text, "" when absent; None when it is malformed."""
    role_part, _, channel_part = header.partition(CHANNEL)
    if CHANNEL in channel_part:
        return None
    channel = ""
    recipients = set()
    for in_channel_part, part in ((False, role_part), (True, channel_part)):
        for word in part.replace(CONSTRAIN, " " + CONSTRAIN).split():
            if word.startswith(RECIPIENT):
                recipients.add(word[len(RECIPIENT) :])
            elif in_channel_part and not channel and not word.startswith(CONSTRAIN):
                channel = word
    if len(recipients) > 1 or "" in recipients or (CHANNEL in header and not channel):
        return None
    return channel, recipients.pop() if recipients else ""


def role_part_phase(phase: int, text: str) -> int:
    """Advance the check of ``[space] to=RECIPIENT [space]``; -1 once ``text`` breaks it.

    Phases: 0 leading space, 1 and 2 inside ``to=``, 3 the recipient, 4 trailing space.
    """
    for char in text:
        if phase == 0:
            if char not in SPACE:
                phase = 1 if char == "t" else -1
        elif phase == 1:
            phase = 2 if char == "o" else -1
        elif phase == 2:
            phase = 3 if char == "=" else -1
        elif phase == 3:
            if char in SPACE:
                phase = 4
        elif char not in SPACE:
            phase = -1
        if phase < 0:
            break
    return phase


class State(Enum):
    START = "start"
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    ARGUMENTS = "arguments"


# Outside a header: a header opens, a terminator is markup (or ends the body).
def _body_actions(end: MarkerAction) -> dict[str | tuple[str, ...], MarkerAction]:
    return {START: Machine.open_call, CHANNEL: Machine.open_call_in_header, TERMINATORS: end}


class GptOss(Machine):
    name = "gpt_oss"
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    HEADER_STATE = State.HEADER
    ARGS_STATE = State.ARGUMENTS
    OPENING = "t" + SPACE

    _role_phase = 0

    def role_part(self, text: str) -> int:
        """Text at the very start: held while it may be the first header's role part."""
        # Only what header() can still hold needs checking: past MAX_HEADER it fails anyway.
        self._role_phase = role_part_phase(self._role_phase, text[: MAX_HEADER - self._header_len + 1])
        if self._role_phase < 0:
            self.fail_call("")
            return 0
        return self.header(text)

    def message_route(self, header: str) -> Enum | tuple[str, str | None] | None:
        read = read_header(header)
        if read is None:
            return None
        channel, recipient = read
        if recipient.startswith(FUNCTIONS):
            name = recipient[len(FUNCTIONS) :]
            return (name, None) if name else None
        if recipient or channel == ANALYSIS:
            return State.REASONING
        return State.CONTENT

    STATES = {
        State.START: Lex(
            role_part,
            {CHANNEL: Machine.header_marker, (START, *TERMINATORS): Machine.fail_call},
        ),
        State.CONTENT: Lex(Machine.content, _body_actions(Machine.markup)),
        State.REASONING: Lex(Machine.reasoning, _body_actions(Machine.to_content)),
        State.HEADER: Lex(
            Machine.header,
            {
                (CHANNEL, CONSTRAIN): Machine.header_marker,
                MESSAGE: Machine.end_message_header,
                (START, *TERMINATORS): Machine.fail_call,
            },
        ),
        State.ARGUMENTS: Lex(
            Machine.stripped_args,
            {TERMINATORS: Machine.close_call, (START, CHANNEL): Machine.close_call_and_reread},
        ),
    }


register(GptOss)
