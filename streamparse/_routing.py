"""Routed messages: where a message's body goes, read from its header.

Harmony (gpt_oss), Muse's ATEM framing, Beam and Inkling write their output
as a sequence of messages whose header names a recipient (``to=self``,
``to=functions.get_weather``) or a channel (``analysis``, ``final``, a
content kind). A dialect states, as data (:class:`Routing`), which
recipient or channel sends a body where:

* ``REASONING`` — the body is reasoning;
* ``CONTENT`` — the body is content;
* ``CALL`` — the body is a call (its name from the recipient, or from the
  body itself when the dialect says so);
* ``DROP`` — the body is markup (Muse's ``to=developer``).

:class:`RoutedMachine` reads a header once, at the marker that ends it,
and enters the state the dialect gives for the route (``ROUTE_STATES``);
the header is markup. A header that is malformed is content (see
:meth:`~streamparse._machine.Machine.fail_call`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar

from ._machine import MAX_HEADER, Machine

__all__ = ["ROLE_PART_OPENING", "Route", "RoutedMachine", "Routing", "read_header", "role_part_phase"]

CHANNEL = "<|channel|>"
CONSTRAIN = "<|constrain|>"
RECIPIENT = "to="
# Harmony splits headers on ASCII whitespace.
SPACE = " \t\r\n"
# OPENING of a dialect whose first message may start with its role part (`` to=NAME``, after the
# prompt's ``<|start|>assistant``): leading whitespace and ``to=`` are held (see role_part).
ROLE_PART_OPENING = "t" + SPACE


class Route(Enum):
    REASONING = "reasoning"
    CONTENT = "content"
    CALL = "call"
    DROP = "drop"


@dataclass(frozen=True)
class Routing:
    """The table "recipient / channel -> route" of one dialect.

    A recipient decides first: one in ``recipients``, else one that starts
    with ``call_prefix`` (a call named by the rest; the prefix alone is a
    malformed header), else ``other_recipient``. Without a recipient the
    channel decides: ``channels``, else ``other_channel``.
    """

    recipients: Mapping[str, Route] = field(default_factory=dict)
    call_prefix: str = ""
    other_recipient: Route = Route.CALL
    channels: Mapping[str, Route] = field(default_factory=dict)
    other_channel: Route = Route.CONTENT

    def route(self, recipient: str, channel: str) -> tuple[Route, str] | None:
        """``(route, call name)`` (the name is "" unless the route is CALL); None: a malformed header."""
        if recipient:
            known = self.recipients.get(recipient)
            if known is not None:
                return known, recipient if known is Route.CALL else ""
            prefix = self.call_prefix
            if prefix and recipient.startswith(prefix):
                name = recipient[len(prefix) :]
                return (Route.CALL, name) if name else None
            route = self.other_recipient
            return route, recipient if route is Route.CALL else ""
        return self.channels.get(channel, self.other_channel), ""


def read_header(header: str) -> tuple[str, str] | None:
    """``(channel, recipient)`` of a harmony-style header, "" when absent; None when it is malformed.

    The header is ``[role] [to=RECIPIENT][<|channel|>CHANNEL [to=RECIPIENT]
    [<|constrain|>TYPE]]``: two different recipients, two channels or
    ``<|channel|>`` with no name make it malformed.
    """
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


class RoutedMachine(Machine):
    """A dialect of routed messages: ``ROUTING`` says where a body goes, ``ROUTE_STATES`` in which state.

    ``ROUTE_STATES[Route.CALL]`` may be None: the header names the call,
    which commits at once and reads its body in ``ARGS_STATE``. A state
    there instead reads the body as a tool message whose calls name
    themselves (Muse's ``<atem:invoke name=...>``).
    """

    ROUTING: ClassVar[Routing]
    ROUTE_STATES: ClassVar[Mapping[Route, Enum | None]]
    # Where a message header is read, when HEADER_STATE reads a call's own header (Muse's invokes).
    MESSAGE_HEADER_STATE: ClassVar[Enum]
    _role_phase = 0

    def role_part(self, text: str) -> int:
        """Text at the very start: held while it may be the first header's role part (`` to=NAME``)."""
        # Only what header() can still hold needs checking: past MAX_HEADER it fails anyway.
        self._role_phase = role_part_phase(self._role_phase, text[: MAX_HEADER - self._header_len + 1])
        if self._role_phase < 0:
            self.fail_call("")
            return 0
        return self.header(text)

    def open_message(self, marker: str) -> bool:
        """The marker that starts a message: its header follows, held until it ends."""
        self.open_call(marker)
        self._enter(self.MESSAGE_HEADER_STATE)
        return True

    def headerless_message(self, marker: str) -> bool:
        """A marker that ends a header, where no header was opened: a message with an empty header."""
        self.open_message("")
        return self.end_message_header(marker)

    def header_channel(self, header: str, marker: str) -> tuple[str, str] | None:
        """``(channel, recipient)`` of a header ended by ``marker``; None: malformed."""
        return read_header(header)

    def message_route(self, header: str, marker: str = "") -> Enum | tuple[str, str | None] | None:
        read = self.header_channel(header, marker)
        if read is None:
            return None
        channel, recipient = read
        routed = self.ROUTING.route(recipient, channel)
        if routed is None:
            return None
        route, name = routed
        state = self.ROUTE_STATES[route]
        if state is None:
            return name, None
        return state

    def dropped(self, text: str) -> int:
        """The body of a message that is markup (``Route.DROP``)."""
        return len(text)
