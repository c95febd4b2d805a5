"""Golden cases for ``plamo3`` (DIALECTS-MORE.md, group B §18): multi-token text markers
``<|plamo:...|>``, JSON arguments, the tool-requests opener ends the reasoning.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces. The prompt
opened the reasoning (``start_in_reasoning=True``) unless a case says otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, check_case_and_every_cut, stream_summary, summary

import streamparse

PLAMO = "plamo3"
CONSTRAIN = "<|plamo:constrain|>json<|plamo:msg|>"
TAG = "<|plamo:tag|>"


def begin(word: str) -> str:
    return f"<|plamo:begin_{word}:plamo|>"


def end(word: str) -> str:
    return f"<|plamo:end_{word}:plamo|>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def request(name: str, arguments: str) -> str:
    return (
        begin("tool_request")
        + begin("tool_name")
        + name
        + end("tool_name")
        + begin("tool_arguments")
        + CONSTRAIN
        + arguments
        + end("tool_arguments")
        + end("tool_request")
    )


def requests(*calls: str) -> str:
    return begin("tool_requests") + "".join(calls) + end("tool_requests")


def check(text: str, expect: Expect, start_in_reasoning: bool = True) -> None:
    check_case(PLAMO, text, expect, start_in_reasoning=start_in_reasoning)
    batch = streamparse.parse(text, PLAMO, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(PLAMO, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


WEATHER = args(city="Beijing", unit="celsius")
SEARCH = args(query="Shanghai metro hours", top_k=3)

CASES: dict[str, tuple[str, Expect]] = {
    # The example of the spec, as written (the prompt opened the reasoning).
    "spec_example": (
        "Two lookups."
        + end("think")
        + "I'll check both."
        + requests(request("get_weather", WEATHER), request("search", SEARCH)),
        Expect(
            reasoning="Two lookups.",
            content="I'll check both.",
            calls=(Call("get_weather", WEATHER), Call("search", SEARCH)),
        ),
    ),
    # The opener ends the reasoning when the model skips end_think.
    "requests_opener_ends_reasoning": (
        "Two lookups." + requests(request("f", "{}")),
        Expect(reasoning="Two lookups.", calls=(Call("f", "{}"),)),
    ),
    # Markers inside a JSON string are string text.
    "markers_inside_a_string": (
        end("think") + requests(request("f", args(s=end("tool_arguments") + TAG))),
        Expect(calls=(Call("f", args(s=end("tool_arguments") + TAG)),)),
    ),
    "end_of_turn_is_markup": (end("think") + "Hi." + TAG, Expect(content="Hi.")),
    "no_arguments_part": (
        end("think")
        + requests(
            begin("tool_request") + begin("tool_name") + "now" + end("tool_name") + end("tool_request")
        ),
        Expect(calls=(Call("now", "{}"),)),
    ),
    # The name's end marker missing: the arguments' opener ends the name.
    "name_end_missing": (
        end("think")
        + requests(
            begin("tool_request")
            + begin("tool_name")
            + "f"
            + begin("tool_arguments")
            + CONSTRAIN
            + "{}"
            + end("tool_request")
        ),
        Expect(calls=(Call("f", "{}"),)),
    ),
    "arguments_that_are_not_json_pass_as_written": (
        end("think") + requests(request("f", "city=Rome")),
        Expect(calls=(Call("f", "city=Rome"),), problems=((0, "invalid_arguments"),)),
    ),
    "block_without_call_is_content": (
        end("think") + requests("oops"),
        Expect(content=requests("oops")),
    ),
    "call_cut_short": (
        end("think")
        + begin("tool_requests")
        + begin("tool_request")
        + begin("tool_name")
        + "f"
        + end("tool_name")
        + begin("tool_arguments")
        + CONSTRAIN
        + '{"a": "Ro',
        Expect(
            calls=(Call("f", '{"a": "Ro'),), incomplete=frozenset({0}), problems=((0, "invalid_arguments"),)
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plamo3_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_thinking_off() -> None:
    check(
        "Sure." + requests(request("f", args(a=1))),
        Expect(content="Sure.", calls=(Call("f", args(a=1)),)),
        start_in_reasoning=False,
    )
    # A marker cut into its tokens is still held until it is known.
    check("a <|plamo:begin_to b", Expect(content="a <|plamo:begin_to b"), start_in_reasoning=False)


def test_text_between_the_request_marker_and_the_name_marker_means_no_call() -> None:
    # Found by `streamparse fuzz` (arbitrary text): the "0" before the name marker used to vanish.
    text = "<|plamo:begin_tool_request:plamo|>0<|plamo:begin_tool_name:plamo|>f<|plamo:end_tool_name:plamo|>"
    check_case_and_every_cut("plamo3", text, Expect(content=text))
