"""Schema-typed values of the XML dialects (issue 13): null in string values, Python-only
literal syntax, surrogates, the call header's bound, and MiniMax-M2 writing M1's block.

Each input runs whole, one character at a time and cut in two at every position; the
events (content, reasoning, calls and their flags) must be the same every way, and every
result must encode as UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _streamcheck import run_events

import streamparse
from streamparse import CallArguments, StreamParser, Text

STRING_AND_LIST = {"s": {"type": "string"}, "a": {"type": "array"}, "o": {"type": "object"}}
TOOLS = [{"name": "f", "parameters": {"type": "object", "properties": STRING_AND_LIST}}]


def every_cut(text: str) -> Iterator[list[str]]:
    yield [text]
    yield list(text)
    for cut in range(1, len(text)):
        yield [text[:cut], text[cut:]]


Outcome = tuple[str, str, list[tuple[str, str]], list[tuple[int, str]]]


def streamed(dialect: str, pieces: list[str], tools: Any = TOOLS) -> Outcome:
    run = run_events(dialect, pieces, tools=tools)
    calls = [(name, arguments) for _, name, arguments in run["tool_calls"]]
    return run["content"] or "", run["reasoning_content"] or "", calls, run["flags"]


def check_every_cut(dialect: str, text: str, tools: Any = TOOLS) -> streamparse.ParseResult:
    """parse() and every way of streaming ``text`` agree; everything is UTF-8."""
    batch = streamparse.parse(text, dialect, tools, id_seed=0)
    expected: Outcome = (
        batch.content or "",
        batch.reasoning_content or "",
        [(c.function.name, c.function.arguments) for c in batch.tool_calls],
        [(p.index, p.kind) for p in batch.problems if p.kind != "incomplete"],
    )
    json.dumps(batch.model_dump(), ensure_ascii=False).encode("utf-8")
    for pieces in every_cut(text):
        assert streamed(dialect, pieces, tools) == expected, pieces
    return batch


def arguments(result: streamparse.ParseResult) -> list[str]:
    return [call.function.arguments for call in result.tool_calls]


def qwen(*parameters: tuple[str, str], block: str = "tool_call") -> str:
    body = "".join(f"<parameter={key}>\n{value}\n</parameter>\n" for key, value in parameters)
    return f"<{block}>\n<function=f>\n{body}</function>\n</{block}>"


def minimax(*parameters: tuple[str, str]) -> str:
    body = "".join(f'<parameter name="{key}">{value}</parameter>\n' for key, value in parameters)
    return f'<minimax:tool_call>\n<invoke name="f">\n{body}</invoke>\n</minimax:tool_call>'


def glm(*parameters: tuple[str, str]) -> str:
    body = "".join(f"<arg_key>{key}</arg_key>\n<arg_value>{value}</arg_value>\n" for key, value in parameters)
    return f"<tool_call>f\n{body}</tool_call>"


WRITERS = {
    "qwen3_coder": qwen,
    "seed_oss": lambda *p: qwen(*p, block="seed:tool_call"),
    "minimax_m2": minimax,
    "glm45": glm,
}


# -- null in a string-typed value (DIALECTS.md, schema-typed values, rule 2) ---------------


@pytest.mark.parametrize("dialect", ["qwen3_coder", "seed_oss", "minimax_m2"])
def test_null_is_null_in_a_string_value(dialect: str) -> None:
    text = WRITERS[dialect](("s", "null"), ("s", "NULL"), ("s", "nul"), ("s", "nullx"))
    result = check_every_cut(dialect, text)
    assert arguments(result) == ['{"s": null, "s": null, "s": "nul", "s": "nullx"}']


def test_glm45_keeps_null_a_string_where_the_schema_says_string() -> None:
    result = check_every_cut("glm45", glm(("s", "null"), ("x", "null")))
    assert arguments(result) == ['{"s": "null", "x": null}']  # x: no schema, decoded as JSON


@pytest.mark.parametrize("dialect", ["qwen3_coder", "minimax_m2"])
def test_a_string_value_is_held_only_while_it_may_be_null(dialect: str) -> None:
    """At most the four characters of "null": the fifth sends the value (and a non-prefix at once)."""
    head = WRITERS[dialect](("s", "nullable and more")).split("nullable")[0]
    parser = StreamParser(dialect, TOOLS, id_seed=0)
    parser.feed(head)
    sent = ""
    for char, expected in zip("nullable", ["", "", "", "", '"nulla']):
        for event in parser.feed_events(char):
            if isinstance(event, CallArguments):
                sent += event.text
        assert sent == expected, char
    parser = StreamParser(dialect, TOOLS, id_seed=0)
    parser.feed(head)
    assert [e.text for e in parser.feed_events("x") if isinstance(e, CallArguments)] == ['"x']


# -- R5: Python literal syntax JSON lacks ------------------------------------------------------


@pytest.mark.parametrize("dialect", ["qwen3_coder", "minimax_m2", "glm45"])
def test_python_literal_with_trailing_commas_and_underscores(dialect: str) -> None:
    text = WRITERS[dialect](("a", '[\n "a.py",\n "b.py",\n]'), ("o", "{'n': 1_000, 'ok': True,}"))
    result = check_every_cut(dialect, text)
    [args] = arguments(result)
    assert json.loads(args) == {"a": ["a.py", "b.py"], "o": {"n": 1000, "ok": True}}


# -- R3: surrogates ----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["qwen3_coder", "minimax_m2", "glm45"])
@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("['\\ud83d']", '["\\ud83d"]'),  # a Python escape of half a pair
        ('["\\ud83d", 1]', '["\\ud83d", 1]'),  # the same in JSON, kept as written
        ('["\\ude00"]', '["\\ude00"]'),
    ],
)
def test_a_lone_surrogate_escape_is_kept_and_flagged(dialect: str, value: str, written: str) -> None:
    result = check_every_cut(dialect, WRITERS[dialect](("s", "ok"), ("a", value)))
    assert arguments(result) == ['{"s": "ok", "a": ' + written + "}"]
    assert [(p.index, p.kind) for p in result.problems] == [(0, "lone_surrogate")]


@pytest.mark.parametrize("dialect", ["qwen3_coder", "minimax_m2", "glm45"])
def test_a_surrogate_pair_escape_is_not_flagged(dialect: str) -> None:
    result = check_every_cut(dialect, WRITERS[dialect](("a", "['\\ud83d\\ude00']")))
    assert json.loads(arguments(result)[0]) == {"a": ["😀"]}
    assert result.problems == []


@pytest.mark.parametrize("dialect", ["qwen3_coder", "minimax_m2", "glm45", "seed_oss"])
def test_raw_surrogate_characters_come_out_escaped(dialect: str) -> None:
    text = WRITERS[dialect](("s", "a\ud83db\udc00c"), ("a", '["\ud83d"]'))
    result = check_every_cut(dialect, text)
    assert arguments(result) == ['{"s": "a\\ud83db\\udc00c", "a": ["\\ud83d"]}']
    assert [(p.index, p.kind) for p in result.problems] == [(0, "lone_surrogate"), (0, "lone_surrogate")]


def test_a_cut_typed_value_with_a_raw_surrogate_is_escaped() -> None:
    text = qwen(("a", "[1, '\ud83d")).split("\n</parameter>")[0]
    result = streamparse.parse(text, "qwen3_coder", TOOLS, finish_reason="length")
    assert arguments(result) == ['{"a": [1, \'\\ud83d']
    assert "lone_surrogate" in [p.kind for p in result.problems]


def test_raw_surrogates_in_a_streamed_string_are_flagged_when_the_value_ends() -> None:
    parser = StreamParser("qwen3_coder", TOOLS, id_seed=0)
    parser.feed("<tool_call>\n<function=f>\n<parameter=s>\nok")
    assert parser.feed_events("x\ud83d") == [CallArguments(0, "x\\ud83d")]  # the per-delta path
    events = parser.feed_events("y\n</parameter>\n</function>")
    kinds = [(type(e).__name__, getattr(e, "text", getattr(e, "kind", ""))) for e in events]
    assert kinds[:3] == [("CallArguments", "y"), ("CallFlag", "lone_surrogate"), ("CallArguments", '"}')]


# -- R7: a call header is held at most MAX_HEADER characters -----------------------------------

OPENINGS = {
    "qwen3_coder": "<tool_call>\n<function=",
    "seed_oss": "<seed:tool_call>\n<function=",
    "minimax_m2": '<minimax:tool_call>\n<invoke name="',
}


@pytest.mark.parametrize("dialect", sorted(OPENINGS))
def test_an_endless_call_name_is_content_by_its_1025th_character(dialect: str) -> None:
    opening = OPENINGS[dialect]
    name_start = len(opening) - (1 if opening.endswith('"') else 0)  # the quote is the header's
    text = opening + "x" * 2000
    parser = StreamParser(dialect, id_seed=0)
    content = ""
    for position, char in enumerate(text):
        content += "".join(e.text for e in parser.feed_events(char) if isinstance(e, Text))
        header_chars = position + 1 - name_start
        if header_chars <= 1024:
            assert content == "", header_chars
    assert content == text[:-1] or content == text
    result = streamparse.parse(text, dialect, id_seed=0)
    assert (result.content, result.tool_calls) == (text, [])
    batch = streamed(dialect, [text])
    for cut in range(0, len(text), 7):
        assert streamed(dialect, [text[:cut], text[cut:]]) == batch, cut


@pytest.mark.parametrize("dialect", sorted(OPENINGS))
def test_a_long_but_bounded_call_name_still_names_the_call(dialect: str) -> None:
    name = "n" * (1022 if dialect == "minimax_m2" else 1024)  # minimax_m2: the quotes count
    close = '"' if dialect == "minimax_m2" else ""
    end = {"minimax_m2": "</invoke>", "qwen3_coder": "</function>", "seed_oss": "</function>"}[dialect]
    text = OPENINGS[dialect] + name + close + ">\n" + end
    assert [c.function.name for c in streamparse.parse(text, dialect).tool_calls] == [name]


# -- MiniMax-M2 writing M1's <tool_calls> block --------------------------------------------------


def test_minimax_m2_reads_m1_block_at_every_cut() -> None:
    text = (
        "<think>\nBoth.\n</think>\n<tool_calls>\n"
        '{"name": "f", "arguments": {"s": "x", "a": [1]}}\n'
        '{"name": "g", "arguments": {}}\n'
        "</tool_calls>"
    )
    m2 = check_every_cut("minimax_m2", text, tools=None)
    assert [(c.function.name, c.function.arguments) for c in m2.tool_calls] == [
        ("f", '{"s": "x", "a": [1]}'),
        ("g", "{}"),
    ]
    assert (m2.content, m2.reasoning_content) == ("\n", "\nBoth.\n")
    m1 = streamparse.parse(text, "minimax_m1", id_seed=0)
    assert m1.model_dump() == m2.model_dump()


def test_minimax_m2_own_block_after_an_m1_block() -> None:
    text = '<tool_calls>\n{"name": "f", "arguments": {"s": "1"}}\n</tool_calls>\n' + minimax(("s", "2"))
    result = check_every_cut("minimax_m2", text)
    assert arguments(result) == ['{"s": "1"}', '{"s": "2"}']
    assert result.content == "\n"
