"""vLLM's and SGLang's parser names: each alias parses as its dialect, with its options as defaults."""

from __future__ import annotations

import ast
import inspect
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from _streamcheck import kimi_guide_stream_loop
from openai import OpenAI

import streamparse
from streamparse import registry
from streamparse.cli import _build_parser, _serve_app, examples, main
from streamparse.replay import Replay, Reply
from streamparse.server import ServerThread
from streamparse.sse import iter_chunks
from streamparse.testing import check_parser, run_stream

NAMES = streamparse.parser_names()
ALIASES = [entry for entry in NAMES if entry.is_alias]
EXAMPLE_CASES = [(entry, example) for entry in ALIASES for example in examples(entry.dialect)]
REASONING_TEXT = "Two cities.</think>I'll check both."


def comparable(result: streamparse.ParseResult) -> dict[str, Any]:
    return result.model_dump()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the table -----------------------------------------------------------------------


def test_every_alias_resolves_to_a_registered_dialect() -> None:
    canonical = set(streamparse.dialects())
    assert ALIASES, "no aliases"
    for entry in ALIASES:
        assert entry.dialect in canonical, entry
        assert registry.get_dialect(entry.name) is registry.get_dialect(entry.dialect)
        assert entry.engines and set(entry.engines) <= {"vLLM", "SGLang"}, entry
        assert set(entry.options) <= set(inspect.signature(streamparse.StreamParser).parameters), entry
    # No row is dropped from parser_names() for want of its dialect.
    assert {entry.name for entry in ALIASES} == set(registry._ALIASES)


def test_parser_names_lists_every_dialect_and_alias_sorted() -> None:
    names = [entry.name for entry in NAMES]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    own = [entry for entry in NAMES if not entry.is_alias]
    assert [entry.name for entry in own] == streamparse.dialects()
    assert all(entry.dialect == entry.name and not entry.options for entry in own)
    # dialects() stays the canonical list.
    assert not {entry.name for entry in ALIASES} & set(streamparse.dialects())


def test_the_table_has_no_duplicate_names() -> None:
    # A repeated key of a dict literal would silently replace the earlier row: read the source.
    tree = ast.parse(Path(registry.__file__).read_text(encoding="utf-8"))
    tables = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id in {"_ALIASES", "_CANONICAL_ENGINES"}
    ]
    assert len(tables) == 2
    for table in tables:
        assert isinstance(table, ast.Dict)
        keys = [ast.literal_eval(key) for key in table.keys if key is not None]
        assert len(keys) == len(set(keys)), keys


def test_no_alias_shadows_a_canonical_name() -> None:
    assert not set(registry._ALIASES) & set(streamparse.dialects())
    assert not set(registry._CANONICAL_ENGINES) - set(streamparse.dialects())


def test_a_new_dialect_cannot_take_an_alias_name() -> None:
    clash = type("Clash", (registry.get_dialect("hermes"),), {"name": "qwen25"})
    with pytest.raises(streamparse.UsageError, match="qwen25"):
        registry.register(clash)
    assert "qwen25" not in streamparse.dialects()


def test_names_the_issue_asks_for() -> None:
    wanted = {
        "qwen3_xml": "qwen3_coder",
        "glm47": "glm45",
        "step3p5": "qwen3_coder",
        "step5": "qwen3_coder",
        "nemotron_v3": "qwen3_coder",
        "granite4": "hermes",
        "llama4_pythonic": "pythonic",
        "qwen25": "hermes",
        "deepseekv3": "deepseek_v3",
        "gpt-oss": "gpt_oss",
        "openai": "gpt_oss",
        "minimax-m2": "minimax_m2",
        "llama3": "llama3_json",
        "poolside_v1": "glm45",
        "spark25": "glm45",
        "nanbeige": "qwen3_coder",
        "minimax-m3": "minimax_m3",
    }
    assert {entry.name: entry.dialect for entry in ALIASES if entry.name in wanted} == wanted
    prompt_opened = {entry.name for entry in ALIASES if entry.options.get("start_in_reasoning")}
    assert {"step3p5", "nemotron_v3", "minimax-m2"} <= prompt_opened


