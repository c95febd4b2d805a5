"""Golden cases for LongCat-Flash (``longcat``) from DIALECTS-MORE.md (group B, §11): Hermes
blocks with ``<longcat_tool_call>`` tags and ``<longcat_think>`` reasoning.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


DIALECT = "longcat"
BLOCK_W = f'<longcat_tool_call>\n{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}\n</longcat_tool_call>'
BLOCK_S = f'<longcat_tool_call>\n{{"name": "search", "arguments": {SEARCH_ARGS}}}\n</longcat_tool_call>'

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"I'll check both.\n{BLOCK_W}\n{BLOCK_S}",
        Expect(content="I'll check both.\n\n", calls=(WEATHER, SEARCH)),
    ),
    "thinking_model": (
        f"<longcat_think>Two lookups.</longcat_think>I'll check both.\n{BLOCK_W}",
        Expect(reasoning="Two lookups.", content="I'll check both.\n", calls=(WEATHER,)),
    ),
    "parameters_for_arguments": (
        '<longcat_tool_call>{"name": "f", "parameters": {"a": 1}}</longcat_tool_call>',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "arguments_before_name": (
        '<longcat_tool_call>{"arguments": {"a": 1}, "name": "f"}</longcat_tool_call>',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    # vLLM's regex: an unterminated last block runs to the end.
    "unterminated_last_block": (
        f'{BLOCK_W}\n<longcat_tool_call>\n{{"name": "search", "arguments": {SEARCH_ARGS}}}',
        Expect(content="\n", calls=(WEATHER, SEARCH)),
    ),
    "end_tag_inside_a_string_is_text": (
        '<longcat_tool_call>{"name": "echo", "arguments": {"s": "</longcat_tool_call>"}}</longcat_tool_call>',
        Expect(calls=(Call("echo", '{"s": "</longcat_tool_call>"}'),)),
    ),
    "block_inside_reasoning_is_reasoning": (
        f"<longcat_think>maybe {BLOCK_W}</longcat_think>Hi",
        Expect(reasoning=f"maybe {BLOCK_W}", content="Hi"),
    ),
    "hermes_tags_are_content": (
        '<think>x</think><tool_call>{"name": "f", "arguments": {}}</tool_call>',
        Expect(content='<think>x</think><tool_call>{"name": "f", "arguments": {}}</tool_call>'),
    ),
    "block_without_a_call_is_content": (
        "<longcat_tool_call>not json</longcat_tool_call>",
        Expect(content="<longcat_tool_call>not json</longcat_tool_call>"),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_prompt_opened_reasoning() -> None:
    check(f"plan</longcat_think>ok{BLOCK_W}", Expect(reasoning="plan", content="ok", calls=(WEATHER,)), True)
