"""``POST /v1/responses``: the OpenAI Responses API in front of a raw-completions engine.

The request's ``input`` (a string, or a list of items) becomes chat
messages: ``instructions`` a system message; ``message`` items (roles
``user``, ``assistant``, ``system``, ``developer``; ``input_text`` /
``output_text`` parts) messages; ``function_call`` items the assistant's
``tool_calls``; ``function_call_output`` items ``tool`` messages;
``reasoning`` items the next assistant message's ``reasoning_content``.
Function tools (``{"type": "function", "name", "parameters"}``) become chat
tools and ``tool_choice`` the chat one. It is then served as a chat
request (:func:`._convert.serve_converted`) and answered with
:class:`~streamparse.ResponsesStream`. The server keeps no state:
``previous_response_id`` is refused, the client sends the whole
conversation. Errors are OpenAI error JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._blocks import BlockStream
from ..responses import ResponsesStream
from ._chat import BadRequest
from ._convert import serve_converted
from ._errors import error_response
from ._observe import Metrics, outcome_of
from ._proxy import ProxyConfig, Upstream, _json_body

__all__ = ["responses_endpoint", "responses_to_chat"]

_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}
_TEXT_PARTS = ("input_text", "output_text", "text", "refusal")
# Request fields sent on to the engine as they are; the rest is this API's own (store, include, ...).
_SAMPLING = ("temperature", "top_p", "top_k", "seed", "chat_template_kwargs")
# Request fields the response echoes.
_ECHOED = (
    "instructions",
    "max_output_tokens",
    "metadata",
    "parallel_tool_calls",
    "temperature",
    "tool_choice",
    "tools",
    "top_p",
)


def responses_to_chat(body: Any) -> dict[str, Any]:
    """A Responses API request as a chat completions body, or :class:`._chat.BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest(None, "the request body must be a JSON object")
    if body.get("previous_response_id") is not None:
        raise BadRequest(
            "previous_response_id",
            "streamparse serve keeps no responses: send the whole conversation in input",
        )
    messages: list[dict[str, Any]] = []
    instructions = body.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str):
            raise BadRequest("instructions", "instructions must be a string")
        messages.append({"role": "system", "content": instructions})
    given = body.get("input")
    if isinstance(given, str):
        messages.append({"role": "user", "content": given})
    elif isinstance(given, list) and given:
        messages += _items(given)
    else:
        raise BadRequest("input", "input must be a string or a non-empty list of items")
    chat: dict[str, Any] = {"messages": messages, "stream": body.get("stream", False)}
    if body.get("model") is not None:
        chat["model"] = body["model"]
    tools = body.get("tools")
    if tools:
        chat["tools"] = _tools(tools)
    if "tool_choice" in body:
        chat["tool_choice"] = _tool_choice(body["tool_choice"])
    if "parallel_tool_calls" in body:
        chat["parallel_tool_calls"] = body["parallel_tool_calls"]
    if body.get("max_output_tokens") is not None:
        chat["max_tokens"] = body["max_output_tokens"]
    for key in _SAMPLING:
        if body.get(key) is not None:
            chat[key] = body[key]
    text = body.get("text")
    kind = text.get("format", {}).get("type") if isinstance(text, dict) else None
    if kind not in (None, "text"):
        raise BadRequest("text.format", f"text.format {kind!r} is not supported: only plain text")
    return chat


def _text(content: Any, where: str) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise BadRequest(where, f"{where} must be a string or a list of parts")
    parts = []
    for position, part in enumerate(content):
        at = f"{where}[{position}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in _TEXT_PARTS:
            raise BadRequest(
                at,
                f"{at} is a {kind!r} part; the chat template takes only text parts (streamparse serve "
                "sends the upstream a text prompt)",
            )
        text = part.get("refusal") if kind == "refusal" else part.get("text")
        if not isinstance(text, str):
            raise BadRequest(at, f"{at} must hold its text as a string")
        parts.append({"type": "text", "text": text})
    return parts


def _items(items: list[Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    reasoning: list[str] = []  # reasoning items wait for the assistant turn they belong to
    names: dict[str, str] = {}

    def assistant() -> dict[str, Any]:
        last = messages[-1] if messages else None
        if last is None or last["role"] != "assistant":
            last = {"role": "assistant", "content": None}
            messages.append(last)
        if reasoning:
            # Reasoning resumed after a call (trinity, apertus) is more of the same turn's reasoning.
            last["reasoning_content"] = (last.get("reasoning_content") or "") + "".join(reasoning)
            reasoning.clear()
        return last

    for position, item in enumerate(items):
        where = f"input[{position}]"
        if not isinstance(item, dict):
            raise BadRequest(where, f"{where} must be an object")
        kind = item.get("type", "message")
        if kind == "message":
            role = _ROLES.get(item.get("role"))  # type: ignore[arg-type]
            if role is None:
                raise BadRequest(
                    f"{where}.role", f"{where}.role must be user, assistant, system or developer"
                )
            content = _text(item.get("content"), f"{where}.content")
            if role == "assistant":
                message = assistant()
                if message.get("tool_calls") or message["content"] is not None:
                    message = {"role": "assistant", "content": content}
                    messages.append(message)
                else:
                    message["content"] = content
            else:
                messages.append({"role": role, "content": content})
        elif kind == "function_call":
            call_id, name, arguments = item.get("call_id"), item.get("name"), item.get("arguments")
            for key, value in (("call_id", call_id), ("name", name), ("arguments", arguments)):
                if not isinstance(value, str):
                    raise BadRequest(f"{where}.{key}", f"{where}.{key} must be a string")
            assert isinstance(call_id, str) and isinstance(name, str)
            names[call_id] = name
            call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            assistant().setdefault("tool_calls", []).append(call)
        elif kind == "function_call_output":
            call_id, output = item.get("call_id"), item.get("output")
            if not isinstance(call_id, str):
                raise BadRequest(f"{where}.call_id", f"{where}.call_id must be a string")
            message = {"role": "tool", "tool_call_id": call_id, "content": _text(output, f"{where}.output")}
            if call_id in names:
                message["name"] = names[call_id]
            messages.append(message)
        elif kind == "reasoning":
            for part in (item.get("content") or []) + (item.get("summary") or []):
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    reasoning.append(part["text"])
                    break  # the reasoning text itself when given, else the summary
        else:
            raise BadRequest(f"{where}.type", f"input items of type {kind!r} are not supported")
    return messages


def _tools(tools: Any) -> list[dict[str, Any]]:
    if not isinstance(tools, list):
        raise BadRequest("tools", "tools must be a list")
    converted = []
    for position, tool in enumerate(tools):
        where = f"tools[{position}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            kind = tool.get("type") if isinstance(tool, dict) else None
            raise BadRequest(where, f"{where} is a {kind!r} tool; streamparse serve takes function tools")
        function = {key: tool[key] for key in ("name", "description", "parameters", "strict") if key in tool}
        converted.append({"type": "function", "function": function})
    return converted


def _tool_choice(choice: Any) -> Any:
    if choice in ("auto", "none", "required") or choice is None:
        return choice
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    raise BadRequest(
        "tool_choice", "tool_choice must be 'auto', 'none', 'required' or {'type': 'function', 'name': ...}"
    )


def responses_endpoint(
    config: ProxyConfig, upstream: Upstream, metrics: Metrics
) -> Callable[[Request], Awaitable[Response]]:
    async def responses(request: Request) -> Response:
        outcome_of(request).endpoint = "responses"
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            chat = responses_to_chat(body)
        except BadRequest as bad:
            return error_response(400, bad.message, param=bad.param)
        fields = {key: body[key] for key in _ECHOED if key in body}

        def converter(model: str) -> BlockStream:
            return ResponsesStream(model, fields=fields)

        def result(stream: BlockStream) -> dict[str, Any]:
            assert isinstance(stream, ResponsesStream)
            return stream.response

        return await serve_converted(
            request,
            chat,
            config=config,
            upstream=upstream,
            metrics=metrics,
            converter=converter,
            result=result,
            error=error_response,
        )

    return responses
