"""Golden cases for Hunyuan ``hy_v3`` and ``hy_v4`` from DIALECTS-MORE.md §13: the example in
both spellings and each quirk listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

HY_V3, HY_V4 = "hy_v3", "hy_v4"
DIALECTS = (HY_V3, HY_V4)
WEATHER = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "int"}, "opts": {"type": "dict"}},
            },
        },
    }
]


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(
    dialect: str, text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False
) -> None:
    check_case(dialect, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:
        batch = streamparse.parse(text, dialect, id_seed=0, start_in_reasoning=start_in_reasoning)
        expected = summary(batch, with_incomplete=False)
        for cut in range(1, len(text)):
            pieces = [text[:cut], text[cut:]]
            assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def call(name: str, *pairs: tuple[str, str], sep: str = "<tool_sep>", newline: str = "\n") -> str:
    body = "".join(f"<arg_key>{k}</arg_key>{newline}<arg_value>{v}</arg_value>{newline}" for k, v in pairs)
    return f"<tool_call>{name}{sep}{newline}{body}</tool_call>{newline}"


def block(*calls: str, newline: str = "\n") -> str:
    return f"<tool_calls>{newline}" + "".join(calls) + "</tool_calls>"


SPEC_EXAMPLE = "I'll check both cities.\n" + block(
    call("get_weather", ("city", "Beijing")), call("get_weather", ("city", "Shanghai"))
)
SPEC_EXPECT = Expect(
    content="I'll check both cities.\n",
    calls=(Call("get_weather", args(city="Beijing")), Call("get_weather", args(city="Shanghai"))),
)


def test_the_spec_example_is_literal() -> None:
    assert SPEC_EXAMPLE == (
        "I'll check both cities.\n<tool_calls>\n<tool_call>get_weather<tool_sep>\n<arg_key>city</arg_key>\n"
        "<arg_value>Beijing</arg_value>\n</tool_call>\n<tool_call>get_weather<tool_sep>\n"
        "<arg_key>city</arg_key>\n<arg_value>Shanghai</arg_value>\n</tool_call>\n</tool_calls>"
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sep", ["<tool_sep>", ""], ids=["hy3_spelling", "hy4_spelling"])
def test_spec_example_in_both_spellings(dialect: str, sep: str) -> None:
    check(dialect, SPEC_EXAMPLE.replace("<tool_sep>", sep), SPEC_EXPECT)


def cases() -> dict[str, tuple[str, Any, Expect]]:
    return {
        "typed_by_schema_with_type_aliases": (
            block(call("get_weather", ("city", " Beijing "), ("days", "3"), ("opts", '{"a": 1}'))),
            WEATHER,
            Expect(calls=(Call("get_weather", '{"city": "Beijing", "days": 3, "opts": {"a": 1}}'),)),
        ),
        "untyped_json_is_decoded": (
            block(call("f", ("n", "12"), ("s", "twelve"), ("b", "true"))),
            None,
            Expect(calls=(Call("f", '{"n": 12, "s": "twelve", "b": true}'),)),
        ),
        "compact_layout": (
            block(call("f", ("a", "x"), newline=""), newline=""),
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "hy4_name_is_trimmed": (
            block("<tool_call> f \n<arg_key>a</arg_key><arg_value>x</arg_value></tool_call>"),
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "call_without_arguments": (block("<tool_call>f</tool_call>"), None, Expect(calls=(Call("f", "{}"),))),
        "text_after_the_block_is_content": (
            block(call("f")) + "\nDone.",
            None,
            Expect(content="\nDone.", calls=(Call("f", "{}"),)),
        ),
        "block_without_a_call_is_content": (
            "a <tool_calls> b</tool_calls> c",
            None,
            Expect(content="a <tool_calls> b</tool_calls> c"),
        ),
        "close_tag_inside_a_value": (
            block(call("f", ("a", "x</arg_value> y"))),
            None,
            Expect(calls=(Call("f", args(a="x</arg_value> y")),)),
        ),
        "missing_close_tags": (
            "<tool_calls><tool_call>f<tool_sep><arg_key>a</arg_key><arg_value>x",
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "missing_call_close_before_next_call": (
            block("<tool_call>f<tool_sep><arg_key>a</arg_key><arg_value>1</arg_value>\n" + call("g")),
            None,
            Expect(calls=(Call("f", '{"a": 1}'), Call("g", "{}"))),
        ),
        "suffixed_markers_are_content": (
            "<tool_calls:opensource>x</tool_calls:opensource>",
            None,
            Expect(content="<tool_calls:opensource>x</tool_calls:opensource>"),
        ),
    }


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(cases()))
def test_golden(dialect: str, name: str) -> None:
    text, tools, expect = cases()[name]
    check(dialect, text, expect, tools)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reasoning(dialect: str) -> None:
    check(
        dialect,
        "<think>plan</think>Hi" + block(call("f")),
        Expect(reasoning="plan", content="Hi", calls=(Call("f", "{}"),)),
    )
    # A block inside the reasoning is reasoning text, as in glm45.
    inside = "<think>plan " + block(call("f")) + "</think>Hi"
    check(dialect, inside, Expect(reasoning="plan " + block(call("f")), content="Hi"))
    check(dialect, "plan</think>Hi", Expect(reasoning="plan", content="Hi"), start_in_reasoning=True)


def test_a_string_value_streams_as_it_arrives() -> None:
    parser = streamparse.StreamParser(HY_V3, tools=WEATHER)
    parser.feed("<tool_calls>\n<tool_call>get_weather<tool_sep>\n<arg_key>city</arg_key>\n<arg_value>")
    delta = parser.feed("Beij")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "Beij"
