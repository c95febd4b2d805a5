"""Golden cases for MiniMax-M3 (``minimax_m3``) from DIALECTS-MORE.md §4: the example, nested
parameters, lists, repeated names, empty elements, mixed text, the engines' tolerances and
the reasoning quirks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and (without tools) at every cut into two pieces; cases with
tools run at every two-piece cut through :func:`check_every_two_piece_split`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, fold, run_deltas, stream_summary, summary

import streamparse
from streamparse import StreamParser

DIALECT = "minimax_m3"
NS = "]<]minimax[>["


def el(name: str, *body: str) -> str:
    """``]<]minimax[>[<name>body]<]minimax[>[</name>``."""
    return f"{NS}<{name}>" + "".join(body) + f"{NS}</{name}>"


def invoke(name: str, *parameters: str, sep: str = "\n") -> str:
    return f'{NS}<invoke name="{name}">{sep}' + sep.join(parameters) + f"{sep}{NS}</invoke>\n"


def block(*invokes: str) -> str:
    return f"{NS}<tool_call>\n" + "".join(invokes) + f"{NS}</tool_call>"


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def tools_for(name: str, properties: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "parameters": {"type": "object", "properties": properties}}]


def check_every_two_piece_split(text: str, tools: Any = None, start_in_reasoning: bool = False) -> None:
    batch = streamparse.parse(text, DIALECT, tools, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        deltas, reason = run_deltas(DIALECT, pieces, None, tools, start_in_reasoning=start_in_reasoning)
        assert summary(fold(deltas, reason), with_incomplete=False) == expected, pieces


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(DIALECT, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    check_every_two_piece_split(text, tools, start_in_reasoning)


# -- the spec example ------------------------------------------------------------------------

WEATHER = tools_for("get_weather", {"city": {"type": "string"}, "days": {"type": "integer"}})
SPEC_EXAMPLE = "I'll check both cities.\n" + block(
    invoke("get_weather", el("city", "Beijing"), el("days", "3")),
    invoke("get_weather", el("city", "Shanghai")),
)


def test_the_spec_example_is_literal() -> None:
    assert SPEC_EXAMPLE == (
        "I'll check both cities.\n"
        "]<]minimax[>[<tool_call>\n"
        ']<]minimax[>[<invoke name="get_weather">\n'
        "]<]minimax[>[<city>Beijing]<]minimax[>[</city>\n"
        "]<]minimax[>[<days>3]<]minimax[>[</days>\n"
        "]<]minimax[>[</invoke>\n"
        ']<]minimax[>[<invoke name="get_weather">\n'
        "]<]minimax[>[<city>Shanghai]<]minimax[>[</city>\n"
        "]<]minimax[>[</invoke>\n"
        "]<]minimax[>[</tool_call>"
    )


def test_spec_example() -> None:
    check(
        SPEC_EXAMPLE,
        Expect(
            content="I'll check both cities.\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
        tools=WEATHER,
    )


def test_spec_example_without_tools_has_string_values() -> None:
    check(
        SPEC_EXAMPLE,
        Expect(
            content="I'll check both cities.\n",
            calls=(
                Call("get_weather", args(city="Beijing", days="3")),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    )


def test_the_reference_parsers_layout_without_newlines() -> None:
    # MiniMax's reference serialiser writes the parameters of an invoke back to back.
    text = block(invoke("f", el("a", "1"), el("b", "x y"), sep=""))
    check(
        text, Expect(calls=(Call("f", args(a=1, b="x y")),)), tools=tools_for("f", {"a": {"type": "number"}})
    )


# -- nesting ---------------------------------------------------------------------------------

ORDER = tools_for(
    "create_order",
    {
        "user_id": {"type": "integer"},
        "shipping": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "floor": {"type": "integer"}},
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
            },
        },
        "note": {"type": "string"},
    },
)


def test_nested_object_and_list_of_objects() -> None:
    # vLLM's docstring example: the list is written at </invoke>, after the other members.
    text = block(
        invoke(
            "create_order",
            el("user_id", "42"),
            el(
                "items",
                "\n",
                el("item", el("sku", "book-001"), el("qty", "2")),
                "\n",
                el("item", el("sku", "pen")),
                "\n",
            ),
            el("shipping", "\n", el("city", "Singapore"), "\n", el("floor", "3"), "\n"),
            el("note", "ring twice"),
        )
    )
    want = '{"user_id": 42, "shipping": {"city": "Singapore", "floor": 3}, "note": "ring twice", "items": [{"sku": "book-001", "qty": 2}, {"sku": "pen"}]}'
    check(text, Expect(calls=(Call("create_order", want),)), tools=ORDER)


def test_list_of_strings_and_numbers() -> None:
    tools = tools_for(
        "f",
        {
            "tags": {"type": "array", "items": {"type": "string"}},
            "ns": {"type": "array", "items": {"type": "number"}},
        },
    )
    text = block(
        invoke(
            "f", el("tags", el("item", "a"), el("item", "2")), el("ns", el("item", "1.5"), el("item", "-2"))
        )
    )
    check(text, Expect(calls=(Call("f", '{"tags": ["a", "2"], "ns": [1.5, -2]}'),)), tools=tools)


def test_without_a_schema_children_make_an_object() -> None:
    # As vLLM and SGLang read it: no schema, no array; the repeated <item> becomes a list.
    text = block(invoke("f", el("o", el("k", "v"), el("item", "1"), el("item", "2"))))
    check(text, Expect(calls=(Call("f", '{"o": {"k": "v", "item": ["1", "2"]}}'),)))


def test_repeated_name_makes_a_list() -> None:
    tools = tools_for("f", {"tags": {"type": "array", "items": {"type": "string"}}, "s": {"type": "string"}})
    text = block(invoke("f", el("tags", "a"), el("s", "x"), el("tags", "b"), el("tags", "c")))
    check(text, Expect(calls=(Call("f", '{"s": "x", "tags": ["a", "b", "c"]}'),)), tools=tools)


def test_repeated_name_inside_an_object_makes_a_list() -> None:
    text = block(invoke("f", el("o", el("k", "1"), el("j", "x"), el("k", "2"))))
    check(text, Expect(calls=(Call("f", '{"o": {"k": ["1", "2"], "j": "x"}}'),)))


def test_repeated_string_parameter_keeps_the_first_and_is_flagged() -> None:
    # Its first value was streamed: a list would change bytes already sent.
    text = block(invoke("f", el("s", "first"), el("s", "second")))
    result = streamparse.parse(text, DIALECT, id_seed=0)
    assert [c.function.arguments for c in result.tool_calls] == [args(s="first")]
    assert [(p.index, p.kind) for p in result.problems] == [(0, "unexpected_member")]
    expected = summary(result, with_incomplete=False)
    for cut in range(1, len(text)):
        # Folded wire deltas carry no problems; the events do (one CallFlag whatever the cut).
        got = stream_summary(DIALECT, [text[:cut], text[cut:]])
        assert (got["content"], got["tool_calls"]) == (expected["content"], expected["tool_calls"])
        parser = StreamParser(DIALECT)
        events = [*parser.feed_events(text[:cut]), *parser.feed_events(text[cut:]), *parser.finish_events()]
        assert [type(e).__name__ for e in events].count("CallFlag") == 1


def test_empty_elements() -> None:
    tools = tools_for(
        "f",
        {
            "a": {"type": "array", "items": {"type": "string"}},
            "o": {"type": "object"},
            "s": {"type": "string"},
            "n": {"type": ["integer", "null"]},
        },
    )
    text = block(invoke("f", el("a"), el("o"), el("s"), el("n")))
    check(text, Expect(calls=(Call("f", '{"o": {}, "s": "", "n": "", "a": []}'),)), tools=tools)


def test_mixed_text_goes_under_dollar_text() -> None:
    text = block(invoke("f", el("o", el("k", "v"), "tail")))
    check(text, Expect(calls=(Call("f", '{"o": {"k": "v", "$text": "tail"}}'),)))


def test_text_first_element_is_text_with_its_tags() -> None:
    # MiniMax's reference parser: a value that starts with text runs to its own close tag.
    inner = el("b", "bold")
    text = block(invoke("f", el("html", "<p>", inner, "</p>")))
    check(text, Expect(calls=(Call("f", args(html=f"<p>{inner}</p>")),)))


def test_values_are_verbatim() -> None:
    text = block(invoke("f", el("s", "  two  spaces \n"), el("t", "\n")))
    check(text, Expect(calls=(Call("f", args(s="  two  spaces \n", t="\n")),)))


def test_scalar_words_by_schema() -> None:
    tools = tools_for(
        "f",
        {
            "b": {"type": "boolean"},
            "c": {"type": "boolean"},
            "z": {"type": ["string", "null"]},
            "s": {"type": "string"},
            "o": {"type": "object"},
            "a": {"type": "array"},
        },
    )
    text = block(
        invoke(
            "f",
            el("b", "yes"),
            el("c", "off"),
            el("z", "null"),
            el("s", "null"),
            el("o", '{"k": 1}'),
            el("a", "[1, 2]"),
        )
    )
    check(
        text,
        Expect(
            calls=(Call("f", '{"b": true, "c": false, "z": null, "s": "null", "o": {"k": 1}, "a": [1, 2]}'),)
        ),
        tools=tools,
    )


# -- tolerances ------------------------------------------------------------------------------


def test_single_quoted_and_unquoted_names() -> None:
    text = block(
        f"{NS}<invoke name='f'>{el('a', '1')}{NS}</invoke>\n{NS}<invoke name=g>{el('b', '2')}{NS}</invoke>\n"
    )
    check(text, Expect(calls=(Call("f", args(a="1")), Call("g", args(b="2")))))


def test_whitespace_between_the_namespace_and_the_tag() -> None:
    # SGLang removes it.
    text = f'{NS} <tool_call>\n{NS}\n<invoke name="f">{NS} <a>1{NS} </a>{NS}\n</invoke>{NS} </tool_call>'
    check(text, Expect(calls=(Call("f", args(a="1")),)))


def test_missing_close_tags_end_at_invoke() -> None:
    text = block(f'{NS}<invoke name="f">{NS}<o>{NS}<k>v{NS}</invoke>\n', invoke("g", el("s", "x")))
    check(text, Expect(calls=(Call("f", '{"o": {"k": "v"}}'), Call("g", args(s="x")))))


def test_outer_close_tag_closes_inner_elements() -> None:
    text = block(invoke("f", f"{NS}<o>{NS}<k>v{NS}<j>w{NS}</o>", el("s", "x")))
    # Untyped and holding elements: written at </invoke>, after "s".
    check(text, Expect(calls=(Call("f", '{"s": "x", "o": {"k": "v<j>w"}}'.replace("<j>", NS + "<j>")),)))


def test_stray_close_tag_between_parameters_is_content() -> None:
    text = block(invoke("f", el("a", "1"), f"{NS}</zz>", el("b", "2")))
    check(text, Expect(content=f"{NS}</zz>", calls=(Call("f", args(a="1", b="2")),)))


def test_tag_that_is_no_tag_is_text() -> None:
    # A name with "<" in it, and a name that starts with "/" of a nested tag: text where they stand.
    text = block(invoke("f", el("a", f"{NS}<x<y>"), el("b", "2")))
    check(text, Expect(calls=(Call("f", args(a=f"{NS}<x<y>", b="2")),)))


def test_text_after_the_block_is_content() -> None:
    text = "Sure.\n" + block(invoke("f", el("a", "1"))) + "\nDone."
    check(text, Expect(content="Sure.\n\nDone.", calls=(Call("f", args(a="1")),)))


def test_block_without_a_call_is_content() -> None:
    text = f"{NS}<tool_call>\nno call here\n{NS}</tool_call>"
    check(text, Expect(content=text))


def test_namespace_alone_is_content() -> None:
    text = f"a {NS} b {NS}<c> d"
    check(text, Expect(content=text))


def test_truncated_inside_a_value_is_incomplete() -> None:
    text = block(invoke("f", el("a", "1"))).split(f"{NS}</a>")[0]
    check_case(
        DIALECT,
        text,
        Expect(
            calls=(Call("f", '{"a": "1'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_string_values_stream_as_they_arrive() -> None:
    parser = StreamParser(DIALECT, WEATHER, id_seed=0)
    sent = []
    for piece in (f'{NS}<tool_call>\n{NS}<invoke name="get_weather">\n{NS}<city>Bei', "jing", f"{NS}</ci"):
        for event in parser.feed_events(piece):
            if isinstance(event, streamparse.CallArguments):
                sent.append(event.text)
    assert "".join(sent) == '{"city": "Beijing'


# -- reasoning -------------------------------------------------------------------------------


def test_reasoning() -> None:
    text = "<mm:think>Two cities.</mm:think>I'll check.\n" + block(invoke("f", el("a", "1")))
    check(text, Expect(reasoning="Two cities.", content="I'll check.\n", calls=(Call("f", args(a="1")),)))


def test_reasoning_opened_by_the_prompt() -> None:
    text = "Two cities.</mm:think>I'll check."
    check(text, Expect(reasoning="Two cities.", content="I'll check."), start_in_reasoning=True)


def test_stray_reasoning_close_at_the_start_is_markup() -> None:
    check("</mm:think>Hello", Expect(content="Hello"))
    check("Hi</mm:think>there", Expect(content="Hi</mm:think>there"))
    check(" </mm:think>x", Expect(content=" </mm:think>x"))


def test_block_inside_reasoning_is_reasoning() -> None:
    call = block(invoke("f", el("a", "1")))
    text = "<mm:think>maybe " + call + "</mm:think>ok"
    check(text, Expect(reasoning="maybe " + call, content="ok"))


@pytest.mark.parametrize("name", ["minimax_m3", "minimax-m3"])
def test_engine_names(name: str) -> None:
    result = streamparse.parse(SPEC_EXAMPLE, name, WEATHER)
    assert [c.function.arguments for c in result.tool_calls] == [
        args(city="Beijing", days=3),
        args(city="Shanghai"),
    ]
