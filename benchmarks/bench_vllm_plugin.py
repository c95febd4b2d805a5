"""Cost per delta of streamparse inside vLLM (the plugin) beside vLLM's own parser, in vLLM's calling convention.

    python benchmarks/bench_vllm_plugin.py                       # every case of bench_peers at 1,000 and 10,000
    python benchmarks/bench_vllm_plugin.py --cases hermes --sizes 100,50000 --repeats 3

Both contestants are the parser class vLLM's chat serving builds (``ParserManager.get_parser``, auto tool
choice) and get exactly bench_peers' input and cuts: one ``write_file`` call whose arguments are about SIZE
characters, cut every 4 characters (never inside a special token), each delta passed to
``Parser.parse_delta(text, token_ids, request, prompt_token_ids=[], finished=last)``. "vLLM" is the
built-in tool parser of the dialect, "plugin" is ``--tool-call-parser streamparse_<dialect>`` from
``streamparse.integrations.vllm_plugin``; "bare" is streamparse's ``StreamParser.feed`` without vLLM
around it. Timed as in bench_peers (parsers, requests and token ids built before the clock, best of N,
garbage collector paused). The ratio divides vLLM's µs/delta by the plugin's. "ok": the accumulated call
has the rendered arguments. Runs under the peers interpreter like bench_peers; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_peers import (  # noqa: E402
    DEFAULT_PEERS_PYTHON,
    PEER_CASES,
    REPO_ROOT,
    Contestant,
    Ours,
    Vllm,
    dialect_of,
    make_input,
    peers_importable_here,
    quiet_peer_logging,
    time_stream,
    verdict,
)

SIZES = (1_000, 10_000)
MIN_DELTAS = 5_000  # deltas per timed sample: several whole streams for small sizes


def best_microseconds_per_delta(contestant: Contestant, deltas: list[str], repeats: int) -> float:
    passes = max(1, MIN_DELTAS // len(deltas))
    best = min(time_stream(contestant, deltas, passes) for _ in range(repeats))
    return best / 1000 / passes / len(deltas)


def check(contestant: Contestant, peer_input: object) -> str:
    prepared = contestant.build(peer_input.deltas)  # type: ignore[attr-defined]
    return verdict(contestant.transcribe(prepared, contestant.stream(prepared)), peer_input, exact=False)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", default=",".join(PEER_CASES))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.worker and not peers_importable_here():
        interpreter = Path(os.environ.get("STREAMPARSE_PEERS_PYTHON", DEFAULT_PEERS_PYTHON))
        if not interpreter.exists():
            print(
                f"vLLM is not importable here and {interpreter} does not exist: see benchmarks/bench_peers.py"
            )
            return 0
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
        command = [
            str(interpreter),
            str(Path(__file__).resolve()),
            "--worker",
            *(argv if argv is not None else sys.argv[1:]),
        ]
        return subprocess.run(command, env=environment, check=False).returncode

    quiet_peer_logging()
    from vllm.tool_parsers import ToolParserManager  # type: ignore[import-not-found]

    ToolParserManager.import_tool_parser("streamparse.integrations.vllm_plugin")
    import vllm  # type: ignore[import-not-found]

    print(f"vLLM {vllm.__version__}, µs per delta (4-character deltas), best of {args.repeats}")
    print(
        f"{'case':16} {'size':>7} {'deltas':>7} {'vLLM':>9} {'plugin':>9} {'bare':>9} {'vLLM/plugin':>12}  ok (vLLM, plugin)"
    )
    for case in args.cases.split(","):
        peer_case = PEER_CASES[case]
        for size in (int(s) for s in args.sizes.split(",")):
            peer_input = make_input(case, size)
            builtin = Vllm(peer_case, peer_input.text)
            plugin = Vllm(replace(peer_case, vllm_parser=f"streamparse_{dialect_of(case)}"), peer_input.text)
            bare = Ours(case, "wire")
            figures = [
                best_microseconds_per_delta(c, peer_input.deltas, args.repeats)
                for c in (builtin, plugin, bare)
            ]
            oks = ", ".join(check(c, peer_input) for c in (builtin, plugin))
            print(
                f"{case:16} {size:7,} {len(peer_input.deltas):7,} {figures[0]:9.2f} {figures[1]:9.2f} {figures[2]:9.2f}"
                f" {figures[0] / figures[1]:12.2f}  {oks}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
