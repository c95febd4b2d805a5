"""``streamparse serve`` as a gateway (issue 16, sections 1 to 3), through real clients.

The openai SDK (sync and async) and httpx talk to the proxy; the proxy talks
to the replay upstream, whose ``stats`` show what it was sent. Sections:
OpenAI semantics (content parts, tool_choice, chat_template_kwargs, legacy
fields, error JSON, cut upstreams, cancellation, start-up checks), safety
(API keys, the warning, CORS, TLS, the body cap) and observability
(health, readiness, metrics, the access log, models, completions).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from _streamcheck import kimi_guide_stream_loop
from openai import (
    APIError,
    APIStatusError,
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    OpenAI,
)
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from streamparse.cli import _build_parser, _check_serve_options, _serve_app, examples, main
from streamparse.replay import Replay, Reply
from streamparse.server import ChatTemplate, ProxyConfig, ServerThread, create_proxy_app, create_replay_app

KIMI = next(example.text for example in examples("kimi_k2"))
# A template that shows message content as the template sees it, and a chat_template_kwargs switch.
TEMPLATE = ChatTemplate(
    "{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>\n{% endfor %}"
    "{% if tools %}<tools>{{ tools | tojson }}</tools>\n{% endif %}"
    "{% if enable_thinking is defined and not enable_thinking %}<no-think>\n{% endif %}"
    "{% if add_generation_prompt %}<assistant>{% endif %}"
)
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]},
    },
}
TOOLS = [WEATHER, TIME]
CONSTRAINED_REPLY = '[{"name": "get_time", "parameters": {"zone": "Asia/Shanghai"}}]'
USER = [{"role": "user", "content": "hi"}]
TIME_QUESTION = "What time is it in Shanghai?"
ASK_TIME = [{"role": "user", "content": TIME_QUESTION}]


def replay_app(delay: float = 0.0) -> Starlette:
    # What a constrained engine would write, served to the constrained tests' question.
    replies = [Reply(KIMI), Reply(CONSTRAINED_REPLY, when=f"<user>{TIME_QUESTION}</user>")]
    return create_replay_app(Replay(replies, model="kimi-raw"), delay=delay)


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Any]]:
    app = replay_app()
    with ServerThread(app) as server:
        yield server.url + "/v1", app.state.stats


def proxy_for(url: str, **options: Any) -> ServerThread:
    return ServerThread(create_proxy_app(ProxyConfig(url, "kimi_k2", TEMPLATE, **options)))


@pytest.fixture(scope="module")
def proxy(upstream: tuple[str, Any]) -> Iterator[str]:
    with proxy_for(upstream[0]) as server:
        yield server.url


def sdk(url: str, key: str = "x") -> OpenAI:
    return OpenAI(base_url=url + "/v1", api_key=key, max_retries=0)


# --- 1. OpenAI semantics ---------------------------------------------------------------


def test_text_parts_are_joined_and_other_parts_refused(proxy: str, upstream: tuple[str, Any]) -> None:
    client = sdk(proxy)
    parts = [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]
    client.chat.completions.create(model="k", messages=[{"role": "user", "content": parts}])  # type: ignore[misc]
    assert upstream[1].prompts[-1].startswith("<user>first\nsecond</user>\n")
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 5000}}
    with pytest.raises(BadRequestError) as raised:
        client.chat.completions.create(
            model="k",
            messages=[{"role": "user", "content": [parts[0], image]}],  # type: ignore[list-item]
        )
    error = raised.value.body
    assert isinstance(error, dict) and error["param"] == "messages[0].content[1]"
    assert "'image_url'" in error["message"] and "AAAA" not in upstream[1].prompts[-1]


def test_openai_content_templates_get_the_text_parts(upstream: tuple[str, Any]) -> None:
    template = ChatTemplate(
        "{% for m in messages %}{% for p in m.content %}[{{ p.text }}]{% endfor %}{% endfor %}"
    )
    with ServerThread(create_proxy_app(ProxyConfig(upstream[0], "kimi_k2", template))) as server:
        parts = [{"type": "text", "text": "a"}, {"type": "refusal", "refusal": "b"}]
        sdk(server.url).chat.completions.create(
            model="k",
            messages=[{"role": "assistant", "content": parts}, *USER],  # type: ignore[list-item]
        )
    assert upstream[1].prompts[-1] == "[a][b][hi]"


def test_tool_choice_none_gives_no_tool_calls(proxy: str, upstream: tuple[str, Any]) -> None:
    client = sdk(proxy)
    completion = client.chat.completions.create(model="k", messages=USER, tools=TOOLS, tool_choice="none")  # type: ignore[arg-type]
    choice = completion.choices[0]
    assert (choice.message.tool_calls, choice.finish_reason, choice.message.content) == (
        None,
        "stop",
        "I'll check both.",
    )
    assert "<tools>" not in upstream[1].prompts[-1]
    stream = client.chat.completions.create(
        model="k", messages=USER, tools=TOOLS, tool_choice="none", stream=True
    )  # type: ignore[arg-type]
    content, calls, reason = kimi_guide_stream_loop(stream)
    assert (content, calls, reason) == ("I'll check both.", [], "stop")


@pytest.mark.parametrize(
    ("engine", "field"),
    [("vllm", "structured_outputs"), ("sglang", "json_schema"), ("llamacpp", "json_schema")],
)
def test_forced_tool_choice_is_sent_as_the_engines_constraint(
    upstream: tuple[str, Any], engine: str, field: str
) -> None:
    url, stats = upstream
    named = {"type": "function", "function": {"name": "get_time"}}
    with proxy_for(url, engine=engine) as server:
        raw = sdk(server.url).chat.completions.with_raw_response.create(
            model="k",
            messages=ASK_TIME,
            tools=TOOLS,
            tool_choice=named,  # type: ignore[arg-type]
        )
        assert raw.headers["x-streamparse-tool-choice"] == "constrained"
        completion = raw.parse()
        sent = stats.requests[-1]
        schema = sent[field]["json"] if engine == "vllm" else sent[field]
        schema = json.loads(schema) if engine == "sglang" else schema
        # The schema admits what the replay answered, and only calls of get_time.
        jsonschema.validate(json.loads(CONSTRAINED_REPLY), schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([{"name": "get_weather", "parameters": {"city": "Paris"}}], schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([], schema)
        calls = completion.choices[0].message.tool_calls
        assert calls is not None and [(c.function.name, c.function.arguments) for c in calls] == [  # type: ignore[union-attr]
            ("get_time", '{"zone": "Asia/Shanghai"}')
        ]
        assert completion.choices[0].finish_reason == "tool_calls"
        # "required": every tool is allowed, one call at least; the output is read as a JSON array.
        stream = sdk(server.url).chat.completions.create(
            model="k", messages=ASK_TIME, tools=[TIME], tool_choice="required", stream=True
        )
        _, streamed, reason = kimi_guide_stream_loop(stream)
        assert [c["function"]["name"] for c in streamed] == ["get_time"] and reason == "tool_calls"
        schema = stats.requests[-1][field]
        schema = schema["json"] if engine == "vllm" else json.loads(schema) if engine == "sglang" else schema
        assert schema["minItems"] == 1 and "maxItems" not in schema


def test_without_an_engine_the_choice_is_checked(proxy: str) -> None:
    client = sdk(proxy)
    # The replay calls get_weather twice: "required" is met, and the header says it was only checked.
    raw = client.chat.completions.with_raw_response.create(
        model="k", messages=USER, tools=TOOLS, tool_choice="required"
    )
    assert raw.headers["x-streamparse-tool-choice"] == "checked"
    assert len(raw.parse().choices[0].message.tool_calls or ()) == 2
    # A choice naming get_time answered with get_weather does not pass.
    named = {"type": "function", "function": {"name": "get_time"}}
    with pytest.raises(APIStatusError) as raised:
        client.chat.completions.create(
            model="k", messages=[{"role": "user", "content": "x"}], tools=TOOLS, tool_choice=named
        )  # type: ignore[arg-type]
    assert raised.value.status_code == 502
    assert isinstance(raised.value.body, dict) and raised.value.body["code"] == "tool_choice_not_followed"
    received = []
    with pytest.raises(APIError, match="without the call tool_choice naming 'get_time'"):
        for chunk in client.chat.completions.create(
            model="k",
            messages=[{"role": "user", "content": "x"}],
            tools=TOOLS,
            tool_choice=named,
            stream=True,  # type: ignore[arg-type]
        ):
            received.append(chunk)
    # The wrong calls were never sent; the choice closed with "stop".
    content, calls, reason = kimi_guide_stream_loop(received)
    assert (content, calls, reason) == ("I'll check both.", [], "stop")


def test_chat_template_kwargs_reach_the_template(proxy: str, upstream: tuple[str, Any]) -> None:
    sdk(proxy).chat.completions.create(
        model="k", messages=USER, extra_body={"chat_template_kwargs": {"enable_thinking": False}}
    )
    assert upstream[1].prompts[-1].endswith("<no-think>\n<assistant>")
    assert "chat_template_kwargs" not in upstream[1].requests[-1]
    sdk(proxy).chat.completions.create(model="k", messages=USER)
    assert "<no-think>" not in upstream[1].prompts[-1]
    with pytest.raises(BadRequestError, match="chat_template_kwargs"):
        sdk(proxy).chat.completions.create(model="k", messages=USER, extra_body={"chat_template_kwargs": [1]})


def test_legacy_functions_are_refused(proxy: str) -> None:
    with pytest.raises(BadRequestError) as raised:
        sdk(proxy).chat.completions.create(model="k", messages=USER, functions=[WEATHER["function"]])  # type: ignore[list-item]
    assert isinstance(raised.value.body, dict) and raised.value.body["param"] == "functions"
    with pytest.raises(BadRequestError, match="tools and tool_choice"):
        sdk(proxy).chat.completions.create(model="k", messages=USER, function_call="auto")


class _Boom(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug")


def test_every_error_is_openai_json(proxy: str) -> None:
    for method, path, status in (("GET", "/v1/nothing", 404), ("DELETE", "/v1/chat/completions", 405)):
        response = httpx.request(method, proxy + path)
        assert response.status_code == status
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    with pytest.raises(NotFoundError):
        sdk(proxy).embeddings.create(model="k", input="hi")
    app = create_proxy_app(ProxyConfig("http://upstream.invalid/v1", "kimi_k2", TEMPLATE), transport=_Boom())
    with ServerThread(app) as server:
        with pytest.raises(APIStatusError) as raised:
            sdk(server.url).chat.completions.create(model="k", messages=USER)
        assert raised.value.status_code == 500
        assert isinstance(raised.value.body, dict) and raised.value.body["type"] == "server_error"


def cut_upstream_app() -> Starlette:
    """An upstream whose stream stops without a finish reason or ``[DONE]`` (a clean close)."""
    events = list(Replay([KIMI]).events(""))[:30]

    async def completions(request: Request) -> Response:
        async def body() -> AsyncIterator[str]:
            for event in events:
                if event.get("choices"):
                    event["choices"][0]["finish_reason"] = None
                yield "data: " + json.dumps(event) + "\n\n"

        return StreamingResponse(body(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/completions", completions, methods=["POST"])])


def test_an_upstream_that_ends_without_done_ends_with_length() -> None:
    with ServerThread(cut_upstream_app()) as cut, proxy_for(cut.url + "/v1") as server:
        client = sdk(server.url)
        content, calls, reason = kimi_guide_stream_loop(
            client.chat.completions.create(model="k", messages=USER, stream=True)
        )
        assert reason == "length" and content == "I'll check both." and len(calls) == 1
        completion = client.chat.completions.create(model="k", messages=USER)
        assert completion.choices[0].finish_reason == "length"


def test_a_non_streamed_client_that_leaves_cancels_the_upstream() -> None:
    app = replay_app(delay=0.05)  # about 3 s for the whole reply
    stats = app.state.stats
    with ServerThread(app) as slow, proxy_for(slow.url + "/v1") as server:
        client = OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0, timeout=0.5)
        with pytest.raises(APIError):
            client.chat.completions.create(model="k", messages=USER)
        deadline = time.monotonic() + 10
        while stats.streams_cancelled == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert (stats.streams_started, stats.streams_cancelled, stats.streams_finished) == (1, 1, 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["--upstream", "127.0.0.1:8001/v1", "--chat-template", "t.jinja"],
            "must be an http:// or https:// URL",
        ),
        (["--upstream", "http://[::1/v1", "--chat-template", "t.jinja"], "is not a URL"),
        (["--demo", "--timeout", "0"], "--timeout: expected a positive number"),
        (["--demo", "--connect-timeout", "-1"], "--connect-timeout: expected a positive number"),
        (["--demo", "--ssl-certfile", "cert.pem"], "needs both --ssl-certfile and --ssl-keyfile"),
        (["--demo", "--api-key-file", "/nonexistent/keys"], "cannot read API key file"),
    ],
)
def test_bad_options_fail_at_start_up(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_a_port_in_use_exits_with_status_3(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--demo", "--port", str(taken.getsockname()[1])]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Address already in use" in err


def start_cli(*argv: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``streamparse serve`` in a child process; returns it, its URL and the stderr lines up to the banner."""
    child = subprocess.Popen(
        [sys.executable, "-m", "streamparse", "serve", *argv],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.stderr is not None
    lines = []
    while True:
        line = child.stderr.readline()
        if not line:
            child.wait(10)
            raise AssertionError("the server ended: " + "".join(lines))
        lines.append(line)
        if line.startswith("streamparse serve:"):
            url = line.split(" on ", 1)[1].split(" ")[0].removesuffix("/v1")
            break
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/health", verify=False)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return child, url, lines


def stop(child: subprocess.Popen[str]) -> None:
    child.terminate()
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(10)
        raise AssertionError("the server did not stop on SIGTERM") from None


@pytest.mark.parametrize("host", ["::", "0.0.0.0"])
def test_demo_on_any_address_and_port_0_works_and_warns_without_a_key(host: str) -> None:
    if host == "::" and not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        child, url, lines = start_cli("--demo", "--host", host, "--port", "0", "--log-level", "warning")
    except AssertionError as error:
        if host == "::" and "Address family" in str(error):
            pytest.skip("IPv6 is not available here")
        raise
    try:
        assert any("warning: listening on" in line and "without an API key" in line for line in lines)
        local = url.replace("[::]", "[::1]").replace("0.0.0.0", "127.0.0.1")
        completion = OpenAI(base_url=local + "/v1", api_key="x", max_retries=0).chat.completions.create(
            model="demo", messages=USER
        )
        assert completion.choices[0].finish_reason == "tool_calls"
    finally:
        stop(child)


# --- 2. Safe to expose -------------------------------------------------------------------


def test_api_keys(upstream: tuple[str, Any]) -> None:
    with proxy_for(upstream[0], api_keys=("key-one", "key-two")) as server:
        for key in ("key-one", "key-two"):
            assert sdk(server.url, key).chat.completions.create(model="k", messages=USER).choices
        for key in ("key-on", "key-one2", "wrong"):
            with pytest.raises(AuthenticationError) as raised:
                sdk(server.url, key).chat.completions.create(model="k", messages=USER)
            body = raised.value.body
            assert (
                isinstance(body, dict)
                and body["code"] == "invalid_api_key"
                and body["type"] == "invalid_request_error"
            )
        assert httpx.get(server.url + "/v1/models").status_code == 401
        assert httpx.get(server.url + "/v1/models", headers={"x-api-key": "key-two"}).status_code == 200
        for open_path in ("/health", "/ready", "/metrics"):
            assert httpx.get(server.url + open_path).status_code == 200


def test_api_keys_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upstream: tuple[str, Any]
) -> None:
    keys = tmp_path / "keys"
    keys.write_text("alpha\n\nbeta, gamma\n")
    parser = _build_parser()
    args = parser.parse_args(["serve", "--demo", "--api-key-file", str(keys), "--api-key", "delta"])
    _check_serve_options(args)
    assert args.api_keys == ("delta", "alpha", "beta", "gamma")
    monkeypatch.setenv("STREAMPARSE_API_KEY", "from-env")
    args = parser.parse_args(["serve", "--demo", "--port", str(free_port())])
    _check_serve_options(args)
    app, _ = _serve_app(args)
    with ServerThread(app, port=args.port) as server:
        with pytest.raises(AuthenticationError):
            sdk(server.url, "nope").models.list()
        assert [m.id for m in sdk(server.url, "from-env").models.list()] == ["kimi_k2-replay"]


