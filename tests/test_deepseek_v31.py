"""Golden cases for ``deepseek_v31`` from DIALECTS.md §8 and its quirks."""

from __future__ import annotations

import pytest
from _streamcheck import DS_CALL_BEGIN as CALL_BEGIN
from _streamcheck import DS_CALL_END as CALL_END
from _streamcheck import DS_CALLS_BEGIN as CALLS_BEGIN
from _streamcheck import DS_CALLS_END as CALLS_END
from _streamcheck import DS_END_OF_SENTENCE as EOS
from _streamcheck import DS_SEP as SEP
from _streamcheck import Call, Expect, check_case

import streamparse

DS = "deepseek_v31"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'


def call(name: str, arguments: str) -> str:
    return f"{CALL_BEGIN}{name}{SEP}{arguments}{CALL_END}"


CASES = {
    # The literal example of §8.
    "two_parallel_calls": (
        CALLS_BEGIN + call("get_weather", BEIJING) + call("get_weather", SHANGHAI) + CALLS_END,
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "content_first_and_end_of_sentence_is_markup": (
        "Checking." + CALLS_BEGIN + call("get_weather", BEIJING) + CALLS_END + EOS,
        Expect(content="Checking.", calls=(Call("get_weather", BEIJING),)),
    ),
    "missing_calls_end": (
        CALLS_BEGIN + call("get_weather", BEIJING),
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "missing_call_end_and_calls_end": (
        CALLS_BEGIN + CALL_BEGIN + "get_weather" + SEP + BEIJING,
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "dotted_dashed_name": (
        CALLS_BEGIN + call("mcp.fs-read_file2", "{}") + CALLS_END,
        Expect(calls=(Call("mcp.fs-read_file2", "{}"),)),
    ),
    "empty_block_is_content": (
        "a" + CALLS_BEGIN + CALLS_END + "b",
        Expect(content="a" + CALLS_BEGIN + CALLS_END + "b"),
    ),
    "empty_name_fails_later_call_intact": (
        CALLS_BEGIN + CALL_BEGIN + SEP + "{}" + CALL_END + call("f", BEIJING) + CALLS_END,
        Expect(content=CALL_BEGIN + SEP + "{}" + CALL_END, calls=(Call("f", BEIJING),)),
    ),
    "reasoning_then_call": (
        "<think>Need data.</think>" + CALLS_BEGIN + call("f", "{}") + CALLS_END,
        Expect(reasoning="Need data.", calls=(Call("f", "{}"),)),
    ),
    "no_arguments": (CALLS_BEGIN + call("now", "") + CALLS_END, Expect(calls=(Call("now", "{}"),))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_deepseek_v31_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(DS, text, expect)


def test_thinking_mode_opens_reasoning_in_the_prompt() -> None:
    result = streamparse.parse("plan</think>Answer.", DS, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan", "Answer.")
