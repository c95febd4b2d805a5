"""Golden cases for ``llama3_json`` from DIALECTS.md §5 and its quirks."""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case

LLAMA = "llama3_json"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'
TAG = "<|python_tag|>"


def obj(name: str, arguments: str, key: str = "parameters") -> str:
    return f'{{"name": "{name}", "{key}": {arguments}}}'


CASES = {
    # The literal example of §5.
    "two_calls_after_tag": (
        TAG + obj("get_weather", BEIJING) + "; " + obj("get_weather", SHANGHAI),
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "bare_object_at_start": (
        obj("get_weather", BEIJING),
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "leading_whitespace_is_markup": (
        "\n  " + obj("get_weather", BEIJING) + "\n",
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "arguments_key": (
        obj("get_weather", BEIJING, "arguments"),
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "parameters_before_name": (
        '{"parameters": ' + BEIJING + ', "name": "get_weather"}',
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "content_then_tag": (
        "Checking." + TAG + obj("get_weather", BEIJING),
        Expect(content="Checking.", calls=(Call("get_weather", BEIJING),)),
    ),
    # vLLM's streaming rule: a "{" inside prose is content.
    "brace_inside_prose_is_content": (
        "Use " + obj("get_weather", BEIJING) + " to call it.",
        Expect(content="Use " + obj("get_weather", BEIJING) + " to call it."),
    ),
    # A structured answer: a leading object without a name string.
    "object_without_name_is_content": (
        '{"answer": 42, "name": 7}',
        Expect(content='{"answer": 42, "name": 7}'),
    ),
    "built_in_tool_call_is_content": (
        TAG + 'brave_search.call(query="weather")',
        Expect(content=TAG + 'brave_search.call(query="weather")'),
    ),
    "semicolon_inside_string": (
        obj("run", '{"cmd": "a; b; {c}"}') + ";" + obj("f", "{}"),
        Expect(calls=(Call("run", '{"cmd": "a; b; {c}"}'), Call("f", "{}"))),
    ),
    "separator_without_next_call_is_content": (
        obj("f", "{}") + "; and that is all",
        Expect(content="; and that is all", calls=(Call("f", "{}"),)),
    ),
    "text_after_call": (
        obj("f", "{}") + "  Done.",
        Expect(content="Done.", calls=(Call("f", "{}"),)),
    ),
    "end_of_turn_not_needed": (
        obj("f", '{"a": [1, 2, {"b": null}]}'),
        Expect(calls=(Call("f", '{"a": [1, 2, {"b": null}]}'),)),
    ),
    "unicode": (
        obj("say", '{"text": "北京 😀"}'),
        Expect(calls=(Call("say", '{"text": "北京 😀"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_llama3_json_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(LLAMA, text, expect)


def test_truncated_call_is_incomplete() -> None:
    check_case(
        LLAMA,
        '{"name": "f", "parameters": {"a": 1',
        Expect(
            calls=(Call("f", '{"a": 1'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )
