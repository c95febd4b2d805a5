"""Smoke test of benchmarks/bench_serve.py: a tiny run (3 streams, short pauses) gives whole rows.

It checks the benchmark's plumbing (the replay and the proxy start, every stream is read to its end,
the figures are filled in and printed), never its timings.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_bench_serve() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_serve", BENCHMARKS / "bench_serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_serve", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_serve_runs_and_fills_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench_serve()
    result = bench.bench(dialect="kimi_k2", levels=[1, 3], delay=0.002, workers=1, log_level="warning")
    assert [row["streams"] for row in result["rows"]] == [1, 3]
    for row in result["rows"]:
        for side in ("replay", "proxy"):
            figures = row[side]
            assert figures["failed"] == 0, figures["errors"]
            for key in ("ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "itl_p99_ms"):
                assert math.isfinite(figures[key]) and figures[key] >= 0, (side, key)
        # The replay sends every token piece as text; the proxy fewer events (a call's markup is not passed on).
        assert row["replay"]["tokens_out"] == row["streams"] * result["pieces"]
        assert 0 < row["proxy"]["tokens_out"] < row["replay"]["tokens_out"]
        assert row["proxy_cpu_us_per_token"] >= 0
    bench.report(result)
    out = capsys.readouterr().out
    assert "added TTFT" in out and out.count("  proxy ") == 2
    text = next(iter(bench.examples("kimi_k2"))).text
    assert bench.per_event_cpu("kimi_k2", text, rounds=2) > 0
    assert bench.app_cpu("kimi_k2", text, middleware=False, requests=2) > 0
    assert bench.app_cpu("kimi_k2", text, middleware=True, requests=2) > 0
