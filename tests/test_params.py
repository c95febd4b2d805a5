"""The shared parameter-to-JSON converter (``streamparse._params``): typing rules, Python
literals without eval, and the writer's streaming, independent of any dialect's tags."""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest

from streamparse._params import (
    ArgumentsWriter,
    ValueRules,
    lone_surrogate_escape,
    python_literal_json,
    schema_types,
    surrogates_escaped,
    typed_json,
)

NEWLINE = ValueRules(strip="newline", null_words=frozenset({"null", "none"}))
# qwen3_coder's rules: "null" is null whatever the type.
QWEN = ValueRules(strip="newline", null_words=frozenset({"null", "none"}), null_for_strings=True)
SPACES = ValueRules(strip="whitespace", untyped="json")


@pytest.mark.parametrize(
    ("schema", "types"),
    [
        ({"type": "string"}, {"string"}),
        ({"type": ["integer", "null"]}, {"integer", "null"}),
        ({"type": "INT"}, {"integer"}),
        ({"enum": ["a", 1, None, True]}, {"string", "integer", "null", "boolean"}),
        ({"const": 2.5}, {"number"}),
        (
            {"anyOf": [{"type": "string"}, {"oneOf": [{"type": "array"}, {"type": "object"}]}]},
            {"string", "array", "object"},
        ),
        ({"type": "widget"}, set()),
        ({"description": "anything"}, set()),
        ("not a schema", set()),
    ],
)
def test_schema_types(schema: Any, types: set[str]) -> None:
    assert schema_types(schema) == types


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("00123", {"string"}, '"00123"'),
        ("123", {"integer", "string"}, "123"),
        ("007", {"integer", "string"}, '"007"'),
        ("1.50", {"number"}, "1.50"),
        ("NaN", {"number"}, '"NaN"'),
        ("Infinity", {"number"}, '"Infinity"'),
        ("TRUE", {"boolean"}, "true"),
        ("yes", {"boolean"}, '"yes"'),
        ("None", {"integer"}, "null"),
        ("null", {"string"}, '"null"'),
        ("null", {"string", "null"}, "null"),
        ('{"a": NaN}', {"object"}, '"{\\"a\\": NaN}"'),
        ("[1, 2]", {"object"}, '"[1, 2]"'),
        (" [1, 2] ", {"array"}, "[1, 2]"),
        ("{'a': (1, 2)}", {"object"}, "\"{'a': (1, 2)}\""),
        ("[1] ; import os", {"array"}, '"[1] ; import os"'),
    ],
)
def test_typed_json(text: str, types: set[str], expected: str) -> None:
    assert typed_json(text, frozenset(types), NEWLINE) == expected


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("null", {"string"}, "null"),
        ("NuLL", {"string"}, "null"),
        ("None", {"string"}, '"None"'),
        ("None", {"integer", "string"}, '"None"'),
        ("null", {"integer", "string"}, "null"),
        ("nil", {"string"}, '"nil"'),
    ],
)
def test_null_is_null_whatever_the_type_where_the_dialect_says_so(
    text: str, types: set[str], expected: str
) -> None:
    assert typed_json(text, frozenset(types), QWEN) == expected


def test_untyped_json_rule_decodes_only_non_strings() -> None:
    assert typed_json(" 3 ", frozenset(), SPACES) == "3"
    assert typed_json('"quoted"', frozenset(), SPACES) == '"\\"quoted\\""'
    assert typed_json("plain", frozenset(), SPACES) == '"plain"'


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("{'a': True, 'b': [None, False, -1.5e3]}", {"a": True, "b": [None, False, -1500.0]}),
        ("['it\\'s', \"q\\\"\", '\\x41\\u00e9\\U0001F600\\n\\101']", ["it's", 'q"', "Aé😀\nA"]),
        ("['\\d']", ["\\d"]),
        ("{}", {}),
    ],
)
def test_python_literals(text: str, value: Any) -> None:
    translated = python_literal_json(text)
    assert translated is not None
    assert json.loads(translated) == value


