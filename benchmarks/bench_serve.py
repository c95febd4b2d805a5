"""What ``streamparse serve`` adds: CPU per chunk, latency per chunk, throughput at many concurrent streams.

    python benchmarks/bench_serve.py [--streams 200] [--dialect kimi_k2]

1. In process: the proxy's work per chunk (an upstream SSE event decoded,
   JSON-parsed, parsed by the dialect, the chat chunk built and encoded),
   in µs, over the dialect's bundled example cut into token-sized pieces.
2. On loopback: ``streamparse replay`` and ``streamparse serve`` run as
   subprocesses; one stream at a time, then ``--streams`` at once, each
   read directly from the replay and through the proxy. It prints time to
   first chunk and total time per stream (p50 / p90 / p99), chunks per
   second, and the added time per chunk (proxy minus direct, per chunk, one
   stream at a time). The client is raw httpx reading SSE lines.

It asserts nothing; the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamparse.cli import examples  # noqa: E402
from streamparse.replay import Replay  # noqa: E402
from streamparse.sse import DONE, ChunkStream, ServerSentEvent, sse_line  # noqa: E402


def per_chunk_cpu(dialect: str, text: str, rounds: int = 200) -> tuple[float, int]:
    events = [ServerSentEvent(json.dumps(event)) for event in Replay([text]).events("")]
    events.append(ServerSentEvent("[DONE]"))
    best = float("inf")
    chunks = 0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            stream = ChunkStream(dialect)
            out = [sse_line(chunk) for event in events for chunk in stream.feed(event)]
            out.extend(sse_line(chunk) for chunk in stream.close())
            out.append(DONE)
        best = min(best, (time.perf_counter() - start) / rounds)
        chunks = len(out)
    return best / len(events) * 1e6, chunks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamparse.cli", *argv, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{argv[0]} did not start")


async def one(client: httpx.AsyncClient, url: str, body: dict[str, object]) -> tuple[float, float, int]:
    start = time.perf_counter()
    first = 0.0
    chunks = 0
    async with client.stream("POST", url, json=body) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                if not chunks:
                    first = time.perf_counter() - start
                chunks += 1
    return first, time.perf_counter() - start, chunks


async def load(
    url: str, body: dict[str, object], streams: int
) -> tuple[list[tuple[float, float, int]], float]:
    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=streams)
    async with httpx.AsyncClient(limits=limits, timeout=300) as client:
        await one(client, url, body)  # warm-up
        start = time.perf_counter()
        results = await asyncio.gather(*(one(client, url, body) for _ in range(streams)))
        return list(results), time.perf_counter() - start


async def sequential(url: str, body: dict[str, object], count: int) -> list[tuple[float, float, int]]:
    async with httpx.AsyncClient(timeout=300) as client:
        await one(client, url, body)
        return [await one(client, url, body) for _ in range(count)]


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1e3

    return f"p50 {at(0.5):7.1f}  p90 {at(0.9):7.1f}  p99 {at(0.99):7.1f} ms"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--streams", type=int, default=200)
    options.add_argument("--dialect", default="kimi_k2")
    args = options.parse_args()
    text = next(example.text for example in examples(args.dialect))

    cpu, chunks = per_chunk_cpu(args.dialect, text)
    print(f"in process, {args.dialect}: {cpu:.1f} µs of proxy work per upstream event ({chunks} chunks out)")

    replay_port, proxy_port = free_port(), free_port()
    scratch = Path(tempfile.mkdtemp())
    reply = scratch / "reply.txt"
    reply.write_bytes(text.encode("utf-8"))
    template = scratch / "template.jinja"
    template.write_text("{% for m in messages %}{{ m.content }}{% endfor %}")
    replay = start(["replay", str(reply)], replay_port)
    upstream = f"http://127.0.0.1:{replay_port}/v1"
    proxy = start(
        ["serve", "--upstream", upstream, "--dialect", args.dialect, "--chat-template", str(template)],
        proxy_port,
    )
    try:
        direct_url = f"{upstream}/completions"
        proxy_url = f"http://127.0.0.1:{proxy_port}/v1/chat/completions"
        direct_body: dict[str, object] = {"model": "m", "prompt": "q", "stream": True}
        proxy_body: dict[str, object] = {
            "model": "m",
            "messages": [{"role": "user", "content": "q"}],
            "stream": True,
        }

        direct_one = asyncio.run(sequential(direct_url, direct_body, 30))
        proxy_one = asyncio.run(sequential(proxy_url, proxy_body, 30))
        events = direct_one[0][2]
        added = (
            statistics.mean(r[1] for r in proxy_one) - statistics.mean(r[1] for r in direct_one)
        ) / events
        print(f"one stream at a time ({events} upstream events per stream):")
        print(f"  direct  total {percentiles([r[1] for r in direct_one])}")
        print(f"  proxy   total {percentiles([r[1] for r in proxy_one])}")
        print(f"  added per chunk: {added * 1e6:.0f} µs")

        for label, url, body in (("direct", direct_url, direct_body), ("proxy", proxy_url, proxy_body)):
            results, wall = asyncio.run(load(url, body, args.streams))
            total_chunks = sum(r[2] for r in results)
            print(
                f"{args.streams} concurrent streams, {label}: {wall:.2f} s, {args.streams / wall:.0f} streams/s, "
                f"{args.streams * events / wall:.0f} upstream events/s, {total_chunks / wall:.0f} chunks/s received"
            )
            print(f"  first chunk {percentiles([r[0] for r in results])}")
            print(f"  whole stream {percentiles([r[1] for r in results])}")
    finally:
        for process in (proxy, replay):
            process.terminate()
            process.wait(10)
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
