"""Golden cases for ``deepseek_v3`` from DIALECTS.md §7 and its quirks."""

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

DS = "deepseek_v3"
BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'


def call(name: str, arguments: str, before: str = "\n```json\n", after: str = "\n```") -> str:
    return f"{CALL_BEGIN}function{SEP}{name}{before}{arguments}{after}{CALL_END}"


CASES = {
    # The literal example of §7.
    "two_parallel_calls": (
        CALLS_BEGIN + call("get_weather", BEIJING) + "\n" + call("get_weather", SHANGHAI) + CALLS_END,
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "content_first_end_of_sentence_markup": (
        "Sure." + CALLS_BEGIN + call("f", BEIJING) + CALLS_END + EOS,
        Expect(content="Sure.", calls=(Call("f", BEIJING),)),
    ),
    # Three backticks inside a JSON string: the value ends where the JSON ends.
    "backticks_inside_string": (
        CALLS_BEGIN + call("write", '{"md": "```python\\nx = 1\\n```"}') + CALLS_END,
        Expect(calls=(Call("write", '{"md": "```python\\nx = 1\\n```"}'),)),
    ),
    "missing_newlines_around_fence": (
        CALLS_BEGIN + call("f", BEIJING, before="```json", after="```") + CALLS_END,
        Expect(calls=(Call("f", BEIJING),)),
    ),
    "no_fence_at_all": (
        CALLS_BEGIN + call("f", BEIJING, before="\n", after="") + CALLS_END,
        Expect(calls=(Call("f", BEIJING),)),
    ),
    "missing_calls_end": (CALLS_BEGIN + call("f", BEIJING), Expect(calls=(Call("f", BEIJING),))),
    "truncated_inside_fence": (
        CALLS_BEGIN + CALL_BEGIN + "function" + SEP + "f\n```json\n" + BEIJING,
        Expect(calls=(Call("f", BEIJING),)),
    ),
    # A missing closing brace: the end token still ends the call.
    "unbalanced_arguments_then_end_token": (
        CALLS_BEGIN + call("f", '{"a": 1', after="") + call("g", "{}") + CALLS_END,
        Expect(calls=(Call("f", '{"a": 1'), Call("g", "{}")), problems=((0, "invalid_arguments"),)),
    ),
    "name_then_end_token_gives_empty_object": (
        CALLS_BEGIN + CALL_BEGIN + "function" + SEP + "now" + CALL_END + CALLS_END,
        Expect(calls=(Call("now", "{}"),)),
    ),
    "empty_block_is_content": ("a" + CALLS_BEGIN + CALLS_END, Expect(content="a" + CALLS_BEGIN + CALLS_END)),
    "header_without_separator_is_content_later_call_intact": (
        CALLS_BEGIN + CALL_BEGIN + "junk" + call("f", "{}") + CALLS_END,
        Expect(content=CALL_BEGIN + "junk", calls=(Call("f", "{}"),)),
    ),
    "r1_reasoning": (
        "<think>Let me think.</think>Here." + CALLS_BEGIN + call("f", "{}") + CALLS_END,
        Expect(reasoning="Let me think.", content="Here.", calls=(Call("f", "{}"),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_deepseek_v3_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(DS, text, expect)


def test_a_type_word_other_than_function_is_reported_at_every_cut() -> None:
    text = CALLS_BEGIN + CALL_BEGIN + "unction" + SEP + "f\n```json\n{}\n```" + CALL_END + CALLS_END
    for cut in range(len(text) + 1):
        parser = streamparse.StreamParser(DS, id_seed=0)
        events = parser.feed_events(text[:cut]) + parser.feed_events(text[cut:]) + parser.finish_events()
        flags = [event for event in events if isinstance(event, streamparse.CallFlag)]
        assert [(flag.index, flag.kind) for flag in flags] == [(0, "unexpected_member")], cut
        assert "'unction'" in flags[0].detail
    assert streamparse.parse(text.replace("unction", "function"), DS).problems == []
