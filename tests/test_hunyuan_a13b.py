"""Golden cases for Hunyuan-A13B (``hunyuan_a13b``) from DIALECTS-MORE.md §13: the vendor's
layout (reasoning, the ``<answer>`` wrapper, a JSON array in ``<tool_calls>``) and its quirks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

import streamparse

DIALECT = "hunyuan_a13b"
BEIJING = Call("get_weather", '{"city": "Beijing"}')
SHANGHAI = Call("get_weather", '{"city": "Shanghai"}')
ARRAY = (
    '[{"name": "get_weather", "arguments": {"city": "Beijing"}},'
    ' {"name": "get_weather", "arguments": {"city": "Shanghai"}}]'
)


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


CASES: dict[str, tuple[str, Expect]] = {
    # The vendor's agent document: slow thinking, then the block inside the answer.
    "vendor_example": (
        f"<think>\nTwo cities, so two calls.\n</think>\n<answer>\n<tool_calls>{ARRAY}</tool_calls>\n</answer>",
        Expect(content="\n\n\n", reasoning="\nTwo cities, so two calls.\n", calls=(BEIJING, SHANGHAI)),
    ),
    # Fast thinking (/no_think): an empty reasoning block, the answer without newlines.
    "fast_thinking": (
        f"<think>\n\n</think>\n<answer><tool_calls>{ARRAY}</tool_calls></answer>",
        Expect(content="\n", reasoning="\n\n", calls=(BEIJING, SHANGHAI)),
    ),
    "answer_without_calls": (
        "<think>\nplan\n</think>\n<answer>\n助手：Sunny in Shenzhen.\n</answer>",
        Expect(content="\n\n助手：Sunny in Shenzhen.\n", reasoning="\nplan\n"),
    ),
    "no_answer_wrapper": (
        f"I'll check.<tool_calls>{ARRAY}</tool_calls>",
        Expect(content="I'll check.", calls=(BEIJING, SHANGHAI)),
    ),
    "pretty_printed_array": (
        '<tool_calls>\n[\n  {"name": "f", "arguments": {"a": [1, 2]}},\n  {"name": "g", "arguments": {}}\n]\n</tool_calls>',
        Expect(calls=(Call("f", '{"a": [1, 2]}'), Call("g", "{}"))),
    ),
    "arguments_before_name": (
        '<tool_calls>[{"arguments": {"x": 1}, "name": "f"}]</tool_calls>',
        Expect(calls=(Call("f", '{"x": 1}'),)),
    ),
    "end_marker_inside_a_string_is_text": (
        '<tool_calls>[{"name": "echo", "arguments": {"s": "</tool_calls></answer>"}}]</tool_calls>',
        Expect(calls=(Call("echo", '{"s": "</tool_calls></answer>"}'),)),
    ),
    # vLLM ignores a block inside the reasoning: reasoning text.
    "block_inside_reasoning_is_reasoning": (
        f"<think>maybe <tool_calls>{ARRAY}</tool_calls></think><answer>Hi</answer>",
        Expect(reasoning=f"maybe <tool_calls>{ARRAY}</tool_calls>", content="Hi"),
    ),
    "block_without_a_call_is_content": (
        "<answer><tool_calls>[no calls here]</tool_calls></answer>",
        Expect(content="<tool_calls>[no calls here]</tool_calls>"),
    ),
    "object_that_is_not_a_call_is_content": (
        '<tool_calls>[{"city": "Beijing"}]</tool_calls>',
        Expect(content='<tool_calls>[{"city": "Beijing"}]</tool_calls>'),
    ),
    "missing_end_marker_ends_at_answer_close": (
        '<answer><tool_calls>[{"name": "f", "arguments": {}}]</answer>',
        Expect(calls=(Call("f", "{}"),)),
    ),
    "text_after_the_block_is_content": (
        f"<tool_calls>{ARRAY}</tool_calls> Done.",
        Expect(content=" Done.", calls=(BEIJING, SHANGHAI)),
    ),
    "stray_text_in_the_block_is_content": (
        '<tool_calls>[{"name": "f", "arguments": {}}, oops {"name": "g", "arguments": {}}]</tool_calls>',
        Expect(content="oops", calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    "unterminated_call_at_the_end": (
        '<tool_calls>[{"name": "f", "arguments": {"a": 1}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "python_tag_lookalikes_are_content": (
        "a < b and <answer/> or <tool_call>",
        Expect(content="a < b and <answer/> or <tool_call>"),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_prompt_opened_reasoning() -> None:
    check(
        f"plan\n</think>\n<answer>\n<tool_calls>{ARRAY}</tool_calls>\n</answer>",
        Expect(content="\n\n\n", reasoning="plan\n", calls=(BEIJING, SHANGHAI)),
        start_in_reasoning=True,
    )


def test_arguments_stream_before_the_array_closes() -> None:
    parser = streamparse.StreamParser(DIALECT)
    parser.feed('<tool_calls>[{"name": "f", "arguments": {"s": "he')
    delta = parser.feed("llo")
    assert delta == {"tool_calls": [{"index": 0, "function": {"arguments": "llo"}}]}
