"""streamparse as vLLM's tool-call parser and reasoning parser (vLLM 0.33 plugin interface).

Load it with either flag form (both register every name below)::

    vllm serve MODEL --enable-auto-tool-choice \\
        --tool-parser-plugin streamparse.integrations.vllm_plugin --tool-call-parser streamparse_kimi_k2 \\
        --reasoning-parser-plugin streamparse.integrations.vllm_plugin --reasoning-parser streamparse_kimi_k2

vLLM's ``import_plugin`` first tries the value as a module name and then as
a file path; a file is registered in ``sys.modules`` under its base name,
which is why this file is not called ``vllm.py`` (it would replace the
``vllm`` package). Imports here are absolute so the file also loads by path.

Names: ``streamparse_<name>`` for every dialect and every vLLM/SGLang parser
name streamparse accepts (``streamparse.parser_names()``), with the alias's
options (``streamparse_minimax-m2`` starts inside reasoning).

How vLLM drives it (``vllm/parser/abstract_parser.py``, ``DelegatingParser``):
serving builds one ``Parser`` per request and per choice, which builds one
tool parser and one reasoning parser, so each instance owns one
``StreamParser``. Both classes declare ``engine_based_streaming``: vLLM then
passes only the new text (no re-accumulated previous/current text, so the
cost per delta stays linear) and calls ``finish_streaming()`` at the end,
where streamparse flushes what it held. Everything is streamed as it is
parsed, so the serving layer's "unstreamed arguments" check finds nothing.

Reasoning and calls come from the same machine: the tool parser splits
reasoning itself (``DeltaMessage.reasoning``). The reasoning parser hands
every character to it: it reports the end of reasoning at the first delta
and passes that delta on, so nothing is parsed twice while streaming. When
the prompt leaves the reasoning block open (the template ended it with
``<think>``), it puts the dialect's opener in front of the text it passes
on, so the tool parser starts inside reasoning. Non-streaming responses
parse the text twice (once for reasoning, once for calls), as vLLM asks its
two parsers separately. Use both flags with the same name for a reasoning
model; the reasoning parser alone passes text through unsplit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vllm.entrypoints.generate.base.protocol import (  # type: ignore[import-not-found]
    DeltaFunctionCall,
    DeltaMessage,
    DeltaToolCall,
    ExtractedToolCallInformation,
    FunctionCall,
    ToolCall,
)
from vllm.reasoning import ReasoningParser, ReasoningParserManager  # type: ignore[import-not-found]
from vllm.tool_parsers import ToolParser, ToolParserManager  # type: ignore[import-not-found]

from streamparse import StreamParser, dialects, parse, parser_names
from streamparse._dialect import DialectObject, SuffixedDialect, suffixed_tag
from streamparse.errors import UsageError
from streamparse.integrations.tokenizers import dialect_for_tokenizer
from streamparse.registry import canonical_name, get_dialect

__all__ = ["PREFIX", "StreamparseReasoningParser", "StreamparseToolParser", "register", "registered_names"]

PREFIX = "streamparse_"

# The reasoning block's opener and closer where they differ from <think> ... </think>; None where the
# block is not delimited by two literals (gpt_oss channels). Dialects without reasoning are absent.
_REASONING_MARKERS: dict[str, tuple[str, str] | None] = {
    "mistral": ("[THINK]", "[/THINK]"),
    "seed_oss": ("<seed:think>", "</seed:think>"),
    "cohere_command4": ("<|START_THINKING|>", "<|END_THINKING|>"),
    "gpt_oss": None,
}
_THINK = ("<think>", "</think>")


def reasoning_markers(name: str | DialectObject) -> tuple[str, str] | None:
    """The opener and closer of ``name``'s reasoning block, or None (no block, or not two literals)."""
    dialect = canonical_name(name)
    if get_dialect(dialect).REASONING_STATE is None:
        return None
    markers = _REASONING_MARKERS.get(dialect, _THINK)
    if markers is not None and isinstance(name, SuffixedDialect):
        suffix = name.token_suffix
        return (suffixed_tag(markers[0], suffix), suffixed_tag(markers[1], suffix))
    return markers


