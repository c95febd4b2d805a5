"""Golden cases for Kimi K3's XTML (``kimi_k3``) from DIALECTS-MORE.md §2: the example and each
quirk listed there (prompt-opened channels, attribute escapes, typed arguments, spaced markers).

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

K3 = "kimi_k3"

# The special tokens, spelled out (the tests do not take them from the parser).
OPEN, CLOSE, SEP = "<|open|>", "<|close|>", "<|sep|>"


def opened(word: str) -> str:
    return f"{OPEN}{word}{SEP}"


def closed(word: str) -> str:
    return f"{CLOSE}{word}{SEP}"


def channel(word: str, body: str) -> str:
    return opened(word) + body + closed(word)


def argument(key: str, value: str, kind: str | None = "string") -> str:
    typed = f' type="{kind}"' if kind is not None else ""
    return f'{OPEN}argument key="{key}"{typed}{SEP}{value}{closed("argument")}'


def call(name: str, *arguments: str, index: int = 1) -> str:
    return f'{OPEN}call tool="{name}" index="{index}"{SEP}' + "".join(arguments) + closed("call")


def tools(*calls: str) -> str:
    return channel("tools", "".join(calls))


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check_every_two_piece_split(text: str, start_in_reasoning: bool = False) -> None:
    batch = streamparse.parse(text, K3, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(K3, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(K3, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:  # stream_summary gives no tools
        check_every_two_piece_split(text, start_in_reasoning=start_in_reasoning)


SPEC_EXAMPLE = (
    channel("think", "Two cities.")
    + channel("response", "I'll check both cities.")
    + tools(
        call("get_weather", argument("city", "Beijing"), argument("days", "3", "number")),
        call("get_weather", argument("city", "Shanghai"), index=2),
    )
)
SPEC_CALLS = (Call("get_weather", args(city="Beijing", days=3)), Call("get_weather", args(city="Shanghai")))


def test_the_spec_example_is_literal() -> None:
    literal = (
        "<|open|>think<|sep|>Two cities.<|close|>think<|sep|><|open|>response<|sep|>I'll check both cities."
        '<|close|>response<|sep|><|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|>'
        '<|open|>argument key="city" type="string"<|sep|>Beijing<|close|>argument<|sep|>'
        '<|open|>argument key="days" type="number"<|sep|>3<|close|>argument<|sep|><|close|>call<|sep|>'
        '<|open|>call tool="get_weather" index="2"<|sep|><|open|>argument key="city" type="string"<|sep|>'
        "Shanghai<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>"
    )
    assert SPEC_EXAMPLE == literal


def test_spec_example() -> None:
    check(SPEC_EXAMPLE, Expect(reasoning="Two cities.", content="I'll check both cities.", calls=SPEC_CALLS))


# -- channels: the openers the prompt holds, markup, text outside a channel ---------------------


def channel_cases() -> dict[str, tuple[str, Expect, bool]]:
    """name -> (text, expectation, start_in_reasoning)."""
    reply = closed("response") + tools(call("f", argument("k", "v")))
    f_call = (Call("f", args(k="v")),)
    return {
        # Thinking on (the engines' default): the prompt ends with <|open|>think<|sep|>.
        "prompt_opened_think": (
            "Plan." + closed("think") + opened("response") + "Sure." + reply + closed("message"),
            Expect(reasoning="Plan.", content="Sure.", calls=f_call),
            True,
        ),
        # Thinking off: the prompt ends with <|open|>response<|sep|>; no option needed.
        "prompt_opened_response": ("Sure." + reply, Expect(content="Sure.", calls=f_call), False),
        # Without the option a lone think close is content (the parser must be told).
        "lone_think_close_without_the_option_is_content": (
            "Plan." + closed("think") + "Sure.",
            Expect(content="Plan." + closed("think") + "Sure."),
            False,
        ),
        "response_text_is_verbatim": (
            channel("response", "\n  two\n\nlines  \n"),
            Expect(content="\n  two\n\nlines  \n"),
            False,
        ),
        # vLLM: text outside every channel is content; whitespace between channels is markup.
        "text_outside_a_channel_is_content": (
            "Plan." + closed("think") + "\n\nHello" + tools(call("f", argument("k", "v"))),
            Expect(reasoning="Plan.", content="Hello", calls=f_call),
            True,
        ),
        "whitespace_between_channels_is_markup": (
            channel("think", "P") + "\n" + channel("response", "R") + "\n" + tools(call("g")) + "\n",
            Expect(reasoning="P", content="R", calls=(Call("g", "{}"),)),
            False,
        ),
        "message_end_and_end_of_msg_are_markup": (
            "R" + closed("response") + closed("message") + "<|end_of_msg|>",
            Expect(content="R"),
            False,
        ),
        "a_second_response_channel_is_content_too": (
            "A" + closed("response") + tools(call("g")) + channel("response", "B"),
            Expect(content="AB", calls=(Call("g", "{}"),)),
            False,
        ),
        # These special tokens cannot be prose: opening tools or response ends the reasoning.
        "tools_before_think_close_ends_the_reasoning": (
            "Plan." + tools(call("g")),
            Expect(reasoning="Plan.", calls=(Call("g", "{}"),)),
            True,
        ),
        "response_before_think_close_ends_the_reasoning": (
            "Plan." + opened("response") + "Sure.",
            Expect(reasoning="Plan.", content="Sure."),
            True,
        ),
        "think_written_by_the_output": (
            channel("think", "a < b, <|open|>") + "Sure.",
            Expect(reasoning="a < b, <|open|>", content="Sure."),
            False,
        ),
    }


@pytest.mark.parametrize("name", sorted(channel_cases()))
def test_channels(name: str) -> None:
    text, expect, start_in_reasoning = channel_cases()[name]
    check(text, expect, start_in_reasoning=start_in_reasoning)


# -- arguments: the type attribute decides, not the schema --------------------------------------

# A schema that says the opposite of every type attribute: it must not be consulted.
CONTRARY_TOOLS = [
    {
        "name": "f",
        "parameters": {
            "type": "object",
            "properties": {"s": {"type": "integer"}, "n": {"type": "string"}, "o": {"type": "string"}},
        },
    }
]


def value_cases() -> dict[str, tuple[str, Any, Expect]]:
    return {
        # type="string": raw text, verbatim, never null or a number.
        "raw_strings_verbatim": (
            tools(
                call(
                    "f",
                    argument("a", " two  spaces \n"),
                    argument("b", "null"),
                    argument("c", "3"),
                    argument("d", ""),
                    argument("e", 'say "hi" \\ 北京 😀\t'),
                )
            ),
            None,
            Expect(
                calls=(
                    Call("f", args(a=" two  spaces \n", b="null", c="3", d="", e='say "hi" \\ 北京 😀\t')),
                )
            ),
        ),
        # Any other type: JSON as written, without the whitespace around it.
        "json_values": (
            tools(
                call(
                    "f",
                    argument("n", " -1e-3 ", "number"),
                    argument("b", "true", "boolean"),
                    argument("z", "null", "null"),
                    argument("o", '{"k": [1, {"x": null}]}', "object"),
                    argument("a", "\n[true, 2.50]\n", "array"),
                    argument("i", "7", "integer"),
                )
            ),
            None,
            Expect(
                calls=(
                    Call(
                        "f",
                        '{"n": -1e-3, "b": true, "z": null, "o": {"k": [1, {"x": null}]}, "a": [true, 2.50], "i": 7}',
                    ),
                )
            ),
        ),
        # Not valid JSON: the raw text, verbatim, as a string (both engines fall back so).
        "invalid_json_is_the_raw_text": (
            tools(call("f", argument("x", " True ", "boolean"), argument("y", "{'a': 1}", "object"))),
            None,
            Expect(calls=(Call("f", '{"x": " True ", "y": "{\'a\': 1}"}'),)),
        ),
        # vLLM and SGLang read a missing type as "string".
        "missing_type_is_string": (
            tools(call("f", argument("n", "7", None))),
            None,
            Expect(calls=(Call("f", args(n="7")),)),
        ),
        "schema_is_not_consulted": (
            tools(
                call("f", argument("s", "007"), argument("n", "5", "number"), argument("o", "[1]", "array"))
            ),
            CONTRARY_TOOLS,
            Expect(calls=(Call("f", '{"s": "007", "n": 5, "o": [1]}'),)),
        ),
        # The close marker inside a value closes it only before another argument or an end.
        "close_marker_inside_a_value": (
            tools(call("f", argument("s", f"a {closed('argument')} b {closed('argument')}c"))),
            None,
            Expect(calls=(Call("f", args(s=f"a {closed('argument')} b {closed('argument')}c")),)),
        ),
        # Attribute values escape & and " (the template writes them so).
        "escaped_attributes": (
            tools(
                f'{OPEN}call tool="a&amp;b" index="1"{SEP}'
                + f'{OPEN}argument key="say &quot;hi&quot; &amp;quot;" type="string"{SEP}v{closed("argument")}'
                + closed("call")
            ),
            None,
            Expect(calls=(Call("a&b", args(**{'say "hi" &quot;': "v"})),)),
        ),
        "call_without_arguments": (tools(call("now")), None, Expect(calls=(Call("now", "{}"),))),
    }


@pytest.mark.parametrize("name", sorted(value_cases()))
def test_values(name: str) -> None:
    text, tool_list, expect = value_cases()[name]
    check(text, expect, tool_list)


def test_a_string_value_is_streamed_as_it_arrives() -> None:
    parser = streamparse.StreamParser(K3)
    parser.feed(
        opened("tools") + f'{OPEN}call tool="f" index="1"{SEP}' + f'{OPEN}argument key="s" type="string"{SEP}'
    )
    delta = parser.feed("hello wor")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "hello wor"
    # A JSON value is written when its close marker is known to close it.
    parser.feed(closed("argument") + f'{OPEN}argument key="n" type="number"{SEP}')
    assert parser.feed("12") is None
    delta = parser.feed(closed("argument") + closed("call"))
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "12}"


def test_a_lone_surrogate_is_escaped_and_flagged() -> None:
    result = streamparse.parse(tools(call("f", argument("s", "a\ud83db"))), K3)
    assert [c.function.arguments for c in result.tool_calls] == ['{"s": "a\\ud83db"}']
    assert [(p.index, p.kind) for p in result.problems] == [(0, "lone_surrogate")]


# -- layout, headers and tolerated variants --------------------------------------------------


def layout_cases() -> dict[str, tuple[str, Expect]]:
    good = call("g", argument("k", "v"))
    g_call = (Call("g", args(k="v")),)
    return {
        "tools_without_a_call_is_content": (
            "Hi " + tools("nothing here"),
            Expect(content="Hi " + tools("nothing here")),
        ),
        "missing_close_markers_at_the_end": (
            opened("tools")
            + f'{OPEN}call tool="f" index="1"{SEP}'
            + f'{OPEN}argument key="k" type="string"{SEP}Rome',
            Expect(calls=(Call("f", args(k="Rome")),)),
        ),
        "missing_close_markers_before_the_message_end": (
            opened("tools") + call("f")[: -len(closed("call"))] + closed("message"),
            Expect(calls=(Call("f", "{}"),)),
        ),
        "stray_text_between_calls_is_content": (
            tools(call("f") + "note" + good),
            Expect(content="note", calls=(Call("f", "{}"), *g_call)),
        ),
        "a_header_without_tool_is_content": (
            tools(f'{OPEN}call index="1"{SEP}' + good),
            Expect(content=f'{OPEN}call index="1"{SEP}', calls=g_call),
        ),
        "a_word_that_only_starts_with_call_is_content": (
            tools(f'{OPEN}calls tool="x"{SEP}' + good),
            Expect(content=f'{OPEN}calls tool="x"{SEP}', calls=g_call),
        ),
        "a_header_cut_by_another_marker_is_content": (
            tools(f'{OPEN}call tool="bad' + good),
            Expect(content=f'{OPEN}call tool="bad', calls=g_call),
        ),
        "an_argument_without_key_is_content": (
            tools(call("f", f'{OPEN}argument type="string"{SEP}x{closed("argument")}', argument("k", "v"))),
            Expect(
                content=f'{OPEN}argument type="string"{SEP}x{closed("argument")}',
                calls=(Call("f", args(k="v")),),
            ),
        ),
        # vLLM accepts whitespace inside a marker (a detokenizer that spaces special tokens).
        "spaced_markers": (
            "Plan.<|close|> think <|sep|><|open|> response <|sep|>Sure.<|close|> response <|sep|>"
            '<|open|> tools <|sep|><|open|> call tool="g" index="1" <|sep|>'
            '<|open|> argument key="k" type="string" <|sep|>v<|close|> argument <|sep|>'
            "<|close|> call <|sep|><|close|> tools <|sep|><|close|> message <|sep|>",
            Expect(reasoning="Plan.", content="Sure.", calls=g_call),
        ),
    }


@pytest.mark.parametrize("name", sorted(layout_cases()))
def test_layout(name: str) -> None:
    text, expect = layout_cases()[name]
    check(text, expect, start_in_reasoning=name == "spaced_markers")


def test_text_in_a_header_that_is_no_attribute_is_reported() -> None:
    text = tools(
        f'{OPEN}call tool="f" index="1" junk extra="x"{SEP}'
        + f'{OPEN}argument key="k" type="string" key="k2"{SEP}v{closed("argument")}'
        + closed("call")
    )
    result = streamparse.parse(text, K3)
    assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == [("f", args(k2="v"))]
    assert [(p.index, p.kind) for p in result.problems] == [
        (0, "unexpected_member"),
        (0, "unexpected_member"),
    ]
    assert "junk" in result.problems[0].detail and "extra" in result.problems[0].detail
    assert "'k'" in result.problems[1].detail


def test_truncated_value_is_incomplete() -> None:
    text = (
        opened("tools")
        + f'{OPEN}call tool="f" index="1"{SEP}'
        + f'{OPEN}argument key="s" type="string"{SEP}par'
    )
    check_case(
        K3,
        text,
        Expect(
            calls=(Call("f", '{"s": "par'),),
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_kimi_k2_markup_is_content() -> None:
    text = "<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{}"
    assert streamparse.parse(text, K3).content == text


# -- the shared attribute reader ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "found", "stray"),
    [
        (' tool="f" index="1"', {"tool": "f", "index": "1"}, []),
        (' key="a &quot;b&quot; &amp;amp; c"', {"key": 'a "b" &amp; c'}, []),
        (' key="x" junk type="string" key="y" ', {"key": "y", "type": "string"}, ["junk", "key='x'"]),
        (" key = 'x'", {}, ["key = 'x'"]),  # engines' reading: NAME="VALUE", nothing else
        ("", {}, []),
    ],
)
def test_attributes(header: str, found: dict[str, str], stray: list[str]) -> None:
    from streamparse._xml import attributes

    assert attributes(header) == (found, stray)
