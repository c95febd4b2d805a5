"""Golden cases for ``pythonic`` from DIALECTS.md §12, its quirks, and malformed output.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and must fold to the same result. The
well-formed cases are also checked against Python itself: ``ast`` reads
the list, ``ast.literal_eval`` the values, and the arguments must be the
same JSON values.
"""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse
from streamparse import StreamParser

PY = "pythonic"
START = "<|python_start|>"
END = "<|python_end|>"

GOOD = {
    # The literal example of §12.
    "two_parallel_calls": (
        """[get_weather(city="Beijing"), get_weather(city='Shanghai', days=3)]""",
        Expect(
            calls=(
                Call("get_weather", '{"city": "Beijing"}'),
                Call("get_weather", '{"city": "Shanghai", "days": 3}'),
            )
        ),
    ),
    "llama4_wrapper": (
        START + """[get_weather(city="Beijing")]""" + END,
        Expect(calls=(Call("get_weather", '{"city": "Beijing"}'),)),
    ),
    "wrapper_after_text": (
        "Let me check." + START + "[f(a=1)]" + END + " Done.",
        Expect(content="Let me check. Done.", calls=(Call("f", '{"a": 1}'),)),
    ),
    "leading_whitespace_is_markup": ("\n  [now()]", Expect(calls=(Call("now", "{}"),))),
    "leading_whitespace_then_wrapper": ("\n " + START + " [now()]" + END, Expect(calls=(Call("now", "{}"),))),
    "empty_arguments": ("[now()]", Expect(calls=(Call("now", "{}"),))),
    "nested_values": (
        """[book(trip={'to': ["Paris", 'Rome'], 'nights': (2, 3), 'pets': None, 'ok': True}, tags=[])]""",
        Expect(
            calls=(
                Call(
                    "book",
                    '{"trip": {"to": ["Paris", "Rome"], "nights": [2, 3], "pets": null, "ok": true}, "tags": []}',
                ),
            )
        ),
    ),
    "true_false_none": (
        "[f(a=True, b=False, c=None)]",
        Expect(calls=(Call("f", '{"a": true, "b": false, "c": null}'),)),
    ),
    # Olmo 3 writes JSON's words.
    "olmo_words": (
        "[f(a=true, b=null, c=false)]",
        Expect(calls=(Call("f", '{"a": true, "b": null, "c": false}'),)),
    ),
    "escapes_double_quoted": (
        r'[say(text="line\n\"q\" \\ tab\t it\'s")]',
        Expect(calls=(Call("say", r'{"text": "line\n\"q\" \\ tab\t it' + "'" + 's"}'),)),
    ),
    "escapes_single_quoted": (
        r"""[say(text='it\'s "fine" \x41\u4eac\U0001F600\N{EM DASH}\101\a')]""",
        Expect(calls=(Call("say", '{"text": "it\'s \\"fine\\" A京😀—A\\u0007"}'),)),
    ),
    "raw_string": (
        r"[grep(pattern=r'\d+\.txt')]",
        Expect(calls=(Call("grep", r'{"pattern": "\\d+\\.txt"}'),)),
    ),
    "triple_quoted": (
        '[write(body="""two\nlines "q" ""\n""")]',
        Expect(calls=(Call("write", '{"body": "two\\nlines \\"q\\" \\"\\"\\n"}'),)),
    ),
    "dotted_name": (
        '[weather.get_forecast(city="Oslo")]',
        Expect(calls=(Call("weather.get_forecast", '{"city": "Oslo"}'),)),
    ),
    "unicode_and_non_bmp": (
        "[say(text=\"北京 😀 café\", emoji='𝄞')]",
        Expect(calls=(Call("say", '{"text": "北京 😀 café", "emoji": "𝄞"}'),)),
    ),
    # The list's own punctuation inside strings is string text.
    "delimiters_inside_strings": (
        """[f(s="a), b=2]", t='x, y="z"', u='[g(h=1)]')]""",
        Expect(calls=(Call("f", '{"s": "a), b=2]", "t": "x, y=\\"z\\"", "u": "[g(h=1)]"}'),)),
    ),
    "numbers": (
        "[f(a=-1, b=2.50, c=1e3, d=0x1F, e=1_000, f=.5, g=+7, h=5.)]",
        Expect(
            calls=(
                Call("f", '{"a": -1, "b": 2.50, "c": 1e3, "d": 31, "e": 1000, "f": 0.5, "g": 7, "h": 5.0}'),
            )
        ),
    ),
    "dict_keys_that_are_not_strings": (
        "[f(m={1: 'a', None: 'b', 2.5: 'c', False: 'd'})]",
        Expect(calls=(Call("f", '{"m": {"1": "a", "null": "b", "2.5": "c", "false": "d"}}'),)),
    ),
    "whitespace_and_trailing_commas": (
        "[ f( a = 1 ,b= [2, 3,], ) ,\n g() , ]",
        Expect(calls=(Call("f", '{"a": 1, "b": [2, 3]}'), Call("g", "{}"))),
    ),
    "text_after_the_list": ("[f()]\nDone.", Expect(content="\nDone.", calls=(Call("f", "{}"),))),
    "unicode_identifiers": ("[café(größe=1)]", Expect(calls=(Call("café", '{"größe": 1}'),))),
}

