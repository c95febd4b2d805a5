"""The marker lexer on its own: the same tokens for every split of the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streamparse._lexer import MarkerLexer

MARKER_SETS = [
    ("<|tool_call_begin|>", "<|tool_calls_section_begin|>", "<|tool_call_section_begin|>", "<think>"),
    ("```", "```json", "{", "\n"),  # markers that are prefixes of others
    ("<tool_call>", "<tool_calls>", "</tool_call>"),
    ("a", "ab", "abc"),
]


def tokens(lexer: MarkerLexer, pieces: list[str]) -> list[tuple[str, str]]:
    """Feed pieces as a dialect does: keep the held suffix, scan only what is new."""
    out: list[tuple[str, str]] = []
    buf = ""
    for index, piece in enumerate(pieces + [""]):
        final = index == len(pieces)
        buf += piece
        pos = 0
        while True:
            start, end, marker = lexer.find(buf, pos, final)
            if start > pos:
                out.append(("text", buf[pos:start]))
            if marker is None:
                buf = buf[start:]
                break
            out.append(("marker", marker))
            pos = end
        assert len(buf) <= max(map(len, lexer.markers)) - 1 or final
    merged: list[tuple[str, str]] = []
    for kind, value in out:
        if merged and kind == "text" and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return merged


@given(data=st.data())
def test_tokens_do_not_depend_on_the_split(data: st.DataObject) -> None:
    markers = data.draw(st.sampled_from(MARKER_SETS))
    lexer = MarkerLexer(markers)
    fragments = st.one_of(
        st.sampled_from(markers),
        st.sampled_from([m[:k] for m in markers for k in range(1, len(m))] or ["x"]),
        st.text(alphabet="<|>`{}\nabjson_ ", max_size=4),
    )
    text = "".join(data.draw(st.lists(fragments, max_size=12)))
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=8))))
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    assert tokens(lexer, pieces) == tokens(lexer, [text])


def test_prefix_marker_is_held_while_the_longer_one_may_follow() -> None:
    lexer = MarkerLexer(["```", "```json"])
    assert lexer.find("x```", 0, False) == (1, 1, None)
    assert lexer.find("x```js", 0, False) == (1, 1, None)
    assert lexer.find("x```\n", 0, False) == (1, 4, "```")
    assert lexer.find("x```json", 0, False) == (1, 8, "```json")
    assert lexer.find("x```", 0, True) == (1, 4, "```")


def test_markers_inside_others_are_refused() -> None:
    try:
        MarkerLexer(["<a>", "x<a>"])
    except ValueError as error:
        assert "inside" in str(error)
    else:
        raise AssertionError("expected ValueError")
