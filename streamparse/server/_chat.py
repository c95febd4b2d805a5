"""A chat request checked and turned into an upstream ``/v1/completions`` request.

The pieces are separate functions so that other request shapes (the
Responses and Messages APIs) can share them once they are converted to
chat messages and OpenAI tools: :func:`check_messages`,
:func:`read_tool_choice`, :func:`render_prompt`, :func:`constraint_fields`.

``tool_choice``: ``"none"`` leaves the tools out of the prompt and no call
is returned; ``"auto"`` declares them; ``"required"`` and a named function
declare the tools (only the named one) and, when the engine can constrain
decoding (``engine``), send it a JSON schema that admits only an array of
allowed calls, read back with the ``json_array`` dialect. Without an
engine that constrains, the model's output is checked against the choice
afterwards (:class:`ToolChoice.allows`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._dialect import DialectObject
from ..errors import UsageError
from ..tools import normalize_tools
from ._template import ChatTemplate, TemplateRenderError

__all__ = [
    "ENGINES",
    "BadRequest",
    "ChatRequest",
    "ToolChoice",
    "check_messages",
    "constraint_fields",
    "prepare_chat",
    "read_tool_choice",
    "render_prompt",
]

Engine = Literal["vllm", "sglang", "llamacpp"]
ENGINES: tuple[Engine, ...] = ("vllm", "sglang", "llamacpp")

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
        "chat_template_kwargs",
    }
)
_UNSUPPORTED = ("logprobs", "top_logprobs", "audio", "modalities", "prediction")
# An engine's own constrained-decoding fields: dropped when a forced tool_choice sets its schema.
_CONSTRAINTS = (
    "structured_outputs",
    "guided_json",
    "guided_grammar",
    "json_schema",
    "grammar",
    "ebnf",
    "regex",
)


class BadRequest(Exception):
    """A 400: ``param`` names the field, ``message`` says what is wrong with it."""

    def __init__(self, param: str | None, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class ToolChoice:
    """``mode`` ``none`` / ``auto`` / ``required`` / ``named`` (``name`` set)."""

    mode: Literal["none", "auto", "required", "named"]
    name: str | None = None

    @property
    def forced(self) -> bool:
        return self.mode in ("required", "named")

    def allows(self, name: str) -> bool:
        """Whether a call of ``name`` obeys the choice (``none`` allows no call)."""
        if self.mode == "none":
            return False
        return self.mode != "named" or name == self.name

    def describe(self) -> str:
        return f"tool_choice naming {self.name!r}" if self.mode == "named" else f"tool_choice {self.mode!r}"


@dataclass(frozen=True)
class ChatRequest:
    """What the proxy sends upstream and how it reads the answer."""

    upstream: dict[str, Any]  # the /v1/completions body
    stream: bool
    include_usage: bool  # the client asked for usage in its stream
    model: str | None
    tools: list[Any] | None
    choice: ToolChoice
    dialect: str | DialectObject  # json_array when the engine constrains the output
    constrained: bool

    @property
    def dialect_name(self) -> str:
        """The dialect's name, for logs and metric labels."""
        return self.dialect if isinstance(self.dialect, str) else self.dialect.name


def _positive_int(body: Mapping[str, Any], key: str, largest: int | None = None) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(key, f"{key} must be a positive integer, not {json.dumps(value)}")
    if largest is not None and value > largest:
        raise BadRequest(key, f"{key} must be at most {largest}, not {value}")
    return value


def check_messages(messages: Any) -> list[dict[str, Any]]:
    """The messages with content parts reduced to text parts, or :class:`BadRequest`.

    A part the template cannot take (an image, audio, a file) is refused
    with its position and type; a ``refusal`` part is text.
    """
    if not isinstance(messages, list) or not messages:
        raise BadRequest("messages", "messages must be a non-empty list of message objects")
    checked = []
    for position, message in enumerate(messages):
        where = f"messages[{position}]"
        if not isinstance(message, dict):
            raise BadRequest(where, f"{where} must be an object")
        if not isinstance(message.get("role"), str):
            raise BadRequest(f"{where}.role", f"{where}.role must be a string")
        content = message.get("content")
        if isinstance(content, list):
            message = {
                **message,
                "content": [_text_part(part, f"{where}.content[{i}]") for i, part in enumerate(content)],
            }
        elif content is not None and not isinstance(content, str):
            raise BadRequest(f"{where}.content", f"{where}.content must be a string or a list of parts")
        checked.append(message)
    return checked


def _text_part(part: Any, where: str) -> dict[str, Any]:
    if not isinstance(part, dict) or not isinstance(part.get("type"), str):
        raise BadRequest(where, f"{where} must be an object with a 'type'")
    kind = part["type"]
    text = part.get("refusal") if kind == "refusal" else part.get("text")
    if kind not in ("text", "refusal"):
        raise BadRequest(
            where,
            f"{where} is a {kind!r} part; the chat template takes only text parts (streamparse serve "
            "sends the upstream a text prompt)",
        )
    if not isinstance(text, str):
        raise BadRequest(where, f"{where} must hold its text as a string")
    return {**{k: v for k, v in part.items() if k != "refusal"}, "type": "text", "text": text}


def read_tool_choice(choice: Any, tools: Sequence[Any] | None) -> ToolChoice:
    if choice is None or choice == "auto":
        return ToolChoice("auto")
    if choice == "none":
        return ToolChoice("none")
    if choice == "required":
        if not tools:
            raise BadRequest("tool_choice", "tool_choice 'required' needs tools")
        return ToolChoice("required")
    if isinstance(choice, dict) and choice.get("type") == "function":
        function = choice.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str):
            raise BadRequest("tool_choice.function.name", "tool_choice.function.name must be a string")
        if not any(_tool_name(tool) == name for tool in tools or ()):
            raise BadRequest(
                "tool_choice.function.name", f"tool_choice names {name!r}, which is not among the tools"
            )
        return ToolChoice("named", name)
    raise BadRequest(
        "tool_choice",
        "tool_choice must be 'none', 'auto', 'required' or {'type': 'function', 'function': {'name': ...}}",
    )


