"""Golden cases for ``pythonic`` from DIALECTS.md §12, its quirks, and malformed output.

Each case runs whole, one character at a time and at random splits
(``_streamcheck.check_case``), and must fold to the same result. The
well-formed cases are also checked against Python itself: ``ast`` reads
the list, ``ast.literal_eval`` the values, and the arguments must be the
same JSON values.
"""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest
from _streamcheck import Call, Expect, check_case

import streamparse
from streamparse import StreamParser

PY = "pythonic"
START = "<|python_start|>"
END = "<|python_end|>"

GOOD = {
    # The literal example of §12.
    "two_parallel_calls": (
        """[get_weather(city="Beijing"), get_weather(city='Shanghai', days=3)]""",
        Expect(
            calls=(
                Call("get_weather", '{"city": "Beijing"}'),
                Call("get_weather", '{"city": "Shanghai", "days": 3}'),
            )
        ),
    ),
    "llama4_wrapper": (
        START + """[get_weather(city="Beijing")]""" + END,
        Expect(calls=(Call("get_weather", '{"city": "Beijing"}'),)),
    ),
    "wrapper_after_text": (
        "Let me check." + START + "[f(a=1)]" + END + " Done.",
        Expect(content="Let me check. Done.", calls=(Call("f", '{"a": 1}'),)),
    ),
    "leading_whitespace_is_markup": ("\n  [now()]", Expect(calls=(Call("now", "{}"),))),
    "leading_whitespace_then_wrapper": ("\n " + START + " [now()]" + END, Expect(calls=(Call("now", "{}"),))),
    "empty_arguments": ("[now()]", Expect(calls=(Call("now", "{}"),))),
    "nested_values": (
        """[book(trip={'to': ["Paris", 'Rome'], 'nights': (2, 3), 'pets': None, 'ok': True}, tags=[])]""",
        Expect(
            calls=(
                Call(
                    "book",
                    '{"trip": {"to": ["Paris", "Rome"], "nights": [2, 3], "pets": null, "ok": true}, "tags": []}',
                ),
            )
        ),
    ),
    "true_false_none": (
        "[f(a=True, b=False, c=None)]",
        Expect(calls=(Call("f", '{"a": true, "b": false, "c": null}'),)),
    ),
    # Olmo 3 writes JSON's words.
    "olmo_words": (
        "[f(a=true, b=null, c=false)]",
        Expect(calls=(Call("f", '{"a": true, "b": null, "c": false}'),)),
    ),
    "escapes_double_quoted": (
        r'[say(text="line\n\"q\" \\ tab\t it\'s")]',
        Expect(calls=(Call("say", r'{"text": "line\n\"q\" \\ tab\t it' + "'" + 's"}'),)),
    ),
    "escapes_single_quoted": (
        r"""[say(text='it\'s "fine" \x41\u4eac\U0001F600\N{EM DASH}\101\a')]""",
        Expect(calls=(Call("say", '{"text": "it\'s \\"fine\\" A京😀—A\\u0007"}'),)),
    ),
    "raw_string": (
        r"[grep(pattern=r'\d+\.txt')]",
        Expect(calls=(Call("grep", r'{"pattern": "\\d+\\.txt"}'),)),
    ),
    "triple_quoted": (
        '[write(body="""two\nlines "q" ""\n""")]',
        Expect(calls=(Call("write", '{"body": "two\\nlines \\"q\\" \\"\\"\\n"}'),)),
    ),
    "dotted_name": (
        '[weather.get_forecast(city="Oslo")]',
        Expect(calls=(Call("weather.get_forecast", '{"city": "Oslo"}'),)),
    ),
    "unicode_and_non_bmp": (
        "[say(text=\"北京 😀 café\", emoji='𝄞')]",
        Expect(calls=(Call("say", '{"text": "北京 😀 café", "emoji": "𝄞"}'),)),
    ),
    # The list's own punctuation inside strings is string text.
    "delimiters_inside_strings": (
        """[f(s="a), b=2]", t='x, y="z"', u='[g(h=1)]')]""",
        Expect(calls=(Call("f", '{"s": "a), b=2]", "t": "x, y=\\"z\\"", "u": "[g(h=1)]"}'),)),
    ),
    "numbers": (
        "[f(a=-1, b=2.50, c=1e3, d=0x1F, e=1_000, f=.5, g=+7, h=5.)]",
        Expect(
            calls=(
                Call("f", '{"a": -1, "b": 2.50, "c": 1e3, "d": 31, "e": 1000, "f": 0.5, "g": 7, "h": 5.0}'),
            )
        ),
    ),
    "dict_keys_that_are_not_strings": (
        "[f(m={1: 'a', None: 'b', 2.5: 'c', False: 'd'})]",
        Expect(calls=(Call("f", '{"m": {"1": "a", "null": "b", "2.5": "c", "false": "d"}}'),)),
    ),
    "whitespace_and_trailing_commas": (
        "[ f( a = 1 ,b= [2, 3,], ) ,\n g() , ]",
        Expect(calls=(Call("f", '{"a": 1, "b": [2, 3]}'), Call("g", "{}"))),
    ),
    "text_after_the_list": ("[f()]\nDone.", Expect(content="\nDone.", calls=(Call("f", "{}"),))),
    "unicode_identifiers": ("[café(größe=1)]", Expect(calls=(Call("café", '{"größe": 1}'),))),
}

