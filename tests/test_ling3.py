"""Golden cases for ``ling3`` (DIALECTS-MORE.md, group B §1): glm45's calls, and a ``<tool_call>``
that ends the reasoning.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

LING = "ling3"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(text: str, expect: Expect, start_in_reasoning: bool = True) -> None:
    check_case(LING, text, expect, start_in_reasoning=start_in_reasoning)
    batch = streamparse.parse(text, LING, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(LING, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


SPEC_EXAMPLE = (
    "Two lookups needed.</think>I'll check both.\n"
    "<tool_call>get_weather<arg_key>city</arg_key><arg_value>Beijing</arg_value>"
    "<arg_key>unit</arg_key><arg_value>celsius</arg_value></tool_call>\n"
    "<tool_call>search<arg_key>query</arg_key><arg_value>Shanghai metro hours</arg_value>"
    "<arg_key>top_k</arg_key><arg_value>3</arg_value></tool_call>"
)
SPEC_CALLS = (
    Call("get_weather", args(city="Beijing", unit="celsius")),
    Call("search", args(query="Shanghai metro hours", top_k=3)),
)

CASES: dict[str, tuple[str, Expect]] = {
    # The example of the spec, as written (the prompt opened <think>).
    "spec_example": (
        SPEC_EXAMPLE,
        Expect(reasoning="Two lookups needed.", content="I'll check both.\n\n", calls=SPEC_CALLS),
    ),
    # SGLang also reads GLM-4.5's newline layout and a literal backslash-n after the name.
    "glm45_newline_layout": (
        "</think><tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Beijing</arg_value>\n</tool_call>",
        Expect(calls=(Call("get_weather", args(city="Beijing")),)),
    ),
    "literal_backslash_n_after_name": (
        "</think><tool_call>get_weather\\n<arg_key>city</arg_key><arg_value>Rome</arg_value></tool_call>",
        Expect(calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "no_arguments": ("</think><tool_call>now</tool_call>", Expect(calls=(Call("now", "{}"),))),
    # The quirk: the model skips </think> and opens a call; the reasoning ends there.
    "call_ends_reasoning": (
        "Two lookups needed.\n<tool_call>get_weather<arg_key>city</arg_key><arg_value>Beijing</arg_value></tool_call>",
        Expect(reasoning="Two lookups needed.\n", calls=(Call("get_weather", args(city="Beijing")),)),
    ),
    "content_after_a_call_that_ended_reasoning": (
        "plan<tool_call>now</tool_call>Done.",
        Expect(reasoning="plan", content="Done.", calls=(Call("now", "{}"),)),
    ),
    # The reasoning is over once <tool_call> arrives, even if the call then breaks.
    "broken_call_after_reasoning_ended_is_content": (
        "plan<tool_call></tool_call>Hi",
        Expect(reasoning="plan", content="<tool_call></tool_call>Hi"),
    ),
    "values_typed_without_schema_as_glm45": (
        "</think><tool_call>f<arg_key>n</arg_key><arg_value>3</arg_value>"
        "<arg_key>s</arg_key><arg_value> Rome </arg_value></tool_call>",
        Expect(calls=(Call("f", args(n=3, s="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ling3_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_without_start_in_reasoning_a_call_is_a_call() -> None:
    check(
        "<think>plan</think>Hi<tool_call>now</tool_call>",
        Expect(reasoning="plan", content="Hi", calls=(Call("now", "{}"),)),
        start_in_reasoning=False,
    )


def test_glm45_keeps_the_call_in_reasoning() -> None:
    # The one difference from glm45, which stays as documented.
    text = "plan<tool_call>now</tool_call>"
    assert streamparse.parse(text, "glm45", start_in_reasoning=True).reasoning_content == text
    assert streamparse.parse(text, LING, start_in_reasoning=True).reasoning_content == "plan"


def test_schema_typing() -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "f",
                "parameters": {"type": "object", "properties": {"s": {"type": "string"}}},
            },
        }
    ]
    check_case(
        LING,
        "</think><tool_call>f<arg_key>s</arg_key><arg_value>123</arg_value></tool_call>",
        Expect(calls=(Call("f", args(s="123")),)),
        tools=tools,
        start_in_reasoning=True,
    )
