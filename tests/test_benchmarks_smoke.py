"""Smoke tests of benchmarks/bench_feed.py and bench_peers.py: they run, produce rows, and their input
parses to what they rendered.

This checks the benchmarks' input and plumbing, never their timings. Without vLLM and SGLang (CI), the
side-by-side run itself is skipped; its input, its cuts and our contestants are still checked.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import streamparse

# Rendered for bench_peers.py, not in bench_feed's default list.
EXTRA_CASES = ("mistral_pre_v11",)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_benchmark("bench_feed")


DIALECTS: tuple[str, ...] = load_benchmark("bench_feed").DIALECTS
# Dialects without a row of their own: each writes what its sibling's row measures, through the same code.
SAME_AS = {
    "deepseek_v4": "deepseek_v32",
    "deepseek_v41": "deepseek_v32",
    "hy_v4": "hy_v3",
    "muse_glimmer": "muse",
}


def test_every_dialect_has_a_row_or_a_sibling_with_one() -> None:
    unmeasured = set(streamparse.dialects()) - set(DIALECTS) - set(SAME_AS)
    assert not unmeasured, f"add these to bench_feed.DIALECTS: {sorted(unmeasured)}"
    assert set(SAME_AS.values()) <= set(DIALECTS)


@pytest.fixture(scope="module")
def peers() -> ModuleType:
    return load_benchmark("bench_peers")


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
        assert set(row.us) == {"event", "wire", "floor", "stub"}
        assert all(v > 0 for v in row.us.values())  # measured something; no timing thresholds
        # The bests are the minima of the per-repeat figures the ratios are taken from.
        assert {level: min(figures) for level, figures in row.by_repeat.items()} == row.us
        assert row.stub_ratio == row.ratio("event", "stub") > 0
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


def test_peers_absent_prints_how_to_build_them_and_exits_0(
    peers: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if peers.peers_importable_here():
        pytest.skip("vllm and sglang are importable here: the run would not skip")
    monkeypatch.delenv(peers.PEERS_PYTHON_VARIABLE, raising=False)

    status = peers.main(["--quick", "--peers-python", str(tmp_path / "no-such-python")])

    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("bench_peers: skipped") and "--peers-python" in out and "setup.sh" in out


@pytest.mark.parametrize("case", ["kimi_k2", "deepseek_v3", "hermes", "pythonic"])
def test_peer_cuts_are_every_4_chars_and_keep_special_tokens_whole(peers: ModuleType, case: str) -> None:
    peer_input = peers.make_input(case, 300)
    deltas = peer_input.deltas
    assert "".join(deltas) == peer_input.text
    special_tokens = peers.PEER_CASES[case].special_tokens
    ends = []
    position = 0
    for delta in deltas:
        position += len(delta)
        ends.append(position)
    for token in special_tokens:
        start = peer_input.text.find(token)
        while start != -1:
            # no cut strictly inside the token
            assert not any(start < end < start + len(token) for end in ends), token
            start = peer_input.text.find(token, start + 1)
    # Cuts fall every 4 characters, except where a special token moved one to its end.
    token_ends = {
        match.end() for token in special_tokens for match in re.finditer(re.escape(token), peer_input.text)
    }
    assert all(end % 4 == 0 or end in token_ends for end in ends[:-1])


def test_peer_tokenizer_round_trips_every_delta(peers: ModuleType) -> None:
    peer_input = peers.make_input("kimi_k2", 300)
    tokenizer = peers.CharacterTokenizer(peers.PEER_CASES["kimi_k2"].special_tokens, peer_input.text)
    for delta in peer_input.deltas:
        assert tokenizer.decode(tokenizer.encode(delta)) == delta
    assert tokenizer.encode("<|tool_call_end|>") == [tokenizer.special_ids["<|tool_call_end|>"]]


@pytest.mark.parametrize(
    "case",
    [
        "kimi_k2",
        "hermes",
        "qwen3_coder",
        "minimax_m2",
        "glm45",
        "llama3_json",
        "deepseek_v3",
        "deepseek_v31",
        "pythonic",
        "mistral_pre_v11",
    ],
)
def test_our_contestants_give_back_the_rendered_arguments(peers: ModuleType, case: str) -> None:
    assert case in peers.PEER_CASES
    peer_input = peers.make_input(case, 500)
    ours = [peers.Ours(case, "event"), peers.Ours(case, "wire")]

    cell = peers.measure(peer_input, ours, repeats=1, budget_seconds=1.0, sample=100)

    assert set(cell.results) == {"ours event", "ours wire"}
    for result in cell.results.values():
        assert result.ok == "yes", result
        assert result.repeats == 1 and result.us_per_delta is not None and result.us_per_delta > 0
    assert cell.ratio("vLLM") is None  # no peer measured, no ratio made up
    report = peers.format_report([cell], "python benchmarks/bench_peers.py", 1, 1.0, 100)
    assert case in report and "targets (issue 7)" in report


def test_quick_side_by_side_run_when_the_peers_are_installed(peers: ModuleType) -> None:
    interpreter = peers.peers_interpreter(None)
    if interpreter is None and not peers.peers_importable_here():
        pytest.skip("no vLLM/SGLang interpreter (the usual case, and CI's)")
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_peers.py"), "--quick", "--cases", "hermes"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    row = next(line for line in completed.stdout.splitlines() if line.startswith("hermes "))
    assert row.endswith("yes yes yes yes"), row


def test_a_peer_predicted_to_take_too_long_is_skipped(peers: ModuleType) -> None:
    fast = peers.Result("yes", us_per_delta=10.0, repeats=1, stream_seconds=0.5)
    slow = peers.Result("yes", us_per_delta=400.0, repeats=1, stream_seconds=20.0)
    previous = peers.Cell("hermes", 10_000, 10_000, 2_500, {"vLLM": fast, "SGLang": slow})

    skips = peers.predicted_skips(previous, 12_500, limit_seconds=100.0)  # 5x the deltas: 25x the time

    assert set(skips) == {"SGLang"} and "500 s" in skips["SGLang"]
    assert peers.predicted_skips(None, 12_500, limit_seconds=100.0) == {}


def test_ab_loads_two_copies_and_times_them_alternately(tmp_path: Path) -> None:
    if subprocess.run(["git", "-C", str(BENCHMARKS), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("not a git checkout: bench_ab compares git revisions")
    ab = load_benchmark("bench_ab")
    with_git = ab.load_revision("HEAD", tmp_path)
    work_tree = ab.load_revision(".", tmp_path)
    assert with_git is not work_tree and with_git.StreamParser is not work_tree.StreamParser
    assert "hermes" in with_git.dialects() and "hermes" in work_tree.dialects()

    base_us, new_us, ratio = ab.compare(with_git, work_tree, "hermes", 100, repeats=1)

    assert base_us > 0 and new_us > 0 and ratio > 0
