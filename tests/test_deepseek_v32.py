"""Golden cases for DeepSeek's DSML (``deepseek_v32``, ``deepseek_v4``, ``deepseek_v41``) from
DIALECTS-MORE.md §1: the example in each of the three spellings and each quirk listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

V32, V4, V41 = "deepseek_v32", "deepseek_v4", "deepseek_v41"
BAR = "\uff5c"  # ｜ FULLWIDTH VERTICAL LINE
assert f"{BAR}DSML{BAR}" == "｜DSML｜"


@dataclass(frozen=True)
class Spelling:
    dialect: str
    block: str  # the block element's name
    space: str  # V4.1: a space after the prefix in every tag name

    def tag(self, element: str, attributes: str = "") -> str:
        return f"<{BAR}DSML{BAR}{self.space}{element}{attributes}>"

    def end(self, element: str) -> str:
        return f"</{BAR}DSML{BAR}{self.space}{element}>"

    def parameter(self, key: str, value: str, string: str | None = "true") -> str:
        flag = f' string="{string}"' if string is not None else ""
        return self.tag("parameter", f' name="{key}"{flag}') + value + self.end("parameter") + "\n"

    def invoke(self, name: str, *parameters: str) -> str:
        return self.tag("invoke", f' name="{name}"') + "\n" + "".join(parameters) + self.end("invoke") + "\n"

    def calls(self, *invokes: str) -> str:
        return self.tag(self.block) + "\n" + "".join(invokes) + self.end(self.block)


SPELLINGS = {
    V32: Spelling(V32, "function_calls", ""),
    V4: Spelling(V4, "tool_calls", ""),
    V41: Spelling(V41, "calls", " "),
}
DIALECTS = sorted(SPELLINGS)


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check_every_two_piece_split(
    dialect: str, text: str, tools: Any = None, start_in_reasoning: bool = False
) -> None:
    batch = streamparse.parse(text, dialect, tools, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def check(
    dialect: str, text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False
) -> None:
    check_case(dialect, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:  # stream_summary gives no tools
        check_every_two_piece_split(dialect, text, start_in_reasoning=start_in_reasoning)


def spec_example(s: Spelling) -> str:
    """DIALECTS-MORE.md §1's example, in ``s``'s spelling."""
    return "I'll check both cities.\n\n" + s.calls(
        s.invoke("get_weather", s.parameter("city", "Beijing"), s.parameter("days", "3", "false")),
        s.invoke("get_weather", s.parameter("city", "Shanghai")),
    )


SPEC_EXPECT = Expect(
    content="I'll check both cities.\n\n",
    calls=(Call("get_weather", args(city="Beijing", days=3)), Call("get_weather", args(city="Shanghai"))),
)


def test_the_spec_example_in_v4_spelling_is_literal() -> None:
    literal = (
        "I'll check both cities.\n\n"
        "<｜DSML｜tool_calls>\n"
        '<｜DSML｜invoke name="get_weather">\n'
        '<｜DSML｜parameter name="city" string="true">Beijing</｜DSML｜parameter>\n'
        '<｜DSML｜parameter name="days" string="false">3</｜DSML｜parameter>\n'
        "</｜DSML｜invoke>\n"
        '<｜DSML｜invoke name="get_weather">\n'
        '<｜DSML｜parameter name="city" string="true">Shanghai</｜DSML｜parameter>\n'
        "</｜DSML｜invoke>\n"
        "</｜DSML｜tool_calls>"
    )
    assert spec_example(SPELLINGS[V4]) == literal


@pytest.mark.parametrize("dialect", DIALECTS)
def test_spec_example(dialect: str) -> None:
    check(dialect, spec_example(SPELLINGS[dialect]), SPEC_EXPECT)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_another_spelling_is_content(dialect: str) -> None:
    for other in DIALECTS:
        text = spec_example(SPELLINGS[other])
        if other != dialect:
            assert streamparse.parse(text, dialect).content == text


# -- values: the string attribute decides, not the schema ---------------------------------

# A schema that says the opposite of every attribute: it must not be consulted.
CONTRARY_TOOLS = [
    {
        "name": "f",
        "parameters": {
            "type": "object",
            "properties": {"s": {"type": "integer"}, "n": {"type": "string"}, "o": {"type": "string"}},
        },
    }
]


def value_cases(s: Spelling) -> dict[str, tuple[str, Any, Expect]]:
    p = s.parameter
    return {
        # string="true": raw text, verbatim (vLLM), never null or a number.
        "raw_strings_verbatim": (
            s.calls(
                s.invoke(
                    "f", p("s", " two  spaces \n"), p("s", "null"), p("s", "3"), p("s", "true"), p("s", "")
                )
            ),
            None,
            Expect(
                calls=(Call("f", '{"s": " two  spaces \\n", "s": "null", "s": "3", "s": "true", "s": ""}'),)
            ),
        ),
        # string="false": JSON as written (without surrounding whitespace).
        "json_values": (
            s.calls(
                s.invoke(
                    "f",
                    p("n", " -1e-3 ", "false"),
                    p("b", "true", "false"),
                    p("z", "null", "false"),
                    p("o", '{"k": [1, {"x": null}]}', "false"),
                    p("a", "\n[true, 2.50]\n", "false"),
                    p("q", '"quoted"', "false"),
                )
            ),
            None,
            Expect(
                calls=(
                    Call(
                        "f",
                        '{"n": -1e-3, "b": true, "z": null, "o": {"k": [1, {"x": null}]},'
                        ' "a": [true, 2.50], "q": "quoted"}',
                    ),
                )
            ),
        ),
        # Not valid JSON: the raw text, verbatim, as a string.
        "invalid_json_is_the_raw_text": (
            s.calls(
                s.invoke("f", p("x", " True ", "false"), p("y", "{'a': 1}", "false"), p("z", "NaN", "false"))
            ),
            None,
            Expect(calls=(Call("f", '{"x": " True ", "y": "{\'a\': 1}", "z": "NaN"}'),)),
        ),
        # vLLM reads a missing attribute as string="false" (SGLang drops the call).
        "missing_string_attribute_is_false": (
            s.calls(s.invoke("f", p("n", "7", None), p("s", "Rome", None))),
            None,
            Expect(calls=(Call("f", '{"n": 7, "s": "Rome"}'),)),
        ),
        "schema_is_not_consulted": (
            s.calls(s.invoke("f", p("s", "007"), p("n", "5", "false"), p("o", "[1]", "false"))),
            CONTRARY_TOOLS,
            Expect(calls=(Call("f", '{"s": "007", "n": 5, "o": [1]}'),)),
        ),
        # A close tag inside a value: it closes only before whitespace and a tag that may follow.
        "close_tag_inside_a_value": (
            s.calls(s.invoke("f", p("s", f"a {s.end('parameter')} b {s.end('parameter')}c"))),
            None,
            Expect(calls=(Call("f", args(s=f"a {s.end('parameter')} b {s.end('parameter')}c")),)),
        ),
        "single_quoted_attributes": (
            s.calls(
                s.tag("invoke", " name='f'")
                + s.tag("parameter", " name='k' string='false'")
                + "[2]"
                + s.end("parameter")
                + s.end("invoke")
            ),
            None,
            Expect(calls=(Call("f", '{"k": [2]}'),)),
        ),
        "unicode_and_escapes": (
            s.calls(s.invoke("f", p("s", 'say "hi" \\ 北京 😀\t'))),
            None,
            Expect(calls=(Call("f", args(s='say "hi" \\ 北京 😀\t')),)),
        ),
    }


@pytest.mark.parametrize(
    ("dialect", "name"), [(d, name) for d in DIALECTS for name in value_cases(SPELLINGS[V4])]
)
def test_values(dialect: str, name: str) -> None:
    text, tools, expect = value_cases(SPELLINGS[dialect])[name]
    check(dialect, text, expect, tools)


@pytest.mark.parametrize(
    ("value", "string", "written"),
    [("a\ud83db", "true", '"a\\ud83db"'), ('["\\ud83d"]', "false", '["\\ud83d"]')],
)
def test_a_lone_surrogate_is_escaped_and_flagged(value: str, string: str, written: str) -> None:
    s = SPELLINGS[V4]
    text = s.calls(s.invoke("f", s.parameter("s", value, string)))
    result = streamparse.parse(text, V4)
    assert [c.function.arguments for c in result.tool_calls] == ['{"s": ' + written + "}"]
    assert [(p.index, p.kind) for p in result.problems] == [(0, "lone_surrogate")]
    one_by_one = streamparse.StreamParser(V4)
    kinds = [type(e).__name__ for char in text for e in one_by_one.feed_events(char)]
    assert kinds.count("CallFlag") == 1


def test_a_value_is_streamed_as_it_arrives() -> None:
    s = SPELLINGS[V4]
    parser = streamparse.StreamParser(V4)
    parser.feed(s.tag(s.block) + s.tag("invoke", ' name="f"') + s.tag("parameter", ' name="s" string="true"'))
    delta = parser.feed("hello wor")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "hello wor"
    # A JSON value is written when its close tag is known to close it.
    parser.feed(s.end("parameter") + s.tag("parameter", ' name="n" string="false"'))
    assert parser.feed("12") is None
    delta = parser.feed(s.end("parameter") + "\n" + s.end("invoke"))
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "12}"


# -- layout and tolerated variants ------------------------------------------------------------


def layout_cases(s: Spelling) -> dict[str, tuple[str, Expect]]:
    p = s.parameter
    return {
        # SGLang: a self-closing invoke is a call with no arguments.
        "self_closing_invoke": (
            s.calls(s.tag("invoke", ' name="now"/') + "\n" + s.invoke("g", p("k", "v"))),
            Expect(calls=(Call("now", "{}"), Call("g", args(k="v")))),
        ),
        "invoke_without_parameters": (s.calls(s.invoke("now")), Expect(calls=(Call("now", "{}"),))),
        "block_without_invoke_is_content": (
            "Hi " + s.calls("nothing here\n"),
            Expect(content="Hi " + s.calls("nothing here\n")),
        ),
        "missing_close_tags_at_the_end": (
            s.tag(s.block)
            + "\n"
            + s.tag("invoke", ' name="f"')
            + "\n"
            + s.tag("parameter", ' name="k" string="true"')
            + "Rome",
            Expect(calls=(Call("f", args(k="Rome")),)),
        ),
        "end_of_sentence_is_markup": (
            "A\n\n" + s.calls(s.invoke("f")) + "<｜end▁of▁sentence｜>",
            Expect(content="A\n\n", calls=(Call("f", "{}"),)),
        ),
        "text_after_the_block_is_content": (
            "A" + s.calls(s.invoke("f")) + "\nB",
            Expect(content="A\nB", calls=(Call("f", "{}"),)),
        ),
        "compact_without_newlines": (
            s.tag(s.block)
            + s.tag("invoke", ' name="f"')
            + s.tag("parameter", ' name="a" string="false"')
            + "1"
            + s.end("parameter")
            + s.end("invoke")
            + s.tag("invoke", ' name="g"')
            + s.end("invoke")
            + s.end(s.block),
            Expect(calls=(Call("f", '{"a": 1}'), Call("g", "{}"))),
        ),
        "stray_text_between_invokes_is_content": (
            s.calls(s.invoke("f") + "note\n" + s.invoke("g")),
            Expect(content="note", calls=(Call("f", "{}"), Call("g", "{}"))),
        ),
        "broken_invoke_then_a_good_one": (
            s.calls(s.tag("invoke", ' name="bad')[:-1] + s.invoke("g")),
            Expect(content=s.tag("invoke", ' name="bad')[:-1], calls=(Call("g", "{}"),)),
        ),
    }


@pytest.mark.parametrize(
    ("dialect", "name"), [(d, name) for d in DIALECTS for name in layout_cases(SPELLINGS[V4])]
)
def test_layout(dialect: str, name: str) -> None:
    text, expect = layout_cases(SPELLINGS[dialect])[name]
    check(dialect, text, expect)


@pytest.mark.parametrize("opener", ["<｜DSML｜toolcalls>", "<｜DSML｜tool>"])
def test_v4_misspelled_block_openers(opener: str) -> None:
    s = SPELLINGS[V4]
    text = "Go.\n\n" + opener + "\n" + s.invoke("f", s.parameter("k", "v")) + s.end("tool_calls")
    check(V4, text, Expect(content="Go.\n\n", calls=(Call("f", args(k="v")),)))
    # Only V4's parser (vLLM) reads them; in the other spellings they are content.
    for dialect in (V32, V41):
        assert streamparse.parse(text, dialect).content == text


def test_truncated_value_is_incomplete() -> None:
    s = SPELLINGS[V4]
    text = (
        s.tag(s.block) + s.tag("invoke", ' name="f"') + s.tag("parameter", ' name="s" string="true"') + "par"
    )
    check_case(
        V4,
        text,
        Expect(
            calls=(Call("f", '{"s": "par'),),
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


# -- reasoning ------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reasoning(dialect: str) -> None:
    s = SPELLINGS[dialect]
    call = s.calls(s.invoke("f", s.parameter("k", "v")))
    expected_call = (Call("f", args(k="v")),)
    # The output writes <think> itself.
    check(
        dialect,
        "<think>Plan.</think>\n\nOK" + call,
        Expect(reasoning="Plan.", content="\n\nOK", calls=expected_call),
    )
    # Thinking mode: the prompt opened <think> (V4 and V4.1 by default).
    check(
        dialect,
        "Plan.\n</think>\n\n" + call,
        Expect(reasoning="Plan.\n", content="\n\n", calls=expected_call),
        start_in_reasoning=True,
    )
    # Without the option a lone </think> is content (the parser must be told).
    check(dialect, "Plan.</think>" + call, Expect(content="Plan.</think>", calls=expected_call))
    # A block that opens before </think> ends the reasoning (vLLM's V4 grammar).
    check(
        dialect,
        "Plan.\n\n" + call + "</think>",
        Expect(reasoning="Plan.\n\n", content="</think>", calls=expected_call),
        start_in_reasoning=True,
    )
    # Markup that cannot open a block stays reasoning.
    look_alike = s.invoke("f") + s.end(s.block)
    check(dialect, "<think>" + look_alike + "</think>", Expect(reasoning=look_alike))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (' name="k"  and thenstring="false"', 'k"  and thenstring="false'),  # no attribute: the name
        (' name="k" string="false" string="true" x', "k"),
    ],
)
def test_headers_found_by_the_mutated_property(header: str, key: str) -> None:
    s = SPELLINGS[V4]
    text = s.calls(
        s.tag("invoke", ' name="f"') + s.tag("parameter", header) + "1" + s.end("parameter") + s.end("invoke")
    )
    result = streamparse.parse(text, V4)
    assert list(json.loads(result.tool_calls[0].function.arguments)) == [key]


def test_text_after_the_string_attribute_is_reported() -> None:
    # Found by the mutated-output property: the header's stray words must not vanish unsaid.
    s = SPELLINGS[V41]
    text = s.calls(
        s.tag("invoke", ' name="A"')
        + s.tag("parameter", ' name="k" string="true" and then')
        + "v"
        + s.end("parameter")
        + s.end("invoke")
    )
    result = streamparse.parse(text, V41, id_seed=0)
    assert [c.function.arguments for c in result.tool_calls] == ['{"k": "v"}']
    assert [(p.index, p.kind) for p in result.problems] == [(0, "unexpected_member")]
    assert "and then" in result.problems[0].detail
    expected = summary(result, with_incomplete=False)
    for cut in range(1, len(text)):
        # Folded wire deltas carry no problems; the events do (one CallFlag whatever the cut).
        got = stream_summary(V41, [text[:cut], text[cut:]])
        assert (got["content"], got["tool_calls"]) == (expected["content"], expected["tool_calls"])
        parser = streamparse.StreamParser(V41)
        events = [*parser.feed_events(text[:cut]), *parser.feed_events(text[cut:]), *parser.finish_events()]
        assert [type(e).__name__ for e in events].count("CallFlag") == 1
