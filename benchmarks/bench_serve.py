"""What ``streamparse serve`` adds to a stream: time to first token, inter-token latency, CPU per token.

    python benchmarks/bench_serve.py [--streams 1,50,200,1000] [--delay 0.02] [--workers 1]
                                     [--dialect kimi_k2] [--json FILE]

1. In process: the proxy's parse-and-encode work per upstream event, in µs
   (an upstream SSE event read, parsed by the dialect, the chat chunk built
   and encoded), over the dialect's bundled example cut into token pieces;
   then the whole app per streamed request (ASGI called directly, the
   upstream an ``httpx.MockTransport``), with and without the access-log,
   metrics and key middleware (Observe, Guard), to show what they cost.
2. On loopback: ``streamparse replay --delay D`` (the upstream, one token
   piece every D seconds per stream, like an engine decoding) and
   ``streamparse serve --workers W`` in front of it run as subprocesses. For
   each number of concurrent streams, all opened at once, the streams are
   read first from the replay alone, then through the proxy. Per side it
   prints time to first token (TTFT) and inter-token latency (ITL) at p50
   and p99, the proxy's added TTFT (proxy minus replay, p50), and the CPU
   seconds the serving processes used per streamed token (the replay's
   alone; the proxy's, its workers included, without the replay's).

A token is an SSE event that carries output (text, content, reasoning or a
call's piece); the proxy sends fewer of them than the replay, because a
call's markup is not passed on. The client is a small HTTP/1.1 reader on
asyncio streams, so that it takes little of the CPU it shares with the
servers. It asserts nothing: the figures depend on the machine and its load;
compare the two sides of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamparse.cli import examples  # noqa: E402
from streamparse.replay import Replay, token_pieces  # noqa: E402
from streamparse.sse import DONE, ChunkStream, sse_line  # noqa: E402

_OUTPUT = re.compile(rb'"(?:text|content|reasoning_content|arguments)": ?"[^"]|"tool_calls"')
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def per_event_cpu(dialect: str, text: str, rounds: int = 100) -> float:
    """µs of parse-and-encode work per upstream event (best of 5)."""
    raw = [sse_line(event).encode() for event in Replay([text]).events("")] + [DONE.encode()]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            stream = ChunkStream(dialect)
            out = [sse_line(chunk) for piece in raw for chunk in stream.feed(piece)]
            out.extend(sse_line(chunk) for chunk in stream.close())
        best = min(best, (time.perf_counter() - start) / rounds)
    return best / len(raw) * 1e6


def app_cpu(dialect: str, text: str, *, middleware: bool, requests: int = 100) -> float:
    """CPU µs per streamed chat request through the proxy app, with no network (best of 3)."""
    import httpx

    from streamparse.server import ChatTemplate, ProxyConfig, create_proxy_app

    raw = [sse_line(event).encode() for event in Replay([text]).events("")] + [DONE.encode()]

    async def upstream_body() -> Any:
        for piece in raw:
            yield piece

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=upstream_body())

    config = ProxyConfig(
        upstream="http://upstream/v1", dialect=dialect, template=ChatTemplate("{{ messages }}")
    )
    app = create_proxy_app(config, transport=httpx.MockTransport(handler))
    if not middleware:
        app.user_middleware = [
            m for m in app.user_middleware if getattr(m.cls, "__name__", "") not in ("Observe", "Guard")
        ]
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "q"}], "stream": True}).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/v1/chat/completions", "raw_path": b"/v1/chat/completions", "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
    }  # fmt: skip

    async def one() -> None:
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)  # the client never leaves
            raise AssertionError

        async def send(message: Any) -> None:
            pass

        await app(dict(scope), receive, send)

    async def run() -> float:
        for _ in range(10):
            await one()
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for _ in range(requests):
                await one()
            best = min(best, (time.process_time() - start) / requests)
        return best * 1e6

    return asyncio.run(run())


@dataclass
class Sample:
    """One stream as the client saw it."""

    ttft: float = float("nan")
    gaps: list[float] = field(default_factory=list)
    tokens: int = 0
    error: str | None = None


async def read_stream(port: int, path: str, body: bytes) -> Sample:
    """POSTs ``body`` and times the SSE events that carry output."""
    sample = Sample()
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    except OSError as error:
        sample.error = f"connect: {error}"
        return sample
    try:
        writer.write(
            b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (path.encode(), len(body), body)
        )
        status = await reader.readline()
        if b" 200 " not in status:
            sample.error = status.decode(errors="replace").strip() or "no response"
            return sample
        chunked = False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            chunked |= line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower()
        pending = b""
        last = 0.0
        while True:
            if chunked:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    break
                piece = (await reader.readexactly(size + 2))[:-2]
            else:
                piece = await reader.read(65536)
                if not piece:
                    break
            pending += piece
            *events, pending = pending.split(b"\n\n")
            now = time.perf_counter()
            for event in events:
                if not _OUTPUT.search(event):
                    continue
                if sample.tokens:
                    sample.gaps.append(now - last)
                else:
                    sample.ttft = now - start
                sample.tokens += 1
                last = now
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        sample.error = f"{type(error).__name__}: {error}"
    finally:
        writer.close()
    return sample


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` and its child processes (Linux /proc), in seconds."""
    total = 0
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return float("nan")
    return total / _TICKS


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run_level(port: int, path: str, body: bytes, streams: int, pids: dict[str, int]) -> dict[str, Any]:
    await read_stream(port, path, body)  # warm-up: connections, caches, the template
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    samples = await asyncio.gather(*(read_stream(port, path, body) for _ in range(streams)))
    wall = time.perf_counter() - started
    cpu = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    good = [sample for sample in samples if sample.error is None]
    errors = sorted({sample.error for sample in samples if sample.error is not None})
    gaps = [gap for sample in good for gap in sample.gaps]
    ttfts = [sample.ttft for sample in good]
    return {
        "streams": streams,
        "failed": len(samples) - len(good),
        "errors": errors[:3],
        "wall_s": wall,
        "cpu_s": cpu,
        "tokens_out": sum(sample.tokens for sample in good),
        "ttft_p50_ms": percentile(ttfts, 0.5) * 1e3,
        "ttft_p99_ms": percentile(ttfts, 0.99) * 1e3,
        "itl_p50_ms": percentile(gaps, 0.5) * 1e3,
        "itl_p99_ms": percentile(gaps, 0.99) * 1e3,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start(argv: list[str], port: int, timeout: float = 60.0) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamparse.cli", *argv, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(argv[:1])} exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{argv[0]} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def bench(
    *, dialect: str, levels: list[int], delay: float, workers: int, log_level: str = "info"
) -> dict[str, Any]:
    """Runs the loopback part; returns its figures (also used by the smoke test)."""
    text = next(example.text for example in examples(dialect))
    pieces = len(token_pieces(text))
    replay_port, proxy_port = free_port(), free_port()
    scratch = Path(tempfile.mkdtemp())
    reply = scratch / "reply.txt"
    reply.write_bytes(text.encode("utf-8"))
    template = scratch / "template.jinja"
    template.write_text("{% for m in messages %}{{ m.content }}{% endfor %}")
    replay = start(["replay", str(reply), "--delay", str(delay)], replay_port)
    proxy = None
    try:
        upstream = f"http://127.0.0.1:{replay_port}/v1"
        proxy = start(
            ["serve", "--upstream", upstream, "--dialect", dialect, "--chat-template", str(template)]
            + ["--workers", str(workers), "--log-level", log_level],
            proxy_port,
        )
        direct_body = json.dumps({"model": "m", "prompt": "q", "stream": True}).encode()
        proxy_body = json.dumps(
            {"model": "m", "messages": [{"role": "user", "content": "q"}], "stream": True}
        ).encode()
        rows = []
        for streams in levels:
            pids = {"replay": replay.pid, "proxy": proxy.pid}
            direct = asyncio.run(run_level(replay_port, "/v1/completions", direct_body, streams, pids))
            proxied = asyncio.run(run_level(proxy_port, "/v1/chat/completions", proxy_body, streams, pids))
            upstream_tokens = streams * pieces
            rows.append(
                {
                    "streams": streams,
                    "replay": direct,
                    "proxy": proxied,
                    # The replay's CPU with no proxy; the proxy's own CPU (its workers, not the replay).
                    "replay_cpu_us_per_token": direct["cpu_s"]["replay"] / upstream_tokens * 1e6,
                    "proxy_cpu_us_per_token": proxied["cpu_s"]["proxy"] / upstream_tokens * 1e6,
                }
            )
        return {"dialect": dialect, "delay_s": delay, "workers": workers, "pieces": pieces, "rows": rows}
    finally:
        if proxy is not None:
            stop(proxy)
        stop(replay)
        shutil.rmtree(scratch)


