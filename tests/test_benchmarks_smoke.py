"""Smoke test of benchmarks/bench_feed.py: it runs, produces rows, and its input parses to what it rendered.

This checks the benchmark's input and plumbing, never its timings.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

import streamparse

DIALECTS = (
    "kimi_k2",
    "minimax_m1",
    "hermes",
    "hermes_args_first",
    "mistral",
    "llama3_json",
    "json_array",
    "qwen3_coder",
    "minimax_m2",
    "glm45",
    "seed_oss",
    "pythonic",
    "deepseek_v3",
    "deepseek_v31",
    "gpt_oss",
)
# Rendered for bench_peers.py, not in bench_feed's default list.
EXTRA_CASES = ("mistral_pre_v11",)

BENCH_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_feed.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_feed", BENCH_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


@pytest.mark.parametrize("size", [100, 500, 5_000, 50_000])
def test_arguments_are_the_requested_size_and_shape(bench: ModuleType, size: int) -> None:
    arguments = bench.make_arguments(size)
    assert size - 1 <= len(arguments) <= size
    value = json.loads(arguments)
    assert set(value) == {"path", "content"}
    content = value["content"]
    assert " " in content and '"' in content and '\\"' in arguments
    assert any(ord(c) > 127 for c in content) and any(ord(c) > 0xFFFF for c in content)


@pytest.mark.parametrize("dialect", list(DIALECTS + EXTRA_CASES))
@pytest.mark.parametrize("width", [4, 1])
def test_rendered_case_parses_to_the_rendered_arguments(bench: ModuleType, dialect: str, width: int) -> None:
    case = bench.make_case(dialect, 500)
    deltas = case.deltas[width]
    assert "".join(deltas) == case.text
    assert all(len(d) == width for d in deltas[:-1])

    result = bench.fold_wire(dialect, deltas)
    assert result.finish_reason == "tool_calls"
    if dialect == "json_array":
        assert result.content is None
    else:
        assert result.content is not None and result.content.strip() == bench.LEAD_TEXT
    assert len(result.tool_calls) == 1
    call = result.tool_calls[0]
    assert call.function.name == "write_file"
    assert call.function.arguments == case.arguments
    assert json.loads(call.function.arguments)["path"] == bench.FILE_PATH
    assert result.problems == []
    if dialect == "kimi_k2":
        assert call.id == "functions.write_file:0"

    names, args = bench.event_arguments(dialect, deltas)
    assert names == ["write_file"]
    assert args == [case.arguments]

    # The whole text at once agrees with the stream.
    assert streamparse.parse(case.text, bench.dialect_of(dialect), id_seed=0) == result


def test_quick_run_produces_rows(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    report = bench.main(["--quick", "--sizes", "500"])
    out = capsys.readouterr().out

    assert {(r.dialect, r.width) for r in report.rows} == {(d, w) for d in DIALECTS for w in (4, 1)}
    for row in report.rows:
        assert row.ok, row
        assert row.size == 500 and 499 <= row.args_chars <= 500
        assert row.n_deltas > 0
        assert set(row.us) == {"event", "wire", "floor"}
        assert all(v > 0 for v in row.us.values())  # measured something; no timing thresholds
        assert row.seconds_per_million_chars("wire") > 0
    assert set(report.construction) == set(DIALECTS)
    assert len(report.memory) == 4 * len(DIALECTS)

    assert "python benchmarks/bench_feed.py --quick --sizes 500" in out
    assert "kimi_k2" in out and "minimax_m1" in out and "µs/delta" in out
    assert "targets (issue 7)" in out
    assert "plot" not in out  # --quick writes no figure unless asked


def test_plot_is_written_or_skipped_with_a_hint(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "feed.png"
    bench.main(["--quick", "--sizes", "100,200", "--dialects", "hermes", "--no-memory", "--plot", str(path)])
    out = capsys.readouterr().out

    if importlib.util.find_spec("matplotlib") is None:
        assert "plot skipped" in out and "pip install -e '.[bench]'" in out
        assert not path.exists()
    else:
        assert f"plot written to {path}" in out
        assert path.read_bytes().startswith(b"\x89PNG")