def prompt_tools(tools: Sequence[Any] | None, choice: ToolChoice) -> list[Any] | None:
    """The tools the prompt declares: none for ``none``, only the named one for a named choice."""
    if not tools or choice.mode == "none":
        return None
    if choice.mode == "named":
        return [tool for tool in tools if _tool_name(tool) == choice.name]
    return list(tools)


def _tool_name(tool: Any) -> Any:
    if isinstance(tool, dict):
        function = tool.get("function", tool)
        if isinstance(function, dict):
            return function.get("name")
    return None


def render_prompt(
    template: ChatTemplate,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Any] | None,
    template_kwargs: Any = None,
) -> str:
    """The prompt text; ``template_kwargs`` (``chat_template_kwargs``) reach the template as variables."""
    if template_kwargs is None:
        template_kwargs = {}
    if not isinstance(template_kwargs, dict):
        raise BadRequest("chat_template_kwargs", "chat_template_kwargs must be an object")
    try:
        return template.render(messages, tools, add_generation_prompt=True, **template_kwargs)
    except TemplateRenderError as error:
        raise BadRequest("messages", f"the chat template cannot render these messages: {error}") from None


def calls_schema(tools: Sequence[Any], choice: ToolChoice, *, parallel: bool = True) -> dict[str, Any]:
    """A JSON schema admitting only a non-empty array of calls the choice allows (json_array's input)."""
    items = []
    for tool in tools:
        name = _tool_name(tool)
        if not choice.allows(name):
            continue
        function = tool.get("function", tool)
        parameters = function.get("parameters") or {"type": "object", "properties": {}}
        items.append(
            {
                "type": "object",
                "properties": {"name": {"type": "string", "enum": [name]}, "parameters": parameters},
                "required": ["name", "parameters"],
            }
        )
    schema: dict[str, Any] = {
        "type": "array",
        "minItems": 1,
        "items": items[0] if len(items) == 1 else {"anyOf": items},
    }
    if choice.mode == "named" or not parallel:
        schema["maxItems"] = 1
    return schema


def constraint_fields(engine: Engine, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The request fields by which ``engine`` constrains a completion to ``schema``."""
    if engine == "vllm":
        return {"structured_outputs": {"json": dict(schema)}}  # vLLM >= 0.10.2 (earlier: guided_json)
    if engine == "sglang":
        return {"json_schema": json.dumps(schema)}  # SGLang takes the schema as a JSON string
    return {"json_schema": dict(schema)}  # llama.cpp server


def prepare_chat(
    body: Any,
    template: ChatTemplate,
    *,
    dialect: str | DialectObject,
    model: str | None = None,
    engine: Engine | None = None,
    max_n: int = 16,
) -> ChatRequest:
    """A chat completions body checked and turned into a :class:`ChatRequest`, or :class:`BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest(None, "the request body must be a JSON object")
    messages = check_messages(body.get("messages"))
    for key in ("functions", "function_call"):
        if key in body:
            raise BadRequest(
                key,
                f"{key} (the deprecated function-calling fields) is not supported: send tools and tool_choice",
            )
    for key in _UNSUPPORTED:
        if body.get(key):
            raise BadRequest(key, f"{key} is not supported by streamparse serve")
    asked_model = body.get("model")
    if asked_model is not None and not isinstance(asked_model, str):
        raise BadRequest("model", "model must be a string")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise BadRequest("stream", "stream must be true or false")
    stream_options = body.get("stream_options")
    if stream_options is not None and not isinstance(stream_options, dict):
        raise BadRequest("stream_options", "stream_options must be an object")
    include_usage = bool(stream_options and stream_options.get("include_usage"))
    n = _positive_int(body, "n", max_n) or 1
    max_tokens = _positive_int(body, "max_completion_tokens") or _positive_int(body, "max_tokens")

    tools = body.get("tools")
    if tools is not None:
        try:
            normalize_tools(tools)
        except UsageError as error:
            raise BadRequest("tools", str(error)) from None
    choice = read_tool_choice(body.get("tool_choice", "auto"), tools)
    declared = prompt_tools(tools, choice)
    prompt = render_prompt(template, messages, declared, body.get("chat_template_kwargs"))

    upstream = {key: value for key, value in body.items() if key not in _CONSUMED}
    upstream.update(
        model=model or asked_model or "", prompt=prompt, stream=True, skip_special_tokens=False, n=n
    )
    if max_tokens is not None:
        upstream["max_tokens"] = max_tokens
    # Usage is always asked for: non-streamed responses report it; streams pass it on only when asked.
    upstream["stream_options"] = {"include_usage": True}
    constrained = engine is not None and choice.forced and bool(declared)
    if constrained:
        assert engine is not None and declared is not None
        parallel = body.get("parallel_tool_calls") is not False
        for key in _CONSTRAINTS:
            upstream.pop(key, None)
        upstream.update(constraint_fields(engine, calls_schema(declared, choice, parallel=parallel)))
    return ChatRequest(
        upstream=upstream,
        stream=stream,
        include_usage=include_usage,
        model=asked_model or model,
        tools=tools,
        choice=choice,
        dialect="json_array" if constrained else dialect,
        constrained=constrained,
    )
