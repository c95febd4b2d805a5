"""Golden cases for ``glm45`` (and GLM-4.7's spelling) from DIALECTS.md §9 and "Schema-typed values".

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), with the tools given.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

GLM = "glm45"


def tool(name: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": properties or {}}},
    }


WEATHER = [tool("get_weather", {"city": {"type": "string"}, "days": {"type": "integer"}})]
TYPED = [
    tool(
        "f",
        {
            "s": {"type": "string"},
            "i": {"type": "integer"},
            "o": {"type": "object"},
            "a": {"type": "array"},
            "opt": {"type": ["string", "null"]},
            "e": {"enum": ["x", "null"]},
        },
    )
]


def call(name: str, *pairs: tuple[str, str], newlines: bool = True) -> str:
    nl = "\n" if newlines else ""
    body = "".join(f"<arg_key>{key}</arg_key>{nl}<arg_value>{value}</arg_value>{nl}" for key, value in pairs)
    return f"<tool_call>{name}{nl}{body}</tool_call>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


CASES: dict[str, tuple[str, Any, Expect]] = {
    # The literal example of §9: the newline between blocks is content.
    "two_parallel_calls": (
        call("get_weather", ("city", "北京"), ("days", "3")) + "\n" + call("get_weather", ("city", "上海")),
        WEATHER,
        Expect(
            content="\n",
            calls=(Call("get_weather", args(city="北京", days=3)), Call("get_weather", args(city="上海"))),
        ),
    ),
    "glm47_without_newlines": (
        call("get_weather", ("city", "北京"), ("days", "3"), newlines=False) + "<tool_call>now</tool_call>",
        WEATHER + [tool("now")],
        Expect(calls=(Call("get_weather", args(city="北京", days=3)), Call("now", "{}"))),
    ),
    "zero_argument_call": (
        "<tool_call>now\n</tool_call>",
        [tool("now")],
        Expect(calls=(Call("now", "{}"),)),
    ),
    "literal_backslash_n_after_name": (
        "<tool_call>get_weather\\n<arg_key>city</arg_key><arg_value>Rome</arg_value></tool_call>",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Rome")),)),
    ),
    # No schema: the template JSON-encodes every non-string, so JSON-looking text is decoded.
    "no_tools_json_looking_values": (
        call(
            "g", ("n", "3"), ("b", "true"), ("z", "null"), ("o", '{"k": 1}'), ("s", "Rome"), ("q", '"quoted"')
        ),
        None,
        Expect(
            calls=(
                Call("g", '{"n": 3, "b": true, "z": null, "o": {"k": 1}, "s": "Rome", "q": "\\"quoted\\""}'),
            )
        ),
    ),
    "declared_string_stays_string": (
        call("f", ("s", "123"), ("s", "null"), ("e", "null"), ("opt", "null"), ("i", "null")),
        TYPED,
        Expect(calls=(Call("f", '{"s": "123", "s": "null", "e": "null", "opt": null, "i": null}'),)),
    ),
    "undeclared_parameter_decoded_if_json": (
        call("f", ("i", "7"), ("extra", "[1, 2]"), ("other", "plain text")),
        TYPED,
        Expect(calls=(Call("f", '{"i": 7, "extra": [1, 2], "other": "plain text"}'),)),
    ),
    "object_that_is_not_json_stays_string": (
        call("f", ("o", "{not json}"), ("a", "['x', True]")),
        TYPED,
        Expect(calls=(Call("f", '{"o": "{not json}", "a": ["x", true]}'),)),
    ),
    "values_with_newlines_and_quotes": (
        call("f", ("s", '\n  He said "hi"\n  and left.\n')),
        TYPED,
        Expect(calls=(Call("f", args(s='He said "hi"\n  and left.')),)),
    ),
    "close_tag_inside_value": (
        call("f", ("s", "a</arg_value>b <arg_key x")),
        TYPED,
        Expect(calls=(Call("f", args(s="a</arg_value>b <arg_key x")),)),
    ),
    "reasoning_then_call": (
        "<think>need it</think>\n" + call("get_weather", ("city", "Rome")),
        WEATHER,
        Expect(reasoning="need it", content="\n", calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "missing_closing_tags_at_end": (
        "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Rome",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Rome")),)),
    ),
    "broken_key_is_content": (
        "<tool_call>get_weather\n<arg_key>ci<arg_key>city</arg_key>\n<arg_value>Rome</arg_value>\n</tool_call>",
        WEATHER,
        Expect(content="<arg_key>ci", calls=(Call("get_weather", args(city="Rome")),)),
    ),
    # Whitespace between stray text and a parameter that fails stays where it was
    # (found by the fuzz profile: it came out after the failed tag).
    "failed_parameter_after_stray_text_keeps_order": (
        "<tool_call>f< <arg_key></arg",
        None,
        Expect(content="< <arg_key></arg", calls=(Call("f", "{}"),)),
    ),
    "empty_name_is_content": (
        "<tool_call>\n</tool_call>x",
        None,
        Expect(content="<tool_call>\n</tool_call>x"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_glm45_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check_case(GLM, text, expect, tools=tools)
