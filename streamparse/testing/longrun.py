"""Long fuzz runs: the contract properties over every dialect for a time budget.

:func:`fuzz` runs each property of :data:`~streamparse.testing.properties.PROPERTIES`
on each chosen dialect under hypothesis, in time slices taken round-robin
(every dialect and property gets a slice before any gets a second), so a
short budget still covers them all and a long one keeps coming back. Each
slice is a fresh hypothesis run with its own seed and no example database.
A property that fails on a dialect is shrunk by hypothesis, reported with
its minimal case (whose ``repr`` is the Python code that rebuilds it) and not
run on that dialect again.

``streamparse fuzz`` is the command-line front end.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Unsatisfiable

from ..errors import UsageError
from ..registry import canonical_name
from ..registry import dialects as registered_dialects
from .properties import PROPERTIES, Property

__all__ = ["DialectReport", "FuzzReport", "fuzz", "properties_named"]

# Slice lengths: long enough that hypothesis's start of a run (its first examples are
# kept small) is a small share of the slice, short enough to come back to every dialect.
_LONGEST_SLICE = 20.0
_SHORTEST_SLICE = 0.05
# Shrinking a failure is given this long before the best case so far is reported.
_SHRINK_SECONDS = 60.0
_FRAMES_SHOWN = 12
# After Ctrl-C, how long to wait for the jobs' reports.
_GRACE_SECONDS = 10.0

_SETTINGS = settings(
    max_examples=1_000_000_000,  # the slice's time ends the run, not a count
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.generate, Phase.shrink),
    report_multiple_bugs=False,
    verbosity=Verbosity.quiet,
    print_blob=False,
)


class _SliceOver(BaseException):
    """Ends a hypothesis run from inside the test when the slice's time is spent.

    A BaseException: hypothesis would take an Exception for a failure and
    shrink it, while anything else ends the run and reaches the caller.
    """


@dataclass(frozen=True)
class DialectReport:
    """What the properties did on one dialect.

    ``cases`` counts generated cases run; the runs hypothesis made while
    shrinking a failure are counted apart, in ``shrink_runs``. ``failures``
    counts the properties that failed (``failed_properties``), and
    ``first_failure`` is the first one's minimal case with its error, in
    full, or None. ``seconds`` is the time spent on the dialect (added up
    over the jobs of a run with several).
    """

    dialect: str
    cases: int
    failures: int
    seconds: float
    first_failure: str | None = None
    shrink_runs: int = 0
    cases_by_property: tuple[tuple[str, int], ...] = ()
    failed_properties: tuple[str, ...] = ()

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class FuzzReport:
    """Per-dialect reports of a :func:`fuzz` run, its wall and CPU time and the seed it used."""

    dialects: tuple[DialectReport, ...]
    seconds: float
    cpu_seconds: float
    seed: int
    interrupted: bool = False  # stopped by Ctrl-C: the counts are of the part that ran

    @property
    def cases(self) -> int:
        return sum(report.cases for report in self.dialects)

    @property
    def failures(self) -> int:
        return sum(report.failures for report in self.dialects)

    @property
    def shrink_runs(self) -> int:
        return sum(report.shrink_runs for report in self.dialects)

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """No property failed (in what ran, if interrupted)."""
        return self.failures == 0

    def table(self) -> str:
        """One line per dialect (cases, failures, seconds, cases/s), a total line, then each failure."""
        width = max([len("dialect"), len("total"), *(len(r.dialect) for r in self.dialects)])
        lines = [f"{'dialect':<{width}} {'cases':>10} {'failures':>8} {'seconds':>8} {'cases/s':>8}"]
        for report in self.dialects:
            lines.append(
                f"{report.dialect:<{width}} {report.cases:>10,} {report.failures:>8} "
                f"{report.seconds:>8.1f} {report.cases_per_second:>8.1f}"
            )
        per_cpu_second = self.cases / self.cpu_seconds if self.cpu_seconds > 0 else 0.0
        lines.append(
            f"{'total':<{width}} {self.cases:>10,} {self.failures:>8} "
            f"{self.seconds:>8.1f} {self.cases_per_second:>8.1f}"
        )
        lines.append(
            f"({'interrupted; ' if self.interrupted else ''}seed {self.seed}; {self.cpu_seconds:.1f} s of CPU, "
            f"{per_cpu_second:.1f} cases per CPU second; {self.shrink_runs:,} more runs while shrinking)"
        )
        for report in self.dialects:
            if report.first_failure is not None:
                lines.extend(["", report.first_failure])
        return "\n".join(lines)


@dataclass
class _Tally:
    cases: int = 0
    shrink_runs: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    cases_by_property: dict[str, int] = field(default_factory=dict)
    failed_properties: list[str] = field(default_factory=list)


class _Slice:
    """One hypothesis run of one property on one dialect, until ``stop_at``."""

    def __init__(self, prop: Property[Any], dialect: str, stop_at: float) -> None:
        self.prop = prop
        self.dialect = dialect
        self.stop_at = stop_at
        self.cases = 0
        self.shrink_runs = 0
        self.shrink_stop_at: float | None = None
        self.shrinking_cut_short = False
        # The last case that failed: hypothesis replays its minimal case last.
        self.failing: tuple[Any, BaseException] | None = None
        # What hypothesis raised in the end, when that is not the failing case's own error
        # (e.g. the failure did not happen again when replayed).
        self.verdict: BaseException | None = None

    def run(self, seed: int) -> None:
        @_SETTINGS
        @given(case=self.prop.cases(self.dialect))
        def body(case: Any) -> None:
            self._run_case(case)

        try:
            hypothesis_seed(seed)(body)()
        except _SliceOver:
            pass
        except Unsatisfiable:
            pass  # every example of this slice was rejected by a filter: nothing was run
        except Exception as error:
            if self.failing is None:
                self.failing = (None, error)  # hypothesis failed before any case did
            elif error is not self.failing[1]:
                self.verdict = error

    def _run_case(self, case: Any) -> None:
        if self.failing is None:
            self.cases += 1
        else:
            self.shrink_runs += 1
        try:
            self.prop.check(case)
        except Exception as error:
            if self.failing is None:
                self.shrink_stop_at = time.monotonic() + _SHRINK_SECONDS
            self.failing = (case, error)
            self._stop_if_spent()
            raise
        self._stop_if_spent()

    def _stop_if_spent(self) -> None:
        # Called after the case's draws: ending at any earlier point would look to hypothesis
        # like a test that draws differently from one run to the next.
        limit = self.stop_at if self.shrink_stop_at is None else self.shrink_stop_at
        if time.monotonic() >= limit:
            self.shrinking_cut_short = self.failing is not None
            raise _SliceOver

    def describe_failure(self) -> str:
        assert self.failing is not None
        case, error = self.failing
        title = f"FAILED {self.prop.name} on {self.dialect}"
        lines = [f"{title} (after {self.cases:,} cases; {self.shrink_runs:,} runs while shrinking)"]
        if isinstance(error, AssertionError):
            lines.append(f"{type(error).__name__}: {error}")
        else:
            frames = traceback.format_exception(error)
            lines.append("".join(frames[-_FRAMES_SHOWN:]).rstrip("\n"))
        if case is None:  # no case of ours failed: hypothesis's notes say what happened
            lines.extend(f"  {note}" for note in getattr(error, "__notes__", ()))
        if self.verdict is not None:
            summary = str(self.verdict).strip().splitlines()[:1]
            lines.append(f"then hypothesis raised {type(self.verdict).__name__}: {''.join(summary)}")
        if case is not None:
            check = self.prop.check.__name__
            shrunk = (
                f"the smallest case when shrinking was stopped after {_SHRINK_SECONDS:.0f} s"
                if self.shrinking_cut_short
                else "minimal case (shrunk by hypothesis)"
            )
            lines += [
                f"{shrunk}; to reproduce:",
                "    from streamparse.testing import Sample, ToolCallSpec",
                f"    from streamparse.testing.properties import {type(case).__name__}, {check}",
                f"    {check}({case!r})",
            ]
        return "\n".join(lines)


def properties_named(names: Sequence[str] | None) -> tuple[Property[Any], ...]:
    """The properties of :data:`PROPERTIES` called ``names``, in that order (None: all of them)."""
    if names is None:
        return PROPERTIES
    by_name = {prop.name: prop for prop in PROPERTIES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise UsageError(f"unknown property {unknown[0]!r}; have {', '.join(by_name)}")
    return tuple(by_name[name] for name in dict.fromkeys(names))


def fuzz(
    dialects: Sequence[Any] | None = None,
    budget_seconds: float = 60.0,
    *,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    properties: Sequence[Property[Any]] = PROPERTIES,
    slice_seconds: float | None = None,
) -> FuzzReport:
    """Run ``properties`` on ``dialects`` (default: all) for about ``budget_seconds``.

    The budget is wall time. Every dialect and property gets a slice of at
    least 0.05 s whatever the budget, and shrinking a failure may run over
    it (by at most a minute per failure). ``seed`` makes the sequence of
    hypothesis seeds, and so the cases, repeatable up to where the time
    slices end; without it a random seed is drawn and reported.
    ``progress`` receives a line when a round is through with a dialect and
    on each failure. ``jobs`` > 1 runs that many processes, each over every
    chosen dialect with seeds of its own, and adds up their reports (the
    properties must then be picklable, as module-level functions are).
    """
    # An alias fuzzes its dialect (a UsageError for an unknown name, before any time is spent).
    # A template dialect (streamparse.load_dialect, given a renderer by use_renderer) is fuzzed as itself.
    named = (
        registered_dialects()
        if dialects is None
        else [canonical_name(name) if isinstance(name, str) else name for name in dialects]
    )
    chosen = list(dict.fromkeys(named))
    if budget_seconds <= 0:
        raise UsageError(f"the budget must be positive, not {budget_seconds!r} seconds")
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs!r}")
    if seed is None:
        seed = random.SystemRandom().getrandbits(32)
    if jobs == 1:
        return _fuzz_here(chosen, time.time() + budget_seconds, seed, progress, properties, slice_seconds)
    return _fuzz_in_processes(
        chosen, time.time() + budget_seconds, seed, progress, jobs, properties, slice_seconds
    )


def _fuzz_here(
    chosen: list[str],
    deadline: float,
    seed: int,
    progress: Callable[[str], None] | None,
    properties: Sequence[Property[Any]],
    slice_seconds: float | None,
) -> FuzzReport:
    """The round-robin over (dialect, property) slices in this process, until ``deadline`` (time.time())."""
    tallies = {dialect: _Tally() for dialect in chosen}
    started = time.monotonic()
    cpu_started = time.process_time()
    # Slices are timed with the monotonic clock; the deadline is wall-clock time so that
    # processes started at different moments end together.
    end = started + (deadline - time.time())
    interrupted = False
    try:
        _rounds(tallies, end, random.Random(seed), progress, properties, slice_seconds)
    except KeyboardInterrupt:
        interrupted = True  # report what ran
    reports = tuple(
        DialectReport(
            dialect=str(dialect),
            cases=tally.cases,
            failures=len(tally.failures),
            seconds=tally.seconds,
            first_failure=tally.failures[0] if tally.failures else None,
            shrink_runs=tally.shrink_runs,
            cases_by_property=tuple(tally.cases_by_property.items()),
            failed_properties=tuple(tally.failed_properties),
        )
        for dialect, tally in tallies.items()
    )
    return FuzzReport(
        reports, time.monotonic() - started, time.process_time() - cpu_started, seed, interrupted
    )


def _rounds(
    tallies: dict[str, _Tally],
    end: float,
    seeds: random.Random,
    progress: Callable[[str], None] | None,
    properties: Sequence[Property[Any]],
    slice_seconds: float | None,
) -> None:
    """Slices of ``properties`` on each dialect, round-robin, until ``end`` (monotonic clock)."""
    round_number = 0
    while True:
        pending = [
            (dialect, prop)
            for dialect in tallies
            for prop in properties
            if prop.name not in tallies[dialect].failed_properties
        ]
        remaining = end - time.monotonic()
        if not pending or (remaining <= 0 and round_number > 0):
            break
        round_number += 1
        length = min(slice_seconds or _LONGEST_SLICE, max(_SHORTEST_SLICE, remaining / len(pending)))
        for position, (dialect, prop) in enumerate(pending):
            now = time.monotonic()
            if round_number > 1 and now >= end:
                break
            tally = tallies[dialect]
            # The first round gives every pair a slice even when the budget is already spent.
            one = _Slice(prop, dialect, now + length if round_number == 1 else min(now + length, end))
            one.run(seeds.getrandbits(64))
            tally.seconds += time.monotonic() - now
            tally.cases += one.cases
            tally.shrink_runs += one.shrink_runs
            tally.cases_by_property[prop.name] = tally.cases_by_property.get(prop.name, 0) + one.cases
            if one.failing is not None:
                tally.failed_properties.append(prop.name)
                tally.failures.append(one.describe_failure())
                if progress is not None:
                    progress(f"{prop.name} failed on {dialect}")
            last_of_dialect = position + 1 == len(pending) or pending[position + 1][0] != dialect
            if progress is not None and last_of_dialect:
                cases = sum(t.cases for t in tallies.values())
                failures = sum(len(t.failures) for t in tallies.values())
                left = max(0.0, end - time.monotonic())
                progress(
                    f"round {round_number}, {dialect} done: {cases:,} cases, {failures} failures, "
                    f"{left:.0f} s left"
                )


# -- several processes -------------------------------------------------------------------


def _job(
    number: int,
    chosen: list[str],
    deadline: float,
    seed: int,
    properties: Sequence[Property[Any]],
    slice_seconds: float | None,
    messages: Any,
) -> None:
    """A worker process: its report, or the traceback that stopped it, goes back on ``messages``."""
    try:
        report = _fuzz_here(
            chosen,
            deadline,
            seed,
            lambda line: messages.put(("progress", number, f"job {number}: {line}")),
            properties,
            slice_seconds,
        )
    except BaseException:
        messages.put(("error", number, traceback.format_exc()))
        raise
    messages.put(("report", number, report))


def _fuzz_in_processes(
    chosen: list[str],
    deadline: float,
    seed: int,
    progress: Callable[[str], None] | None,
    jobs: int,
    properties: Sequence[Property[Any]],
    slice_seconds: float | None,
) -> FuzzReport:
    started = time.monotonic()
    # spawn, not fork: a fresh interpreter per job, whatever threads this process runs.
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    seeds = random.Random(seed)
    workers = [
        context.Process(
            target=_job,
            args=(number, chosen, deadline, seeds.getrandbits(32), properties, slice_seconds, messages),
            daemon=True,
        )
        for number in range(1, jobs + 1)
    ]
    for worker in workers:
        worker.start()
    reports: dict[int, FuzzReport] = {}
    finished: set[int] = set()
    interrupted_at: float | None = None
    try:
        while len(finished) < jobs:
            try:
                kind, number, payload = messages.get(timeout=1.0)
            except queue.Empty:
                if interrupted_at is not None:
                    if time.monotonic() - interrupted_at > _GRACE_SECONDS:
                        break
                elif not any(worker.is_alive() for worker in workers):
                    raise RuntimeError("a fuzz job died without a report") from None
                continue
            except KeyboardInterrupt:
                # Ctrl-C reaches the jobs too (one process group): each reports what it ran.
                interrupted_at = time.monotonic()
                continue
            if kind == "report":
                reports[number] = payload
                finished.add(number)
            elif kind == "error":
                if interrupted_at is None:
                    raise RuntimeError(f"fuzz job {number} failed:\n{payload}")
                finished.add(number)
            elif progress is not None:
                progress(payload)
    finally:
        for worker in workers:
            worker.join(timeout=5.0)
            if worker.is_alive():
                worker.terminate()
    return _merged(
        [reports[number] for number in sorted(reports)],
        seed,
        time.monotonic() - started,
        interrupted_at is not None,
    )


def _merged(reports: Sequence[FuzzReport], seed: int, seconds: float, interrupted: bool) -> FuzzReport:
    """The jobs' reports as one: counts and times added up per dialect, failures by property."""
    merged: list[DialectReport] = []
    for parts in zip(*(report.dialects for report in reports)):
        failed = tuple(dict.fromkeys(name for part in parts for name in part.failed_properties))
        by_property: dict[str, int] = {}
        for part in parts:
            for name, cases in part.cases_by_property:
                by_property[name] = by_property.get(name, 0) + cases
        merged.append(
            DialectReport(
                dialect=parts[0].dialect,
                cases=sum(part.cases for part in parts),
                failures=len(failed),
                seconds=sum(part.seconds for part in parts),
                first_failure=next((p.first_failure for p in parts if p.first_failure is not None), None),
                shrink_runs=sum(part.shrink_runs for part in parts),
                cases_by_property=tuple(by_property.items()),
                failed_properties=failed,
            )
        )
    return FuzzReport(
        tuple(merged),
        seconds,
        sum(report.cpu_seconds for report in reports),
        seed,
        interrupted or any(report.interrupted for report in reports),
    )
