"""Golden cases for ``hermes`` from DIALECTS.md §3 and its quirks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and must fold to the same result.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case

HERMES = "hermes"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'


def block(obj: str) -> str:
    return f"<tool_call>\n{obj}\n</tool_call>"


def call(name: str, arguments: str) -> str:
    return f'{{"name": "{name}", "arguments": {arguments}}}'


CASES = {
    # The literal example of §3: the newline before each block is content.
    "two_parallel_calls": (
        "I'll look both up.\n"
        + block(call("get_weather", BEIJING))
        + "\n"
        + block(call("get_weather", SHANGHAI)),
        Expect(
            content="I'll look both up.\n\n",
            calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI)),
        ),
    ),
    # Hermes 2 Pro's prompt writes arguments first: held until the name is known.
    "arguments_before_name": (
        block('{"arguments": {"city": "Paris"}, "name": "get_weather"}'),
        Expect(calls=(Call("get_weather", '{"city": "Paris"}'),)),
    ),
    "end_marker_inside_string": (
        block(call("write_file", '{"content": "<tool_call>x</tool_call>"}')),
        Expect(calls=(Call("write_file", '{"content": "<tool_call>x</tool_call>"}'),)),
    ),
    "braces_inside_string": (
        block(call("shell", '{"cmd": "mkdir -p a/{b,c"}')),
        Expect(calls=(Call("shell", '{"cmd": "mkdir -p a/{b,c"}'),)),
    ),
    "missing_end_marker_at_end": (
        "ok\n<tool_call>\n" + call("get_weather", BEIJING),
        Expect(content="ok\n", calls=(Call("get_weather", BEIJING),)),
    ),
    "parameters_alias": (
        block('{"name": "get_weather", "parameters": {"city": "Rome"}}'),
        Expect(calls=(Call("get_weather", '{"city": "Rome"}'),)),
    ),
    "double_encoded_arguments": (
        block('{"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}'),
        Expect(calls=(Call("get_weather", '{"city": "Oslo"}'),)),
    ),
    "no_arguments": (block('{"name": "now"}'), Expect(calls=(Call("now", "{}"),))),
    "reasoning_then_call": (
        "<think>\nNeed weather.\n</think>\n\n" + block(call("get_weather", BEIJING)),
        Expect(reasoning="\nNeed weather.\n", content="\n\n", calls=(Call("get_weather", BEIJING),)),
    ),
    # A block quoted inside reasoning is reasoning text.
    "call_inside_reasoning": (
        "<think>I could write " + block(call("f", "{}")) + "</think>Hi",
        Expect(reasoning="I could write " + block(call("f", "{}")), content="Hi"),
    ),
    "block_without_object_is_content": (
        "a<tool_call>\nnot json\n</tool_call>b",
        Expect(content="a<tool_call>\nnot json\n</tool_call>b"),
    ),
    "object_without_name_is_content": (
        'a<tool_call>{"x": 1}</tool_call>b',
        Expect(content='a<tool_call>{"x": 1}</tool_call>b'),
    ),
    # An unclosed block ends at the next <tool_call>; the later call is intact.
    "unclosed_block_then_next": (
        '<tool_call>\n{"name": "a", "arguments": {}}\n' + block(call("b", "{}")),
        Expect(calls=(Call("a", "{}"), Call("b", "{}"))),
    ),
    "failed_block_then_good_block": (
        "<tool_call>oops</tool_call>\n" + block(call("b", BEIJING)),
        Expect(content="<tool_call>oops</tool_call>\n", calls=(Call("b", BEIJING),)),
    ),
    "text_after_calls": (
        block(call("f", "{}")) + "\nDone.",
        Expect(content="\nDone.", calls=(Call("f", "{}"),)),
    ),
    # Python-dict objects (Qwen-Agent's json5 leniency): converted to JSON as they stream.
    "python_dict_object": (
        block("{'name': 'get_weather', 'arguments': {'city': 'Beijing', 'metric': True, 'x': None}}"),
        Expect(calls=(Call("get_weather", '{"city": "Beijing", "metric": true, "x": null}'),)),
    ),
    "python_dict_arguments_first_with_quotes": (
        block("{'arguments': {'q': 'it\\'s \"x\"', 'n': [1, 2.5, (3,)]}, 'name': 'search'}"),
        Expect(calls=(Call("search", '{"q": "it\'s \\"x\\"", "n": [1, 2.5, [3]]}'),)),
    ),
    "python_dict_without_name_is_content": (
        "a<tool_call>{'x': 1}</tool_call>b",
        Expect(content="a<tool_call>{'x': 1}</tool_call>b"),
    ),
    "python_dict_with_a_non_literal_value": (
        block("{'name': 'f', 'arguments': {'a': foo}}"),
        Expect(
            content="foo}}",
            calls=(Call("f", '{"a": '),),
            problems=((0, "invalid_arguments"),),
            incomplete=frozenset({0}),
        ),
    ),
    "unicode_and_escapes": (
        block(call("say", '{"text": "北京 \\"quoted\\" \\\\ 😀"}')),
        Expect(calls=(Call("say", '{"text": "北京 \\"quoted\\" \\\\ 😀"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hermes_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(HERMES, text, expect)


def test_truncated_arguments_are_incomplete() -> None:
    text = "<tool_call>\n" + '{"name": "f", "arguments": {"a": "x'
    check_case(
        HERMES,
        text,
        Expect(
            calls=(Call("f", '{"a": "x'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_prompt_opened_reasoning() -> None:
    import streamparse

    result = streamparse.parse("plan\n</think>\n\nHi", HERMES, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan\n", "\n\nHi")
