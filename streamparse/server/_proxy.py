"""The OpenAI-compatible proxy: chat requests in, raw completions from the upstream, parsed chunks out.

Per ``POST /v1/chat/completions`` the proxy checks the request (400
naming the bad field), renders the prompt with the model's chat template
(:mod:`._chat`), sends it to the upstream's ``/v1/completions`` with
``stream: true`` and ``skip_special_tokens: false`` (markers that are
special tokens must reach the parser), runs the upstream events through
:class:`~streamparse.sse.ChunkStream`, checks the calls against
``tool_choice`` (:mod:`._screen`), and streams the chunks back as SSE or
folds them into one ``chat.completion``.

Failures: the upstream unreachable gives 502, slow to answer 504, both
with an OpenAI-shaped error body; an upstream error status is passed on
(4xx) or reported as 502 (5xx). Once a stream has begun, an upstream that
drops, stalls past the read timeout, or ends without ``[DONE]`` ends the
open choices with ``length``; a failure is then followed by an
``{"error": ...}`` event and ``[DONE]``. A client that leaves, streamed or
not, cancels the request, which closes the upstream response, so the
engine sees its request cancelled.

Around the endpoints (:func:`create_proxy_app`): :class:`._observe.Observe`
(metrics, access log), CORS, :class:`._guard.Guard` (API keys, body cap);
every error, 404 and 405 and 500 included, is OpenAI error JSON.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .._dialect import DialectObject
from ..registry import get_dialect_for
from ..result import fold_deltas
from ..sse import DONE, ChunkStream, UpstreamError, error_body, sse_line
from ._chat import BadRequest, ChatRequest, Engine, prepare_chat
from ._errors import error_for, error_response
from ._guard import Guard
from ._observe import Metrics, Observe, Outcome, outcome_of
from ._screen import Screen
from ._template import ChatTemplate

__all__ = ["ProxyConfig", "Upstream", "create_proxy_app"]

_LOG = logging.getLogger("streamparse.serve")
_STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
# httpx's pool looks through all its connections for each request and each response closed: with
# one pool, a thousand streams made that a tenth of the proxy's CPU. Requests take the clients in turn.
_UPSTREAM_CLIENTS = 8


@dataclass(frozen=True)
class ProxyConfig:
    """How the proxy reaches its upstream, reads the model's output, and whom it serves.

    ``upstream``: the upstream's OpenAI base URL (``http://host:port/v1``).
    ``model``: the model name sent upstream (default: the request's).
    ``read_timeout``: the longest wait for the next piece of the upstream
    response, in seconds; ``connect_timeout`` for the connection.
    ``engine``: the upstream's kind (``vllm``, ``sglang``, ``llamacpp``),
    so a forced ``tool_choice`` is sent as the engine's constrained-decoding
    field; None when the engine cannot constrain (the output is checked
    against the choice instead). ``api_keys``: the keys clients must send
    (none: no check). ``cors_origins``: origins allowed by CORS (``*`` for
    any). ``max_body_bytes``: the largest request body accepted.
    """

    upstream: str
    dialect: str | DialectObject  # a name, or a streamparse.load_dialect() object
    template: ChatTemplate
    model: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 600.0
    upstream_api_key: str | None = None
    start_in_reasoning: bool | None = None  # None: the dialect name's default
    max_n: int = 16
    engine: Engine | None = None
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int | None = 32 * 1024 * 1024


class Upstream:
    """The upstream engine's OpenAI API: one shared client, failures as OpenAI error responses."""

    def __init__(
        self, config: ProxyConfig, metrics: Metrics, transport: httpx.AsyncBaseTransport | None
    ) -> None:
        self.base = config.upstream.rstrip("/")
        self.metrics = metrics
        headers = {"Authorization": f"Bearer {config.upstream_api_key}"} if config.upstream_api_key else {}
        self._options: dict[str, Any] = {
            "timeout": httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            "headers": headers,
            "transport": transport,
            # Every idle connection is kept (for keepalive_expiry): after a burst of N streams the next N
            # reuse them instead of connecting again while the earlier ones are still streaming.
            "limits": httpx.Limits(max_connections=None, max_keepalive_connections=None),
        }
        self._clients: list[httpx.AsyncClient] = []
        self._turn = itertools.count()

    @property
    def client(self) -> httpx.AsyncClient:
        """One of the shared clients (in turn): a request and its response stay on the one it got."""
        if not self._clients:
            self._clients = [httpx.AsyncClient(**self._options) for _ in range(_UPSTREAM_CLIENTS)]
        return self._clients[next(self._turn) % len(self._clients)]

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()

    async def open(
        self, method: str, path: str, body: Any = None, **options: Any
    ) -> httpx.Response | Response:
        """The upstream's response, streamed and with status 200, or an error response for the client."""
        try:
            client = self.client
            request = client.build_request(method, f"{self.base}{path}", json=body, **options)
            response = await client.send(request, stream=True)
        except httpx.TimeoutException:
            self.metrics.upstream_errors.labels("timeout").inc()
            return error_response(504, f"the upstream at {self.base} did not answer in time", param=None)
        except httpx.TransportError as error:
            self.metrics.upstream_errors.labels("unreachable").inc()
            message = f"the upstream at {self.base} is unreachable: {_describe(error)}"
            return error_response(502, message, param=None)
        if response.status_code != 200:
            self.metrics.upstream_errors.labels(f"status_{response.status_code // 100}xx").inc()
            return await _upstream_status(response)
        return response

    def failed(self, error: BaseException) -> dict[str, Any]:
        """The error body for a failure after the response began, counted in the metrics."""
        if isinstance(error, httpx.TimeoutException):
            self.metrics.upstream_errors.labels("stalled").inc()
            return {
                "message": "the upstream stopped sending (read timeout)",
                "type": "upstream_timeout",
                "code": 504,
            }
        if isinstance(error, UpstreamError):
            self.metrics.upstream_errors.labels("error_event").inc()
            return error.body
        if isinstance(error, _ToolChoiceNotFollowed):
            return {"message": str(error), "type": "tool_choice_not_followed", "code": 502}
        self.metrics.upstream_errors.labels("dropped").inc()
        return error_body(error)


class _ToolChoiceNotFollowed(Exception):
    pass


def create_proxy_app(config: ProxyConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """The proxy as a Starlette app. ``transport`` replaces the network (e.g. ``httpx.ASGITransport``).

    ``app.state.metrics`` is its :class:`._observe.Metrics`.
    """
    get_dialect_for(config.dialect, start_in_reasoning=config.start_in_reasoning)  # a bad config fails now
    metrics = Metrics()
    upstream = Upstream(config, metrics, transport)

    async def chat_completions(request: Request) -> Response:
        outcome = outcome_of(request)
        outcome.endpoint = "chat_completions"
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            chat = prepare_chat(
                body,
                config.template,
                dialect=config.dialect,
                model=config.model,
                engine=config.engine,
                max_n=config.max_n,
            )
        except BadRequest as bad:
            return error_response(400, bad.message, param=bad.param)
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
        response = await upstream.open("POST", "/completions", chat.upstream)
        if isinstance(response, Response):
            return response
        # Usage is always read (the metrics count tokens); a stream passes it on only when asked.
        send_usage = chat.include_usage or not chat.stream
        screen = Screen(chat.choice, chat.tools, outcome, constrained=chat.constrained, send_usage=send_usage)
        parsed = _parsed(response, chunks, screen)
        if chat.stream:
            return StreamingResponse(
                _sse(parsed, upstream, metrics),
                media_type="text/event-stream",
                headers={**_STREAM_HEADERS, **headers},
            )
        result = await _unless_client_leaves(request, lambda: _complete(parsed, chat, upstream))
        if result is None:
            return Response(status_code=499)
        result.headers.update(headers)
        return result

    async def completions(request: Request) -> Response:
        """``/v1/completions`` passed through as it is (only ``model`` is replaced when ``--model`` is set)."""
        outcome = outcome_of(request)
        outcome.endpoint = "completions"
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        if not isinstance(body, dict):
            return error_response(400, "the request body must be a JSON object", param=None)
        if config.model:
            body["model"] = config.model
        outcome.stream = body.get("stream") is True
        response = await upstream.open("POST", "/completions", body)
        if isinstance(response, Response):
            return response
        media_type = response.headers.get("content-type", "application/json")
        if outcome.stream:
            return StreamingResponse(
                _raw(response, outcome, metrics), media_type=media_type, headers=_STREAM_HEADERS
            )

        async def read() -> Response:
            try:
                content = await response.aread()
            except httpx.HTTPError as error:
                failure = upstream.failed(error)
                return error_response(
                    504 if failure.get("code") == 504 else 502, str(failure["message"]), param=None
                )
            finally:
                await _close(response)
            return Response(content, media_type=media_type)

        result = await _unless_client_leaves(request, read)
        return result if result is not None else Response(status_code=499)

    async def models(request: Request) -> Response:
        outcome_of(request).endpoint = "models"
        response = await upstream.open("GET", "/models")
        if isinstance(response, Response):
            return response
        try:
            content = await response.aread()
        finally:
            await _close(response)
        model_id = request.path_params.get("model_id")
        if model_id is None:
            return Response(content, media_type=response.headers.get("content-type", "application/json"))
        try:
            listed = json.loads(content).get("data")
        except (ValueError, AttributeError):
            listed = None
        for model in listed if isinstance(listed, list) else ():
            if isinstance(model, dict) and model.get("id") == model_id:
                return JSONResponse(model)
        return error_response(
            404, f"the model {model_id!r} does not exist", param="model", code="model_not_found"
        )

    async def health(request: Request) -> Response:
        outcome_of(request).endpoint = "health"
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        """Ready when the upstream answers ``GET /models`` (within the connect timeout, at most 5 s)."""
        outcome_of(request).endpoint = "ready"
        wait = min(config.connect_timeout, 5.0)
        response = await upstream.open("GET", "/models", timeout=httpx.Timeout(wait))
        if isinstance(response, Response):
            failure = json.loads(bytes(response.body))["error"]
            return error_response(
                503, f"not ready: {failure['message']}", param=None, code="upstream_not_ready"
            )
        await _close(response)
        return JSONResponse({"status": "ready", "upstream": upstream.base})

    async def metrics_endpoint(request: Request) -> Response:
        outcome_of(request).endpoint = "metrics"
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await upstream.aclose()

    middleware = [Middleware(Observe, metrics=metrics)]
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["*"],
            )
        )
    middleware.append(Middleware(Guard, api_keys=config.api_keys, max_body_bytes=config.max_body_bytes))
    # Imported here: those modules build on this one's pieces (Upstream, _parsed, ...).
    from ._messages import messages_endpoint
    from ._responses import responses_endpoint

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/v1/responses", responses_endpoint(config, upstream, metrics), methods=["POST"]),
            Route("/v1/messages", messages_endpoint(config, upstream, metrics), methods=["POST"]),
            Route("/v1/completions", completions, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/v1/models/{model_id:path}", models, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"there is no endpoint {request.url.path}"
    elif error.status_code == 405:
        message = f"{request.url.path} does not take {request.method}"
    else:
        message = error.detail
    response = error_for(request.url.path, error.status_code, message)
    response.headers.update(error.headers or {})
    return response


async def _server_error(request: Request, error: Exception) -> Response:
    _LOG.exception("error while serving %s %s", request.method, request.url.path, exc_info=error)
    return error_for(request.url.path, 500, f"internal error in streamparse serve: {type(error).__name__}")


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, RecursionError):
        return error_response(400, "the request body is not valid JSON", param=None)


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


