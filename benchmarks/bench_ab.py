"""A/B of the per-delta cost of two revisions of streamparse, in one process.

Run from the project root:

    python benchmarks/bench_ab.py BASE             # BASE (a git revision) against the work tree
    python benchmarks/bench_ab.py BASE NEW --dialects hermes,kimi_k2 --sizes 100,100000 --repeats 7

Each revision's ``streamparse`` package is imported into this process under its own copy of the
module tree (``git archive`` of the revision into a temporary directory; ``.`` is the work tree),
and the two are timed on the same cases of ``bench_feed.py`` (4-character deltas, the event level:
``feed_events`` over every delta, then ``finish_events``) in alternating repeats, so that both see
the same speed of the host. The figure per row is the median over the repeats of NEW's time
divided by BASE's (below 1: NEW is faster), beside each side's best µs per delta. Why one process:
these hosts change speed for seconds at a time, and two separate runs can differ by more than the
change being measured. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_feed  # noqa: E402  (the cases; it imports the streamparse on sys.path only to check them)

ROOT = Path(__file__).resolve().parent.parent


def load_revision(revision: str, workdir: Path) -> ModuleType:
    """Import ``streamparse`` as it is at ``revision`` (``.``: the work tree), as a separate copy."""
    if revision == ".":
        source = ROOT
    else:
        source = workdir / revision.replace("/", "_")
        source.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "streamparse"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "streamparse"}
    sys.path.insert(0, str(source))
    try:
        package = importlib.import_module("streamparse")
        package.dialects()  # the registry imports the dialects lazily, by absolute name: do it now
    finally:
        sys.path.remove(str(source))
        for name in [name for name in sys.modules if name.split(".")[0] == "streamparse"]:
            del sys.modules[name]
        sys.modules.update(saved)
    return package


def time_event_level(package: ModuleType, dialect: str, deltas: list[str], passes: int) -> float:
    """µs per delta to feed and finish ``passes`` responses at the event level."""
    parsers = [package.StreamParser(bench_feed.dialect_of(dialect), id_seed=0) for _ in range(passes)]
    with bench_feed.gc_paused():
        start = time.perf_counter_ns()
        for parser in parsers:
            feed = parser.feed_events
            for delta in deltas:
                feed(delta)
            parser.finish_events()
        elapsed = time.perf_counter_ns() - start
    return elapsed / (passes * len(deltas)) / 1000.0


def compare(
    base: ModuleType, new: ModuleType, dialect: str, size: int, repeats: int
) -> tuple[float, float, float]:
    """(best µs/delta of base, of new, median of the per-repeat ratios new/base)."""
    deltas = bench_feed.make_case(dialect, size, widths=(4,)).deltas[4]
    passes = max(1, -(-bench_feed.MIN_SAMPLE_DELTAS // len(deltas)))
    for package in (base, new):  # warm-up
        time_event_level(package, dialect, deltas, 1)
    base_times: list[float] = []
    new_times: list[float] = []
    for repeat in range(repeats):
        # Alternate which side goes first, so that neither always follows the other.
        order = (base, new) if repeat % 2 == 0 else (new, base)
        times = {id(package): time_event_level(package, dialect, deltas, passes) for package in order}
        base_times.append(times[id(base)])
        new_times.append(times[id(new)])
    ratio = statistics.median(n / b for n, b in zip(new_times, base_times))
    return min(base_times), min(new_times), ratio


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="git revision to compare against")
    parser.add_argument("new", nargs="?", default=".", help="git revision, or . for the work tree (default)")
    parser.add_argument("--dialects", default=",".join(bench_feed.DIALECTS))
    parser.add_argument("--sizes", default="100,100000")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        base = load_revision(args.base, Path(workdir))
        new = load_revision(args.new, Path(workdir))
        print(f"A/B, event level, 4-char deltas, median of {args.repeats} alternating repeats")
        print(f"base {args.base}  new {args.new}")
        print(f"{'dialect':<18} {'size':>7} {'base µs':>8} {'new µs':>8} {'new/base':>9}")
        ratios = []
        for dialect in args.dialects.split(","):
            for size in map(int, args.sizes.split(",")):
                base_us, new_us, ratio = compare(base, new, dialect, size, args.repeats)
                ratios.append(ratio)
                print(f"{dialect:<18} {size:>7} {base_us:>8.2f} {new_us:>8.2f} {ratio:>8.2f}x", flush=True)
        print(f"median of rows: {statistics.median(ratios):.2f}x; range {min(ratios):.2f}-{max(ratios):.2f}x")


if __name__ == "__main__":
    main()
