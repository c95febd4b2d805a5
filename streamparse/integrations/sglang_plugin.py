"""streamparse as an SGLang tool-call detector (SGLang 0.5.23).

SGLang has no ``--tool-parser-plugin`` flag. Its ``--tool-call-parser`` names
are the keys of ``FunctionCallParser.ToolCallParserEnum``, and the flag's
allowed values are read from that table when the module is already
imported. :func:`register` adds ``streamparse_<name>`` for every dialect
and every vLLM/SGLang parser name streamparse accepts. Two ways run it
before SGLang reads its arguments:

* SGLang's general plugins: every installed package's entry point in the
  ``sglang.srt.plugins`` group is called by ``sglang serve`` and
  ``python -m sglang.launch_server`` at start-up (``SGLANG_PLUGINS``
  restricts which). streamparse declares one, so with streamparse installed
  in SGLang's environment ``--tool-call-parser streamparse_hermes`` just works.
* ``python -m streamparse.integrations.sglang_launch ARGS`` registers the names
  and then runs ``sglang.launch_server`` with ARGS, for environments where
  entry points are not loaded.

How SGLang drives it (``serving_chat.py``): one ``FunctionCallParser``, and
so one detector and one ``StreamParser``, per request and choice;
``parse_streaming_increment`` per delta, ``finish`` on the terminal one;
each returned call item becomes a chunk, with a fresh id where the item has
a name. streamparse streams every argument character as it parses it, so
``prev_tool_call_arr`` stays empty and serving's unstreamed-arguments
check adds nothing. SGLang makes the ids (``call_<uuid>``; its
``functions.NAME:IDX`` ids are tied to its own ``kimi_k2`` name).
Reasoning belongs to SGLang's ``--reasoning-parser``, which runs before the
tool parser; reasoning that still reaches the detector (no reasoning parser
configured) is returned as normal text, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sglang.srt.function_call.base_format_detector import BaseFormatDetector  # type: ignore[import-not-found]
from sglang.srt.function_call.core_types import StreamingParseResult, ToolCallItem  # type: ignore[import-not-found]
from sglang.srt.function_call.function_call_parser import FunctionCallParser  # type: ignore[import-not-found]

from streamparse import StreamParser, dialects, parse, parser_names
from streamparse.errors import UsageError
from streamparse.integrations.tokenizers import dialect_for_tokenizer

__all__ = ["PREFIX", "StreamparseDetector", "register", "registered_names"]

PREFIX = "streamparse_"


def _usable_tools(tools: Sequence[Any] | None) -> list[Any] | None:
    """The request's tools for schema typing, leaving out any streamparse cannot read."""
    usable = []
    for tool in tools or ():
        try:
            StreamParser("hermes", [tool])
        except UsageError:
            continue
        usable.append(tool)
    return usable or None


def _result(delta: Mapping[str, Any] | None) -> Any:
    if delta is None:
        return StreamingParseResult()
    text = delta.get("reasoning_content", "") + delta.get("content", "")
    calls = [
        ToolCallItem(
            tool_index=call["index"],
            name=call.get("function", {}).get("name"),
            parameters=call.get("function", {}).get("arguments", ""),
        )
        for call in delta.get("tool_calls", ())
    ]
    return StreamingParseResult(normal_text=text, calls=calls)


class StreamparseDetector(BaseFormatDetector):  # type: ignore[misc]
    """SGLang ``BaseFormatDetector`` over one streamparse ``StreamParser``; one subclass per registered name."""

    parser_name = "hermes"  # the streamparse dialect or alias; set on each registered subclass

    def __init__(self, tokenizer: Any = None) -> None:
        super().__init__()
        self._stream: StreamParser | None = None
        # SGLang passes the tokenizer to a detector that takes one: its vocab spells the checkpoint's
        # marker suffix (Hunyuan's <tool_calls:opensource>), as SGLang's own Hunyuan detector reads it.
        self._dialect = dialect_for_tokenizer(self.parser_name, tokenizer)

    def _parser(self, tools: Sequence[Any] | None) -> StreamParser:
        # Built at the first delta: the tools come with the calls, not with the constructor.
        if self._stream is None:
            self._stream = StreamParser(self._dialect, _usable_tools(tools))
        return self._stream

    def has_tool_call(self, text: str) -> bool:
        # True whenever parsing changes the text: SGLang's non-streaming path returns the text untouched
        # otherwise, and the stream of the same text would have taken its markup out.
        result = parse(text, self._dialect)
        return (
            bool(result.tool_calls) or result.reasoning_content is not None or (result.content or "") != text
        )

    def detect_and_parse(self, text: str, tools: Sequence[Any]) -> Any:
        result = parse(text, self._dialect, tools=_usable_tools(tools))
        calls = [
            ToolCallItem(tool_index=index, name=call.function.name, parameters=call.function.arguments)
            for index, call in enumerate(result.tool_calls)
        ]
        return StreamingParseResult(
            normal_text=(result.reasoning_content or "") + (result.content or ""), calls=calls
        )

    def parse_streaming_increment(self, new_text: str, tools: Sequence[Any]) -> Any:
        return _result(self._parser(tools).feed(new_text))

    def finish(self, tools: Sequence[Any]) -> Any:
        return _result(self._parser(tools).finish())

    def supports_structural_tag(self) -> bool:
        # No grammar for constrained decoding here; SGLang then constrains
        # tool_choice="required" to a JSON array and parses that itself.
        return False

    def structure_info(self) -> Any:
        def info(name: str) -> Any:
            raise NotImplementedError("streamparse detectors do not provide structural tags")

        return info


def registered_names() -> list[str]:
    """Every name :func:`register` adds, ``streamparse_`` + a dialect or an accepted alias."""
    names = set(dialects()) | {entry.name for entry in parser_names()}
    return sorted(PREFIX + name for name in names)


def register() -> None:
    """Add a detector per name to ``FunctionCallParser.ToolCallParserEnum`` (idempotent)."""
    table = FunctionCallParser.ToolCallParserEnum
    for name in registered_names():
        if name in table:
            continue
        alias = name[len(PREFIX) :]
        table[name] = type(
            f"StreamparseDetector_{alias.replace('-', '_')}", (StreamparseDetector,), {"parser_name": alias}
        )
