"""Golden cases for Salesforce xLAM-2 (``xlam``) from DIALECTS-MORE.md (group B, §23): a JSON
array of call objects, bare, fenced, in ``<tool_call>`` tags, after ``[TOOL_CALLS]`` or after
``</think>``.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

DIALECT = "xlam"
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
    "bare_array": (ARRAY, Expect(calls=(WEATHER, SEARCH))),
    "bare_array_after_whitespace": (f"\n  {ARRAY}\n", Expect(calls=(WEATHER, SEARCH))),
    "json_fence_after_prose": (
        f"I'll check both.\n```json\n{ARRAY}\n```",
        Expect(content="I'll check both.\n", calls=(WEATHER, SEARCH)),
    ),
    "plain_fence": (f"```\n{ARRAY}\n```", Expect(calls=(WEATHER, SEARCH))),
    "tool_call_tags": (
        f"I'll check both. <tool_call>{ARRAY}</tool_call>",
        Expect(content="I'll check both. ", calls=(WEATHER, SEARCH)),
    ),
    "tool_calls_marker": (
        f"[TOOL_CALLS]{ARRAY}\nDone.",
        Expect(content="Done.", calls=(WEATHER, SEARCH)),
    ),
    # vLLM returns "<think>...</think>" as content here; we give the thinking as reasoning.
    "array_after_think": (
        f"<think>Two lookups.</think>\n{ARRAY}",
        Expect(reasoning="Two lookups.", calls=(WEATHER, SEARCH)),
    ),
    "text_after_the_fence_is_content": (
        f"```json\n{ARRAY}\n```\n\nDone.",
        Expect(content="Done.", calls=(WEATHER, SEARCH)),
    ),
    "a_code_fence_is_content": (
        "Use this:\n```python\nprint([1, 2])\n```",
        Expect(content="Use this:\n```python\nprint([1, 2])\n```"),
    ),
    "a_fenced_array_without_calls_is_content": (
        "```json\n[1, 2]\n```",
        Expect(content="```json\n[1, 2]\n```"),
    ),
    "prose_then_a_bare_array_is_content": (
        f"Here: {ARRAY}",
        Expect(content=f"Here: {ARRAY}"),
    ),
    "a_bare_object_is_content": (
        OBJ_W,
        Expect(content=OBJ_W),
    ),
    "parameters_for_arguments": (
        '[{"name": "f", "parameters": {"a": 1}}]',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "fence_inside_a_string_is_text": (
        '```json\n[{"name": "f", "arguments": {"s": "```"}}]\n```',
        Expect(calls=(Call("f", '{"s": "```"}'),)),
    ),
    "unterminated_call_at_the_end": (
        '```json\n[{"name": "f", "arguments": {"a": 1}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "two_fenced_arrays": (
        '```json\n[{"name": "f", "arguments": {}}]\n```\nthen\n```json\n[{"name": "g", "arguments": {}}]\n```',
        Expect(content="then\n", calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_prompt_opened_reasoning() -> None:
    check(f"plan</think>{ARRAY}", Expect(reasoning="plan", calls=(WEATHER, SEARCH)), start_in_reasoning=True)
