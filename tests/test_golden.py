"""Golden cases for ``kimi_k2`` and ``minimax_m1``.

Written from the literal examples in DIALECTS.md (§1, §2), Kimi-K2's
``docs/tool_call_guidance.md`` and MiniMax-M1's ``docs/function_call_guide.md``
(its tool definitions, prompt format and "Model Output Format" example; the
seed copy in /work/shared/seeds is a diff of that guide and omits the unchanged
output example, which is quoted here from the full guide),
plus the quirks DIALECTS.md lists for each dialect. Every case runs whole,
one character at a time and at seeded random splits (``_streamcheck.check_case``).
"""

from __future__ import annotations

import pytest
from _streamcheck import AB, CB, CE, KIMI, MINIMAX, SB, SB1, SE, SE1, Call, Expect, check_case, kimi_call

import streamparse

# Kimi-K2 guide: "Preparing Tools" (OpenAI shape).
KIMI_GUIDE_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get weather information. Call this tool when the user needs to get weather information",
            "parameters": {
                "type": "object",
                "required": ["city"],
                "properties": {"city": {"type": "string", "description": "City name"}},
            },
        },
    }
]

# MiniMax-M1 guide: bare function objects, as its get_default_tools() and prompt show them.
MINIMAX_GUIDE_TOOLS = [
    {
        "name": "get_current_weather",
        "description": "Get the latest weather for a location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "A certain city, such as Beijing, Shanghai"}
            },
            "required": ["location"],
        },
    },
    {
        "name": "search_web",
        "description": "Search function.",
        "parameters": {
            "properties": {
                "query_list": {
                    "description": "Keywords for search",
                    "items": {"type": "string"},
                    "type": "array",
                },
                "query_tag": {
                    "description": "Classification of the query",
                    "items": {"type": "string"},
                    "type": "array",
                },
            },
            "required": ["query_list", "query_tag"],
            "type": "object",
        },
    },
]

BEIJING = '{"city": "Beijing"}'
SHANGHAI = '{"city": "Shanghai"}'

