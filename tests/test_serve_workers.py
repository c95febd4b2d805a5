"""``streamparse serve --workers N``: several processes on one port, through the openai SDK.

The server runs as a child process (``--demo``: its own replay is the
upstream, reached through the same port and so through any worker).
Checked: two workers start; concurrent streams through the SDK give the
calls the library parses from the replayed text; ``/metrics`` counts the
requests of every worker; a killed worker is replaced while the other
goes on serving; SIGTERM stops them all.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI
from prometheus_client.parser import text_string_to_metric_families

import streamparse
from streamparse.cli import examples

ROOT = Path(__file__).resolve().parent.parent
TOOLS: Any = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def workers_of(pid: int) -> set[int]:
    """The worker processes of ``pid``: its children that run multiprocessing's spawn (not its resource tracker)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"spawn_main" in command:
            found.add(int(entry))
    return found


def wait_for(condition: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def calls_in_stream(client: OpenAI) -> tuple[list[tuple[str, str]], str | None]:
    calls: dict[int, list[str]] = {}
    finish = None
    stream = client.chat.completions.create(
        model="demo",
        messages=[{"role": "user", "content": "weather?"}],
        tools=TOOLS,
        stream=True,
    )
    for chunk in stream:
        choice = chunk.choices[0]
        for part in choice.delta.tool_calls or ():
            name_and_arguments = calls.setdefault(part.index, ["", ""])
            if part.function and part.function.name:
                name_and_arguments[0] += part.function.name
            if part.function and part.function.arguments:
                name_and_arguments[1] += part.function.arguments
        finish = choice.finish_reason or finish
    return [(name, arguments) for name, arguments in (calls[i] for i in sorted(calls))], finish


def test_two_workers_serve_streams_through_the_openai_sdk() -> None:
    expected = []
    for example in examples("kimi_k2"):
        result = streamparse.parse(example.text, "kimi_k2")
        expected.append([(call.function.name, call.function.arguments) for call in result.tool_calls])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    child = subprocess.Popen(
        [sys.executable, "-m", "streamparse", "serve", "--demo", "--workers", "2", "--port", str(port)]
        + ["--delay", "0.005", "--log-level", "warning"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: healthy(url), "the server to answer")
        first = wait_for(lambda: len(workers_of(child.pid)) == 2 and workers_of(child.pid), "two workers")
        client = OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: calls_in_stream(client), range(8)))
        for calls, finish in answers:
            assert calls in expected and calls
            assert finish == "tool_calls"

        # Each worker counts in its own process; /metrics, from whichever worker answers, sums them.
        text = httpx.get(url + "/metrics").text
        served = {
            sample.labels["status"]: sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "streamparse_requests_total" and sample.labels["endpoint"] == "chat_completions"
        }
        assert served == {"200": 8.0}

        # A worker that dies is replaced; meanwhile the other one serves.
        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        for _ in range(3):
            calls, finish = calls_in_stream(client)
            assert calls in expected and finish == "tool_calls"
        now = wait_for(
            lambda: len(workers_of(child.pid)) == 2 and workers_of(child.pid), "a replacement worker"
        )
        assert killed not in now
    finally:
        child.terminate()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
            raise AssertionError("the server did not stop on SIGTERM") from None
    assert child.returncode == 0
    assert child.stderr is not None
    assert "2 workers" in child.stderr.read()
    assert not workers_of(child.pid)


def test_workers_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    from streamparse.cli import main

    assert main(["serve", "--demo", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
