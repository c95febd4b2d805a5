"""Golden cases for Cohere Command (``cohere_command4``; vLLM's ``cohere_command3`` is an alias)
from DIALECTS-MORE.md §10: the action block's JSON array with Cohere's keys, the reply and
thinking wrappers, and the quirks listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

DIALECT = "cohere_command4"
BEIJING = Call("get_weather", '{"city": "Beijing"}')
SHANGHAI = Call("get_weather", '{"city": "Shanghai"}')
SPEC_ACTION = (
    '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": "Beijing"}},'
    ' {"tool_call_id": "1", "tool_name": "get_weather", "parameters": {"city": "Shanghai"}}]<|END_ACTION|>'
)


def check(text: str, expect: Expect, dialect: str = DIALECT) -> None:
    check_case(dialect, text, expect)
    batch = streamparse.parse(text, dialect, id_seed=0)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces) == expected, pieces


CASES: dict[str, tuple[str, Expect]] = {
    # DIALECTS-MORE.md §10's example.
    "spec_example": (
        f"<|START_THINKING|>I will check both cities.<|END_THINKING|>{SPEC_ACTION}",
        Expect(reasoning="I will check both cities.", calls=(BEIJING, SHANGHAI)),
    ),
    "end_of_turn_is_markup": (
        f"<|START_THINKING|>plan<|END_THINKING|>{SPEC_ACTION}<|END_OF_TURN_TOKEN|>",
        Expect(reasoning="plan", calls=(BEIJING, SHANGHAI)),
    ),
    # Parallel calls in one pretty-printed array (the chat template's layout).
    "pretty_printed_array": (
        '<|START_ACTION|>[\n    {"tool_call_id": "0", "tool_name": "f", "parameters": {"a": [1, 2]}},\n'
        '    {"tool_call_id": "1", "tool_name": "g", "parameters": {}}\n]<|END_ACTION|>',
        Expect(calls=(Call("f", '{"a": [1, 2]}'), Call("g", "{}"))),
    ),
    # The reply wrappers are markup (SGLang leaves <|START_RESPONSE|> in content).
    "reply_without_calls": (
        "<|START_THINKING|>Easy.<|END_THINKING|><|START_RESPONSE|>Hello!<|END_RESPONSE|><|END_OF_TURN_TOKEN|>",
        Expect(reasoning="Easy.", content="Hello!"),
    ),
    "moe_text_wrapper": (
        "<|START_TEXT|>Hello!<|END_TEXT|>",
        Expect(content="Hello!"),
    ),
    "reply_then_action": (
        f"<|START_RESPONSE|>Checking.<|END_RESPONSE|>{SPEC_ACTION}",
        Expect(content="Checking.", calls=(BEIJING, SHANGHAI)),
    ),
    # Key order does not matter; "name" is read as the name too (SGLang accepts it).
    "keys_in_another_order": (
        '<|START_ACTION|>[{"tool_name": "f", "parameters": {"x": 1}, "tool_call_id": "0"},'
        ' {"parameters": {"y": 2}, "tool_call_id": "1", "tool_name": "g"},'
        ' {"name": "h", "parameters": {}}]<|END_ACTION|>',
        Expect(calls=(Call("f", '{"x": 1}'), Call("g", '{"y": 2}'), Call("h", "{}"))),
    ),
    "end_marker_inside_a_string_is_text": (
        '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "echo", "parameters": {"s": "<|END_ACTION|>"}}]<|END_ACTION|>',
        Expect(calls=(Call("echo", '{"s": "<|END_ACTION|>"}'),)),
    ),
    "action_inside_thinking_is_reasoning": (
        f"<|START_THINKING|>maybe {SPEC_ACTION}<|END_THINKING|><|START_RESPONSE|>No.<|END_RESPONSE|>",
        Expect(reasoning=f"maybe {SPEC_ACTION}", content="No."),
    ),
    "block_without_a_call_is_content": (
        "<|START_ACTION|>[]<|END_ACTION|>",
        Expect(content="<|START_ACTION|>[]<|END_ACTION|>"),
    ),
    "object_that_is_not_a_call_is_content": (
        '<|START_ACTION|>[{"tool_call_id": "0", "city": "Beijing"}]<|END_ACTION|>',
        Expect(content='<|START_ACTION|>[{"tool_call_id": "0", "city": "Beijing"}]<|END_ACTION|>'),
    ),
    "missing_end_marker_ends_at_end_of_turn": (
        '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "f", "parameters": {}}]<|END_OF_TURN_TOKEN|>',
        Expect(calls=(Call("f", "{}"),)),
    ),
    "unterminated_call_at_the_end": (
        '<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "f", "parameters": {"a": "x',
        Expect(
            calls=(Call("f", '{"a": "x'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    "lookalikes_are_content": (
        "a <|START_ACTION and <|END_THINKING|> b",
        Expect(content="a <|START_ACTION and <|END_THINKING|> b"),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)


def test_cohere_command3_is_the_same_format() -> None:
    text, expect = CASES["spec_example"]
    check(text, expect, dialect="cohere_command3")


def test_model_ids_are_not_the_call_ids() -> None:
    result = streamparse.parse(CASES["spec_example"][0], DIALECT)
    assert [call.id[:5] for call in result.tool_calls] == ["call_", "call_"]
    assert result.tool_calls[0].id != result.tool_calls[1].id


def test_arguments_stream_before_the_array_closes() -> None:
    parser = streamparse.StreamParser(DIALECT)
    parser.feed('<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "f", "parameters": {"s": "he')
    delta = parser.feed("llo")
    assert delta == {"tool_calls": [{"index": 0, "function": {"arguments": "llo"}}]}
