"""Golden cases for ``mistral`` from DIALECTS.md §6 and its quirks."""

from __future__ import annotations

import re

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse

MISTRAL = "mistral"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'
TC = "[TOOL_CALLS]"


def obj(name: str, arguments: str, extra: str = "") -> str:
    return f'{{{extra}"name": "{name}", "arguments": {arguments}}}'


CASES = {
    # The two literal examples of §6.
    "pre_v11_two_calls": (
        TC + " [" + obj("get_weather", BEIJING) + ", " + obj("get_weather", SHANGHAI) + "]",
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "v11_two_calls": (
        TC + "get_weather[ARGS]" + BEIJING + TC + "get_weather[ARGS]" + SHANGHAI,
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "v11_call_id_is_kept": (
        "Let me check." + TC + "get_weather[CALL_ID]a1B2c3D4e[ARGS]" + BEIJING,
        Expect(content="Let me check.", calls=(Call("get_weather", BEIJING, "a1B2c3D4e"),)),
    ),
    "pre_v11_id_before_name_is_kept": (
        TC + "[" + obj("get_weather", BEIJING, '"id": "Xy12Ab34c", ') + "]",
        Expect(calls=(Call("get_weather", BEIJING, "Xy12Ab34c"),)),
    ),
    # [ARGS] dropped by the server's decoder: the name ends at "{".
    "v11_without_args_token": (
        TC + "get_weather" + BEIJING,
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    # Arguments end where the braces balance, not at the next marker or the end.
    "v11_arguments_end_at_balance": (
        TC + 'run[ARGS]{"cmd": "echo }[TOOL_CALLS]", "n": {"a": [1]}} trailing text',
        Expect(
            content=" trailing text",
            calls=(Call("run", '{"cmd": "echo }[TOOL_CALLS]", "n": {"a": [1]}}'),),
        ),
    ),
    "namespaced_name": (
        TC + "files.read-all:v2[ARGS]{}",
        Expect(calls=(Call("files.read-all:v2", "{}"),)),
    ),
    "think_then_call": (
        "[THINK]Need the weather.[/THINK]" + TC + "get_weather[ARGS]" + BEIJING,
        Expect(reasoning="Need the weather.", calls=(Call("get_weather", BEIJING),)),
    ),
    "tool_calls_inside_reasoning_is_reasoning": (
        "[THINK]maybe " + TC + "f[ARGS]{}[/THINK]ok",
        Expect(reasoning="maybe " + TC + "f[ARGS]{}", content="ok"),
    ),
    # A name never followed by arguments: content (vLLM drops it).
    "name_without_arguments_is_content": (
        "x" + TC + "get_weather",
        Expect(content="x" + TC + "get_weather"),
    ),
    "prose_after_marker_is_content": (
        TC + " I cannot call tools here.",
        Expect(content=TC + " I cannot call tools here."),
    ),
    "array_without_calls_is_content": (
        TC + " [1, 2, 3] done",
        Expect(content=TC + " [1, 2, 3] done"),
    ),
    "failed_v11_call_then_good_one": (
        TC + "bad name" + TC + "get_weather[ARGS]" + BEIJING,
        Expect(content=TC + "bad name", calls=(Call("get_weather", BEIJING),)),
    ),
    "pre_v11_object_without_name_is_content_between_calls": (
        TC + '[{"x": 1}, ' + obj("f", "{}") + "]",
        Expect(content='{"x": 1}', calls=(Call("f", "{}"),)),
    ),
    "pre_v11_string_arguments_decoded": (
        TC + '[{"name": "f", "arguments": "{\\"a\\": 1}"}]',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "unicode_arguments": (
        TC + 'say[ARGS]{"text": "北京 😀 \\"q\\""}',
        Expect(calls=(Call("say", '{"text": "北京 😀 \\"q\\""}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mistral_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(MISTRAL, text, expect)


def test_generated_ids_are_nine_alphanumerics() -> None:
    result = streamparse.parse(TC + "f[ARGS]{}" + TC + "g[ARGS]{}", MISTRAL)
    assert [bool(re.fullmatch(r"[A-Za-z0-9]{9}", c.id)) for c in result.tool_calls] == [True, True]


def test_truncated_v11_arguments_are_incomplete() -> None:
    check_case(
        MISTRAL,
        TC + 'f[ARGS]{"a": "x',
        Expect(
            calls=(Call("f", '{"a": "x'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_prompt_opened_reasoning() -> None:
    result = streamparse.parse("plan[/THINK]Hi", MISTRAL, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan", "Hi")
