"""Golden cases for Granite 3.0/3.1 (``granite``) and granite-20b-functioncalling
(``granite_20b_fc``) from DIALECTS-MORE.md §9, and the check that ``granite4`` stays Hermes.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

BEIJING = Call("get_weather", '{"city": "Beijing"}')
SHANGHAI = Call("get_weather", '{"city": "Shanghai"}')
BEIJING_OBJECT = '{"name": "get_weather", "arguments": {"city": "Beijing"}}'
SHANGHAI_OBJECT = '{"name": "get_weather", "arguments": {"city": "Shanghai"}}'
ARRAY = f"[{BEIJING_OBJECT}, {SHANGHAI_OBJECT}]"


def check(dialect: str, text: str, expect: Expect) -> None:
    check_case(dialect, text, expect)
    batch = streamparse.parse(text, dialect, id_seed=0)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces) == expected, pieces


GRANITE_CASES: dict[str, tuple[str, Expect]] = {
    # Granite 3.0: the special token.
    "granite_3_0_token": (f"<|tool_call|>{ARRAY}", Expect(calls=(BEIJING, SHANGHAI))),
    # Granite 3.1: the text tag, with whitespace around the array.
    "granite_3_1_text_tag": (f"<tool_call> {ARRAY}\n", Expect(calls=(BEIJING, SHANGHAI))),
    # skip_special_tokens drops <|tool_call|>: a bare array at the start is the calls.
    "bare_array_at_the_start": (f"\n{ARRAY}", Expect(calls=(BEIJING, SHANGHAI))),
    "prose_before_the_marker_is_content": (
        f"I'll check both.<|tool_call|>{ARRAY}",
        Expect(content="I'll check both.", calls=(BEIJING, SHANGHAI)),
    ),
    "pretty_printed_array": (
        '<|tool_call|>[\n  {"name": "f", "arguments": {"a": [1, "]"]}},\n  {"arguments": {}, "name": "g"}\n]',
        Expect(calls=(Call("f", '{"a": [1, "]"]}'), Call("g", "{}"))),
    ),
    "text_after_the_array_is_content": (
        f"<|tool_call|>{ARRAY}\n\nDone.",
        Expect(content="Done.", calls=(BEIJING, SHANGHAI)),
    ),
    "marker_without_an_array_is_content": (
        "Use <tool_call> tags, or <|tool_call|>{} objects.",
        Expect(content="Use <tool_call> tags, or <|tool_call|>{} objects."),
    ),
    "array_without_a_call_is_content": ("<|tool_call|>[1, 2]", Expect(content="<|tool_call|>[1, 2]")),
    "prose_that_starts_with_a_bracket_is_content": ("[1] Beijing", Expect(content="[1] Beijing")),
    "bracket_in_prose_is_content": (f"See [1]. {ARRAY}", Expect(content=f"See [1]. {ARRAY}")),
    # The text ends after an object's "{": held, then content (nothing is dropped).
    "unterminated_array": (
        f"<|tool_call|>[{BEIJING_OBJECT}, {{",
        Expect(content="{", calls=(BEIJING,)),
    ),
}

GRANITE_20B_FC_CASES: dict[str, tuple[str, Expect]] = {
    "parallel_calls_repeat_the_marker": (
        f"<function_call> {BEIJING_OBJECT} <function_call> {SHANGHAI_OBJECT}",
        Expect(calls=(BEIJING, SHANGHAI)),
    ),
    "content_before_the_first_marker": (
        f"I'll check both cities.\n<function_call>{BEIJING_OBJECT}\n<function_call>{SHANGHAI_OBJECT}",
        Expect(content="I'll check both cities.\n", calls=(BEIJING, SHANGHAI)),
    ),
    "text_after_a_call_is_content": (
        f"<function_call> {BEIJING_OBJECT}\nDone.",
        Expect(content="Done.", calls=(BEIJING,)),
    ),
    "marker_without_an_object_is_content": (
        "Write <function_call> then JSON.",
        Expect(content="Write <function_call> then JSON."),
    ),
    "object_that_is_not_a_call_is_content": (
        '<function_call> {"city": "Beijing"}',
        Expect(content='<function_call> {"city": "Beijing"}'),
    ),
    "marker_inside_a_string_is_text": (
        '<function_call> {"name": "echo", "arguments": {"s": "<function_call> {}"}}',
        Expect(calls=(Call("echo", '{"s": "<function_call> {}"}'),)),
    ),
    "broken_object_then_next_call": (
        '<function_call> {"name": "f", "arguments": {"a": 1} <function_call> {"name": "g", "arguments": {}}',
        Expect(calls=(Call("f", '{"a": 1}'), Call("g", "{}"))),
    ),
}


@pytest.mark.parametrize("label", sorted(GRANITE_CASES))
def test_granite(label: str) -> None:
    text, expect = GRANITE_CASES[label]
    check("granite", text, expect)


@pytest.mark.parametrize("label", sorted(GRANITE_20B_FC_CASES))
def test_granite_20b_fc(label: str) -> None:
    text, expect = GRANITE_20B_FC_CASES[label]
    check("granite_20b_fc", text, expect)


def test_granite_20b_fc_engine_name() -> None:
    assert streamparse.StreamParser("granite-20b-fc").dialect == "granite_20b_fc"


def test_granite4_stays_hermes() -> None:
    # Granite 4.0 / 4.1: <tool_call>{...}</tool_call> blocks with content between them.
    assert streamparse.StreamParser("granite4").dialect == "hermes"
    text = f"Checking.<tool_call>{BEIJING_OBJECT}</tool_call>\n<tool_call>{SHANGHAI_OBJECT}</tool_call>"
    check("granite4", text, Expect(content="Checking.\n", calls=(BEIJING, SHANGHAI)))
