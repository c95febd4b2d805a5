"""The replay upstream (streamparse.replay, ``streamparse replay``) and the serve/replay verbs."""

from __future__ import annotations

import json
import socket
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest
from _streamcheck import kimi_guide_stream_loop
from openai import OpenAI

import streamparse
from streamparse.cli import _build_parser, _replay_app, _serve_app, examples, main
from streamparse.replay import Replay, Reply, token_pieces
from streamparse.server import ServerThread, create_replay_app

EXAMPLES = examples()
DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_token_pieces_join_back_and_keep_special_tokens_whole(example: Any) -> None:
    pieces = token_pieces(example.text)
    assert "".join(pieces) == example.text
    assert all(1 <= len(piece) <= 64 for piece in pieces)
    for marker in ("<|tool_call_begin|>", "<｜tool▁sep｜>", "[TOOL_CALLS]", "<|python_tag|>"):
        if marker in example.text:
            assert marker in pieces


def test_token_pieces_shape() -> None:
    assert token_pieces("Hello world, 12345!\n<|im_end|>") == [
        "Hello",
        " world",
        ",",
        " 123",
        "45",
        "!",
        "\n",
        "<|im_end|>",
    ]


def test_choose_by_prompt_then_in_rotation() -> None:
    replay = Replay(
        [Reply("a"), Reply("b"), Reply("after tool", when="RESULT"), Reply("later", when="LATER")]
    )
    assert [replay.choose("q") for _ in range(3)] == [Reply("a"), Reply("b"), Reply("a")]
    assert replay.choose("x RESULT y").text == "after tool"
    assert replay.choose("RESULT LATER").text == "later"  # the last match wins
    only_conditional = Replay([Reply("x", when="never")])
    assert only_conditional.choose("q").text == "x"
    with pytest.raises(ValueError, match="at least one reply"):
        Replay([])


def test_events_interleave_choices_and_honour_max_tokens() -> None:
    replay = Replay(["Hello world"], model="m")
    events = list(replay.events("prompt", n=2, max_tokens=1, include_usage=True))
    assert [
        (e["choices"][0]["index"], e["choices"][0]["text"], e["choices"][0]["finish_reason"])
        for e in events[:-1]
    ] == [
        (0, "Hello", None),
        (1, "Hello", None),
        (0, "", "length"),
        (1, "", "length"),
    ]
    assert events[-1]["choices"] == [] and events[-1]["usage"] == {
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "total_tokens": 3,
    }
    assert {e["object"] for e in events} == {"text_completion"} and {e["model"] for e in events} == {"m"}
    body = replay.completion("prompt", n=2)
    assert [c["text"] for c in body["choices"]] == ["Hello world"] * 2
    assert {c["finish_reason"] for c in body["choices"]} == {"stop"}


@pytest.fixture(scope="module")
def replay_server() -> Any:
    app = create_replay_app(Replay(["Hi there"], model="rp"))
    with ServerThread(app) as server:
        yield server


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"prompt": 3}, "prompt"),
        ({"prompt": "x", "n": 0}, "n"),
        ({"prompt": "x", "max_tokens": -1}, "max_tokens"),
    ],
)
def test_replay_app_rejects_bad_requests(replay_server: Any, body: Any, param: str) -> None:
    response = httpx.post(replay_server.url + "/v1/completions", json=body)
    assert response.status_code == 400 and response.json()["error"]["param"] == param


def test_replay_app_with_the_openai_sdk(replay_server: Any) -> None:
    client = OpenAI(base_url=replay_server.url + "/v1", api_key="x", max_retries=0)
    completion = client.completions.create(model="rp", prompt="q", max_tokens=1)
    assert (completion.choices[0].text, completion.choices[0].finish_reason) == ("Hi", "length")
    stream = client.completions.create(model="rp", prompt="q", stream=True)
    assert "".join(chunk.choices[0].text for chunk in stream if chunk.choices) == "Hi there"
    assert [model.id for model in client.models.list()] == ["rp"]


