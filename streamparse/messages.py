"""The Anthropic Messages API's output: parsed deltas in, Messages streaming events (or one message) out.

Sans-IO, like :mod:`streamparse.sse` and :mod:`streamparse.responses`:
feed :class:`MessagesStream` what streamparse produced (chat deltas,
chunks, or parser events) and send the events it returns, each with
:func:`~streamparse.responses.sse_event` (``event: <type>`` then
``data: <json>``; the anthropic SDK reads only events that are named). The
events are the ones the anthropic SDK's ``messages.stream()`` accumulates:

* ``message_start`` (the message with empty ``content``);
* per content block, ``content_block_start``, ``content_block_delta``
  (``thinking_delta`` in a ``thinking`` block, ``text_delta`` in a ``text``
  block, ``input_json_delta`` in a ``tool_use`` block: the call's arguments
  as they arrive) and ``content_block_stop``;
* ``message_delta`` with ``stop_reason`` ``tool_use`` (the model called a
  tool), ``end_turn`` or ``max_tokens`` (the output was cut), and the usage;
* ``message_stop``; or, when the upstream broke off (:meth:`MessagesStream.fail`),
  an ``error`` event: ``{"type": "error", "error": {"type", "message"}}``.

A ``thinking`` block's ``signature`` is empty: no one signed the reasoning.
A ``tool_use`` block's ``input`` (non-streamed, and in
:attr:`MessagesStream.message`) is the arguments parsed as JSON; arguments
that are not a JSON object give ``{}``. :func:`message_object` is the
non-streamed form for a whole :class:`~streamparse.ParseResult`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from ._blocks import Block, BlockStream, arguments_object, result_deltas
from .result import ParseResult

__all__ = ["STOP_REASONS", "MessagesStream", "message_object"]

STOP_REASONS = {"tool_calls": "tool_use", "stop": "end_turn", "length": "max_tokens"}
"""The chat finish reason -> the Messages API's ``stop_reason``."""


class MessagesStream(BlockStream):
    """One Messages API message, built from streamparse's output.

    ``model``: the model name the message reports; ``message_id`` defaults
    to a new ``msg_`` id. :meth:`feed` (a chat delta), :meth:`feed_chunk`
    (a chat chunk), :meth:`feed_events` (parser events), :meth:`finish` and
    :meth:`fail` return the events to send; :attr:`message` is the message
    as it stands (after :meth:`finish`, the non-streamed form).
    """

    def __init__(self, model: str, *, message_id: str | None = None) -> None:
        super().__init__()
        self.id = message_id if message_id is not None else "msg_" + secrets.token_hex(12)
        self.model = model

    @property
    def stop_reason(self) -> str | None:
        return STOP_REASONS.get(self.finish_reason or "") if self.finished else None

    @property
    def message(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [self._block(block, whole=True) for block in self.blocks],
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "usage": self._usage(),
        }

    def _usage(self) -> dict[str, int]:
        return {
            "input_tokens": self.usage.get("input_tokens", 0),
            "output_tokens": self.usage.get("output_tokens", 0),
        }

    def _block(self, block: Block, *, whole: bool) -> dict[str, Any]:
        text = block.text if whole else ""
        if block.kind == "reasoning":
            return {"type": "thinking", "thinking": text, "signature": ""}
        if block.kind == "text":
            return {"type": "text", "text": text}
        return {
            "type": "tool_use",
            "id": block.call_id,
            "name": block.name,
            "input": arguments_object(text) if whole else {},
        }

    def _start(self) -> list[dict[str, Any]]:
        start = {**self.message, "content": [], "stop_reason": None}
        return [{"type": "message_start", "message": start}]

    def _open(self, block: Block) -> list[dict[str, Any]]:
        return [
            {
                "type": "content_block_start",
                "index": block.position,
                "content_block": self._block(block, whole=False),
            }
        ]

    def _grow(self, block: Block, text: str) -> list[dict[str, Any]]:
        if block.kind == "reasoning":
            delta = {"type": "thinking_delta", "thinking": text}
        elif block.kind == "text":
            delta = {"type": "text_delta", "text": text}
        else:
            delta = {"type": "input_json_delta", "partial_json": text}
        return [{"type": "content_block_delta", "index": block.position, "delta": delta}]

    def _close(self, block: Block) -> list[dict[str, Any]]:
        return [{"type": "content_block_stop", "index": block.position}]

    def _end(self) -> list[dict[str, Any]]:
        return [
            {
                "type": "message_delta",
                "delta": {"stop_reason": self.stop_reason, "stop_sequence": None},
                "usage": self._usage(),
            },
            {"type": "message_stop"},
        ]

    def _failed(self, message: str, code: str) -> list[dict[str, Any]]:
        kind = "overloaded_error" if code == "overloaded" else "api_error"
        return [{"type": "error", "error": {"type": kind, "message": message}}]


def message_object(
    result: ParseResult, model: str, *, usage: Mapping[str, Any] | None = None, message_id: str | None = None
) -> dict[str, Any]:
    """The non-streamed Messages API message for a whole :class:`~streamparse.ParseResult`.

    Its content is what :class:`MessagesStream` builds from the same
    response streamed: a ``thinking`` block, a ``text`` block, then one
    ``tool_use`` block per call.
    """
    stream = MessagesStream(model, message_id=message_id)
    for delta in result_deltas(result):
        stream.feed(delta)
    stream.finish(result.finish_reason, usage)
    return stream.message
