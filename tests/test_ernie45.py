"""Golden cases for ``ernie45`` (DIALECTS-MORE.md, group B §12): hermes calls after the reasoning,
``<response>`` tags and the newlines after ``</think>`` as markup.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces. The prompt
opened ``<think>`` (``start_in_reasoning=True``) unless a case says otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

ERNIE = "ernie45"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def block(name: str, arguments: str) -> str:
    return f'<tool_call>\n{{"name": "{name}", "arguments": {arguments}}}\n</tool_call>'


def check(text: str, expect: Expect, start_in_reasoning: bool = True) -> None:
    check_case(ERNIE, text, expect, start_in_reasoning=start_in_reasoning)
    batch = streamparse.parse(text, ERNIE, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(ERNIE, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


WEATHER = args(city="Beijing", unit="celsius")
SEARCH = args(query="Shanghai metro hours", top_k=3)

CASES: dict[str, tuple[str, Expect]] = {
    # The example of the spec, as written.
    "spec_example": (
        f"Two lookups.\n</think>\n\nI'll check both.\n{block('get_weather', WEATHER)}\n{block('search', SEARCH)}",
        Expect(
            reasoning="Two lookups.\n",
            content="I'll check both.\n\n",
            calls=(Call("get_weather", WEATHER), Call("search", SEARCH)),
        ),
    ),
    # The thinking template's layout with calls and no text: the newlines after </think> are markup.
    "calls_right_after_reasoning": (
        f"Two lookups.\n</think>\n\n\n{block('get_weather', WEATHER)}",
        Expect(reasoning="Two lookups.\n", calls=(Call("get_weather", WEATHER),)),
    ),
    # An answer without calls, wrapped in <response> (markup, as vLLM's reasoning parser drops it).
    "response_wrapper": (
        "Just a greeting.\n</think>\n\n<response>\nHello! How can I help?\n</response>\n",
        Expect(reasoning="Just a greeting.\n", content="Hello! How can I help?\n"),
    ),
    "response_wrapper_cut_short": (
        "x\n</think>\n\n<response>\nHel",
        Expect(reasoning="x\n", content="Hel"),
    ),
    # Only newlines are markup after a tag: other whitespace is content.
    "space_after_think_is_content": ("x</think>\n  Hi", Expect(reasoning="x", content="  Hi")),
    "response_tag_inside_content_is_markup": (
        "x</think>a<response>b</response>c",
        Expect(reasoning="x", content="abc"),
    ),
    # vLLM's reasoning parser reads calls only after </think>.
    "call_inside_reasoning_is_reasoning_text": (
        f"plan {block('f', '{}')}</think>Hi",
        Expect(reasoning=f"plan {block('f', '{}')}", content="Hi"),
    ),
    "response_tag_inside_reasoning_is_reasoning_text": (
        "a <response> b</think>c",
        Expect(reasoning="a <response> b", content="c"),
    ),
    "block_without_call_is_content": (
        "x</think>\n<tool_call>\nnot json\n</tool_call>",
        Expect(reasoning="x", content="<tool_call>\nnot json\n</tool_call>"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ernie45_golden(name: str) -> None:
    text, expect = CASES[name]
    check(text, expect)


def test_without_the_prompt_opened_reasoning() -> None:
    check(
        f"<think>\nplan\n</think>\n\n{block('f', '{}')}",
        Expect(reasoning="\nplan\n", calls=(Call("f", "{}"),)),
        start_in_reasoning=False,
    )
    check("Hi <response>there</response>", Expect(content="Hi there"), start_in_reasoning=False)
