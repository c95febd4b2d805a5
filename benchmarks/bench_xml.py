"""How early the XML-parameter dialects stream a long string parameter, and what a delta costs.

Run from the project root:

    python benchmarks/bench_xml.py            # sizes 500 and 50,000, best of 5
    python benchmarks/bench_xml.py --quick    # best of 1

For each dialect (qwen3_coder, seed_oss, minimax_m2, glm45), one call with one string parameter of
N characters (prose with quotes, a backslash, ``<`` and non-BMP characters) is rendered as the
vendor's template writes it, cut into 4-character deltas and fed to a StreamParser whose tools
declare the parameter a string:

* early: the share of the value's characters that the parser has emitted (as JSON string content)
  before the delta that brings the first character of the value's closing tag;
* µs/delta: ``feed_events`` over every delta then ``finish_events``, best of N, GC off;
  flatness = µs/delta at the largest N ÷ at the smallest (1.0 = flat, DESIGN.md §4).

Nothing is asserted; "ok" says whether the folded arguments are exactly ``{"content": VALUE}``.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Sequence

import streamparse

DIALECTS = ("qwen3_coder", "seed_oss", "minimax_m2", "glm45")
SIZES = (500, 50_000)
WIDTH = 4
KEY = "content"
TOOLS = [{"name": "write_file", "parameters": {"type": "object", "properties": {KEY: {"type": "string"}}}}]
_FILLER = 'The "quick" fox jumps; if a < b then c\\d. 東京 🙂 naïve. '

# dialect -> (text before the value, closing tag, text after the closing tag)
_TEMPLATES = {
    "qwen3_coder": (
        "Writing.\n\n<tool_call>\n<function=write_file>\n<parameter=content>\n",
        "\n</parameter>",
        "\n</function>\n</tool_call>",
    ),
    "seed_oss": (
        "Writing.\n<seed:tool_call>\n<function=write_file>\n<parameter=content>",
        "</parameter>",
        "\n</function>\n</seed:tool_call>",
    ),
    "minimax_m2": (
        'Writing.\n<minimax:tool_call>\n<invoke name="write_file">\n<parameter name="content">',
        "</parameter>",
        "\n</invoke>\n</minimax:tool_call>",
    ),
    "glm45": (
        "Writing.\n<tool_call>write_file\n<arg_key>content</arg_key>\n<arg_value>",
        "</arg_value>",
        "\n</tool_call>",
    ),
}


def make_value(size: int) -> str:
    text = (_FILLER * (size // len(_FILLER) + 1))[:size]
    return text.rstrip() + "." * (size - len(text.rstrip()))  # no trailing whitespace to strip


def case(dialect: str, size: int) -> tuple[list[str], int, str]:
    """(deltas, index of the delta holding the closing tag's first character, value)."""
    before, close, after = _TEMPLATES[dialect]
    value = make_value(size)
    text = before + value + close + after
    close_at = len(before) + len(value) + (1 if close.startswith("\n") else 0)
    deltas = [text[i : i + WIDTH] for i in range(0, len(text), WIDTH)]
    return deltas, close_at // WIDTH, value


def early_share(dialect: str, size: int) -> tuple[float, bool]:
    deltas, close_delta, value = case(dialect, size)
    parser = streamparse.StreamParser(dialect, TOOLS, id_seed=0)
    sent: list[str] = []
    early = 0
    for position, delta in enumerate(deltas):
        if position == close_delta:
            prefix = "".join(sent)
            head = '{"' + KEY + '": "'
            early = len(json.loads('"' + prefix[len(head) :] + '"')) if prefix.startswith(head) else 0
        for event in parser.feed_events(delta):
            if isinstance(event, streamparse.CallArguments):
                sent.append(event.text)
    for event in parser.finish_events():
        if isinstance(event, streamparse.CallArguments):
            sent.append(event.text)
    ok = "".join(sent) == json.dumps({KEY: value}, ensure_ascii=False)
    return early / len(value), ok


def us_per_delta(dialect: str, size: int, repeats: int) -> float:
    deltas, _, _ = case(dialect, size)
    passes = max(1, 20_000 // len(deltas))
    best = float("inf")
    for _ in range(repeats + 1):  # the first round warms up
        parsers = [streamparse.StreamParser(dialect, TOOLS, id_seed=0) for _ in range(passes)]
        gc.disable()
        try:
            start = time.perf_counter_ns()
            for parser in parsers:
                for delta in deltas:
                    parser.feed_events(delta)
                parser.finish_events()
            elapsed = time.perf_counter_ns() - start
        finally:
            gc.enable()
        best = min(best, elapsed / (passes * len(deltas)) / 1000.0)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="best of 1 instead of 5")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 5
    print(f"{'dialect':<12} {'value chars':>11} {'early %':>8} {'µs/delta':>9} {'ok':>3}")
    for dialect in DIALECTS:
        timings = []
        for size in SIZES:
            share, ok = early_share(dialect, size)
            timings.append(us_per_delta(dialect, size, repeats))
            print(
                f"{dialect:<12} {size:>11,} {share * 100:>8.2f} {timings[-1]:>9.2f} {'yes' if ok else 'NO':>3}"
            )
        print(f"{dialect:<12} flatness {SIZES[-1]:,} / {SIZES[0]:,}: {timings[-1] / timings[0]:.2f}")


if __name__ == "__main__":
    main()
