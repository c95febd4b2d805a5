"""The OpenAI Responses API's output: parsed deltas in, Responses streaming events (or one response) out.

Sans-IO, like :mod:`streamparse.sse`: an embedding server feeds
:class:`ResponsesStream` what streamparse produced (the chat deltas of
:meth:`StreamParser.feed`, the chunks of :class:`~streamparse.sse.ChunkStream`,
or parser events) and sends the events it returns, each with
:func:`sse_event`. The events are the ones the openai SDK's
``responses.stream()`` accumulates:

* ``response.created``, ``response.in_progress``;
* per output item, ``response.output_item.added`` … ``response.output_item.done``:
  a ``reasoning`` item (``response.content_part.added``,
  ``response.reasoning_text.delta`` / ``.done``, ``response.content_part.done``),
  a ``message`` item (the same with ``output_text``), a ``function_call``
  item (``response.function_call_arguments.delta`` / ``.done``);
* ``response.completed``, or ``response.incomplete`` (reason
  ``max_output_tokens``) when the output was cut, or ``response.failed``
  (:meth:`ResponsesStream.fail`) when the upstream broke off.

Every event carries ``sequence_number``; items are numbered by
``output_index`` in the order they opened. :func:`response_object` is the
non-streamed form: the ``response`` object for a whole
:class:`~streamparse.ParseResult`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from ._blocks import Block, BlockStream, result_deltas
from .result import ParseResult

__all__ = ["ResponsesStream", "response_object", "sse_event"]

_KIND = {"reasoning": "reasoning", "text": "message", "call": "function_call"}
_ID_PREFIX = {"reasoning": "rs", "text": "msg", "call": "fc"}


def sse_event(event: Mapping[str, Any]) -> str:
    """``event: <type>`` and ``data: <json>``, as both APIs send their events."""
    return f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


class ResponsesStream(BlockStream):
    """One Responses API response, built from streamparse's output.

    ``model``: the model name the response reports. ``response_id`` /
    ``created_at``: default to a new ``resp_`` id and now. ``fields``: the
    request's fields the response echoes (``tools``, ``tool_choice``,
    ``parallel_tool_calls``, ``instructions``, ``max_output_tokens``,
    ``temperature``, ``top_p``, ``metadata``, ...), as the API echoes them.

    :meth:`feed` (a chat delta), :meth:`feed_chunk` (a chat chunk),
    :meth:`feed_events` (parser events), :meth:`finish` and :meth:`fail`
    return the events to send; :attr:`response` is the response object as
    it stands (after :meth:`finish`, the non-streamed form).
    """

    def __init__(
        self,
        model: str,
        *,
        response_id: str | None = None,
        created_at: int | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.id = response_id if response_id is not None else "resp_" + secrets.token_hex(24)
        self.model = model
        self.created_at = created_at if created_at is not None else int(time.time())
        self.fields = dict(fields or {})
        self.status = "in_progress"
        self.error: dict[str, Any] | None = None
        self._sequence = 0
        self._items: dict[int, dict[str, Any]] = {}  # by output_index, as each item stands
        # Item ids share the response's random part: unique in the response, and short.
        self._suffix = self.id.removeprefix("resp_")[:24]

    @property
    def response(self) -> dict[str, Any]:
        usage = None
        if self.usage:
            given = self.usage.get("input_tokens", 0), self.usage.get("output_tokens", 0)
            usage = {
                "input_tokens": given[0],
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": given[1],
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": given[0] + given[1],
            }
        incomplete = {"reason": "max_output_tokens"} if self.status == "incomplete" else None
        body: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": self.status,
            "error": self.error,
            "incomplete_details": incomplete,
            "instructions": None,
            "max_output_tokens": None,
            "model": self.model,
            "output": [self._items[index] for index in sorted(self._items)],
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None},
            "store": False,
            "temperature": None,
            "text": {"format": {"type": "text"}},
            "tool_choice": "auto",
            "tools": [],
            "top_p": None,
            "truncation": "disabled",
            "usage": usage,
            "metadata": {},
        }
        body.update((key, value) for key, value in self.fields.items() if key in body and key != "output")
        copied: dict[str, Any] = _copy(body)
        return copied

    def _event(self, kind: str, **fields: Any) -> dict[str, Any]:
        event = {"type": kind, "sequence_number": self._sequence, **fields}
        self._sequence += 1
        return event

    def _item_id(self, block: Block) -> str:
        return f"{_ID_PREFIX[block.kind]}_{self._suffix}{block.position:03d}"

    def _start(self) -> list[dict[str, Any]]:
        return [
            self._event("response.created", response=self.response),
            self._event("response.in_progress", response=self.response),
        ]

    def _part(self, block: Block) -> dict[str, Any]:
        if block.kind == "reasoning":
            return {"type": "reasoning_text", "text": block.text}
        return {"type": "output_text", "text": block.text, "annotations": [], "logprobs": []}

    def _item(self, block: Block, status: str) -> dict[str, Any]:
        item_id = self._item_id(block)
        if block.kind == "call":
            return {
                "id": item_id,
                "type": "function_call",
                "call_id": block.call_id,
                "name": block.name,
                "arguments": block.text,
                "status": status,
            }
        content = [self._part(block)] if block.closed else []
        if block.kind == "reasoning":
            return {"id": item_id, "type": "reasoning", "summary": [], "content": content, "status": status}
        return {"id": item_id, "type": "message", "role": "assistant", "status": status, "content": content}

    def _open(self, block: Block) -> list[dict[str, Any]]:
        item = self._item(block, "in_progress")
        self._items[block.position] = item
        events = [self._event("response.output_item.added", output_index=block.position, item=_copy(item))]
        if block.kind != "call":
            where = {"item_id": item["id"], "output_index": block.position, "content_index": 0}
            events.append(self._event("response.content_part.added", **where, part=self._part(block)))
        return events

    def _grow(self, block: Block, text: str) -> list[dict[str, Any]]:
        where = {"item_id": self._item_id(block), "output_index": block.position}
        if block.kind == "call":
            return [self._event("response.function_call_arguments.delta", **where, delta=text)]
        if block.kind == "reasoning":
            return [self._event("response.reasoning_text.delta", **where, content_index=0, delta=text)]
        return [self._event("response.output_text.delta", **where, content_index=0, delta=text, logprobs=[])]

    def _close(self, block: Block) -> list[dict[str, Any]]:
        status = "incomplete" if self.finish_reason == "length" else "completed"
        item = self._item(block, status)
        self._items[block.position] = item
        where = {"item_id": item["id"], "output_index": block.position}
        events = []
        if block.kind == "call":
            events.append(
                self._event(
                    "response.function_call_arguments.done", **where, name=block.name, arguments=block.text
                )
            )
        else:
            done = (
                "response.reasoning_text.done" if block.kind == "reasoning" else "response.output_text.done"
            )
            extra: dict[str, Any] = {} if block.kind == "reasoning" else {"logprobs": []}
            events.append(self._event(done, **where, content_index=0, text=block.text, **extra))
            events.append(
                self._event("response.content_part.done", **where, content_index=0, part=self._part(block))
            )
        events.append(self._event("response.output_item.done", output_index=block.position, item=_copy(item)))
        return events

    def _end(self) -> list[dict[str, Any]]:
        if self.finish_reason == "length":
            self.status = "incomplete"
            return [self._event("response.incomplete", response=self.response)]
        self.status = "completed"
        return [self._event("response.completed", response=self.response)]

    def _failed(self, message: str, code: str) -> list[dict[str, Any]]:
        self.status = "failed"
        self.error = {"code": code, "message": message}
        return [self._event("response.failed", response=self.response)]


def response_object(
    result: ParseResult,
    model: str,
    *,
    usage: Mapping[str, Any] | None = None,
    response_id: str | None = None,
    created_at: int | None = None,
    fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The non-streamed Responses API ``response`` for a whole :class:`~streamparse.ParseResult`.

    Its output is what :class:`ResponsesStream` builds from the same
    response streamed: a reasoning item, a message, then one
    ``function_call`` item per call; ``status`` is ``incomplete`` when the
    finish reason is ``length``.
    """
    stream = ResponsesStream(model, response_id=response_id, created_at=created_at, fields=fields)
    for delta in result_deltas(result):
        stream.feed(delta)
    stream.finish(result.finish_reason, usage)
    return stream.response


def _copy(value: Any) -> Any:
    # Events are handed out and may be kept or changed by the caller; the state here must not follow.
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
