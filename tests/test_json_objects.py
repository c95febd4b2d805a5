"""Regression tests for JSON call objects (issue 13: R1, R2, R6, R3, R8, P1, P2, R9, Mistral ids).

Each case is run whole, one character at a time, and at every 2-way cut
(3-way cuts for the short R1 inputs); every run must give the same result,
flags included (checked at the event level, where CallFlag events live).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest

import streamparse
from streamparse import StreamParser
from streamparse._json import JsonStringDecoder, decode_json_string
from streamparse.errors import MalformedCallError
from streamparse.result import _arguments_problem, _Builder


def run(dialect: str, pieces: Sequence[str]) -> tuple[Any, ...]:
    parser = StreamParser(dialect, id_seed=0)
    builder = _Builder()
    for piece in pieces:
        builder.add_events(parser.feed_events(piece))
    builder.add_events(parser.finish_events())
    assert parser.finish_reason is not None
    result = builder.result(parser.finish_reason, None)
    return (
        result.content,
        [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls],
        [(p.index, p.kind) for p in result.problems],
    )


def every_cut(dialect: str, text: str, *, three_way: bool = False) -> tuple[Any, ...]:
    """The result, after checking it is the same whole, per character and at every cut."""
    whole = run(dialect, [text])
    assert run(dialect, list(text)) == whole
    for i in range(1, len(text)):
        assert run(dialect, [text[:i], text[i:]]) == whole, i
    if three_way:
        for i, j in itertools.combinations(range(1, len(text)), 2):
            assert run(dialect, [text[:i], text[i:j], text[j:]]) == whole, (i, j)
    for content, calls in ((whole[0] or "", whole[1]),):
        content.encode("utf-8")
        for call_id, name, arguments in calls:
            (call_id + name + arguments).encode("utf-8")
    return whole


def calls(result: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [(name, arguments) for _, name, arguments in result[1]]


# -- R1: the text before a bad character is part of the arguments -----------------------

R1_CASES = {
    "hermes": '<tool_call>\n{"name": "f", "arguments": {"a": 1\n</tool_call>',
    "minimax_m1": '<tool_calls>\n{"name": "f", "arguments": {"a": 1\n</tool_calls>',
    "llama3_json": '{"name": "f", "parameters": {"a": 1\n<|python_tag|>',
    "json_array": '[{"name": "f", "parameters": {"a": 1\n<x',
    "mistral": '[TOOL_CALLS] [{"name": "f", "arguments": {"a": 1\n<x',
}


@pytest.mark.parametrize("dialect", sorted(R1_CASES))
def test_r1_arguments_before_a_bad_character_are_kept_at_every_cut(dialect: str) -> None:
    result = every_cut(dialect, R1_CASES[dialect], three_way=True)
    assert calls(result) == [("f", '{"a": 1\n')]
    assert (0, "invalid_arguments") in result[2]


# -- R2 / R6: what is a call object ------------------------------------------------------


def test_r2_unknown_key_before_commit_makes_the_block_content() -> None:
    text = '<tool_call>\n{"name": "delete_file", "args": {"path": "/tmp/x"}}\n</tool_call>'
    assert every_cut("hermes", text) == (text, [], [])


def test_r2_llama3_json_answer_with_a_name_field_is_content() -> None:
    text = '{"name": "Alice", "age": 30}'
    assert every_cut("llama3_json", text) == (text, [], [])


@pytest.mark.parametrize("member", ['"extra": 1', '"arguments": {"b": 2}', '"name": "g"', '"type": "x"'])
def test_r2_unknown_member_after_commit_is_flagged(member: str) -> None:
    text = '<tool_call>\n{"name": "f", "arguments": {"a": 1}, ' + member + "}\n</tool_call>"
    result = every_cut("hermes", text)
    assert calls(result) == [("f", '{"a": 1}')]
    assert result[2] == [(0, "unexpected_member")]


def test_r2_strict_mode_raises_on_an_unexpected_member() -> None:
    text = '<tool_call>\n{"name": "f", "arguments": {}, "extra": 1}\n</tool_call>'
    with pytest.raises(MalformedCallError):
        streamparse.parse(text, "hermes", strict=True)


def test_recognised_members_commit() -> None:
    assert calls(every_cut("hermes", '<tool_call>{"name": "f"}</tool_call>')) == [("f", "{}")]
    text = '<tool_call>{"type": "function", "name": "f", "arguments": {"a": 1}}</tool_call>'
    assert calls(every_cut("hermes", text)) == [("f", '{"a": 1}')]
    text = '<tool_call>{"arguments": {"a": 1}, "name": "f"}</tool_call>'  # Hermes 2 Pro's order
    assert calls(every_cut("hermes", text)) == [("f", '{"a": 1}')]
    text = '<tool_call>{"name": "f", "type": "function", "arguments": {}}</tool_call>'
    assert every_cut("hermes", text)[2] == []


def test_r6_object_without_a_name_streams_as_content() -> None:
    text = '{"answer": "' + "x" * 20000 + '"}'
    for dialect in ("llama3_json", "json_array"):
        parser = StreamParser(dialect)
        first = parser.feed(text[:100])
        assert first is not None and first["content"] == text[:100]
        assert parser.feed(text[100:5000]) == {"content": text[100:5000]}
    for dialect, begin in (("hermes", "<tool_call>"), ("minimax_m1", "<tool_calls>")):
        parser = StreamParser(dialect)
        out = [parser.feed(begin + text[:100])]
        out.extend(parser.feed(text[k : k + 100]) for k in range(100, len(text), 100))
        # Held with its wrapper at most MAX_PENDING characters, then content as it arrives.
        assert out[-1] is not None and out[-1].get("content")
        assert streamparse.parse(begin + text, dialect).content == begin + text


def test_arguments_before_the_name_are_held_as_far_as_max_arguments_chars() -> None:
    text = '{"arguments": {"a": "' + "x" * 20000 + '"}, "name": "f"}'
    # The default limit (4 MiB) holds a long call written arguments-first: it stays one call.
    assert calls(every_cut("llama3_json", text)) == [
        ("f", text[len('{"arguments": ') : -len(', "name": "f"}')])
    ]
    for limit, bound in ((12000, 12000), (100, 8192)):  # and never less than MAX_PENDING
        parser = StreamParser("llama3_json", max_arguments_chars=limit)
        out = [parser.feed(text[k : k + 7]) for k in range(0, len(text), 7)]
        first = next(i for i, d in enumerate(out) if d)
        assert bound - 7 <= first * 7 <= bound + 7
        assert out[first] == {"content": text[: (first + 1) * 7]}
        assert streamparse.parse(text, "llama3_json", max_arguments_chars=limit).content == text


# -- Mistral ids -----------------------------------------------------------------------


def test_mistral_id_after_the_arguments_is_generated_at_every_cut() -> None:
    text = '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "aB3dE9xYz"}]'
    result = every_cut("mistral", text)
    ((call_id, name, arguments),) = result[1]
    assert (name, arguments) == ("get_weather", '{"city": "Paris"}')
    assert call_id != "aB3dE9xYz" and len(call_id) == 9 and call_id.isalnum()
    assert result[0] is None and result[2] == []


@pytest.mark.parametrize(
    "text",
    [
        '[TOOL_CALLS] [{"name": "get_weather", "id": "aB3dE9xYz", "arguments": {"city": "Paris"}}]',
        '[TOOL_CALLS] [{"id": "aB3dE9xYz", "name": "get_weather", "arguments": {"city": "Paris"}}]',
    ],
)
def test_mistral_id_before_the_arguments_is_kept_at_every_cut(text: str) -> None:
    assert every_cut("mistral", text) == (
        None,
        [("aB3dE9xYz", "get_weather", '{"city": "Paris"}')],
        [],
    )


# -- P1: string arguments -----------------------------------------------------------------


def test_p1_string_arguments_that_hold_no_object_pass_as_written() -> None:
    text = '<tool_call>\n{"name": "do_thing", "arguments": "hello"}\n</tool_call>'
    result = every_cut("hermes", text)
    assert calls(result) == [("do_thing", '"hello"')]
    assert result[2] == [(0, "invalid_arguments")]


def test_p1_double_encoded_object_is_decoded() -> None:
    text = '<tool_call>\n{"name": "f", "arguments": " {\\"city\\": \\"Paris\\"}"}\n</tool_call>'
    assert calls(every_cut("hermes", text)) == [("f", ' {"city": "Paris"}')]


def test_p1_kimi_string_arguments_that_hold_no_object_pass_as_written() -> None:
    begin, arg, end = "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>"
    text = f'{begin}functions.f:0{arg} "hello" {end}'
    assert calls(every_cut("kimi_k2", text)) == [("f", '"hello"')]
    text = f'{begin}functions.f:0{arg}"{{\\"a\\": 1}}"{end}'
    assert calls(every_cut("kimi_k2", text)) == [("f", '{"a": 1}')]


# -- R3: lone surrogates -------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud83d", "\\udc00", "\\ud83d\\u0041"])
def test_r3_lone_surrogate_in_double_encoded_arguments(escape: str) -> None:
    text = '<tool_call>{"name": "f", "arguments": "{\\"a\\": \\"' + escape + '\\"}"}</tool_call>'
    result = every_cut("hermes", text)
    ((_, arguments),) = calls(result)
    assert escape[:6] in arguments  # kept as written: the arguments stay valid JSON
    assert result[2] == [(0, "lone_surrogate")]


def test_r3_lone_surrogate_in_a_name_is_kept_as_written() -> None:
    text = '<tool_call>{"name": "f\\ud83d", "arguments": {}}</tool_call>'
    result = every_cut("hermes", text)
    assert calls(result) == [("f\\ud83d", "{}")]
    assert result[2] == [(0, "lone_surrogate")]


def test_r3_decoders_never_produce_surrogates() -> None:
    for raw in ("\\ud83d", "\\udc00", "a\\ud83dxyz", "\\ud83d\\ud83d", "\\ud83d\\ude00"):
        decoder = JsonStringDecoder()
        pieces = "".join(decoder.feed(c) for c in raw) + decoder.finish()
        assert pieces == JsonStringDecoder().feed(raw, final=True) == decode_json_string(raw)
        pieces.encode("utf-8")
    assert decode_json_string("\\ud83d\\ude00") == "\U0001f600"


# -- R8: NaN and Infinity ------------------------------------------------------------------


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_r8_nan_and_infinity_are_flagged(word: str) -> None:
    problem = _arguments_problem('{"a": [' + word + "]}")
    assert problem is not None and word in problem
    result = streamparse.parse(
        '<tool_call>{"name": "f", "arguments": {"a": ' + word + "}}</tool_call>", "hermes"
    )
    assert [p.kind for p in result.problems] == ["invalid_arguments"]


# -- P2: llama3_json whitespace separators ---------------------------------------------------


@pytest.mark.parametrize("separator", ["\n", " ", "\n\n", "; ", ""])
def test_p2_llama3_json_calls_separated_by_whitespace(separator: str) -> None:
    text = '{"name": "f", "parameters": {"a": 1}}' + separator + '{"name": "g", "parameters": {}}'
    assert every_cut("llama3_json", text) == (
        None,
        [
            (run("llama3_json", [text])[1][0][0], "f", '{"a": 1}'),
            (run("llama3_json", [text])[1][1][0], "g", "{}"),
        ],
        [],
    )


def test_p2_llama3_json_object_after_a_call_that_is_no_call_is_content() -> None:
    text = '{"name": "f", "parameters": {}}\n{"answer": 1}'
    result = every_cut("llama3_json", text)
    assert calls(result) == [("f", "{}")] and result[0] == '{"answer": 1}'


# -- R9: mistral v11 whitespace before [ARGS] -------------------------------------------------


@pytest.mark.parametrize("space", [" ", "\n", " \n "])
def test_r9_mistral_whitespace_between_name_and_args(space: str) -> None:
    text = "[TOOL_CALLS]get_weather" + space + '[ARGS]{"city": "Paris"}'
    assert calls(every_cut("mistral", text)) == [("get_weather", '{"city": "Paris"}')]


def test_r9_mistral_prose_after_tool_calls_stays_content() -> None:
    text = "[TOOL_CALLS]get weather[ARGS]{}"
    assert every_cut("mistral", text) == (text, [], [])


def test_a_key_too_long_for_a_call_does_not_leave_the_scan_out_of_step() -> None:
    # Found by the mutated property (it looped forever): a key rejected for its length was
    # resumed at the character that decided, while its skimmer had read further.
    text = (
        '[{"":{""""]{"\\da83\\udc90\\u0090\\u00a5P\\u00af\\ud916\\udc8d\\u00d5\\\\\\udb8d\\ude0e\\u\\\\\\""'
    )
    assert every_cut("json_array", text)[0] == text
    long_key = '{"' + "k" * 100 + '": 1, "name": "f"}'
    for dialect in ("llama3_json", "json_array"):
        text = long_key if dialect == "llama3_json" else "[" + long_key + "]"
        assert every_cut(dialect, text)[0] == text
    long_name = '<tool_call>{"name": "' + "n" * 2000 + '", "arguments": {}}</tool_call>'
    assert every_cut("hermes", long_name)[0] == long_name


def test_a_key_too_long_that_closes_in_the_same_text_resumes_after_the_key() -> None:
    # Found by the mutated property: a key rejected for its length in the text that also closed
    # it was resumed inside the key's string state, so a whole feed skimmed the object out of
    # step (all content, no call) while one character at a time gave the call.
    key = '"' + "b" * 70 + '"'
    text = '[{"arguments": {"a":],' + key + ':null}, "name": "A"},{"arguments": {}, "name": "A"}]'
    content, found, problems = every_cut("json_array", text)
    assert content == '{"arguments": {"a":],' + key + ':null}"name": "A"}'
    assert calls((content, found, problems)) == [("A", "{}")]
    escaped = '"\\u001f\\u001f\\u001f\\u000b\\u0007' + "\\ud800\\udc00" * 3 + '"'
    text = '[{"arguments": {"\\u001f":],' + escaped + ':null}, "name": "A"},{"arguments": {}, "name": "A"}]'
    assert calls(every_cut("json_array", text)) == [("A", "{}")]


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        # Found by the mutated property: a stray quote after the name opens a key that holds the
        # end tag and the text after it; the text ends inside that key.
        ("hermes", '<tool_call>\n{"arguments": {}, "name": "A""}\n</tool_call>0000000000'),
        ("hermes", '<tool_call>{"arguments": {}, "name": "f", "ab'),
        ("mistral", '[TOOL_CALLS] [{"name": "f", "arguments": {}, "id": "abc'),
    ],
)
def test_a_member_cut_short_by_the_end_of_the_text_is_flagged(dialect: str, text: str) -> None:
    content, found, problems = every_cut(dialect, text)
    assert [name for _, name, _ in found] == [found[0][1]] and problems == [(0, "unexpected_member")]
    assert "0000000000" not in (content or "")  # inside the key: reported, not content


def test_a_call_object_that_ends_with_the_text_after_its_arguments_is_not_flagged() -> None:
    assert every_cut("hermes", '<tool_call>{"name": "f", "arguments": {"a": 1}') == (
        None,
        [("call_thSEeXJKWojiggTPxyUT0VFk", "f", '{"a": 1}')],
        [],
    )


@pytest.mark.parametrize("value", ['["abcdefghi"]', '{"k": "abcdefghi"}', "123456789"])
def test_mistral_id_after_the_arguments_that_is_no_string_is_flagged(value: str) -> None:
    # Found by mutating valid outputs: an "id" after the commit was skipped whatever its value,
    # so a value that is no id string vanished silently.
    text = '[TOOL_CALLS] [{"name": "f", "arguments": {"a": "x"}, "id": ' + value + "}]"
    _, found, problems = every_cut("mistral", text)
    assert calls((None, found, problems)) == [("f", '{"a": "x"}')]
    assert problems == [(0, "unexpected_member")]
