"""Malformed model output for ``kimi_k2`` and ``minimax_m1``, and API misuse.

What is asserted comes from DIALECTS.md ("Lossless failure", §1 and §2
quirks) and DESIGN.md (contract items 5, 8, 9, 10). Every case runs whole,
one character at a time and at random splits (``_streamcheck.check_case``),
never raises, and accounts for its characters; where the spec pins the
content down, the exact content string is asserted.
"""

from __future__ import annotations

import pytest
from _streamcheck import (
    AB,
    CB,
    CE,
    KIMI,
    MARKERS,
    MINIMAX,
    SB,
    SB1,
    SE,
    SE1,
    Call,
    Expect,
    assert_accounted,
    check_case,
    stream_summary,
    summary,
)
from _streamcheck import (
    kimi_call as kc,
)

import streamparse
from streamparse import StreamParser, UsageError


def mc(name: str, arguments: str) -> str:
    return f'{{"name": "{name}", "arguments": {arguments}}}'


BEIJING = '{"city": "Beijing"}'
LONG_HEADER = CB + "a" * 2000 + AB + "{}" + CE


class Case:
    """One malformed output. ``expect.content == text`` means: all of it is content."""

    def __init__(self, dialect: str, text: str, expect: Expect, finish: str | None = None) -> None:
        self.dialect = dialect
        self.text = text
        self.expect = expect
        self.finish = finish


def all_content(dialect: str, text: str, finish: str | None = None) -> Case:
    return Case(dialect, text, Expect(content=text), finish)