def _usable_tools(tools: Iterable[Any] | None) -> list[Any] | None:
    """The request's tools for schema typing; tools streamparse cannot read (custom tools) are left out."""
    if not tools:
        return None
    usable = []
    for tool in tools:
        try:
            StreamParser("hermes", [tool])
        except UsageError:
            continue
        usable.append(tool)
    return usable or None


def _tool_call_delta(call: Mapping[str, Any]) -> Any:
    # Only the fields present are set, as vLLM's parsers set them. (model_construct would skip validation
    # but costs far more here: measured 4 ms against 20 µs for DeltaMessage under pydantic 2.14.)
    function = call.get("function")
    fields: dict[str, Any] = {"index": call["index"]}
    if "id" in call:
        fields["id"] = call["id"]
        fields["type"] = "function"
    if function is not None:
        fields["function"] = DeltaFunctionCall(**function)
    return DeltaToolCall(**fields)


def to_delta_message(delta: Mapping[str, Any] | None) -> Any:
    """A streamparse wire delta as vLLM's ``DeltaMessage`` (None stays None)."""
    if delta is None:
        return None
    fields: dict[str, Any] = {}
    if "content" in delta:
        fields["content"] = delta["content"]
    if "reasoning_content" in delta:
        fields["reasoning"] = delta["reasoning_content"]
    calls = delta.get("tool_calls")
    if calls:
        fields["tool_calls"] = [_tool_call_delta(call) for call in calls]
    return DeltaMessage(**fields)


class StreamparseToolParser(ToolParser):  # type: ignore[misc]
    """vLLM ``ToolParser`` over one streamparse ``StreamParser``; one subclass per registered name."""

    parser_name = "hermes"  # the streamparse dialect or alias; set on each registered subclass
    engine_based_streaming = True
    # The model writes calls in its own format also when a call is required or named, so vLLM must
    # not force JSON output on it; it then treats those choices as "auto" (see ToolParser).
    supports_required_and_named = False

    def __init__(self, tokenizer: Any, tools: list[Any] | None = None) -> None:
        super().__init__(tokenizer, tools)
        self._tools = _usable_tools(tools)
        self._stream: StreamParser | None = None
        # The name, or its dialect with the checkpoint's marker suffix (the tokenizer's token_suffix).
        self._dialect = dialect_for_tokenizer(self.parser_name, tokenizer)

    def _parser(self) -> StreamParser:
        if self._stream is None:
            self._stream = StreamParser(self._dialect, self._tools)
        return self._stream

    def adjust_request(self, request: Any) -> Any:
        request = super().adjust_request(request)
        # Most dialects' markers are special tokens; detokenising with skip_special_tokens would
        # delete them before the parser sees them.
        if request.tools and request.tool_choice != "none" and hasattr(request, "skip_special_tokens"):
            request.skip_special_tokens = False
        return request

    def extract_tool_calls(self, model_output: str, request: Any) -> Any:
        result = parse(model_output, self._dialect, tools=self._tools)
        calls = [
            ToolCall(
                id=call.id,
                type="function",
                function=FunctionCall(name=call.function.name, arguments=call.function.arguments),
            )
            for call in result.tool_calls
        ]
        return ExtractedToolCallInformation(
            tools_called=bool(calls), tool_calls=calls, content=result.content
        )

    def extract_tool_calls_streaming(
        self,
        previous_text: str,
        current_text: str,
        delta_text: str,
        previous_token_ids: Sequence[int],
        current_token_ids: Sequence[int],
        delta_token_ids: Sequence[int],
        request: Any,
    ) -> Any:
        # Only the new text is read: the machine keeps its own state, so the accumulated text vLLM
        # passes to parsers that are not engine-based is never re-scanned.
        if not delta_text:
            return None
        return to_delta_message(self._parser().feed(delta_text))

    def finish_streaming(self) -> Any:
        """Called once by vLLM at the end of the stream: flush held text and close open calls."""
        return to_delta_message(self._parser().finish())

    def get_remaining_unstreamed_args(self) -> str:
        return ""  # every argument character was streamed when it was parsed


