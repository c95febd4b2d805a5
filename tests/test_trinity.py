"""Golden cases for Arcee Trinity (``trinity``) from DIALECTS-MORE.md (group B, §2): hermes,
and ``<tool_call>`` blocks written inside ``<think>`` are calls.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

import streamparse

DIALECT = "trinity"
WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)
OBJ_W = f'{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}'
OBJ_S = f'{{"name": "search", "arguments": {SEARCH_ARGS}}}'


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


BLOCK_W = f"<tool_call>\n{OBJ_W}\n</tool_call>"
BLOCK_S = f"<tool_call>\n{OBJ_S}\n</tool_call>"

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"<think>Need both facts.</think>I'll check both.\n{BLOCK_W}\n{BLOCK_S}",
        Expect(reasoning="Need both facts.", content="I'll check both.\n\n", calls=(WEATHER, SEARCH)),
    ),
    "calls_inside_reasoning": (
        f"<think>Need both facts.\n{BLOCK_W}\n{BLOCK_S}\nDone.</think>Here you go.",
        Expect(reasoning="Need both facts.\n\n\nDone.", content="Here you go.", calls=(WEATHER, SEARCH)),
    ),
    "call_inside_then_after_reasoning": (
        f"<think>a {BLOCK_W} b</think>c\n{BLOCK_S}",
        Expect(reasoning="a  b", content="c\n", calls=(WEATHER, SEARCH)),
    ),
    "block_without_a_call_inside_reasoning_is_reasoning": (
        "<think>x <tool_call>not json</tool_call> y</think>z",
        Expect(reasoning="x <tool_call>not json</tool_call> y", content="z"),
    ),
    "stray_text_in_a_block_inside_reasoning_is_reasoning": (
        f"<think><tool_call>\n{OBJ_W} oops\n</tool_call>r</think>",
        Expect(reasoning="oopsr", calls=(WEATHER,)),
    ),
    "unterminated_block_inside_reasoning": (
        f"<think>plan {BLOCK_W[:-12]}",
        Expect(reasoning="plan ", calls=(WEATHER,)),
    ),
    "hermes_dict_object_inside_reasoning": (
        "<think><tool_call>{'name': 'f', 'arguments': {'a': True}}</tool_call></think>ok",
        Expect(content="ok", calls=(Call("f", '{"a": true}'),)),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_prompt_opened_reasoning() -> None:
    check(
        f"plan {BLOCK_W} more</think>ok",
        Expect(reasoning="plan  more", content="ok", calls=(WEATHER,)),
        start_in_reasoning=True,
    )


def test_hermes_keeps_such_blocks_in_the_reasoning() -> None:
    result = streamparse.parse(f"<think>a {BLOCK_W}</think>", "hermes")
    assert result.tool_calls == [] and result.reasoning_content == f"a {BLOCK_W}"
