"""Golden cases for ``mimo`` (Xiaomi MiMo) from DIALECTS-MORE.md §12: qwen3_coder's XML with
values kept verbatim.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

MIMO = "mimo"


def tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": properties}},
    }


WEATHER = [tool("get_weather", {"city": {"type": "string"}, "days": {"type": "integer"}})]


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def block(name: str, *parameters: tuple[str, str]) -> str:
    """A call as MiMo's template writes it: no newlines inside the block."""
    body = "".join(f"<parameter={key}>{value}</parameter>" for key, value in parameters)
    return f"<tool_call><function={name}>{body}</function></tool_call>"


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(MIMO, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:
        batch = streamparse.parse(text, MIMO, id_seed=0, start_in_reasoning=start_in_reasoning)
        expected = summary(batch, with_incomplete=False)
        for cut in range(1, len(text)):
            pieces = [text[:cut], text[cut:]]
            assert stream_summary(MIMO, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


SPEC_EXAMPLE = (
    "<think>Two cities.</think>I'll check both.\n"
    + block("get_weather", ("city", "Beijing"), ("days", "3"))
    + "\n"
    + block("get_weather", ("city", "Shanghai"))
)

# (text, tools, expectation)
CASES: dict[str, tuple[str, Any, Expect]] = {
    "spec_example": (
        SPEC_EXAMPLE,
        WEATHER,
        Expect(
            reasoning="Two cities.",
            content="I'll check both.\n\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    ),
    # The quirk: qwen3_coder's newline layout keeps its newlines in a string value.
    "newlines_are_kept": (
        "<tool_call>\n<function=get_weather>\n<parameter=city>\nBeijing\n</parameter>\n</function>\n</tool_call>",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="\nBeijing\n")),)),
    ),
    "spaces_are_kept": (
        block("get_weather", ("city", "  Bei jing \t")),
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="  Bei jing \t")),)),
    ),
    # Typed values are typed by the schema whatever whitespace surrounds them.
    "typed_value_with_whitespace": (
        block("get_weather", ("days", "\n3\n")),
        WEATHER,
        Expect(calls=(Call("get_weather", args(days=3)),)),
    ),
    "untyped_value_stays_a_verbatim_string": (
        block("f", ("a", " 1\n")),
        None,
        Expect(calls=(Call("f", args(a=" 1\n")),)),
    ),
    # vLLM and the template do not unescape HTML entities (SGLang does).
    "html_entities_stay": (
        block("f", ("a", "x &lt; y &amp;&amp; z")),
        None,
        Expect(calls=(Call("f", args(a="x &lt; y &amp;&amp; z")),)),
    ),
    "null_is_null_as_in_qwen3_coder": (
        block("get_weather", ("city", "null")),
        WEATHER,
        Expect(calls=(Call("get_weather", '{"city": null}'),)),
    ),
    "close_tag_inside_a_value": (
        block("f", ("a", "x</parameter> y")),
        None,
        Expect(calls=(Call("f", args(a="x</parameter> y")),)),
    ),
    "no_parameters": (block("f"), None, Expect(calls=(Call("f", "{}"),))),
    "missing_close_tags": (
        "<tool_call><function=f><parameter=a>v ",
        None,
        Expect(calls=(Call("f", args(a="v ")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mimo_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check(text, expect, tools)


def test_a_string_value_streams_as_it_arrives() -> None:
    parser = streamparse.StreamParser(MIMO, tools=WEATHER)
    parser.feed("<tool_call><function=get_weather><parameter=city>")
    delta = parser.feed("\nBei")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == '"\\nBei'


def test_prompt_opened_reasoning() -> None:
    text = "Two cities.</think>" + block("f", ("a", "1"))
    check(text, Expect(reasoning="Two cities.", calls=(Call("f", args(a="1")),)), start_in_reasoning=True)


def test_a_call_before_think_close_ends_the_reasoning() -> None:
    check("<think>plan " + block("f"), Expect(reasoning="plan ", calls=(Call("f", "{}"),)))
