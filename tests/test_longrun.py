"""streamparse.testing.longrun and ``streamparse fuzz``: tiny budgets, a healthy and a broken parser."""

from __future__ import annotations

import re
from typing import Any

import pytest

import streamparse
from streamparse.cli import main
from streamparse.testing.longrun import DialectReport, FuzzReport, fuzz, properties_named
from streamparse.testing.properties import PROPERTIES, ContractViolation


@pytest.fixture
def parser_dropping_zeros(monkeypatch: pytest.MonkeyPatch) -> None:
    """StreamParser.feed loses every "0" it is given (parse() goes another way and keeps them)."""
    feed = streamparse.StreamParser.feed

    def feed_without_zeros(self: streamparse.StreamParser, text: str) -> Any:
        return feed(self, text.replace("0", ""))

    monkeypatch.setattr(streamparse.StreamParser, "feed", feed_without_zeros)


def test_a_short_budget_covers_every_dialect_and_property() -> None:
    lines: list[str] = []
    report = fuzz(["hermes", "kimi_k2"], 2.0, seed=1, progress=lines.append)
    assert [r.dialect for r in report.dialects] == ["hermes", "kimi_k2"]
    for dialect in report.dialects:
        assert dialect.failures == 0 and dialect.first_failure is None
        assert dialect.cases > 0
        assert [name for name, _ in dialect.cases_by_property] == [p.name for p in PROPERTIES]
        assert all(cases > 0 for _, cases in dialect.cases_by_property)
    assert report.ok and report.failures == 0
    assert report.cases == sum(r.cases for r in report.dialects)
    assert 1.5 < report.seconds < 30
    assert report.seed == 1
    assert [line for line in lines if line.startswith("round 1, ")][-1].startswith("round 1, kimi_k2 done: ")


def test_the_table_has_a_line_per_dialect_and_a_total() -> None:
    report = FuzzReport(
        (DialectReport("hermes", 1200, 0, 10.0), DialectReport("kimi_k2", 800, 0, 10.0)),
        seconds=20.0,
        cpu_seconds=16.0,
        seed=7,
    )
    lines = report.table().splitlines()
    assert lines[0].split() == ["dialect", "cases", "failures", "seconds", "cases/s"]
    assert lines[1].split() == ["hermes", "1,200", "0", "10.0", "120.0"]
    assert lines[3].split() == ["total", "2,000", "0", "20.0", "100.0"]
    assert "seed 7" in lines[4] and "125.0 cases per CPU second" in lines[4]


def test_a_broken_parser_is_reported_with_a_case_that_reproduces_it(parser_dropping_zeros: None) -> None:
    report = fuzz(["hermes"], 1.0, seed=3)
    (hermes,) = report.dialects
    assert not report.ok and hermes.failures == len(hermes.failed_properties) >= 1
    failure = hermes.first_failure
    assert failure is not None and failure.startswith(f"FAILED {hermes.failed_properties[0]} on hermes")
    # The failure ends with the code that rebuilds the minimal case and runs its check.
    snippet = failure[failure.index("to reproduce:") :].split("\n", 1)[1]
    with pytest.raises(ContractViolation):
        exec(re.sub(r"(?m)^    ", "", snippet), {})


def test_the_command_prints_the_table_and_exits_1_on_a_failure(
    parser_dropping_zeros: None, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["fuzz", "--dialect", "hermes", "--seconds", "0.5", "--seed", "0"])
    out, err = capsys.readouterr()
    assert status == 1
    assert re.search(rf"(?m)^hermes +[\d,]+ +[1-{len(PROPERTIES)}] ", out)
    assert re.search(r"(?m)^total ", out)
    assert "FAILED" in out and "to reproduce:" in out
    assert "streamparse fuzz: round 1, hermes done:" in err


def test_the_command_exits_0_when_every_property_holds(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["fuzz", "--dialect", "minimax_m1", "--seconds", "0.5"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert re.search(r"(?m)^minimax_m1 +[\d,]+ +0 ", out)
    assert "FAILED" not in out


def test_ctrl_c_ends_the_run_with_a_report_of_what_ran() -> None:
    def interrupt(line: str) -> None:
        raise KeyboardInterrupt

    report = fuzz(["hermes", "kimi_k2"], 600.0, seed=5, progress=interrupt, slice_seconds=0.2)
    assert report.interrupted and report.ok
    assert report.seconds < 60
    hermes, kimi_k2 = report.dialects
    assert hermes.cases > 0 and kimi_k2.cases == 0
    assert "interrupted; seed 5" in report.table()


def test_jobs_run_in_processes_and_add_up() -> None:
    report = fuzz(["seed_oss"], 1.0, seed=2, jobs=2, properties=properties_named(["content_only"]))
    (seed_oss,) = report.dialects
    assert report.ok
    assert seed_oss.cases > 0
    assert seed_oss.cases_by_property == (("content_only", seed_oss.cases),)


def test_properties_are_chosen_by_name() -> None:
    assert properties_named(None) == PROPERTIES
    assert [p.name for p in properties_named(["mutated", "round_trip", "mutated"])] == [
        "mutated",
        "round_trip",
    ]
    with pytest.raises(streamparse.UsageError, match="unknown property 'bogus'"):
        properties_named(["bogus"])


def test_the_command_runs_only_the_chosen_property(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["fuzz", "--dialect", "kimi_k2", "--property", "content_only", "--seconds", "0.3"])
    _, err = capsys.readouterr()
    assert status == 0
    assert "round 1, kimi_k2 done" in err
    assert main(["fuzz", "--property", "bogus", "--seconds", "0.3"]) == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"dialects": ["bogus"]}, "unknown dialect 'bogus'"),
        ({"budget_seconds": 0}, "budget must be positive"),
        ({"jobs": 0}, "jobs must be at least 1"),
    ],
)
def test_misuse_is_a_usage_error(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(streamparse.UsageError, match=message):
        fuzz(**arguments)
