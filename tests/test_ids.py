"""Generated tool-call ids: shape, determinism with a seed, uniqueness without one."""

from __future__ import annotations

import os
import re
import sys

import pytest

import streamparse
from streamparse import IdFactory

OPENAI_ID = re.compile(r"call_[A-Za-z0-9]{24}")
MISTRAL_ID = re.compile(r"[A-Za-z0-9]{9}")


@pytest.mark.parametrize(("style", "shape"), [("call", OPENAI_ID), ("mistral", MISTRAL_ID)])
def test_generated_ids_have_the_shape_of_their_style(style: str, shape: re.Pattern[str]) -> None:
    ids = IdFactory(style)  # type: ignore[arg-type]
    for _ in range(2000):
        assert shape.fullmatch(ids())


def test_every_alphanumeric_appears() -> None:
    ids = IdFactory(seed=1)
    seen = set("".join(ids()[5:] for _ in range(500)))
    assert seen == set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def test_a_seed_repeats_the_sequence_and_another_seed_does_not() -> None:
    one, two = IdFactory(seed=7), IdFactory(seed=7)
    assert [one() for _ in range(5)] == [two() for _ in range(5)]
    assert IdFactory(seed=8)() != IdFactory(seed=7)()


def test_unseeded_ids_are_unique_across_factories() -> None:
    ids = {IdFactory()() for _ in range(10_000)}
    assert len(ids) == 10_000


def test_a_factory_overrides_generation() -> None:
    counter = iter(range(100))
    ids = IdFactory("mistral", factory=lambda: f"id{next(counter)}")
    assert [ids(), ids()] == ["id0", "id1"]


def test_unknown_style_names_the_choices() -> None:
    with pytest.raises(ValueError, match="use 'call' or 'mistral'"):
        IdFactory("uuid")  # type: ignore[arg-type]


def test_seeded_parses_agree_and_unseeded_ones_differ() -> None:
    text = '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>'
    seeded = [streamparse.parse(text, "hermes", id_seed=3).tool_calls[0].id for _ in range(2)]
    assert seeded[0] == seeded[1]
    unseeded = {streamparse.parse(text, "hermes").tool_calls[0].id for _ in range(50)}
    assert len(unseeded) == 50


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "emscripten", reason="needs os.fork")
def test_forked_workers_do_not_repeat_the_parents_ids() -> None:
    # Pre-forking servers build parsers in children: unseeded ids must not repeat across them.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        os.write(write, IdFactory()().encode())
        os._exit(0)
    os.close(write)
    child_id = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert OPENAI_ID.fullmatch(child_id)
    assert child_id != IdFactory()()
