"""The public fuzz kit: check_parser finds a naive parser's bug and passes streamparse's own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import streamparse
from streamparse.testing import ParserMismatch, check_parser

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fuzz_a_naive_parser.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_a_naive_parser", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_naive_parser_gets_a_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    mismatch = load_example().main(max_examples=60)
    assert isinstance(mismatch, ParserMismatch)
    message = str(mismatch)
    assert "text:" in message and "deltas:" in message
    assert "The naive parser fails" in capsys.readouterr().out


@pytest.mark.parametrize("dialect", streamparse.dialects())
def test_streamparse_passes_its_own_checker(dialect: str) -> None:
    check_parser(lambda tools=None: streamparse.StreamParser(dialect, tools), dialect, max_examples=25)


def test_a_parser_that_raises_is_reported() -> None:
    class Broken:
        def feed(self, text: str) -> None:
            raise ValueError("boom")

        def finish(self) -> None:
            return None

    with pytest.raises(ParserMismatch, match="raised"):
        check_parser(Broken, "kimi_k2", max_examples=5)
