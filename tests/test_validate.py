"""validate=True: arguments checked against the tool's JSON schema, reported beside the call."""

from __future__ import annotations

import pytest

import streamparse
from streamparse.errors import UsageError

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
                "required": ["city"],
                "additionalProperties": False,
            },
        },
    },
    {"type": "function", "function": {"name": "now"}},
]


def hermes_call(name: str, arguments: str) -> str:
    return f'<tool_call>\n{{"name": "{name}", "arguments": {arguments}}}\n</tool_call>'


@pytest.mark.parametrize(
    ("arguments", "detail"),
    [
        ('{"city": "Paris", "days": 2}', None),
        ('{"days": 2}', "at (the arguments): 'city' is a required property"),
        ('{"city": "Paris", "days": 0}', "at days: 0 is less than the minimum of 1"),
        ('{"city": 3}', "at city: 3 is not of type 'string'"),
        ('{"city": "Paris", "extra": 1}', "Additional properties are not allowed"),
    ],
)
def test_schema_mismatches_are_flagged(arguments: str, detail: str | None) -> None:
    result = streamparse.parse(hermes_call("get_weather", arguments), "hermes", TOOLS, validate=True)
    assert result.tool_calls[0].function.arguments == arguments  # reported beside the call, never instead
    problems = [(p.index, p.kind, p.detail) for p in result.problems]
    if detail is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0][:2] == (0, "schema_mismatch")
        assert detail in problems[0][2]


def test_no_schema_unknown_tool_and_invalid_json_are_not_schema_problems() -> None:
    text = hermes_call("now", '{"x": 1}') + hermes_call("other", "{}") + hermes_call("get_weather", '{"a": ')
    result = streamparse.parse(text, "hermes", TOOLS, validate=True)
    kinds = [(p.index, p.kind) for p in result.problems]
    assert kinds == [(1, "unknown_tool"), (2, "invalid_arguments")]


def test_without_validate_nothing_is_checked() -> None:
    result = streamparse.parse(hermes_call("get_weather", "{}"), "hermes", TOOLS)
    assert result.problems == []


def test_fold_deltas_validates_a_stream() -> None:
    parser = streamparse.StreamParser("hermes", TOOLS)
    text = hermes_call("get_weather", '{"city": 1}')
    deltas = [parser.feed(c) for c in text] + [parser.finish()]
    result = streamparse.fold_deltas(deltas, parser.finish_reason, parser.tools, validate=True)
    assert [(p.index, p.kind) for p in result.problems] == [(0, "schema_mismatch")]


def test_validate_needs_tools() -> None:
    with pytest.raises(UsageError, match="pass tools"):
        streamparse.parse(hermes_call("f", "{}"), "hermes", validate=True)
