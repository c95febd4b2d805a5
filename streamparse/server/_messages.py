"""``POST /v1/messages``: the Anthropic Messages API in front of a raw-completions engine.

The request becomes a chat completions body: ``system`` a system message;
each message's blocks chat messages (``text`` blocks the text,
``thinking`` blocks the assistant's ``reasoning_content``, ``tool_use``
blocks its ``tool_calls`` with the input as JSON arguments, ``tool_result``
blocks ``tool`` messages, placed before the user's text as the API orders
them); tools (``name``, ``description``, ``input_schema``) chat tools;
``tool_choice`` ``auto`` / ``any`` / ``tool`` / ``none`` the chat
``auto`` / ``required`` / named function / ``none``
(``disable_parallel_tool_use``: ``parallel_tool_calls: false``);
``stop_sequences`` the engine's ``stop``; ``thinking`` the template's
``enable_thinking``. It is then served as a chat request
(:func:`._convert.serve_converted`) and answered with
:class:`~streamparse.MessagesStream`. Errors are the API's own:
``{"type": "error", "error": {"type", "message"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._blocks import BlockStream
from ..messages import MessagesStream
from ._chat import BadRequest
from ._convert import serve_converted
from ._errors import anthropic_error
from ._observe import Metrics, outcome_of
from ._proxy import ProxyConfig, Upstream, _json_body

__all__ = ["messages_endpoint", "messages_to_chat"]

_SAMPLING = ("temperature", "top_p", "top_k", "chat_template_kwargs")


def messages_to_chat(body: Any) -> dict[str, Any]:
    """A Messages API request as a chat completions body, or :class:`._chat.BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest(None, "the request body must be a JSON object")
    max_tokens = body.get("max_tokens")
    if max_tokens is None:
        raise BadRequest("max_tokens", "max_tokens: Field required")
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system is not None:
        messages.append({"role": "system", "content": _text_blocks(system, "system")})
    given = body.get("messages")
    if not isinstance(given, list) or not given:
        raise BadRequest("messages", "messages must be a non-empty list of message objects")
    for position, message in enumerate(given):
        messages += _message(message, f"messages[{position}]")
    chat: dict[str, Any] = {
        "messages": messages,
        "max_tokens": max_tokens,
        "stream": body.get("stream", False),
    }
    if body.get("model") is not None:
        chat["model"] = body["model"]
    tools = body.get("tools")
    if tools:
        chat["tools"] = _tools(tools)
    choice = body.get("tool_choice")
    if choice is not None:
        chat["tool_choice"], parallel = _tool_choice(choice)
        if not parallel:
            chat["parallel_tool_calls"] = False
    stops = body.get("stop_sequences")
    if stops:
        if not isinstance(stops, list) or not all(isinstance(stop, str) for stop in stops):
            raise BadRequest("stop_sequences", "stop_sequences must be a list of strings")
        chat["stop"] = stops
    for key in _SAMPLING:
        if body.get(key) is not None:
            chat[key] = body[key]
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "disabled", "adaptive"):
        kwargs = chat.get("chat_template_kwargs")
        kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
        kwargs.setdefault("enable_thinking", thinking["type"] != "disabled")
        chat["chat_template_kwargs"] = kwargs
    return chat


def _text_blocks(content: Any, where: str) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise BadRequest(where, f"{where} must be a string or a list of text blocks")
    texts = []
    for position, block in enumerate(content):
        at = f"{where}[{position}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind != "text" or not isinstance(block.get("text"), str):
            raise BadRequest(at, f"{at} is a {kind!r} block; only text blocks can be sent here")
        texts.append(block["text"])
    return "\n".join(texts)


def _message(message: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(message, dict):
        raise BadRequest(where, f"{where} must be an object")
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise BadRequest(f"{where}.role", f"{where}.role must be 'user' or 'assistant'")
    content = message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise BadRequest(f"{where}.content", f"{where}.content must be a string or a list of blocks")
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for position, block in enumerate(content):
        at = f"{where}.content[{position}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "thinking" and role == "assistant" and isinstance(block.get("thinking"), str):
            reasoning.append(block["thinking"])
        elif kind == "redacted_thinking" and role == "assistant":
            continue  # encrypted reasoning of another provider: nothing a template can show
        elif kind == "tool_use" and role == "assistant":
            if not isinstance(block.get("id"), str) or not isinstance(block.get("name"), str):
                raise BadRequest(at, f"{at} needs an id and a name")
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            calls.append(
                {
                    "id": block["id"],
                    "type": "function",
                    "function": {"name": block["name"], "arguments": arguments},
                }
            )
        elif kind == "tool_result" and role == "user":
            if not isinstance(block.get("tool_use_id"), str):
                raise BadRequest(f"{at}.tool_use_id", f"{at}.tool_use_id must be a string")
            output = _text_blocks(block.get("content") or "", f"{at}.content")
            results.append({"role": "tool", "tool_call_id": block["tool_use_id"], "content": output})
        else:
            raise BadRequest(
                at,
                f"{at} is a {kind!r} block, which a {role} message cannot carry here (streamparse serve "
                "sends the upstream a text prompt)",
            )
    text = "\n".join(texts)
    if role == "user":
        return results + ([{"role": "user", "content": text}] if texts or not results else [])
    answer: dict[str, Any] = {"role": "assistant", "content": text if texts else None}
    if reasoning:
        answer["reasoning_content"] = "".join(reasoning)
    if calls:
        answer["tool_calls"] = calls
    return [answer]


def _tools(tools: Any) -> list[dict[str, Any]]:
    if not isinstance(tools, list):
        raise BadRequest("tools", "tools must be a list")
    converted = []
    for position, tool in enumerate(tools):
        where = f"tools[{position}]"
        if not isinstance(tool, dict) or tool.get("type", "custom") != "custom":
            kind = tool.get("type") if isinstance(tool, dict) else None
            raise BadRequest(where, f"{where} is a {kind!r} tool; streamparse serve takes custom tools")
        function = {"name": tool.get("name"), "parameters": tool.get("input_schema") or {"type": "object"}}
        if "description" in tool:
            function["description"] = tool["description"]
        converted.append({"type": "function", "function": function})
    return converted


def _tool_choice(choice: Any) -> tuple[Any, bool]:
    kind = choice.get("type") if isinstance(choice, dict) else None
    parallel = not (isinstance(choice, dict) and choice.get("disable_parallel_tool_use") is True)
    if kind == "auto":
        return "auto", parallel
    if kind == "any":
        return "required", parallel
    if kind == "none":
        return "none", parallel
    if kind == "tool":
        return {"type": "function", "function": {"name": choice.get("name")}}, parallel
    raise BadRequest("tool_choice", "tool_choice must be {'type': 'auto' | 'any' | 'tool' | 'none'}")


def messages_endpoint(
    config: ProxyConfig, upstream: Upstream, metrics: Metrics
) -> Callable[[Request], Awaitable[Response]]:
    async def messages(request: Request) -> Response:
        outcome_of(request).endpoint = "messages"
        body = await _json_body(request)
        if isinstance(body, Response):
            return anthropic_error(400, "the request body is not valid JSON", param=None)
        try:
            chat = messages_to_chat(body)
        except BadRequest as bad:
            return anthropic_error(400, bad.message, param=bad.param)

        def converter(model: str) -> BlockStream:
            return MessagesStream(model)

        def result(stream: BlockStream) -> dict[str, Any]:
            assert isinstance(stream, MessagesStream)
            return stream.message

        return await serve_converted(
            request,
            chat,
            config=config,
            upstream=upstream,
            metrics=metrics,
            converter=converter,
            result=result,
            error=anthropic_error,
        )

    return messages
