"""Golden cases for Phi-4-mini (``phi4_mini_json``) from DIALECTS-MORE.md (group B, §20):
``functools`` and a JSON array of call objects.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

DIALECT = "phi4_mini_json"
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
        f"I'll check both. functools{ARRAY}",
        Expect(content="I'll check both. ", calls=(WEATHER, SEARCH)),
    ),
    "calls_alone": (f"functools{ARRAY}", Expect(calls=(WEATHER, SEARCH))),
    "parameters_for_arguments": (
        'functools[{"name": "f", "parameters": {"a": 1}}]',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "whitespace_before_the_bracket": (
        'functools \n[{"name": "f", "arguments": {}}]',
        Expect(calls=(Call("f", "{}"),)),
    ),
    # vLLM's regex stops at the first "]": the array inside the arguments breaks its parse.
    "array_inside_the_arguments": (
        'functools[{"name": "f", "arguments": {"a": [1, 2]}}]',
        Expect(calls=(Call("f", '{"a": [1, 2]}'),)),
    ),
    "the_word_alone_is_content": (
        "Python's functools module has lru_cache.",
        Expect(content="Python's functools module has lru_cache."),
    ),
    "an_array_without_calls_is_content": (
        "functools[1, 2]",
        Expect(content="functools[1, 2]"),
    ),
    "text_after_the_array_is_content": (
        'functools[{"name": "f", "arguments": {}}]\n  Done.',
        Expect(content="Done.", calls=(Call("f", "{}"),)),
    ),
    "a_second_array": (
        'functools[{"name": "f", "arguments": {}}] and functools[{"name": "g", "arguments": {}}]',
        Expect(content="and ", calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    "unterminated_call_at_the_end": (
        'functools[{"name": "f", "arguments": {"a": 1}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "bare_array_is_content": (
        '[{"name": "f", "arguments": {}}]',
        Expect(content='[{"name": "f", "arguments": {}}]'),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)
