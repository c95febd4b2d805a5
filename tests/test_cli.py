"""The ``streamparse`` command line: demo, parse (json and SSE), dialects, errors."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from openai.types.chat import ChatCompletionChunk

import streamparse
from streamparse.cli import examples, main, split_text

EXAMPLES = examples()
EXAMPLE_IDS = [example.name for example in EXAMPLES]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def example_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, streamparse.cli.Example]:
    example = request.param
    path = tmp_path / f"{example.name}.txt"
    path.write_bytes(example.text.encode("utf-8"))
    return path, example


def json_deltas(out: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines, "no output"
    *deltas, final = lines
    assert set(final) <= {"finish_reason", "problems"}
    return deltas, final


def sse_chunks(out: str) -> list[dict[str, Any]]:
    """Parses an SSE stream strictly: ``data: ...`` events separated by blank lines, ``[DONE]`` last."""
    assert out.endswith("\n\n")
    events = out[:-2].split("\n\n")
    assert all(event.startswith("data: ") and "\n" not in event for event in events)
    assert events[-1] == "data: [DONE]"
    assert "data: [DONE]" not in events[:-1]
    return [json.loads(event[len("data: ") :]) for event in events[:-1]]


def folded(result: streamparse.ParseResult) -> dict[str, Any]:
    return result.model_dump()


# --- bundled examples --------------------------------------------------------------


def test_every_dialect_has_bundled_examples() -> None:
    assert {example.dialect for example in EXAMPLES} == set(streamparse.dialects())
    names = {example.name for example in EXAMPLES}
    assert {"kimi_k2", "kimi_k2_thinking", "minimax_m1", "minimax_m1_content"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_bundled_examples_parse_cleanly(example: streamparse.cli.Example) -> None:
    result = streamparse.parse(example.text, example.dialect, id_seed=0)
    assert not result.problems
    assert not example.text.endswith("\n")
    markup = ("<|", "<think>", "</think>", "<tool_calls>", "</tool_calls>")
    for text in (result.content or "", result.reasoning_content or ""):
        assert not any(marker in text for marker in markup)
    if result.tool_calls:
        assert result.finish_reason == "tool_calls"
        for call in result.tool_calls:
            assert isinstance(json.loads(call.function.arguments), dict)
    else:
        assert result.content


def test_examples_of_one_dialect() -> None:
    assert {example.dialect for example in examples("kimi_k2")} == {"kimi_k2"}
    with pytest.raises(streamparse.UsageError, match="unknown dialect"):
        examples("no_such_dialect")


# --- dialects -----------------------------------------------------------------------


def test_dialects_lists_names(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "dialects")
    assert status == 0
    assert out.splitlines() == streamparse.dialects()
    assert err == ""


# --- demo ---------------------------------------------------------------------------


def test_demo_replays_every_example(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo", "--seed", "7")
    assert status == 0
    assert err == ""
    for example in EXAMPLES:
        assert f"== {example.name}.txt (dialect {example.dialect}, seed 7)" in out
    assert "same as parse(): yes" in out
    assert "same as parse(): NO" not in out
    assert out.count("-- folded") == len(EXAMPLES)


def test_demo_is_deterministic_for_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run(capsys, "demo", "--seed", "3")
    _, second, _ = run(capsys, "demo", "--seed", "3")
    _, other, _ = run(capsys, "demo", "--seed", "4")
    assert first == second
    assert first != other


def test_demo_feed_lines_fold_to_the_printed_result(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--dialect", "minimax_m1", "--seed", "11")
    assert status == 0
    sections = out.split("== ")[1:]
    assert len(sections) == len(examples("minimax_m1"))
    for section, example in zip(sections, examples("minimax_m1")):
        deltas = []
        pieces = []
        for line in section.splitlines():
            if line.startswith("feed "):
                piece_json, _, delta_json = line[len("feed ") :].partition(" -> ")
                pieces.append(json.loads(piece_json.rstrip()))
                if delta_json != "None":
                    deltas.append(json.loads(delta_json))
            elif line.startswith("finish()"):
                delta_json = line.split(" -> ", 1)[1].split("   finish_reason=")[0]
                if delta_json != "None":
                    deltas.append(json.loads(delta_json))
        assert "".join(pieces) == example.text
        assert all(1 <= len(piece) <= 8 for piece in pieces)
        printed = json.loads(section[section.index("\n{") :])
        expected = streamparse.parse(example.text, example.dialect, id_seed=11)
        assert folded(streamparse.fold_deltas(deltas)) == folded(expected)
        assert printed == expected.model_dump(
            include={"content", "reasoning_content", "tool_calls", "finish_reason"}
        )


def test_demo_one_dialect_only(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--dialect", "kimi_k2")
    assert status == 0
    assert "(dialect kimi_k2," in out
    assert "(dialect minimax_m1," not in out


def test_demo_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo", "--dialect", "nope")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown dialect 'nope'" in err


# --- parse --format json ------------------------------------------------------------


@pytest.mark.parametrize("split", [None, "chars", "random", "1", "5", "64"])
def test_parse_json_folds_like_parse(
    capsys: pytest.CaptureFixture[str], example_file: tuple[Path, Any], split: str | None
) -> None:
    path, example = example_file
    argv = ["parse", str(path), "--dialect", example.dialect, "--seed", "5"]
    if split is not None:
        argv += ["--split", split]
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    assert err == ""
    deltas, final = json_deltas(out)
    assert all(delta for delta in deltas), "an empty delta was printed"
    expected = streamparse.parse(example.text, example.dialect, id_seed=5)
    assert final == {"finish_reason": expected.finish_reason}
    assert folded(streamparse.fold_deltas(deltas, final["finish_reason"])) == folded(expected)


def test_parse_split_chars_equals_whole(
    capsys: pytest.CaptureFixture[str], example_file: tuple[Path, Any]
) -> None:
    path, example = example_file
    results = []
    for extra in ([], ["--split", "chars"]):
        status, out, _ = run(capsys, "parse", str(path), "--dialect", example.dialect, "--seed", "1", *extra)
        assert status == 0
        deltas, final = json_deltas(out)
        results.append(folded(streamparse.fold_deltas(deltas, final["finish_reason"])))
    whole, chars = results
    assert chars == whole


def test_parse_whole_text_is_one_delta(capsys: pytest.CaptureFixture[str]) -> None:
    path = "-"
    text = examples("kimi_k2")[0].text
    sys_stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", sys_stdin)
        status, out, _ = run(capsys, "parse", path, "--dialect", "kimi_k2")
    assert status == 0
    deltas, final = json_deltas(out)
    assert len(deltas) == 1
    assert final == {"finish_reason": "tool_calls"}


def test_parse_reads_stdin_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Plain answer, no calls: 北京 \U0001f600\r\nsecond line"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))
    status, out, _ = run(capsys, "parse", "--dialect", "minimax_m1", "--split", "3")
    assert status == 0
    deltas, final = json_deltas(out)
    assert "".join(delta["content"] for delta in deltas) == text  # exact, \r\n and all
    assert final == {"finish_reason": "stop"}
    assert "北京" in out  # ensure_ascii=False


def test_parse_finish_reason_length(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_text(
        'Checking.<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"ci',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "parse", str(path), "--dialect", "kimi_k2", "--finish-reason", "length")
    assert status == 0
    deltas, final = json_deltas(out)
    assert final["finish_reason"] == "length"
    assert {problem["kind"] for problem in final["problems"]} >= {"incomplete"}
    result = streamparse.fold_deltas(deltas, "length")
    assert result.tool_calls[0].function.arguments == '{"ci'  # no closing braces invented


def test_parse_tools_flags_unknown_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps({"tools": [{"type": "function", "function": {"name": "get_time"}}]}))
    example = tmp_path / "kimi.txt"
    example.write_text(examples("kimi_k2")[0].text, encoding="utf-8")
    status, out, _ = run(capsys, "parse", str(example), "--dialect", "kimi_k2", "--tools", str(tools))
    assert status == 0
    _, final = json_deltas(out)
    assert [problem["kind"] for problem in final["problems"]] == ["unknown_tool", "unknown_tool"]


def test_parse_start_in_reasoning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m2.txt"
    path.write_text("thinking here</think>The answer.", encoding="utf-8")
    status, out, _ = run(capsys, "parse", str(path), "--dialect", "minimax_m1", "--start-in-reasoning")
    assert status == 0
    deltas, _ = json_deltas(out)
    result = streamparse.fold_deltas(deltas)
    assert result.reasoning_content == "thinking here"
    assert result.content == "The answer."


# --- parse --format sse -------------------------------------------------------------


@pytest.mark.parametrize("split", [None, "chars", "random", "7"])
def test_parse_sse_stream(
    capsys: pytest.CaptureFixture[str], example_file: tuple[Path, Any], split: str | None
) -> None:
    path, example = example_file
    argv = [
        "parse",
        str(path),
        "--dialect",
        example.dialect,
        "--format",
        "sse",
        "--model",
        "kimi-test",
        "--seed",
        "2",
    ]
    if split is not None:
        argv += ["--split", split]
    status, out, err = run(capsys, *argv)
    assert status == 0
    assert err == ""
    chunks = sse_chunks(out)
    assert len(chunks) >= 2
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk)
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == "kimi-test"
        assert len(chunk["choices"]) == 1 and chunk["choices"][0]["index"] == 0
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert len({chunk["created"] for chunk in chunks}) == 1
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert deltas[0]["role"] == "assistant"
    assert all("role" not in delta for delta in deltas[1:])
    assert all(chunk["choices"][0]["finish_reason"] is None for chunk in chunks[:-1])
    assert deltas[-1] == {}
    expected = streamparse.parse(example.text, example.dialect, id_seed=2)
    assert chunks[-1]["choices"][0]["finish_reason"] == expected.finish_reason
    stripped = [{key: value for key, value in delta.items() if key != "role"} for delta in deltas]
    assert folded(streamparse.fold_deltas(stripped)) == folded(expected)


def test_parse_sse_of_empty_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    status, out, _ = run(capsys, "parse", str(path), "--dialect", "kimi_k2", "--format", "sse")
    assert status == 0
    chunks = sse_chunks(out)
    assert len(chunks) == 1
    ChatCompletionChunk.model_validate(chunks[0])
    assert chunks[0]["choices"][0] == {"index": 0, "delta": {"role": "assistant"}, "finish_reason": "stop"}


def test_parse_sse_is_deterministic_with_a_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m1.txt"
    path.write_text(examples("minimax_m1")[0].text, encoding="utf-8")
    argv = (
        "parse",
        str(path),
        "--dialect",
        "minimax_m1",
        "--format",
        "sse",
        "--split",
        "random",
        "--seed",
        "9",
    )
    _, first, _ = run(capsys, *argv)
    _, second, _ = run(capsys, *argv)
    strip = [{**chunk, "created": 0} for chunk in sse_chunks(first)]
    assert strip == [{**chunk, "created": 0} for chunk in sse_chunks(second)]


def test_parse_sse_reports_problems_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(
        "<|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>[1, 2]<|tool_call_end|>",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "parse", str(path), "--dialect", "kimi_k2", "--format", "sse")
    assert status == 0
    sse_chunks(out)
    assert "invalid_arguments" in err


# --- user errors: one line on stderr, exit 2 ----------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["parse", "--dialect", "bogus"], "unknown dialect 'bogus'"),
        (["parse", "/no/such/file.txt", "--dialect", "kimi_k2"], "cannot read /no/such/file.txt"),
        (["parse", "--dialect", "kimi_k2", "--split", "0"], "--split"),
        (["parse", "--dialect", "kimi_k2", "--split", "lines"], "--split"),
        (["parse", "--dialect", "kimi_k2", "--format", "xml"], "--format"),
        (["parse"], "--dialect"),
        (["frobnicate"], "frobnicate"),
        ([], "demo,parse,dialects"),
        (["fuzz", "--dialect", "bogus"], "unknown dialect 'bogus'"),
        (["fuzz", "--seconds", "0"], "--seconds"),
        (["fuzz", "--minutes", "nan"], "--minutes"),
        (["fuzz", "--jobs", "0"], "--jobs"),
        (["fuzz", "--minutes", "1", "--seconds", "5"], "not allowed"),
    ],
)
def test_user_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello"), encoding="utf-8"))
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("streamparse: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_bad_files_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00abc")
    bad_json = tmp_path / "tools.json"
    bad_json.write_text("{not json")
    not_a_list = tmp_path / "tools2.json"
    not_a_list.write_text('{"name": "f"}')
    bad_tool = tmp_path / "tools3.json"
    bad_tool.write_text('[{"type": "function", "function": {"description": "no name"}}]')
    good = tmp_path / "ok.txt"
    good.write_text("hi")
    cases = [
        (["parse", str(binary), "--dialect", "kimi_k2"], "not UTF-8"),
        (["parse", str(tmp_path), "--dialect", "kimi_k2"], "cannot read"),
        (["parse", str(good), "--dialect", "kimi_k2", "--tools", str(bad_json)], "not valid JSON"),
        (["parse", str(good), "--dialect", "kimi_k2", "--tools", str(not_a_list)], "JSON list"),
        (["parse", str(good), "--dialect", "kimi_k2", "--tools", str(bad_tool)], "tools[0]"),
        (
            ["parse", str(good), "--dialect", "kimi_k2", "--tools", str(tmp_path / "missing.json")],
            "cannot read",
        ),
    ]
    for argv, message in cases:
        status, out, err = run(capsys, *argv)
        assert (status, out) == (2, ""), argv
        assert err.count("\n") == 1 and message in err, (argv, err)


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "parse", "--help")
    assert status == 0
    assert "--dialect" in out


# --- helpers --------------------------------------------------------------------------


def test_split_text() -> None:
    text = "abcdefghij"
    assert split_text(text, None) == [text]
    assert split_text("", None) == []
    assert split_text(text, "chars") == list(text)
    assert split_text(text, 3) == ["abc", "def", "ghi", "j"]
    pieces = split_text(text * 20, "random")
    assert "".join(pieces) == text * 20
    assert all(1 <= len(piece) <= 16 for piece in pieces)
    with pytest.raises(streamparse.UsageError):
        split_text(text, 0)


def test_fuzz_target_needs_the_engine_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    # CI has neither engine: --target must fail with one clear line, not a traceback.
    pytest.importorskip("hypothesis")
    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vLLM is importable here")
    assert main(["fuzz", "--target", "vllm:hermes", "--seconds", "1"]) == 2
    assert "vllm:hermes: the engine is not importable here" in capsys.readouterr().err
    assert main(["fuzz", "--target", "tgi:hermes", "--seconds", "1"]) == 2
    assert "target must be vllm:<parser> or sglang:<parser>" in capsys.readouterr().err


def test_parse_with_a_token_suffix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (
        "Hi\n<tool_calls:opensource><tool_call:opensource>f<tool_sep:opensource><arg_key:opensource>a"
        "</arg_key:opensource><arg_value:opensource>x</arg_value:opensource></tool_call:opensource>"
        "</tool_calls:opensource>"
    )
    path = tmp_path / "hy3.txt"
    path.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "parse", str(path), "--dialect", "hunyuan", "--token-suffix", ":opensource")
    assert status == 0
    deltas, final = json_deltas(out)
    folded = streamparse.fold_deltas(deltas, final["finish_reason"])
    assert folded.content == "Hi\n" and [c.function.arguments for c in folded.tool_calls] == ['{"a": "x"}']
    status, _, err = run(capsys, "parse", str(path), "--dialect", "hermes", "--token-suffix", ":opensource")
    assert status == 2 and "only these dialects take a token_suffix: hy_v3, hy_v4" in err


def test_fuzz_with_a_token_suffix(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "fuzz", "--dialect", "hy_v4", "--token-suffix", ":ck", "--seconds", "1", "--seed", "1"
    )
    assert status == 0 and "hy_v4" in out
    status, _, err = run(capsys, "fuzz", "--token-suffix", ":ck", "--seconds", "1")
    assert status == 2 and "--token-suffix needs --dialect NAME" in err
