"""Drive vLLM's and SGLang's tool-call parsers the way their serving layers do, for tests and fuzzing.

Nothing here is imported by ``import streamparse`` or needs the engines at
import time; each runner imports its engine when it is built. The calling
sequence follows the engines' own serving code:

* vLLM 0.33 (``ChatStreamProcessor.step`` in
  ``vllm/entrypoints/openai/chat_completion/stream_processor.py``): one
  ``Parser`` per request and choice, built as serving's ``_make_parser``
  does from ``ParserManager.get_parser``; every delta goes to
  ``Parser.parse_delta(delta_text, delta_token_ids, request,
  prompt_token_ids, finished=...)``, ``finished`` True on the delta that
  carries the finish reason. ``parse_delta`` keeps the previous/current
  text, runs the reasoning and tool phases, the final "unstreamed
  arguments" fix-up and the flush of engine-based parsers. Non-streaming is
  ``Parser.parse(text, request, enable_auto_tools=True)``.
* SGLang 0.5.23 (``_process_tool_call_stream`` and
  ``_check_for_unstreamed_tool_args`` in ``serving_chat.py``): one
  ``FunctionCallParser`` per choice, ``parse_stream_chunk`` per delta,
  ``parse_stream_end`` on the terminal delta, then the unstreamed-arguments
  check (re-implemented here: it is a method of the serving class); each
  call item is its own chunk, with an id on the item that has the name.
  Non-streaming is ``has_tool_call`` then ``parse_non_stream``.

The engines detokenise whole tokens, so a delta never ends inside a special
token: :class:`CharTokenizer` makes each of the dialect's special tokens one
id and every other character its own id, and the runners hold back a delta
tail that may be the start of a special token until the next delta.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._dialect import DialectObject, SuffixedDialect, suffixed_tag
from ..result import ParseResult, fold_deltas

__all__ = [
    "SPECIAL_TOKENS",
    "CharTokenizer",
    "EngineRun",
    "SglangRunner",
    "VllmRunner",
    "engine_version",
    "make_runner",
]

_THINK = ("<think>", "</think>")
_DEEPSEEK = (
    "<｜tool▁calls▁begin｜>",
    "<｜tool▁calls▁end｜>",
    "<｜tool▁call▁begin｜>",
    "<｜tool▁call▁end｜>",
    "<｜tool▁sep｜>",
)
# Strings that are single tokens in the models' tokenizers (what a detokeniser never cuts), per
# streamparse dialect; dialects not listed use their markers of the <|...|>, <｜...｜> and [...] kinds.
SPECIAL_TOKENS: dict[str, tuple[str, ...]] = {
    "kimi_k2": (
        "<|tool_calls_section_begin|>",
        "<|tool_calls_section_end|>",
        "<|tool_call_begin|>",
        "<|tool_call_end|>",
        "<|tool_call_argument_begin|>",
        *_THINK,
    ),
    "hermes": ("<tool_call>", "</tool_call>", *_THINK),
    "qwen3_coder": ("<tool_call>", "</tool_call>", *_THINK),
    "minimax_m2": ("<minimax:tool_call>", "</minimax:tool_call>", *_THINK),
    "minimax_m1": ("<tool_calls>", "</tool_calls>", *_THINK),
    "llama3_json": ("<|python_tag|>",),
    "mistral": ("[TOOL_CALLS]",),
    "deepseek_v3": (*_DEEPSEEK, *_THINK),
    "deepseek_v31": (*_DEEPSEEK, *_THINK),
    "glm45": (
        "<tool_call>",
        "</tool_call>",
        "<arg_key>",
        "</arg_key>",
        "<arg_value>",
        "</arg_value>",
        *_THINK,
    ),
    "pythonic": (),
}
# Hunyuan Hy3 / Hy4: every marker is a special token (Hy4's vocab has no <tool_sep>).
_HUNYUAN = ("<tool_calls>", "</tool_calls>", *SPECIAL_TOKENS["glm45"])
SPECIAL_TOKENS["hy_v3"] = (*_HUNYUAN, "<tool_sep>")
SPECIAL_TOKENS["hy_v4"] = _HUNYUAN


def special_tokens(dialect: str | DialectObject) -> tuple[str, ...]:
    from ..registry import canonical_name
    from .strategies import markers

    if isinstance(dialect, SuffixedDialect):  # the checkpoint's tokens: <tool_calls:opensource>
        suffix = dialect.token_suffix
        return tuple(suffixed_tag(token, suffix) for token in special_tokens(dialect.name))
    dialect = canonical_name(dialect)
    if dialect in SPECIAL_TOKENS:
        return SPECIAL_TOKENS[dialect]
    return tuple(
        marker
        for marker in markers(dialect)
        if (marker.startswith("<|") and marker.endswith("|>"))
        or (marker.startswith("<｜") and marker.endswith("｜>"))
        or (marker.startswith("[") and marker.endswith("]") and marker[1:-1].replace("_", "").isalpha())
    )


_CHAR_BASE = 1000


class CharTokenizer:
    """Just enough of a Hugging Face tokenizer for the engines' parsers: specials are one id each."""

    is_fast = True
    name_or_path = "streamparse-char-tokenizer"
    bos_token = eos_token = None
    bos_token_id = eos_token_id = pad_token_id = unk_token_id = None
    chat_template = None

    def __init__(self, specials: Sequence[str], init_kwargs: Mapping[str, Any] | None = None) -> None:
        self.specials = tuple(dict.fromkeys(specials))
        # What the checkpoint's tokenizer_config.json gave the tokenizer (vLLM reads token_suffix here).
        self.init_kwargs = dict(init_kwargs or {})
        self._ids = {token: position + 1 for position, token in enumerate(self.specials)}
        self._tokens = {number: token for token, number in self._ids.items()}
        self._longest_first = sorted(self.specials, key=len, reverse=True)

    def get_vocab(self) -> dict[str, int]:
        vocab = {chr(code): _CHAR_BASE + code for code in range(32, 127)}
        vocab.update(self._ids)
        return vocab

    @property
    def vocab(self) -> dict[str, int]:
        return self.get_vocab()

    def __len__(self) -> int:
        return len(self.get_vocab())

    @property
    def all_special_tokens(self) -> list[str]:
        return list(self.specials)

    @property
    def all_special_ids(self) -> list[int]:
        return list(self._tokens)

    def get_added_vocab(self) -> dict[str, int]:
        return dict(self._ids)

    def encode(self, text: str, add_special_tokens: bool = False, **_: Any) -> list[int]:
        ids: list[int] = []
        position = 0
        while position < len(text):
            for token in self._longest_first:
                if text.startswith(token, position):
                    ids.append(self._ids[token])
                    position += len(token)
                    break
            else:
                ids.append(_CHAR_BASE + ord(text[position]))
                position += 1
        return ids

    def __call__(self, text: str, **_: Any) -> dict[str, list[int]]:
        return {"input_ids": self.encode(text)}

    def _token(self, number: int) -> str:
        return self._tokens.get(number) or chr(number - _CHAR_BASE)

    def convert_ids_to_tokens(self, ids: Any, skip_special_tokens: bool = False) -> Any:
        if isinstance(ids, int):
            return self._token(ids)
        return [self._token(number) for number in ids if not (skip_special_tokens and number in self._tokens)]

    def convert_tokens_to_ids(self, tokens: Any) -> Any:
        vocab = self.get_vocab()
        if isinstance(tokens, str):
            return vocab.get(tokens, self.encode(tokens)[0] if tokens else None)
        return [self.convert_tokens_to_ids(token) for token in tokens]

    def convert_tokens_to_string(self, tokens: Sequence[str]) -> str:
        return "".join(tokens)

    def decode(self, ids: Any, skip_special_tokens: bool = False, **_: Any) -> str:
        return "".join(
            self.convert_ids_to_tokens([ids] if isinstance(ids, int) else list(ids), skip_special_tokens)
        )

    def tokenize(self, text: str, **_: Any) -> list[str]:
        return [self._token(number) for number in self.encode(text)]

    def held_tail(self, text: str) -> int:
        """Length of the longest suffix of ``text`` that is a proper prefix of a special token."""
        longest = 0
        for token in self.specials:
            for size in range(min(len(token) - 1, len(text)), longest, -1):
                if token.startswith(text[-size:]):
                    longest = size
                    break
        return longest


