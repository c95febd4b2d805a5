"""The streamed Python-literal -> JSON converter (``streamparse._pyliteral``) on its own.

Python itself is the oracle: ``repr``/``ascii`` write the literals, and the
JSON must be ``json.dumps(value, ensure_ascii=False)`` of the value, however
the text is cut.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse._json import BAD, DONE, MORE
from streamparse._pyliteral import PyLiteralToJson, json_number
from streamparse.testing import json_values, split_at


def convert(pieces: list[str], kwargs: bool = False) -> tuple[str, int, str, str]:
    """(JSON written, status, held text, the text left unread after DONE or BAD)."""
    converter = PyLiteralToJson()
    converter.reset(kwargs)
    rest = ""
    for k, piece in enumerate(pieces):
        stop = converter.advance(piece, 0)
        if converter.status != MORE:
            rest = piece[stop:] + "".join(pieces[k + 1 :])
            break
    else:
        converter.finish()
    return "".join(converter.out), converter.status, converter.take_held(), rest


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@given(
    value=json_values(), cuts=st.lists(st.integers(0, 400), max_size=20), spell=st.sampled_from([repr, ascii])
)
def test_python_literals_convert_to_canonical_json_at_any_cut(
    value: Any, cuts: list[int], spell: Any
) -> None:
    text = spell(value) + ")"  # a terminator, so a number at the top level is known to end
    json_text, status, held, rest = convert(split_at(text, cuts))
    assert (json_text, status, held, rest) == (canonical(value), DONE, "", ")")


@given(value=json_values(), cuts=st.lists(st.integers(0, 400), max_size=20))
def test_keyword_arguments(value: Any, cuts: list[int]) -> None:
    text = f"a={value!r}, b_2 = {value!r} ,)tail"
    json_text, status, held, rest = convert(split_at(text, cuts), kwargs=True)
    assert json_text == canonical({"a": value, "b_2": value})
    assert (status, held, rest) == (DONE, "", "tail")


@pytest.mark.parametrize(
    ("token", "spelled"),
    [
        ("0", "0"),
        ("-12", "-12"),
        ("2.50", "2.50"),
        ("1e+16", "1e+16"),
        ("1E5", "1E5"),
        ("+7", "7"),
        ("007", None),
        ("00", "0"),
        ("0x1F", "31"),
        ("-0o17", "-15"),
        ("0b101", "5"),
        ("1_000", "1000"),
        ("1__0", None),
        (".5", "0.5"),
        ("5.", "5.0"),
        ("1.5e-3_0", "1.5e-30"),
        ("1._5", None),
        ("1e999", "1e999"),
        ("1.e999", None),
        ("1j", None),
        ("-", None),
        ("inf", None),
        ("0x", None),
    ],
)
def test_json_number(token: str, spelled: str | None) -> None:
    assert json_number(token) == spelled


@pytest.mark.parametrize(
    ("text", "json_text", "held", "rest"),
    [
        ("foo)", "", "f", "oo)"),
        ("Truex)", "", "True", "x)"),
        ("12abc)", "", "12abc", ")"),
        ("[1, 2}", "[1, 2", "", "}"),
        ("{(1, 2): 3}", "{", "", "(1, 2): 3}"),
        ("b'x'", "", "", "b'x'"),
    ],
)
def test_where_a_value_breaks(text: str, json_text: str, held: str, rest: str) -> None:
    got, status, got_held, got_rest = convert([text])
    assert (got, status, got_held, got_rest) == (json_text, BAD, held, rest)


def test_what_follows_a_value_is_left_to_the_caller() -> None:
    assert convert(["'a' 'b'"]) == ('"a"', DONE, "", " 'b'")
    assert convert(["1+2)"]) == ("1", DONE, "", "+2)")


def test_positional_argument_is_bad_at_once() -> None:
    assert convert(['"Beijing")'], kwargs=True) == ("{", BAD, "", '"Beijing")')
    assert convert(["x)"], kwargs=True) == ("{", BAD, "x", ")")
    assert convert(["x y=1)"], kwargs=True) == ("{", BAD, "x ", "y=1)")


@pytest.mark.parametrize(
    ("literal", "json_text"),
    [
        (r"'\x41\u4eac\U0001F600\N{EM DASH}\101\7\a\v\0'", '"A京😀—A\\u0007\\u0007\\u000b\\u0000"'),
        (r"'\q \x4g \N{NO SUCH} \N{} \U00110000'", r'"\\q \\x4g \\N{NO SUCH} \\N{} \\U00110000"'),
        ("'a\\\nb'", '"ab"'),  # backslash-newline continues the line
        ("'raw\nnewline'", '"raw\\nnewline"'),  # lenient: Python would refuse it
        (r"r'\d\'x'", '"\\\\d\\\\' + "'" + 'x"'),
        (r"R'\\'", r'"\\\\"'),
        ("u'x'", '"x"'),
        ("'''a''b'''", "\"a''b\""),
        ('""""""', '""'),
        ('""', '""'),
        # Escapes of surrogates stay JSON escapes (a raw surrogate is not UTF-8); JSON reads these two as 😀.
        (r"'\ud83d\ude00'", r'"\ud83d\ude00"'),
        ("'\x7f\u2028'", '"\x7f\u2028"'),
    ],
)
def test_strings(literal: str, json_text: str) -> None:
    text = literal + ")"
    for cut in range(len(text) + 1):
        assert convert(split_at(text, [cut])) == (json_text, DONE, "", ")"), cut
    json.loads(json_text)


@pytest.mark.parametrize(
    ("literal", "json_text", "lone"),
    [
        (r"'\ud83d'", r'"\ud83d"', 1),
        (r'"\udc00"', r'"\udc00"', 1),
        (r"'\ud83d\ude00'", r'"\ud83d\ude00"', 0),  # a pair
        (r"'\U0000D83D\U0000de00'", r'"\ud83d\ude00"', 0),
        (r"'a\ud83d\ud83d\ude00b'", r'"a\ud83d\ud83d\ude00b"', 1),  # a lone high half, then a pair
        (r"'\udc00\ud83d'", r'"\udc00\ud83d"', 2),  # the low half first: both lone
        (r"'\ud83d\n'", r'"\ud83d\n"', 1),
        (r"'\ud83d\x41'", r'"\ud83dA"', 1),
        (r"'\ud83dx'", r'"\ud83dx"', 1),
        (r"'\ud83d\u004'", r'"\ud83d\\u004"', 1),  # a malformed escape after the high half
        (r"'\ud83d\u0041'", r'"\ud83dA"', 1),
        (r"['\ud83d', {'\udfff': 1}]", r'["\ud83d", {"\udfff": 1}]', 2),
    ],
)
def test_surrogate_escapes_stay_escapes_and_lone_halves_are_counted(
    literal: str, json_text: str, lone: int
) -> None:
    # Issue 13 R3: the converter wrote the raw surrogate, which cannot be encoded as UTF-8.
    text = literal + ")"
    for cut in range(len(text) + 1):
        converter = PyLiteralToJson()
        converter.reset(kwargs=False)
        for piece in split_at(text, [cut]):
            converter.advance(piece, 0)
        written = "".join(converter.out)
        assert (written, converter.status, converter.lone_surrogates) == (json_text, DONE, lone), cut
        written.encode("utf-8")
    json.loads(json_text)


def test_surrogate_escape_cut_by_the_end_of_the_text() -> None:
    for text, lone in [(r"'\ud83d", 1), ("'\\ud83d\\", 1), (r"'\ud83d\ude0", 1), (r"'\ud83d\ude00", 0)]:
        converter = PyLiteralToJson()
        converter.reset(kwargs=False)
        converter.advance(text, 0)
        converter.finish()
        assert converter.lone_surrogates == lone, text
        "".join(converter.out).encode("utf-8")


def test_end_of_text() -> None:
    assert convert(["12"]) == ("12", DONE, "", "")
    assert convert(["Tr"]) == ("", MORE, "Tr", "")
    assert convert(["'ab\\x4"]) == ('"ab\\\\x4', MORE, "", "")
    assert convert(["'''ab''"]) == ("\"ab''", MORE, "", "")
    assert convert(["''"]) == ('""', DONE, "", "")
    assert convert(["a=1, b"], kwargs=True) == ('{"a": 1', MORE, "b", "")


def test_plain_string_text_is_taken_whole() -> None:
    converter = PyLiteralToJson()
    converter.reset(kwargs=False)
    converter.advance("'abc", 0)
    assert converter.take_plain("plain text")
    assert not converter.take_plain('with "quote')
    assert not converter.take_plain("back\\slash")


def test_nesting_is_not_recursive() -> None:
    depth = 100_000
    text = "[{1: (" * depth + ")}]" * depth
    json_text, status, held, rest = convert([text[i : i + 1000] for i in range(0, len(text), 1000)])
    assert (status, held, rest) == (DONE, "", "")
    assert json_text == '[{"1": [' * depth + "]}]" * depth


def test_hermes_python_dict_call_with_a_lone_surrogate_escape_is_utf8_and_flagged() -> None:
    # Hermes' Python-dict call objects go through the same converter (issue 13 R3).
    text = "<tool_call>\n{'name': 'f', 'arguments': {'a': '\\ud83d', 'b': '\\ud83d\\ude00'}}\n</tool_call>"
    want = ('{"a": "\\ud83d", "b": "\\ud83d\\ude00"}', [(0, "lone_surrogate")])
    for pieces in [[text], list(text)] + [[text[:cut], text[cut:]] for cut in range(1, len(text))]:
        parser = streamparse.StreamParser("hermes")
        events = [e for piece in pieces for e in parser.feed_events(piece)] + parser.finish_events()
        arguments = "".join(e.text for e in events if isinstance(e, streamparse.CallArguments))
        flags = [(e.index, e.kind) for e in events if isinstance(e, streamparse.CallFlag)]
        assert (arguments, flags) == want, pieces
    result = streamparse.parse(text, "hermes")
    result.model_dump_json().encode("utf-8")
    assert [(p.index, p.kind) for p in result.problems] == [(0, "lone_surrogate")]
