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
    ContentOnlyCase,
    ContractViolation,
    RoundTripCase,
    arbitrary_text_cases,
    arguments_emission_cases,
    check_arbitrary_text,
    check_arguments_emission,
    check_content_emission,
    check_content_only,
    check_round_trip,
    content_emission_cases,
    content_only_cases,
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
