"""Golden cases for ``iquest_q1`` (DIALECTS-MORE.md, group B §16): GLM-4.7's calls in
``<iquest_tool_call>`` blocks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces. The prompt
opened ``<think>`` (``start_in_reasoning=True``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

IQUEST = "iquest_q1"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def call(name: str, *pairs: tuple[str, str]) -> str:
    body = "".join(f"<arg_key>{key}</arg_key><arg_value>{value}</arg_value>" for key, value in pairs)
    return f"<iquest_tool_call>{name}{body}</iquest_tool_call>"


def check(text: str, expect: Expect, start_in_reasoning: bool = True) -> None:
    check_case(IQUEST, text, expect, start_in_reasoning=start_in_reasoning)
    batch = streamparse.parse(text, IQUEST, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(IQUEST, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        "Two lookups.</think>I'll check both.\n"
        + call("get_weather", ("city", "Beijing"), ("unit", "celsius"))
        + call("search", ("query", "Shanghai metro hours"), ("top_k", "3")),
        Expect(
            reasoning="Two lookups.",
            content="I'll check both.\n",
            calls=(
                Call("get_weather", args(city="Beijing", unit="celsius")),
                Call("search", args(query="Shanghai metro hours", top_k=3)),
            ),
        ),
    ),
    "no_arguments": ("</think>" + call("now"), Expect(calls=(Call("now", "{}"),))),
    "glm45_tags_are_content": (
        "</think><tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>",
        Expect(content="<tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>"),
    ),
    # SGLang drops such a block; here the call stands and the junk is content.
    "stray_text_between_pairs_is_content": (
        "</think><iquest_tool_call>f\njunk<arg_key>a</arg_key><arg_value>1</arg_value></iquest_tool_call>",
        Expect(content="junk", calls=(Call("f", args(a=1)),)),
    ),
    # As in glm45, </arg_value> closes a value only before whitespace and a tag that may follow it.
    "text_after_a_close_tag_stays_in_the_value": (
        "</think><iquest_tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value>junk</iquest_tool_call>",
        Expect(calls=(Call("f", args(a="1</arg_value>junk")),)),
    ),
    "empty_name_is_content": (
        "</think><iquest_tool_call>\n</iquest_tool_call>x",
        Expect(content="<iquest_tool_call>\n</iquest_tool_call>x"),
    ),
    "block_inside_reasoning_is_reasoning_text": (
        "plan " + call("f") + "</think>Hi",
        Expect(reasoning="plan " + call("f"), content="Hi"),
    ),
    "missing_end_tags_at_end": (
        "</think><iquest_tool_call>f<arg_key>city</arg_key><arg_value>Rome",
        Expect(calls=(Call("f", args(city="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_iquest_q1_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)