KIMI_CASES: dict[str, tuple[str, Expect]] = {
    # DIALECTS.md §1, "Two parallel calls", verbatim.
    "dialects_two_parallel_calls": (
        (
            f"I'll check both.{SB}{kimi_call('functions.get_weather:0', BEIJING)}"
            f"{kimi_call('functions.get_weather:1', SHANGHAI)}{SE}"
        ),
        Expect(
            content="I'll check both.",
            calls=(
                Call("get_weather", BEIJING, "functions.get_weather:0"),
                Call("get_weather", SHANGHAI, "functions.get_weather:1"),
            ),
        ),
    ),
    # The guide's question ("What's the weather like in Beijing today?") answered in its format.
    "guide_single_call": (
        f"{SB}{kimi_call('functions.get_weather:0', BEIJING)}{SE}",
        Expect(calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    # The guide's manual parser allows whitespace around the id and the arguments.
    "guide_whitespace_around_id_and_arguments": (
        f"{SB}\n{CB} functions.get_weather:0 {AB} {BEIJING} {CE}\n{SE}",
        Expect(calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    # Quirk: newline right after <|tool_call_begin|> and around the arguments;
    # newlines inside the JSON are the model's and stay byte for byte.
    "newlines_after_call_begin_and_around_arguments": (
        (
            f'{SB}\n{CB}\nfunctions.get_weather:0\n{AB}\n{{\n  "city": "Beijing",\n  "days": 3\n}}\n{CE}\n'
            f"{CB}\nfunctions.get_weather:1\n{AB}\n{SHANGHAI}\n{CE}\n{SE}"
        ),
        Expect(
            calls=(
                Call("get_weather", '{\n  "city": "Beijing",\n  "days": 3\n}', "functions.get_weather:0"),
                Call("get_weather", SHANGHAI, "functions.get_weather:1"),
            )
        ),
    ),
    # Variant accepted by vLLM: singular section spellings.
    "singular_section_markers": (
        f"Let me look.{SB1}{kimi_call('functions.get_weather:0', BEIJING)}{SE1}",
        Expect(content="Let me look.", calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    # Call blocks with no section wrapper at all.
    "calls_without_section": (
        f"Checking.{kimi_call('functions.get_weather:0', BEIJING)}{kimi_call('functions.get_weather:1', SHANGHAI)}",
        Expect(
            content="Checking.",
            calls=(
                Call("get_weather", BEIJING, "functions.get_weather:0"),
                Call("get_weather", SHANGHAI, "functions.get_weather:1"),
            ),
        ),
    ),
    # Names with dots, dashes, digits, underscores and colons; the name ends at the last colon.
    "dotted_dashed_digit_names": (
        SB
        + kimi_call("functions.fs.read_file:3", '{"path": "README.md"}')
        + kimi_call("functions.my-tool_2:12", "{}")
        + kimi_call("functions.mcp.calendar:list_events:4", '{"day": "2025-07-11"}')
        + kimi_call("functions.web.v2.search-all:5", '{"q": "kimi"}')
        + SE,
        Expect(
            calls=(
                Call("fs.read_file", '{"path": "README.md"}', "functions.fs.read_file:3"),
                Call("my-tool_2", "{}", "functions.my-tool_2:12"),
                Call(
                    "mcp.calendar:list_events",
                    '{"day": "2025-07-11"}',
                    "functions.mcp.calendar:list_events:4",
                ),
                Call("web.v2.search-all", '{"q": "kimi"}', "functions.web.v2.search-all:5"),
            )
        ),
    ),
    # IDX counts calls over the whole conversation: the first call of a later round.
    "conversation_global_index": (
        SB + kimi_call("functions.search:4", '{"query": "moon"}') + SE,
        Expect(calls=(Call("search", '{"query": "moon"}', "functions.search:4"),)),
    ),
    # Malformed ids seen in the wild are kept; the name follows the §1 rule, else the whole id.
    "malformed_ids_kept": (
        SB
        + kimi_call("3", BEIJING)
        + kimi_call("functions_get_weather_0", BEIJING)
        + kimi_call("functionsexec5", '{"cmd": "ls"}')
        + kimi_call("get_weather:7", BEIJING)
        + kimi_call("functions.get_weather", BEIJING)
        + SE,
        Expect(
            calls=(
                Call("3", BEIJING, "3"),
                Call("functions_get_weather_0", BEIJING, "functions_get_weather_0"),
                Call("functionsexec5", '{"cmd": "ls"}', "functionsexec5"),
                Call("get_weather", BEIJING, "get_weather:7"),
                Call("get_weather", BEIJING, "functions.get_weather"),
            )
        ),
    ),
    # Quirk: <|tool_calls_section_end|> missing at the end of the stream.
    "missing_section_end": (
        f"{SB}{kimi_call('functions.get_weather:0', BEIJING)}{kimi_call('functions.get_weather:1', SHANGHAI)}",
        Expect(
            calls=(
                Call("get_weather", BEIJING, "functions.get_weather:0"),
                Call("get_weather", SHANGHAI, "functions.get_weather:1"),
            )
        ),
    ),
    # Quirk: the last <|tool_call_end|> missing too.
    "missing_last_call_end_and_section_end": (
        f"{SB}{kimi_call('functions.get_weather:0', BEIJING)}{CB}functions.get_weather:1{AB}{SHANGHAI}",
        Expect(
            calls=(
                Call("get_weather", BEIJING, "functions.get_weather:0"),
                Call("get_weather", SHANGHAI, "functions.get_weather:1"),
            )
        ),
    ),
    "missing_call_end_before_section_end": (
        f"{SB}{CB}functions.get_weather:0{AB}{BEIJING}{SE}",
        Expect(calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    # Kimi-K2-Thinking: reasoning, content, then the section.
    "thinking_then_calls": (
        "<think>The user wants a file and a search. Two calls.</think>Reading and searching."
        + SB
        + kimi_call("functions.fs.read_file:2", '{"path": "README.md"}')
        + kimi_call("functions.web.search:3", '{"query": "Kimi-K2 tool calls", "limit": 3}')
        + SE,
        Expect(
            content="Reading and searching.",
            reasoning="The user wants a file and a search. Two calls.",
            calls=(
                Call("fs.read_file", '{"path": "README.md"}', "functions.fs.read_file:2"),
                Call("web.search", '{"query": "Kimi-K2 tool calls", "limit": 3}', "functions.web.search:3"),
            ),
        ),
    ),
    # Kimi-K2-Thinking opens the section before </think>: the section ends the reasoning.
    "section_opened_inside_think": (
        f"<think>I should call the weather tool.{SB}{kimi_call('functions.get_weather:0', BEIJING)}{SE}",
        Expect(
            reasoning="I should call the weather tool.",
            calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),),
        ),
    ),
    # ... and so does a bare <|tool_call_begin|> (vLLM treats both as the end of reasoning).
    "call_opened_inside_think": (
        f"<think>Weather, then.{kimi_call('functions.get_weather:0', BEIJING)}",
        Expect(reasoning="Weather, then.", calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    # Non-ASCII kept raw, escapes kept as written.
    "non_ascii_and_escapes": (
        SB
        + kimi_call(
            "functions.note:0", '{"city": "北京", "text": "naïve \\"quoted\\" 😀\\n", "path": "C:\\\\tmp"}'
        )
        + SE,
        Expect(
            calls=(
                Call(
                    "note",
                    '{"city": "北京", "text": "naïve \\"quoted\\" 😀\\n", "path": "C:\\\\tmp"}',
                    "functions.note:0",
                ),
            )
        ),
    ),
    # vLLM deletes "(no content)"; streamparse leaves it.
    "no_content_placeholder_left_alone": (
        f"(no content){SB}{kimi_call('functions.get_weather:0', BEIJING)}{SE}",
        Expect(content="(no content)", calls=(Call("get_weather", BEIJING, "functions.get_weather:0"),)),
    ),
    "content_only": (
        "北京 is sunny today. Use <b>bold</b> and a < b > c | d.",
        Expect(content="北京 is sunny today. Use <b>bold</b> and a < b > c | d."),
    ),
    "thinking_content_only": (
        "<think>No tool needed.</think>Hello!",
        Expect(content="Hello!", reasoning="No tool needed."),
    ),
}

MINIMAX_WEATHER = '{"name": "get_weather", "arguments": {"city": "%s"}}'
OPENAI_ARGS = (
    '{"query_tag": ["technology", "events"], "query_list": ["\\"OpenAI\\" \\"latest\\" \\"release\\""]}'
)
GEMINI_ARGS = (
    '{"query_tag": ["technology", "events"], "query_list": ["\\"Gemini\\" \\"latest\\" \\"release\\""]}'
)

MINIMAX_CASES: dict[str, tuple[str, Expect]] = {
    # DIALECTS.md §2, "Two parallel calls", verbatim. The newline between
    # </think> and <tool_calls> is outside both: content.
    "dialects_two_parallel_calls": (
        "<think>\nTwo cities, so two calls.\n</think>\n<tool_calls>\n"
        + MINIMAX_WEATHER % "Beijing"
        + "\n"
        + MINIMAX_WEATHER % "Shanghai"
        + "\n</tool_calls>",
        Expect(
            content="\n",
            reasoning="\nTwo cities, so two calls.\n",
            calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI)),
        ),
    ),
    # MiniMax-M1 guide, "Model Output Format", verbatim: escaped quotes inside the arguments.
    "guide_model_output_format": (
        (
            "<think>\nOkay, I will search for the OpenAI and Gemini latest release.\n</think>\n<tool_calls>\n"
            f'{{"name": "search_web", "arguments": {OPENAI_ARGS}}}\n'
            f'{{"name": "search_web", "arguments": {GEMINI_ARGS}}}\n'
            "</tool_calls>"
        ),
        Expect(
            content="\n",
            reasoning="\nOkay, I will search for the OpenAI and Gemini latest release.\n",
            calls=(Call("search_web", OPENAI_ARGS), Call("search_web", GEMINI_ARGS)),
        ),
    ),
    # The guide's get_current_weather with a non-ASCII value kept raw.
    "guide_weather_non_ascii": (
        '<tool_calls>\n{"name": "get_current_weather", "arguments": {"location": "北京"}}\n</tool_calls>',
        Expect(calls=(Call("get_current_weather", '{"location": "北京"}'),)),
    ),
    "content_before_calls": (
        "<think>\nNeed the weather.\n</think>\nI'll look that up.\n<tool_calls>\n"
        + MINIMAX_WEATHER % "Beijing"
        + "\n</tool_calls>",
        Expect(
            content="\nI'll look that up.\n",
            reasoning="\nNeed the weather.\n",
            calls=(Call("get_weather", BEIJING),),
        ),
    ),
    # Quirk: </tool_calls> missing at the end of the stream.
    "missing_calls_end": (
        "<tool_calls>\n" + MINIMAX_WEATHER % "Beijing" + "\n" + MINIMAX_WEATHER % "Shanghai" + "\n",
        Expect(calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    ),
    "missing_calls_end_no_newline": (
        "<tool_calls>\n" + MINIMAX_WEATHER % "Beijing",
        Expect(calls=(Call("get_weather", BEIJING),)),
    ),
    # Quirk: a pretty-printed object spanning several lines is one call.
    "pretty_printed_object": (
        (
            '<tool_calls>\n{\n  "name": "get_weather",\n  "arguments": {\n    "city": "Beijing",\n'
            '    "days": [1, 2]\n  }\n}\n</tool_calls>'
        ),
        Expect(calls=(Call("get_weather", '{\n    "city": "Beijing",\n    "days": [1, 2]\n  }'),)),
    ),
    # <tool_calls> written inside <think> is reasoning text, not a call.
    "tool_calls_inside_think_is_reasoning": (
        (
            '<think>\nThe format is <tool_calls>\n{"name": "x", "arguments": {}}\n</tool_calls>, but no call is needed.\n'
            "</think>\nHello!"
        ),
        Expect(
            content="\nHello!",
            reasoning='\nThe format is <tool_calls>\n{"name": "x", "arguments": {}}\n</tool_calls>, '
            "but no call is needed.\n",
        ),
    ),
    "think_quote_then_real_call": (
        "<think>\nI will write <tool_calls> next.\n</think>\n<tool_calls>\n"
        + MINIMAX_WEATHER % "Beijing"
        + "\n</tool_calls>",
        Expect(
            content="\n",
            reasoning="\nI will write <tool_calls> next.\n",
            calls=(Call("get_weather", BEIJING),),
        ),
    ),
    # Key order is not guaranteed: arguments before name.
    "arguments_before_name": (
        (
            '<tool_calls>\n{"arguments": {"city": "Beijing", "nested": {"a": [1, {"b": "}"}]}}, "name": "get_weather"}\n'
            "</tool_calls>"
        ),
        Expect(calls=(Call("get_weather", '{"city": "Beijing", "nested": {"a": [1, {"b": "}"}]}}'),)),
    ),
    "empty_arguments": (
        '<tool_calls>\n{"name": "get_time", "arguments": {}}\n</tool_calls>',
        Expect(calls=(Call("get_time", "{}"),)),
    ),
    "no_arguments_member_gets_empty_object": (
        '<tool_calls>\n{"name": "get_time"}\n</tool_calls>',
        Expect(calls=(Call("get_time", "{}"),)),
    ),
    "non_ascii_raw_values": (
        (
            '<tool_calls>\n{"name": "translate", "arguments": {"text": "你好，世界", "to": "Zürich 😀", "é": "ß"}}\n'
            "</tool_calls>"
        ),
        Expect(calls=(Call("translate", '{"text": "你好，世界", "to": "Zürich 😀", "é": "ß"}'),)),
    ),
    "escaped_quotes_and_backslashes": (
        (
            '<tool_calls>\n{"name": "run", "arguments": {"cmd": "echo \\"hi\\" > \\"a b\\"", "path": "C:\\\\dir\\\\",'
            ' "u": "\\u00e9\\ud83d\\ude00"}}\n</tool_calls>'
        ),
        Expect(
            calls=(
                Call(
                    "run",
                    '{"cmd": "echo \\"hi\\" > \\"a b\\"", "path": "C:\\\\dir\\\\", "u": "\\u00e9\\ud83d\\ude00"}',
                ),
            )
        ),
    ),
    "name_with_dots_and_dashes": (
        '<tool_calls>\n{"name": "fs.read-file_2", "arguments": {"path": "a"}}\n</tool_calls>',
        Expect(calls=(Call("fs.read-file_2", '{"path": "a"}'),)),
    ),
    "compact_objects_same_line": (
        '<tool_calls>\n{"name":"a","arguments":{"x":1}}{"name":"b","arguments":{"y":2}}\n</tool_calls>',
        Expect(calls=(Call("a", '{"x":1}'), Call("b", '{"y":2}'))),
    ),
    "content_only": (
        "<think>\nThe user only says hello; no tool is needed.\n</think>\nHello! I can look up 北京, Zürich or São Paulo.",
        Expect(
            content="\nHello! I can look up 北京, Zürich or São Paulo.",
            reasoning="\nThe user only says hello; no tool is needed.\n",
        ),
    ),
    "braces_and_tags_in_plain_content": (
        'Use {"name": 1} and <tool_call> or <think without closing.',
        Expect(content='Use {"name": 1} and <tool_call> or <think without closing.'),
    ),
}


@pytest.mark.parametrize("name", sorted(KIMI_CASES))
def test_kimi_golden(name: str) -> None:
    text, expect = KIMI_CASES[name]
    check_case(KIMI, text, expect)


@pytest.mark.parametrize("name", sorted(MINIMAX_CASES))
def test_minimax_golden(name: str) -> None:
    text, expect = MINIMAX_CASES[name]
    check_case(MINIMAX, text, expect)


def test_kimi_guide_tools_declared() -> None:
    text, expect = KIMI_CASES["dialects_two_parallel_calls"]
    check_case(KIMI, text, expect, tools=KIMI_GUIDE_TOOLS)


def test_minimax_guide_tools_declared() -> None:
    text, expect = MINIMAX_CASES["guide_model_output_format"]
    check_case(MINIMAX, text, expect, tools=MINIMAX_GUIDE_TOOLS)


def test_undeclared_name_is_reported_and_flagged() -> None:
    text = f"{SB}{kimi_call('functions.get_time:0', '{}')}{kimi_call('functions.get_weather:1', BEIJING)}{SE}"
    check_case(
        KIMI,
        text,
        Expect(
            calls=(
                Call("get_time", "{}", "functions.get_time:0"),
                Call("get_weather", BEIJING, "functions.get_weather:1"),
            ),
            problems=((0, "unknown_tool"),),
        ),
        tools=KIMI_GUIDE_TOOLS,
    )
    text = '<tool_calls>\n{"name": "get_time", "arguments": {}}\n</tool_calls>'
    check_case(
        MINIMAX,
        text,
        Expect(calls=(Call("get_time", "{}"),), problems=((0, "unknown_tool"),)),
        tools=MINIMAX_GUIDE_TOOLS,
    )


# -- MiniMax quirk: duplicated closing brace ---------------------------------------

DUPLICATE_BRACE = (
    "<tool_calls>\n" + MINIMAX_WEATHER % "Beijing" + "}\n" + MINIMAX_WEATHER % "Shanghai" + "\n</tool_calls>"
)


def test_minimax_duplicated_brace_calls_intact() -> None:
    """``}}}`` at the end of a line: the object ends where its braces balance."""
    result = streamparse.parse(DUPLICATE_BRACE, MINIMAX, id_seed=0)
    assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == [
        ("get_weather", BEIJING),
        ("get_weather", SHANGHAI),
    ]
    assert result.problems == []
    assert (result.content or "").strip() == "}"


def test_minimax_duplicated_brace_stray_brace_is_content() -> None:
    check_case(
        MINIMAX,
        DUPLICATE_BRACE,
        Expect(content="}", calls=(Call("get_weather", BEIJING), Call("get_weather", SHANGHAI))),
    )


def test_dialects_listed() -> None:
    assert {KIMI, MINIMAX} <= set(streamparse.dialects())
