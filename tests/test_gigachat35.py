"""Golden cases for ``gigachat35`` (DIALECTS-MORE.md, group B §6): DSML's layout with the GCML
prefix, each value typed by its ``string="true|false"`` attribute.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

GIGA = "gigachat35"
P = "｜GCML｜"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def parameter(key: str, value: str, string: str | None = "true") -> str:
    flag = "" if string is None else f' string="{string}"'
    return f'<{P}parameter name="{key}"{flag}>{value}</{P}parameter>\n'


def invoke(name: str, *parameters: str) -> str:
    return f'<{P}invoke name="{name}">\n' + "".join(parameters) + f"</{P}invoke>\n"


def calls(*invokes: str) -> str:
    return f"<{P}tool_calls>\n" + "".join(invokes) + f"</{P}tool_calls>"


def check(text: str, expect: Expect, start_in_reasoning: bool = False, tools: Any = None) -> None:
    check_case(GIGA, text, expect, start_in_reasoning=start_in_reasoning, tools=tools)
    if tools is not None:
        return  # stream_summary gives no tools
    batch = streamparse.parse(text, GIGA, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(GIGA, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


SPEC_EXAMPLE = "Need both.</think>I'll check both.\n" + calls(
    invoke("get_weather", parameter("city", "Beijing"), parameter("unit", "celsius")),
    invoke("search", parameter("query", "Shanghai metro hours"), parameter("top_k", "3", "false")),
)


def test_spec_example() -> None:
    # The prompt opened <think>.
    check(
        SPEC_EXAMPLE,
        Expect(
            reasoning="Need both.",
            content="I'll check both.\n",
            calls=(
                Call("get_weather", args(city="Beijing", unit="celsius")),
                Call("search", args(query="Shanghai metro hours", top_k=3)),
            ),
        ),
        start_in_reasoning=True,
    )


CASES: dict[str, tuple[str, Expect]] = {
    # string="true": raw text, verbatim; "null" or "3" there is the string.
    "string_values_verbatim": (
        calls(invoke("f", parameter("s", " two  spaces \n"), parameter("n", "null"), parameter("d", "3"))),
        Expect(calls=(Call("f", args(s=" two  spaces \n", n="null", d="3")),)),
    ),
    # string="false": JSON, or the raw text as a string when it is not JSON.
    "json_values": (
        calls(
            invoke(
                "f",
                parameter("o", '{"k": [1, true]}', "false"),
                parameter("z", "null", "false"),
                parameter("bad", "{not json}", "false"),
            )
        ),
        Expect(calls=(Call("f", '{"o": {"k": [1, true]}, "z": null, "bad": "{not json}"}'),)),
    ),
    # SGLang skips a parameter without the attribute; here it is read as string="false".
    "missing_string_attribute_is_json": (
        calls(invoke("f", parameter("n", "3", None), parameter("w", "word", None))),
        Expect(calls=(Call("f", args(n=3, w="word")),)),
    ),
    # The end of a message is markup in content and in the block.
    "end_of_message_markers_are_markup": (
        "Sure.<|message_sep|>" + calls(invoke("f")) + "</s>",
        Expect(content="Sure.", calls=(Call("f", "{}"),)),
    ),
    "end_of_message_without_calls": ("Hi there.</s>", Expect(content="Hi there.")),
    "block_without_call_is_content": (
        f"<{P}tool_calls>\nnothing\n</{P}tool_calls>",
        Expect(content=f"<{P}tool_calls>\nnothing\n</{P}tool_calls>"),
    ),
    # Not DeepSeek's prefix.
    "dsml_tags_are_content": (
        '<｜DSML｜tool_calls>\n<｜DSML｜invoke name="f">\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
        Expect(
            content='<｜DSML｜tool_calls>\n<｜DSML｜invoke name="f">\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>'
        ),
    ),
    "block_inside_reasoning_is_reasoning_text": (
        "<think>x " + calls(invoke("f")) + "</think>Hi",
        Expect(reasoning="x " + calls(invoke("f")), content="Hi"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gigachat35_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_the_schema_is_not_consulted() -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "f",
                "parameters": {"type": "object", "properties": {"n": {"type": "string"}}},
            },
        }
    ]
    check(
        calls(invoke("f", parameter("n", "3", "false"))), Expect(calls=(Call("f", args(n=3)),)), tools=tools
    )
