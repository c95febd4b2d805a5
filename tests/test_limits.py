"""Limits (``max_arguments_chars``, ``max_calls``) and ``strict=True``, for every dialect.

A limit cuts or drops the calls past it, reports each one (a
``LimitExceeded`` event and a ``limit_exceeded`` problem) and leaves the
rest of the text as the unlimited parser reads it, for every split.
Strict mode raises ``MalformedCallError`` exactly where the lenient parser
would have repaired something, at the same offset however the text is cut.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse import LimitExceeded, MalformedCallError, StreamParser, UsageError
from streamparse.testing import RENDERERS, contents, forbidden_in, pieces, render, run_stream, samples

DIALECTS = sorted(RENDERERS)


def streamed(dialect: str, parts: list[str], **options: object) -> streamparse.ParseResult:
    run = run_stream(dialect, parts, id_seed=0, **options)
    return run.result


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_arguments_past_the_limit_are_cut_and_reported(dialect: str, data: st.DataObject) -> None:
    rendered = render(dialect, data.draw(samples(dialect)))
    limit = data.draw(st.integers(1, 40))
    result = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0, max_arguments_chars=limit)

    assert (result.content or "") == rendered.content
    assert [c.function.name for c in result.tool_calls] == [c.name for c in rendered.calls]
    cut = []
    for index, (got, want) in enumerate(zip(result.tool_calls, rendered.calls)):
        assert got.function.arguments == want.arguments[:limit]
        if len(want.arguments) > limit:
            cut.append(index)
    assert [(p.index, p.kind) for p in result.problems] == [(i, "limit_exceeded") for i in cut]

    parts = data.draw(pieces(rendered.text))
    run = run_stream(dialect, parts, id_seed=0, tools=rendered.tools, max_arguments_chars=limit)
    assert run.result.tool_calls == result.tool_calls
    assert run.result.content == result.content


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_calls_past_the_limit_are_dropped_and_reported(dialect: str, data: st.DataObject) -> None:
    rendered = render(dialect, data.draw(samples(dialect)))
    limit = data.draw(st.integers(1, 3))
    unlimited = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0)
    result = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0, max_calls=limit)

    assert result.content == unlimited.content
    assert result.reasoning_content == unlimited.reasoning_content
    assert result.tool_calls == unlimited.tool_calls[:limit]
    dropped = range(limit, len(unlimited.tool_calls))
    assert [(p.index, p.kind) for p in result.problems] == [(i, "limit_exceeded") for i in dropped]
    assert result.finish_reason == unlimited.finish_reason

    parts = data.draw(pieces(rendered.text))
    run = run_stream(dialect, parts, id_seed=0, tools=rendered.tools, max_calls=limit)
    assert run.result.tool_calls == result.tool_calls
    assert run.result.content == result.content


KIMI_TWO_CALLS = (
    "Checking.<|tool_calls_section_begin|>"
    "<|tool_call_begin|>functions.a:0<|tool_call_argument_begin|>"
    '{"text": "' + "x" * 100 + '"}<|tool_call_end|>'
    '<|tool_call_begin|>functions.b:1<|tool_call_argument_begin|>{"n": 1}<|tool_call_end|>'
    "<|tool_calls_section_end|>Done."
)


def test_events_of_a_cut_call() -> None:
    parser = StreamParser("kimi_k2", max_arguments_chars=20)
    events = [event for char in KIMI_TWO_CALLS for event in parser.feed_events(char)]
    events += parser.finish_events()
    arguments = "".join(e.text for e in events if isinstance(e, streamparse.CallArguments) and e.index == 0)
    assert arguments == '{"text": "xxxxxxxxxx'
    kinds = [
        type(e).__name__ for e in events if not isinstance(e, (streamparse.CallArguments, streamparse.Text))
    ]
    assert kinds == ["CallStart", "LimitExceeded", "CallEnd", "CallStart", "CallEnd"]
    limit_event = next(e for e in events if isinstance(e, LimitExceeded))
    assert limit_event.limit == "max_arguments_chars" and limit_event.index == 0
    assert streamparse.CallEnd(0, False) in events
    assert streamparse.CallEnd(1, True) in events
    assert parser.finish_reason == "tool_calls"


def test_a_dropped_call_has_no_wire_form_and_the_text_after_it_is_kept() -> None:
    parser = StreamParser("kimi_k2", max_calls=1, id_seed=0)
    deltas = [parser.feed(char) for char in KIMI_TWO_CALLS] + [parser.finish()]
    indices = {chunk["index"] for delta in deltas if delta for chunk in delta.get("tool_calls", ())}
    assert indices == {0}
    result = streamparse.fold_deltas(deltas)
    assert result.content == "Checking.Done."
    assert len(result.tool_calls) == 1


def test_limits_can_be_turned_off() -> None:
    text = KIMI_TWO_CALLS.replace("x" * 100, "x" * 5000)
    result = streamparse.parse(text, "kimi_k2", max_arguments_chars=None, max_calls=None)
    assert result.problems == []
    assert len(result.tool_calls[0].function.arguments) == 5000 + len('{"text": ""}')


def test_a_cut_call_to_an_undeclared_tool_is_still_flagged() -> None:
    tools = [{"type": "function", "function": {"name": "b"}}]
    result = streamparse.parse(KIMI_TWO_CALLS, "kimi_k2", tools, max_arguments_chars=20)
    assert [(p.index, p.kind) for p in result.problems] == [(0, "limit_exceeded"), (0, "unknown_tool")]


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", True])
@pytest.mark.parametrize("option", ["max_arguments_chars", "max_calls"])
def test_a_bad_limit_is_a_usage_error(option: str, bad: object) -> None:
    with pytest.raises(UsageError, match=option):
        StreamParser("kimi_k2", **{option: bad})  # type: ignore[arg-type]


# -- strict mode ------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_strict_accepts_well_formed_output(dialect: str, data: st.DataObject) -> None:
    rendered = render(dialect, data.draw(samples(dialect)))
    lenient = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0)
    strict = streamparse.parse(rendered.text, dialect, rendered.tools, id_seed=0, strict=True)
    assert strict == lenient
    parts = data.draw(pieces(rendered.text))
    assert streamed(dialect, parts, tools=rendered.tools, strict=True).tool_calls == lenient.tool_calls


def strict_outcome(dialect: str, parts: list[str]) -> tuple[int, str, int | None] | None:
    parser = StreamParser(dialect, strict=True)
    try:
        for part in parts:
            parser.feed(part)
        parser.finish()
    except MalformedCallError as error:
        return error.offset, error.expected, error.index
    return None


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_strict_raises_the_same_error_for_every_split(dialect: str, data: st.DataObject) -> None:
    markers = forbidden_in(dialect, "content")
    text = data.draw(
        st.lists(st.one_of(contents(max_size=8), st.sampled_from(markers or ("<",))), max_size=12).map(
            "".join
        )
    )
    whole = strict_outcome(dialect, [text])
    assert strict_outcome(dialect, data.draw(pieces(text))) == whole
    if whole is not None:
        offset, expected, _ = whole
        assert 0 <= offset <= len(text) and expected


@pytest.mark.parametrize(
    ("dialect", "text", "offset", "index", "expected"),
    [
        (
            "kimi_k2",
            "Hi<|tool_calls_section_begin|><|tool_call_begin|>not a name<|tool_call_end|>",
            30,
            None,
            "a function name",
        ),
        (
            "kimi_k2",
            "<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>"
            '{"a": <|tool_call_end|><|tool_calls_section_end|>',
            28,
            0,
            "a JSON object as call 0's arguments",
        ),
        ("hermes", 'Hi <tool_call>{"arguments": {}}</tool_call>', 14, None, 'a call object with a "name"'),
        ("hermes", '<tool_call>{"name": "f", "arguments": {"a": 1', 11, 0, "the end of call 0's arguments"),
        ("hermes", "<tool_call>oops</tool_call>", 0, None, "a tool call after the marker"),
        ("minimax_m1", "<tool_calls>\nnot json\n</tool_calls>", 0, None, "a tool call after the marker"),
        ("mistral", "[TOOL_CALLS]", 0, None, "a function name"),
    ],
)
def test_strict_errors_say_where_and_what(
    dialect: str, text: str, offset: int, index: int | None, expected: str
) -> None:
    with pytest.raises(MalformedCallError) as raised:
        streamparse.parse(text, dialect, strict=True)
    error = raised.value
    assert (error.offset, error.index, error.dialect) == (offset, index, dialect)
    assert error.expected.startswith(expected)
    assert str(offset) in str(error) and dialect in str(error)
    assert isinstance(error, streamparse.StreamParseError)


def test_strict_reports_truncation_instead_of_raising() -> None:
    text = '<tool_call>{"name": "f", "arguments": {"a": 1'
    result = streamparse.parse(text, "hermes", strict=True, finish_reason="length")
    assert [(p.index, p.kind) for p in result.problems] == [(0, "incomplete"), (0, "invalid_arguments")]


def test_content_that_only_looked_like_a_bare_call_is_not_an_error() -> None:
    # llama3_json: an output starting with "{" may be plain content; strict is about markup.
    assert streamparse.parse('{"not": "a call"}', "llama3_json", strict=True).content == '{"not": "a call"}'