@dataclass(frozen=True)
class EngineRun:
    """One stream through an engine: the wire deltas it sent (streamparse's dict shape) and their fold."""

    deltas: tuple[dict[str, Any], ...]
    sent: tuple[str, ...]  # the delta texts as the engine received them
    result: ParseResult


def _tokenizer_for(dialect: str | DialectObject) -> CharTokenizer:
    """A tokenizer whose specials are ``dialect``'s, with the checkpoint's token_suffix if it has one."""
    suffix = dialect.token_suffix if isinstance(dialect, SuffixedDialect) else None
    return CharTokenizer(special_tokens(dialect), {"token_suffix": suffix} if suffix else None)


def engine_version(engine: str) -> str:
    from importlib.metadata import version

    return f"{engine} {version(engine)}"


def _whole_token_pieces(tokenizer: CharTokenizer, pieces: Sequence[str]) -> list[str]:
    """The pieces as a detokeniser emits them: no piece ends inside a special token."""
    sent: list[str] = []
    held = ""
    for piece in pieces:
        text = held + piece
        keep = tokenizer.held_tail(text)
        held = text[len(text) - keep :] if keep else ""
        if len(text) > keep:
            sent.append(text[: len(text) - keep])
    if held:
        sent.append(held)
    return sent


def _openai_tools(tools: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        dict(tool) if "function" in tool else {"type": "function", "function": dict(tool)}
        for tool in tools or ()
    ]


