"""README's tables list every dialect and every engine parser name the registry accepts.

The tables are written by hand (each row says something the registry does not);
these checks make a dialect or an alias that was added without its row fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import streamparse

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n#", start + len(title))
    return README[start : end if end >= 0 else len(README)]


def _first_cells(section: str) -> set[str]:
    """Every backquoted name in the first cell of each table row of ``section``."""
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line[2:].split(" | ", 1)[0]
            names.update(re.findall(r"`([^`]+)`", first_cell))
    return names


@pytest.mark.parametrize("dialect", streamparse.dialects())
def test_every_dialect_has_a_row_in_the_dialect_table(dialect: str) -> None:
    assert dialect in _first_cells(_section("## Dialects")), (
        f"README's dialect table has no row for {dialect}"
    )


@pytest.mark.parametrize("dialect", streamparse.dialects())
def test_every_dialect_has_a_reasoning_policy_row(dialect: str) -> None:
    assert dialect in _first_cells(_section("### Reasoning")), (
        f"README's reasoning table has no row for {dialect}"
    )


@pytest.mark.parametrize(
    "alias",
    [entry for entry in streamparse.parser_names() if entry.name != entry.dialect],
    ids=lambda e: e.name,
)
def test_every_engine_name_has_a_row_in_the_alias_table(alias: streamparse.ParserName) -> None:
    table = _section("### The engines' parser names")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    mine = [row for row in rows if f"`{alias.name}`" in row.split(" | ")[0]]
    assert mine, f"README's table of engine parser names has no row for {alias.name}"
    assert f"`{alias.dialect}`" in mine[0], f"README maps {alias.name} elsewhere than {alias.dialect}"
