"""Golden cases for GigaChat 3 (``gigachat3``) from DIALECTS-MORE.md (group B, §7): one JSON
call object after the ``function call<|role_sep|>`` role header or ``<|function_call|>``.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case_and_every_cut

DIALECT = "gigachat3"
WEATHER_ARGS = '{"city": "Beijing", "unit": "celsius"}'
SEARCH_ARGS = '{"query": "Shanghai metro hours", "top_k": 3}'
WEATHER = Call("get_weather", WEATHER_ARGS)
SEARCH = Call("search", SEARCH_ARGS)
OBJ_W = f'{{"name": "get_weather", "arguments": {WEATHER_ARGS}}}'
OBJ_S = f'{{"name": "search", "arguments": {SEARCH_ARGS}}}'


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case_and_every_cut(DIALECT, text, expect, start_in_reasoning=start_in_reasoning)


HEADER = "<|message_sep|>function call<|role_sep|>\n"

CASES: dict[str, tuple[str, Expect]] = {
    "spec_example": (
        f"Let me check.{HEADER}{OBJ_W}",
        Expect(content="Let me check.", calls=(WEATHER,)),
    ),
    # The template's layout (llama.cpp's GigaChat-v3 format): the newlines after the separator are markup.
    "template_layout": (
        f"Let me check.<|message_sep|>\n\nfunction call<|role_sep|>\n{OBJ_W}",
        Expect(content="Let me check.", calls=(WEATHER,)),
    ),
    "text_after_the_separator_is_content": ("Hello.<|message_sep|>\n\nMore.", Expect(content="Hello.More.")),
    "call_alone": (f"{HEADER}{OBJ_S}", Expect(calls=(SEARCH,))),
    "function_call_token": (
        f"Let me check.<|function_call|>{OBJ_W}",
        Expect(content="Let me check.", calls=(WEATHER,)),
    ),
    "end_of_text_is_markup": (f"{HEADER}{OBJ_W}</s>", Expect(calls=(WEATHER,))),
    "reply_without_a_call": ("Hello! How can I help?</s>", Expect(content="Hello! How can I help?")),
    "message_separator_is_markup": ("Hello.<|message_sep|>", Expect(content="Hello.")),
    # The peers parse JSON non-strictly: a raw newline inside a string passes through.
    "raw_control_character_in_a_string": (
        f'{HEADER}{{"name": "note", "arguments": {{"text": "a\nb"}}}}',
        Expect(calls=(Call("note", '{"text": "a\nb"}'),), problems=((0, "invalid_arguments"),)),
    ),
    "header_without_an_object_is_content": (
        f"Hi{HEADER}sorry",
        Expect(content="Hifunction call<|role_sep|>\nsorry"),
    ),
    "object_that_is_not_a_call_is_content": (
        f'{HEADER}{{"city": "Beijing"}}',
        Expect(content='function call<|role_sep|>\n{"city": "Beijing"}'),
    ),
    "arguments_before_name": (
        f'{HEADER}{{"arguments": {{"a": 1}}, "name": "f"}}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "unterminated_call_at_the_end": (
        f'{HEADER}{{"name": "f", "arguments": {{"a": 1}}',
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    "text_after_the_object_is_content": (
        f"{HEADER}{OBJ_W}\n  trailing",
        Expect(calls=(WEATHER,), content="trailing"),
    ),
    "two_calls_in_two_messages": (
        f"{HEADER}{OBJ_W}{HEADER}{OBJ_S}",
        Expect(calls=(WEATHER, SEARCH)),
    ),
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_golden(label: str) -> None:
    text, expect = CASES[label]
    check(text, expect)
