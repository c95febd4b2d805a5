"""Golden cases for ``gemma4`` and ``functiongemma`` from DIALECTS-MORE.md §5: the two examples,
the object literal (bare keys, delimiter-token strings, bare scalars, nesting), every tolerated
variant listed there, reasoning, and malformed blocks.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and at every cut into two pieces. Well-formed
arguments are also checked against a plain, non-streaming reading of the
literal (``literal_value`` below).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse
from streamparse._gemma_literal import GemmaLiteralToJson
from streamparse._json import BAD, DONE, MORE

G4, FG = "gemma4", "functiongemma"


@dataclass(frozen=True)
class Spelling:
    dialect: str
    open: str
    end: str
    quote: str
    turn_end: str
    response: str

    def s(self, text: str) -> str:
        return self.quote + text + self.quote

    def call(self, name: str, body: str) -> str:
        return f"{self.open}call:{name}{{{body}}}{self.end}"


SPELLINGS = {
    G4: Spelling(G4, "<|tool_call>", "<tool_call|>", '<|"|>', "<turn|>", "<|tool_response>"),
    FG: Spelling(
        FG,
        "<start_function_call>",
        "<end_function_call>",
        "<escape>",
        "<end_of_turn>",
        "<start_function_response>",
    ),
}
DIALECTS = sorted(SPELLINGS)


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check_every_two_piece_split(dialect: str, text: str, start_in_reasoning: bool = False) -> None:
    batch = streamparse.parse(text, dialect, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def check(dialect: str, text: str, expect: Expect, start_in_reasoning: bool = False) -> None:
    check_case(dialect, text, expect, start_in_reasoning=start_in_reasoning)
    check_every_two_piece_split(dialect, text, start_in_reasoning=start_in_reasoning)


# -- the examples of §5 ------------------------------------------------------------------

GEMMA4_EXAMPLE = (
    "<|channel>thought\nTwo cities.<channel|>I'll check both cities."
    '<|tool_call>call:get_weather{city:<|"|>Beijing<|"|>,days:3}<tool_call|>'
    '<|tool_call>call:get_weather{city:<|"|>Shanghai<|"|>,unit:<|"|>celsius<|"|>}<tool_call|>'
    "<|tool_response>"
)
FUNCTIONGEMMA_EXAMPLE = (
    "Checking both.<start_function_call>call:get_weather{city:<escape>Beijing<escape>}<end_function_call>"
    "<start_function_call>call:get_weather{city:<escape>Shanghai<escape>,unit:<escape>celsius<escape>}"
    "<end_function_call>"
)


def test_gemma4_example() -> None:
    check(
        G4,
        GEMMA4_EXAMPLE,
        Expect(
            content="I'll check both cities.",
            reasoning="Two cities.",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai", unit="celsius")),
            ),
        ),
    )


def test_functiongemma_example() -> None:
    check(
        FG,
        FUNCTIONGEMMA_EXAMPLE,
        Expect(
            content="Checking both.",
            calls=(
                Call("get_weather", args(city="Beijing")),
                Call("get_weather", args(city="Shanghai", unit="celsius")),
            ),
        ),
    )


def test_the_other_spelling_is_content() -> None:
    assert streamparse.parse(FUNCTIONGEMMA_EXAMPLE, G4).content == FUNCTIONGEMMA_EXAMPLE
    text = GEMMA4_EXAMPLE
    assert streamparse.parse(text, FG).content == text


# -- the object literal ------------------------------------------------------------------


def literal_cases(p: Spelling) -> dict[str, tuple[str, str]]:
    """Arguments bodies (between the braces) and the JSON they make."""
    s = p.s
    return {
        "empty": ("", "{}"),
        "bare_scalars": (
            "i:42,neg:-7,f:2.50,e:1e-3,t:true,f2:false,n:null",
            '{"i": 42, "neg": -7, "f": 2.50, "e": 1e-3, "t": true, "f2": false, "n": null}',
        ),
        "nested": (
            f"trip:{{to:[{s('Paris')},{s('Rome')}],nights:[2,3],pets:null,opts:{{}}}},tags:[]",
            '{"trip": {"to": ["Paris", "Rome"], "nights": [2, 3], "pets": null, "opts": {}}, "tags": []}',
        ),
        "arrays_of_objects": (
            f"rows:[{{id:1,name:{s('a')}}},{{id:2,name:{s('b')}}}],deep:[[[]],[[1]]]",
            '{"rows": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "deep": [[[]], [[1]]]}',
        ),
        # No escapes inside a string: everything between the delimiters is the text.
        "strings_as_written": (
            "q:" + s('say "hi" \\n {a:b}, [x] \\'),
            args(q='say "hi" \\n {a:b}, [x] \\'),
        ),
        "control_characters_and_unicode": (
            "t:" + s("line\nnext\ttab\x00 北京 😀 \u2028"),
            args(t="line\nnext\ttab\x00 北京 😀 \u2028"),
        ),
        # The block's end token and other tokens inside a string are string text.
        "tokens_inside_a_string": (
            "code:" + s(f"x{p.end} {p.open}call:g{{}} {p.turn_end} <|x <"),
            args(code=f"x{p.end} {p.open}call:g{{}} {p.turn_end} <|x <"),
        ),
        "empty_strings": ("a:" + s("") + ",b:[" + s("") + "]", args(a="", b=[""])),
        "whitespace_around_tokens": (
            " a : 1 , b :\n" + s("x") + " , c : [ 1 , 2 ] ",
            args(a=1, b="x", c=[1, 2]),
        ),
        "trailing_commas": ("a:[1,2,],b:{c:1,},", args(a=[1, 2], b={"c": 1})),
        # Keys between delimiters (as the template writes them in tool declarations).
        "delimited_keys": (
            s("odd key:{}") + ":1,m:{" + s("k") + ":" + s("v") + "}",
            args(**{"odd key:{}": 1}, m={"k": "v"}),
        ),
        "key_characters": ("a-b.c$:1,_x9:2,ключ:3", args(**{"a-b.c$": 1, "_x9": 2, "ключ": 3})),
        # Bare text that is no number or word: a string of that text (vLLM reads it so too).
        "bare_text_is_a_string": (
            "unit:celsius,two:two words,n:None,x:1.2.3",
            args(unit="celsius", two="two words", n="None", x="1.2.3"),
        ),
        # Numbers as Python writes them are JSON numbers (the converter shares json_number).
        "python_numbers": ("a:+5,b:.5,c:1_000,d:0x1F", '{"a": 5, "b": 0.5, "c": 1000, "d": 31}'),
        "bare_text_with_a_lone_lt": ("a:1<2", args(a="1<2")),
    }


LITERAL_CASES = [(d, name) for d in DIALECTS for name in literal_cases(SPELLINGS[d])]


@pytest.mark.parametrize(("dialect", "name"), LITERAL_CASES)
def test_literal(dialect: str, name: str) -> None:
    p = SPELLINGS[dialect]
    body, expected = literal_cases(p)[name]
    check(dialect, p.call("f", body), Expect(calls=(Call("f", expected),)))


def test_arguments_are_canonical_json() -> None:
    for dialect in DIALECTS:
        for body, expected in literal_cases(SPELLINGS[dialect]).values():
            value = json.loads(expected)
            if "1e-3" not in expected and "2.50" not in expected:
                assert json.dumps(value, ensure_ascii=False) == expected, body


# -- streaming: strings go out at once, scalars when their delimiter arrives --------------


def sent_arguments(dialect: str, pieces: list[str]) -> list[str]:
    parser = streamparse.StreamParser(dialect)
    sent = []
    for piece in pieces:
        delta = parser.feed(piece) or {}
        sent.append("".join(c["function"].get("arguments", "") for c in delta.get("tool_calls", [])))
    return sent


def test_string_contents_stream_as_they_arrive() -> None:
    pieces = [
        '<|tool_call>call:write{path:<|"|>a.txt<|"|>,text:<|"|>Hel',
        'lo "w',
        "orld",
        '<|"|>}<tool_call|>',
    ]
    assert sent_arguments(G4, pieces) == ['{"path": "a.txt", "text": "Hel', 'lo \\"w', "orld", '"}']


def test_a_bare_scalar_waits_only_for_its_delimiter() -> None:
    pieces = ["<|tool_call>call:f{n:12", "34", ",b:tru", "e}", "<tool_call|>"]
    assert sent_arguments(G4, pieces) == ['{"n": ', "", '1234, "b": ', "true}", ""]


def test_only_a_possible_delimiter_is_held_in_a_string() -> None:
    pieces = ['<|tool_call>call:f{s:<|"|>a<', "b<|", '"', "|>}"]
    assert sent_arguments(G4, pieces) == ['{"s": "a', "<b", "", '"}']
    pieces = ["<start_function_call>call:f{s:<escape>a<esc", "ape>}"]
    assert sent_arguments(FG, pieces) == ['{"s": "a', '"}']


def test_the_name_goes_out_with_the_opening_brace() -> None:
    parser = streamparse.StreamParser(G4)
    assert parser.feed("<|tool_call>call:get_weather") is None
    delta = parser.feed("{")
    assert delta is not None
    (call,) = delta["tool_calls"]
    assert call["function"] == {"name": "get_weather", "arguments": "{"}


# -- tolerated variants (vLLM) ------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_block_without_the_call_word(dialect: str) -> None:
    p = SPELLINGS[dialect]
    check(dialect, f"{p.open}:f{{a:1}}{p.end}", Expect(calls=(Call("f", args(a=1)),)))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_parentheses_instead_of_braces(dialect: str) -> None:
    p = SPELLINGS[dialect]
    check(
        dialect,
        f"{p.open}call:f(a:{p.s('x')},b:{{c:1}}){p.end}",
        Expect(calls=(Call("f", args(a="x", b={"c": 1})),)),
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_end_of_turn_instead_of_the_end_token(dialect: str) -> None:
    p = SPELLINGS[dialect]
    text = f"Hi.{p.open}call:f{{a:1}}{p.turn_end}"
    check(dialect, text, Expect(content="Hi.", calls=(Call("f", args(a=1)),)))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_names_as_written(dialect: str) -> None:
    p = SPELLINGS[dialect]
    text = p.call("mcp.calendar:list-events_2", "") + p.call(" spaced ", "")
    check(dialect, text, Expect(calls=(Call("mcp.calendar:list-events_2", "{}"), Call("spaced", "{}"))))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_bare_call_without_tokens_is_content(dialect: str) -> None:
    text = "call:get_weather{city:x}"
    check(dialect, text, Expect(content=text))


# -- layout: content around calls, stop tokens ---------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_content_between_and_after_calls_is_kept(dialect: str) -> None:
    p = SPELLINGS[dialect]
    text = "A " + p.call("f", "") + " and " + p.call("g", "x:1") + " done." + p.response
    check(dialect, text, Expect(content="A  and  done.", calls=(Call("f", "{}"), Call("g", args(x=1)))))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_stop_and_end_of_turn_tokens_are_markup(dialect: str) -> None:
    p = SPELLINGS[dialect]
    check(dialect, "Just text." + p.turn_end, Expect(content="Just text."))
    check(dialect, "Just text." + p.response, Expect(content="Just text."))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_text_between_the_brace_and_the_end_token_is_content(dialect: str) -> None:
    p = SPELLINGS[dialect]
    text = f"{p.open}call:f{{}} x{p.end}"
    check(dialect, text, Expect(content=" x", calls=(Call("f", "{}"),)))


# -- malformed blocks: never raise, nothing lost -------------------------------------------


def malformed_cases(p: Spelling) -> dict[str, tuple[str, Expect]]:
    o, e = p.open, p.end
    return {
        # Not a call header: the opener and header are content, and so is the rest.
        "no_call_word_or_colon": (f"{o}get_weather{{a:1}}{e}", Expect(content=f"{o}get_weather{{a:1}}{e}")),
        "space_in_the_name": (f"{o}call:get weather{{}}{e}", Expect(content=f"{o}call:get weather{{}}{e}")),
        "end_token_in_the_header": (f"{o}call:f{e}after", Expect(content=f"{o}call:f{e}after")),
        "empty_name": (f"{o}call:{{}}{e}", Expect(content=f"{o}call:{{}}{e}")),
        # The call committed at "{": from where the literal breaks, the block's text is raw arguments.
        "end_token_before_the_close": (
            f"{o}call:f{{a:1{e}after",
            Expect(content="after", calls=(Call("f", '{"a": 1'),), problems=((0, "invalid_arguments"),)),
        ),
        "mismatched_bracket": (
            f"{o}call:f{{a:[1}}{e}",
            Expect(calls=(Call("f", '{"a": [1}'),), problems=((0, "invalid_arguments"),)),
        ),
        "key_without_colon": (
            f"{o}call:f{{a}}{e}",
            Expect(calls=(Call("f", "{a}"),), problems=((0, "invalid_arguments"),)),
        ),
        "empty_value": (
            f"{o}call:f{{a:,b:1}}{e}",
            Expect(calls=(Call("f", '{"a": ,b:1}'),), problems=((0, "invalid_arguments"),)),
        ),
        "two_values_without_a_comma": (
            f"{o}call:f{{a:{p.s('x')} {p.s('y')}}}{e}",
            Expect(calls=(Call("f", '{"a": "x"' + p.s("y") + "}"),), problems=((0, "invalid_arguments"),)),
        ),
        "string_after_bare_text": (
            f"{o}call:f{{a:x{p.s('y')}}}{e}",
            Expect(calls=(Call("f", '{"a": x' + p.s("y") + "}"),), problems=((0, "invalid_arguments"),)),
        ),
        # A new block inside a broken one ends it; the new one is read as usual.
        "new_block_inside_a_broken_one": (
            f"{o}call:f{{a:]{o}call:g{{}}{e}",
            Expect(calls=(Call("f", '{"a": ]'), Call("g", "{}")), problems=((0, "invalid_arguments"),)),
        ),
        # Cut by the end of the text: incomplete, what arrived is kept.
        "cut_in_a_string": (
            f"{o}call:f{{a:{p.quote}Hel",
            Expect(
                calls=(Call("f", '{"a": "Hel'),),
                problems=((0, "invalid_arguments"),),
                incomplete=frozenset({0}),
            ),
        ),
        "cut_in_a_scalar": (
            f"{o}call:f{{a:12",
            Expect(
                calls=(Call("f", '{"a": 12'),),
                problems=((0, "invalid_arguments"),),
                incomplete=frozenset({0}),
            ),
        ),
        "cut_in_a_key": (
            f"{o}call:f{{a:1,bb",
            Expect(
                calls=(Call("f", '{"a": 1bb'),),
                problems=((0, "invalid_arguments"),),
                incomplete=frozenset({0}),
            ),
        ),
        "cut_in_a_delimiter": (
            f"{o}call:f{{a:{p.quote}x{p.quote[:3]}",
            Expect(
                calls=(Call("f", '{"a": "x' + json.dumps(p.quote[:3])[1:-1]),),
                problems=((0, "invalid_arguments"),),
                incomplete=frozenset({0}),
            ),
        ),
        "cut_in_the_header": (f"Hi {o}call:get_wea", Expect(content=f"Hi {o}call:get_wea")),
        "stray_end_token_is_content": (f"a{e}b", Expect(content=f"a{e}b")),
    }


MALFORMED = [(d, name) for d in DIALECTS for name in malformed_cases(SPELLINGS[d])]


@pytest.mark.parametrize(("dialect", "name"), MALFORMED)
def test_malformed(dialect: str, name: str) -> None:
    text, expect = malformed_cases(SPELLINGS[dialect])[name]
    check(dialect, text, expect)


def test_a_long_header_is_no_call() -> None:
    text = "<|tool_call>call:" + "x" * 1100 + "{}<tool_call|>"
    check_case(G4, text, Expect(content=text))


def test_a_lone_surrogate_in_a_string_is_escaped_and_flagged() -> None:
    text = '<|tool_call>call:f{s:<|"|>a\ud83db<|"|>}<tool_call|>'
    result = streamparse.parse(text, G4)
    assert result.tool_calls[0].function.arguments == '{"s": "a\\ud83db"}'
    assert [p.kind for p in result.problems] == ["lone_surrogate"]
    # In the raw text after a break too: the arguments stay UTF-8.
    result = streamparse.parse("<|tool_call>call:f{a:]\udc00}<tool_call|>", G4)
    assert result.tool_calls[0].function.arguments == '{"a": ]\\udc00}'


# -- reasoning (Gemma 4) -------------------------------------------------------------------


def test_the_thought_label_belongs_to_the_opener() -> None:
    # Only "<|channel>thought\n" opens reasoning (as the template writes it); another channel is content.
    text = "<|channel>hmm<channel|>Answer."
    check(G4, text, Expect(content=text))
    check(G4, "<|channel>thought hmm", Expect(content="<|channel>thought hmm"))


def test_a_call_ends_the_reasoning() -> None:
    text = "<|channel>thought\nLet me look.<|tool_call>call:f{}<tool_call|>"
    check(G4, text, Expect(reasoning="Let me look.", calls=(Call("f", "{}"),)))


def test_reasoning_opened_in_the_prompt() -> None:
    text = "Checked.<channel|>It is sunny."
    check(G4, text, Expect(content="It is sunny.", reasoning="Checked."), start_in_reasoning=True)
    check(G4, text, Expect(content=text))


def test_a_second_thought_after_a_call() -> None:
    text = "<|channel>thought\nA<channel|><|tool_call>call:f{}<tool_call|><|channel>thought\nB<channel|>Done."
    check(G4, text, Expect(content="Done.", reasoning="AB", calls=(Call("f", "{}"),)))


def test_functiongemma_has_no_reasoning() -> None:
    text = "<|channel>thought\nx<channel|>y"
    check(FG, text, Expect(content=text))
    with pytest.raises(streamparse.UsageError):
        streamparse.StreamParser(FG, start_in_reasoning=True)


# -- the converter on its own --------------------------------------------------------------


def convert(text: str, delimiter: str = '<|"|>') -> tuple[str, int, str]:
    converter = GemmaLiteralToJson(delimiter, ("<tool_call|>",))
    stop = converter.advance(text, 0, True)
    converter.finish()
    return "".join(converter.out), converter.status, text[stop:]


def test_converter_statuses() -> None:
    assert convert("a:1}rest") == ('{"a": 1}', DONE, "rest")
    assert convert("a:1]") == ('{"a": 1', BAD, "]")
    assert convert("a:1") == ('{"a": 1', MORE, "")


def test_converter_leaves_a_cut_delimiter_unread_until_the_text_ends() -> None:
    converter = GemmaLiteralToJson('<|"|>', ("<tool_call|>",))
    text = 'a:<|"|>x<|'
    assert converter.advance(text, 0) == len(text) - 2
    assert converter.status == MORE


def test_converter_rejects_markers_that_overlap() -> None:
    with pytest.raises(ValueError):
        GemmaLiteralToJson("<a<", ())
    with pytest.raises(ValueError):
        GemmaLiteralToJson("<a>", ("[b]",))


def test_converter_bounds_a_bare_token() -> None:
    assert convert("a:" + "9" * 5000 + "}")[1] == BAD
    assert convert("k" * 5000 + ":1}")[1] == BAD
