"""Cost of adversarial text against plain prose, per dialect (issue: linear time on hostile input).

Run from the project root:

    python benchmarks/bench_hostile.py               # 1 MB per input, 4-character deltas
    python benchmarks/bench_hostile.py --size 100000 --dialects hermes,kimi_k2

For each dialect, the same amount of text is streamed through ``StreamParser.feed`` in 4-character
deltas (then ``finish``), as:

* prose: ordinary sentences, no marker characters beyond what prose has;
* partial: the dialect's longest marker minus its last character, repeated (``<|tool_ca`` x N);
* soup: every marker of the dialect followed by ``{"``, repeated (calls that open and break);
* nesting: ``[{`` repeated, inside and outside calls.

Figures are seconds for the whole input (best of N) and the ratio to prose; the design wants every
ratio well under 2 (linear cost, DESIGN.md §4). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Sequence

import streamparse
from streamparse.registry import get_dialect

PROSE = "The quick brown fox jumps over the lazy dog; streaming parsers must not rescan. "


def markers_of(dialect: str) -> list[str]:
    machine = get_dialect(dialect)
    return sorted({m for spec in machine.STATES.values() for m in getattr(spec, "actions", {})})


def repeat_to(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def inputs(dialect: str, size: int) -> dict[str, str]:
    markers = markers_of(dialect)
    longest = max(markers, key=len)
    return {
        "prose": repeat_to(PROSE, size),
        "partial": repeat_to(longest[:-1] if len(longest) > 1 else longest + " ", size),
        "soup": repeat_to("".join(m + '{"' for m in markers), size),
        "nesting": repeat_to("[{", size),
    }


def seconds(dialect: str, text: str, repeats: int) -> float:
    deltas = [text[i : i + 4] for i in range(0, len(text), 4)]
    best = float("inf")
    for _ in range(repeats):
        parser = streamparse.StreamParser(dialect, id_seed=0)
        feed: Callable[[str], object] = parser.feed
        gc.disable()
        start = time.perf_counter()
        for delta in deltas:
            feed(delta)
        parser.finish()
        elapsed = time.perf_counter() - start
        gc.enable()
        best = min(best, elapsed)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="characters per input (default 1,000,000)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dialects", default=None, help="comma-separated (default: all)")
    args = parser.parse_args(argv)
    dialects = args.dialects.split(",") if args.dialects else streamparse.dialects()
    kinds = ("prose", "partial", "soup", "nesting")
    print(
        f"{args.size:,} characters per input, 4-character deltas, best of {args.repeats}; s (ratio to prose)"
    )
    print("| dialect | " + " | ".join(kinds) + " |")
    print("|---" * (len(kinds) + 1) + "|")
    for dialect in dialects:
        texts = inputs(dialect, args.size)
        cost = {kind: seconds(dialect, texts[kind], args.repeats) for kind in kinds}
        cells = [f"{cost['prose']:.3f}"] + [
            f"{cost[k]:.3f} ({cost[k] / cost['prose']:.2f}x)" for k in kinds[1:]
        ]
        print(f"| {dialect} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
