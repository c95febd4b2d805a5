"""The OpenAI-compatible proxy: chat requests in, raw completions from the upstream, parsed chunks out.

Per ``POST /v1/chat/completions`` the proxy validates the request (400
naming the bad field), renders the prompt with the model's chat template,
sends it to the upstream's ``/v1/completions`` with ``stream: true`` and
``skip_special_tokens: false`` (markers that are special tokens must reach
the parser), and runs the upstream events through
:class:`~streamparse.sse.ChunkStream`: streamed back as SSE, or folded into
one ``chat.completion`` when the client did not ask for a stream.

Failures: the upstream unreachable gives 502, slow to answer 504, both with
an OpenAI-shaped error body; an upstream error status is passed on (4xx)
or reported as 502 (5xx). Once a stream has begun, an upstream that drops
or stalls past the read timeout ends it with closing chunks (finish
reason ``length``), an ``{"error": ...}`` event and ``[DONE]``. A client
that disconnects cancels the streaming task, which closes the upstream
response, so the engine sees its request cancelled.

``tool_choice``: ``"none"`` renders the prompt without tools; ``"auto"``
with them; ``"required"`` and a named function render the tools (only
the named one) but cannot force the engine to call: whatever the model
writes is parsed as usual.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from httpx_sse import EventSource
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import UsageError
from ..registry import get_dialect_for
from ..result import fold_deltas
from ..sse import DONE, ChunkStream, UpstreamError, error_body, sse_line
from ..template import TemplateDialect
from ..tools import normalize_tools
from ._errors import error_response
from ._template import ChatTemplate, TemplateRenderError

__all__ = ["ProxyConfig", "create_proxy_app"]

# Request fields the proxy consumes; every other field goes to the upstream as sent
# (sampling options, and engine extras such as vLLM's top_k).
_CONSUMED = frozenset(
    {
        "messages",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "stream",
        "stream_options",
        "n",
        "max_tokens",
        "max_completion_tokens",
        "model",
        "functions",
        "function_call",
    }
)
_UNSUPPORTED = ("logprobs", "top_logprobs", "audio", "modalities", "prediction")


@dataclass(frozen=True)
class ProxyConfig:
    """How the proxy reaches its upstream and reads the model's output.

    ``upstream``: the upstream's OpenAI base URL (``http://host:port/v1``).
    ``model``: the model name sent upstream (default: the request's).
    ``read_timeout``: the longest wait for the next piece of the upstream
    response, in seconds; ``connect_timeout`` for the connection.
    """

    upstream: str
    dialect: str | TemplateDialect  # a name, or a streamparse.load_dialect() object
    template: ChatTemplate
    model: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 600.0
    upstream_api_key: str | None = None
    start_in_reasoning: bool | None = None  # None: the dialect name's default
    max_n: int = 16


class _BadRequest(Exception):
    def __init__(self, param: str | None, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def create_proxy_app(config: ProxyConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """The proxy as a Starlette app. ``transport`` replaces the network (e.g. ``httpx.ASGITransport``)."""
    get_dialect_for(config.dialect, start_in_reasoning=config.start_in_reasoning)  # a bad config fails now
    base = config.upstream.rstrip("/")
    headers = {"Authorization": f"Bearer {config.upstream_api_key}"} if config.upstream_api_key else {}
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    holder: dict[str, httpx.AsyncClient] = {}

    def client() -> httpx.AsyncClient:
        if "client" not in holder:
            limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
            holder["client"] = httpx.AsyncClient(
                timeout=timeout, headers=headers, transport=transport, limits=limits
            )
        return holder["client"]

    async def chat_completions(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):
            return error_response(400, "the request body is not valid JSON", param=None)
        try:
            upstream_body, options, stream = _prepare(body, config)
        except _BadRequest as bad:
            return error_response(400, bad.message, param=bad.param)
        chunks = ChunkStream(config.dialect, **options)
        try:
            response = await client().send(
                client().build_request("POST", f"{base}/completions", json=upstream_body), stream=True
            )
        except httpx.TimeoutException:
            return error_response(504, f"the upstream at {base} did not answer in time", param=None)
        except httpx.TransportError as error:
            return error_response(
                502, f"the upstream at {base} is unreachable: {_describe(error)}", param=None
            )
        if response.status_code != 200:
            return await _upstream_status(response)
        if stream:
            return StreamingResponse(
                _stream(response, chunks),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        return await _complete(response, chunks)

    async def models(request: Request) -> Response:
        try:
            response = await client().get(f"{base}/models")
        except httpx.TimeoutException:
            return error_response(504, f"the upstream at {base} did not answer in time", param=None)
        except httpx.TransportError as error:
            return error_response(
                502, f"the upstream at {base} is unreachable: {_describe(error)}", param=None
            )
        return Response(
            response.content,
            status_code=response.status_code,
            media_type=response.headers.get("content-type", "application/json"),
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if "client" in holder:
            await holder.pop("client").aclose()

    return Starlette(
        routes=[
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _positive_int(body: Mapping[str, Any], key: str, largest: int | None = None) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _BadRequest(key, f"{key} must be a positive integer, not {json.dumps(value)}")
    if largest is not None and value > largest:
        raise _BadRequest(key, f"{key} must be at most {largest}, not {value}")
    return value


def _prepare(body: Any, config: ProxyConfig) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """(the upstream request body, the ChunkStream options, stream?) or :class:`_BadRequest`."""
    if not isinstance(body, dict):
        raise _BadRequest(None, "the request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _BadRequest("messages", "messages must be a non-empty list of message objects")
    for position, message in enumerate(messages):
        if not isinstance(message, dict):
            raise _BadRequest(f"messages[{position}]", f"messages[{position}] must be an object")
        if not isinstance(message.get("role"), str):
            raise _BadRequest(f"messages[{position}].role", f"messages[{position}].role must be a string")
    for key in _UNSUPPORTED:
        if body.get(key):
            raise _BadRequest(key, f"{key} is not supported by streamparse serve")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise _BadRequest("model", "model must be a string")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _BadRequest("stream", "stream must be true or false")
    stream_options = body.get("stream_options")
    if stream_options is not None and not isinstance(stream_options, dict):
        raise _BadRequest("stream_options", "stream_options must be an object")
    include_usage = bool(stream_options and stream_options.get("include_usage"))
    n = _positive_int(body, "n", config.max_n) or 1
    max_tokens = _positive_int(body, "max_completion_tokens") or _positive_int(body, "max_tokens")

    tools = body.get("tools")
    if tools is not None:
        try:
            declared = normalize_tools(tools)
        except UsageError as error:
            raise _BadRequest("tools", str(error)) from None
        assert declared is not None
    prompt_tools = _prompt_tools(tools, body.get("tool_choice", "auto"))
    try:
        prompt = config.template.render(messages, prompt_tools, add_generation_prompt=True)
    except TemplateRenderError as error:
        raise _BadRequest("messages", f"the chat template cannot render these messages: {error}") from None

    upstream = {key: value for key, value in body.items() if key not in _CONSUMED}
    upstream.update(
        model=config.model or model or "",
        prompt=prompt,
        stream=True,
        skip_special_tokens=False,
        n=n,
    )
    if max_tokens is not None:
        upstream["max_tokens"] = max_tokens
    # Usage is always asked for: non-streamed responses report it; streams pass it on only when asked.
    upstream["stream_options"] = {"include_usage": True}
    options: dict[str, Any] = {
        "tools": tools,
        "model": model or config.model,
        "start_in_reasoning": config.start_in_reasoning,
        "include_usage": include_usage or not stream,
    }
    return upstream, options, stream


def _prompt_tools(tools: Any, choice: Any) -> list[Any] | None:
    if choice is None or choice == "auto":
        return tools or None
    if choice == "none":
        return None
    if choice == "required":
        if not tools:
            raise _BadRequest("tool_choice", "tool_choice 'required' needs tools")
        return list(tools)
    if isinstance(choice, dict) and choice.get("type") == "function":
        function = choice.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str):
            raise _BadRequest("tool_choice.function.name", "tool_choice.function.name must be a string")
        named = [tool for tool in tools or () if _tool_name(tool) == name]
        if not named:
            raise _BadRequest(
                "tool_choice.function.name", f"tool_choice names {name!r}, which is not among the tools"
            )
        return named
    raise _BadRequest(
        "tool_choice",
        "tool_choice must be 'none', 'auto', 'required' or {'type': 'function', 'function': {'name': ...}}",
    )


def _tool_name(tool: Any) -> Any:
    if isinstance(tool, dict):
        function = tool.get("function", tool)
        if isinstance(function, dict):
            return function.get("name")
    return None


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


def _events(response: httpx.Response) -> AsyncIterator[Any]:
    return EventSource(response).aiter_sse()


async def _close(response: httpx.Response) -> None:
    # Shielded: after a client disconnect this runs in a cancelled task, and the upstream must still be closed.
    with anyio.CancelScope(shield=True):
        await response.aclose()


def _failure(error: BaseException) -> dict[str, Any]:
    if isinstance(error, httpx.TimeoutException):
        return {
            "message": "the upstream stopped sending (read timeout)",
            "type": "upstream_timeout",
            "code": 504,
        }
    if isinstance(error, UpstreamError):
        return error.body
    return error_body(error)


async def _stream(response: httpx.Response, chunks: ChunkStream) -> AsyncIterator[str]:
    try:
        async for chunk in chunks.aiterate(_events(response)):
            yield sse_line(chunk)
    except Exception as error:
        yield sse_line({"error": _failure(error)})
    finally:
        await _close(response)
    yield DONE


async def _complete(response: httpx.Response, chunks: ChunkStream) -> Response:
    deltas: dict[int, list[dict[str, Any]]] = {}
    usage: dict[str, Any] | None = None
    head: dict[str, Any] = {}
    try:
        async for chunk in chunks.aiterate(_events(response)):
            head = chunk
            if not chunk["choices"]:
                usage = chunk.get("usage")
                continue
            choice = chunk["choices"][0]
            deltas.setdefault(choice["index"], []).append(choice["delta"])
    except Exception as error:
        failure = _failure(error)
        status = 504 if failure.get("code") == 504 else 502
        return error_response(status, str(failure.get("message")), param=None)
    finally:
        await _close(response)
    reasons = chunks.finish_reasons
    choices = []
    for index in sorted(deltas):
        result = fold_deltas(deltas[index], reasons.get(index))
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
