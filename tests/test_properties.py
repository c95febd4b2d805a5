"""The contract, property-tested for every dialect that has a renderer.

Split invariance (byte-equal arguments), stream equals batch, round trip
through the dialect's renderer, OpenAI wire shape, prompt emission, and
never raising on arbitrary text.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse.registry import get_dialect
from streamparse.testing import (
    RENDERERS,
    check_wire_shape,
    contents,
    forbidden_in,
    opening_characters,
    pieces,
    render,
    run_stream,
    samples,
    split_at,
    value_markers,
)
from streamparse.testing.renderers import Rendered

DIALECTS = sorted(RENDERERS)


def test_every_dialect_has_a_renderer() -> None:
    assert DIALECTS == streamparse.dialects()


def comparable(result: streamparse.ParseResult) -> tuple[object, ...]:
    return (
        result.content,
        result.reasoning_content,
        [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls],
        result.finish_reason,
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_round_trip_split_invariance_and_wire_shape(dialect: str, data: st.DataObject) -> None:
    sample = data.draw(samples(dialect))
    rendered = render(dialect, sample)
    batch = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0)

    assert (batch.content or "") == rendered.content
    assert (batch.reasoning_content or "") == rendered.reasoning
    assert len(batch.tool_calls) == len(rendered.calls)
    for got, want, spec in zip(batch.tool_calls, rendered.calls, sample.calls):
        assert got.function.name == want.name
        assert got.function.arguments == want.arguments
        assert json.loads(got.function.arguments) == json.loads(spec.encoded())
        if want.id is not None:
            assert got.id == want.id
    assert batch.problems == []
    assert batch.finish_reason == ("tool_calls" if sample.calls else "stop")
    assert len({c.id for c in batch.tool_calls}) == len(batch.tool_calls)

    for _ in range(2):
        run = run_stream(dialect, data.draw(pieces(rendered.text)), id_seed=0, tools=rendered.tools)
        check_wire_shape(run.deltas, run.finish_reason)
        assert comparable(run.result) == comparable(batch)


def held_suffix(text: str, markers: tuple[str, ...]) -> int:
    """The longest suffix of ``text`` that is a proper prefix of a marker."""
    if not markers:
        return 0
    for k in range(min(len(text), max(map(len, markers)) - 1), 0, -1):
        tail = text[-k:]
        if any(len(m) > k and m.startswith(tail) for m in markers):
            return k
    return 0


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_prompt_emission_of_content(dialect: str, data: st.DataObject) -> None:
    markers = forbidden_in(dialect, "content")
    opening = opening_characters(dialect)
    text = data.draw(contents(markers, max_size=80, opening=opening))
    # A dialect that lists whitespace among its openings holds only that whitespace (harmony: ASCII).
    held_whitespace = "".join(c for c in opening if c.isspace()) or None
    parser = streamparse.StreamParser(dialect)
    fed = ""
    emitted = ""
    for piece in data.draw(pieces(text)):
        fed += piece
        delta = parser.feed(piece)
        if delta is not None:
            assert set(delta) == {"content"}
            emitted += delta["content"]
        rest = fed.lstrip(held_whitespace)
        if opening and held_suffix(rest, markers) == len(rest):
            # Leading whitespace is held while a call may still open the output.
            assert emitted == ""
        else:
            assert emitted == fed[: len(fed) - held_suffix(fed, markers)]
    delta = parser.finish()
    emitted += (delta or {}).get("content", "")
    assert emitted == text


def sent_arguments(deltas: list[streamparse.ChoiceDelta | None], which: int) -> str:
    return "".join(
        chunk["function"].get("arguments", "")
        for delta in deltas
        if delta
        for chunk in delta.get("tool_calls", ())
        if chunk["index"] == which
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_prompt_emission_of_arguments(dialect: str, data: st.DataObject) -> None:
    # Arguments written before the name are held until the name is known (documented).
    sample = data.draw(samples(dialect).filter(lambda s: bool(s.calls) and not s.arguments_first))
    rendered = render(dialect, sample)
    if rendered.value_spans is not None:
        check_value_emission(dialect, rendered, data)
        return
    which = data.draw(st.integers(0, len(rendered.calls) - 1))
    start, end = rendered.argument_spans[which]
    cut = data.draw(st.integers(start, end))
    prefix = rendered.text[:cut]

    parser = streamparse.StreamParser(dialect, id_seed=0)
    deltas = [parser.feed(piece) for piece in data.draw(pieces(prefix))]
    sent = sent_arguments(deltas, which)
    if rendered.argument_marks:
        # Converted arguments: what was sent is a prefix of the final JSON, and no shorter than
        # what the renderer marks as decided by the cut.
        assert rendered.calls[which].arguments.startswith(sent)
        decided = max(
            (length for offset, length in rendered.argument_marks[which] if offset <= cut), default=0
        )
        assert len(sent) >= decided, (prefix, sent)
        return
    available = prefix[start:]
    assert available.startswith(sent)
    arguments_markers = forbidden_in(dialect, "arguments")
    allowance = len(available) - len(available.rstrip())
    if arguments_markers:
        allowance += held_suffix(available.rstrip(), arguments_markers)
    assert len(available) - len(sent) <= allowance, (available, sent)


def held_in_value(text: str, markers: tuple[str, ...], close_tags: tuple[str, ...]) -> int:
    """How much of the end of a value's text a parser may hold: whitespace (stripped or held
    while more may follow), a possible marker, and a close tag that is still undecided."""
    rest = text
    while True:
        trimmed = rest.rstrip()
        trimmed = trimmed[: len(trimmed) - held_suffix(trimmed, markers)]
        for tag in close_tags:
            if trimmed.endswith(tag):
                trimmed = trimmed[: -len(tag)]
                break
        if trimmed == rest:
            return len(text) - len(rest)
        rest = trimmed


def check_value_emission(dialect: str, rendered: Rendered, data: st.DataObject) -> None:
    """Schema-typed dialects: a string value is streamed as it arrives (escaped as JSON), any
    other value once it ends; what was sent is always a prefix of the final arguments."""
    assert rendered.value_spans is not None
    close_tags, others = value_markers(dialect)
    values = [(i, span) for i, spans in enumerate(rendered.value_spans) for span in spans]
    if values:
        which, span = data.draw(st.sampled_from(values))
        cut = data.draw(st.integers(span.start, span.end))
    else:
        which, span = data.draw(st.integers(0, len(rendered.calls) - 1)), None
        cut = data.draw(st.integers(0, len(rendered.text)))
    prefix = rendered.text[:cut]
    parser = streamparse.StreamParser(dialect, rendered.tools, id_seed=0)
    deltas = [parser.feed(piece) for piece in data.draw(pieces(prefix))]
    sent = sent_arguments(deltas, which)
    assert rendered.calls[which].arguments.startswith(sent), (rendered.calls[which].arguments, sent)
    if span is None:
        return
    required = span.offset
    if span.streamed:
        available = prefix[span.start :]
        available = available[: len(available) - held_in_value(available, close_tags + others, close_tags)]
        required += len(json.dumps(available, ensure_ascii=False)) - 2
    assert len(sent) >= required, (prefix[span.start :], sent)


def _soup(dialect: str) -> st.SearchStrategy[str]:
    machine = get_dialect(dialect)
    markers = sorted({m for spec in machine.STATES.values() for m in getattr(spec, "actions", {})})
    halves = [m[: len(m) // 2] for m in markers if len(m) > 1] or markers
    fragments = st.one_of(
        st.sampled_from(markers),
        st.sampled_from(halves),
        st.text(max_size=8),
        st.sampled_from(
            ['{"name": "f", "arguments": {"a": 1}}', '"', "\\", "}", "{", " ", "\n", "functions.f:0"]
        ),
    )
    return st.lists(fragments, max_size=30).map("".join)


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_arbitrary_text_never_raises_and_is_split_invariant(dialect: str, data: st.DataObject) -> None:
    text = data.draw(_soup(dialect))
    reason = data.draw(st.sampled_from([None, "length"]))
    batch = streamparse.parse(text, dialect, id_seed=0, finish_reason=reason)
    run = run_stream(dialect, data.draw(pieces(text)), id_seed=0, reason=reason)
    check_wire_shape(run.deltas, run.finish_reason)
    assert comparable(run.result) == comparable(batch)
    # Nothing invented: content and reasoning are made of input characters, in order.
    for produced in (batch.content or "", batch.reasoning_content or ""):
        assert len(produced) <= len(text)


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_content_only_text_is_returned_verbatim(dialect: str, data: st.DataObject) -> None:
    text = data.draw(
        contents(forbidden_in(dialect, "content"), max_size=200, opening=opening_characters(dialect))
    )
    assert (streamparse.parse(text, dialect).content or "") == text
    run = run_stream(dialect, split_at(text, data.draw(st.lists(st.integers(0, len(text))))))
    assert (run.result.content or "") == text
    assert run.finish_reason == "stop"
