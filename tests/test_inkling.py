"""Golden cases for Thinking Machines Inkling (``inkling``) from DIALECTS-MORE.md group B §4: the
example and each quirk listed there (the header before the content token, ``args``, blocks in any
order, the free-text tool payload, the end-of-sampling token).

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

INKLING = "inkling"

# The special tokens, spelled out (the tests do not take them from the parser).
MESSAGE, END = "<|message_model|>", "<|end_message|>"
END_SAMPLING = "<|content_model_end_sampling|>"


def block(kind: str, body: str, header: str = "") -> str:
    return f"{MESSAGE}{header}<|content_{kind}|>{body}{END}"


def invoke(name: str, header: str | None = None, **values: Any) -> str:
    body = json.dumps({"name": name, "args": values}, separators=(",", ":"))
    return block("invoke_tool_json", body, name if header is None else header)


def args(**values: Any) -> str:
    return json.dumps(values, separators=(",", ":"))


def check_every_two_piece_split(text: str, start_in_reasoning: bool) -> None:
    batch = streamparse.parse(text, INKLING, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(INKLING, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def check(text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case(INKLING, text, expect, start_in_reasoning=start_in_reasoning)
    check_every_two_piece_split(text, start_in_reasoning)


SPEC_EXAMPLE = (
    block("thinking", "Need two lookups.")
    + block("text", "I'll check both.")
    + invoke("get_weather", city="Beijing", unit="celsius")
    + invoke("search", query="Shanghai metro hours", top_k=3)
)
SPEC_CALLS = (
    Call("get_weather", args(city="Beijing", unit="celsius")),
    Call("search", args(query="Shanghai metro hours", top_k=3)),
)


def test_the_spec_example_is_literal() -> None:
    literal = (
        "<|message_model|><|content_thinking|>Need two lookups.<|end_message|><|message_model|><|content_text|>"
        "I'll check both.<|end_message|><|message_model|>get_weather<|content_invoke_tool_json|>"
        '{"name":"get_weather","args":{"city":"Beijing","unit":"celsius"}}<|end_message|><|message_model|>search'
        '<|content_invoke_tool_json|>{"name":"search","args":{"query":"Shanghai metro hours","top_k":3}}'
        "<|end_message|>"
    )
    assert SPEC_EXAMPLE == literal


def test_spec_example() -> None:
    check(SPEC_EXAMPLE, Expect(reasoning="Need two lookups.", content="I'll check both.", calls=SPEC_CALLS))


F = (Call("f", args(k="v")),)


def cases() -> dict[str, tuple[str, Expect, bool]]:
    """name -> (text, expectation, start_in_reasoning)."""
    return {
        # Blocks repeat in any order.
        "interleaved": (
            block("thinking", "a") + invoke("f", k="v") + block("thinking", "b") + block("text", "c"),
            Expect(reasoning="ab", content="c", calls=F),
            False,
        ),
        # The header is markup; the JSON name names the call.
        "header_is_not_the_name": (invoke("f", header="other", k="v"), Expect(calls=F), False),
        "no_header": (invoke("f", header="", k="v"), Expect(calls=F), False),
        "arguments_key_too": (
            block("invoke_tool_json", '{"name": "f", "arguments": {"k": "v"}}', "f"),
            Expect(calls=(Call("f", '{"k": "v"}'),)),
            False,
        ),
        "whitespace_around_the_object": (
            block("invoke_tool_json", '\n{"name":"f","args":{"k":"v"}}\n', "f"),
            Expect(calls=F),
            False,
        ),
        # Not a call: content, as written.
        "object_without_name": (
            block("invoke_tool_json", '{"args":{}}', "f"),
            Expect(content='{"args":{}}'),
            False,
        ),
        "free_text_tool_payload_is_content": (
            block("invoke_tool_text", "ls -la", "shell"),
            Expect(content="ls -la"),
            False,
        ),
        "tool_error_is_content": (block("tool_error", "oops"), Expect(content="oops"), False),
        # The end-of-sampling token ends the turn: markup.
        "end_of_sampling": (
            block("text", "Done.") + MESSAGE + END_SAMPLING,
            Expect(content="Done."),
            False,
        ),
        "end_of_sampling_alone": (block("text", "Done.") + END_SAMPLING, Expect(content="Done."), False),
        # A body that misses <|end_message|> ends at the next message.
        "missing_end_message": (
            f"{MESSAGE}<|content_thinking|>plan" + block("text", "Hi"),
            Expect(reasoning="plan", content="Hi"),
            False,
        ),
        "content_token_without_message": (
            "<|content_thinking|>plan<|content_text|>Hi",
            Expect(reasoning="plan", content="Hi"),
            False,
        ),
        "unterminated_call_runs_to_end": (
            f'{MESSAGE}f<|content_invoke_tool_json|>{{"name":"f","args":{{"k":"v',
            Expect(
                calls=(Call("f", '{"k":"v'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
            ),
            False,
        ),
        # A header that a message start interrupts is content.
        "broken_header": (f"{MESSAGE}f" + block("text", "Hi"), Expect(content=f"{MESSAGE}fHi"), False),
        # A tool's name holds no "<": such a header is content.
        "header_with_a_bracket": (
            f"{MESSAGE}a<b" + block("text", "Hi")[len(MESSAGE) :],
            Expect(content=f"{MESSAGE}a<bHi"),
            False,
        ),
        "text_outside_messages": ("Hello" + END, Expect(content="Hello"), False),
        # The prompt ends with <|message_model|><|content_thinking|>.
        "prompt_opened": ("plan" + END + block("text", "Hi"), Expect(reasoning="plan", content="Hi"), True),
        "prompt_opened_then_call": (
            "plan" + END + invoke("f", k="v"),
            Expect(reasoning="plan", calls=F),
            True,
        ),
    }


@pytest.mark.parametrize("name", list(cases()))
def test_cases(name: str) -> None:
    text, expect, start_in_reasoning = cases()[name]
    check(text, expect, start_in_reasoning)


def test_arguments_stream_as_they_arrive() -> None:
    parser = streamparse.StreamParser(INKLING)
    parser.feed(f'{MESSAGE}f<|content_invoke_tool_json|>{{"name":"f","args":{{"path":"a/b')
    delta = parser.feed("/c.txt")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "/c.txt"
