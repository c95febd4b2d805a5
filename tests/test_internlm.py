"""Golden cases for InternLM2 / Intern-S1 (``internlm``, SGLang ``interns1``) from
DIALECTS-MORE.md (group B, §21): ``<|action_start|><|plugin|>`` blocks of one JSON object.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

import streamparse

DIALECT = "internlm"
WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)
OBJ_W = f'{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}'
OBJ_S = f'{{"name": "search", "arguments": {SEARCH_ARGS}}}'


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


START = "<|action_start|><|plugin|>\n"
END = "<|action_end|>"
OBJ_WP = OBJ_W.replace('"arguments"', '"parameters"')
OBJ_SP = OBJ_S.replace('"arguments"', '"parameters"')

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"I'll check both.{START}{OBJ_WP}{END}{START}{OBJ_SP}{END}",
        Expect(content="I'll check both.", calls=(WEATHER, SEARCH)),
    ),
    # SGLang only matches this spelling, vLLM only the one above.
    "spaced_tokens": (
        f"<|action_start|> <|plugin|>\n{OBJ_WP}{END}",
        Expect(calls=(WEATHER,)),
    ),
    "arguments_key": (f"{START}{OBJ_W}{END}", Expect(calls=(WEATHER,))),
    "text_between_blocks_is_content": (
        f"{START}{OBJ_WP}{END}\nand\n{START}{OBJ_SP}{END}",
        Expect(content="\nand\n", calls=(WEATHER, SEARCH)),
    ),
    "interpreter_block_is_content": (
        "<|action_start|><|interpreter|>\nprint(1)<|action_end|>",
        Expect(content="<|action_start|><|interpreter|>\nprint(1)<|action_end|>"),
    ),
    "block_without_a_call_is_content": (
        f"{START}not json{END}",
        Expect(content=f"{START}not json{END}"),
    ),
    "missing_end_ends_at_the_next_block": (
        f"{START}{OBJ_WP}{START}{OBJ_SP}{END}",
        Expect(calls=(WEATHER, SEARCH)),
    ),
    "end_token_inside_a_string_is_text": (
        f'{START}{{"name": "echo", "parameters": {{"s": "<|action_end|>"}}}}{END}',
        Expect(calls=(Call("echo", '{"s": "<|action_end|>"}'),)),
    ),
    "unterminated_block_at_the_end": (
        f"{START}{OBJ_WP}",
        Expect(calls=(WEATHER,)),
    ),
    # Intern-S1 (SGLang interns1: Qwen3 reasoning).
    "intern_s1_reasoning": (
        f"<think>Two lookups.</think>I'll check.{START}{OBJ_WP}{END}",
        Expect(reasoning="Two lookups.", content="I'll check.", calls=(WEATHER,)),
    ),
    "block_inside_reasoning_is_reasoning": (
        f"<think>{START}{OBJ_WP}{END}</think>ok",
        Expect(reasoning=f"{START}{OBJ_WP}{END}", content="ok"),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_interns1_is_the_same_format() -> None:
    text = f"<think>x</think><|action_start|> <|plugin|>\n{OBJ_WP}<|action_end|>"
    assert streamparse.parse(text, "interns1", id_seed=0) == streamparse.parse(text, DIALECT, id_seed=0)
