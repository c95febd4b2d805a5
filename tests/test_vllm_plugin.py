"""streamparse's vLLM plugin, driven through vLLM 0.33's own classes as its chat serving drives them.

Skipped where vLLM is not importable (CI). Run with the peers venv of ../shared/peers:

    PYTHONPATH=. ~/.cache/streamparse-peers-venv/bin/python -m pytest -q tests/test_vllm_plugin.py
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("vllm.tool_parsers", reason="vLLM is not installed (see the peers venv in README)")

from vllm.reasoning import ReasoningParserManager  # noqa: E402
from vllm.tool_parsers import ToolParserManager  # noqa: E402

import streamparse  # noqa: E402
from streamparse.cli import examples  # noqa: E402
from streamparse.testing import check_wire_shape  # noqa: E402
from streamparse.testing.engines import CharTokenizer, VllmRunner  # noqa: E402

PLUGIN = "streamparse.integrations.vllm_plugin"
EXAMPLES = examples()


def _tools_for(text: str, dialect: str) -> list[dict[str, Any]]:
    # Permissive schemas for the called names: vLLM streams calls only with tool_choice="auto", which needs tools.
    names = {call.function.name for call in streamparse.parse(text, dialect).tool_calls}
    return [
        {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}
        for name in sorted(names)
    ]


def _seen(result: streamparse.ParseResult, model_ids: bool) -> tuple[object, ...]:
    calls = [
        (call.function.name, call.function.arguments, call.id if model_ids else None)
        for call in result.tool_calls
    ]
    return (result.content or "", result.reasoning_content or "", calls)


def _model_ids(text: str, dialect: str) -> bool:
    # Ids the model wrote (Kimi) are the same in two parses; generated ones differ.
    first, second = streamparse.parse(text, dialect), streamparse.parse(text, dialect)
    return [c.id for c in first.tool_calls] == [c.id for c in second.tool_calls]


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


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    ToolParserManager.import_tool_parser(PLUGIN)
    ReasoningParserManager.import_reasoning_parser(PLUGIN)


@pytest.mark.parametrize("with_reasoning", [True, False], ids=["both-flags", "tool-flag"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_every_example_folds_to_parse(example: Any, with_reasoning: bool) -> None:
    dialect, text = example.dialect, example.text
    tools = _tools_for(text, dialect)
    name = f"streamparse_{dialect}"
    runner = VllmRunner(name, dialect, reasoning_parser=name if with_reasoning else None)
    model_ids = _model_ids(text, dialect)
    want = _seen(streamparse.parse(text, dialect, tools=tools), model_ids)
    for how, pieces in _cuts(text).items():
        run = runner.stream(pieces, tools)
        check_wire_shape(run.deltas)
        assert _seen(run.result, model_ids) == want, how
    if with_reasoning:  # vLLM asks the reasoning parser for reasoning, the tool parser for calls
        content, reasoning, calls = want
        # vLLM's non-streaming path drops content that is only whitespace when there are calls
        content = "" if calls and not str(content).strip() else content
        assert _seen(runner.batch(text, tools), model_ids) == (content, reasoning, calls)


def test_every_name_resolves_through_vllm_managers() -> None:
    from streamparse.integrations.vllm_plugin import registered_names

    names = registered_names()
    assert (
        "streamparse_kimi_k2" in names and "streamparse_minimax-m2" in names and "streamparse_qwen25" in names
    )
    for name in names:
        tool_class = ToolParserManager.get_tool_parser(name)
        assert tool_class.parser_name == name.removeprefix("streamparse_")
        assert ReasoningParserManager.get_reasoning_parser(name).parser_name == tool_class.parser_name


def test_alias_options_apply() -> None:
    # MiniMax-M2's prompt opens <think>: its streamparse_ name starts inside reasoning, as streamparse's alias does.
    text = "plan\n</think>\n\nHi"
    run = VllmRunner("streamparse_minimax-m2", "minimax_m2").stream(list(text))
    assert (run.result.reasoning_content, run.result.content) == ("plan\n", "\n\nHi")


def test_prompt_that_opens_reasoning_starts_inside_it() -> None:
    # Qwen3-Thinking's template ends the prompt with <think>: vLLM tells the reasoning parser, which tells ours.
    text = 'plan</think>Sure.<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>'
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    runner = VllmRunner("streamparse_hermes", "hermes", reasoning_parser="streamparse_hermes")
    for pieces in _cuts(text).values():
        result = runner.stream(pieces, tools, prompt="<|im_start|>assistant\n<think>\n").result
        assert (result.reasoning_content, result.content) == ("plan", "Sure.")
        assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == [("f", '{"a": 1}')]
    batch = runner.batch(text, tools)  # no prompt here: a closer with no opener says the block was open
    assert (batch.reasoning_content, batch.content) == ("plan", "Sure.")


def test_adjust_request_keeps_special_tokens() -> None:
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    request = ChatCompletionRequest(model="m", messages=[{"role": "user", "content": "hi"}], tools=tools)
    parser = ToolParserManager.get_tool_parser("streamparse_kimi_k2")(CharTokenizer(()), request.tools)
    assert parser.adjust_request(request).skip_special_tokens is False


def test_loading_by_file_path_leaves_vllm_alone(tmp_path: Path) -> None:
    # vLLM registers a plugin file in sys.modules under its base name: the file must not be named vllm.py.
    spec = importlib.util.find_spec(PLUGIN)
    assert spec is not None and spec.origin is not None
    vllm_package = sys.modules["vllm"]
    ToolParserManager.import_tool_parser(spec.origin)
    assert sys.modules["vllm"] is vllm_package and "vllm_plugin" in sys.modules
    assert ToolParserManager.get_tool_parser("streamparse_hermes").__module__ == "vllm_plugin"
    text = 'Hi<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>'
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    builtin = VllmRunner("hermes", "hermes").stream([text], tools).result
    assert [(c.function.name, c.function.arguments) for c in builtin.tool_calls] == [("f", '{"a": 1}')]
    ours = VllmRunner("streamparse_hermes", "hermes").stream(list(text), tools).result
    assert [(c.function.name, c.function.arguments) for c in ours.tool_calls] == [("f", '{"a": 1}')]
    ToolParserManager.import_tool_parser(PLUGIN)  # the package module again, for the other tests


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_cut_off_examples_flush_at_the_end(example: Any) -> None:
    # Outputs stopped early (max_tokens, a stop string) end inside a marker or a call: what streamparse holds
    # must come out through vLLM's end-of-stream flush.
    dialect = example.dialect
    tools = _tools_for(example.text, dialect)
    name = f"streamparse_{dialect}"
    runner = VllmRunner(name, dialect, reasoning_parser=name)
    for end in sorted({len(example.text) // 2, len(example.text) - 3, len(example.text) - 12}):
        text = example.text[:end]
        model_ids = _model_ids(text, dialect)
        want = _seen(streamparse.parse(text, dialect, tools=tools), model_ids)
        for how, pieces in _cuts(text).items():
            run = runner.stream(pieces, tools)
            check_wire_shape(run.deltas)
            assert _seen(run.result, model_ids) == want, (end, how)


def test_fuzz_target_finds_vllm_hermes_bug_and_none_in_the_plugin() -> None:
    from streamparse.testing.target import fuzz_target

    theirs = fuzz_target("vllm:hermes", budget_seconds=10, seed=1)
    assert theirs.failing["lost"] > 0, theirs.table()
    report = theirs.bug_report("lost")
    assert "vllm 0.33.0" in report and "model output:" in report and "deltas:" in report
    ours = fuzz_target("vllm:streamparse_hermes", budget_seconds=10, seed=1, shrink=False)
    assert ours.cases > 0 and ours.ok, ours.table()


@pytest.mark.parametrize("name", ["hy_v3", "hunyuan"])
def test_a_suffixed_checkpoint_is_read_with_its_tokenizers_token_suffix(name: str) -> None:
    # Hunyuan's shipping tokenizer: <tool_calls:opensource> etc., token_suffix=":opensource" in its config.
    suffixed = streamparse.with_token_suffix(name, ":opensource")
    text = (
        "<think:opensource>plan</think:opensource>Checking.\n<tool_calls:opensource><tool_call:opensource>f"
        "<tool_sep:opensource><arg_key:opensource>a</arg_key:opensource><arg_value:opensource>1"
        "</arg_value:opensource></tool_call:opensource></tool_calls:opensource>"
    )
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    runner = VllmRunner(f"streamparse_{name}", suffixed, reasoning_parser=f"streamparse_{name}")
    assert runner.tokenizer.init_kwargs == {"token_suffix": ":opensource"}
    for how, pieces in _cuts(text).items():
        result = runner.stream(pieces, tools).result
        assert (result.reasoning_content, result.content) == ("plan", "Checking.\n"), how
        assert [(c.function.name, c.function.arguments) for c in result.tool_calls] == [("f", '{"a": 1}')]
    batch = runner.batch(text, tools)
    assert (batch.reasoning_content, [c.function.arguments for c in batch.tool_calls]) == (
        "plan",
        ['{"a": 1}'],
    )