CONTENT = {
    "markdown_link": "[Paris](https://en.wikipedia.org/wiki/Paris) is the capital.",
    "leading_whitespace_then_link": "\n  [Paris](x)",
    "leading_whitespace_then_text": "  \n hello [f(a=1)]",
    "bracket_later_in_text": "See [f(x=1)] for details.",
    "empty_list": "[]",
    "list_of_numbers": "[1, 2, 3]",
    "name_without_call": "[f]",
    "space_before_paren": "[f (a=1)]",
    "digit_first_name": "[1f(a=1)]",
    "unfinished_header": "[get_weath",
    "lone_bracket": "[",
    "wrapper_without_call": START + 'print("hi")' + END,
    "wrapper_with_link": START + "[Paris](x)" + END,
    "python_end_alone": "a" + END,
    "long_name": "[" + "a" * 2000 + "(x=1)]",
}

MALFORMED = {
    "positional_argument": (
        '[get_weather("Beijing")]',
        Expect(
            content='"Beijing")]',
            calls=(Call("get_weather", "{"),),
            problems=((0, "invalid_arguments"),),
        ),
    ),
    "expression_value": (
        "[f(a=1+2)]",
        Expect(content="+2)]", calls=(Call("f", '{"a": 1'),), problems=((0, "invalid_arguments"),)),
    ),
    # The undecided "f" was held as a possible False: it is content with the rest.
    "name_as_value": (
        "[f(a=foo), g(b=1)]",
        Expect(content="foo), g(b=1)]", calls=(Call("f", '{"a": '),), problems=((0, "invalid_arguments"),)),
    ),
    "bad_number": (
        "[f(a=12abc)]",
        Expect(content="12abc)]", calls=(Call("f", '{"a": '),), problems=((0, "invalid_arguments"),)),
    ),
    "garbage_after_paren": (
        "[f(!!)]",
        Expect(content="!!)]", calls=(Call("f", "{"),), problems=((0, "invalid_arguments"),)),
    ),
    "set_literal": (
        "[f(a={1, 2})]",
        Expect(content=", 2})]", calls=(Call("f", '{"a": {"1"'),), problems=((0, "invalid_arguments"),)),
    ),
    "adjacent_strings": (
        "[f(a='x' 'y')]",
        Expect(content="'y')]", calls=(Call("f", '{"a": "x"'),), problems=((0, "invalid_arguments"),)),
    ),
    "unterminated_string_at_end": (
        '[f(a="abc',
        Expect(
            calls=(Call("f", '{"a": "abc'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    "escape_cut_by_the_end": (
        r'[f(a="x\u4e',
        Expect(
            calls=(Call("f", r'{"a": "x\\u4e'),),
            problems=((0, "invalid_arguments"),),
            incomplete=frozenset({0}),
        ),
    ),
    "number_at_the_end": (
        "[f(n=12",
        Expect(
            calls=(Call("f", '{"n": 12'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    "word_cut_by_the_end": (
        "[f(n=Tr",
        Expect(
            content="Tr",
            calls=(Call("f", '{"n": '),),
            problems=((0, "invalid_arguments"),),
            incomplete=frozenset({0}),
        ),
    ),
    "unclosed_list": (
        "[f(a=1), g(b='x')",
        Expect(calls=(Call("f", '{"a": 1}'), Call("g", '{"b": "x"}'))),
    ),
    "separator_at_the_end": ("[f(a=1), ", Expect(content=", ", calls=(Call("f", '{"a": 1}'),))),
    "second_element_not_a_call": ("[f(), 42]", Expect(content=", 42]", calls=(Call("f", "{}"),))),
    "text_right_after_a_call": ("[f()(x=1)]", Expect(content="(x=1)]", calls=(Call("f", "{}"),))),
    "wrapper_without_end": (START + "[f()]", Expect(calls=(Call("f", "{}"),))),
    "wrapper_list_without_close": (
        START + "[f()" + END + "ok",
        Expect(content="ok", calls=(Call("f", "{}"),)),
    ),
    "lone_surrogate_escape": (r'[f(s="\ud800")]', Expect(calls=(Call("f", '{"s": "\ud800"}'),))),
    "malformed_escapes_kept": (
        r"[f(s='\q\x4g\N{NO SUCH}')]",
        Expect(calls=(Call("f", r'{"s": "\\q\\x4g\\N{NO SUCH}"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_pythonic_golden(name: str) -> None:
    text, expect = GOOD[name]
    check_case(PY, text, expect)


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_pythonic_text_that_is_not_a_call_list(name: str) -> None:
    check_case(PY, CONTENT[name], Expect(content=CONTENT[name]))


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_pythonic_malformed(name: str) -> None:
    text, expect = MALFORMED[name]
    check_case(PY, text, expect)


def python_reading(text: str) -> list[tuple[str, dict[str, Any]]]:
    """What Python makes of a call list: (dotted name, keyword values) per call."""
    body = text.strip().removeprefix(START).removesuffix(END).strip()
    tree = ast.parse(body, mode="eval").body
    assert isinstance(tree, ast.List)
    calls = []
    for node in tree.elts:
        assert isinstance(node, ast.Call) and not node.args
        calls.append(
            (
                ast.unparse(node.func),
                {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg is not None},
            )
        )
    return calls


def jsonable(value: Any) -> Any:
    """A literal as the JSON value it stands for (tuples are arrays, keys are strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


@pytest.mark.parametrize(
    "name", sorted(set(GOOD) - {"olmo_words", "wrapper_after_text", "text_after_the_list"})
)
def test_arguments_agree_with_python(name: str) -> None:
    text, expect = GOOD[name]
    want = [(n, jsonable(kw)) for n, kw in python_reading(text)]
    got = [(c.name, json.loads(c.arguments)) for c in expect.calls]
    assert got == want


def test_truncated_call_is_incomplete() -> None:
    check_case(
        PY,
        "[f(a='x', b=[1, 2",
        Expect(
            calls=(Call("f", '{"a": "x", "b": [1, 2'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_first_delta_carries_name_and_brace() -> None:
    parser = StreamParser(PY, id_seed=0)
    assert parser.feed("[get_weather") is None
    delta = parser.feed("(")
    assert delta is not None
    (chunk,) = delta["tool_calls"]
    assert chunk["function"] == {"name": "get_weather", "arguments": "{"}
    assert parser.feed('city="Bei') == {
        "tool_calls": [{"index": 0, "function": {"arguments": '"city": "Bei'}}]
    }
    assert parser.feed("jing") == {"tool_calls": [{"index": 0, "function": {"arguments": "jing"}}]}
    # A number is written when it ends.
    assert parser.feed('", days=3') == {
        "tool_calls": [{"index": 0, "function": {"arguments": '", "days": '}}]
    }
    assert parser.feed(")]") == {"tool_calls": [{"index": 0, "function": {"arguments": "3}"}}]}


@pytest.mark.parametrize("width", [None, 7])
def test_deep_nesting(width: int | None) -> None:
    depth = 100_000
    text = "[f(a=" + "[{'k': (" * depth + ")}]" * depth + ")]"
    parser = StreamParser(PY, id_seed=0)
    pieces = [text] if width is None else [text[i : i + width] for i in range(0, len(text), width)]
    events = [e for piece in pieces for e in parser.feed_events(piece)] + parser.finish_events()
    arguments = "".join(e.text for e in events if isinstance(e, streamparse.CallArguments))
    assert arguments == '{"a": ' + '[{"k": [' * depth + "]}]" * depth + "}"
    assert not any(isinstance(e, streamparse.Text) for e in events)


def test_long_string_streams_in_constant_holdback() -> None:
    parser = StreamParser(PY, id_seed=0)
    parser.feed("[write(body='")
    sent = []
    for _ in range(1000):
        delta = parser.feed("abc\\n")
        assert delta is not None
        sent.append(delta["tool_calls"][0]["function"]["arguments"])
    assert "".join(sent) == "abc\\n" * 1000
