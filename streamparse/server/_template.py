"""Chat templates rendered the way ``transformers`` renders them, without depending on it.

The environment is the one ``apply_chat_template`` builds: a sandboxed,
immutable Jinja environment with ``trim_blocks`` and ``lstrip_blocks``, the
``loopcontrols`` extension and a ``{% generation %}`` block that renders its
body; ``tojson`` keeps non-ASCII characters and takes ``indent``,
``separators`` and ``sort_keys``; ``raise_exception(message)`` and
``strftime_now(format)`` are globals. A template gets ``messages``,
``tools`` (None when there are none), ``add_generation_prompt`` and the
special tokens of ``tokenizer_config.json`` (``bos_token``, ``eos_token``, ...).

Message content comes in two shapes: ``"string"`` (a list of text parts is
joined with newlines, as vLLM joins them; other content as the client sent it) and ``"openai"`` (a string becomes ``[{"type": "text", "text": ...}]``,
and the text parts of a ``tool`` message get the tool's ``name``, taken from
the message or from the assistant call its ``tool_call_id`` answers).
``"auto"`` picks ``"openai"`` when the template loops over a message's
content or indexes into it, as MiniMax-M1's does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NoReturn

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import UsageError

__all__ = ["ChatTemplate", "ContentFormat", "TemplateRenderError"]

ContentFormat = Literal["auto", "string", "openai"]

_SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token")


class TemplateRenderError(Exception):
    """The template refused the conversation (``raise_exception``) or failed on it."""


def _raise_exception(message: str) -> NoReturn:
    raise TemplateRenderError(message)


def _tojson(
    value: Any,
    ensure_ascii: bool = False,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    sort_keys: bool = False,
) -> str:
    return json.dumps(
        value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
    )


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


class _GenerationBlock(jinja2.ext.Extension):
    """``{% generation %}...{% endgeneration %}`` marks assistant text for training masks; here it only renders."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.Scope(body, lineno=lineno)


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationBlock, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


class ChatTemplate:
    """A model's chat template and its special tokens.

    ``ChatTemplate(source)`` takes the template text; :meth:`load` reads a
    Jinja file or a ``tokenizer_config.json``. A ``tokenizer_config.json``
    holding several named templates uses ``tool_use`` when tools are given
    and it exists, else ``default``.
    """

    def __init__(
        self,
        source: str | Mapping[str, str],
        *,
        special_tokens: Mapping[str, str] | None = None,
        content_format: ContentFormat = "auto",
    ) -> None:
        if content_format not in ("auto", "string", "openai"):
            raise UsageError(f"content_format must be 'auto', 'string' or 'openai', not {content_format!r}")
        named = {"default": source} if isinstance(source, str) else dict(source)
        if "default" not in named:
            raise UsageError(f"the chat templates are named {sorted(named)}; one must be named 'default'")
        env = _environment()
        self.sources = named
        self.special_tokens = dict(special_tokens or {})
        self._templates: dict[str, jinja2.Template] = {}
        self._formats: dict[str, Literal["string", "openai"]] = {}
        for name, text in named.items():
            try:
                self._templates[name] = env.from_string(text)
                tree = env.parse(text)
            except jinja2.TemplateSyntaxError as error:
                raise UsageError(f"chat template {name!r} is not valid Jinja: {error}") from None
            if content_format == "auto":
                self._formats[name] = "openai" if _indexes_content(tree) else "string"
            else:
                self._formats[name] = content_format

    @property
    def source(self) -> str:
        """The default template's text (what dialect detection reads)."""
        return self.sources["default"]

    @classmethod
    def load(cls, path: str | Path, *, content_format: ContentFormat = "auto") -> ChatTemplate:
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as error:
            raise UsageError(f"cannot read chat template {path}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise UsageError(f"chat template {path} is not UTF-8 text") from None
        if path.suffix != ".json":
            return cls(text, content_format=content_format)
        try:
            config = json.loads(text)
        except ValueError as error:
            raise UsageError(f"{path} is not valid JSON: {error}") from None
        template = config.get("chat_template") if isinstance(config, dict) else None
        if isinstance(template, list):
            template = {
                entry.get("name"): entry.get("template") for entry in template if isinstance(entry, dict)
            }
        if not template or not (
            isinstance(template, str) or all(isinstance(v, str) for v in template.values())
        ):
            raise UsageError(f"{path} has no 'chat_template' string (or list of named templates)")
        tokens: dict[str, str] = {}
        for key in _SPECIAL_TOKENS:
            value = config.get(key)
            if isinstance(value, dict):
                value = value.get("content")  # a serialised AddedToken
            if isinstance(value, str):
                tokens[key] = value
        return cls(template, special_tokens=tokens, content_format=content_format)

    def render(
        self,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None = None,
        *,
        add_generation_prompt: bool = True,
        **extra: Any,
    ) -> str:
        """The prompt text; :class:`TemplateRenderError` when the template refuses or fails."""
        name = "tool_use" if tools and "tool_use" in self._templates else "default"
        chat = [dict(message) for message in messages]
        if self._formats[name] == "openai":
            chat = _openai_content(chat)
        else:
            chat = _string_content(chat)
        context = {
            **self.special_tokens,
            **extra,
            "messages": chat,
            "tools": list(tools) if tools else None,
            "add_generation_prompt": add_generation_prompt,
        }
        try:
            return self._templates[name].render(**context)
        except TemplateRenderError:
            raise
        except jinja2.TemplateError as error:
            raise TemplateRenderError(f"{type(error).__name__}: {error}") from None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
            # Templates index into messages freely; a message of an unexpected shape fails in them.
            raise TemplateRenderError(f"{type(error).__name__}: {error}") from None


def _is_content(node: jinja2.nodes.Node) -> bool:
    if isinstance(node, jinja2.nodes.Getattr):
        return node.attr == "content"
    if isinstance(node, jinja2.nodes.Getitem):
        arg = node.arg
        return isinstance(arg, jinja2.nodes.Const) and arg.value == "content"
    return False


def _indexes_content(tree: jinja2.nodes.Template) -> bool:
    """True when the template iterates over ``...content`` or subscripts it (``content[0]``)."""
    for loop in tree.find_all(jinja2.nodes.For):
        source = loop.iter
        while isinstance(source, jinja2.nodes.Filter) and source.node is not None:
            source = source.node
        if _is_content(source):
            return True
    for item in tree.find_all(jinja2.nodes.Getitem):
        if (
            _is_content(item.node)
            and isinstance(item.arg, jinja2.nodes.Const)
            and isinstance(item.arg.value, int)
        ):
            return True
    return False


def _openai_content(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    for message in messages:
        for call in message.get("tool_calls") or ():
            if isinstance(call, Mapping) and isinstance(call.get("function"), Mapping):
                name = call["function"].get("name")
                if isinstance(call.get("id"), str) and isinstance(name, str):
                    names[call["id"]] = name
        content = message.get("content")
        if content is None:
            parts: list[Any] = []
        elif isinstance(content, str):
            parts = [{"type": "text", "text": content}]
        else:
            parts = [dict(part) if isinstance(part, Mapping) else part for part in content]
        if message.get("role") == "tool":
            name = message.get("name") or names.get(message.get("tool_call_id") or "")
            if isinstance(name, str):
                for part in parts:
                    if isinstance(part, dict):
                        part.setdefault("name", name)
        message["content"] = parts
    return messages


def _string_content(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and all(
            isinstance(part, Mapping) and isinstance(part.get("text"), str) for part in content
        ):
            message["content"] = "\n".join(part["text"] for part in content)
    return messages
