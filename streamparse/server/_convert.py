"""One request of another API served through the chat path: shared by ``/v1/responses`` and ``/v1/messages``.

Each endpoint turns its request into a chat completions body (its own
messages, tools and tool_choice converted to the chat ones), and
:func:`serve_converted` does the rest as ``/v1/chat/completions`` does it:
:func:`._chat.prepare_chat` (checks, the chat template, the upstream body),
:meth:`._proxy.Upstream.open`, :class:`~streamparse.sse.ChunkStream` and
:class:`._screen.Screen` (tool_choice, the request's tallies for the
metrics and the access log). The parsed chunks then go through the API's
converter (:class:`~streamparse.ResponsesStream`,
:class:`~streamparse.MessagesStream`): streamed as named SSE events, or
folded into the API's one response object. Errors come back in the API's
own shape (``error`` below).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from .._blocks import BlockStream
from ..responses import sse_event
from ..sse import ChunkStream
from ._chat import BadRequest, prepare_chat
from ._observe import Metrics, outcome_of
from ._proxy import _STREAM_HEADERS, ProxyConfig, Upstream, _parsed, _unless_client_leaves
from ._screen import Screen

__all__ = ["ErrorShape", "serve_converted"]


class ErrorShape(Protocol):
    def __call__(
        self, status: int, message: str, *, param: str | None, code: str | None = None
    ) -> Response: ...


async def serve_converted(
    request: Request,
    chat_body: dict[str, Any],
    *,
    config: ProxyConfig,
    upstream: Upstream,
    metrics: Metrics,
    converter: Callable[[str], BlockStream],
    result: Callable[[BlockStream], dict[str, Any]],
    error: ErrorShape,
) -> Response:
    """Serve ``chat_body`` (the request as a chat completions body); answer through ``converter``.

    ``converter(model)`` makes the API's converter for one response;
    ``result(converter)`` is its finished non-streamed body; ``error`` makes
    an error response in the API's shape.
    """
    outcome = outcome_of(request)
    try:
        chat = prepare_chat(
            chat_body,
            config.template,
            dialect=config.dialect,
            model=config.model,
            engine=config.engine,
            max_n=1,
        )
    except BadRequest as bad:
        return error(400, bad.message, param=bad.param)
    outcome.stream, outcome.dialect = chat.stream, chat.dialect_name
    headers = {}
    if chat.choice.forced:
        headers["X-Streamparse-Tool-Choice"] = "constrained" if chat.constrained else "checked"
    chunks = ChunkStream(
        chat.dialect,
        tools=chat.tools,
        model=chat.model,
        start_in_reasoning=None if chat.constrained else config.start_in_reasoning,
    )
    opened = await upstream.open("POST", "/completions", chat.upstream)
    if isinstance(opened, Response):
        return _reshaped(opened, error)
    screen = Screen(chat.choice, chat.tools, outcome, constrained=chat.constrained, send_usage=True)
    parsed = _parsed(opened, chunks, screen)
    model = chat.model or ""
    if chat.stream:
        events = _events(parsed, converter(model), upstream, metrics)
        return StreamingResponse(
            events, media_type="text/event-stream", headers={**_STREAM_HEADERS, **headers}
        )

    async def collect() -> Response:
        stream = converter(model)
        try:
            async for chunk in parsed:
                stream.feed_chunk(chunk)
        except Exception as failure:
            body = upstream.failed(failure)
            status = 504 if body.get("code") == 504 else 502
            code = body.get("type") if body.get("type") == "tool_choice_not_followed" else None
            return error(status, str(body.get("message")), param=None, code=code)
        stream.finish()
        return JSONResponse(result(stream), headers=headers)

    answer = await _unless_client_leaves(request, collect)
    return answer if answer is not None else Response(status_code=499)


async def _events(
    parsed: AsyncIterator[dict[str, Any]], stream: BlockStream, upstream: Upstream, metrics: Metrics
) -> AsyncIterator[str]:
    metrics.open_streams.inc()
    try:
        for event in stream.start():
            yield sse_event(event)
        try:
            async for chunk in parsed:
                for event in stream.feed_chunk(chunk):
                    yield sse_event(event)
        except Exception as failure:
            body = upstream.failed(failure)
            for event in stream.fail(str(body.get("message")), str(body.get("type") or "server_error")):
                yield sse_event(event)
            return
        for event in stream.finish():
            yield sse_event(event)
    finally:
        metrics.open_streams.dec()


def _reshaped(response: Response, error: ErrorShape) -> Response:
    """An OpenAI error response (from :meth:`Upstream.open`) in the API's shape."""
    try:
        body = json.loads(bytes(response.body))["error"]
    except (ValueError, KeyError, TypeError):
        body = {"message": "the upstream failed"}
    return error(response.status_code, str(body.get("message")), param=None, code=body.get("code"))
