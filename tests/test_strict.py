"""Strict mode (``strict=True``): after an error the parser is finished; where the offsets point."""

from __future__ import annotations

import pytest

import streamparse
from streamparse import MalformedCallError, StreamParser, UsageError

BAD_HERMES = '<tool_call>{"name": "f", "arguments": "x"}</tool_call>'


@pytest.mark.parametrize("cut", [len(BAD_HERMES), 20, 45])
def test_a_strict_parser_that_raised_is_finished(cut: int) -> None:
    parser = StreamParser("hermes", strict=True)
    with pytest.raises(MalformedCallError) as raised:
        parser.feed(BAD_HERMES[:cut])
        parser.feed(BAD_HERMES[cut:])
        parser.finish()
    error = raised.value
    # Whatever comes next is refused with the fix named, not parsed from an undefined state.
    for again in (lambda: parser.feed("more text"), parser.finish, lambda: parser.feed_events("x")):
        with pytest.raises(UsageError, match="create a new StreamParser") as refused:
            again()
        assert str(error) in str(refused.value)
    assert parser.finish_reason is None and not parser.finished


def test_a_strict_parser_that_raised_in_finish_is_finished() -> None:
    parser = StreamParser("hermes", strict=True)
    parser.feed('<tool_call>{"name": "f", "arguments": {"a": 1')
    with pytest.raises(MalformedCallError):
        parser.finish()
    assert parser.finish_reason is None
    with pytest.raises(UsageError, match="strict parser raised MalformedCallError"):
        parser.finish()
    with pytest.raises(UsageError, match="create a new StreamParser"):
        parser.feed("}}</tool_call>")


def test_a_strict_parser_that_raised_on_a_flag_is_finished() -> None:
    parser = StreamParser("pythonic", strict=True)
    with pytest.raises(MalformedCallError, match="surrogate"):
        parser.feed("[f(a='\\ud83d')]")
    with pytest.raises(UsageError, match="create a new StreamParser"):
        parser.feed(" ")


def test_a_new_parser_reads_the_next_response() -> None:
    with pytest.raises(MalformedCallError):
        streamparse.parse(BAD_HERMES, "hermes", strict=True)
    good = '<tool_call>{"name": "f", "arguments": {}}</tool_call>'
    assert streamparse.parse(good, "hermes", strict=True).tool_calls[0].function.name == "f"


# Where the offset points when the call is inside a wrapper: at the markup of the call itself (its own
# begin marker, or its call object's "{"), since a wrapper may hold several calls and the offset is to
# find the bad one; only a wrapper whose marker nothing call-like followed is reported at the wrapper.
SECTION = "<|tool_calls_section_begin|>"
CALL = "<|tool_call_begin|>"
ARGS = "<|tool_call_argument_begin|>"
END = "<|tool_call_end|>"
WRAPPED = [
    # kimi_k2: the section wraps the calls; each call has its own begin marker.
    ("kimi_k2", "Hi" + SECTION + CALL + "not a name" + END, CALL + "not a name", None),
    (
        "kimi_k2",
        "Hi"
        + SECTION
        + CALL
        + "functions.f:0"
        + ARGS
        + "{}"
        + END
        + CALL
        + "functions.g:1"
        + ARGS
        + '{"a": '
        + END,
        CALL + "functions.g:1",
        1,
    ),
    ("kimi_k2", "Hi" + SECTION + "oops<|tool_calls_section_end|>", SECTION + "oops", None),
    # minimax_m1: <tool_calls> wraps call objects, one a line: the offset is the object's "{".
    (
        "minimax_m1",
        'Hi <tool_calls>\n{"name": "f", "arguments": {}}\n{"arguments": {}}\n</tool_calls>',
        '{"arguments": {}}',
        None,
    ),
    ("minimax_m1", 'Hi <tool_calls>\n{"name": "f", "arguments": {"a": }}\n</tool_calls>', '{"name": "f"', 0),
    ("minimax_m1", "Hi <tool_calls>\nnot json\n</tool_calls>", "<tool_calls>\nnot json", None),
    # hermes: the same rule; its tag holds one call object, whose "{" is where the call starts.
    ("hermes", 'Hi <tool_call>\n{"arguments": {}}\n</tool_call>', '{"arguments"', None),
    ("hermes", "Hi <tool_call>oops</tool_call>", "<tool_call>oops", None),
]


@pytest.mark.parametrize(("dialect", "text", "at", "index"), WRAPPED)
def test_offsets_inside_a_wrapper_point_at_the_call(
    dialect: str, text: str, at: str, index: int | None
) -> None:
    with pytest.raises(MalformedCallError) as raised:
        streamparse.parse(text, dialect, strict=True)
    error = raised.value
    assert text[error.offset :].startswith(at), text[error.offset :]
    assert error.index == index
    for cut in range(1, len(text)):
        parser = StreamParser(dialect, strict=True)
        with pytest.raises(MalformedCallError) as raised:
            parser.feed(text[:cut])
            parser.feed(text[cut:])
            parser.finish()
        assert (raised.value.offset, raised.value.index) == (error.offset, index), cut
