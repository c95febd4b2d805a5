"""Golden cases for ``dots`` (DIALECTS-MORE.md, group B §10): minimax_m2's invokes in
``<dots_function_call>`` blocks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

DOTS = "dots"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": properties}},
    }


def invoke(name: str, *pairs: tuple[str, str]) -> str:
    body = "".join(f'<parameter name="{key}">{value}</parameter>\n' for key, value in pairs)
    return f'<invoke name="{name}">\n{body}</invoke>\n'


def block(*invokes: str) -> str:
    return "<dots_function_call>\n" + "".join(invokes) + "</dots_function_call>"


def check(text: str, expect: Expect, tools: Any = None) -> None:
    check_case(DOTS, text, expect, tools=tools)
    if tools is not None:
        return  # stream_summary gives no tools
    batch = streamparse.parse(text, DOTS, id_seed=0)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(DOTS, pieces) == expected, pieces


TOOLS = [
    tool("get_weather", {"city": {"type": "string"}, "unit": {"type": "string"}}),
    tool("search", {"query": {"type": "string"}, "top_k": {"type": "integer"}}),
]
SPEC_EXAMPLE = "<think>Two lookups.</think>I'll check both.\n" + block(
    invoke("get_weather", ("city", "Beijing"), ("unit", "celsius")),
    invoke("search", ("query", "Shanghai metro hours"), ("top_k", "3")),
)
SPEC_CALLS = (
    Call("get_weather", args(city="Beijing", unit="celsius")),
    Call("search", args(query="Shanghai metro hours", top_k=3)),
)

CASES: dict[str, tuple[str, Any, Expect]] = {
    "spec_example": (
        SPEC_EXAMPLE,
        TOOLS,
        Expect(reasoning="Two lookups.", content="I'll check both.\n", calls=SPEC_CALLS),
    ),
    "spec_example_without_tools": (
        SPEC_EXAMPLE,
        None,
        Expect(reasoning="Two lookups.", content="I'll check both.\n", calls=SPEC_CALLS),
    ),
    # The name may be quoted either way, or not at all.
    "unquoted_and_single_quoted_names": (
        block(
            "<invoke name=f>\n</invoke>\n",
            "<invoke name='g'>\n<parameter name='k'>v</parameter>\n</invoke>\n",
        ),
        None,
        Expect(calls=(Call("f", "{}"), Call("g", args(k="v")))),
    ),
    "several_blocks": (
        block(invoke("f", ("a", "1"))) + "\n" + block(invoke("g")),
        None,
        Expect(content="\n", calls=(Call("f", args(a=1)), Call("g", "{}"))),
    ),
    # Values lose their surrounding whitespace; null is null whatever the schema.
    "values_stripped_and_null": (
        block(invoke("get_weather", ("city", "  Rome \n"), ("unit", "null"))),
        TOOLS,
        Expect(calls=(Call("get_weather", args(city="Rome", unit=None)),)),
    ),
    "untyped_values_decoded_when_json": (
        block(invoke("f", ("n", "3"), ("o", '{"k": [1]}'), ("s", "plain text"), ("b", "true"))),
        None,
        Expect(calls=(Call("f", '{"n": 3, "o": {"k": [1]}, "s": "plain text", "b": true}'),)),
    ),
    # The engines' fallback: a JSON call object directly in the block.
    "json_object_in_the_block": (
        '<dots_function_call>\n{"name": "f", "parameters": {"a": 1}}\n</dots_function_call>',
        None,
        Expect(calls=(Call("f", args(a=1)),)),
    ),
    "block_without_call_is_content": (
        "<dots_function_call>\nnothing\n</dots_function_call>",
        None,
        Expect(content="<dots_function_call>\nnothing\n</dots_function_call>"),
    ),
    "close_tag_inside_value": (
        block(invoke("f", ("s", "a</parameter>b"))),
        None,
        Expect(calls=(Call("f", args(s="a</parameter>b")),)),
    ),
    "block_inside_reasoning_is_reasoning_text": (
        "<think>x " + block(invoke("f")) + "</think>Hi",
        None,
        Expect(reasoning="x " + block(invoke("f")), content="Hi"),
    ),
    "missing_end_tags_at_end": (
        '<dots_function_call>\n<invoke name="f">\n<parameter name="a">Rome',
        None,
        Expect(calls=(Call("f", args(a="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_dots_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check(text, expect, tools)
