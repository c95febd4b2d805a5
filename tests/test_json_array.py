"""Golden cases for ``json_array``: the output of a forced ``tool_choice``."""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case

JSON_ARRAY = "json_array"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'


def obj(name: str, arguments: str, key: str = "parameters") -> str:
    return f'{{"name": "{name}", "{key}": {arguments}}}'


CASES = {
    "array_of_two": (
        "[" + obj("get_weather", BEIJING) + ", " + obj("get_weather", SHANGHAI) + "]",
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "pretty_printed": (
        "[\n  " + obj("get_weather", BEIJING, "arguments") + "\n]\n",
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "single_object": (
        obj("get_weather", BEIJING),
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "arguments_first": (
        '[{"arguments": ' + BEIJING + ', "name": "get_weather"}]',
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "string_arguments_decoded": (
        '[{"name": "f", "arguments": "{\\"a\\": [1]}"}]',
        Expect(calls=(Call("f", '{"a": [1]}'),)),
    ),
    "plain_text_is_content": ("I will not call a tool.", Expect(content="I will not call a tool.")),
    "array_of_numbers_is_content": ("[1, 2, 3]", Expect(content="[1, 2, 3]")),
    "empty_array_is_content": ("[]", Expect(content="[]")),
    "text_then_array_is_content": (
        "Here: [" + obj("f", "{}") + "]",
        Expect(content="Here: [" + obj("f", "{}") + "]"),
    ),
    "text_after_array": (
        "[" + obj("f", "{}") + "]\n ok",
        Expect(content="ok", calls=(Call("f", "{}"),)),
    ),
    "brackets_inside_strings": (
        "[" + obj("f", '{"s": "],[{\\"name\\": \\"g\\"}"}') + "]",
        Expect(calls=(Call("f", '{"s": "],[{\\"name\\": \\"g\\"}"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_array_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(JSON_ARRAY, text, expect)


def test_unclosed_array_at_end() -> None:
    check_case(
        JSON_ARRAY,
        "[" + obj("f", '{"a": 1}') + ", " + '{"name": "g", "parameters": {"b": "x',
        Expect(
            calls=(Call("f", '{"a": 1}'), Call("g", '{"b": "x')),
            finish_reason="length",
            problems=((1, "incomplete"), (1, "invalid_arguments")),
            incomplete=frozenset({1}),
        ),
        finish="length",
    )
