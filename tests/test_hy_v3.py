"""Golden cases for Hunyuan ``hy_v3`` and ``hy_v4`` from DIALECTS-MORE.md §13: the example in
both spellings and each quirk listed there.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse.testing.properties import PROPERTIES

HY_V3, HY_V4 = "hy_v3", "hy_v4"
DIALECTS = (HY_V3, HY_V4)
WEATHER = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "int"}, "opts": {"type": "dict"}},
            },
        },
    }
]


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(
    dialect: str | streamparse.DialectObject,
    text: str,
    expect: Expect,
    tools: Any = None,
    start_in_reasoning: bool = False,
) -> None:
    check_case(dialect, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:
        batch = streamparse.parse(text, dialect, id_seed=0, start_in_reasoning=start_in_reasoning)
        expected = summary(batch, with_incomplete=False)
        for cut in range(1, len(text)):
            pieces = [text[:cut], text[cut:]]
            assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def call(name: str, *pairs: tuple[str, str], sep: str = "<tool_sep>", newline: str = "\n") -> str:
    body = "".join(f"<arg_key>{k}</arg_key>{newline}<arg_value>{v}</arg_value>{newline}" for k, v in pairs)
    return f"<tool_call>{name}{sep}{newline}{body}</tool_call>{newline}"


def block(*calls: str, newline: str = "\n") -> str:
    return f"<tool_calls>{newline}" + "".join(calls) + "</tool_calls>"


SPEC_EXAMPLE = "I'll check both cities.\n" + block(
    call("get_weather", ("city", "Beijing")), call("get_weather", ("city", "Shanghai"))
)
SPEC_EXPECT = Expect(
    content="I'll check both cities.\n",
    calls=(Call("get_weather", args(city="Beijing")), Call("get_weather", args(city="Shanghai"))),
)


def test_the_spec_example_is_literal() -> None:
    assert SPEC_EXAMPLE == (
        "I'll check both cities.\n<tool_calls>\n<tool_call>get_weather<tool_sep>\n<arg_key>city</arg_key>\n"
        "<arg_value>Beijing</arg_value>\n</tool_call>\n<tool_call>get_weather<tool_sep>\n"
        "<arg_key>city</arg_key>\n<arg_value>Shanghai</arg_value>\n</tool_call>\n</tool_calls>"
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("sep", ["<tool_sep>", ""], ids=["hy3_spelling", "hy4_spelling"])
def test_spec_example_in_both_spellings(dialect: str, sep: str) -> None:
    check(dialect, SPEC_EXAMPLE.replace("<tool_sep>", sep), SPEC_EXPECT)


def cases() -> dict[str, tuple[str, Any, Expect]]:
    return {
        "typed_by_schema_with_type_aliases": (
            block(call("get_weather", ("city", " Beijing "), ("days", "3"), ("opts", '{"a": 1}'))),
            WEATHER,
            Expect(calls=(Call("get_weather", '{"city": "Beijing", "days": 3, "opts": {"a": 1}}'),)),
        ),
        "untyped_json_is_decoded": (
            block(call("f", ("n", "12"), ("s", "twelve"), ("b", "true"))),
            None,
            Expect(calls=(Call("f", '{"n": 12, "s": "twelve", "b": true}'),)),
        ),
        "compact_layout": (
            block(call("f", ("a", "x"), newline=""), newline=""),
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "hy4_name_is_trimmed": (
            block("<tool_call> f \n<arg_key>a</arg_key><arg_value>x</arg_value></tool_call>"),
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "call_without_arguments": (block("<tool_call>f</tool_call>"), None, Expect(calls=(Call("f", "{}"),))),
        "text_after_the_block_is_content": (
            block(call("f")) + "\nDone.",
            None,
            Expect(content="\nDone.", calls=(Call("f", "{}"),)),
        ),
        "block_without_a_call_is_content": (
            "a <tool_calls> b</tool_calls> c",
            None,
            Expect(content="a <tool_calls> b</tool_calls> c"),
        ),
        "close_tag_inside_a_value": (
            block(call("f", ("a", "x</arg_value> y"))),
            None,
            Expect(calls=(Call("f", args(a="x</arg_value> y")),)),
        ),
        "missing_close_tags": (
            "<tool_calls><tool_call>f<tool_sep><arg_key>a</arg_key><arg_value>x",
            None,
            Expect(calls=(Call("f", args(a="x")),)),
        ),
        "missing_call_close_before_next_call": (
            block("<tool_call>f<tool_sep><arg_key>a</arg_key><arg_value>1</arg_value>\n" + call("g")),
            None,
            Expect(calls=(Call("f", '{"a": 1}'), Call("g", "{}"))),
        ),
        "suffixed_markers_are_content_without_the_suffix_option": (
            "<tool_calls:opensource>x</tool_calls:opensource>",
            None,
            Expect(content="<tool_calls:opensource>x</tool_calls:opensource>"),
        ),
    }


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(cases()))
def test_golden(dialect: str, name: str) -> None:
    text, tools, expect = cases()[name]
    check(dialect, text, expect, tools)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reasoning(dialect: str) -> None:
    check(
        dialect,
        "<think>plan</think>Hi" + block(call("f")),
        Expect(reasoning="plan", content="Hi", calls=(Call("f", "{}"),)),
    )
    # A block inside the reasoning is reasoning text, as in glm45.
    inside = "<think>plan " + block(call("f")) + "</think>Hi"
    check(dialect, inside, Expect(reasoning="plan " + block(call("f")), content="Hi"))
    check(dialect, "plan</think>Hi", Expect(reasoning="plan", content="Hi"), start_in_reasoning=True)


def test_a_string_value_streams_as_it_arrives() -> None:
    parser = streamparse.StreamParser(HY_V3, tools=WEATHER)
    parser.feed("<tool_calls>\n<tool_call>get_weather<tool_sep>\n<arg_key>city</arg_key>\n<arg_value>")
    delta = parser.feed("Beij")
    assert delta is not None and delta["tool_calls"][0]["function"]["arguments"] == "Beij"


# -- the per-checkpoint marker suffix (streamparse.with_token_suffix) ------------------------------

SUFFIX = ":opensource"
_BARE_TAG = re.compile(r"<(/?)(tool_calls|tool_call|tool_sep|arg_key|arg_value|think)>")


def suffixed(text: str, suffix: str = SUFFIX) -> str:
    """``text`` as a suffixed checkpoint writes it: every bare marker with the suffix."""
    return _BARE_TAG.sub(lambda m: f"<{m[1]}{m[2]}{suffix}>", text)


def suffixed_expect(expect: Expect) -> Expect:
    # Marker look-alikes inside values and content take the suffix too, so they stay text.
    return dataclasses.replace(
        expect,
        content=None if expect.content is None else suffixed(expect.content),
        reasoning=None if expect.reasoning is None else suffixed(expect.reasoning),
        calls=tuple(dataclasses.replace(c, arguments=suffixed(c.arguments)) for c in expect.calls),
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(cases()))
def test_golden_with_a_token_suffix(dialect: str, name: str) -> None:
    text, tools, expect = cases()[name]
    check(streamparse.with_token_suffix(dialect, SUFFIX), suffixed(text), suffixed_expect(expect), tools)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_suffixed_checkpoint_reads_only_suffixed_markers(dialect: str) -> None:
    with_suffix = streamparse.with_token_suffix(dialect, SUFFIX)
    check(with_suffix, suffixed(SPEC_EXAMPLE), SPEC_EXPECT)
    check(
        with_suffix,
        suffixed("<think>plan</think>Hi") + "<think>x</think>",
        Expect(reasoning="plan", content="Hi<think>x</think>"),
    )
    # The bare spelling is text to a suffixed checkpoint, as another checkpoint's suffix is.
    check(with_suffix, SPEC_EXAMPLE, Expect(content=SPEC_EXAMPLE))
    other = suffixed(SPEC_EXAMPLE, ":6124c78e")
    check(with_suffix, other, Expect(content=other))


def test_the_hunyuan_alias_takes_the_suffix_and_results_name_the_dialect() -> None:
    with_suffix = streamparse.with_token_suffix("hunyuan", SUFFIX)
    assert with_suffix == streamparse.with_token_suffix("hy_v3", SUFFIX)
    assert streamparse.StreamParser(with_suffix).dialect == "hy_v3"
    assert pickle.loads(pickle.dumps(with_suffix)) == with_suffix
    assert repr(with_suffix) == "streamparse.with_token_suffix('hy_v3', ':opensource')"
    with pytest.raises(streamparse.UsageError, match="applies to a dialect name"):
        streamparse.with_token_suffix(with_suffix, ":other")
    result = streamparse.parse("plan" + suffixed("</think>Hi"), with_suffix, start_in_reasoning=True)
    assert (result.reasoning_content, result.content) == ("plan", "Hi")


@pytest.mark.parametrize(
    ("dialect", "suffix", "fix"),
    [
        ("hermes", SUFFIX, "only these dialects take a token_suffix: hy_v3, hy_v4"),
        ("hy_v3", "opensource", "pass ':opensource'"),
        ("hy_v3", ":", "pass ':'"),
        ("hy_v3", ":a>b", "no '<', '>' or whitespace"),
        ("hy_v3", ": a", "no '<', '>' or whitespace"),
        ("nope", SUFFIX, "unknown dialect 'nope'"),
    ],
)
def test_a_suffix_that_cannot_apply_is_refused_naming_the_fix(dialect: str, suffix: str, fix: str) -> None:
    with pytest.raises(streamparse.UsageError, match=re.escape(fix)):
        streamparse.with_token_suffix(dialect, suffix)


@pytest.mark.parametrize("prop", PROPERTIES, ids=[p.name for p in PROPERTIES])
@pytest.mark.parametrize(("dialect", "suffix"), [(HY_V3, SUFFIX), (HY_V4, ":6124c78e")])
@given(data=st.data())
def test_every_contract_property_holds_with_a_token_suffix(
    dialect: str, suffix: str, prop: Any, data: st.DataObject
) -> None:
    """Rendered with the suffix, checked with the suffixed dialect; bare markers are drawn as text."""
    with_suffix = streamparse.with_token_suffix(dialect, suffix)
    prop.check(data.draw(prop.cases(with_suffix)))


def test_token_suffix_as_a_keyword_is_the_suffixed_dialect() -> None:
    text = suffixed("Hi" + block(call("f", ("a", "x"))))
    via_object = streamparse.parse(text, streamparse.with_token_suffix(HY_V4, SUFFIX), id_seed=0)
    assert streamparse.parse(text, HY_V4, token_suffix=SUFFIX, id_seed=0) == via_object
    parser = streamparse.StreamParser(HY_V4, token_suffix=SUFFIX, id_seed=0)
    deltas = [parser.feed(text), parser.finish()]
    folded = streamparse.fold_deltas([d for d in deltas if d], parser.finish_reason)
    assert folded == via_object and folded.tool_calls[0].function.arguments == '{"a": "x"}'
    with pytest.raises(streamparse.UsageError, match="applies to a dialect name"):
        streamparse.StreamParser(streamparse.with_token_suffix(HY_V4, SUFFIX), token_suffix=SUFFIX)
    with pytest.raises(streamparse.UsageError, match="only these dialects take a token_suffix"):
        streamparse.parse(text, "glm45", token_suffix=SUFFIX)
