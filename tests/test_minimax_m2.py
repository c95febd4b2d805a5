"""Golden cases for ``minimax_m2`` from DIALECTS.md §11 and "Schema-typed values".

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), with the tools given.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse

MINIMAX = "minimax_m2"


def tool(name: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "parameters": {"type": "object", "properties": properties or {}}}


WEATHER = [tool("get_weather", {"city": {"type": "string"}, "days": {"type": "integer"}})]
TYPED = [
    tool(
        "f",
        {
            "s": {"type": "string"},
            "i": {"type": "integer"},
            "b": {"type": "boolean"},
            "o": {"type": "object"},
            "a": {"type": "array"},
            "opt": {"type": ["string", "null"]},
            "n": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        },
    )
]


def invoke(name: str, *parameters: tuple[str, str]) -> str:
    body = "".join(f'<parameter name="{key}">{value}</parameter>\n' for key, value in parameters)
    return f'<invoke name="{name}">\n{body}</invoke>\n'


def block(*invokes: str) -> str:
    return "<minimax:tool_call>\n" + "".join(invokes) + "</minimax:tool_call>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


CASES: dict[str, tuple[str, Any, Expect]] = {
    # The literal example of §11.
    "two_parallel_calls": (
        "<think>\nTwo lookups.\n</think>\n\n"
        + block(invoke("get_weather", ("city", "Beijing")), invoke("get_weather", ("city", "Shanghai"))),
        WEATHER,
        Expect(
            reasoning="\nTwo lookups.\n",
            content="\n\n",
            calls=(Call("get_weather", args(city="Beijing")), Call("get_weather", args(city="Shanghai"))),
        ),
    ),
    "typed_by_schema": (
        block(invoke("get_weather", ("city", "  Oslo "), ("days", " 3 "))),
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Oslo", days=3)),)),
    ),
    "no_tools_values_stay_strings": (
        block(invoke("get_weather", ("city", "Oslo"), ("days", "3"))),
        None,
        Expect(calls=(Call("get_weather", args(city="Oslo", days="3")),)),
    ),
    # MiniMax's reference parser reads 1/0/yes/no as booleans and None/nil as null.
    "minimax_words": (
        block(
            invoke("f", ("b", "yes"), ("b", "0"), ("opt", "nil"), ("n", "None"), ("s", "nil"), ("i", "null"))
        ),
        TYPED,
        Expect(calls=(Call("f", '{"b": true, "b": false, "opt": null, "n": null, "s": "nil", "i": null}'),)),
    ),
    "json_values": (
        block(invoke("f", ("o", '{"k": [1, {"x": null}]}'), ("a", "[true, 2.5]"), ("n", "-1e-3"))),
        TYPED,
        Expect(calls=(Call("f", '{"o": {"k": [1, {"x": null}]}, "a": [true, 2.5], "n": -1e-3}'),)),
    ),
    "strings_that_look_typed": (
        block(invoke("f", ("s", "00123"), ("s", "true"), ("s", "[1]"))),
        TYPED,
        Expect(calls=(Call("f", '{"s": "00123", "s": "true", "s": "[1]"}'),)),
    ),
    "single_quoted_names": (
        "<minimax:tool_call>\n<invoke name='get_weather'>\n<parameter name='city'>Rome</parameter>\n</invoke>\n"
        "</minimax:tool_call>",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "zero_parameter_invoke": (
        block('<invoke name="now">\n</invoke>\n'),
        [tool("now")],
        Expect(calls=(Call("now", "{}"),)),
    ),
    # A later invoke's parameter of the same name belongs to that invoke only.
    "same_parameter_in_two_invokes": (
        block(invoke("get_weather", ("city", "A")) + invoke("get_weather", ("city", "B"), ("days", "2"))),
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="A")), Call("get_weather", args(city="B", days=2)))),
    ),
    "value_with_tags_inside": (
        block(invoke("f", ("s", "<b>x</b> </parameter> y </parameter"))),
        TYPED,
        Expect(calls=(Call("f", args(s="<b>x</b> </parameter> y </parameter")),)),
    ),
    "multi_line_value": (
        block(invoke("f", ("s", "\nline 1\n  line 2\n"))),
        TYPED,
        Expect(calls=(Call("f", args(s="line 1\n  line 2")),)),
    ),
    # An invalid name (no quotes closed before a tag) does not swallow the next invoke.
    "broken_invoke_then_good_one": (
        block(
            '<invoke name="bad<parameter name="x">1</parameter>\n</invoke>\n'
            + invoke("get_weather", ("city", "Rome"))
        ),
        WEATHER,
        Expect(
            content='<invoke name="bad<parameter name="x">1</parameter>\n</invoke>',
            calls=(Call("get_weather", args(city="Rome")),),
        ),
    ),
    "several_invokes_in_one_piece": (
        "x" + block(invoke("a"), invoke("b"), invoke("c")),
        None,
        Expect(content="x", calls=(Call("a", "{}"), Call("b", "{}"), Call("c", "{}"))),
    ),
    # Rule 2: null (any case) is null for a string too; None/nil only where null is allowed.
    "null_in_a_string_value": (
        block(invoke("f", ("s", " NULL "), ("s", "nil"), ("s", "none"), ("s", "nul l"), ("s", "null\nnull"))),
        TYPED,
        Expect(calls=(Call("f", '{"s": null, "s": "nil", "s": "none", "s": "nul l", "s": "null\\nnull"}'),)),
    ),
    # MiniMax-M2 served with M1's template writes M1's block (MiniMax-AI/MiniMax-M2#14).
    "m1_block": (
        "<think>\nTwo cities.\n</think>\n<tool_calls>\n"
        '{"name": "get_weather", "arguments": {"city": "Beijing", "days": 3}}\n'
        '{"name": "get_weather", "arguments": {"city": "Shanghai"}}\n'
        "</tool_calls>",
        WEATHER,
        Expect(
            reasoning="\nTwo cities.\n",
            content="\n",
            calls=(
                Call("get_weather", '{"city": "Beijing", "days": 3}'),
                Call("get_weather", '{"city": "Shanghai"}'),
            ),
        ),
    ),
    "m1_block_pretty_printed_and_unclosed": (
        '<tool_calls>\n{\n  "name": "f",\n  "arguments": {"s": "x"}\n}',
        TYPED,
        Expect(calls=(Call("f", '{"s": "x"}'),)),
    ),
    "m1_block_without_a_call_is_content": (
        "<tool_calls>\nnot a call\n</tool_calls> and {braces}",
        None,
        Expect(content="<tool_calls>\nnot a call\n</tool_calls> and {braces}"),
    ),
    "m1_block_in_reasoning_is_reasoning": (
        '<think>I could write <tool_calls>{"name": "f"}</tool_calls> here.</think>Done.',
        None,
        Expect(reasoning='I could write <tool_calls>{"name": "f"}</tool_calls> here.', content="Done."),
    ),
    "block_without_invoke_is_content": (
        "<minimax:tool_call>\nnothing\n</minimax:tool_call>",
        None,
        Expect(content="<minimax:tool_call>\nnothing\n</minimax:tool_call>"),
    ),
    "missing_closing_tags_at_end": (
        '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Rome',
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_minimax_m2_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check_case(MINIMAX, text, expect, tools=tools)


def test_prompt_opened_reasoning() -> None:
    text = "Plan: look it up.\n</think>\n\n" + block(invoke("get_weather", ("city", "Rome")))
    result = streamparse.parse(text, MINIMAX, WEATHER, start_in_reasoning=True)
    assert result.reasoning_content == "Plan: look it up.\n"
    assert result.content == "\n\n"
    assert [c.function.arguments for c in result.tool_calls] == [args(city="Rome")]
