"""The shared machinery below the dialects: state tables and incremental JSON scanning."""

from __future__ import annotations

import enum
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamparse._json import DONE, MORE, CallObjectScanner, JsonSkimmer
from streamparse._machine import Lex, Machine


def test_a_dialect_whose_states_share_a_name_is_refused() -> None:
    class One(enum.Enum):
        CONTENT = 1

    class Two(enum.Enum):
        CONTENT = 1

    with pytest.raises(TypeError, match="give each state its own name"):

        class Clash(Machine):  # noqa: F841 - defining it is the test
            name = "clash"
            CONTENT = One.CONTENT
            STATES = {One.CONTENT: Lex(Machine.content, {}), Two.CONTENT: Lex(Machine.content, {})}


def skim(pieces: list[str]) -> tuple[int, int]:
    """(status, characters consumed) after feeding ``pieces`` to one skimmer."""
    skimmer = JsonSkimmer()
    used = 0
    for piece in pieces:
        stop = skimmer.advance(piece, 0)
        used += stop
        if skimmer.status != MORE:
            break
    return skimmer.status, used


ESCAPE_HEAVY = [
    '{"code": "print(\\"a\\\\\\\\b\\")\\n\\ttab \\u00e9 \\ud83d\\ude00"} tail',
    '"\\\\"x',
    '"\\"" , ',
    '["\\\\\\"", "\\\\", 1]<',
    '{"a": "\\\\\\\\\\"}"}',
]


@pytest.mark.parametrize("text", ESCAPE_HEAVY)
def test_escapes_do_not_end_a_string_at_any_cut(text: str) -> None:
    whole = skim([text])
    for cut in range(1, len(text)):
        assert skim([text[:cut], text[cut:]]) == whole, cut
    assert whole[0] == DONE


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=8,
    ),
    st.data(),
)
def test_skimmer_ends_any_json_value_where_it_ends(value: object, data: st.DataObject) -> None:
    text = json.dumps(value) + '<tail "x"'
    cuts = sorted(data.draw(st.sets(st.integers(1, len(text) - 1), max_size=6)))
    pieces = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert skim(pieces) == (DONE, len(json.dumps(value)))


def test_plain_arguments_takes_escaped_deltas_without_a_full_scan() -> None:
    scanner = CallObjectScanner()
    text = '"name": "f", "arguments": {"code": "x'
    stop = scanner.advance(text, 0)  # stops where the call becomes committable (the arguments key)
    assert scanner.ready and text[:stop].endswith('"arguments"')
    scanner.advance(text, stop)
    assert scanner.plain_arguments('\\"q\\n')  # escapes continue the string
    assert scanner.plain_arguments("ab\\")  # an escape cut by the delta: held by the skimmer
    assert scanner.plain_arguments('"1')  # ...and completed by the next one
    assert not scanner.plain_arguments('"}')  # the string and the arguments close
    assert scanner.status == MORE
    stop = scanner.advance('"}}<', 0)
    assert (scanner.status, stop, scanner.args_done) == (DONE, 3, True)
