"""The replay upstream: recorded outputs served as an OpenAI ``/v1/completions`` endpoint."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..replay import Replay
from ..sse import DONE, sse_line
from ._errors import error_response

__all__ = ["ReplayStats", "create_replay_app"]


@dataclass
class ReplayStats:
    """What the replay saw: the last prompts, and how its streams ended."""

    prompts: deque[str] = field(default_factory=lambda: deque(maxlen=256))
    requests: list[dict[str, Any]] = field(default_factory=list)
    streams_started: int = 0
    streams_finished: int = 0
    streams_cancelled: int = 0


def create_replay_app(replay: Replay, *, delay: float = 0.0) -> Starlette:
    """A Starlette app serving ``replay``: ``POST /v1/completions``, ``GET /v1/models``.

    ``delay``: seconds to wait before each piece of a stream. ``app.state.stats``
    is a :class:`ReplayStats`.
    """
    stats = ReplayStats()

    async def completions(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error_response(400, "the request body is not valid JSON", param=None)
        if not isinstance(body, dict):
            return error_response(400, "the request body must be a JSON object", param=None)
        prompt = body.get("prompt")
        if isinstance(prompt, list) and len(prompt) == 1:
            prompt = prompt[0]
        if not isinstance(prompt, str):
            return error_response(400, "prompt must be a string", param="prompt")
        n = body.get("n", 1)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 128:
            return error_response(400, "n must be an integer from 1 to 128", param="n")
        max_tokens = body.get("max_tokens")
        if max_tokens is not None and (
            not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1
        ):
            return error_response(400, "max_tokens must be a positive integer", param="max_tokens")
        model = body.get("model") if isinstance(body.get("model"), str) else None
        stats.prompts.append(prompt)
        stats.requests.append(body)
        del stats.requests[:-256]
        if not body.get("stream"):
            return JSONResponse(replay.completion(prompt, n=n, max_tokens=max_tokens, model=model))
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        events = replay.events(prompt, n=n, max_tokens=max_tokens, include_usage=include_usage, model=model)
        return StreamingResponse(_stream(events, delay, stats), media_type="text/event-stream")

    async def models(request: Request) -> Response:
        return JSONResponse(replay.models())

    app = Starlette(
        routes=[
            Route("/v1/completions", completions, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
        ]
    )
    app.state.stats = stats
    return app


async def _stream(events: Any, delay: float, stats: ReplayStats) -> AsyncIterator[str]:
    stats.streams_started += 1
    finished = False
    try:
        for event in events:
            # Even without a delay, yield to the event loop: a client that went away is noticed only
            # when the loop runs, and until then every write goes to a dead socket.
            await asyncio.sleep(delay)
            yield sse_line(event)
        yield DONE
        finished = True
    finally:
        if finished:
            stats.streams_finished += 1
        else:
            stats.streams_cancelled += 1