async def _upstream_status(response: httpx.Response) -> Response:
    try:
        raw = await response.aread()
    finally:
        await response.aclose()
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    detail = raw.decode("utf-8", "replace")[:500]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = str(body["error"].get("message") or detail)
    if 400 <= response.status_code < 500:
        return error_response(response.status_code, f"the upstream refused the request: {detail}", param=None)
    return error_response(
        502, f"the upstream failed with status {response.status_code}: {detail}", param=None
    )


async def _close(response: httpx.Response) -> None:
    # Shielded: after a client disconnect this runs in a cancelled task, and the upstream must still be closed.
    with anyio.CancelScope(shield=True):
        await response.aclose()


async def _unless_client_leaves(request: Request, work: Callable[[], Any]) -> Response | None:
    """``await work()``, cancelled (returning None) when the client disconnects first.

    A non-streamed response is sent only at the end, so nothing else notices
    that the client left: without this the engine would generate to the end.
    """
    result: list[Response] = []
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            while (await request.receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()

        async def run() -> None:
            result.append(await work())
            group.cancel_scope.cancel()

        group.start_soon(watch)
        group.start_soon(run)
    return result[0] if result else None


async def _parsed(
    response: httpx.Response, chunks: ChunkStream, screen: Screen
) -> AsyncIterator[dict[str, Any]]:
    """The chunks to send, in order; an upstream failure is raised after the closing chunks.

    The upstream's bytes go straight to the ChunkStream, which decodes the
    SSE itself: httpx-sse's text, line and event layers were a third of the
    proxy's reading cost per token in a profile. An upstream that ends without
    ``[DONE]`` closes its open choices as cut (``length``): nothing says
    the output was whole.
    """
    try:
        try:
            kind = response.headers.get("content-type", "")
            if not kind.startswith("text/event-stream"):
                raise httpx.RemoteProtocolError(
                    f"the upstream sent {kind or 'no content type'}, not an event stream"
                )
            async for piece in response.aiter_bytes():
                for chunk in chunks.feed(piece):
                    kept = screen.apply(chunk)
                    if kept is not None:
                        yield kept
                if chunks.done or chunks.error is not None:
                    break
        except Exception:
            for chunk in chunks.close(cut=True):
                kept = screen.apply(chunk)
                if kept is not None:
                    yield kept
            raise
        for chunk in chunks.close(cut=not chunks.done):
            kept = screen.apply(chunk)
            if kept is not None:
                yield kept
    finally:
        await _close(response)
    if chunks.error is not None:
        raise UpstreamError(chunks.error)
    if screen.violation is not None:
        raise _ToolChoiceNotFollowed(screen.violation)


async def _sse(
    parsed: AsyncIterator[dict[str, Any]], upstream: Upstream, metrics: Metrics
) -> AsyncIterator[str]:
    metrics.open_streams.inc()
    try:
        try:
            async for chunk in parsed:
                yield sse_line(chunk)
        except Exception as error:
            yield sse_line({"error": upstream.failed(error)})
        yield DONE
    finally:
        metrics.open_streams.dec()


async def _raw(response: httpx.Response, outcome: Outcome, metrics: Metrics) -> AsyncIterator[bytes]:
    metrics.open_streams.inc()
    try:
        async for piece in response.aiter_raw():
            outcome.output_seen()
            yield piece
    except httpx.HTTPError as error:
        metrics.upstream_errors.labels("dropped").inc()
        yield sse_line({"error": error_body(error)}).encode()
    finally:
        metrics.open_streams.dec()
        await _close(response)


async def _complete(parsed: AsyncIterator[dict[str, Any]], chat: ChatRequest, upstream: Upstream) -> Response:
    deltas: dict[int, list[dict[str, Any]]] = {}
    reasons: dict[int, str] = {}
    usage: dict[str, Any] | None = None
    head: dict[str, Any] = {}
    try:
        async for chunk in parsed:
            head = chunk
            if not chunk["choices"]:
                usage = chunk.get("usage")
                continue
            choice = chunk["choices"][0]
            deltas.setdefault(choice["index"], []).append(choice["delta"])
            if choice.get("finish_reason") is not None:
                reasons[choice["index"]] = choice["finish_reason"]
    except Exception as error:
        failure = upstream.failed(error)
        status = 504 if failure.get("code") == 504 else 502
        kind = "tool_choice_not_followed" if isinstance(error, _ToolChoiceNotFollowed) else None
        response = error_response(status, str(failure.get("message")), param=None, code=kind)
        return response
    choices = []
    for index in sorted(deltas):
        result = fold_deltas(deltas[index], reasons.get(index))  # type: ignore[arg-type]
        message: dict[str, Any] = {"role": "assistant", "content": result.content}
        if result.reasoning_content is not None:
            message["reasoning_content"] = result.reasoning_content
        if result.tool_calls:
            message["tool_calls"] = [call.model_dump() for call in result.tool_calls]
        choices.append(
            {"index": index, "message": message, "logprobs": None, "finish_reason": result.finish_reason}
        )
    body: dict[str, Any] = {
        "id": head.get("id"),
        "object": "chat.completion",
        "created": head.get("created"),
        "model": head.get("model"),
        "choices": choices,
    }
    if usage is not None:
        body["usage"] = usage
    return JSONResponse(body)
