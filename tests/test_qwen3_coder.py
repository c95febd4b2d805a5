"""Golden cases for ``qwen3_coder`` from DIALECTS.md §4, "Schema-typed values" and their traps.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), with the tools given, and must fold to the
same result.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse

QWEN = "qwen3_coder"


def tool(name: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties} if properties is not None else None
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


WEATHER = [tool("get_weather", {"city": {"type": "string"}, "days": {"type": "integer"}})]
TYPED = [
    tool(
        "f",
        {
            "s": {"type": "string"},
            "i": {"type": "integer"},
            "n": {"type": "number"},
            "b": {"type": "boolean"},
            "o": {"type": "object"},
            "a": {"type": "array"},
            "z": {"type": "null"},
            "e": {"enum": ["auto", "none"]},
            "u": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "opt": {"type": ["string", "null"]},
            "t": {"type": ["boolean", "null"]},
        },
    )
]


def block(name: str, *parameters: tuple[str, str]) -> str:
    """A call as the template writes it: each value between newlines."""
    body = "".join(f"<parameter={key}>\n{value}\n</parameter>\n" for key, value in parameters)
    return f"<tool_call>\n<function={name}>\n{body}</function>\n</tool_call>"


def f_call(*parameters: tuple[str, str]) -> str:
    return block("f", *parameters)


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


# (text, tools, expectation)
CASES: dict[str, tuple[str, Any, Expect]] = {
    # The literal example of §4, typed by the schema; the newline between blocks is content.
    "two_parallel_calls": (
        "I'll check both.\n\n"
        + block("get_weather", ("city", "Beijing"), ("days", "3"))
        + "\n"
        + block("get_weather", ("city", "Shanghai")),
        WEATHER,
        Expect(
            content="I'll check both.\n\n\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    ),
    # No tools at all: every value stays a string.
    "no_tools_values_stay_strings": (
        block("get_weather", ("city", "Beijing"), ("days", "3")),
        None,
        Expect(calls=(Call("get_weather", args(city="Beijing", days="3")),)),
    ),
    "strings_that_look_like_numbers_and_booleans": (
        f_call(("s", "00123")) + f_call(("s", "true")) + f_call(("s", "None")),
        TYPED,
        Expect(calls=(Call("f", args(s="00123")), Call("f", args(s="true")), Call("f", args(s="None")))),
    ),
    # Rule 2: the text null (any case) is null whatever the type, a string's too; a string is
    # held only while it may still be that word.
    "null_in_a_string_value": (
        f_call(("s", "null"), ("s", "NULL"), ("s", "Null"), ("s", "nul"), ("s", "nulls"), ("s", " null")),
        TYPED,
        Expect(
            calls=(Call("f", '{"s": null, "s": null, "s": null, "s": "nul", "s": "nulls", "s": " null"}'),)
        ),
    ),
    "null_without_a_schema": (
        block("g", ("x", "null"), ("y", "nullable")),
        [tool("g")],
        Expect(calls=(Call("g", '{"x": null, "y": "nullable"}'),)),
    ),
    "null_in_a_string_or_integer_value": (
        f_call(("u", "NULL"), ("u", "none")),
        TYPED,
        Expect(calls=(Call("f", '{"u": null, "u": "none"}'),)),
    ),
    # Qwen3-Coder's first template writes scalars with Python's spelling.
    "python_spellings": (
        f_call(
            ("b", "True"), ("t", "False"), ("z", "None"), ("opt", "None"), ("o", "{'k': None, 'q': 'it\\'s'}")
        ),
        TYPED,
        Expect(
            calls=(
                Call("f", '{"b": true, "t": false, "z": null, "opt": null, "o": {"k": null, "q": "it\'s"}}'),
            )
        ),
    ),
    "json_values_as_written": (
        f_call(
            ("i", "-42"),
            ("n", "1.5e3"),
            ("b", "false"),
            ("a", '[1, "x", {"y": null}]'),
            ("o", '{"k": [1,2]}'),
        ),
        TYPED,
        Expect(
            calls=(
                Call(
                    "f", '{"i": -42, "n": 1.5e3, "b": false, "a": [1, "x", {"y": null}], "o": {"k": [1,2]}}'
                ),
            )
        ),
    ),
    "nested_multi_line_object": (
        f_call(("o", '{\n  "path": "a.txt",\n  "lines": [1, 2]\n}')),
        TYPED,
        Expect(calls=(Call("f", '{"o": {\n  "path": "a.txt",\n  "lines": [1, 2]\n}}'),)),
    ),
    # Text that is not of the declared type stays the raw text, as a string.
    "mistyped_values_stay_strings": (
        f_call(("i", "5.0"), ("i", "12abc"), ("n", "NaN"), ("b", "yes"), ("o", "{broken"), ("a", "[1, 2,")),
        TYPED,
        Expect(
            calls=(
                Call(
                    "f", '{"i": "5.0", "i": "12abc", "n": "NaN", "b": "yes", "o": "{broken", "a": "[1, 2,"}'
                ),
            )
        ),
    ),
    # An enum of strings is a string type: "none" is not null.
    "enum_of_strings": (
        f_call(("e", "none"), ("e", "auto")),
        TYPED,
        Expect(calls=(Call("f", '{"e": "none", "e": "auto"}'),)),
    ),
    "any_of_integer_or_string": (
        f_call(("u", "42"), ("u", "forty-two"), ("u", "007")),
        TYPED,
        Expect(calls=(Call("f", '{"u": 42, "u": "forty-two", "u": "007"}'),)),
    ),
    # A string that may be null: held while it may still spell null.
    "nullable_string": (
        f_call(("opt", "null"), ("opt", "nul"), ("opt", "nullify"), ("opt", "NULL")),
        TYPED,
        Expect(calls=(Call("f", '{"opt": null, "opt": "nul", "opt": "nullify", "opt": null}'),)),
    ),
    # A parameter the schema does not declare, and a function the tools do not: strings.
    "undeclared_parameter": (
        f_call(("i", "1"), ("extra", "5")),
        TYPED,
        Expect(calls=(Call("f", '{"i": 1, "extra": "5"}'),)),
    ),
    "undeclared_function": (
        block("g", ("x", "5")),
        TYPED,
        Expect(calls=(Call("g", '{"x": "5"}'),), problems=((0, "unknown_tool"),)),
    ),
    "look_alikes_inside_values": (
        f_call(("s", "a < b </parameter x </param <parameter <function= </paramete")),
        TYPED,
        Expect(calls=(Call("f", args(s="a < b </parameter x </param <parameter <function= </paramete")),)),
    ),
    # </parameter> closes a value only before another tag: here it is part of an XML file.
    "close_tag_inside_value": (
        f_call(("s", "<a></parameter>tail</parameter>\n  </parameter> x"), ("i", "1")),
        TYPED,
        Expect(calls=(Call("f", args(s="<a></parameter>tail</parameter>\n  </parameter> x", i=1)),)),
    ),
    "close_tag_ending_value": (
        f_call(("s", "x</parameter>")),
        TYPED,
        Expect(calls=(Call("f", args(s="x</parameter>")),)),
    ),
    # One leading and one trailing newline are the template's; the rest is the value's.
    "multi_line_value_keeps_inner_newlines": (
        f_call(("s", "\n  def f():\n      return 1\n")),
        TYPED,
        Expect(calls=(Call("f", args(s="\n  def f():\n      return 1\n")),)),
    ),
    "value_without_newlines": (
        "<tool_call>\n<function=f>\n<parameter=s>x y</parameter>\n<parameter=i>7</parameter>\n</function>\n</tool_call>",
        TYPED,
        Expect(calls=(Call("f", args(s="x y", i=7)),)),
    ),
    "escaping": (
        f_call(("s", 'q"b\\s\t\x01\x7f😀\u2028')),
        TYPED,
        Expect(calls=(Call("f", args(s='q"b\\s\t\x01\x7f😀\u2028')),)),
    ),
    "empty_string_value": (
        f_call(("s", "")),
        TYPED,
        Expect(calls=(Call("f", args(s="")),)),
    ),
    "missing_close_parameter": (
        "<tool_call>\n<function=get_weather>\n<parameter=city>\nBeijing\n<parameter=days>\n3\n</function>\n</tool_call>",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Beijing", days=3)),)),
    ),
    "missing_closing_tags_at_end": (
        "ok\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nBeijing\n",
        WEATHER,
        Expect(content="ok\n\n", calls=(Call("get_weather", args(city="Beijing")),)),
    ),
    "no_arguments": (
        "<tool_call>\n<function=now>\n</function>\n</tool_call>",
        [tool("now")],
        Expect(calls=(Call("now", "{}"),)),
    ),
    "block_without_function_is_content": (
        "a<tool_call>\nnothing here\n</tool_call>b",
        None,
        Expect(content="a<tool_call>\nnothing here\n</tool_call>b"),
    ),
    "broken_header_then_good_call": (
        "<tool_call>\n<function=bad<oops\n</tool_call>\n" + block("get_weather", ("city", "Oslo")),
        WEATHER,
        Expect(
            content="<tool_call>\n<function=bad<oops\n</tool_call>\n",
            calls=(Call("get_weather", args(city="Oslo")),),
        ),
    ),
    # A parameter header that never ends is content; the call goes on.
    "broken_parameter_header": (
        "<tool_call>\n<function=get_weather>\n<parameter=ci<parameter=city>\nRome\n</parameter>\n</function>\n</tool_call>",
        WEATHER,
        Expect(content="<parameter=ci", calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "reasoning_then_call": (
        "<think>\nweather\n</think>\n\n" + block("get_weather", ("city", "Rome")),
        WEATHER,
        Expect(reasoning="\nweather\n", content="\n\n", calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "text_after_calls": (
        block("get_weather", ("city", "Rome")) + "\nDone.",
        WEATHER,
        Expect(content="\nDone.", calls=(Call("get_weather", args(city="Rome")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_qwen3_coder_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check_case(QWEN, text, expect, tools=tools)


def test_truncated_string_value_is_incomplete() -> None:
    check_case(
        QWEN,
        "<tool_call>\n<function=f>\n<parameter=s>\nab\n",
        Expect(
            calls=(Call("f", '{"s": "ab\\n'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
        tools=TYPED,
    )


def test_string_values_stream_before_their_close_tag() -> None:
    parser = streamparse.StreamParser(QWEN, TYPED, id_seed=0)
    sent = ""
    for piece in ["<tool_call>\n<function=f>\n<parameter=s>\n", "hello ", "wor", "ld\n", "</param"]:
        for event in parser.feed_events(piece):
            if isinstance(event, streamparse.CallArguments):
                sent += event.text
    assert sent == '{"s": "hello world'
    for event in parser.feed_events("eter>\n<parameter=i>\n4"):
        if isinstance(event, streamparse.CallArguments):
            sent += event.text
    assert sent == '{"s": "hello world", "i": '  # an integer is written when it ends
    for event in parser.feed_events("2\n</parameter>\n</function>"):
        if isinstance(event, streamparse.CallArguments):
            sent += event.text
    assert sent == '{"s": "hello world", "i": 42}'


def test_truncated_typed_value_is_written_as_far_as_it_went() -> None:
    check_case(
        QWEN,
        "<tool_call>\n<function=f>\n<parameter=s>\nok\n</parameter>\n<parameter=i>\n12",
        Expect(
            calls=(Call("f", '{"s": "ok", "i": 12'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
        tools=TYPED,
    )


def test_start_in_reasoning() -> None:
    result = streamparse.parse("plan\n</think>\n\n" + block("now"), QWEN, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan\n", "\n\n")
    assert [c.function.arguments for c in result.tool_calls] == ["{}"]
