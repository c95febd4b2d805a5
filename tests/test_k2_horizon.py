"""Golden cases for ``k2_horizon`` (MBZUAI IFM K2 Horizon) from DIALECTS-MORE.md §3: the example,
the three bodies, the three reasoning tag pairs and each quirk listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

K2 = "k2_horizon"
GROUP = ("<ifm|tool_calls>", "</ifm|tool_calls>")
WEATHER = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            },
        },
    }
]


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(K2, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:
        batch = streamparse.parse(text, K2, id_seed=0, start_in_reasoning=start_in_reasoning)
        expected = summary(batch, with_incomplete=False)
        for cut in range(1, len(text)):
            pieces = [text[:cut], text[cut:]]
            assert stream_summary(K2, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def pair(key: str, value: str, declared: str | None = None) -> str:
    typed = f"<ifm|arg_type>{declared}</ifm|arg_type>" if declared is not None else ""
    return f"<ifm|arg_key>{key}</ifm|arg_key>{typed}<ifm|arg_value>{value}</ifm|arg_value>"


def call(body: str) -> str:
    return f"<ifm|tool_call>{body}</ifm|tool_call>\n"


def group(*calls: str) -> str:
    return GROUP[0] + "\n" + "".join(calls) + GROUP[1]


SPEC_EXAMPLE = "I'll check both cities.\n" + group(
    call("get_weather" + pair("city", "Beijing") + pair("days", "3")),
    call("get_weather" + pair("city", "Shanghai")),
)


def test_the_spec_example_is_literal() -> None:
    assert SPEC_EXAMPLE == (
        "I'll check both cities.\n<ifm|tool_calls>\n<ifm|tool_call>get_weather<ifm|arg_key>city</ifm|arg_key>"
        "<ifm|arg_value>Beijing</ifm|arg_value><ifm|arg_key>days</ifm|arg_key><ifm|arg_value>3</ifm|arg_value>"
        "</ifm|tool_call>\n<ifm|tool_call>get_weather<ifm|arg_key>city</ifm|arg_key>"
        "<ifm|arg_value>Shanghai</ifm|arg_value></ifm|tool_call>\n</ifm|tool_calls>"
    )


CASES: dict[str, tuple[str, Any, Expect]] = {
    "spec_example_typed_by_schema": (
        SPEC_EXAMPLE,
        WEATHER,
        Expect(
            content="I'll check both cities.\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    ),
    "spec_example_untyped_json_is_decoded": (
        SPEC_EXAMPLE,
        None,
        Expect(
            content="I'll check both cities.\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    ),
    # xml_typed: the declared type wins over the schema.
    "xml_typed_body": (
        group(
            call(
                "get_weather"
                + pair("city", "3", "string")
                + pair("days", "[1, 2]", "array[integer]")
                + pair("x", '{"a": null}', "any")
                + pair("y", "not json", "integer")
            )
        ),
        WEATHER,
        Expect(
            calls=(Call("get_weather", '{"city": "3", "days": [1, 2], "x": {"a": null}, "y": "not json"}'),)
        ),
    ),
    "json_body": (
        group(
            call('{"name": "get_weather", "arguments": {"city": "Beijing", "days": 3}}'),
            call('{"name": "f", "arguments": {}}'),
        ),
        None,
        Expect(calls=(Call("get_weather", '{"city": "Beijing", "days": 3}'), Call("f", "{}"))),
    ),
    "bodies_mixed_in_one_group": (
        group(call("f" + pair("a", "x")), call('{"name": "g", "arguments": {"b": 1}}')),
        None,
        Expect(calls=(Call("f", args(a="x")), Call("g", '{"b": 1}'))),
    ),
    "call_without_arguments": (group(call("f")), None, Expect(calls=(Call("f", "{}"),))),
    "name_is_trimmed": (
        group(call("\n f \n" + pair("a", "x"))),
        None,
        Expect(calls=(Call("f", args(a="x")),)),
    ),
    "text_after_the_group_is_content": (
        group(call("f")) + " done",
        None,
        Expect(content=" done", calls=(Call("f", "{}"),)),
    ),
    "group_without_a_call_is_content": (
        "a" + GROUP[0] + "none" + GROUP[1] + "b",
        None,
        Expect(content="a" + GROUP[0] + "none" + GROUP[1] + "b"),
    ),
    "object_that_is_not_a_call_is_content": (
        GROUP[0] + "<ifm|tool_call>{nope}</ifm|tool_call>" + GROUP[1],
        None,
        Expect(content=GROUP[0] + "<ifm|tool_call>{nope}</ifm|tool_call>" + GROUP[1]),
    ),
    "close_tag_inside_a_value": (
        group(call("f" + pair("a", "x</ifm|arg_value> y"))),
        None,
        Expect(calls=(Call("f", args(a="x</ifm|arg_value> y")),)),
    ),
    "missing_close_tags": (
        GROUP[0] + "<ifm|tool_call>f<ifm|arg_key>a</ifm|arg_key><ifm|arg_value>x",
        None,
        Expect(calls=(Call("f", args(a="x")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_k2_horizon_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check(text, expect, tools)


@pytest.mark.parametrize("think", ["think", "think_fast", "think_faster"])
def test_the_three_reasoning_tag_pairs(think: str) -> None:
    check(f"<ifm|{think}>plan</ifm|{think}>Hi", Expect(reasoning="plan", content="Hi"))
    check(f"plan</ifm|{think}>Hi", Expect(reasoning="plan", content="Hi"), start_in_reasoning=True)


def test_the_group_opener_ends_the_reasoning() -> None:
    text = "plan " + group(call("f"))
    check(text, Expect(reasoning="plan ", calls=(Call("f", "{}"),)), start_in_reasoning=True)


def test_a_declared_string_streams_as_it_arrives() -> None:
    parser = streamparse.StreamParser(K2)
    parser.feed(
        GROUP[0]
        + "<ifm|tool_call>f<ifm|arg_key>a</ifm|arg_key><ifm|arg_type>string</ifm|arg_type><ifm|arg_value>"
    )
    delta = parser.feed("hello wor")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "hello wor"
