"""Golden cases for ``seed_oss`` (DIALECTS.md §13): qwen3_coder's calls in ``<seed:tool_call>`` blocks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

SEED = "seed_oss"
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


CASES: dict[str, tuple[str, Any, Expect]] = {
    "two_functions_in_one_block": (
        "<seed:think>Two cities.</seed:think>\n<seed:tool_call>\n<function=get_weather>\n"
        "<parameter=city>Beijing</parameter>\n<parameter=days>3</parameter>\n</function>\n"
        "<function=get_weather>\n<parameter=city>Shanghai</parameter>\n</function>\n</seed:tool_call><seed:eos>",
        WEATHER,
        Expect(
            reasoning="Two cities.",
            content="\n",
            calls=(
                Call("get_weather", args(city="Beijing", days=3)),
                Call("get_weather", args(city="Shanghai")),
            ),
        ),
    ),
    "multi_line_value_between_newlines": (
        "<seed:tool_call>\n<function=get_weather>\n<parameter=city>\nNew\nYork\n</parameter>\n</function>\n"
        "</seed:tool_call>",
        WEATHER,
        Expect(calls=(Call("get_weather", args(city="New\nYork")),)),
    ),
    "no_tools_values_stay_strings": (
        "<seed:tool_call>\n<function=get_weather>\n<parameter=days>3</parameter>\n</function>\n</seed:tool_call>",
        None,
        Expect(calls=(Call("get_weather", args(days="3")),)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_seed_oss_golden(name: str) -> None:
    text, tools, expect = CASES[name]
    check_case(SEED, text, expect, tools=tools)