class StreamparseReasoningParser(ReasoningParser):  # type: ignore[misc]
    """Marks where reasoning ends for vLLM and hands all text to the streamparse tool parser."""

    parser_name = "hermes"
    engine_based_streaming = True

    def __init__(self, tokenizer: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(tokenizer, *args, **kwargs)
        self._dialect = dialect_for_tokenizer(self.parser_name, tokenizer)
        self._markers = reasoning_markers(self._dialect)
        self._handed = ""
        self._prefix = ""

    @property
    def reasoning_start_str(self) -> str | None:
        return self._markers[0] if self._markers else None

    @property
    def reasoning_end_str(self) -> str | None:
        return self._markers[1] if self._markers else None

    def is_reasoning_end(self, input_ids: Sequence[int]) -> bool:
        # Asked of the prompt at the start of a stream, and by structured outputs of the output so far.
        if self._markers is None:
            return True
        opener, closer = self._markers
        text: str = self.model_tokenizer.decode(list(input_ids))
        return text.rfind(closer) >= text.rfind(opener)

    def is_reasoning_end_streaming(self, input_ids: Sequence[int], delta_ids: Iterable[int]) -> bool:
        # Only the new tokens are decoded (the default re-decodes the whole output at every step).
        if self._markers is None:
            return True
        decoded: str = self.model_tokenizer.decode(list(delta_ids))
        return self._markers[1] in decoded

    def extract_content_ids(self, input_ids: list[int]) -> list[int]:
        if self._markers is None:
            return list(input_ids)
        closer = self.vocab.get(self._markers[1])
        if closer is None or closer not in input_ids:
            return list(input_ids)
        return list(input_ids[len(input_ids) - input_ids[::-1].index(closer) :])

    def adjust_initial_state_from_prompt(self, prompt_token_ids: Sequence[int]) -> None:
        # vLLM calls this when the prompt leaves the block open: the tool parser starts from content,
        # so the opener the template wrote goes in front of the text handed to it.
        if self._markers is not None:
            self._prefix = self._markers[0]

    def extract_reasoning(self, model_output: str, request: Any) -> tuple[str | None, str | None]:
        # Without the prompt (vLLM does not pass it here), a closer with no opener before it says the
        # template opened the block, as vLLM's own <think> parsers assume.
        text = model_output
        if self._markers is not None:
            opener, closer = self._markers
            end = text.find(closer)
            if end >= 0 and not 0 <= text.find(opener) < end:
                text = opener + text
        return parse(text, self._dialect).reasoning_content, text

    def extract_reasoning_streaming(
        self,
        previous_text: str,
        current_text: str,
        delta_text: str,
        previous_token_ids: Sequence[int],
        current_token_ids: Sequence[int],
        delta_token_ids: Sequence[int],
    ) -> Any:
        self._handed = self._prefix + delta_text
        self._prefix = ""
        return None

    def has_engine_confirmed_reasoning_end(self) -> bool:
        return True  # at once: the tool parser's machine splits the reasoning from here on

    def finish_streaming(self) -> Any:
        handed, self._handed = self._handed, ""
        return DeltaMessage(content=handed) if handed else None


def registered_names() -> list[str]:
    """Every name this plugin registers, ``streamparse_`` + a dialect or an accepted alias."""
    names = set(dialects()) | {entry.name for entry in parser_names()}
    return sorted(PREFIX + name for name in names)


def register() -> None:
    """Register the tool and reasoning parser under every name (done when vLLM imports this module)."""
    for name in registered_names():
        alias = name[len(PREFIX) :]
        suffix = alias.replace("-", "_")
        tool_class = type(f"StreamparseToolParser_{suffix}", (StreamparseToolParser,), {"parser_name": alias})
        ToolParserManager.register_module(name=name, module=tool_class)
        reasoning_class = type(
            f"StreamparseReasoningParser_{suffix}", (StreamparseReasoningParser,), {"parser_name": alias}
        )
        ReasoningParserManager.register_module(name=name, module=reasoning_class)


register()
