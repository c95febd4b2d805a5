"""Shared checks for the golden and malformed-output tests.

One helper, :func:`check_case`, runs a text through ``StreamParser`` cut
three ways (whole, one character at a time, seeded random splits) and
checks every run against the same expectation:

* the folded deltas (``streamparse.fold_deltas``) give the expected
  content, reasoning, calls (id where the model gives one, name, arguments
  byte for byte) and finish reason, and equal ``streamparse.parse``;
* every delta has OpenAI's wire shape and validates as an ``openai``
  ``ChatCompletionChunk``;
* Kimi-K2's streaming client loop from its tool-call guide, run over those
  chunk objects, ends with the right calls;
* the event level (``feed_events`` / ``finish_events``) tells the same
  story, with one ``CallEnd`` per call.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletionChunk

import streamparse
from streamparse import CallArguments, CallEnd, CallFlag, CallStart, Reasoning, StreamParser, Text
from streamparse.tools import normalize_tools

# call_ + 24 alphanumerics, or 9 alphanumerics (Mistral style).
GENERATED_ID = re.compile(r"call_[A-Za-z0-9]{24}|[A-Za-z0-9]{9}")

KIMI = "kimi_k2"
MINIMAX = "minimax_m1"

# Kimi-K2's special tokens, spelled out (the tests do not take them from the parser).
SB = "<|tool_calls_section_begin|>"
SE = "<|tool_calls_section_end|>"
SB1 = "<|tool_call_section_begin|>"  # singular variants
SE1 = "<|tool_call_section_end|>"
CB = "<|tool_call_begin|>"
AB = "<|tool_call_argument_begin|>"
CE = "<|tool_call_end|>"


# DeepSeek's special tokens (bars U+FF5C, separators U+2581), spelled out likewise.
DS_CALLS_BEGIN = "<｜tool▁calls▁begin｜>"
DS_CALLS_END = "<｜tool▁calls▁end｜>"
DS_CALL_BEGIN = "<｜tool▁call▁begin｜>"
DS_SEP = "<｜tool▁sep｜>"
DS_CALL_END = "<｜tool▁call▁end｜>"
DS_END_OF_SENTENCE = "<｜end▁of▁sentence｜>"


def kimi_call(call_id: str, arguments: str) -> str:
    return f"{CB}{call_id}{AB}{arguments}{CE}"


# Every marker of each dialect, for the split-at-every-position tests.
MARKERS: dict[str, tuple[str, ...]] = {
    KIMI: (
        "<|tool_calls_section_begin|>",
        "<|tool_calls_section_end|>",
        "<|tool_call_section_begin|>",
        "<|tool_call_section_end|>",
        "<|tool_call_begin|>",
        "<|tool_call_argument_begin|>",
        "<|tool_call_end|>",
        "<think>",
        "</think>",
    ),
    MINIMAX: ("<tool_calls>", "</tool_calls>", "<think>", "</think>"),
}


@dataclass(frozen=True)
class Call:
    """An expected call. ``id=None``: the id is generated (``call_`` + 24 alphanumerics)."""

    name: str
    arguments: str
    id: str | None = None


@dataclass(frozen=True)
class Expect:
    content: str | None = None
    reasoning: str | None = None
    calls: tuple[Call, ...] = ()
    # Default: "tool_calls" when calls are expected, else "stop" ("length" after finish("length")).
    finish_reason: str | None = None
    # (index, kind) pairs expected in parse(...).problems, in order.
    problems: tuple[tuple[int, str], ...] = ()
    # Indices of calls whose CallEnd event says complete=False.
    incomplete: frozenset[int] = field(default_factory=frozenset)


# -- splitting -------------------------------------------------------------------


def splits(text: str, seeds: Iterable[int] = range(6)) -> Iterator[tuple[str, list[str]]]:
    """Whole, one character at a time, and seeded random cuts (two styles)."""
    yield "whole", [text]
    if len(text) > 1:
        yield "chars", list(text)
    for seed in seeds:
        rng = random.Random(seed)
        if len(text) > 1:
            count = rng.randint(1, max(1, len(text) // 3))
            cuts = sorted(rng.sample(range(1, len(text)), min(count, len(text) - 1)))
            yield f"cuts{seed}", [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        pieces: list[str] = []
        pos = 0
        while pos < len(text):
            step = rng.randint(1, 7)
            pieces.append(text[pos : pos + step])
            pos += step
        yield f"small{seed}", pieces


# -- running ---------------------------------------------------------------------


def run_deltas(
    dialect: str,
    pieces: Sequence[str],
    finish: str | None = None,
    tools: Any = None,
    *,
    start_in_reasoning: bool = False,
) -> tuple[list[dict[str, Any] | None], str]:
    parser = StreamParser(dialect, tools, id_seed=0, start_in_reasoning=start_in_reasoning)
    deltas: list[dict[str, Any] | None] = [
        dict(d) if d is not None else None for d in map(parser.feed, pieces)
    ]
    last = parser.finish(finish)  # type: ignore[arg-type]
    deltas.append(dict(last) if last is not None else None)
    assert parser.finish_reason is not None
    return deltas, parser.finish_reason


def fold(deltas: Iterable[Mapping[str, Any] | None], finish_reason: str) -> streamparse.ParseResult:
    return streamparse.fold_deltas(deltas, finish_reason=finish_reason)  # type: ignore[arg-type]


def summary(result: streamparse.ParseResult, *, with_incomplete: bool = True) -> dict[str, Any]:
    """What must agree between streaming and batch. Folded wire deltas cannot
    carry the event-level ``incomplete`` flag, so it can be left out."""
    return {
        "content": result.content,
        "reasoning_content": result.reasoning_content,
        "tool_calls": [(c.id, c.type, c.function.name, c.function.arguments) for c in result.tool_calls],
        "finish_reason": result.finish_reason,
        "problems": [(p.index, p.kind) for p in result.problems if with_incomplete or p.kind != "incomplete"],
    }


def stream_summary(
    dialect: str, pieces: Sequence[str], finish: str | None = None, *, start_in_reasoning: bool = False
) -> dict[str, Any]:
    """Fold of the stream (with wire-shape checks, no pydantic): for the many-split tests."""
    deltas, reason = run_deltas(dialect, pieces, finish, start_in_reasoning=start_in_reasoning)
    check_wire_shape(deltas, reason, validate=False)
    return summary(fold(deltas, reason), with_incomplete=False)


# -- wire shape ------------------------------------------------------------------


def chunk_of(delta: Mapping[str, Any], finish_reason: str | None = None) -> ChatCompletionChunk:
    return ChatCompletionChunk.model_validate(
        {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
    )


def check_wire_shape(
    deltas: Sequence[Mapping[str, Any] | None], finish_reason: str, *, validate: bool = True
) -> None:
    names: dict[int, str] = {}
    for delta in deltas:
        if delta is None:
            continue
        assert delta, "an empty delta must be None"
        assert set(delta) <= {"content", "reasoning_content", "tool_calls"}, delta
        for key in ("content", "reasoning_content"):
            if key in delta:
                assert isinstance(delta[key], str), delta
        if validate:
            chunk_of(delta)
        seen_here: set[int] = set()
        for entry in delta.get("tool_calls", ()):
            index = entry["index"]
            assert isinstance(index, int)
            assert index not in seen_here, f"index {index} twice in one delta: {delta}"
            seen_here.add(index)
            if index not in names:
                assert index == len(names), (
                    f"indices must run 0, 1, 2, ... in order; got {index} after {sorted(names)}"
                )
                assert isinstance(entry.get("id"), str) and entry["id"], (
                    f"first delta of a call lacks its id: {entry}"
                )
                assert entry.get("type") == "function", entry
                function = entry.get("function")
                assert (
                    isinstance(function, dict) and isinstance(function.get("name"), str) and function["name"]
                )
                assert set(function) <= {"name", "arguments"}, entry
                names[index] = function["name"]
            else:
                assert set(entry) == {"index", "function"}, (
                    f"later delta of call {index} repeats a header: {entry}"
                )
                assert set(entry["function"]) == {"arguments"}, entry
                assert isinstance(entry["function"]["arguments"], str)
    if finish_reason != "length":
        assert finish_reason == ("tool_calls" if names else "stop"), (finish_reason, names)
    if validate:
        chunk_of({}, finish_reason)


# -- Kimi-K2's streaming client loop (tool_call_guidance.md), same semantics --------


def kimi_guide_stream_loop(
    chunks: Iterable[ChatCompletionChunk],
) -> tuple[str, list[dict[str, Any]], str | None]:
    """The guide's loop: concatenate content, and per index concatenate id,
    function.name and function.arguments, reading ChoiceDelta attributes."""
    msg = ""
    tool_calls: list[dict[str, Any]] = []
    finish_reason = None
    for chunk in chunks:
        delta = chunk.choices[0].delta
        if delta.content:
            msg += delta.content
        if delta.tool_calls:
            for tool_call_chunk in delta.tool_calls:
                if tool_call_chunk.index is not None:
                    while len(tool_calls) <= tool_call_chunk.index:
                        tool_calls.append(
                            {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
                        )
                    tc = tool_calls[tool_call_chunk.index]
                    if tool_call_chunk.id:
                        tc["id"] += tool_call_chunk.id
                    if tool_call_chunk.function.name:  # type: ignore[union-attr]
                        tc["function"]["name"] += tool_call_chunk.function.name  # type: ignore[union-attr]
                    if tool_call_chunk.function.arguments:  # type: ignore[union-attr]
                        tc["function"]["arguments"] += tool_call_chunk.function.arguments  # type: ignore[union-attr]
        finish_reason = chunk.choices[0].finish_reason
    return msg, tool_calls, finish_reason


def chunks_of(deltas: Sequence[Mapping[str, Any] | None], finish_reason: str) -> list[ChatCompletionChunk]:
    chunks = [chunk_of(d) for d in deltas if d is not None]
    chunks.append(chunk_of({}, finish_reason))
    return chunks


# -- event level -----------------------------------------------------------------


def run_events(
    dialect: str,
    pieces: Sequence[str],
    finish: str | None = None,
    tools: Any = None,
    *,
    start_in_reasoning: bool = False,
) -> dict[str, Any]:
    parser = StreamParser(dialect, tools, id_seed=0, start_in_reasoning=start_in_reasoning)
    events = [e for piece in pieces for e in parser.feed_events(piece)]
    events.extend(parser.finish_events(finish))  # type: ignore[arg-type]
    content: list[str] = []
    reasoning: list[str] = []
    calls: list[list[Any]] = []
    ended: dict[int, bool] = {}
    flags: list[tuple[int, str]] = []
    for event in events:
        if isinstance(event, Text):
            content.append(event.text)
        elif isinstance(event, Reasoning):
            reasoning.append(event.text)
        elif isinstance(event, CallStart):
            assert event.index == len(calls), f"CallStart out of order: {event}"
            calls.append([event.id, event.name, ""])
        elif isinstance(event, CallArguments):
            assert event.index < len(calls) and event.index not in ended, (
                f"arguments outside their call: {event}"
            )
            calls[event.index][2] += event.text
        elif isinstance(event, CallEnd):
            assert event.index < len(calls) and event.index not in ended, f"bad CallEnd: {event}"
            ended[event.index] = event.complete
        elif isinstance(event, CallFlag):
            assert event.index < len(calls), f"a flag outside its call: {event}"
            event.detail.encode("utf-8")
            flags.append((event.index, event.kind))
    assert sorted(ended) == list(range(len(calls))), f"every call must end exactly once: {ended}"
    return {
        "content": "".join(content) or None,
        "reasoning_content": "".join(reasoning) or None,
        "tool_calls": [tuple(c) for c in calls],
        "incomplete": frozenset(i for i, complete in ended.items() if not complete),
        "flags": flags,
    }


_FLAG_KINDS = frozenset({"unexpected_member", "lone_surrogate"})


# -- the one helper ----------------------------------------------------------------


def check_case(
    dialect: str,
    text: str,
    expect: Expect,
    *,
    finish: str | None = None,
    tools: Any = None,
    seeds: Iterable[int] = range(6),
    start_in_reasoning: bool = False,
) -> streamparse.ParseResult:
    """Check ``text`` whole, one character at a time and at random splits."""
    finish_reason = expect.finish_reason or (
        "length" if finish == "length" else "tool_calls" if expect.calls else "stop"
    )
    batch = streamparse.parse(
        text,
        dialect,
        tools,
        id_seed=0,
        finish_reason=finish,  # type: ignore[arg-type]
        start_in_reasoning=start_in_reasoning,
    )
    assert batch.content == expect.content
    assert batch.reasoning_content == expect.reasoning
    assert len(batch.tool_calls) == len(expect.calls), batch.tool_calls
    for got, want in zip(batch.tool_calls, expect.calls):
        assert got.type == "function"
        assert got.function.name == want.name
        assert got.function.arguments == want.arguments
        if want.id is None:
            assert GENERATED_ID.fullmatch(got.id), got.id
        else:
            assert got.id == want.id
    assert batch.finish_reason == finish_reason
    assert [(p.index, p.kind) for p in batch.problems] == list(expect.problems)
    batch_summary = summary(batch, with_incomplete=False)
    valid_calls = [i for i, c in enumerate(expect.calls) if not any(p[0] == i for p in expect.problems)]
    for index in valid_calls:
        assert isinstance(json.loads(expect.calls[index].arguments), dict)

    for label, pieces in splits(text, seeds):
        assert "".join(pieces) == text
        deltas, reason = run_deltas(dialect, pieces, finish, tools, start_in_reasoning=start_in_reasoning)
        assert reason == finish_reason, label
        check_wire_shape(deltas, reason)
        folded = streamparse.fold_deltas(deltas, finish_reason=reason, tools=normalize_tools(tools))  # type: ignore[arg-type]
        assert summary(folded, with_incomplete=False) == batch_summary, label

        msg, guide_calls, guide_reason = kimi_guide_stream_loop(chunks_of(deltas, reason))
        assert guide_reason == finish_reason, label
        assert msg == (expect.content or ""), label
        assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in guide_calls] == [
            (c.id, c.function.name, c.function.arguments) for c in batch.tool_calls
        ], label
        if finish_reason == "tool_calls":
            tool_map = {c.name: c for c in expect.calls}
            for index in valid_calls:
                call = guide_calls[index]
                assert call["function"]["name"] in tool_map
                json.loads(call["function"]["arguments"])

        events = run_events(dialect, pieces, finish, tools, start_in_reasoning=start_in_reasoning)
        events["flags"] = sorted(events["flags"])
        assert events == {
            "content": expect.content,
            "reasoning_content": expect.reasoning,
            "tool_calls": [(c.id, c.function.name, c.function.arguments) for c in batch.tool_calls],
            "incomplete": expect.incomplete,
            # The problems that come as CallFlag events (the others are computed by the result).
            "flags": sorted((p.index, p.kind) for p in batch.problems if p.kind in _FLAG_KINDS),
        }, label
    return batch


# -- character accounting ------------------------------------------------------------


def is_subsequence(part: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in part)


def assert_accounted(text: str, result: streamparse.ParseResult, *, model_ids: bool) -> None:
    """Every output character comes from the input, in order, and no more
    characters come out than went in (Kimi's name is derived from its id, so
    only the id is counted there; MiniMax's ids are generated, so its names are)."""
    content = result.content or ""
    reasoning = result.reasoning_content or ""
    used = len(content) + len(reasoning)
    assert is_subsequence(content, text), content
    assert is_subsequence(reasoning, text), reasoning
    for call in result.tool_calls:
        source = call.id if model_ids else call.function.name
        used += len(source)
        assert is_subsequence(source, text), source
        if call.function.arguments != "{}":  # "{}" is what a call without arguments gets
            used += len(call.function.arguments)
            assert is_subsequence(call.function.arguments, text), call.function.arguments
    assert used <= len(text), (used, len(text))


def check_case_and_every_cut(
    dialect: str, text: str, expect: Expect, *, start_in_reasoning: bool = False
) -> None:
    """:func:`check_case`, then every cut of ``text`` into two pieces gives what the whole text gives."""
    check_case(dialect, text, expect, start_in_reasoning=start_in_reasoning)
    batch = streamparse.parse(text, dialect, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces
