"""The contract, property-tested for every dialect that has a renderer.

Split invariance (byte-equal arguments), stream equals batch, round trip
through the dialect's renderer, OpenAI wire shape, prompt emission, and
never raising on arbitrary text. The properties live in
``streamparse.testing.properties``, shared with ``streamparse fuzz``; these
tests run each of them under pytest's hypothesis profile.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse.testing import RENDERERS, Sample, ToolCallSpec, render
from streamparse.testing.properties import (
    PROPERTIES,
    ArbitraryTextCase,
    ContentEmissionCase,
    ContentOnlyCase,
    ContractViolation,
    MutatedCase,
    RoundTripCase,
    arbitrary_text_cases,
    arguments_emission_cases,
    check_arbitrary_text,
    check_arguments_emission,
    check_content_emission,
    check_content_only,
    check_mutated,
    check_nothing_vanishes,
    check_round_trip,
    content_emission_cases,
    content_only_cases,
    mutated_cases,
    round_trip_cases,
)

DIALECTS = sorted(RENDERERS)


def test_every_dialect_has_a_renderer() -> None:
    assert DIALECTS == streamparse.dialects()


def test_every_property_is_tested_here() -> None:
    assert [p.name for p in PROPERTIES] == [
        "round_trip",
        "content_emission",
        "arguments_emission",
        "arbitrary_text",
        "content_only",
        "mutated",
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_round_trip_split_invariance_and_wire_shape(dialect: str, data: st.DataObject) -> None:
    check_round_trip(data.draw(round_trip_cases(dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_prompt_emission_of_content(dialect: str, data: st.DataObject) -> None:
    check_content_emission(data.draw(content_emission_cases(dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_prompt_emission_of_arguments(dialect: str, data: st.DataObject) -> None:
    check_arguments_emission(data.draw(arguments_emission_cases(dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_arbitrary_text_never_raises_and_is_split_invariant(dialect: str, data: st.DataObject) -> None:
    check_arbitrary_text(data.draw(arbitrary_text_cases(dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_content_only_text_is_returned_verbatim(dialect: str, data: st.DataObject) -> None:
    check_content_only(data.draw(content_only_cases(dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_mutated_output_never_raises_is_split_invariant_and_loses_nothing(
    dialect: str, data: st.DataObject
) -> None:
    check_mutated(data.draw(mutated_cases(dialect)))


# -- the checks catch what they are for --------------------------------------------------


def test_a_case_repr_is_the_code_that_rebuilds_it() -> None:
    case = RoundTripCase(
        "hermes",
        Sample(content="Hi ", calls=(ToolCallSpec("f", {"a": [1, "x"]}),)),
        cuts=(("Hi",), ("H", "i")),
    )
    namespace: dict[str, Any] = {
        "RoundTripCase": RoundTripCase,
        "Sample": Sample,
        "ToolCallSpec": ToolCallSpec,
    }
    assert eval(repr(case), namespace) == case


def test_round_trip_passes_a_rendered_call_cut_anywhere() -> None:
    sample = Sample(content="Hi ", calls=(ToolCallSpec("f", {"a": [1, "x"]}),))
    text = render("hermes", sample).text
    assert text == 'Hi \n<tool_call>\n{"name": "f", "arguments": {"a": [1, "x"]}}\n</tool_call>'
    check_round_trip(RoundTripCase("hermes", sample, (tuple(text), (text[:9], text[9:20], text[20:]))))


def test_round_trip_rejects_pieces_of_another_text() -> None:
    with pytest.raises(ContractViolation, match="pieces"):
        check_round_trip(RoundTripCase("hermes", Sample(content="Hi"), (("H", "o"),)))


@pytest.mark.parametrize(
    "check",
    [
        lambda: check_content_only(ContentOnlyCase("hermes", ("a", "b"))),
        lambda: check_arbitrary_text(ArbitraryTextCase("hermes", "ab", (("a", "b"),))),
    ],
)
def test_the_checks_catch_a_parser_that_drops_a_character(
    check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = streamparse.StreamParser.feed

    def feed_dropping_b(self: streamparse.StreamParser, text: str) -> Any:
        return feed(self, text.replace("b", "")) if "b" in text else feed(self, text)

    monkeypatch.setattr(streamparse.StreamParser, "feed", feed_dropping_b)
    with pytest.raises((ContractViolation, AssertionError)):
        check()


# -- nothing vanishes, and mutated outputs -------------------------------------------------


def _result(content: str | None = None, calls: tuple[tuple[str, str], ...] = (), **fields: Any) -> Any:
    return streamparse.ParseResult(
        content=content,
        tool_calls=[
            streamparse.ToolCall(
                id=f"call_{i}", function=streamparse.Function(name=name, arguments=arguments)
            )
            for i, (name, arguments) in enumerate(calls)
        ],
        **fields,
    )


# R2 of issue 13: the arguments under "args" left out, and no problem reported.
_ARGS_KEY = '<tool_call>\n{"name": "delete_file", "args": {"path": "/tmp/x"}}\n</tool_call>'


def test_nothing_vanishes_catches_words_left_out_silently() -> None:
    with pytest.raises(ContractViolation, match=r"vanished.*\['args', 'path', 'tmp', 'x'\]"):
        check_nothing_vanishes("hermes", _ARGS_KEY, _result(calls=(("delete_file", "{}"),)))


def test_nothing_vanishes_accepts_text_left_out_with_a_problem_reported() -> None:
    problem = streamparse.CallProblem(index=0, kind="unexpected_member", detail='"args"')
    check_nothing_vanishes("hermes", _ARGS_KEY, _result(calls=(("delete_file", "{}"),), problems=[problem]))


@pytest.mark.parametrize(
    ("dialect", "text", "result"),
    [
        # markers, call-object keys and constants are markup
        (
            "hermes",
            '<tool_call>\n{"name": "f", "arguments": {"a": true}}\n</tool_call>',
            (("f", '{"a": true}'),),
        ),
        # escapes are decoded on both sides: a name's \u0066, an XML value's backslash re-escaped
        ("hermes", '<tool_call>{"name": "\\u0066oo", "arguments": {}}</tool_call>', (("foo", "{}"),)),
        (
            "seed_oss",
            "<seed:tool_call>\n<function=f>\n<parameter=p>C:\\new</parameter>\n</function>\n</seed:tool_call>",
            (("f", '{"p": "C:\\\\new"}'),),
        ),
        # harmony headers are markup, the first one without <|start|> too
        (
            "gpt_oss",
            " to=functions.f<|channel|>commentary <|constrain|>json<|message|>{}<|call|>",
            (("f", "{}"),),
        ),
        # mistral pre-v11's id after the arguments is replaced by a generated one (documented)
        ("mistral", '[TOOL_CALLS] [{"name": "f", "arguments": {}, "id": "aB3dE9xYz"}]', (("f", "{}"),)),
    ],
)
def test_nothing_vanishes_knows_markup(dialect: str, text: str, result: tuple[tuple[str, str], ...]) -> None:
    check_nothing_vanishes(dialect, text, _result(calls=result))


def test_nothing_vanishes_allows_content_joined_across_a_call() -> None:
    text = 'a<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>b'
    check_nothing_vanishes("hermes", text, _result("ab", (("f", "{}"),)))


def test_mutated_outputs_differ_from_the_rendered_text() -> None:
    @given(data=st.data())
    def changed(data: st.DataObject) -> None:
        rendered, text = data.draw(streamparse.testing.strategies.mutated_outputs("hermes"))
        assert text != rendered.text or "{" not in rendered.text

    changed()


# R1 of issue 13, the input class the mutated property is for: a brace missing before the end
# tag; the arguments read in the same feed() were dropped.
_R1 = '<tool_call>\n{"name": "f", "arguments": {"a": 1\n</tool_call>'


def test_mutated_check_holds_on_a_brace_missing_before_the_end_tag() -> None:
    check_mutated(MutatedCase("hermes", _R1, ((_R1,), tuple(_R1), (_R1[:-16], _R1[-16:]))))


def test_an_escaped_backslash_before_an_escape_keeps_the_words_apart() -> None:
    # Python's 'A\\\xb9' is "A", a backslash, "¹": JSON writes it "A\\¹", the same two words.
    sample = Sample(calls=(ToolCallSpec("A", {"A": "A\\¹"}),), ensure_ascii=True)
    check_round_trip(RoundTripCase("pythonic", sample, cuts=(("[A(A='A\\\\\\xb9')]",),)))


def test_content_emission_allows_holding_a_marker_the_output_may_open_with() -> None:
    # Found by `streamparse fuzz`: muse's output may open with a bare <|message|> (a reasoning
    # message), so "<|m" at the start is held; later in the content it is not a marker.
    check_content_emission(ContentEmissionCase(dialect="muse", pieces=("<|m",)))
    parser = streamparse.StreamParser("muse")
    assert parser.feed("Hi ") == {"content": "Hi "}
    assert parser.feed("<|m") == {"content": "<|m"}  # after content it is no marker: sent at once


def test_nothing_vanishes_lowers_content_after_decoding_it() -> None:
    # Found by `streamparse fuzz` (mutated, hunyuan_a13b): a failed call object's "0[\u00c0" came out
    # as content "0\u00c0" (the "[" is array markup there); its words are "0" and "à" in the input and
    # "0à" in the content, which holds "à" once "\u00c0" is decoded to "À" and then lowered.
    text = '{"0[\\u00c0": 1}'
    check_nothing_vanishes("json_array", text, _result('{"0\\u00c0": 1}'))


@pytest.mark.parametrize("space", ["\x1f", "\x85", "\u2028", "\u3000"])
def test_xlam_holds_every_leading_whitespace_it_may_drop(space: str) -> None:
    # Found by `streamparse fuzz` (content_emission, xlam): leading "\x1f" is held as str.strip()
    # whitespace before a bare array may open; OPENING lists all of it, so the check and the
    # strategies agree with the parser (and content is never drawn to start with it before a call).
    check_content_emission(ContentEmissionCase(dialect="xlam", pieces=(space,)))
    check_content_emission(ContentEmissionCase(dialect="xlam", pieces=(space, "a")))
    assert space in streamparse.testing.strategies.opening_characters("xlam")
    text = space + '[{"name": "f", "arguments": {}}]'
    assert streamparse.parse(text, "xlam").content is None


def test_nothing_vanishes_skips_a_word_glued_to_a_word_marker_on_either_side() -> None:
    # Found by `streamparse fuzz` (mutated, phi4_mini_json): the call's name "functoolsA" holds the
    # marker word "functools"; the whole word is compared, not what is left of it once it is cut out.
    text = 'functools [\n  {"name": "functoolsA", "arguments": {}}\n]'
    check_mutated(MutatedCase("phi4_mini_json", text, ((text,), tuple(text))))


def test_round_trip_compares_arguments_as_the_dialect_reads_the_sample() -> None:
    # Found by CI's hypothesis run: Muse Glimmer decodes a string parameter whose text is JSON ("0"
    # is 0, as vLLM's parser reads it); the renderer expected that, the JSON comparison with the
    # sample did not. It now compares with the renderer's reading of the sample.
    schema = {"type": "object", "properties": {"e": {"type": "object"}, "w": {"type": "string"}}}
    sample = Sample(
        calls=(
            ToolCallSpec("f", {"a": "A"}, schema={"type": "object"}),
            ToolCallSpec("g", {"e": {}, "w": "0"}, schema=schema),
        )
    )
    text = render("muse_glimmer", sample).text
    check_round_trip(RoundTripCase("muse_glimmer", sample, cuts=((text,), tuple(text))))
    assert render("muse_glimmer", sample).read_calls[1].arguments == {"e": {}, "w": 0}  # type: ignore[index]