_PLUGIN = "streamparse.integrations.vllm_plugin"
_PLUGIN_PREFIX = "streamparse_"


class VllmRunner:
    """A vLLM 0.33 tool parser (and optionally reasoning parser), driven as chat serving drives them."""

    engine = "vllm"

    def __init__(
        self, tool_parser: str | None, dialect: str | DialectObject, reasoning_parser: str | None = None
    ) -> None:
        from vllm.entrypoints.openai.chat_completion.protocol import (  # type: ignore[import-not-found]
            ChatCompletionRequest,
        )
        from vllm.parser.parser_manager import ParserManager  # type: ignore[import-not-found]
        from vllm.reasoning import ReasoningParserManager  # type: ignore[import-not-found]
        from vllm.tool_parsers import ToolParserManager  # type: ignore[import-not-found]

        # streamparse's own names load the plugin as `--tool-parser-plugin` / `--reasoning-parser-plugin` do
        if (tool_parser or "").startswith(_PLUGIN_PREFIX):
            ToolParserManager.import_tool_parser(_PLUGIN)
        if (reasoning_parser or "").startswith(_PLUGIN_PREFIX):
            ReasoningParserManager.import_reasoning_parser(_PLUGIN)
        self.parser_name = tool_parser or reasoning_parser or ""
        self.tokenizer = _tokenizer_for(dialect)
        self._request_class = ChatCompletionRequest
        self._parser_class = ParserManager.get_parser(
            tool_parser_name=tool_parser, reasoning_parser_name=reasoning_parser, enable_auto_tools=True
        )

    def _start(self, tools: Sequence[Mapping[str, Any]] | None) -> tuple[Any, Any]:
        fields: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        if tools:
            fields.update(tools=_openai_tools(tools), tool_choice="auto")
        request = self._request_class(**fields)
        parser = self._parser_class(
            self.tokenizer, request.tools, chat_template_kwargs=None, model_config=None
        )
        request = parser.adjust_request(request)
        return request, parser

    def stream(
        self, pieces: Sequence[str], tools: Sequence[Mapping[str, Any]] | None = None, prompt: str = ""
    ) -> EngineRun:
        request, parser = self._start(tools)
        prompt_ids = self.tokenizer.encode(prompt)
        sent = _whole_token_pieces(self.tokenizer, pieces)
        deltas: list[dict[str, Any]] = []
        last = len(sent) - 1
        for position, text in enumerate(sent):
            message = parser.parse_delta(
                text,
                self.tokenizer.encode(text),
                request,
                prompt_token_ids=prompt_ids,
                finished=position == last,
            )
            delta = delta_message_to_wire(message)
            if delta:
                deltas.append(delta)
        return _run(deltas, sent)

    def batch(self, text: str, tools: Sequence[Mapping[str, Any]] | None = None) -> ParseResult:
        request, parser = self._start(tools)
        reasoning, content, calls = parser.parse(text, request, enable_auto_tools=True)
        delta: dict[str, Any] = {}
        if content:
            delta["content"] = content
        if reasoning:
            delta["reasoning_content"] = reasoning
        if calls:
            delta["tool_calls"] = [
                {
                    "index": index,
                    "id": call.id or f"call_{index}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for index, call in enumerate(calls)
            ]
        return fold_deltas([delta] if delta else [])


def delta_message_to_wire(message: Any) -> dict[str, Any] | None:
    """A vLLM ``DeltaMessage`` as the wire dict a client receives (None fields left out)."""
    if message is None:
        return None
    delta: dict[str, Any] = {}
    if message.content:
        delta["content"] = message.content
    if message.reasoning:
        delta["reasoning_content"] = message.reasoning
    calls = []
    for call in message.tool_calls or ():
        chunk: dict[str, Any] = {"index": call.index}
        if call.id is not None:
            chunk["id"] = call.id
        if call.type is not None:
            chunk["type"] = call.type
        function = {}
        if call.function is not None:
            function = {
                key: value
                for key, value in (("name", call.function.name), ("arguments", call.function.arguments))
                if value is not None
            }
        chunk["function"] = function
        calls.append(chunk)
    if calls:
        delta["tool_calls"] = calls
    return delta or None


def _run(deltas: list[dict[str, Any]], sent: list[str]) -> EngineRun:
    return EngineRun(tuple(deltas), tuple(sent), fold_deltas(deltas))


class SglangRunner:
    """An SGLang 0.5.23 detector behind ``FunctionCallParser``, driven as chat serving drives it."""

    engine = "sglang"

    def __init__(self, tool_parser: str, dialect: str | DialectObject) -> None:
        from sglang.srt.entrypoints.openai.protocol import Tool  # type: ignore[import-not-found]
        from sglang.srt.function_call.function_call_parser import FunctionCallParser  # type: ignore[import-not-found]

        self.parser_name = tool_parser
        # SGLang reads a checkpoint's marker suffix from the vocab, so this tokenizer has no token_suffix.
        self.tokenizer = CharTokenizer(special_tokens(dialect))
        self._dialect = dialect
        self._tool_class = Tool
        self._parser_class = FunctionCallParser
        if tool_parser not in FunctionCallParser.ToolCallParserEnum:
            raise ValueError(f"SGLang has no tool parser named {tool_parser!r}")

    def _parser(self, tools: Sequence[Mapping[str, Any]] | None) -> Any:
        tools = [self._tool_class.model_validate(tool) for tool in _openai_tools(tools)]
        # The tokenizer goes to the detector only for a suffixed checkpoint, whose vocab spells the suffix.
        suffixed = isinstance(self._dialect, SuffixedDialect)
        return self._parser_class(tools, self.parser_name, tokenizer=self.tokenizer if suffixed else None)

    def _call_id(self, name: str, index: int) -> str:
        # serving_chat._process_tool_call_id with no earlier calls in the conversation
        if self.parser_name == "kimi_k2":
            return f"functions.{name}:{index}"
        return f"call_{uuid.uuid4().hex[:24]}"

    def stream(
        self, pieces: Sequence[str], tools: Sequence[Mapping[str, Any]] | None = None, prompt: str = ""
    ) -> EngineRun:
        parser = self._parser(tools)
        sent = _whole_token_pieces(self.tokenizer, pieces)
        deltas: list[dict[str, Any]] = []
        last = len(sent) - 1
        for position, text in enumerate(sent):
            normal, items = parser.parse_stream_chunk(text)
            if position == last:
                end_text, end_items = parser.parse_stream_end()
                normal = (normal or "") + end_text
                items = [*items, *end_items]
            if normal:
                deltas.append({"content": normal})
            for item in items:
                chunk: dict[str, Any] = {"index": item.tool_index, "function": {}}
                if item.name:
                    chunk.update(id=self._call_id(item.name, item.tool_index), type="function")
                    chunk["function"]["name"] = item.name
                if item.parameters:
                    chunk["function"]["arguments"] = item.parameters
                deltas.append({"tool_calls": [chunk]})
        remaining = self._unstreamed_arguments(parser.detector)
        if remaining is not None:
            deltas.append({"tool_calls": [{"index": remaining[0], "function": {"arguments": remaining[1]}}]})
        return _run(deltas, sent)

    @staticmethod
    def _unstreamed_arguments(detector: Any) -> tuple[int, str] | None:
        # serving_chat._check_for_unstreamed_tool_args: the last call's parsed arguments, less what was sent
        parsed = getattr(detector, "prev_tool_call_arr", None)
        streamed = getattr(detector, "streamed_args_for_tool", None)
        if not parsed or not streamed:
            return None
        index = len(parsed) - 1
        if not 0 <= index < len(streamed):
            return None
        expected = parsed[index].get("arguments", {})
        expected = expected if isinstance(expected, str) else json.dumps(expected, ensure_ascii=False)
        actual = streamed[index]
        remaining = expected[len(actual) :] if expected.startswith(actual) else ""
        return (index, remaining) if remaining else None

    def batch(self, text: str, tools: Sequence[Mapping[str, Any]] | None = None) -> ParseResult:
        parser = self._parser(tools)
        items: list[Any] = []
        if parser.has_tool_call(text):
            text, items = parser.parse_non_stream(text)
        delta: dict[str, Any] = {}
        if text:
            delta["content"] = text
        if items:
            delta["tool_calls"] = [
                {
                    "index": index,
                    "id": self._call_id(item.name, index),
                    "type": "function",
                    "function": {"name": item.name, "arguments": item.parameters},
                }
                for index, item in enumerate(items)
            ]
        return fold_deltas([delta] if delta else [])


def make_runner(target: str, dialect: str | None = None) -> VllmRunner | SglangRunner:
    """A runner for ``vllm:<parser>`` or ``sglang:<parser>``; the dialect defaults to what the parser name maps to."""
    from ..registry import canonical_name

    engine, _, name = target.partition(":")
    if engine not in ("vllm", "sglang") or not name:
        raise ValueError(f"target must be vllm:<parser> or sglang:<parser>, not {target!r}")
    dialect = canonical_name(dialect or name.removeprefix("streamparse_"))
    if engine == "vllm":
        return VllmRunner(name, dialect)
    return SglangRunner(name, dialect)