# --- parsing through an alias ------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "example"), EXAMPLE_CASES, ids=[f"{e.name}-{x.name}" for e, x in EXAMPLE_CASES]
)
def test_an_alias_parses_its_dialects_examples_as_the_dialect_does(
    entry: streamparse.ParserName, example: Any
) -> None:
    options: dict[str, Any] = dict(entry.options)
    expected = streamparse.parse(example.text, entry.dialect, id_seed=0, **options)
    assert comparable(streamparse.parse(example.text, entry.name, id_seed=0)) == comparable(expected)
    streamed = run_stream(entry.name, list(example.text), id_seed=0)  # one character at a time
    assert streamed.finish_reason == expected.finish_reason
    assert streamed.result.tool_calls == expected.tool_calls
    assert streamed.result.content == expected.content
    assert streamed.result.reasoning_content == expected.reasoning_content


def test_every_alias_dialect_has_an_example() -> None:
    assert {entry.dialect for entry in ALIASES} <= {example.dialect for _, example in EXAMPLE_CASES}


def test_the_parser_reports_its_canonical_dialect() -> None:
    assert streamparse.StreamParser("qwen25").dialect == "hermes"
    assert streamparse.StreamParser("hermes").dialect == "hermes"


# --- options are defaults --------------------------------------------------------------


@pytest.mark.parametrize("name", ["step3p5", "nemotron_v3", "nemotron_3", "minimax-m2"])
def test_a_prompt_opened_alias_starts_in_reasoning_unless_told_not_to(name: str) -> None:
    dialect = registry.canonical_name(name)
    by_default = streamparse.parse(REASONING_TEXT, name)
    assert (by_default.reasoning_content, by_default.content) == ("Two cities.", "I'll check both.")
    assert comparable(by_default) == comparable(
        streamparse.parse(REASONING_TEXT, dialect, start_in_reasoning=True)
    )
    told = streamparse.parse(REASONING_TEXT, name, start_in_reasoning=False)
    assert comparable(told) == comparable(streamparse.parse(REASONING_TEXT, dialect))
    assert told.reasoning_content is None


def test_an_explicit_option_applies_to_an_alias_without_defaults() -> None:
    told = streamparse.parse(REASONING_TEXT, "qwen25", start_in_reasoning=True)
    assert told.reasoning_content == "Two cities."
    assert streamparse.parse(REASONING_TEXT, "qwen25").reasoning_content is None


def test_an_option_the_dialect_cannot_honour_is_refused_through_an_alias() -> None:
    assert registry.get_dialect("llama3").REASONING_STATE is None
    with pytest.raises(streamparse.UsageError, match="no reasoning markers"):
        streamparse.StreamParser("llama3", start_in_reasoning=True)
    streamparse.StreamParser("llama3", start_in_reasoning=False)


# --- unknown names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("qwen3xml", "'qwen3_xml', the qwen3_coder dialect"),
        ("deepseek-v3", "'deepseek_v3'"),
        ("kimi-k2", "'kimi_k2'"),
        # step3 is a dialect too (Step-3's steptml); Step-3.5 writes qwen3_coder's XML.
        ("step3.5", "'step3' or 'step3p5', the qwen3_coder dialect"),
    ],
)
def test_an_unknown_name_suggests_the_closest_accepted_one(name: str, suggestion: str) -> None:
    with pytest.raises(streamparse.UsageError) as caught:
        streamparse.StreamParser(name)
    message = str(caught.value)
    assert f"unknown dialect {name!r}; did you mean {suggestion}?" in message
    assert "choose one of: " + ", ".join(streamparse.dialects()) in message


def test_an_unknown_name_far_from_any_suggests_nothing() -> None:
    with pytest.raises(streamparse.UsageError) as caught:
        streamparse.parse("", "nope")
    assert "did you mean" not in str(caught.value)
    assert "choose one of: " in str(caught.value)


