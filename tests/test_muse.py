"""Golden cases for Muse Spark (``muse``) and Muse Glimmer (``muse_glimmer``) from DIALECTS-MORE.md
group B §3: the example and each quirk listed there (the first message's role part, recipient
routing, invokes outside tool messages, doubled names, value typing, parallel calls).

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

MUSE = "muse"
GLIMMER = "muse_glimmer"

# The special tokens, spelled out (the tests do not take them from the parser).
START, MESSAGE, EOM, EOT = "<|start|>", "<|message|>", "<|eom|>", "<|eot|>"


def message(recipient: str, body: str, end: str = EOM, *, first: bool = False) -> str:
    return ("" if first else START + "assistant") + f" to={recipient}{MESSAGE}{body}{end}"


def parameter(key: str, value: str) -> str:
    return f'<atem:parameter name="{key}">{value}</atem:parameter>'


def invoke(name: str, *parameters: str) -> str:
    return f'<atem:invoke name="{name}">\n' + "\n".join(parameters) + "\n</atem:invoke>"


def block(*invokes: str) -> str:
    return "<atem:function_calls>\n" + "\n".join(invokes) + "\n</atem:function_calls>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check_every_two_piece_split(dialect: str, text: str) -> None:
    expected = summary(streamparse.parse(text, dialect, id_seed=0), with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces) == expected, pieces


def check(text: str, expect: Expect, tools: Any = None, dialect: str = MUSE) -> None:
    check_case(dialect, text, expect, tools=tools)
    if tools is None:  # stream_summary gives no tools
        check_every_two_piece_split(dialect, text)


SPEC_EXAMPLE = (
    message("self", "Need two lookups.", first=True)
    + message("commentary", "I'll check both.")
    + message(
        "get_weather",
        block(invoke("get_weather", parameter("city", "Beijing"), parameter("unit", "celsius"))),
    )
    + message(
        "search", block(invoke("search", parameter("query", "Shanghai metro hours"), parameter("top_k", "3")))
    )
)
SPEC_CALLS = (
    Call("get_weather", args(city="Beijing", unit="celsius")),
    Call("search", args(query="Shanghai metro hours", top_k=3)),
)


def test_the_spec_example_is_literal() -> None:
    literal = (
        " to=self<|message|>Need two lookups.<|eom|><|start|>assistant to=commentary<|message|>I'll check both."
        "<|eom|><|start|>assistant to=get_weather<|message|><atem:function_calls>\n"
        '<atem:invoke name="get_weather">\n'
        '<atem:parameter name="city">Beijing</atem:parameter>\n'
        '<atem:parameter name="unit">celsius</atem:parameter>\n'
        "</atem:invoke>\n"
        "</atem:function_calls><|eom|><|start|>assistant to=search<|message|><atem:function_calls>\n"
        '<atem:invoke name="search">\n'
        '<atem:parameter name="query">Shanghai metro hours</atem:parameter>\n'
        '<atem:parameter name="top_k">3</atem:parameter>\n'
        "</atem:invoke>\n"
        "</atem:function_calls><|eom|>"
    )
    assert SPEC_EXAMPLE == literal


@pytest.mark.parametrize("dialect", [MUSE, GLIMMER])
def test_spec_example(dialect: str) -> None:
    # Glimmer reads to=commentary as a tool message: its text outside blocks is content all the same.
    check(
        SPEC_EXAMPLE,
        Expect(reasoning="Need two lookups.", content="I'll check both.", calls=SPEC_CALLS),
        dialect=dialect,
    )


F_CALL = message("f", block(invoke("f", parameter("k", "v"))))
F = (Call("f", args(k="v")),)


def routing_cases() -> dict[str, tuple[str, Expect]]:
    return {
        # The first message may also start with its own <|start|>assistant.
        "first_with_start": (message("user", "Hi."), Expect(content="Hi.")),
        "answer_at_end_of_turn": (
            message("self", "Think.", first=True) + message("user", "Done.", EOT),
            Expect(reasoning="Think.", content="Done."),
        ),
        # A bare <|message|> (no recipient) is reasoning.
        "bare_message": (
            MESSAGE + "Hmm." + EOM + message("user", "Ok."),
            Expect(reasoning="Hmm.", content="Ok."),
        ),
        "developer_dropped": (
            message("developer", "internal note", first=True) + message("user", "Hello."),
            Expect(content="Hello."),
        ),
        # Invokes inside reasoning or answer messages are their text, not calls.
        "invoke_in_reasoning_is_text": (
            message("self", block(invoke("f", parameter("k", "v"))), first=True),
            Expect(reasoning=block(invoke("f", parameter("k", "v")))),
        ),
        "invoke_in_answer_is_text": (
            message("user", invoke("f"), first=True),
            Expect(content=invoke("f")),
        ),
        # Several invokes in one block: parallel calls.
        "two_invokes_one_block": (
            message(
                "f",
                block(invoke("f", parameter("k", "v")), invoke("g", parameter("n", "2"))),
                first=True,
            ),
            Expect(calls=(Call("f", args(k="v")), Call("g", args(n=2)))),
        ),
        "call_then_answer": (
            F_CALL + message("user", "Sent.", EOT),
            Expect(content="Sent.", calls=F),
        ),
        "call_ended_by_end_of_turn": (
            message("f", block(invoke("f", parameter("k", "v"))), EOT, first=True),
            Expect(calls=F),
        ),
        # A recipient that is a tool but no invoke: its text is content; a block with no invoke is content.
        "tool_message_without_invoke": (message("f", "plain", first=True), Expect(content="plain")),
        "block_without_invoke": (
            message("f", "<atem:function_calls>\n</atem:function_calls>", first=True),
            Expect(content="<atem:function_calls>\n</atem:function_calls>"),
        ),
        # Close tags missing: the end of the message closes the value, the call and the block.
        "missing_close_tags": (
            message("f", '<atem:function_calls><atem:invoke name="f"><atem:parameter name="k">v', first=True)
            + message("user", "Next."),
            Expect(content="Next.", calls=F),
        ),
        "call_without_parameters": (
            message("f", block('<atem:invoke name="f">\n</atem:invoke>'), first=True),
            Expect(calls=(Call("f", "{}"),)),
        ),
        # A malformed header (two recipients) is content, markers included.
        "malformed_header": (
            START + "assistant to=a to=b" + MESSAGE + "x" + EOM,
            Expect(content=START + "assistant to=a to=b" + MESSAGE + "x"),
        ),
        # Text before any header is content.
        "no_header": ("Just text.", Expect(content="Just text.")),
        "unfinished_header": (" to=self", Expect(content=" to=self")),
    }


@pytest.mark.parametrize("name", list(routing_cases()))
def test_routing(name: str) -> None:
    text, expect = routing_cases()[name]
    check(text, expect)


def test_commentary_is_a_tool_recipient_in_glimmer() -> None:
    # In a tool message only invokes are calls; invokes in a commentary message are calls in Glimmer only.
    text = message("commentary", block(invoke("f", parameter("k", "v"))), first=True)
    check(text, Expect(calls=F), dialect=GLIMMER)
    check(text, Expect(content=block(invoke("f", parameter("k", "v")))), dialect=MUSE)


# -- names and values ---------------------------------------------------------------------------

TOOLS = [
    {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "code": {"type": "string"},
            },
        },
    }
]


def test_a_doubled_name_is_the_registered_one() -> None:
    text = message(
        "get_weather.*", block(invoke("get_weather.get_weather", parameter("city", "Rome"))), first=True
    )
    check(text, Expect(calls=(Call("get_weather", args(city="Rome")),)), TOOLS)
    check(text, Expect(calls=(Call("get_weather", args(city="Rome")),)))  # no tools: collapsed too
    other = message("x", block(invoke("a.b", parameter("k", "v"))), first=True)
    check(other, Expect(calls=(Call("a.b", args(k="v")),)))


def test_values_by_schema_in_muse_and_as_json_in_glimmer() -> None:
    text = message(
        "get_weather",
        block(
            invoke("get_weather", parameter("city", "Rome"), parameter("days", "3"), parameter("code", "42"))
        ),
        first=True,
    )
    check(text, Expect(calls=(Call("get_weather", args(city="Rome", days=3, code="42")),)), TOOLS)
    check(text, Expect(calls=(Call("get_weather", args(city="Rome", days=3, code=42)),)), TOOLS, GLIMMER)
    # Without a schema both decode what is JSON and keep the rest as strings.
    untyped = message("f", block(invoke("f", parameter("n", "[1, 2]"), parameter("s", "x y"))), first=True)
    check(untyped, Expect(calls=(Call("f", args(n=[1, 2], s="x y")),)))


def test_a_string_value_is_streamed_as_it_arrives() -> None:
    parser = streamparse.StreamParser(MUSE, tools=TOOLS)
    parser.feed(
        message("get_weather", "", "", first=True) + '<atem:function_calls><atem:invoke name="get_weather">'
    )
    parser.feed('<atem:parameter name="city">')
    delta = parser.feed("Rio de Jan")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "Rio de Jan"
