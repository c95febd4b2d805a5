"""streamparse's SGLang detector, driven through SGLang 0.5.23's FunctionCallParser as its chat serving drives it.

Skipped where SGLang is not importable (CI). Run with the peers venv of ../shared/peers:

    PYTHONPATH=. ~/.cache/streamparse-peers-venv/bin/python -m pytest -q tests/test_sglang_plugin.py
"""

from __future__ import annotations

import random
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip(
    "sglang.srt.function_call.function_call_parser", reason="SGLang is not installed (see README)"
)

from sglang.srt.function_call.function_call_parser import FunctionCallParser  # noqa: E402

import streamparse  # noqa: E402
from streamparse.cli import examples  # noqa: E402
from streamparse.testing import check_wire_shape  # noqa: E402
from streamparse.testing.engines import SglangRunner  # noqa: E402

EXAMPLES = examples()


@pytest.fixture(scope="module", autouse=True)
def _registered() -> None:
    from streamparse.integrations.sglang_plugin import register

    register()


def _tools_for(text: str, dialect: str) -> list[dict[str, Any]]:
    names = {call.function.name for call in streamparse.parse(text, dialect).tool_calls} | {"unused_tool"}
    return [
        {"type": "function", "function": {"name": n, "parameters": {"type": "object"}}} for n in sorted(names)
    ]


def _seen(result: streamparse.ParseResult) -> tuple[object, ...]:
    # The detector has no reasoning field: reasoning SGLang's reasoning parser did not take is normal text.
    text = (result.reasoning_content or "") + (result.content or "")
    return (text, [(call.function.name, call.function.arguments) for call in result.tool_calls])


def _cuts(text: str) -> dict[str, list[str]]:
    cuts = {"whole": [text], "chars": list(text)}
    for seed in range(3):
        rng = random.Random(seed)
        pieces, position = [], 0
        while position < len(text):
            size = rng.randint(1, 16)
            pieces.append(text[position : position + size])
            position += size
        cuts[f"random:{seed}"] = pieces
    return cuts


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_every_example_folds_to_parse(example: Any) -> None:
    dialect = example.dialect
    runner = SglangRunner(f"streamparse_{dialect}", dialect)
    for end in sorted({len(example.text), len(example.text) // 2, len(example.text) - 3}):
        text = example.text[:end]
        tools = _tools_for(example.text, dialect)
        want = _seen(streamparse.parse(text, dialect, tools=tools))
        for how, pieces in _cuts(text).items():
            run = runner.stream(pieces, tools)
            check_wire_shape(run.deltas)
            assert _seen(run.result) == want, (end, how)
        assert _seen(runner.batch(text, tools)) == want, end


def test_every_name_is_in_sglang_table() -> None:
    from streamparse.integrations.sglang_plugin import registered_names

    for name in registered_names():
        assert FunctionCallParser.ToolCallParserEnum[name].parser_name == name.removeprefix("streamparse_")
    assert "hermes" in FunctionCallParser.ToolCallParserEnum  # SGLang's own parsers stay


def test_server_arguments_accept_the_names() -> None:
    # What `sglang serve` / launch_server do after load_plugins(): the --tool-call-parser choices come from the table.
    from sglang.srt.server_args import _tool_call_parser_choices

    assert "streamparse_kimi_k2" in _tool_call_parser_choices()


def test_launcher_registers_before_sglang_reads_arguments() -> None:
    # The launcher runs sglang.launch_server's __main__; --help parses the arguments and exits there.
    completed = subprocess.run(
        [sys.executable, "-m", "streamparse.integrations.sglang_launch", "--help"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "streamparse_kimi_k2" in completed.stdout


def test_fuzz_target_finds_sglang_hermes_bug_and_none_in_the_detector() -> None:
    from streamparse.testing.target import fuzz_target

    theirs = fuzz_target("sglang:hermes", budget_seconds=10, seed=1)
    assert theirs.failing["lost"] + theirs.failing["split"] > 0, theirs.table()
    ours = fuzz_target("sglang:streamparse_hermes", budget_seconds=10, seed=1, shrink=False)
    assert ours.cases > 0 and ours.ok, ours.table()


@pytest.mark.parametrize("engine_name", ["hunyuan", None])
def test_a_suffixed_checkpoint_is_read_from_the_vocab(engine_name: str | None) -> None:
    # Hunyuan's shipping vocab spells its tokens <tool_calls:opensource>; SGLang hands the tokenizer to a
    # detector that takes one, and both SGLang's own detector and ours read the suffix from the vocab.
    suffixed = streamparse.with_token_suffix("hy_v3", ":opensource")
    text = (
        "Checking.\n<tool_calls:opensource><tool_call:opensource>f<tool_sep:opensource>"
        "<arg_key:opensource>a</arg_key:opensource><arg_value:opensource>Beijing</arg_value:opensource>"
        "</tool_call:opensource></tool_calls:opensource>"
    )
    tools = _tools_for(text, suffixed)
    runner = SglangRunner(engine_name or "streamparse_hunyuan", suffixed)
    assert not getattr(runner.tokenizer, "init_kwargs", None)
    for how, pieces in _cuts(text).items():
        result = runner.stream(pieces, tools).result
        assert _seen(result) == ("Checking.\n", [("f", '{"a": "Beijing"}')]), how
    batch_text, batch_calls = _seen(runner.batch(text, tools))
    # SGLang's own detector strips the normal text of a non-streaming reply.
    assert (str(batch_text).strip(), batch_calls) == ("Checking.", [("f", '{"a": "Beijing"}')])
