"""Golden cases for Beam (``beam``) from DIALECTS-MORE.md group B §19: the example and each quirk
listed there (harmony framing, the recipient as the name, ``rfl:`` parameters whose close tag is
optional, values between newlines typed by the schema).

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

BEAM = "beam"

# Harmony's special tokens, spelled out (the tests do not take them from the parser).
START, CHANNEL, MESSAGE = "<|start|>assistant", "<|channel|>", "<|message|>"
END, CALL, RETURN = "<|end|>", "<|call|>", "<|return|>"
ANALYSIS = CHANNEL + "analysis" + MESSAGE


def parameter(key: str, value: str, close: bool = True) -> str:
    return f'<rfl:parameter name="{key}">\n{value}\n' + ("</rfl:parameter>" if close else "")


def call(name: str, *parameters: str, first: bool = False, end: str = CALL) -> str:
    opening = "" if first else START
    return f"{opening} to={name}{CHANNEL}analysis <|constrain|>xml{MESSAGE}" + "".join(parameters) + end


def final(text: str) -> str:
    return f"{START}{CHANNEL}final{MESSAGE}{text}{RETURN}"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check_every_two_piece_split(text: str) -> None:
    expected = summary(streamparse.parse(text, BEAM, id_seed=0), with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(BEAM, pieces) == expected, pieces


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(BEAM, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None and not start_in_reasoning:
        check_every_two_piece_split(text)


SPEC_EXAMPLE = (
    ANALYSIS
    + "Two lookups."
    + END
    + call("get_weather", parameter("city", "Beijing"), parameter("unit", "celsius"))
    + call("search", parameter("query", "Shanghai metro hours"), parameter("top_k", "3"))
)
TOOLS = [
    {
        "name": "search",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "top_k": {"type": "integer"}},
        },
    },
    {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
]


def test_the_spec_example_is_literal() -> None:
    literal = (
        "<|channel|>analysis<|message|>Two lookups.<|end|><|start|>assistant to=get_weather<|channel|>analysis "
        '<|constrain|>xml<|message|><rfl:parameter name="city">\nBeijing\n</rfl:parameter><rfl:parameter name="unit">\n'
        "celsius\n</rfl:parameter><|call|><|start|>assistant to=search<|channel|>analysis <|constrain|>xml<|message|>"
        '<rfl:parameter name="query">\nShanghai metro hours\n</rfl:parameter><rfl:parameter name="top_k">\n3\n'
        "</rfl:parameter><|call|>"
    )
    assert SPEC_EXAMPLE == literal


def test_spec_example() -> None:
    weather = Call("get_weather", args(city="Beijing", unit="celsius"))
    # Without tools every value is text; with them, top_k is an integer.
    check(
        SPEC_EXAMPLE,
        Expect(
            reasoning="Two lookups.",
            calls=(weather, Call("search", args(query="Shanghai metro hours", top_k="3"))),
        ),
    )
    check(
        SPEC_EXAMPLE,
        Expect(
            reasoning="Two lookups.",
            calls=(weather, Call("search", args(query="Shanghai metro hours", top_k=3))),
        ),
        TOOLS,
    )


F = (Call("f", args(k="v")),)


def cases() -> dict[str, tuple[str, Expect]]:
    return {
        "final_answer": (ANALYSIS + "plan" + END + final("Done."), Expect(reasoning="plan", content="Done.")),
        "call_then_final": (
            call("f", parameter("k", "v"), first=True) + final("Sent."),
            Expect(content="Sent.", calls=F),
        ),
        # A call ended by <|end|><|start|>assistant, as the template allows.
        "call_ended_by_end": (
            call("f", parameter("k", "v"), first=True, end=END) + final("ok"),
            Expect(content="ok", calls=F),
        ),
        # The close tag is optional before the next parameter and the end of the message.
        "close_tag_missing_before_next": (
            call("f", parameter("a", "1", close=False), parameter("b", "2", close=False), first=True),
            Expect(calls=(Call("f", args(a="1", b="2")),)),
        ),
        "recipient_in_the_channel_part": (
            f"{CHANNEL}analysis to=f <|constrain|>xml{MESSAGE}" + parameter("k", "v") + CALL,
            Expect(calls=F),
        ),
        "no_parameters": (call("f", first=True), Expect(calls=(Call("f", "{}"),))),
        # One newline on each side is markup; the rest of the value is kept.
        "multiline_value": (
            call("f", parameter("k", " line 1\nline 2 "), first=True),
            Expect(calls=(Call("f", args(k=" line 1\nline 2 ")),)),
        ),
        # A close tag followed by text is part of the value.
        "close_tag_inside_value": (
            call("f", parameter("k", "a</rfl:parameter>b"), first=True),
            Expect(calls=(Call("f", args(k="a</rfl:parameter>b")),)),
        ),
        # Text after a close tag that is neither a parameter nor the end: the tag was value text.
        "text_after_a_close_tag": (
            call("f", parameter("k", "v"), "note", first=True),
            Expect(calls=(Call("f", args(k="v\n</rfl:parameter>note")),)),
        ),
        "malformed_header_is_content": (
            f"{START} to=a to=b{CHANNEL}analysis{MESSAGE}x{CALL}",
            Expect(content=f"{START} to=a to=b{CHANNEL}analysis{MESSAGE}x"),
        ),
        "no_header": ("Plain text.", Expect(content="Plain text.")),
    }


@pytest.mark.parametrize("name", list(cases()))
def test_cases(name: str) -> None:
    text, expect = cases()[name]
    check(text, expect)


def test_prompt_opened_analysis() -> None:
    check(
        "plan" + END + call("f", parameter("k", "v")),
        Expect(reasoning="plan", calls=F),
        start_in_reasoning=True,
    )


def test_a_string_value_is_streamed_as_it_arrives() -> None:
    parser = streamparse.StreamParser(BEAM, tools=TOOLS)
    parser.feed(f" to=search{CHANNEL}analysis <|constrain|>xml{MESSAGE}" + '<rfl:parameter name="query">\n')
    delta = parser.feed("metro hou")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "metro hou"