def test_a_name_of_a_format_not_parsed_yet_says_so_rather_than_suggesting_another() -> None:
    pending = [name for name in registry._NOT_YET if name not in streamparse.dialects()]
    if not pending:
        pytest.skip("every pending format has a dialect now")
    for name in pending:
        with pytest.raises(streamparse.UsageError) as caught:
            streamparse.StreamParser(name)
        assert "does not parse that format yet" in str(caught.value)
        assert "did you mean" not in str(caught.value)


# --- every entry point that takes a dialect name --------------------------------------------


def test_examples_of_an_alias_are_its_dialects() -> None:
    assert examples("glm47") == examples("glm45")


def test_cli_parse_accepts_an_alias(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    example = examples("hermes")[0]
    path = tmp_path / "hermes.txt"
    path.write_bytes(example.text.encode("utf-8"))
    outputs = []
    for name in ("hermes", "qwen25", "granite4"):
        status, out, _ = run(capsys, "parse", str(path), "--dialect", name, "--seed", "3", "--split", "chars")
        assert status == 0
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]


def test_cli_parse_alias_options_are_defaults(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "reply.txt"
    path.write_text(REASONING_TEXT, encoding="utf-8")

    def folded(*extra: str) -> streamparse.ParseResult:
        status, out, _ = run(capsys, "parse", str(path), "--dialect", "step3p5", *extra)
        assert status == 0
        *deltas, final = [json.loads(line) for line in out.splitlines()]
        return streamparse.fold_deltas(deltas, final["finish_reason"])

    assert folded().reasoning_content == "Two cities."
    assert folded("--no-start-in-reasoning").reasoning_content is None
    assert folded("--start-in-reasoning").reasoning_content == "Two cities."


def test_cli_demo_accepts_an_alias(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--dialect", "glm47", "--seed", "1")
    assert status == 0
    assert "== glm45.txt (dialect glm45, seed 1)" in out
    assert "same as parse(): yes" in out


def test_cli_unknown_name_suggests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "reply.txt"
    path.write_text("Hello.", encoding="utf-8")
    status, _, err = run(capsys, "parse", str(path), "--dialect", "qwen-25")
    assert status == 2
    assert "did you mean 'qwen25'" in err


def test_fuzz_accepts_an_alias() -> None:
    from streamparse.testing.longrun import fuzz, properties_named

    report = fuzz(["qwen25", "hermes"], 0.2, seed=1, properties=properties_named(["content_only"]))
    assert [row.dialect for row in report.dialects] == ["hermes"]
    assert report.ok


def test_checker_accepts_an_alias() -> None:
    check_parser(lambda tools=None: streamparse.StreamParser("qwen25", tools), "qwen25", max_examples=10)


def test_sse_accepts_an_alias_with_its_defaults() -> None:
    events = list(
        Replay([Reply(REASONING_TEXT)], model="m").events("", n=1, max_tokens=None, include_usage=False)
    )
    chunks = list(iter_chunks(events, "nemotron_v3", chunk_id="chatcmpl-x"))
    reasoning = "".join(c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks if c["choices"])
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert (reasoning, content) == ("Two cities.", "I'll check both.")
    told = list(iter_chunks(events, "nemotron_v3", start_in_reasoning=False))
    assert (
        "".join(c["choices"][0]["delta"].get("content") or "" for c in told if c["choices"]) == REASONING_TEXT
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_serve_accepts_an_alias() -> None:
    port = free_port()
    app, banner = _serve_app(
        _build_parser().parse_args(["serve", "--demo", "--dialect", "qwen25", "--port", str(port)])
    )
    assert banner.startswith("streamparse serve: qwen25 on ")
    text = examples("hermes")[0].text
    with ServerThread(app, port=port) as server:
        client = OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)
        stream = client.chat.completions.create(
            model="demo", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        msg, calls, reason = kimi_guide_stream_loop(stream)
    want = streamparse.parse(text, "hermes")
    assert (msg, reason) == (want.content or "", want.finish_reason)
    assert [c["function"]["arguments"] for c in calls] == [c.function.arguments for c in want.tool_calls]
