"""Testing support: renderers, hypothesis strategies and stream checks.

Needs the ``test`` extra (hypothesis). Renderers turn calls and content
into each dialect's text together with what a correct parser must return;
strategies generate samples, mutations of valid outputs and ways to cut
text into deltas; the checks
below run a stream and verify the OpenAI wire shape. The contract's
properties, as checks over generated cases, are in
:mod:`streamparse.testing.properties`, and long runs of them in
:mod:`streamparse.testing.longrun` (``streamparse fuzz``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..parser import StopReason, StreamParser
from ..result import ParseResult, fold_deltas
from .checker import ParserLike, ParserMismatch, check_parser
from .renderers import (
    RENDERERS,
    ExpectedCall,
    Rendered,
    Sample,
    ToolCallSpec,
    ValueSpan,
    render,
    use_renderer,
)
from .strategies import (
    arguments,
    contents,
    cut_by_lengths,
    forbidden_in,
    json_values,
    marker_soup,
    markers,
    mutated_outputs,
    opening_characters,
    pieces,
    python_names,
    samples,
    split_at,
    tool_names,
    typed_calls,
    value_markers,
)

__all__ = [
    "RENDERERS",
    "ExpectedCall",
    "ParserLike",
    "ParserMismatch",
    "Rendered",
    "Sample",
    "StreamRun",
    "ToolCallSpec",
    "arguments",
    "check_parser",
    "check_wire_shape",
    "contents",
    "cut_by_lengths",
    "forbidden_in",
    "json_values",
    "marker_soup",
    "markers",
    "mutated_outputs",
    "opening_characters",
    "pieces",
    "python_names",
    "render",
    "use_renderer",
    "run_stream",
    "samples",
    "split_at",
    "tool_names",
    "typed_calls",
    "value_markers",
    "ValueSpan",
]


@dataclass
class StreamRun:
    deltas: list[Mapping[str, Any] | None]
    finish_reason: str
    result: ParseResult


def run_stream(
    dialect: str,
    pieces: Iterable[str],
    *,
    reason: StopReason | None = None,
    **options: Any,
) -> StreamRun:
    """Feed ``pieces`` to a new StreamParser, finish it, and fold the deltas like a client."""
    parser = StreamParser(dialect, **options)
    deltas: list[Mapping[str, Any] | None] = [parser.feed(piece) for piece in pieces]
    deltas.append(parser.finish(reason))
    assert parser.finish_reason is not None
    result = fold_deltas(deltas, parser.finish_reason, parser.tools)
    return StreamRun(deltas, parser.finish_reason, result)


def check_wire_shape(deltas: Iterable[Mapping[str, Any] | None], finish_reason: str | None = None) -> None:
    """Assert OpenAI's streaming rules for tool calls.

    The first delta that mentions an index carries ``id``, ``type`` and the
    whole ``function.name``; later ones only ``index`` and
    ``function.arguments``; indices appear as 0, 1, 2, ... in order; no
    delta is empty; ``finish_reason`` is ``tool_calls`` iff a call appeared.
    """
    seen: set[int] = set()
    for position, delta in enumerate(deltas):
        if delta is None:
            continue
        assert delta, f"delta {position} is empty; None means nothing to emit"
        assert set(delta) <= {"content", "reasoning_content", "tool_calls"}, delta
        for key in ("content", "reasoning_content"):
            if key in delta:
                assert isinstance(delta[key], str) and delta[key], f"delta {position}: empty {key}"
        for chunk in delta.get("tool_calls", ()):
            index = chunk["index"]
            function = chunk["function"]
            if index not in seen:
                assert index == len(seen), f"delta {position}: index {index} before {len(seen)}"
                seen.add(index)
                assert chunk.get("type") == "function", f"delta {position}: first chunk of {index} lacks type"
                assert isinstance(chunk.get("id"), str) and chunk["id"], (
                    f"delta {position}: no id for {index}"
                )
                assert isinstance(function.get("name"), str) and function["name"], (
                    f"delta {position}: no name"
                )
            else:
                assert set(chunk) == {"index", "function"}, f"delta {position}: repeats header {chunk}"
                assert set(function) == {"arguments"}, f"delta {position}: repeats name {chunk}"
                assert function["arguments"], f"delta {position}: empty arguments fragment"
    if finish_reason is not None and finish_reason != "length":
        assert finish_reason == ("tool_calls" if seen else "stop"), (finish_reason, seen)
