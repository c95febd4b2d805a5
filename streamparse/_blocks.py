"""The output of one response as a sequence of blocks: what the Responses and Messages APIs stream.

Both APIs cut an answer into typed parts that open, grow and close one
after another (Responses "output items", Messages "content blocks"):
reasoning, text, and one per tool call. :class:`BlockStream` turns
streamparse's output (chat deltas, or parser events) into those steps and
calls the subclass's hooks; the subclasses in :mod:`streamparse.responses`
and :mod:`streamparse.messages` build each API's event objects. A block
stays open until a block of another kind (or another call) begins, or the
response finishes; a call's block also closes at its :class:`CallEnd`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import UsageError
from .events import CallArguments, CallEnd, CallStart, Event, Reasoning, Text

__all__ = ["Block", "BlockStream", "arguments_object", "chat_usage", "result_deltas"]

BlockKind = Literal["reasoning", "text", "call"]


@dataclass
class Block:
    """One part of the output. ``position`` counts blocks from 0 in the order they opened."""

    kind: BlockKind
    position: int
    call_id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)
    closed: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)


class BlockStream:
    """Chat deltas or parser events in, the subclass's API events out (sans-IO, one response).

    Subclasses implement ``_start``, ``_open``, ``_grow``, ``_close``,
    ``_end`` and ``_failed``; each returns the events to send for that step.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._calls: dict[int, Block] = {}  # the call's index in the deltas -> its block
        self._started = False
        self.finish_reason: str | None = None
        self.usage: dict[str, int] = {}
        self.finished = False

    # --- what subclasses implement ---------------------------------------------------------

    def _start(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _open(self, block: Block) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _grow(self, block: Block, text: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _close(self, block: Block) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _end(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _failed(self, message: str, code: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    # --- input ---------------------------------------------------------------------------

    def start(self) -> list[dict[str, Any]]:
        """The opening events (sent by the first :meth:`feed` when not called before)."""
        if self._started:
            return []
        self._started = True
        return self._start()

    def feed(self, delta: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """One chat delta (what :meth:`StreamParser.feed` returns; None is nothing)."""
        events = self.start()
        if not delta:
            return events
        self._check_open("feed")
        parts = delta.get("tool_calls") or ()
        # A delta merges one feed's events, so their order is lost. Within one feed, more arguments
        # of a call already open come first (nothing else can begin inside a call), then reasoning
        # and content, then new calls.
        for part in parts:
            if part.get("index", 0) in self._calls:
                events += self._arguments(part.get("index", 0), (part.get("function") or {}).get("arguments"))
        reasoning = delta.get("reasoning_content")
        if reasoning:
            events += self._text("reasoning", reasoning)
        content = delta.get("content")
        if content:
            events += self._text("text", content)
        for part in parts:
            index = part.get("index", 0)
            if index in self._calls:
                continue
            function = part.get("function") or {}
            name = function.get("name")
            call_id = part.get("id")
            if not isinstance(name, str) or not isinstance(call_id, str):
                raise UsageError(f"call {index}'s first delta must carry its id and function.name")
            events += self._open_call(index, call_id, name)
            events += self._arguments(index, function.get("arguments"))
        return events

    def feed_chunk(self, chunk: Mapping[str, Any]) -> list[dict[str, Any]]:
        """One ``chat.completion.chunk`` (choice 0): its delta, its usage; its finish reason is kept.

        The finish reason is only kept, not acted on, because an upstream's
        usage chunk comes after it; call :meth:`finish` at the end of the stream.
        """
        events = self.start()
        usage = chunk.get("usage")
        if isinstance(usage, Mapping):
            self.usage = chat_usage(usage)
        for choice in chunk.get("choices") or ():
            if choice.get("index", 0) != 0:
                raise UsageError("these APIs carry one choice: feed only choice 0")
            events += self.feed(choice.get("delta"))
            if choice.get("finish_reason") is not None:
                self.finish_reason = choice["finish_reason"]
        return events

    def feed_events(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        """Parser events (:meth:`StreamParser.feed_events`); limits and flags have no wire form here."""
        out = self.start()
        self._check_open("feed_events")
        for event in events:
            if isinstance(event, Text):
                out += self._text("text", event.text)
            elif isinstance(event, Reasoning):
                out += self._text("reasoning", event.text)
            elif isinstance(event, CallStart):
                out += self._open_call(event.index, event.id, event.name)
            elif isinstance(event, CallArguments):
                out += self._arguments(event.index, event.text)
            elif isinstance(event, CallEnd):
                block = self._calls.get(event.index)
                if block is not None and not block.closed:
                    out += self._close_block(block)
        return out

    def finish(
        self, finish_reason: str | None = None, usage: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Close the open block and end the response.

        ``finish_reason``: the chat finish reason (``stop``, ``tool_calls``,
        ``length``); None takes the one :meth:`feed_chunk` kept, else ``stop``.
        ``usage``: chat usage (``prompt_tokens`` / ``completion_tokens``) or the
        API's own (``input_tokens`` / ``output_tokens``).
        """
        events = self.start()
        self._check_open("finish")
        if finish_reason is not None:
            self.finish_reason = finish_reason
        if self.finish_reason not in ("stop", "tool_calls", "length"):
            self.finish_reason = "stop"
        if usage is not None:
            self.usage = chat_usage(usage)
        for block in self.blocks:
            if not block.closed:
                events += self._close_block(block)
        self.finished = True
        return events + self._end()

    def fail(self, message: str, code: str = "server_error") -> list[dict[str, Any]]:
        """End the response as failed (the upstream broke off): open blocks close, then the API's error."""
        events = self.start()
        self._check_open("fail")
        self.finish_reason = "length"  # what was sent stands, cut
        for block in self.blocks:
            if not block.closed:
                events += self._close_block(block)
        self.finished = True
        return events + self._failed(message, code)

    # --- the steps -----------------------------------------------------------------------

    def _check_open(self, method: str) -> None:
        if self.finished:
            raise UsageError(f"{method}() after finish(): make a new stream for each response")

    def _current(self) -> Block | None:
        return self.blocks[-1] if self.blocks and not self.blocks[-1].closed else None

    def _new_block(self, kind: BlockKind, call_id: str = "", name: str = "") -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        current = self._current()
        if current is not None:
            events += self._close_block(current)
        block = Block(kind, len(self.blocks), call_id, name)
        self.blocks.append(block)
        return events + self._open(block)

    def _close_block(self, block: Block) -> list[dict[str, Any]]:
        block.closed = True
        return self._close(block)

    def _text(self, kind: BlockKind, text: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        current = self._current()
        if current is None or current.kind != kind:
            events += self._new_block(kind)
            current = self.blocks[-1]
        current.parts.append(text)
        return events + self._grow(current, text)

    def _open_call(self, index: int, call_id: str, name: str) -> list[dict[str, Any]]:
        if index in self._calls:
            raise UsageError(f"call {index} was started twice")
        events = self._new_block("call", call_id, name)
        self._calls[index] = self.blocks[-1]
        return events

    def _arguments(self, index: int, text: str | None) -> list[dict[str, Any]]:
        if not text:
            return []
        block = self._calls.get(index)
        if block is None:
            raise UsageError(f"arguments for call {index}, which was not started")
        if block.closed:
            # The APIs send a block's parts between its start and its stop; streamparse's
            # parsers finish one call's arguments before anything else begins.
            raise UsageError(f"arguments for call {index} after its block was closed")
        block.parts.append(text)
        return self._grow(block, text)


def chat_usage(usage: Mapping[str, Any]) -> dict[str, int]:
    """``input_tokens`` / ``output_tokens`` from chat usage (or from either API's own usage)."""
    found: dict[str, int] = {}
    for key, names in (
        ("input_tokens", ("input_tokens", "prompt_tokens")),
        ("output_tokens", ("output_tokens", "completion_tokens")),
    ):
        for name in names:
            value = usage.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                found[key] = value
                break
    return found


def arguments_object(arguments: str) -> dict[str, Any]:
    """A call's arguments as a JSON object; arguments that are not one become ``{}``."""
    try:
        value = json.loads(arguments) if arguments.strip() else {}
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def result_deltas(result: Any) -> list[dict[str, Any]]:
    """A :class:`~streamparse.ParseResult` as the deltas that build it (reasoning, content, calls)."""
    deltas: list[dict[str, Any]] = []
    if result.reasoning_content:
        deltas.append({"reasoning_content": result.reasoning_content})
    if result.content:
        deltas.append({"content": result.content})
    for index, call in enumerate(result.tool_calls):
        function = {"name": call.function.name, "arguments": call.function.arguments}
        deltas.append(
            {"tool_calls": [{"index": index, "id": call.id, "type": "function", "function": function}]}
        )
    return deltas
