"""Golden cases for ``minicpm5`` (DIALECTS-MORE.md, group B §8): bare ``<function name=...>``
calls with ``<param name=...>`` values, CDATA sections in values.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

MINICPM = "minicpm5"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": properties}},
    }


def function(name: str, *pairs: tuple[str, str]) -> str:
    body = "".join(f'<param name="{key}">{value}</param>' for key, value in pairs)
    return f'<function name="{name}">{body}</function>'


def check(text: str, expect: Expect, tools: Any = None) -> None:
    check_case(MINICPM, text, expect, tools=tools)
    if tools is not None:
        return  # stream_summary gives no tools
    batch = streamparse.parse(text, MINICPM, id_seed=0)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(MINICPM, pieces) == expected, pieces


TOOLS = [
    tool("get_weather", {"city": {"type": "string"}, "unit": {"type": "string"}}),
    tool("search", {"query": {"type": "string"}, "top_k": {"type": "integer"}}),
    tool(
        "f",
        {"s": {"type": "string"}, "b": {"type": "boolean"}, "o": {"type": "object"}, "n": {"type": "null"}},
    ),
]
SPEC_EXAMPLE = (
    "<think>Two lookups.</think>I'll check both.\n"
    + function("get_weather", ("city", "Beijing"), ("unit", "celsius"))
    + function("search", ("query", "Shanghai metro hours"), ("top_k", "3"))
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
    # A CDATA section: its text is value text, close tags included; the markers are markup.
    "cdata_value": (
        function("f", ("s", "<![CDATA[line one\n<b>x</b> </param> ]]]>")),
        TOOLS,
        Expect(calls=(Call("f", args(s="line one\n<b>x</b> </param> ]")),)),
    ),
    "cdata_value_without_tools": (
        function("f", ("s", "<![CDATA[a </function> b]]>")),
        None,
        Expect(calls=(Call("f", args(s="a </function> b")),)),
    ),
    "cdata_cut_short": (
        '<function name="f"><param name="s"><![CDATA[a </param',
        None,
        Expect(calls=(Call("f", args(s="a </param")),)),
    ),
    # Single quotes as well as double.
    "single_quotes": (
        "<function name='f'><param name='k'>v</param></function>",
        None,
        Expect(calls=(Call("f", args(k="v")),)),
    ),
    # Python spellings where the schema allows them; Python literals where it wants an object.
    "python_literals_typed_by_schema": (
        function("f", ("b", "True"), ("n", "None"), ("o", "{'k': [1, None]}"), ("s", " 3 ")),
        TOOLS,
        Expect(calls=(Call("f", '{"b": true, "n": null, "o": {"k": [1, null]}, "s": "3"}'),)),
    ),
    "untyped_values_decoded_when_json": (
        function("g", ("n", "3"), ("o", '{"k": 1}'), ("w", "plain")),
        None,
        Expect(calls=(Call("g", '{"n": 3, "o": {"k": 1}, "w": "plain"}'),)),
    ),
    # Only <function name= opens a call: prose about HTML stays prose.
    "bare_function_tag_is_content": ("Use <function> tags.", None, Expect(content="Use <function> tags.")),
    "content_between_calls": (
        function("f") + " and " + function("g"),
        None,
        Expect(content=" and ", calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    "call_inside_reasoning_is_reasoning_text": (
        "<think>x " + function("f") + "</think>Hi",
        None,
        Expect(reasoning="x " + function("f"), content="Hi"),
    ),
    "missing_end_tags_at_end": (
        '<function name="f"><param name="a">Rome',
        None,
        Expect(calls=(Call("f", args(a="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_minicpm5_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check(text, expect, tools)
