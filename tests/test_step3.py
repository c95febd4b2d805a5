"""Golden cases for ``step3`` (StepFun Step-3, steptml) from DIALECTS-MORE.md §7: the example and
each quirk listed there; and the ``step3p5`` / ``step5`` aliases, which are qwen3_coder.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and, without tools, at every cut into two pieces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case, stream_summary, summary

import streamparse

STEP3 = "step3"
CALLS = ("<｜tool_calls_begin｜>", "<｜tool_calls_end｜>")
CALL_TYPE = "<｜tool_call_begin｜>function<｜tool_sep｜>"
CALL_END = "<｜tool_call_end｜>"
WEATHER = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            },
        },
    }
]


def args(**values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def check(text: str, expect: Expect, tools: Any = None, start_in_reasoning: bool = False) -> None:
    check_case(STEP3, text, expect, tools=tools, start_in_reasoning=start_in_reasoning)
    if tools is None:
        batch = streamparse.parse(text, STEP3, id_seed=0, start_in_reasoning=start_in_reasoning)
        expected = summary(batch, with_incomplete=False)
        for cut in range(1, len(text)):
            pieces = [text[:cut], text[cut:]]
            assert stream_summary(STEP3, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


def invoke(name: str, *pairs: tuple[str, str]) -> str:
    body = "".join(f'<steptml:parameter name="{k}">{v}</steptml:parameter>\n' for k, v in pairs)
    return f'{CALL_TYPE}<steptml:invoke name="{name}">\n{body}</steptml:invoke>{CALL_END}\n'


def block(*invokes: str) -> str:
    return CALLS[0] + "\n" + "".join(invokes) + CALLS[1]


SPEC_EXAMPLE = "Checking." + block(
    invoke("get_weather", ("city", "Beijing")), invoke("get_weather", ("city", "Shanghai"))
)


def test_the_spec_example_is_literal() -> None:
    assert SPEC_EXAMPLE == (
        "Checking.<｜tool_calls_begin｜>\n<｜tool_call_begin｜>function<｜tool_sep｜>"
        '<steptml:invoke name="get_weather">\n<steptml:parameter name="city">Beijing</steptml:parameter>\n'
        "</steptml:invoke><｜tool_call_end｜>\n<｜tool_call_begin｜>function<｜tool_sep｜>"
        '<steptml:invoke name="get_weather">\n<steptml:parameter name="city">Shanghai</steptml:parameter>\n'
        "</steptml:invoke><｜tool_call_end｜>\n<｜tool_calls_end｜>"
    )


CASES: dict[str, tuple[str, Any, Expect]] = {
    "spec_example": (
        SPEC_EXAMPLE,
        None,
        Expect(
            content="Checking.",
            calls=(Call("get_weather", args(city="Beijing")), Call("get_weather", args(city="Shanghai"))),
        ),
    ),
    "typed_by_schema_and_stripped": (
        block(invoke("get_weather", ("city", " Beijing\n"), ("days", " 3 "))),
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="Beijing", days=3)),)),
    ),
    "untyped_values_stay_strings": (
        block(invoke("f", ("n", "3"))),
        None,
        Expect(calls=(Call("f", args(n="3")),)),
    ),
    "single_quoted_names": (
        CALLS[0] + CALL_TYPE + "<steptml:invoke name='f'><steptml:parameter name='a'>x</steptml:parameter>"
        "</steptml:invoke>" + CALL_END + CALLS[1],
        None,
        Expect(calls=(Call("f", args(a="x")),)),
    ),
    # Another call type is no call: its text stays content (the engines skip it).
    "other_call_type_is_content": (
        CALLS[0] + "<｜tool_call_begin｜>python<｜tool_sep｜>print(1)" + CALL_END + invoke("f") + CALLS[1],
        None,
        Expect(content="<｜tool_call_begin｜>python<｜tool_sep｜>print(1)", calls=(Call("f", "{}"),)),
    ),
    "block_without_a_call_is_content": (
        "a" + CALLS[0] + "\n" + CALL_TYPE + "nothing" + CALLS[1] + "b",
        None,
        Expect(content="a" + CALLS[0] + "\n" + CALL_TYPE + "nothing" + CALLS[1] + "b"),
    ),
    "text_after_the_block_is_content": (
        block(invoke("f")) + " done",
        None,
        Expect(content=" done", calls=(Call("f", "{}"),)),
    ),
    "close_tag_inside_a_value": (
        block(invoke("f", ("a", "x</steptml:parameter> y"))),
        None,
        Expect(calls=(Call("f", args(a="x</steptml:parameter> y")),)),
    ),
    "missing_close_tags": (
        CALLS[0] + CALL_TYPE + '<steptml:invoke name="f"><steptml:parameter name="a">x',
        None,
        Expect(calls=(Call("f", args(a="x")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_step3_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check(text, expect, tools)


def test_reasoning_opened_in_the_prompt() -> None:
    text = "plan</think>" + block(invoke("f"))
    check(text, Expect(reasoning="plan", calls=(Call("f", "{}"),)), start_in_reasoning=True)
    check(
        "<think>plan " + block(invoke("f")) + "</think>x",
        Expect(reasoning="plan " + block(invoke("f")), content="x"),
    )


@pytest.mark.parametrize(("alias", "opens_reasoning"), [("step3p5", True), ("step5", False)])
def test_step3p5_and_step5_stay_qwen3_coder(alias: str, opens_reasoning: bool) -> None:
    # Step-3.5-Flash / Step-3.7 and Step 5 write qwen3_coder's XML, not steptml.
    resolved = streamparse.registry.resolve(alias)
    assert resolved.dialect == "qwen3_coder"
    assert resolved.start_in_reasoning is opens_reasoning
    text = (
        "plan\n</think>\n<tool_call>\n<function=f>\n<parameter=a>\nx\n</parameter>\n</function>\n</tool_call>"
    )
    result = streamparse.parse(text, alias)
    assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == [("f", args(a="x"))]
    if opens_reasoning:
        assert result.reasoning_content == "plan\n"
