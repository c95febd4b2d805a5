"""Golden cases for ``gpt_oss`` (harmony) from DIALECTS.md §10, harmony's docs/format.md and the quirks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and must fold to the same result.
"""

from __future__ import annotations

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse

GPT_OSS = "gpt_oss"

# Harmony's special tokens, spelled out (the tests do not take them from the parser).
START = "<|start|>"
CHANNEL = "<|channel|>"
CONSTRAIN = "<|constrain|>"
MESSAGE = "<|message|>"
END = "<|end|>"
CALL = "<|call|>"
RETURN = "<|return|>"
ASSISTANT = START + "assistant"

BEIJING = '{"city":"Beijing"}'
SHANGHAI = '{"city":"Shanghai"}'


def call(name: str, arguments: str, *, first: bool = False) -> str:
    """A call message as the docs write it (recipient in the channel part, ``<|constrain|>json``)."""
    opening = "" if first else ASSISTANT
    return f"{opening}{CHANNEL}commentary to=functions.{name} {CONSTRAIN}json{MESSAGE}{arguments}{CALL}"


ANALYSIS = CHANNEL + "analysis" + MESSAGE

CASES = {
    # The literal two-call example of DIALECTS.md §10.
    "two_calls": (
        ANALYSIS + "Need both cities." + END + call("get_weather", BEIJING) + call("get_weather", SHANGHAI),
        Expect(
            reasoning="Need both cities.", calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))
        ),
    ),
    # docs/format.md, "Example output".
    "analysis_then_final": (
        ANALYSIS
        + 'User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.'
        + END
        + ASSISTANT
        + CHANNEL
        + "final"
        + MESSAGE
        + "2 + 2 = 4."
        + RETURN,
        Expect(
            reasoning='User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.', content="2 + 2 = 4."
        ),
    ),
    # docs/format.md, "Preambles": a recipient-less commentary message is content;
    # no space before <|constrain|>.
    "preamble_then_call": (
        ANALYSIS
        + "plan"
        + END
        + ASSISTANT
        + CHANNEL
        + "commentary"
        + MESSAGE
        + "**Action plan**:\n1. Generate an HTML file"
        + END
        + ASSISTANT
        + CHANNEL
        + "commentary to=functions.generate_file"
        + CONSTRAIN
        + "json"
        + MESSAGE
        + '{"template": "basic_html", "path": "index.html"}'
        + CALL,
        Expect(
            reasoning="plan",
            content="**Action plan**:\n1. Generate an HTML file",
            calls=(Call("generate_file", '{"template": "basic_html", "path": "index.html"}'),),
        ),
    ),
    "recipient_in_role_part": (
        ANALYSIS
        + "x"
        + END
        + ASSISTANT
        + " to=functions.get_weather"
        + CHANNEL
        + "commentary "
        + CONSTRAIN
        + "json"
        + MESSAGE
        + BEIJING
        + CALL,
        Expect(reasoning="x", calls=(Call("get_weather", BEIJING),)),
    ),
    # The first message's role part follows the prompt's <|start|>assistant;
    # "json" written as a word instead of <|constrain|>json is ignored.
    "recipient_in_first_role_part": (
        " to=functions.get_weather" + CHANNEL + "commentary json" + MESSAGE + BEIJING + CALL,
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "no_constrain": (
        CHANNEL + "commentary to=functions.get_weather" + MESSAGE + BEIJING + CALL,
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    "namespaced_name_with_dots_and_dashes": (
        call("mcp.calendar-v2.list_events", '{"day":"mon"}', first=True),
        Expect(calls=(Call("mcp.calendar-v2.list_events", '{"day":"mon"}'),)),
    ),
    # Any channel: the recipient makes the call.
    "function_call_from_analysis_channel": (
        CHANNEL + "analysis to=functions.f" + MESSAGE + "{}" + CALL,
        Expect(calls=(Call("f", "{}"),)),
    ),
    "empty_body_gets_empty_object": (
        CHANNEL + "commentary to=functions.now" + MESSAGE + CALL,
        Expect(calls=(Call("now", "{}"),)),
    ),
    "whitespace_around_arguments_is_markup": (
        CHANNEL + "commentary to=functions.f" + MESSAGE + ' \n{"a": 1}\n ' + CALL,
        Expect(calls=(Call("f", '{"a": 1}'),)),
    ),
    # A server that does not stop at <|call|>: the final answer after the call is content.
    "final_after_call": (
        call("f", "{}", first=True) + ASSISTANT + CHANNEL + "final" + MESSAGE + "Done." + RETURN,
        Expect(content="Done.", calls=(Call("f", "{}"),)),
    ),
    "reasoning_messages_concatenate": (
        ANALYSIS + "a" + END + ASSISTANT + ANALYSIS + "b" + END,
        Expect(reasoning="ab"),
    ),
    # Built-in tools are not function calls: the body stays reasoning.
    "built_in_browser_tool": (
        ANALYSIS
        + "look it up"
        + END
        + ASSISTANT
        + CHANNEL
        + "analysis to=browser.search"
        + MESSAGE
        + '{"query":"x"}'
        + CALL,
        Expect(reasoning='look it up{"query":"x"}'),
    ),
    "built_in_python_tool": (
        CHANNEL + "analysis to=python" + MESSAGE + "print(1)" + CALL,
        Expect(reasoning="print(1)"),
    ),
    # A message to any non-function recipient is not for the user, whatever the channel
    # (here a tool's reply the model wrote itself, as harmony renders tool messages).
    "non_function_recipient_on_commentary": (
        START
        + "functions.get_weather to=assistant"
        + CHANNEL
        + "commentary"
        + MESSAGE
        + '{"sunny": true}'
        + END,
        Expect(reasoning='{"sunny": true}'),
    ),
    "same_recipient_twice_is_one_call": (
        ASSISTANT + " to=functions.f" + CHANNEL + "commentary to=functions.f" + MESSAGE + "{}" + CALL,
        Expect(calls=(Call("f", "{}"),)),
    ),
    "different_recipients_are_content": (
        ASSISTANT + " to=functions.a" + CHANNEL + "commentary to=functions.b" + MESSAGE + "{}" + CALL,
        Expect(
            content=ASSISTANT + " to=functions.a" + CHANNEL + "commentary to=functions.b" + MESSAGE + "{}"
        ),
    ),
    "two_channels_are_content": (
        ASSISTANT + CHANNEL + "analysis" + CHANNEL + "final" + MESSAGE + "hi" + RETURN,
        Expect(content=ASSISTANT + CHANNEL + "analysis" + CHANNEL + "final" + MESSAGE + "hi"),
    ),
    "channel_without_name_is_content": (
        CHANNEL + MESSAGE + "hi" + END,
        Expect(content=CHANNEL + MESSAGE + "hi"),
    ),
    "functions_without_name_is_content": (
        CHANNEL + "commentary to=functions." + MESSAGE + "{}" + CALL,
        Expect(content=CHANNEL + "commentary to=functions." + MESSAGE + "{}"),
    ),
    # A stray <|start|> ends the header it interrupts (content) and starts a new one.
    "stray_start_in_header": (
        START + ASSISTANT + CHANNEL + "final" + MESSAGE + "hi" + RETURN,
        Expect(content=START + "hi"),
    ),
    "start_inside_body_ends_it": (
        ANALYSIS + "think" + ASSISTANT + CHANNEL + "final" + MESSAGE + "hi",
        Expect(reasoning="think", content="hi"),
    ),
    "next_call_ends_unterminated_call": (
        CHANNEL + "commentary to=functions.a" + MESSAGE + "{}" + call("b", "{}"),
        Expect(calls=(Call("a", "{}"), Call("b", "{}"))),
    ),
    "unterminated_header_is_content": (
        ANALYSIS + "hm" + END + ASSISTANT + CHANNEL + "commentary to=functions.f",
        Expect(reasoning="hm", content=ASSISTANT + CHANNEL + "commentary to=functions.f"),
    ),
    "terminator_inside_header_is_content": (
        ASSISTANT + CHANNEL + "final" + END + "tail",
        Expect(content=ASSISTANT + CHANNEL + "final" + "tail"),
    ),
    "header_longer_than_limit_is_content": (
        ASSISTANT + CHANNEL + "commentary " + "x" * 1100 + MESSAGE + "{}" + CALL,
        Expect(content=ASSISTANT + CHANNEL + "commentary " + "x" * 1100 + MESSAGE + "{}"),
    ),
    "header_markers_are_bounded_too": (
        ASSISTANT + CHANNEL + "final" + CONSTRAIN * 100 + MESSAGE + "hi" + RETURN,
        Expect(content=ASSISTANT + CHANNEL + "final" + CONSTRAIN * 100 + MESSAGE + "hi"),
    ),
    "headerless_output_is_content": (
        "the answer is 4" + RETURN,
        Expect(content="the answer is 4"),
    ),
    "text_before_a_header_is_content": (
        "Hello " + ASSISTANT + CHANNEL + "final" + MESSAGE + "world" + RETURN,
        Expect(content="Hello world"),
    ),
    "only_whitespace_is_content": ("  \n", Expect(content="  \n")),
    "only_a_t_is_content": ("t", Expect(content="t")),
    # The role part overflows MAX_HEADER and is content; the header after it still counts.
    "long_role_part_is_content": (
        " to=functions." + "f" * 1100 + CHANNEL + "final" + MESSAGE + "!",
        Expect(content=" to=functions." + "f" * 1100 + "!"),
    ),
    "to_at_start_that_is_no_header_is_content": (
        " to=x is an assignment" + CHANNEL + "final" + MESSAGE + "!" + RETURN,
        Expect(content=" to=x is an assignment!"),
    ),
    "message_and_constrain_in_content_are_text": (
        CHANNEL + "final" + MESSAGE + "a" + MESSAGE + CONSTRAIN + "b" + RETURN,
        Expect(content="a" + MESSAGE + CONSTRAIN + "b"),
    ),
    "unicode_and_escapes": (
        call("say", '{"text":"北京 \\"q\\" \\\\ 😀 <|x|>"}', first=True),
        Expect(calls=(Call("say", '{"text":"北京 \\"q\\" \\\\ 😀 <|x|>"}'),)),
    ),
    # A call open at the end of the text is complete unless the stream was cut.
    "truncated_call": (
        ANALYSIS + "go" + END + ASSISTANT + CHANNEL + "commentary to=functions.f" + MESSAGE + '{"a": 1}',
        Expect(reasoning="go", calls=(Call("f", '{"a": 1}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gpt_oss_golden(name: str) -> None:
    text, expect = CASES[name]
    check_case(GPT_OSS, text, expect)


def test_truncated_call_with_length_is_incomplete() -> None:
    text = CHANNEL + "commentary to=functions.f" + MESSAGE + '{"a": "x'
    check_case(
        GPT_OSS,
        text,
        Expect(
            calls=(Call("f", '{"a": "x'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_prompt_opened_analysis() -> None:
    text = "plan" + END + ASSISTANT + CHANNEL + "final" + MESSAGE + "Hi" + RETURN
    result = streamparse.parse(text, GPT_OSS, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan", "Hi")
    # Without the option the same text is content (and the header still works).
    assert streamparse.parse(text, GPT_OSS).content == "planHi"


def test_call_name_is_sent_at_message_marker() -> None:
    parser = streamparse.StreamParser(GPT_OSS, id_seed=0)
    assert parser.feed(CHANNEL + "commentary to=functions.get_weather <|constrain|>json") is None
    delta = parser.feed(MESSAGE + '{"ci')
    assert delta is not None
    (chunk,) = delta["tool_calls"]
    assert chunk["function"] == {"name": "get_weather", "arguments": '{"ci'}


def test_leading_whitespace_is_released_when_no_header_follows() -> None:
    parser = streamparse.StreamParser(GPT_OSS)
    assert parser.feed("  ") is None
    assert parser.feed("Hi") == {"content": "  Hi"}


def test_non_ascii_whitespace_is_content_at_once() -> None:
    # Harmony splits headers on ASCII whitespace only: a form feed cannot start a role part.
    parser = streamparse.StreamParser(GPT_OSS)
    assert parser.feed("\x0c") == {"content": "\x0c"}


def test_whitespace_before_a_possible_end_marker_is_held_with_it() -> None:
    # U+2028 then "<" inside a string: if "|call|>" followed, the U+2028 would be trailing
    # whitespace of the arguments, so both are held, then released as string text.
    head = "<|channel|>commentary to=functions.f<|message|>"
    parser = streamparse.StreamParser(GPT_OSS, id_seed=0)
    first = parser.feed_events(head + '{"k\u2028<')
    sent = "".join(e.text for e in first if isinstance(e, streamparse.CallArguments))
    assert sent == '{"k'
    rest = parser.feed_events('/x": 1}<|call|>') + parser.finish_events()
    sent += "".join(e.text for e in rest if isinstance(e, streamparse.CallArguments))
    assert sent == '{"k\u2028</x": 1}'
