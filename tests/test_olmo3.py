"""Golden cases for ``olmo3`` (DIALECTS-MORE.md, group B §9): one pythonic call per line inside
``<function_calls>``, JSON literals accepted.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

OLMO = "olmo3"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(OLMO, text, expect, start_in_reasoning=start_in_reasoning)


SPEC_CALLS = (
    Call("get_weather", args(city="Beijing", unit="celsius")),
    Call("search", args(query="Shanghai metro hours", top_k=3)),
)

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        'I\'ll check both.<function_calls>get_weather(city="Beijing", unit="celsius")\n'
        'search(query="Shanghai metro hours", top_k=3)</function_calls>',
        Expect(content="I'll check both.", calls=SPEC_CALLS),
    ),
    # JSON literals as well as Python ones.
    "json_and_python_literals": (
        "<function_calls>f(a=true, b=null, c=False, d=None, e=[1, 'x'])</function_calls>",
        Expect(calls=(Call("f", '{"a": true, "b": null, "c": false, "d": null, "e": [1, "x"]}'),)),
    ),
    "blank_lines_and_indentation_are_markup": (
        "<function_calls>\n  f()\n\n  g(x=1)\n</function_calls>",
        Expect(calls=(Call("f", "{}"), Call("g", args(x=1)))),
    ),
    "content_after_the_block": (
        "<function_calls>f()</function_calls> Done.",
        Expect(content=" Done.", calls=(Call("f", "{}"),)),
    ),
    "block_without_call_is_content": (
        "<function_calls>nothing here</function_calls>",
        Expect(content="<function_calls>nothing here</function_calls>"),
    ),
    # A positional argument is no call (vLLM's pythonic machinery takes keyword arguments only).
    "positional_call_between_calls_is_content": (
        "<function_calls>f(a=1)\nsay hi(3)\ng()</function_calls>",
        Expect(content="say hi(3)", calls=(Call("f", args(a=1)), Call("g", "{}"))),
    ),
    "call_cut_short": (
        "<function_calls>f(a='Rom",
        Expect(
            calls=(Call("f", '{"a": "Rom'),), incomplete=frozenset({0}), problems=((0, "invalid_arguments"),)
        ),
    ),
    "block_inside_reasoning_is_reasoning_text": (
        "<think>x <function_calls>f()</function_calls></think>Hi",
        Expect(reasoning="x <function_calls>f()</function_calls>", content="Hi"),
    ),
    "dotted_name": (
        "<function_calls>weather.forecast(city='Oslo')</function_calls>",
        Expect(calls=(Call("weather.forecast", args(city="Oslo")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_olmo3_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_prompt_opened_reasoning() -> None:
    # Olmo 3 Think: the template opens <think>.
    check(
        "Plan.</think>Sure.<function_calls>f()</function_calls>",
        Expect(reasoning="Plan.", content="Sure.", calls=(Call("f", "{}"),)),
        start_in_reasoning=True,
    )
