"""Hostile and broken output, every dialect: nothing raises, nothing is lost, cost stays linear.

Each test runs over every registered dialect, so a new dialect is covered
as soon as it is registered. Timings are not asserted here (see
benchmarks/); sizes are chosen so that a quadratic parser would make the
suite visibly slow rather than fail on a clock.
"""

from __future__ import annotations

import json

import pytest

import streamparse
from streamparse.cli import examples
from streamparse.registry import get_dialect
from streamparse.testing import Rendered, Sample, ToolCallSpec, render, run_stream

DIALECTS = streamparse.dialects()


def comparable(result: streamparse.ParseResult, *, with_incomplete: bool = True) -> tuple[object, ...]:
    """What must agree between runs. A fold of wire deltas cannot carry the event-level
    ``incomplete`` flag, so a batch result compared with one must leave it out."""
    return (
        result.content,
        result.reasoning_content,
        [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls],
        result.finish_reason,
        [(p.index, p.kind) for p in result.problems if with_incomplete or p.kind != "incomplete"],
    )


def markers_of(dialect: str) -> list[str]:
    machine = get_dialect(dialect)
    return sorted({m for spec in machine.STATES.values() for m in getattr(spec, "actions", {})})


def run(dialect: str, pieces: list[str], **options: object) -> streamparse.ParseResult:
    return run_stream(dialect, pieces, id_seed=0, **options).result  # type: ignore[arg-type]


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_every_single_cut_of_a_bundled_example(example: object) -> None:
    """Two deltas, cut at every position: markers split at every character."""
    text = example.text  # type: ignore[attr-defined]
    dialect = example.dialect  # type: ignore[attr-defined]
    batch = comparable(streamparse.parse(text, dialect, id_seed=0))
    for cut in range(1, len(text)):
        assert comparable(run(dialect, [text[:cut], text[cut:]])) == batch, cut


@pytest.mark.parametrize("dialect", DIALECTS)
def test_repeated_partial_markers_are_text(dialect: str) -> None:
    """``<|tool_ca`` × N: held back a marker's length at most, then returned as written."""
    for marker in markers_of(dialect):
        partial = marker[:-1]
        if len(partial) < 2:
            continue
        text = "x" + partial * 3000
        batch = streamparse.parse(text, dialect, id_seed=0)
        assert batch.tool_calls == []
        assert (batch.content or "") + (batch.reasoning_content or "") == text
        pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
        assert comparable(run(dialect, pieces)) == comparable(batch)


def _one_call(dialect: str, arguments: dict[str, object], content: str = "Hi.") -> Rendered:
    # A schema for the dialects that type values by it (the others ignore it).
    types = {key: "string" if isinstance(value, str) else "array" for key, value in arguments.items()}
    schema = {"type": "object", "properties": {key: {"type": t} for key, t in types.items()}}
    call = ToolCallSpec("f", arguments, schema=schema)
    return render(dialect, Sample(content=content, calls=(call,)))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_megabyte_of_arguments(dialect: str) -> None:
    value = '日本 "quoted" \\ x ' * 60_000 + "end"  # about a megabyte of JSON text
    rendered = _one_call(dialect, {"s": value})
    text, arguments = rendered.text, rendered.calls[0].arguments
    assert len(text) > 900_000
    pieces = [text[i : i + 4096] for i in range(0, len(text), 4096)]
    result = run(dialect, pieces, tools=rendered.tools)
    assert [c.function.arguments for c in result.tool_calls] == [arguments]
    assert json.loads(arguments) == {"s": value}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deep_nesting_never_recurses(dialect: str, opening: str) -> None:
    """100,000 levels of ``[[[`` or ``{"a":{"a":`` in the arguments: no RecursionError."""
    depth = 100_000
    closing = "]" if opening == "[" else "}"
    deep = '{"d": ' + opening * depth + "1" + closing * depth + "}"
    sample = Sample(calls=(ToolCallSpec("f", arguments_text=deep),))
    text = render(dialect, sample).text
    if deep not in text:
        pytest.skip(f"{dialect} does not write JSON arguments verbatim")
    pieces = [text[i : i + 64] for i in range(0, len(text), 64)]
    for finish in (None, "length"):
        batch = streamparse.parse(text, dialect, id_seed=0, finish_reason=finish)
        assert comparable(run(dialect, pieces, reason=finish)) == comparable(batch)
        assert [c.function.arguments for c in batch.tool_calls] == [deep]
    # Cut off in the middle: the call is incomplete, nothing is invented.
    cut = text[: text.index(deep) + len(deep) // 2]
    truncated = streamparse.parse(cut, dialect, id_seed=0, finish_reason="length")
    assert truncated.finish_reason == "length"
    assert [(p.index, p.kind) for p in truncated.problems][:1] == [(0, "incomplete")]
    assert deep.startswith(truncated.tool_calls[0].function.arguments)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_unclosed_nesting_in_content_is_content(dialect: str) -> None:
    text = "Look: " + "[{" * 50_000 + '"unclosed string \\'
    result = streamparse.parse(text, dialect, id_seed=0)
    assert result.tool_calls == []
    assert (result.content or "") + (result.reasoning_content or "") == text


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    "odd", ["\x00", "\ud800", "\udfff x \ud83d", "😀\U0010ffff", "\r\n", "\u2028\u2029", "\ufeff"]
)
def test_odd_characters_survive(dialect: str, odd: str) -> None:
    """NUL, lone surrogates, non-BMP, CRLF, line separators and BOMs, in content and in arguments."""
    content = "a" + odd + "b"
    rendered = _one_call(dialect, {"s": odd, "k": [odd, "x" + odd]}, content=content)
    for pieces in ([rendered.text], list(rendered.text)):
        result = run(dialect, pieces, tools=rendered.tools)
        assert [c.function.arguments for c in result.tool_calls] == [rendered.calls[0].arguments]
        assert (result.content or "") == rendered.content
    assert streamparse.parse(content, dialect).content == content


@pytest.mark.parametrize("dialect", DIALECTS)
def test_marker_soup_of_every_marker_at_every_cut(dialect: str) -> None:
    """All the dialect's markers in a row, each followed by a brace and a quote."""
    text = "".join(m + '{"' for m in markers_of(dialect)) * 3
    batch = streamparse.parse(text, dialect, id_seed=0, finish_reason="length")
    for cut in range(1, len(text)):
        result = run(dialect, [text[:cut], text[cut:]], reason="length")
        assert comparable(result) == comparable(batch, with_incomplete=False), cut