def report(result: dict[str, Any]) -> None:
    print(
        f"{result['dialect']}, {result['pieces']} token pieces per stream, one every "
        f"{result['delay_s'] * 1e3:g} ms; proxy with {result['workers']} worker(s); "
        f"all streams of a row opened at once; times in ms"
    )
    print(
        f"{'streams':>7} {'side':>6} {'TTFT p50':>9} {'p99':>8} {'ITL p50':>8} {'p99':>8} "
        f"{'added TTFT p50':>15} {'CPU µs/token':>13} {'failed':>6}"
    )
    for row in result["rows"]:
        for side in ("replay", "proxy"):
            figures = row[side]
            added = figures["ttft_p50_ms"] - row["replay"]["ttft_p50_ms"] if side == "proxy" else None
            cpu = row[f"{side}_cpu_us_per_token"]
            print(
                f"{row['streams']:>7} {side:>6} {figures['ttft_p50_ms']:>9.1f} {figures['ttft_p99_ms']:>8.1f} "
                f"{figures['itl_p50_ms']:>8.1f} {figures['itl_p99_ms']:>8.1f} "
                f"{'' if added is None else f'{added:.1f}':>15} {cpu:>13.0f} {figures['failed']:>6}"
            )
            for error in figures["errors"]:
                print(f"{'':>15}error: {error}")


def main() -> None:
    options = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    options.add_argument("--streams", default="1,50,200,1000", help="comma-separated concurrency levels")
    options.add_argument("--delay", type=float, default=0.02, help="seconds between a stream's tokens")
    options.add_argument("--workers", type=int, default=1, help="streamparse serve --workers")
    options.add_argument("--dialect", default="kimi_k2")
    options.add_argument("--log-level", default="info", help="streamparse serve --log-level")
    options.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = options.parse_args()
    levels = [int(part) for part in args.streams.split(",") if part.strip()]

    text = next(example.text for example in examples(args.dialect))
    print(
        f"in process, {args.dialect}: {per_event_cpu(args.dialect, text):.1f} µs of parsing per upstream event"
    )
    bare = app_cpu(args.dialect, text, middleware=False)
    full = app_cpu(args.dialect, text, middleware=True)
    print(
        f"in process, the whole app per streamed request: {full:.0f} µs; without Observe and Guard "
        f"{bare:.0f} µs (they add {(full - bare) / bare:+.0%})"
    )
    result = bench(
        dialect=args.dialect, levels=levels, delay=args.delay, workers=args.workers, log_level=args.log_level
    )
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