CASES: dict[str, Case] = {
    # -- no end markers at end of stream ------------------------------------------
    "kimi/no_end_markers": Case(
        KIMI, f'{SB}{CB}functions.f:0{AB}{{"a": 1}}', Expect(calls=(Call("f", '{"a": 1}', "functions.f:0"),))
    ),
    "kimi/no_end_markers_no_section": Case(
        KIMI,
        f"Sure.{CB}functions.f:0{AB}\n{BEIJING}\n",
        Expect(content="Sure.", calls=(Call("f", BEIJING, "functions.f:0"),)),
    ),
    "kimi/no_end_markers_unclosed_json": Case(
        KIMI,
        f'{SB}{CB}functions.f:0{AB}{{"a": [1, 2',
        Expect(calls=(Call("f", '{"a": [1, 2', "functions.f:0"),), problems=((0, "invalid_arguments"),)),
    ),
    "minimax/no_end_marker": Case(
        MINIMAX, "<tool_calls>\n" + mc("f", '{"a": 1}'), Expect(calls=(Call("f", '{"a": 1}'),))
    ),
    "minimax/no_end_marker_unclosed_object": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "f", "arguments": {"a": 1',
        # The event level says the text ended inside the object; only finish("length") makes it a problem.
        Expect(
            calls=(Call("f", '{"a": 1'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    "minimax/no_end_marker_arguments_closed_object_open": Case(
        MINIMAX, '<tool_calls>\n{"name": "f", "arguments": {"a": 1}', Expect(calls=(Call("f", '{"a": 1}'),))
    ),
    "minimax/unclosed_think": Case(MINIMAX, "<think>\nstill thinking", Expect(reasoning="\nstill thinking")),
    "kimi/unclosed_think": Case(KIMI, "<think>still thinking", Expect(reasoning="still thinking")),
    # -- invalid JSON arguments: passed through, flagged ------------------------------
    "kimi/invalid_json_unquoted": Case(
        KIMI,
        SB + kc("functions.f:0", "{city: Beijing}") + SE,
        Expect(calls=(Call("f", "{city: Beijing}", "functions.f:0"),), problems=((0, "invalid_arguments"),)),
    ),
    "kimi/invalid_json_double_comma": Case(
        KIMI,
        SB + kc("functions.f:0", '{"a": 1,,}') + SE,
        Expect(calls=(Call("f", '{"a": 1,,}', "functions.f:0"),), problems=((0, "invalid_arguments"),)),
    ),
    "kimi/arguments_array": Case(
        KIMI,
        SB + kc("functions.f:0", "[1, 2]") + SE,
        Expect(calls=(Call("f", "[1, 2]", "functions.f:0"),), problems=((0, "invalid_arguments"),)),
    ),
    # Double-encoded arguments (DIALECTS.md §1 quirks) are decoded, as minimax_m1 does.
    "kimi/arguments_double_encoded": Case(
        KIMI,
        SB + kc("functions.f:0", '"{\\"city\\": \\"Beijing \\\\u5317\\"}"') + SE,
        Expect(calls=(Call("f", '{"city": "Beijing \\u5317"}', "functions.f:0"),)),
    ),
    "kimi/arguments_double_encoded_spaced": Case(
        KIMI,
        SB + kc("functions.f:0", ' \n"{\\"a\\": [1, 2]}"\n ') + SE,
        Expect(calls=(Call("f", '{"a": [1, 2]}', "functions.f:0"),)),
    ),
    # The text ends inside a double-encoded value, in the middle of an escape: nothing is lost.
    "minimax/double_encoded_cut_in_escape": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "f", "arguments": "{\\"a\\": \\"x\\u00',
        Expect(
            calls=(Call("f", '{"a": "x\\u00'),),
            problems=((0, "invalid_arguments"),),
            incomplete=frozenset({0}),
        ),
    ),
    "minimax/scalar_arguments_at_end": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "f", "arguments": 5',
        Expect(calls=(Call("f", "5"),), problems=((0, "invalid_arguments"),)),
    ),
    "minimax/invalid_json_trailing_comma": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("f", '{"a": 1,}') + "\n</tool_calls>",
        Expect(calls=(Call("f", '{"a": 1,}'),), problems=((0, "invalid_arguments"),)),
    ),
    "minimax/invalid_json_bare_word": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("f", '{"a": yes}') + "\n</tool_calls>",
        Expect(calls=(Call("f", '{"a": yes}'),), problems=((0, "invalid_arguments"),)),
    ),
    "minimax/arguments_array": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("f", "[1, 2]") + "\n</tool_calls>",
        Expect(calls=(Call("f", "[1, 2]"),), problems=((0, "invalid_arguments"),)),
    ),
    # -- a begin marker followed by garbage: all content ---------------------------------
    "kimi/section_then_garbage": all_content(KIMI, f"{SB}garbage here"),
    "kimi/section_then_prose_then_end": all_content(KIMI, f"Before {SB} I changed my mind.{SE} after"),
    "kimi/singular_section_then_garbage": all_content(KIMI, f"{SB1}nothing{SE1}"),
    "kimi/call_begin_then_end": all_content(KIMI, f"{CB}functions.f:0{CE} rest"),
    "kimi/call_begin_empty_id": all_content(KIMI, f'{CB}{AB}{{"a": 1}}{CE}'),
    "kimi/call_begin_blank_id": all_content(KIMI, f'{CB}  \n{AB}{{"a": 1}}{CE}'),
    "kimi/call_begin_header_too_long": all_content(KIMI, LONG_HEADER),
    "minimax/wrapper_then_prose": all_content(MINIMAX, "<tool_calls>\nI will not call a tool after all."),
    "minimax/wrapper_then_not_json": all_content(MINIMAX, "<tool_calls>\n{not json}\n</tool_calls>"),
    "minimax/object_without_name": all_content(
        MINIMAX, '<tool_calls>\n{"foo": 1, "arguments": {}}\n</tool_calls>'
    ),
    "minimax/name_not_a_string": all_content(
        MINIMAX, '<tool_calls>\n{"name": 5, "arguments": {}}\n</tool_calls>'
    ),
    "minimax/empty_name": all_content(MINIMAX, '<tool_calls>\n{"name": "", "arguments": {}}\n</tool_calls>'),
    # A call object inside the wrapper is a call even when the model wraps it in an array;
    # the brackets are stray text between calls, hence content.
    "minimax/array_instead_of_object": Case(
        MINIMAX,
        '<tool_calls>\n[{"name": "f"}]\n</tool_calls>',
        Expect(content="[]", calls=(Call("f", "{}"),)),
    ),
    # -- a wrapper with no call in it: content in full, markers included -------------------
    "kimi/empty_section": all_content(KIMI, f"A{SB}{SE}B"),
    "kimi/empty_section_whitespace": all_content(KIMI, f"{SB}\n\n{SE}"),
    "kimi/empty_singular_section": all_content(KIMI, f"{SB1}{SE1}"),
    "kimi/section_begin_only": all_content(KIMI, f"text{SB}"),
    "minimax/empty_wrapper": all_content(MINIMAX, "<tool_calls>\n</tool_calls>"),
    "minimax/empty_wrapper_inline": all_content(MINIMAX, "<tool_calls></tool_calls>after"),
    "minimax/wrapper_begin_only": all_content(MINIMAX, "text\n<tool_calls>\n"),
    # -- a call header that never ends ---------------------------------------------------
    "kimi/header_never_ends": all_content(KIMI, f"x{CB}functions.get_weather:0"),
    "kimi/header_never_ends_in_section": all_content(KIMI, f"{SB}{CB}functions.get_weather:0"),
    "kimi/header_never_ends_whitespace": all_content(KIMI, f"{SB}\n{CB}\nfunctions.f:0\n"),
    "kimi/header_cut_length": all_content(KIMI, f"{SB}{CB}functions.f", finish="length"),
    "minimax/name_never_ends": all_content(MINIMAX, '<tool_calls>\n{"name": "get_wea'),
    "minimax/key_never_ends": all_content(MINIMAX, '<tool_calls>\n{"name"'),
    "minimax/brace_only": all_content(MINIMAX, "<tool_calls>\n{"),
    "minimax/arguments_but_no_name_yet": all_content(MINIMAX, '<tool_calls>\n{"arguments": {"a": 1}'),
    "minimax/name_cut_length": all_content(MINIMAX, '<tool_calls>\n{"name": "f', finish="length"),
    # -- partial markers that never complete ---------------------------------------------
    "kimi/partial_markers": all_content(KIMI, "a <|tool_call and <|tool_calls_section_begin"),
    "kimi/partial_think": all_content(KIMI, "a <thin"),
    "minimax/partial_markers": all_content(MINIMAX, "a <tool_callz> b </tool_call <thin"),
    "minimax/partial_wrapper_at_end": all_content(MINIMAX, "see <tool_calls"),
    # -- text after the calls: content -----------------------------------------------------
    "kimi/text_after_section": Case(
        KIMI,
        SB + kc("functions.f:0", BEIJING) + SE + "Done.",
        Expect(content="Done.", calls=(Call("f", BEIJING, "functions.f:0"),)),
    ),
    "kimi/text_after_call_no_section": Case(
        KIMI,
        kc("functions.f:0", BEIJING) + "\nDone.",
        Expect(content="\nDone.", calls=(Call("f", BEIJING, "functions.f:0"),)),
    ),
    "kimi/text_between_sections": Case(
        KIMI,
        SB + kc("functions.a:0", "{}") + SE + "mid" + SB + kc("functions.b:1", "{}") + SE,
        Expect(content="mid", calls=(Call("a", "{}", "functions.a:0"), Call("b", "{}", "functions.b:1"))),
    ),
    "minimax/text_after_wrapper": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("f", BEIJING) + "\n</tool_calls>\nDone.",
        Expect(content="\nDone.", calls=(Call("f", BEIJING),)),
    ),
    "minimax/two_wrappers": Case(
        MINIMAX,
        "<tool_calls>\n"
        + mc("f", "{}")
        + "\n</tool_calls>\n<tool_calls>\n"
        + mc("g", "{}")
        + "\n</tool_calls>",
        Expect(content="\n", calls=(Call("f", "{}"), Call("g", "{}"))),
    ),
    # -- finish("length") inside arguments: incomplete, no braces added ------------------------
    "kimi/length_inside_arguments": Case(
        KIMI,
        f'{SB}{CB}functions.f:0{AB}{{"city": "Bei',
        Expect(
            calls=(Call("f", '{"city": "Bei', "functions.f:0"),),
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    ),
    "kimi/length_before_call_end": Case(
        KIMI,
        f'{SB}{CB}functions.f:0{AB}{{"a": 1}}',
        Expect(
            calls=(Call("f", '{"a": 1}', "functions.f:0"),),
            problems=((0, "incomplete"),),
            incomplete=frozenset({0}),
        ),
        finish="length",
    ),
    "kimi/length_after_complete_call": Case(
        KIMI,
        SB + kc("functions.f:0", BEIJING),
        Expect(calls=(Call("f", BEIJING, "functions.f:0"),)),
        finish="length",
    ),
    "kimi/length_second_call_cut": Case(
        KIMI,
        SB + kc("functions.a:0", "{}") + f'{CB}functions.b:1{AB}{{"x": [',
        Expect(
            calls=(Call("a", "{}", "functions.a:0"), Call("b", '{"x": [', "functions.b:1")),
            problems=((1, "incomplete"), (1, "invalid_arguments")),
            incomplete=frozenset({1}),
        ),
        finish="length",
    ),
    "minimax/length_inside_arguments": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "f", "arguments": {"text": "hel',
        Expect(
            calls=(Call("f", '{"text": "hel'),),
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    ),
    "minimax/length_inside_nested_arguments": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "f", "arguments": {"a": {"b": [1, {"c": ',
        Expect(
            calls=(Call("f", '{"a": {"b": [1, {"c": '),),
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    ),
    "minimax/length_after_complete_call": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("f", BEIJING) + "\n",
        Expect(calls=(Call("f", BEIJING),)),
        finish="length",
    ),
    "minimax/length_in_reasoning": Case(MINIMAX, "<think>\nhmm", Expect(reasoning="\nhmm"), finish="length"),
    # -- failure isolation: a failed call between good ones --------------------------------------
    "kimi/failed_call_between_good_ones": Case(
        KIMI,
        "A"
        + SB
        + kc("functions.a:0", "{}")
        + f'{CB}   {AB}{{"x":1}}{CE}'
        + kc("functions.b:1", '{"y":2}')
        + SE,
        Expect(
            content=f'A{CB}   {AB}{{"x":1}}{CE}',
            calls=(Call("a", "{}", "functions.a:0"), Call("b", '{"y":2}', "functions.b:1")),
        ),
    ),
    "kimi/call_without_argument_begin_between_good_ones": Case(
        KIMI,
        SB + kc("functions.a:0", "{}") + f"{CB}functions.b:1{CE}" + kc("functions.c:2", "{}") + SE,
        Expect(
            content=f"{CB}functions.b:1{CE}",
            calls=(Call("a", "{}", "functions.a:0"), Call("c", "{}", "functions.c:2")),
        ),
    ),
    "kimi/invalid_arguments_then_good_call": Case(
        KIMI,
        SB + kc("functions.a:0", "{oops") + kc("functions.b:1", BEIJING) + SE,
        Expect(
            calls=(Call("a", "{oops", "functions.a:0"), Call("b", BEIJING, "functions.b:1")),
            problems=((0, "invalid_arguments"),),
        ),
    ),
    "minimax/failed_object_between_good_ones": Case(
        MINIMAX,
        "<tool_calls>\n"
        + mc("a", '{"x": 1}')
        + '\n{"name": 5, "arguments": {}}\n'
        + mc("b", '{"y": 2}')
        + "\n</tool_calls>",
        Expect(content='{"name": 5, "arguments": {}}', calls=(Call("a", '{"x": 1}'), Call("b", '{"y": 2}'))),
    ),
    "minimax/invalid_arguments_then_good_call": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("a", '{"x": 1,}') + "\n" + mc("b", '{"y": 2}') + "\n</tool_calls>",
        Expect(calls=(Call("a", '{"x": 1,}'), Call("b", '{"y": 2}')), problems=((0, "invalid_arguments"),)),
    ),
    "minimax/mismatched_brackets_then_good_call": Case(
        MINIMAX,
        "<tool_calls>\n" + mc("a", '{"x": [1}') + "\n" + mc("b", '{"y": 2}') + "\n</tool_calls>",
        Expect(calls=(Call("a", '{"x": [1}}'), Call("b", '{"y": 2}')), problems=((0, "invalid_arguments"),)),
    ),
    # -- markers inside JSON strings (MiniMax's markers are ordinary text) --------------------
    "minimax/end_marker_in_string": Case(
        MINIMAX,
        '<tool_calls>\n{"name": "echo", "arguments": {"text": "use </tool_calls> to end"}}\n</tool_calls>',
        Expect(calls=(Call("echo", '{"text": "use </tool_calls> to end"}'),)),
    ),
    "minimax/markers_and_braces_in_strings": Case(
        MINIMAX,
        "<tool_calls>\n"
        + mc("a", "{}")
        + '\n{"name": "b", "arguments": {"y": [1, {"z": "</tool_calls> <tool_calls> <think> } { \\" ]"}]}}\n</tool_calls>',
        Expect(
            calls=(
                Call("a", "{}"),
                Call("b", '{"y": [1, {"z": "</tool_calls> <tool_calls> <think> } { \\" ]"}]}'),
            )
        ),
    ),
    "minimax/end_marker_in_name_string": Case(
        MINIMAX,
        '<tool_calls>\n{"arguments": {"q": "</tool_calls>"}, "name": "f"}\n</tool_calls>',
        Expect(calls=(Call("f", '{"q": "</tool_calls>"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed(name: str) -> None:
    case = CASES[name]
    result = check_case(case.dialect, case.text, case.expect, finish=case.finish, seeds=range(4))
    assert_accounted(case.text, result, model_ids=case.dialect == KIMI)


def test_length_adds_no_braces_and_flags_events() -> None:
    text = f'{SB}{CB}functions.f:0{AB}{{"city": "Bei'
    parser = StreamParser(KIMI, id_seed=0)
    events = parser.feed_events(text) + parser.finish_events("length")
    assert parser.finish_reason == "length"
    assert events[-1] == streamparse.CallEnd(0, False)
    arguments = "".join(e.text for e in events if isinstance(e, streamparse.CallArguments))
    assert arguments == '{"city": "Bei'


# -- failure isolation when the first thing in a wrapper fails ----------------------------------
#
# DIALECTS.md, "Lossless failure": "in a wrapper that does hold calls, stray
# non-whitespace text between calls is content and the wrapper markers stay
# markup"; DESIGN.md 8: "parsing resumes at the next call marker, and later
# calls come out intact".

KIMI_FAILED_FIRST = f'{SB}{CB}{AB}{{"x":1}}{CE}' + kc("functions.f:1", '{"a":1}') + SE
KIMI_GARBAGE_HEADER_FIRST = f"{SB}{CB}garbage" + kc("functions.b:0", "{}") + SE
MINIMAX_FAILED_FIRST = '<tool_calls>\n{"name": 5}\n' + mc("b", "{}") + "\n</tool_calls>"
KIMI_STRAY_FIRST = f"{SB}stray{kc('functions.f:0', BEIJING)}{SE}"
MINIMAX_STRAY_FIRST = "<tool_calls>\nLet me call.\n" + mc("b", "{}") + "\n</tool_calls>"


@pytest.mark.parametrize(
    ("dialect", "text", "calls"),
    [
        pytest.param(KIMI, KIMI_FAILED_FIRST, [("functions.f:1", "f", '{"a":1}')], id="kimi-empty-id-first"),
        pytest.param(
            KIMI, KIMI_GARBAGE_HEADER_FIRST, [("functions.b:0", "b", "{}")], id="kimi-garbage-header-first"
        ),
        pytest.param(KIMI, KIMI_STRAY_FIRST, [("functions.f:0", "f", BEIJING)], id="kimi-stray-text-first"),
        pytest.param(
            MINIMAX,
            MINIMAX_FAILED_FIRST,
            [(None, "b", "{}")],
            id="minimax-bad-object-first",
        ),
        pytest.param(
            MINIMAX,
            MINIMAX_STRAY_FIRST,
            [(None, "b", "{}")],
            id="minimax-stray-text-first",
        ),
    ],
)
def test_failed_first_call_later_call_intact(
    dialect: str, text: str, calls: list[tuple[str | None, str, str]]
) -> None:
    result = streamparse.parse(text, dialect, id_seed=0)
    got = [
        (c.id if want_id is not None else None, c.function.name, c.function.arguments)
        for c, (want_id, _, _) in zip(result.tool_calls, calls)
    ]
    assert got == calls and len(result.tool_calls) == len(calls)
    assert result.finish_reason == "tool_calls"
    assert_accounted(text, result, model_ids=dialect == KIMI)
    for pieces in (list(text), [text[: len(text) // 2], text[len(text) // 2 :]]):
        assert stream_summary(dialect, pieces) == summary(result, with_incomplete=False)


@pytest.mark.parametrize(
    ("dialect", "text", "expect"),
    [
        pytest.param(
            KIMI,
            KIMI_FAILED_FIRST,
            Expect(content=f'{CB}{AB}{{"x":1}}{CE}', calls=(Call("f", '{"a":1}', "functions.f:1"),)),
            id="kimi-empty-id-first",
        ),
        pytest.param(
            KIMI,
            KIMI_GARBAGE_HEADER_FIRST,
            Expect(content=f"{CB}garbage", calls=(Call("b", "{}", "functions.b:0"),)),
            id="kimi-garbage-header-first",
        ),
        pytest.param(
            KIMI,
            KIMI_STRAY_FIRST,
            Expect(content="stray", calls=(Call("f", BEIJING, "functions.f:0"),)),
            id="kimi-stray-text-first",
        ),
        pytest.param(
            MINIMAX,
            MINIMAX_FAILED_FIRST,
            Expect(content='{"name": 5}', calls=(Call("b", "{}"),)),
            id="minimax-bad-object-first",
        ),
        pytest.param(
            MINIMAX,
            MINIMAX_STRAY_FIRST,
            Expect(content="Let me call.", calls=(Call("b", "{}"),)),
            id="minimax-stray-text-first",
        ),
    ],
)
def test_failed_first_call_wrapper_markers_stay_markup(dialect: str, text: str, expect: Expect) -> None:
    check_case(dialect, text, expect, seeds=range(2))


def test_kimi_stray_text_between_calls_trailing_whitespace_is_markup() -> None:
    text = SB + kc("functions.a:0", "{}") + "\nstray text\n" + kc("functions.b:1", "{}") + SE
    check_case(
        KIMI,
        text,
        Expect(
            content="stray text", calls=(Call("a", "{}", "functions.a:0"), Call("b", "{}", "functions.b:1"))
        ),
        seeds=range(2),
    )


def test_kimi_stray_text_between_calls_is_content() -> None:
    text = SB + kc("functions.a:0", "{}") + "stray" + kc("functions.b:1", "{}") + SE
    check_case(
        KIMI,
        text,
        Expect(content="stray", calls=(Call("a", "{}", "functions.a:0"), Call("b", "{}", "functions.b:1"))),
        seeds=range(2),
    )


# -- markers split at every position ----------------------------------------------------------

SPLIT_CORPUS: dict[str, list[tuple[str, str | None]]] = {
    KIMI: [
        (
            "I'll check both."
            + SB
            + kc("functions.get_weather:0", BEIJING)
            + kc("functions.get_weather:1", BEIJING)
            + SE
            + "ok",
            None,
        ),
        ("x" + SB1 + kc("functions.fs.read_file:3", "{}") + SE1 + "y", None),
        (
            "<think>plan</think>text" + SB + "\n" + CB + "\nfunctions.f:0\n" + AB + "\n{}\n" + CE + "\n" + SE,
            None,
        ),
        ("<think>plan" + SB + kc("functions.f:0", "{}"), None),
        ("<think>plan" + kc("functions.f:0", "{}") + "after", None),
        *(
            (case.text, case.finish)
            for case in CASES.values()
            if case.dialect == KIMI and case.text != LONG_HEADER
        ),
        (KIMI_FAILED_FIRST, None),
        (KIMI_GARBAGE_HEADER_FIRST, None),
        (KIMI_STRAY_FIRST, None),
    ],
    MINIMAX: [
        (
            "<think>\nTwo cities.\n</think>\n<tool_calls>\n"
            + mc("get_weather", BEIJING)
            + "\n"
            + mc("g", "{}")
            + "\n</tool_calls>",
            None,
        ),
        (
            "<think>\nquote <tool_calls> here\n</think>\ntext <tool_calls>\n"
            + mc("f", "{}")
            + "}\n</tool_calls>\nend",
            None,
        ),
        *((case.text, case.finish) for case in CASES.values() if case.dialect == MINIMAX),
        (MINIMAX_FAILED_FIRST, None),
        (MINIMAX_STRAY_FIRST, None),
    ],
}


def occurrences(text: str, marker: str) -> list[int]:
    found = []
    start = text.find(marker)
    while start >= 0:
        found.append(start)
        start = text.find(marker, start + 1)
    return found


@pytest.mark.parametrize("dialect", [KIMI, MINIMAX])
def test_every_marker_occurs_in_split_corpus(dialect: str) -> None:
    for marker in MARKERS[dialect]:
        assert any(marker in text for text, _ in SPLIT_CORPUS[dialect]), marker


@pytest.mark.parametrize("dialect", [KIMI, MINIMAX])
def test_markers_split_at_every_position(dialect: str) -> None:
    """Every marker, every cut inside or at the edge of it, two pieces: same as whole."""
    for text, finish in SPLIT_CORPUS[dialect]:
        whole = summary(
            streamparse.parse(text, dialect, id_seed=0, finish_reason=finish), with_incomplete=False
        )
        for marker in MARKERS[dialect]:
            for start in occurrences(text, marker):
                for cut in range(start, start + len(marker) + 1):
                    got = stream_summary(dialect, [text[:cut], text[cut:]], finish)
                    assert got == whole, (text, marker, cut)


@pytest.mark.parametrize("dialect", [KIMI, MINIMAX])
def test_markers_split_in_three_pieces(dialect: str) -> None:
    """Each marker cut twice (first occurrence in the first text holding it)."""
    for marker in MARKERS[dialect]:
        text = next(t for t, finish in SPLIT_CORPUS[dialect] if marker in t and finish is None)
        whole = summary(streamparse.parse(text, dialect, id_seed=0), with_incomplete=False)
        start = text.find(marker)
        end = start + len(marker)
        for i in range(start, end + 1):
            for j in range(i, end + 1):
                got = stream_summary(dialect, [text[:i], text[i:j], text[j:]])
                assert got == whole, (marker, i, j)


@pytest.mark.parametrize("dialect", [KIMI, MINIMAX])
def test_every_two_piece_split_of_the_corpus(dialect: str) -> None:
    for text, _ in SPLIT_CORPUS[dialect][:4]:
        whole = summary(streamparse.parse(text, dialect, id_seed=0), with_incomplete=False)
        for cut in range(len(text) + 1):
            assert stream_summary(dialect, [text[:cut], text[cut:]]) == whole, (text, cut)


# -- API misuse -------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", [KIMI, MINIMAX])
def test_feed_after_finish(dialect: str) -> None:
    parser = StreamParser(dialect)
    parser.feed("hello")
    parser.finish()
    with pytest.raises(UsageError, match="new StreamParser"):
        parser.feed("more")
    with pytest.raises(UsageError, match="new StreamParser"):
        parser.finish()


def test_unknown_dialect_lists_known_ones() -> None:
    with pytest.raises(UsageError) as error:
        StreamParser("kimi_k9")  # kimi_k3 is a dialect now
    message = str(error.value)
    assert "kimi_k9" in message
    for known in streamparse.dialects():
        assert known in message
    with pytest.raises(UsageError) as error:
        streamparse.parse("text", "nope")
    assert KIMI in str(error.value) and MINIMAX in str(error.value)


def test_non_string_dialect() -> None:
    with pytest.raises(UsageError):
        StreamParser(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"<tool_calls>", bytearray(b"x")])
def test_feeding_bytes(data: bytes) -> None:
    parser = StreamParser(MINIMAX)
    with pytest.raises(UsageError, match="decode"):
        parser.feed(data)  # type: ignore[arg-type]


def test_feeding_other_types() -> None:
    with pytest.raises(UsageError):
        StreamParser(KIMI).feed(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tools", "names"),
    [
        ([{"type": "function", "function": {"name": "ok"}}, 42], "tools[1]"),
        ([{"type": "function", "function": {"description": "no name"}}], "tools[0]"),
        ([{"type": "function", "function": {"name": ""}}], "tools[0]"),
        ([{"type": "function", "function": {"name": "ok"}}, "get_weather"], "tools[1]"),
        ({"type": "function", "function": {"name": "ok"}}, "list"),
        ("get_weather", "list"),
    ],
)
def test_bad_tools(tools: object, names: str) -> None:
    with pytest.raises(UsageError, match=names.replace("[", r"\[").replace("]", r"\]")):
        StreamParser(KIMI, tools)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        streamparse.parse("x", MINIMAX, tools)  # type: ignore[arg-type]


def test_bad_finish_reason() -> None:
    with pytest.raises(UsageError):
        StreamParser(KIMI).finish("tool_calls")  # type: ignore[arg-type]


def test_usage_error_is_the_library_exception() -> None:
    assert issubclass(UsageError, streamparse.StreamParseError)