# R5: what Python's literal syntax accepts beyond JSON, checked against ast.literal_eval.
PYTHON_ONLY_SYNTAX = [
    '[\n "a.py",\n "b.py",\n]',  # a coder model's multi-line list
    "[1, 2,]",
    "{'a': 1,}",
    "{'a': [1,], 'b': {'c': 2,},}",
    "[1_000, 1_000.000_1, 1e1_0, 0_0]",
    "[0x1F, 0X_ff, 0o17, 0b1010_1010]",
    "[1., .5, 1.e3, 007.5, 00]",
    "[-1, - 1, +2, -\n3, -0.5, -.5]",
    "{'k': None, 'v': [True, False]}",
]


@pytest.mark.parametrize("text", PYTHON_ONLY_SYNTAX)
def test_python_syntax_json_lacks(text: str) -> None:
    translated = python_literal_json(text)
    assert translated is not None, text
    assert json.loads(translated) == ast.literal_eval(text)


def test_a_trailing_comma_is_dropped_and_nothing_else_changes() -> None:
    assert python_literal_json('[\n "a.py",\n "b.py",\n]') == '[\n "a.py",\n "b.py"\n]'
    assert python_literal_json("{'a': 1_000,}") == '{"a": 1000}'


@pytest.mark.parametrize(
    "text",
    [
        "(1, 2)",
        "{'a': b}",
        "['unclosed]",
        "[__import__('os')]",
        "['a\nb']",
        "{1: 2}",
        "[,]",
        "{,}",
        "[1,,]",
        "[1, 2,,]",
        "{'a': 1,,}",
        "{'a',}",  # a set
        "[007]",
        "[1j]",
        "[1__0]",
        "[1_]",
        "[_1]",
        "[1_.5]",
        "[.]",
        "[0x]",
        "[1.2.3]",
        "[--1]",
        "[-True]",
        "[1 2]",
        "[1e]",
        "[0x" + "f" * 300 + "]",
    ],
)
def test_not_python_literals(text: str) -> None:
    assert python_literal_json(text) is None


def write(rules: ValueRules, schema: Any, pieces: list[str], complete: bool = True) -> tuple[list[str], str]:
    writer = ArgumentsWriter(rules)
    writer.start_call({"type": "object", "properties": {"k": schema}} if schema is not None else None)
    out = [writer.start_value("k")] + [writer.feed(p) for p in pieces]
    out.append(writer.end_call(complete))
    return out, "".join(out)


def test_strings_stream_and_hold_only_the_stripped_newline() -> None:
    out, text = write(NEWLINE, {"type": "string"}, ["\n", 'say "', "hi\\", "\n", "\n"])
    assert out == ['{"k": "', "", 'say \\"', "hi\\\\", "", "\\n", '"}']
    assert json.loads(text) == {"k": 'say "hi\\\n'}


def test_nullable_string_is_held_while_it_may_spell_null() -> None:
    out, text = write(NEWLINE, {"type": ["string", "null"]}, ["N", "on", "e"])
    assert out == ['{"k": ', "", "", "", "null}"]
    out, text = write(NEWLINE, {"type": ["string", "null"]}, ["n", "ul", "la"])
    assert out == ['{"k": ', "", "", '"nulla', '"}']


def test_string_is_held_while_it_may_be_the_word_null_where_null_is_null_whatever_the_type() -> None:
    out, text = write(QWEN, {"type": "string"}, ["\n", "N", "u", "Ll", "\n"])
    assert out == ['{"k": ', "", "", "", "", "", "null}"]
    out, text = write(QWEN, {"type": "string"}, ["n", "ul", "lx", "y"])
    assert out == ['{"k": ', "", "", '"nullx', "y", '"}']
    # Only "null": the other null words are strings where only strings are allowed.
    out, text = write(QWEN, {"type": "string"}, ["N", "one"])
    assert out == ['{"k": ', "", '"None', '"}']
    # Not a prefix of null from the first character: streamed at once.
    assert write(QWEN, {"type": "string"}, ["x"])[0] == ['{"k": ', '"x', '"}']
    # A cut value flushes what it held, closing nothing.
    assert write(QWEN, {"type": "string"}, ["nu"], complete=False)[1] == '{"k": "nu'