CONTENT = {
    "markdown_link": "[Paris](https://en.wikipedia.org/wiki/Paris) is the capital.",
    "leading_whitespace_then_link": "\n  [Paris](x)",
    "leading_whitespace_then_text": "  \n hello [f(a=1)]",
    "bracket_later_in_text": "See [f(x=1)] for details.",
    "empty_list": "[]",
    "list_of_numbers": "[1, 2, 3]",
    "name_without_call": "[f]",
    "space_before_paren": "[f (a=1)]",
    "digit_first_name": "[1f(a=1)]",
    "unfinished_header": "[get_weath",
    "lone_bracket": "[",
    "wrapper_without_call": START + 'print("hi")' + END,
    "wrapper_with_link": START + "[Paris](x)" + END,
    "python_end_alone": "a" + END,
    "long_name": "[" + "a" * 2000 + "(x=1)]",
}

MALFORMED = {
    # A call is held until its first argument shows a keyword and the start of a literal value:
    # a first argument that is positional, or not a literal, makes the whole list content.
    "positional_argument": ('[get_weather("Beijing")]', Expect(content='[get_weather("Beijing")]')),
    "expression_value": (
        "[f(a=1+2)]",
        Expect(content="+2)]", calls=(Call("f", '{"a": 1'),), problems=((0, "invalid_arguments"),)),
    ),
    "name_as_value": ("[f(a=foo), g(b=1)]", Expect(content="[f(a=foo), g(b=1)]")),
    "bad_number": ("[f(a=12abc)]", Expect(content="[f(a=12abc)]")),
    "garbage_after_paren": ("[f(!!)]", Expect(content="[f(!!)]")),
    "set_literal": (
        "[f(a={1, 2})]",
        Expect(content=", 2})]", calls=(Call("f", '{"a": {"1"'),), problems=((0, "invalid_arguments"),)),
    ),
    "adjacent_strings": (
        "[f(a='x' 'y')]",
        Expect(content="'y')]", calls=(Call("f", '{"a": "x"'),), problems=((0, "invalid_arguments"),)),
    ),
    "unterminated_string_at_end": (
        '[f(a="abc',
        Expect(
            calls=(Call("f", '{"a": "abc'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    "escape_cut_by_the_end": (
        r'[f(a="x\u4e',
        Expect(
            calls=(Call("f", r'{"a": "x\\u4e'),),
            problems=((0, "invalid_arguments"),),
            incomplete=frozenset({0}),
        ),
    ),
    "number_at_the_end": (
        "[f(n=12",
        Expect(
            calls=(Call("f", '{"n": 12'),), problems=((0, "invalid_arguments"),), incomplete=frozenset({0})
        ),
    ),
    # Cut before its first value was known to be a literal: the call was still held.
    "word_cut_by_the_end": ("[f(n=Tr", Expect(content="[f(n=Tr")),
    # A value not a literal after the first one: the committed call ends there, the rest is content.
    "name_as_second_value": (
        "[f(a=1, b=foo)] tail",
        Expect(
            content="foo)] tail", calls=(Call("f", '{"a": 1, "b": '),), problems=((0, "invalid_arguments"),)
        ),
    ),
    "unclosed_list": (
        "[f(a=1), g(b='x')",
        Expect(calls=(Call("f", '{"a": 1}'), Call("g", '{"b": "x"}'))),
    ),
    "separator_at_the_end": ("[f(a=1), ", Expect(content=", ", calls=(Call("f", '{"a": 1}'),))),
    "second_element_not_a_call": ("[f(), 42]", Expect(content=", 42]", calls=(Call("f", "{}"),))),
    "text_right_after_a_call": ("[f()(x=1)]", Expect(content="(x=1)]", calls=(Call("f", "{}"),))),
    "wrapper_without_end": (START + "[f()]", Expect(calls=(Call("f", "{}"),))),
    "wrapper_list_without_close": (
        START + "[f()" + END + "ok",
        Expect(content="ok", calls=(Call("f", "{}"),)),
    ),
    "malformed_escapes_kept": (
        r"[f(s='\q\x4g\N{NO SUCH}')]",
        Expect(calls=(Call("f", r'{"s": "\\q\\x4g\\N{NO SUCH}"}'),)),
    ),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_pythonic_golden(name: str) -> None:
    text, expect = GOOD[name]
    check_case(PY, text, expect)


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_pythonic_text_that_is_not_a_call_list(name: str) -> None:
    check_case(PY, CONTENT[name], Expect(content=CONTENT[name]))


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_pythonic_malformed(name: str) -> None:
    text, expect = MALFORMED[name]
    check_case(PY, text, expect)


def python_reading(text: str) -> list[tuple[str, dict[str, Any]]]:
    """What Python makes of a call list: (dotted name, keyword values) per call."""
    body = text.strip().removeprefix(START).removesuffix(END).strip()
    tree = ast.parse(body, mode="eval").body
    assert isinstance(tree, ast.List)
    calls = []
    for node in tree.elts:
        assert isinstance(node, ast.Call) and not node.args
        calls.append(
            (
                ast.unparse(node.func),
                {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg is not None},
            )
        )
    return calls


def jsonable(value: Any) -> Any:
    """A literal as the JSON value it stands for (tuples are arrays, keys are strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


@pytest.mark.parametrize(
    "name", sorted(set(GOOD) - {"olmo_words", "wrapper_after_text", "text_after_the_list"})
)
def test_arguments_agree_with_python(name: str) -> None:
    text, expect = GOOD[name]
    want = [(n, jsonable(kw)) for n, kw in python_reading(text)]
    got = [(c.name, json.loads(c.arguments)) for c in expect.calls]
    assert got == want


def test_truncated_call_is_incomplete() -> None:
    check_case(
        PY,
        "[f(a='x', b=[1, 2",
        Expect(
            calls=(Call("f", '{"a": "x", "b": [1, 2'),),
            finish_reason="length",
            problems=((0, "incomplete"), (0, "invalid_arguments")),
            incomplete=frozenset({0}),
        ),
        finish="length",
    )


def test_first_delta_carries_name_and_first_argument() -> None:
    # The call is held until its first argument shows a keyword and a literal's first character.
    parser = StreamParser(PY, id_seed=0)
    assert parser.feed("[get_weather") is None
    assert parser.feed("(") is None
    assert parser.feed("city=") is None
    delta = parser.feed('"Bei')
    assert delta is not None
    (chunk,) = delta["tool_calls"]
    assert chunk["function"] == {"name": "get_weather", "arguments": '{"city": "Bei'}
    assert parser.feed("jing") == {"tool_calls": [{"index": 0, "function": {"arguments": "jing"}}]}
    # A number is written when it ends.
    assert parser.feed('", days=3') == {
        "tool_calls": [{"index": 0, "function": {"arguments": '", "days": '}}]
    }
    assert parser.feed(")]") == {"tool_calls": [{"index": 0, "function": {"arguments": "3}"}}]}


@pytest.mark.parametrize("width", [None, 7])
def test_deep_nesting(width: int | None) -> None:
    depth = 100_000
    text = "[f(a=" + "[{'k': (" * depth + ")}]" * depth + ")]"
    parser = StreamParser(PY, id_seed=0)
    pieces = [text] if width is None else [text[i : i + width] for i in range(0, len(text), width)]
    events = [e for piece in pieces for e in parser.feed_events(piece)] + parser.finish_events()
    arguments = "".join(e.text for e in events if isinstance(e, streamparse.CallArguments))
    assert arguments == '{"a": ' + '[{"k": [' * depth + "]}]" * depth + "}"
    assert not any(isinstance(e, streamparse.Text) for e in events)


def test_long_string_streams_in_constant_holdback() -> None:
    parser = StreamParser(PY, id_seed=0)
    parser.feed("[write(body='")
    sent = []
    for _ in range(1000):
        delta = parser.feed("abc\\n")
        assert delta is not None
        sent.append(delta["tool_calls"][0]["function"]["arguments"])
    assert "".join(sent) == "abc\\n" * 1000


# -- issue 13 P3: a call list whose first argument is positional or not a literal ------------------


def events_summary(
    dialect: str, pieces: list[str]
) -> tuple[str, list[tuple[str, str]], list[tuple[int, str]]]:
    """(content, [(name, arguments)], [(index, flag kind)]) from the events of one run."""
    parser = StreamParser(dialect, id_seed=0)
    events = [e for piece in pieces for e in parser.feed_events(piece)] + parser.finish_events()
    content = "".join(e.text for e in events if isinstance(e, streamparse.Text))
    calls: dict[int, list[str]] = {}
    for event in events:
        if isinstance(event, streamparse.CallStart):
            calls[event.index] = [event.name, ""]
        elif isinstance(event, streamparse.CallArguments):
            calls[event.index][1] += event.text
    flags = [(e.index, e.kind) for e in events if isinstance(e, streamparse.CallFlag)]
    return content, [(name, arguments) for name, arguments in calls.values()], flags


def every_cut(text: str) -> list[list[str]]:
    """Whole, one character at a time, and every 2-way cut."""
    return [[text], list(text)] + [[text[:cut], text[cut:]] for cut in range(1, len(text))]


@pytest.mark.parametrize(
    ("text", "content", "calls"),
    [
        # The whole list is content: vLLM and SGLang take no positional arguments (DIALECTS.md §12).
        ("[get_weather('Tokyo')]", "[get_weather('Tokyo')]", []),
        ("[get_weather( 'Tokyo', days=3)]", "[get_weather( 'Tokyo', days=3)]", []),
        ("[f(x)]", "[f(x)]", []),
        ("[f(x=foo)]", "[f(x=foo)]", []),
        ("[f(x=Falsey)]", "[f(x=Falsey)]", []),
        ("[f(x=1abc)]", "[f(x=1abc)]", []),
        ("  [f(True)] ok", "  [f(True)] ok", []),
        (START + "[f('x')]" + END, START + "[f('x')]" + END, []),
        ("Hi " + START + "[f(1)]" + END + " bye", "Hi " + START + "[f(1)]" + END + " bye", []),
        # A later call is held the same way: the list is content from its "," on, as for any "," not
        # followed by a call.
        ("[f(a=1), g('x')]", ", g('x')]", [("f", '{"a": 1}')]),
        ("[f(a=1), g(x=y)]", ", g(x=y)]", [("f", '{"a": 1}')]),
        # Once the first value begins as a literal the call is committed: a later positional argument
        # or non-literal value ends it there (arguments not valid JSON, flagged), the rest is content.
        ("[f(a=1, 'x')]", "'x')]", [("f", '{"a": 1')]),
        ("[f(a=1, b=foo)] tail", "foo)] tail", [("f", '{"a": 1, "b": ')]),
        ("[f(a='x', b=foo)]", "foo)]", [("f", '{"a": "x", "b": ')]),
        # Well-formed lists are unchanged.
        ("[f(a=1), g()]", "", [("f", '{"a": 1}'), ("g", "{}")]),
        ("[f(a=[1, 2])]", "", [("f", '{"a": [1, 2]}')]),
    ],
)
def test_positional_or_non_literal_first_argument_makes_the_list_content(
    text: str, content: str, calls: list[tuple[str, str]]
) -> None:
    # Issue 13 P3: "[get_weather('Tokyo')]" gave a call with arguments "{" and the content "'Tokyo')]".
    for pieces in every_cut(text):
        assert events_summary(PY, pieces) == (content, calls, []), pieces
    result = streamparse.parse(text, PY)
    assert (result.content or "", [(c.function.name, c.function.arguments) for c in result.tool_calls]) == (
        content,
        calls,
    )
    assert all(p.kind == "invalid_arguments" for p in result.problems)
    assert {p.index for p in result.problems} == {
        i for i, (_, arguments) in enumerate(calls) if not arguments.endswith("}")
    }


def test_held_call_is_bounded_like_a_header() -> None:
    # The call waits for its first value, but holds no more than a header may (MAX_HEADER characters
    # after the "["), wherever the text is cut.
    for name_length, is_call in [(1000, True), (1019, True), (1020, False), (1100, False)]:
        text = f"[f({'a' * name_length}=1)]"
        expected = ("", [("f", f'{{"{"a" * name_length}": 1}}')], []) if is_call else (text, [], [])
        for pieces in [[text], list(text)] + [[text[:cut], text[cut:]] for cut in range(1, len(text), 41)]:
            assert events_summary(PY, pieces) == expected, (name_length, len(pieces[0]))


def test_text_ending_before_the_first_value_is_known() -> None:
    assert events_summary(PY, ["[f(a="]) == ("[f(a=", [], [])
    assert events_summary(PY, ["[f(a=Tr"]) == ("[f(a=Tr", [], [])
    # A number at the very end is decided by the end: the call commits, cut.
    assert events_summary(PY, ["[f(a=12"]) == ("", [("f", '{"a": 12')], [])


# -- issue 13 R3: escapes of lone surrogates ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "arguments", "flags"),
    [
        ("[f(a='\\ud83d')]", '{"a": "\\ud83d"}', [(0, "lone_surrogate")]),
        ('[f(a="\\udc00", b=1), g(c="\\ud83d\\ude00")]', '{"a": "\\udc00", "b": 1}', [(0, "lone_surrogate")]),
        ("[f(a=['\\ud83d', '\\udfff'])]", '{"a": ["\\ud83d", "\\udfff"]}', [(0, "lone_surrogate")]),
    ],
)
def test_lone_surrogate_escape_stays_an_escape_and_is_flagged(
    text: str, arguments: str, flags: list[tuple[int, str]]
) -> None:
    for pieces in every_cut(text):
        content, calls, got_flags = events_summary(PY, pieces)
        assert calls[0] == ("f", arguments) and got_flags == flags, pieces
    result = streamparse.parse(text, PY)
    result.model_dump_json().encode("utf-8")
    for call in result.tool_calls:
        json.loads(call.function.arguments)
        call.function.arguments.encode("utf-8")
    assert [(p.index, p.kind) for p in result.problems] == flags
    with pytest.raises(streamparse.MalformedCallError):
        streamparse.parse(text, PY, strict=True)
