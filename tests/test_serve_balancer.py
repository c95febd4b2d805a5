"""README's nginx config in front of two ``streamparse serve`` instances, through the openai SDK.

The config is read from README (the block after "<!-- nginx config -->"),
so the documented one is the one tested; only its ports are replaced. Checked:
both instances take requests (their own /metrics count them); a stream
through nginx arrives as it is made, not buffered to the end; with one
instance stopped, requests go to the other. Skipped where nginx is not
installed (``apt-get install nginx``).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from streamparse.cli import examples

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()), None
)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
USER: Any = [{"role": "user", "content": "weather?"}]


def readme_nginx_config() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- nginx config -->\s*```nginx\n(.*?)```", text, re.DOTALL)
    assert found, "README has no nginx config block"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def launch(*argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "streamparse", *argv],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def served(port: int) -> float:
    """Chat requests an instance answered, from its own /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    pattern = r'^streamparse_requests_total\{endpoint="chat_completions",status="200"\} (\S+)$'
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.fixture
def balanced(tmp_path: Path) -> Iterator[tuple[str, list[int], list[subprocess.Popen[bytes]]]]:
    """nginx on a free port in front of two proxies, which share one replay (paced, 20 ms a piece)."""
    replay_port, front = free_port(), free_port()
    ports = [free_port(), free_port()]
    reply = tmp_path / "reply.txt"
    reply.write_text(next(example.text for example in examples("kimi_k2")), encoding="utf-8")
    template = tmp_path / "template.jinja"
    template.write_text("{% for m in messages %}{{ m.content }}{% endfor %}")
    processes = [launch("replay", str(reply), "--delay", "0.02", "--port", str(replay_port))]
    for port in ports:
        processes.append(
            launch(
                "serve",
                "--upstream",
                f"http://127.0.0.1:{replay_port}/v1",
                "--dialect",
                "kimi_k2",
                "--chat-template",
                str(template),
                "--port",
                str(port),
                "--log-level",
                "warning",
            )  # fmt: skip
        )
    config = (
        readme_nginx_config()
        .replace("127.0.0.1:8001", f"127.0.0.1:{ports[0]}")
        .replace("127.0.0.1:8002", f"127.0.0.1:{ports[1]}")
        .replace("listen 8000;", f"listen 127.0.0.1:{front};")
    )
    assert str(ports[0]) in config and str(ports[1]) in config and str(front) in config
    scratch = tmp_path / "nginx"
    (scratch / "logs").mkdir(parents=True)
    (scratch / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {scratch}/nginx.pid;\nerror_log {scratch}/logs/error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {scratch}/body;\n"
        f"  proxy_temp_path {scratch}/proxy;\n{config}\n}}\n"
    )
    assert NGINX is not None
    nginx = subprocess.Popen(
        [NGINX, "-p", str(scratch), "-c", str(scratch / "nginx.conf")], stderr=subprocess.PIPE
    )
    processes.append(nginx)
    try:
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}/ready")
        wait_until_up(f"http://127.0.0.1:{front}/health")
        yield f"http://127.0.0.1:{front}", ports, processes
    finally:
        for process in reversed(processes):
            stop(process)


def test_two_instances_behind_nginx(balanced: tuple[str, list[int], list[subprocess.Popen[bytes]]]) -> None:
    url, ports, processes = balanced
    client = OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)

    names = []
    for _ in range(4):
        started = time.monotonic()
        arrivals = []
        for chunk in client.chat.completions.create(model="m", messages=USER, stream=True):
            arrivals.append(time.monotonic() - started)
            for call in chunk.choices[0].delta.tool_calls or () if chunk.choices else ():
                if call.function and call.function.name:
                    names.append(call.function.name)
        # 54 pieces 20 ms apart: buffered by nginx, the first chunk would come with the last.
        assert arrivals[-1] - arrivals[0] > 0.5
    assert names == ["get_weather", "get_weather"] * 4
    assert [served(port) for port in ports] == [2.0, 2.0]

    stop(processes[1])  # the first instance
    for _ in range(3):
        completion = client.chat.completions.create(model="m", messages=USER)
        assert completion.choices[0].finish_reason == "tool_calls"
    assert served(ports[1]) == 5.0