def test_cut_value_flushes_what_is_held_and_closes_nothing() -> None:
    assert write(SPACES, {"type": "string"}, [" ab  "], complete=False)[1] == '{"k": "ab  '
    assert write(SPACES, {"type": "integer"}, ["12"], complete=False)[1] == '{"k": 12'


def test_no_parameters_is_an_empty_object() -> None:
    writer = ArgumentsWriter(NEWLINE)
    writer.start_call(None)
    assert writer.end_call(True) == "{}"


# -- R3: surrogates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("json_text", "lone"),
    [
        ('["\\ud83d"]', "\\ud83d"),
        ('["\\ude00"]', "\\ude00"),
        ('["\\ud83d\\ude00"]', None),
        ('["\\uD83D\\uDE00", "\\ud83d"]', "\\ud83d"),
        ('["\\ud83dx\\ude00"]', "\\ud83d"),
        ('["\\ud83d\\n"]', "\\ud83d"),
        ('["\\ud83d\\ud83d\\ude00"]', "\\ud83d"),
        ('["\\\\ud83d"]', None),  # an escaped backslash, then text
        ('["\\\\\\ud83d"]', "\\ud83d"),
        ('["\\u00e9"]', None),
        ("[1]", None),
    ],
)
def test_lone_surrogate_escape(json_text: str, lone: str | None) -> None:
    assert lone_surrogate_escape(json_text) == lone


def test_surrogate_characters_become_escapes() -> None:
    assert surrogates_escaped('["a\ud83db", "é"]') == '["a\\ud83db", "é"]'
    assert json.loads(surrogates_escaped('"\ud83d\ude00"')) == "😀"


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("['\\ud83d']", {"array"}, '["\\ud83d"]'),  # a Python escape: kept as a JSON escape
        ("['\\ud83d\\ude00']", {"array"}, '["\\ud83d\\ude00"]'),
        ('["\\ud83d"]', {"array"}, '["\\ud83d"]'),  # JSON as written
        ('["\ud83d"]', {"array"}, '["\\ud83d"]'),  # a raw surrogate inside JSON
        ("x\ud83d", {"integer"}, '"x\\ud83d"'),
        ('{"a": "\ud83d"}', frozenset(), '{"a": "\\ud83d"}'),  # glm45's untyped JSON rule
    ],
)
def test_typed_values_are_always_utf8(text: str, types: set[str], expected: str) -> None:
    out = typed_json(text, frozenset(types), SPACES)
    assert out == expected
    out.encode("utf-8")


def flagged_write(schema: Any, pieces: list[str], key: str = "k") -> tuple[str, list[tuple[str, str]]]:
    flags: list[tuple[str, str]] = []
    writer = ArgumentsWriter(QWEN, lambda kind, detail: flags.append((kind, detail)))
    writer.start_call({"type": "object", "properties": {key: schema}})
    out = writer.start_value(key) + "".join(writer.feed(p) for p in pieces) + writer.end_call(True)
    out.encode("utf-8")
    return out, flags


def test_writer_escapes_and_flags_each_value_once() -> None:
    out, flags = flagged_write({"type": "string"}, ["a\ud83d", "b\udc00"])
    assert out == '{"k": "a\\ud83db\\udc00"}'
    assert [kind for kind, _ in flags] == ["lone_surrogate"]
    out, flags = flagged_write({"type": "array"}, ["['\\ud8", "3d']"])
    assert out == '{"k": ["\\ud83d"]}'
    assert flags == [("lone_surrogate", "parameter 'k': \\ud83d is half a surrogate pair, kept as written")]
    out, flags = flagged_write({"type": "array"}, ['["\\ud83d\\ude00"]'])
    assert (out, flags) == ('{"k": ["\\ud83d\\ude00"]}', [])
    out, flags = flagged_write({"type": "string"}, ["x"], key="k\ud83d")
    assert out == '{"k\\ud83d": "x"}'
    assert [kind for kind, _ in flags] == ["lone_surrogate"]
    for _, detail in flags:
        detail.encode("utf-8")
