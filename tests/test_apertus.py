"""Golden cases for Swiss AI Apertus (``apertus``, SGLang ``apertus2509``) from DIALECTS-MORE.md
(group B, §14): name-keyed call objects in ``<|tools_prefix|>[...]<|tools_suffix|>`` and interleaved
``<|inner_prefix|>`` reasoning.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut, stream_summary, summary

import streamparse

DIALECT = "apertus"
WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)
OBJ_W = f'{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}'
OBJ_S = f'{{"name": "search", "arguments": {SEARCH_ARGS}}}'


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


P, S = "<|tools_prefix|>", "<|tools_suffix|>"
IP, IS = "<|inner_prefix|>", "<|inner_suffix|>"
ARRAY = f'[{{"get_weather": {WEATHER_ARGS}}}, {{"search": {SEARCH_ARGS}}}]'

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"{IP}Two lookups.{IS}I'll check both. {P}{ARRAY}{S}",
        Expect(reasoning="Two lookups.", content="I'll check both. ", calls=(WEATHER, SEARCH)),
    ),
    "calls_alone": (f"{P}{ARRAY}{S}", Expect(calls=(WEATHER, SEARCH))),
    "pretty_printed_array": (
        f'{P}[\n  {{"get_weather": {WEATHER_ARGS}}},\n  {{"search": {SEARCH_ARGS}}}\n]{S}',
        Expect(calls=(WEATHER, SEARCH)),
    ),
    "several_reasoning_blocks_interleaved_with_tool_blocks": (
        f'{IP}First.{IS}{P}[{{"get_weather": {WEATHER_ARGS}}}]{S}{IP}Second.{IS}{P}[{{"search": {SEARCH_ARGS}}}]{S}Done.',
        Expect(reasoning="First.Second.", content="Done.", calls=(WEATHER, SEARCH)),
    ),
    # SGLang lifts a tool block out of the reasoning; the reasoning resumes after it.
    "tool_block_inside_reasoning_is_a_call": (
        f'{IP}Let me look. {P}[{{"get_weather": {WEATHER_ARGS}}}]{S} Now answer.{IS}Sunny.',
        Expect(reasoning="Let me look.  Now answer.", content="Sunny.", calls=(WEATHER,)),
    ),
    "block_without_a_call_inside_reasoning_is_reasoning": (
        f"{IP}x {P}[not a call]{S} y{IS}z",
        Expect(reasoning=f"x {P}[not a call]{S} y", content="z"),
    ),
    "empty_arguments": (f'{P}[{{"ping": {{}}}}]{S}', Expect(calls=(Call("ping", "{}"),))),
    "name_with_escapes": (
        f'{P}[{{"caf\\u00e9": {{}}}}]{S}',
        Expect(calls=(Call("café", "{}"),)),
    ),
    "empty_object_is_content": (f"{P}[{{}}]{S}", Expect(content=f"{P}[{{}}]{S}")),
    "prefix_without_an_array_is_content": (f"{P}hello{S}", Expect(content=f"{P}hello{S}")),
    "suffix_inside_a_string_is_text": (
        f'{P}[{{"echo": {{"s": "{S}"}}}}]{S}',
        Expect(calls=(Call("echo", f'{{"s": "{S}"}}'),)),
    ),
    "missing_suffix_ends_at_the_next_block": (
        f'{P}[{{"f": {{}}}}]{P}[{{"g": {{}}}}]{S}',
        Expect(calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    "unterminated_call_at_the_end": (
        f'{P}[{{"f": {{"a": 1}}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "unterminated_block_inside_reasoning": (
        f'{IP}plan {P}[{{"f": {{"a": 1}}}}]',
        Expect(reasoning="plan ", calls=(Call("f", '{"a": 1}'),)),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_apertus2509_is_the_same_format() -> None:
    text = f"{IP}x{IS}{P}{ARRAY}{S}"
    assert streamparse.parse(text, "apertus2509", id_seed=0) == streamparse.parse(text, DIALECT, id_seed=0)


def test_arguments_stream_before_the_object_closes() -> None:
    parser = streamparse.StreamParser(DIALECT)
    parser.feed(f'{P}[{{"f": {{"s": "he')
    assert parser.feed("llo") == {"tool_calls": [{"index": 0, "function": {"arguments": "llo"}}]}


# Members after the name: skipped and flagged (a flag is no wire delta, so these are checked here).
FLAGGED = {
    "a_second_member": (
        f'{P}[{{"f": {{"a": 1}}, "g": {{}}}}]{S}',
        [("f", '{"a": 1}')],
        ["unexpected_member"],
    ),
    # {"name": ..., "arguments": ...} is read by its first key: a call named "name".
    "name_and_arguments_keys": (
        f'{P}[{{"name": "f", "arguments": {{}}}}]{S}',
        [("name", '"f"')],
        ["unexpected_member", "invalid_arguments"],
    ),
}


@pytest.mark.parametrize("label", sorted(FLAGGED))
def test_members_after_the_name_are_flagged(label: str) -> None:
    text, calls, kinds = FLAGGED[label]
    result = streamparse.parse(text, DIALECT, id_seed=0)
    assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == calls
    assert [p.kind for p in result.problems] == kinds
    expected = summary(result, with_incomplete=False)
    for cut in range(1, len(text)):
        assert stream_summary(DIALECT, [text[:cut], text[cut:]])["tool_calls"] == expected["tool_calls"]