def test_cors(upstream: tuple[str, Any]) -> None:
    with proxy_for(upstream[0], cors_origins=("https://app.example",), api_keys=("k",)) as server:
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization, content-type"}  # fmt: skip
        allowed = httpx.options(server.url + "/v1/chat/completions", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = httpx.options(
            server.url + "/v1/chat/completions", headers={**preflight, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        response = httpx.post(
            server.url + "/v1/chat/completions",
            json={"messages": USER},
            headers={"Origin": "https://app.example", "Authorization": "Bearer k"},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://app.example"


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls(tmp_path: Path, upstream: tuple[str, Any]) -> None:
    cert, key = self_signed(tmp_path)
    template = tmp_path / "t.jinja"
    template.write_text(TEMPLATE.source)
    child, url, _ = start_cli(
        "--upstream", upstream[0], "--chat-template", str(template), "--dialect", "kimi_k2", "--port", "0",
        "--ssl-certfile", str(cert), "--ssl-keyfile", str(key),
    )  # fmt: skip
    try:
        assert url.startswith("https://")
        trusted = httpx.Client(verify=ssl.create_default_context(cafile=str(cert)))
        client = OpenAI(base_url=url + "/v1", api_key="x", max_retries=0, http_client=trusted)
        assert (
            client.chat.completions.create(model="k", messages=USER).choices[0].finish_reason == "tool_calls"
        )
        trusted.close()
        with pytest.raises(httpx.TransportError):
            httpx.get(url.replace("https://", "http://") + "/health", timeout=5)
    finally:
        stop(child)


def test_body_size_cap(upstream: tuple[str, Any]) -> None:
    with proxy_for(upstream[0], max_body_bytes=2000) as server:
        big = [{"role": "user", "content": "x" * 3000}]
        with pytest.raises(APIStatusError) as raised:
            sdk(server.url).chat.completions.create(model="k", messages=big)  # type: ignore[arg-type]
        assert raised.value.status_code == 413
        assert isinstance(raised.value.body, dict) and raised.value.body["code"] == "body_too_large"

        def chunked() -> Iterator[bytes]:  # no Content-Length: the cap is checked as the body arrives
            yield b'{"messages": [{"role": "user", "content": "'
            for _ in range(100):
                yield b"x" * 100
            yield b'"}]}'

        response = httpx.post(server.url + "/v1/chat/completions", content=chunked())
        assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"
        assert sdk(server.url).chat.completions.create(model="k", messages=USER).choices


# --- 3. Observable -------------------------------------------------------------------------


def test_health_and_readiness(upstream: tuple[str, Any]) -> None:
    with proxy_for(upstream[0]) as server:
        assert httpx.get(server.url + "/health").json() == {"status": "ok"}
        assert httpx.get(server.url + "/ready").json()["status"] == "ready"
    with proxy_for(f"http://127.0.0.1:{free_port()}/v1", connect_timeout=2) as server:
        assert httpx.get(server.url + "/health").status_code == 200
        not_ready = httpx.get(server.url + "/ready")
        assert not_ready.status_code == 503 and not_ready.json()["error"]["code"] == "upstream_not_ready"


def samples(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(url + "/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics(upstream: tuple[str, Any]) -> None:
    with proxy_for(upstream[0]) as server:
        client = sdk(server.url)
        client.chat.completions.create(model="k", messages=USER, tools=TOOLS)
        list(client.chat.completions.create(model="k", messages=USER, stream=True))
        # get_weather is not among these tools: two unknown_tool problems.
        client.chat.completions.create(model="k", messages=USER, tools=[TIME])
        with pytest.raises(BadRequestError):
            client.chat.completions.create(model="k", messages=[])
        got = samples(server.url)
        chat = (("endpoint", "chat_completions"),)
        assert got[("streamparse_requests_total", (*chat, ("status", "200")))] == 3
        assert got[("streamparse_requests_total", (*chat, ("status", "400")))] == 1
        assert got[("streamparse_request_duration_seconds_count", chat)] == 4
        assert got[("streamparse_time_to_first_token_seconds_count", chat)] == 3
        assert got[("streamparse_tool_calls_total", (("dialect", "kimi_k2"),))] == 6
        assert got[("streamparse_parse_problems_total", (("kind", "unknown_tool"),))] == 2
        assert got[("streamparse_streamed_characters_total", (("kind", "content"),))] == 3 * len(
            "I'll check both."
        )
        assert got[("streamparse_streamed_characters_total", (("kind", "arguments"),))] == 3 * len(
            '{"city": "Beijing"}{"city": "Shanghai"}'
        )
        assert got[("streamparse_completion_tokens_total", ())] == 3 * 54
        assert got[("streamparse_open_streams", ())] == 0
    with proxy_for(f"http://127.0.0.1:{free_port()}/v1", connect_timeout=2) as server:
        with pytest.raises(APIStatusError):
            sdk(server.url).chat.completions.create(model="k", messages=USER)
        assert samples(server.url)[("streamparse_upstream_errors_total", (("kind", "unreachable"),))] == 1


def test_open_streams_gauge() -> None:
    app = replay_app(delay=0.05)
    with ServerThread(app) as slow, proxy_for(slow.url + "/v1") as server:

        async def run() -> float:
            client = AsyncOpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)
            streams = [
                await client.chat.completions.create(model="k", messages=USER, stream=True) for _ in range(3)
            ]
            for stream in streams:
                await stream.__anext__()
            open_now = samples(server.url)[("streamparse_open_streams", ())]
            for stream in streams:
                await stream.close()
            return open_now

        assert asyncio.run(run()) == 3
        deadline = time.monotonic() + 10
        while samples(server.url)[("streamparse_open_streams", ())] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert samples(server.url)[("streamparse_open_streams", ())] == 0


def test_access_log(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="streamparse.serve.access")
    client = sdk(proxy)
    list(client.chat.completions.create(model="k", messages=USER, tools=[TIME], stream=True))
    httpx.get(proxy + "/v1/nothing")
    deadline = time.monotonic() + 5
    while len(caplog.records) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0].startswith("POST /v1/chat/completions 200 ")
    for words in (
        "stream=yes",
        "dialect=kimi_k2",
        "finish=tool_calls",
        "calls=2",
        "problems=2 (unknown_tool)",
        "ttft=",
    ):
        assert words in lines[0]
    assert lines[1].startswith("GET /v1/nothing 404 ")


def test_models_by_id(proxy: str) -> None:
    client = sdk(proxy)
    assert client.models.retrieve("kimi-raw").id == "kimi-raw"
    with pytest.raises(NotFoundError):
        client.models.retrieve("other")


def test_completions_passed_through(proxy: str, upstream: tuple[str, Any]) -> None:
    client = sdk(proxy)
    completion = client.completions.create(model="k", prompt="raw prompt", max_tokens=5)
    assert completion.choices[0].finish_reason == "length" and upstream[1].prompts[-1] == "raw prompt"
    text = "".join(
        chunk.choices[0].text
        for chunk in client.completions.create(model="k", prompt="p", stream=True)
        if chunk.choices
    )
    assert text == KIMI
