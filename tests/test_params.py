"""The shared parameter-to-JSON converter (``streamparse._params``): typing rules, Python
literals without eval, and the writer's streaming, independent of any dialect's tags."""

from __future__ import annotations

import json
from typing import Any

import pytest

from streamparse._params import ArgumentsWriter, ValueRules, python_literal_json, schema_types, typed_json

NEWLINE = ValueRules(strip="newline", null_words=frozenset({"null", "none"}))
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


@pytest.mark.parametrize(
    "text", ["[1, 2,]", "(1, 2)", "{'a': b}", "['unclosed]", "[__import__('os')]", "['a\nb']", "{1: 2}"]
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


def test_cut_value_flushes_what_is_held_and_closes_nothing() -> None:
    assert write(SPACES, {"type": "string"}, [" ab  "], complete=False)[1] == '{"k": "ab  '
    assert write(SPACES, {"type": "integer"}, ["12"], complete=False)[1] == '{"k": 12'


def test_no_parameters_is_an_empty_object() -> None:
    writer = ArgumentsWriter(NEWLINE)
    writer.start_call(None)
    assert writer.end_call(True) == "{}"
