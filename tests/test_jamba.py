"""Golden cases for AI21 Jamba (``jamba``) from DIALECTS-MORE.md (group B, §22): a JSON
array of call objects in ``<tool_calls>`` ... ``</tool_calls>``.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

import streamparse

DIALECT = "jamba"
WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)
OBJ_W = f'{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}'
OBJ_S = f'{{"name": "search", "arguments": {SEARCH_ARGS}}}'


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


ARRAY = f"[{OBJ_W}, {OBJ_S}]"

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"I'll check both. <tool_calls>{ARRAY}</tool_calls>",
        Expect(content="I'll check both. ", calls=(WEATHER, SEARCH)),
    ),
    # vLLM's non-streaming parser drops a lone space before the block; its streaming one keeps it.
    "lone_space_before_the_block_is_content": (
        f" <tool_calls>{ARRAY}</tool_calls>",
        Expect(content=" ", calls=(WEATHER, SEARCH)),
    ),
    "pretty_printed_array": (
        f"<tool_calls>\n[\n  {OBJ_W},\n  {OBJ_S}\n]\n</tool_calls>",
        Expect(calls=(WEATHER, SEARCH)),
    ),
    "array_inside_the_arguments": (
        '<tool_calls>[{"name": "f", "arguments": {"a": [1, [2]]}}]</tool_calls>',
        Expect(calls=(Call("f", '{"a": [1, [2]]}'),)),
    ),
    "end_marker_inside_a_string_is_text": (
        '<tool_calls>[{"name": "echo", "arguments": {"s": "</tool_calls>"}}]</tool_calls>',
        Expect(calls=(Call("echo", '{"s": "</tool_calls>"}'),)),
    ),
    "block_without_a_call_is_content": (
        "<tool_calls>[no calls]</tool_calls>",
        Expect(content="<tool_calls>[no calls]</tool_calls>"),
    ),
    "object_that_is_not_a_call_is_content": (
        '<tool_calls>[{"city": "Beijing"}]</tool_calls>',
        Expect(content='<tool_calls>[{"city": "Beijing"}]</tool_calls>'),
    ),
    "missing_end_marker_ends_at_a_second_block": (
        '<tool_calls>[{"name": "f", "arguments": {}}]<tool_calls>[{"name": "g", "arguments": {}}]</tool_calls>',
        Expect(calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    "unterminated_call_at_the_end": (
        '<tool_calls>[{"name": "f", "arguments": {"a": 1}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "text_after_the_block_is_content": (
        f"<tool_calls>{ARRAY}</tool_calls> Done.",
        Expect(content=" Done.", calls=(WEATHER, SEARCH)),
    ),
    "think_tags_are_content": (
        "<think>plan</think>Hello",
        Expect(content="<think>plan</think>Hello"),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_arguments_stream_before_the_array_closes() -> None:
    parser = streamparse.StreamParser(DIALECT)
    parser.feed('<tool_calls>[{"name": "f", "arguments": {"s": "he')
    assert parser.feed("llo") == {"tool_calls": [{"index": 0, "function": {"arguments": "llo"}}]}
