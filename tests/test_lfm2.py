"""Golden cases for ``lfm2`` (LiquidAI LFM2, LFM2.5) from DIALECTS-MORE.md §11: the example
and each quirk listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

import streamparse

LFM2 = "lfm2"
START, END = "<|tool_call_start|>", "<|tool_call_end|>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(LFM2, text, expect, start_in_reasoning=start_in_reasoning)


SPEC_EXAMPLE = (
    "<think>Two cities.</think>I'll check both cities.<|tool_call_start|>"
    '[get_weather(city="Beijing", days=3), get_weather(city="Shanghai", unit="celsius")]<|tool_call_end|>'
)
BOTH = (
    Call("get_weather", args(city="Beijing", days=3)),
    Call("get_weather", args(city="Shanghai", unit="celsius")),
)

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        SPEC_EXAMPLE,
        Expect(reasoning="Two cities.", content="I'll check both cities.", calls=BOTH),
    ),
    # The documented layout: the answer after the block is content, kept.
    "content_after_the_calls": (
        f'{START}[f(a="x")]{END}The weather is fine.',
        Expect(content="The weather is fine.", calls=(Call("f", args(a="x")),)),
    ),
    "content_on_both_sides": (
        f"Let me look.{START}[f()]{END} Done.",
        Expect(content="Let me look. Done.", calls=(Call("f", "{}"),)),
    ),
    "python_literals": (
        f"{START}[f(a=True, b=None, c=[1, 'x'], d={{'k': (1, 2)}})]{END}",
        Expect(calls=(Call("f", '{"a": true, "b": null, "c": [1, "x"], "d": {"k": [1, 2]}}'),)),
    ),
    "json_spellings": (
        f"{START}[f(a=true, b=null, c=false)]{END}",
        Expect(calls=(Call("f", '{"a": true, "b": null, "c": false}'),)),
    ),
    "whitespace_around_the_list_is_markup": (
        f"{START}\n[f(a=1) ,\n g(b=2)]\n{END}",
        Expect(calls=(Call("f", args(a=1)), Call("g", args(b=2)))),
    ),
    "a_list_without_the_marker_is_content": ('[f(a="x")]', Expect(content='[f(a="x")]')),
    "markers_without_a_list_are_content": (
        f"{START}no list{END} x",
        Expect(content=f"{START}no list{END} x"),
    ),
    "positional_argument_is_content": (
        f"{START}[f('Tokyo')]{END}",
        Expect(content=f"{START}[f('Tokyo')]{END}"),
    ),
    "missing_end_marker": (f'{START}[f(a="x")]', Expect(calls=(Call("f", args(a="x")),))),
    "dotted_name": (
        f"{START}[weather.forecast(days=2)]{END}",
        Expect(calls=(Call("weather.forecast", args(days=2)),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lfm2_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_reasoning() -> None:
    check("plan</think>Hi", Expect(reasoning="plan", content="Hi"), start_in_reasoning=True)
    # A call list inside the reasoning is reasoning text.
    inside = f"<think>plan {START}[f()]{END}</think>Hi"
    check(inside, Expect(reasoning=f"plan {START}[f()]{END}", content="Hi"))


def test_arguments_stream_as_they_arrive() -> None:
    parser = streamparse.StreamParser(LFM2)
    parser.feed(f'Hi{START}[f(a="he')
    delta = parser.feed("llo wor")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "llo wor"