# --- the verbs ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["serve"], "--upstream URL is required"),
        (["serve", "--upstream", "http://x/v1", "--dialect", "kimi_k2"], "--chat-template FILE is required"),
        (
            [
                "serve",
                "--upstream",
                "http://x/v1",
                "--dialect",
                "kimi_k2",
                "--chat-template",
                "/nonexistent.jinja",
            ],
            "cannot read",
        ),
        (["serve", "--demo", "--upstream", "http://x/v1"], "--demo serves its own upstream"),
        (["serve", "--demo", "--dialect", "no_such"], "unknown dialect"),
        (["replay", "/nonexistent.txt"], "cannot read reply file"),
        (["replay", "--dialect", "no_such"], "unknown dialect"),
    ],
)
def test_verb_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    status, err = run(capsys, *argv)
    assert status == 2 and words in err, err


def test_serve_needs_a_dialect_or_detection(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["serve", "--upstream", "http://x/v1", "--chat-template", str(DATA / "kimi_k2_test.jinja")]
    monkeypatch.setitem(sys.modules, "streamparse.detect", None)  # a version without detection
    status, err = run(capsys, *argv)
    assert status == 2 and "--dialect NAME is required" in err
    found = types.ModuleType("streamparse.detect")
    seen: list[tuple[Any, Any]] = []

    def detect(
        model: str | None = None, chat_template: str | None = None, tokenizer_config: str | None = None
    ) -> str | None:
        seen.append((model, chat_template))
        return "kimi_k2" if chat_template and "<|tool_calls_section_begin|>" in chat_template else None

    found.detect = detect  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "streamparse.detect", found)
    app, banner = _serve_app(_build_parser().parse_args([*argv, "--model", "Kimi-K2"]))
    assert banner.startswith("streamparse serve: kimi_k2 on ") and seen[0][0] == "Kimi-K2"
    minimax = [
        "serve",
        "--upstream",
        "http://x/v1",
        "--chat-template",
        str(DATA / "minimax_m1_tokenizer_config.json"),
    ]
    status, err = run(capsys, *minimax)
    assert status == 2 and "cannot tell the dialect" in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("dialect", ["kimi_k2", "minimax_m1"])
def test_serve_demo_is_one_server(dialect: str) -> None:
    port = free_port()
    app, _ = _serve_app(
        _build_parser().parse_args(["serve", "--demo", "--dialect", dialect, "--port", str(port)])
    )
    with ServerThread(app, port=port) as server:
        client = OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)
        expected = {example.name: example for example in EXAMPLES if example.dialect == dialect}
        names = sorted(expected)
        for name in names:  # the bundled examples in turn
            stream = client.chat.completions.create(
                model="demo", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            msg, calls, reason = kimi_guide_stream_loop(stream)
            want = streamparse.parse(expected[name].text, dialect)
            assert (msg, reason) == (want.content or "", want.finish_reason), name
            assert [c["function"]["arguments"] for c in calls] == [
                c.function.arguments for c in want.tool_calls
            ]
        assert [model.id for model in client.models.list()] == [f"{dialect}-replay"]


def test_replay_verb_app_with_when(tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("First.")
    second.write_text("Second.")
    args = _build_parser().parse_args(
        ["replay", str(first), "--when", "tool result", str(second), "--model", "r"]
    )
    with ServerThread(_replay_app(args)) as server:
        post = lambda prompt: httpx.post(server.url + "/v1/completions", json={"prompt": prompt}).json()  # noqa: E731
        assert post("hello")["choices"][0]["text"] == "First."
        assert post("a tool result here")["choices"][0]["text"] == "Second."
        body = httpx.post(server.url + "/v1/completions", json={"prompt": "q", "stream": True}).text
        assert body.endswith("data: [DONE]\n\n")
        assert (
            "".join(
                json.loads(line[6:])["choices"][0]["text"]
                for line in body.split("\n\n")
                if line.startswith("data: {")
            )
            == "First."
        )


@pytest.mark.parametrize("dialect", [[], ["--dialect", "hy_v3"]], ids=["detected", "named"])
def test_serve_takes_the_token_suffix_of_a_checkpoints_config(dialect: list[str], tmp_path: Path) -> None:
    config = tmp_path / "tokenizer_config.json"
    template = "{{- '<tool_calls>' }}<tool_call>{{ name }}<tool_sep><arg_key>{{ k }}</arg_key>{{ messages }}"
    config.write_text(
        json.dumps({"chat_template": template, "token_suffix": ":opensource"}), encoding="utf-8"
    )
    argv = ["serve", "--upstream", "http://x/v1", "--chat-template", str(config), *dialect]
    _, banner = _serve_app(_build_parser().parse_args(argv))
    assert banner.startswith("streamparse serve: hy_v3 (markers ending in ':opensource') on ")
