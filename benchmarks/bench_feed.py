"""Per-delta cost of StreamParser.feed for one large tool call, at two levels, against a floor.

Run from the project root:

    python benchmarks/bench_feed.py            # full run: sizes 100 to 100,000; best of 5; writes the figure
    python benchmarks/bench_feed.py --quick    # smoke run (tests/test_benchmarks_smoke.py): small, no figure
    python benchmarks/bench_feed.py --sizes 1000,50000 --dialects hermes,kimi_k2 --plot /tmp/feed.png

What is measured, for each dialect (kimi_k2, minimax_m1, hermes with either key order, mistral,
llama3_json, json_array, pythonic, deepseek_v3, deepseek_v31, gpt_oss, and the XML-parameter dialects
qwen3_coder, minimax_m2, glm45, seed_oss, whose arguments are written as raw parameter values;
deepseek_v32's DSML, parameters with string="true"; the JSON call objects of hunyuan_a13b, cohere_command4,
granite and granite_20b_fc; kimi_k3's XTML, arguments with type="string"; minimax_m3, parameters as
elements named after them; the JSON call objects of longcat, jamba, phi4_mini_json, internlm, xlam and
gigachat3; apertus's name-keyed objects; trinity's call inside the reasoning; group B's ling3, dots,
iquest_q1, gigachat35 and minicpm5 (XML parameters; gigachat35 with string="true") and ernie45 (hermes after
</think>), olmo3 (a pythonic call in <function_calls>), plamo3 (JSON between text markers)) and each
arguments size (100, 1,000, 10,000 and 100,000 characters by default), with the rendered response cut
into 4-character deltas and, as a second column set, 1-character deltas:

* event: ``StreamParser.feed_events`` over every delta, then ``finish_events``;
* wire:  ``StreamParser.feed`` over every delta, then ``finish`` (OpenAI delta dicts);
* floor: a bare loop over the same deltas doing one compiled-``re`` ``.search()`` per delta for the
  dialect's end marker -- the least any per-delta Python loop can cost on this machine;
* stub: the least a parser of StreamParser's shape can cost: a ``feed_events`` method that does that
  one search and returns the delta as one arguments event in a list. It parses nothing; it shows what
  the interpreter charges for the call, the event and the list, which no pure-Python parser avoids.

Figures are microseconds per delta (total / number of deltas), best of N repeats; a sample of a small
case covers several whole responses (at least MIN_SAMPLE_DELTAS deltas). The deltas are split before
timing, the parsers are built before timing (their construction is reported separately) and the
garbage collector is off inside the timed region. "s/M" is seconds per million streamed characters,
derived from the same best-of-N wall-clock figure (µs/delta x deltas / characters of the response); the
timed loop is single-threaded, so it is CPU time as long as the best repeat was not descheduled.
"flatness" is µs/delta at the largest size divided by µs/delta at the smallest: the design contract
(DESIGN.md §4, linear cost) wants it near 1.0. The issue-7 targets at 4-character deltas (event <= 1 µs
and <= 5x the floor, wire <= 2 µs, flatness <= 1.5) are summarised below the table. Peak memory is
measured with tracemalloc in separate, untimed runs. On a shared or virtualised host the absolute µs
drift between runs and within one (the whole machine gets faster or slower for seconds at a time);
the ratios (ev/fl, wi/fl, ev/st) are taken within each repeat, where the levels run a few tens of
milliseconds apart, and the median over the repeats is printed: they are the figures to compare
across runs. Nothing is asserted; the "ok"
column reports whether the folded output of an untimed run gives back exactly the arguments that were
rendered.

The figure (``--plot PATH``, by default benchmarks/out/feed.png except with --quick) shows µs/delta
against arguments length on a log axis, one panel per level and delta width, one line per dialect. It
needs matplotlib, from the optional extra: ``pip install -e '.[bench]'``; without it the run prints one
line saying the figure was skipped.

Why not pytest-benchmark or pyperf: we want per-delta figures of several levels and a floor measured in
the same process, interleaved repeat by repeat, in one table, with ratios between them; pyperf runs each
benchmark in its own worker processes (so the floor and the levels would not share a slow spell of the
host) and pytest-benchmark times one callable per test. A small hand-written best-of-N loop over
``time.perf_counter_ns`` does that directly; benchmarks/bench_peers.py times vLLM's and SGLang's parsers
beside ours the same way, in one process.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gc
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamparse

DIALECTS = (
    "kimi_k2",
    "minimax_m1",
    "hermes",
    "hermes_args_first",
    "mistral",
    "llama3_json",
    "json_array",
    "qwen3_coder",
    "minimax_m2",
    "glm45",
    "seed_oss",
    "pythonic",
    "deepseek_v3",
    "deepseek_v31",
    "gpt_oss",
    "deepseek_v32",
    "hunyuan_a13b",
    "cohere_command4",
    "granite",
    "granite_20b_fc",
    "kimi_k3",
    "muse",
    "inkling",
    "beam",
    "gemma4",
    "functiongemma",
    "ling3",
    "ernie45",
    "dots",
    "iquest_q1",
    "gigachat35",
    "minicpm5",
    "olmo3",
    "plamo3",
    "mimo",
    "hy_v3",
    "hy_v3_suffixed",
    "lfm2",
    "step3",
    "k2_horizon",
    "minimax_m3",
    "longcat",
    "jamba",
    "phi4_mini_json",
    "internlm",
    "xlam",
    "gigachat3",
    "apertus",
    "trinity",
    "hermes_tpl",
    "qwen3_coder_tpl",
)
# Cases that are a dialect written another way. mistral_pre_v11 is not in the default list (the
# v11 layout is); bench_peers.py uses it because vLLM's and SGLang's Mistral parsers read that layout.
VARIANTS = {"hermes_args_first": "hermes", "mistral_pre_v11": "mistral"}
# Built-in dialects written as Hugging Face response_templates (streamparse/templates/*.json): the
# built-in's rendered text, parsed by the dialect streamparse.load_dialect makes of the template.
TEMPLATE_CASES = {"hermes_tpl": "hermes", "qwen3_coder_tpl": "qwen3_coder"}
# A dialect whose checkpoint appends a suffix to every marker (streamparse.with_token_suffix): the
# built-in's text with its tags suffixed, parsed by the suffixed dialect.
SUFFIXED_CASES = {"hy_v3_suffixed": ("hy_v3", ":opensource")}
_HUNYUAN_TAG = re.compile(r"<(/?)(tool_calls|tool_call|tool_sep|arg_key|arg_value|think)>")
_TEMPLATE_DIR = Path(streamparse.__file__).resolve().parent / "templates"
SIZES = (100, 1_000, 10_000, 100_000)
# --quick runs in CI (tests/test_benchmarks_smoke.py): two small sizes keep it to a few seconds.
QUICK_SIZES = (100, 1_000)
DELTA_WIDTHS = (4, 1)
LEVELS = ("event", "wire", "floor", "stub")
FUNCTION_NAME = "write_file"
FILE_PATH = "src/notes/readme.md"
LEAD_TEXT = "I'll write the file now."

# DeepSeek's special tokens: full-width bars (U+FF5C) and U+2581 word separators, not ASCII.
DEEPSEEK_CALLS_BEGIN = "<｜tool▁calls▁begin｜>"
DEEPSEEK_CALLS_END = "<｜tool▁calls▁end｜>"
DEEPSEEK_CALL_BEGIN = "<｜tool▁call▁begin｜>"
DEEPSEEK_CALL_END = "<｜tool▁call▁end｜>"
DEEPSEEK_SEP = "<｜tool▁sep｜>"
# DeepSeek-V3.2's DSML tags (text, with the same full-width bars).
DSML_PARAMETER_END = "</｜DSML｜parameter>"
# GigaChat 3.5's GCML: DSML's layout with its own prefix.
GCML_PARAMETER_END = "</｜GCML｜parameter>"
# Kimi K3's XTML: an argument's close marker (<|close|>, a word, <|sep|>).
XTML_ARGUMENT_END = "<|close|>argument<|sep|>"
# MiniMax-M3's namespace, before every tag.
MINIMAX_M3_NAMESPACE = "]<]minimax[>["

# The marker that ends a call in each dialect: the floor loop searches every delta for it.
# Dialects without one use the marker (or character) that follows the call.
END_MARKERS = {
    "kimi_k2": "<|tool_call_end|>",
    "minimax_m1": "</tool_calls>",
    "hermes": "</tool_call>",
    "hermes_args_first": "</tool_call>",
    "mistral": "[TOOL_CALLS]",
    "llama3_json": "<|eom_id|>",
    "muse": "</atem:parameter>",
    "inkling": "<|end_message|>",
    "beam": "</rfl:parameter>",
    "json_array": "]",
    "qwen3_coder": "</parameter>",
    "minimax_m2": "</parameter>",
    "glm45": "</arg_value>",
    "seed_oss": "</parameter>",
    "pythonic": "]",
    "deepseek_v3": DEEPSEEK_CALL_END,
    "deepseek_v31": DEEPSEEK_CALL_END,
    "gpt_oss": "<|call|>",
    "mistral_pre_v11": "]",
    "deepseek_v32": DSML_PARAMETER_END,
    "hunyuan_a13b": "</tool_calls>",
    "cohere_command4": "<|END_ACTION|>",
    "granite": "]",
    "granite_20b_fc": "<function_call>",
    "kimi_k3": XTML_ARGUMENT_END,
    "gemma4": "<tool_call|>",
    "functiongemma": "<end_function_call>",
    "ling3": "</arg_value>",
    "ernie45": "</tool_call>",
    "dots": "</parameter>",
    "iquest_q1": "</arg_value>",
    "gigachat35": GCML_PARAMETER_END,
    "minicpm5": "</param>",
    "olmo3": "</function_calls>",
    "plamo3": "<|plamo:end_tool_arguments:plamo|>",
    "mimo": "</parameter>",
    "hy_v3": "</arg_value>",
    "hy_v3_suffixed": "</arg_value:opensource>",
    "lfm2": "<|tool_call_end|>",
    "step3": "</steptml:parameter>",
    "k2_horizon": "</ifm|arg_value>",
    "minimax_m3": f"{MINIMAX_M3_NAMESPACE}</content>",
    "longcat": "</longcat_tool_call>",
    "jamba": "</tool_calls>",
    "phi4_mini_json": "]",
    "internlm": "<|action_end|>",
    "xlam": "```",
    "gigachat3": "</s>",
    "apertus": "<|tools_suffix|>",
    "trinity": "</tool_call>",
    "hermes_tpl": "</tool_call>",
    "qwen3_coder_tpl": "</parameter>",
}
# Gemma 4 and FunctionGemma: call block tokens and the string delimiter.
GEMMA_SPELLINGS = {
    "gemma4": ("<|tool_call>", "<tool_call|>", '<|"|>'),
    "functiongemma": ("<start_function_call>", "<end_function_call>", "<escape>"),
}
# XML-parameter dialects: each argument is written as raw text between tags (no tools are given,
# so both values stay strings), and the parser builds the same JSON object back.
XML_PARAMETERS: dict[str, Callable[[str, str], str]] = {
    "qwen3_coder": lambda key, value: f"<parameter={key}>\n{value}\n</parameter>\n",
    "seed_oss": lambda key, value: f"<parameter={key}>{value}</parameter>\n",
    "minimax_m2": lambda key, value: f'<parameter name="{key}">{value}</parameter>\n',
    "glm45": lambda key, value: f"<arg_key>{key}</arg_key>\n<arg_value>{value}</arg_value>\n",
    # string="true": raw text, by the markup rather than a schema.
    "deepseek_v32": lambda key, value: (
        f'<｜DSML｜parameter name="{key}" string="true">{value}{DSML_PARAMETER_END}\n'
    ),
    # type="string": raw text, by the markup rather than a schema.
    "kimi_k3": lambda key, value: (
        f'<|open|>argument key="{key}" type="string"<|sep|>{value}{XTML_ARGUMENT_END}'
    ),
    "mimo": lambda key, value: f"<parameter={key}>{value}</parameter>",
    "hy_v3": lambda key, value: f"<arg_key>{key}</arg_key>\n<arg_value>{value}</arg_value>\n",
    "step3": lambda key, value: f'<steptml:parameter name="{key}">{value}</steptml:parameter>\n',
    "k2_horizon": lambda key, value: (
        f"<ifm|arg_key>{key}</ifm|arg_key><ifm|arg_value>{value}</ifm|arg_value>"
    ),
    # Elements named after the parameters; untyped text is a string, kept verbatim.
    "minimax_m3": lambda key, value: f"{MINIMAX_M3_NAMESPACE}<{key}>{value}{MINIMAX_M3_NAMESPACE}</{key}>\n",
    # No tools: a value that cannot start JSON streams as a string.
    "muse": lambda key, value: f'<atem:parameter name="{key}">{value}</atem:parameter>\n',
    "beam": lambda key, value: f'<rfl:parameter name="{key}">\n{value}\n</rfl:parameter>',
    "ling3": lambda key, value: f"<arg_key>{key}</arg_key><arg_value>{value}</arg_value>",
    "dots": lambda key, value: f'<parameter name="{key}">{value}</parameter>\n',
    "iquest_q1": lambda key, value: f"<arg_key>{key}</arg_key><arg_value>{value}</arg_value>",
    "gigachat35": lambda key, value: (
        f'<｜GCML｜parameter name="{key}" string="true">{value}{GCML_PARAMETER_END}\n'
    ),
    "minicpm5": lambda key, value: f'<param name="{key}">{value}</param>',
}
# Dialects whose values lose their surrounding whitespace.
STRIPPED_VALUES = (
    "minimax_m2",
    "glm45",
    "hy_v3",
    "step3",
    "k2_horizon",
    "ling3",
    "dots",
    "iquest_q1",
    "minicpm5",
)

# Filler for the "content" string: spaces, quotes (escaped in JSON as \"), a backslash-free path-like
# word, and a few non-ASCII characters (Latin-1, CJK, and one astral-plane emoji). The first piece has
# one of each kind, so that the smallest size (100 characters of arguments) has them too.
_FILLER = (
    'A "quoted" naïve café in 東京 🙂. ',
    'The quick brown fox said "hello" to the lazy dog. ',
    "Streaming parsers must not rescan; ",
    "naïve café déjà vu, ",
    "東京 and 北京 are cities, ",
    'a "quoted phrase" here, ',
    "numbers 12345 and 67890, ",
    "emoji 🙂 once in a while. ",
)


# ---------------------------------------------------------------------------------------------------
# Input


def make_arguments(target_chars: int) -> str:
    """A JSON object ``{"path": ..., "content": ...}`` whose text is ``target_chars`` long (or one
    less, when the boundary falls on an escaped quote). Non-ASCII is written raw, as models do."""
    pieces: list[str] = []
    length = 0
    index = 0
    while length < target_chars:
        piece = _FILLER[index % len(_FILLER)]
        pieces.append(piece)
        length += len(piece)
        index += 1
    filler = "".join(pieces)

    def dumps(n: int) -> str:
        return json.dumps({"path": FILE_PATH, "content": filler[:n]}, ensure_ascii=False)

    # Longest prefix of the filler whose JSON text fits in target_chars (length is monotonic in n).
    low, high = 0, len(filler)
    while low < high:
        mid = (low + high + 1) // 2
        if len(dumps(mid)) <= target_chars:
            low = mid
        else:
            high = mid - 1
    return dumps(low)


def expected_arguments(dialect: str, arguments: str) -> str:
    """What the parser must give back for ``arguments`` rendered in ``dialect``."""
    dialect = SUFFIXED_CASES[dialect][0] if dialect in SUFFIXED_CASES else dialect
    if dialect not in STRIPPED_VALUES:
        return arguments
    return json.dumps({k: v.strip() for k, v in json.loads(arguments).items()}, ensure_ascii=False)


def render(dialect: str, arguments: str, lead: str = LEAD_TEXT) -> str:
    """One call to ``write_file`` with ``arguments``, after a bit of content, in the dialect's format."""
    if dialect in SUFFIXED_CASES:
        base, suffix = SUFFIXED_CASES[dialect]
        return _HUNYUAN_TAG.sub(lambda tag: f"<{tag[1]}{tag[2]}{suffix}>", render(base, arguments, lead))
    dialect = TEMPLATE_CASES.get(dialect, dialect)
    if dialect in XML_PARAMETERS:
        parameters = "".join(XML_PARAMETERS[dialect](k, v) for k, v in json.loads(arguments).items())
        if dialect == "qwen3_coder":
            return f"{lead}\n\n<tool_call>\n<function={FUNCTION_NAME}>\n{parameters}</function>\n</tool_call>"
        if dialect == "seed_oss":
            return f"{lead}\n<seed:tool_call>\n<function={FUNCTION_NAME}>\n{parameters}</function>\n</seed:tool_call>"
        if dialect == "deepseek_v32":
            return (
                f'{lead}\n\n<｜DSML｜function_calls>\n<｜DSML｜invoke name="{FUNCTION_NAME}">\n{parameters}'
                "</｜DSML｜invoke>\n</｜DSML｜function_calls>"
            )
        if dialect == "ling3":  # GLM-4.7's spelling, after the prompt-opened reasoning
            return f"<think>Plan.</think>{lead}\n<tool_call>{FUNCTION_NAME}{parameters}</tool_call>"
        if dialect == "iquest_q1":
            return f"<think>Plan.</think>{lead}\n<iquest_tool_call>{FUNCTION_NAME}{parameters}</iquest_tool_call>"
        if dialect == "dots":
            return (
                f'{lead}\n<dots_function_call>\n<invoke name="{FUNCTION_NAME}">\n{parameters}</invoke>\n'
                "</dots_function_call>"
            )
        if dialect == "minicpm5":  # bare calls, no block
            return f'{lead}\n<function name="{FUNCTION_NAME}">{parameters}</function>'
        if dialect == "gigachat35":
            return (
                f'{lead}\n<｜GCML｜tool_calls>\n<｜GCML｜invoke name="{FUNCTION_NAME}">\n{parameters}'
                "</｜GCML｜invoke>\n</｜GCML｜tool_calls></s>"
            )
        if dialect == "kimi_k3":  # the prompt opened the response channel
            return (
                f"{lead}<|close|>response<|sep|><|open|>tools<|sep|>"
                f'<|open|>call tool="{FUNCTION_NAME}" index="1"<|sep|>{parameters}'
                "<|close|>call<|sep|><|close|>tools<|sep|><|close|>message<|sep|>"
            )
        if dialect == "mimo":  # no newlines inside the block; values verbatim
            return f"{lead}\n<tool_call><function={FUNCTION_NAME}>{parameters}</function></tool_call>"
        if dialect == "hy_v3":
            return f"{lead}\n<tool_calls>\n<tool_call>{FUNCTION_NAME}<tool_sep>\n{parameters}</tool_call>\n</tool_calls>"
        if dialect == "step3":
            return (
                f"{lead}<｜tool_calls_begin｜>\n<｜tool_call_begin｜>function<｜tool_sep｜>"
                f'<steptml:invoke name="{FUNCTION_NAME}">\n{parameters}</steptml:invoke><｜tool_call_end｜>\n'
                "<｜tool_calls_end｜>"
            )
        if dialect == "k2_horizon":
            return f"{lead}\n<ifm|tool_calls>\n<ifm|tool_call>{FUNCTION_NAME}{parameters}</ifm|tool_call>\n</ifm|tool_calls>"
        if dialect == "minimax_m3":
            ns = MINIMAX_M3_NAMESPACE
            return (
                f'{lead}\n{ns}<tool_call>\n{ns}<invoke name="{FUNCTION_NAME}">\n{parameters}{ns}</invoke>\n'
                f"{ns}</tool_call>"
            )
        if dialect == "beam":  # harmony: the content as a final message, then the call message
            return (
                f"<|channel|>final<|message|>{lead}<|end|><|start|>assistant to={FUNCTION_NAME}"
                f"<|channel|>analysis <|constrain|>xml<|message|>{parameters}<|call|>"
            )
        if dialect == "muse":  # the content as a commentary message, then a message to the tool
            return (
                f" to=commentary<|message|>{lead}<|eom|><|start|>assistant to={FUNCTION_NAME}<|message|>"
                f'<atem:function_calls>\n<atem:invoke name="{FUNCTION_NAME}">\n{parameters}</atem:invoke>\n'
                "</atem:function_calls><|eom|>"
            )
        if dialect == "minimax_m2":
            return (
                f'{lead}\n<minimax:tool_call>\n<invoke name="{FUNCTION_NAME}">\n{parameters}</invoke>\n'
                "</minimax:tool_call>"
            )
        return f"{lead}\n<tool_call>{FUNCTION_NAME}\n{parameters}</tool_call>"
    if dialect == "kimi_k2":
        return (
            f"{lead}<|tool_calls_section_begin|><|tool_call_begin|>functions.{FUNCTION_NAME}:0"
            f"<|tool_call_argument_begin|>{arguments}<|tool_call_end|><|tool_calls_section_end|>"
        )
    if dialect == "minimax_m1":
        return f'{lead}\n<tool_calls>\n{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}\n</tool_calls>'
    if dialect == "hermes":
        return f'{lead}\n<tool_call>\n{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}\n</tool_call>'
    if dialect == "ernie45":  # after the reasoning, as the thinking template writes it
        return (
            f'<think>\nPlan.\n</think>\n\n{lead}\n<tool_call>\n{{"name": "{FUNCTION_NAME}", '
            f'"arguments": {arguments}}}\n</tool_call>'
        )
    if dialect == "hermes_args_first":
        # Arguments before the name: held until the name arrives, then released at once.
        return f'{lead}\n<tool_call>\n{{"arguments": {arguments}, "name": "{FUNCTION_NAME}"}}\n</tool_call>'
    if dialect == "mistral":  # the v11+ layout
        return f"{lead}[TOOL_CALLS]{FUNCTION_NAME}[ARGS]{arguments}"
    if dialect == "mistral_pre_v11":  # one JSON array of call objects after the control token
        return f'{lead}[TOOL_CALLS] [{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}]'
    if dialect == "deepseek_v3":  # the arguments in a ```json fence after the name line
        return (
            f"{lead}{DEEPSEEK_CALLS_BEGIN}{DEEPSEEK_CALL_BEGIN}function{DEEPSEEK_SEP}{FUNCTION_NAME}\n"
            f"```json\n{arguments}\n```{DEEPSEEK_CALL_END}{DEEPSEEK_CALLS_END}"
        )
    if dialect == "deepseek_v31":
        return (
            f"{lead}{DEEPSEEK_CALLS_BEGIN}{DEEPSEEK_CALL_BEGIN}{FUNCTION_NAME}{DEEPSEEK_SEP}"
            f"{arguments}{DEEPSEEK_CALL_END}{DEEPSEEK_CALLS_END}"
        )
    if dialect == "gpt_oss":
        # Harmony: the content as a commentary preamble (the first header's <|start|>assistant is the
        # prompt's), then one call message, which <|call|> ends (a stop token).
        return (
            f"<|channel|>commentary<|message|>{lead}<|end|>"
            f"<|start|>assistant<|channel|>commentary to=functions.{FUNCTION_NAME} <|constrain|>json"
            f"<|message|>{arguments}<|call|>"
        )
    if dialect == "inkling":  # a text block, then a call block (the header is the tool's name)
        return (
            f"<|message_model|><|content_text|>{lead}<|end_message|><|message_model|>{FUNCTION_NAME}"
            f'<|content_invoke_tool_json|>{{"name": "{FUNCTION_NAME}", "args": {arguments}}}<|end_message|>'
        )
    if dialect == "llama3_json":
        return f'{lead}<|python_tag|>{{"name": "{FUNCTION_NAME}", "parameters": {arguments}}}'
    if dialect == "json_array":  # the calls alone: no content
        return f'[{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}]'
    if dialect in GEMMA_SPELLINGS:
        # Gemma's object literal: bare keys, strings raw between the delimiter token.
        opener, end, quote = GEMMA_SPELLINGS[dialect]
        body = ",".join(f"{key}:{quote}{value}{quote}" for key, value in json.loads(arguments).items())
        return f"{lead}{opener}call:{FUNCTION_NAME}{{{body}}}{end}"
    if dialect == "olmo3":  # one call per line in the block, Python literals as for pythonic
        kwargs = ", ".join(f"{key}={value!r}" for key, value in json.loads(arguments).items())
        return f"{lead}<function_calls>{FUNCTION_NAME}({kwargs})</function_calls>"
    if dialect == "plamo3":  # multi-token text markers, JSON arguments
        return (
            f"{lead}<|plamo:begin_tool_requests:plamo|><|plamo:begin_tool_request:plamo|>"
            f"<|plamo:begin_tool_name:plamo|>{FUNCTION_NAME}<|plamo:end_tool_name:plamo|>"
            f"<|plamo:begin_tool_arguments:plamo|><|plamo:constrain|>json<|plamo:msg|>{arguments}"
            "<|plamo:end_tool_arguments:plamo|><|plamo:end_tool_request:plamo|><|plamo:end_tool_requests:plamo|>"
        )
    if dialect == "pythonic":
        # The list must open the output, so the content follows it. Python's repr of each value is
        # a literal the parser converts back to exactly ``arguments`` (json.dumps, ensure_ascii=False).
        kwargs = ", ".join(f"{key}={value!r}" for key, value in json.loads(arguments).items())
        return f"[{FUNCTION_NAME}({kwargs})]\n{lead}"
    if dialect == "hunyuan_a13b":  # a JSON array in <tool_calls>
        return f'{lead}\n<tool_calls>[{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}]</tool_calls>'
    if dialect == "cohere_command4":  # the reply wrapper, then the action block with Cohere's keys
        return (
            f"<|START_RESPONSE|>{lead}<|END_RESPONSE|><|START_ACTION|>"
            f'[{{"tool_call_id": "0", "tool_name": "{FUNCTION_NAME}", "parameters": {arguments}}}]<|END_ACTION|>'
        )
    if dialect == "granite":  # Granite 3.0's token, then the array
        return f'{lead}<|tool_call|>[{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}]'
    if dialect == "granite_20b_fc":
        return f'{lead} <function_call> {{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}'
    if dialect == "lfm2":  # the same list between LFM2's markers, after the content
        kwargs = ", ".join(f"{key}={value!r}" for key, value in json.loads(arguments).items())
        return f"{lead}<|tool_call_start|>[{FUNCTION_NAME}({kwargs})]<|tool_call_end|>"
    call_object = f'{{"name": "{FUNCTION_NAME}", "arguments": {arguments}}}'
    if dialect == "longcat":
        return f"{lead}\n<longcat_tool_call>\n{call_object}\n</longcat_tool_call>"
    if dialect == "jamba":
        return f"{lead} <tool_calls>[{call_object}]</tool_calls>"
    if dialect == "phi4_mini_json":
        return f"{lead} functools[{call_object}]"
    if dialect == "internlm":
        return f"{lead}<|action_start|><|plugin|>\n{call_object}<|action_end|>"
    if dialect == "xlam":  # a fenced array after prose
        return f"{lead}\n```json\n[{call_object}]\n```"
    if dialect == "gigachat3":
        return f"{lead}<|message_sep|>\n\nfunction call<|role_sep|>\n{call_object}</s>"
    if dialect == "apertus":  # name-keyed
        return f'{lead} <|tools_prefix|>[{{"{FUNCTION_NAME}": {arguments}}}]<|tools_suffix|>'
    if dialect == "trinity":  # the call inside the reasoning
        return f"<think>Writing it.\n<tool_call>\n{call_object}\n</tool_call>\n</think>{lead}"
    raise ValueError(f"no renderer for dialect {dialect!r}")


def dialect_of(case: str) -> Any:
    """The dialect argument a case is parsed with: a name, or a template's dialect object."""
    if case in TEMPLATE_CASES:
        return _template_dialect(case)
    if case in SUFFIXED_CASES:
        return streamparse.with_token_suffix(*SUFFIXED_CASES[case])
    return VARIANTS.get(case, case)


@functools.cache
def _template_dialect(case: str) -> streamparse.TemplateDialect:
    return streamparse.load_dialect(_TEMPLATE_DIR / f"{TEMPLATE_CASES[case]}.json", name=case)


def split(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


@dataclass
class Case:
    dialect: str
    size: int  # target arguments length
    arguments: str  # the arguments JSON text as rendered (as the parser must give it back)
    text: str  # the whole rendered response
    deltas: dict[int, list[str]] = field(default_factory=dict)  # width -> deltas


def make_case(dialect: str, size: int, widths: Sequence[int] = DELTA_WIDTHS) -> Case:
    arguments = make_arguments(size)
    text = render(dialect, arguments)
    return Case(
        dialect, size, expected_arguments(dialect, arguments), text, {w: split(text, w) for w in widths}
    )


# ---------------------------------------------------------------------------------------------------
# Correctness of the input (untimed): does the parser give back what was rendered?


def fold_wire(dialect: str, deltas: Sequence[str]) -> streamparse.ParseResult:
    parser = streamparse.StreamParser(dialect_of(dialect), id_seed=0)
    out = [parser.feed(d) for d in deltas]
    out.append(parser.finish())
    return streamparse.fold_deltas(out, parser.finish_reason)


def event_arguments(dialect: str, deltas: Sequence[str]) -> tuple[list[str], list[str]]:
    """(names of started calls, concatenated arguments per call) at the event level."""
    parser = streamparse.StreamParser(dialect_of(dialect), id_seed=0)
    events: list[Any] = []
    for d in deltas:
        events.extend(parser.feed_events(d))
    events.extend(parser.finish_events())
    names = [e.name for e in events if isinstance(e, streamparse.CallStart)]
    args = ["" for _ in names]
    for e in events:
        if isinstance(e, streamparse.CallArguments):
            args[e.index] += e.text
    return names, args


def check_case(case: Case, width: int) -> bool:
    """True when both levels yield exactly one ``write_file`` call with the rendered arguments."""
    deltas = case.deltas[width]
    result = fold_wire(case.dialect, deltas)
    names, args = event_arguments(case.dialect, deltas)
    return (
        len(result.tool_calls) == 1
        and result.tool_calls[0].function.name == FUNCTION_NAME
        and result.tool_calls[0].function.arguments == case.arguments
        and names == [FUNCTION_NAME]
        and args == [case.arguments]
    )


# ---------------------------------------------------------------------------------------------------
# Timing


# Each sample times `passes` whole responses back to back, each with its own parser built before the
# clock starts, so that a sample of a small case is long enough (MIN_SAMPLE_DELTAS deltas in all) not to be
# dominated by timer resolution and scheduler noise. One pass = every delta, then finish().
MIN_SAMPLE_DELTAS = 20_000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The garbage collector off inside a timed region (its pauses would land in one level's sample)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _time_level(level: str, dialect: str, deltas: list[str], passes: int) -> int:
    """Nanoseconds to feed and finish ``passes`` responses at ``level`` ("event" or "wire")."""
    parsers = [streamparse.StreamParser(dialect_of(dialect), id_seed=0) for _ in range(passes)]
    with gc_paused():
        start = time.perf_counter_ns()
        for parser in parsers:
            feed = parser.feed_events if level == "event" else parser.feed
            for d in deltas:
                feed(d)
            if level == "event":
                parser.finish_events()
            else:
                parser.finish()
        return time.perf_counter_ns() - start


def _time_event(dialect: str, deltas: list[str], passes: int) -> int:
    return _time_level("event", dialect, deltas, passes)


def _time_wire(dialect: str, deltas: list[str], passes: int) -> int:
    return _time_level("wire", dialect, deltas, passes)


def _time_floor(dialect: str, deltas: list[str], passes: int) -> int:
    search = re.compile(re.escape(END_MARKERS[dialect])).search
    with gc_paused():
        start = time.perf_counter_ns()
        for _ in range(passes):
            for d in deltas:
                search(d)
        return time.perf_counter_ns() - start


_new_event = tuple.__new__


class StubParser:
    """The stub level: one search and one arguments event per delta, nothing parsed."""

    __slots__ = ("_search", "chars")

    def __init__(self, end_marker: str) -> None:
        self._search = re.compile(re.escape(end_marker)).search
        self.chars = 0

    def feed_events(self, text: str) -> list[streamparse.Event]:
        if self._search(text) is None:
            self.chars += len(text)
            return [_new_event(streamparse.CallArguments, (0, text))]  # as the machine builds them
        return []


def _time_stub(dialect: str, deltas: list[str], passes: int) -> int:
    parsers = [StubParser(END_MARKERS[dialect]) for _ in range(passes)]
    with gc_paused():
        start = time.perf_counter_ns()
        for parser in parsers:
            feed = parser.feed_events
            for d in deltas:
                feed(d)
        return time.perf_counter_ns() - start


TIMERS: dict[str, Callable[[str, list[str], int], int]] = {
    "event": _time_event,
    "wire": _time_wire,
    "floor": _time_floor,
    "stub": _time_stub,
}


def us_per_delta_by_repeat(
    dialect: str, deltas: list[str], repeats: int, min_sample_deltas: int = MIN_SAMPLE_DELTAS
) -> dict[str, list[float]]:
    """µs per delta of every level in each of ``repeats`` repeats. The levels take turns within each
    repeat, a few tens of milliseconds apart, so one repeat sees one speed of the machine."""
    passes = max(1, -(-min_sample_deltas // len(deltas)))
    for level in LEVELS:  # warm-up: imports, caches, specialisation
        TIMERS[level](dialect, deltas, 1)
    samples: dict[str, list[float]] = {level: [] for level in LEVELS}
    for _ in range(repeats):
        for level in LEVELS:
            ns = TIMERS[level](dialect, deltas, passes)
            samples[level].append(ns / (passes * len(deltas)) / 1000.0)
    return samples


def construction_us(dialect: str, repeats: int, loops: int = 200) -> float:
    """Best-of-N mean cost of ``StreamParser(dialect, id_seed=0)``, in µs."""
    best = None
    for _ in range(repeats):
        with gc_paused():
            start = time.perf_counter_ns()
            for _ in range(loops):
                streamparse.StreamParser(dialect_of(dialect), id_seed=0)
            elapsed = time.perf_counter_ns() - start
        best = elapsed if best is None else min(best, elapsed)
    assert best is not None
    return best / loops / 1000.0


def peak_kib(level: str, dialect: str, deltas: list[str]) -> tuple[float, float]:
    """(peak KiB above the pre-feed baseline during a full feed + finish, KiB still held after it).

    The deltas exist before tracing starts, and outputs are dropped as a streaming server would drop
    them once sent, so the figures are the parser's own working memory."""
    gc.collect()
    tracemalloc.start()
    try:
        parser = streamparse.StreamParser(dialect_of(dialect), id_seed=0)
        feed: Callable[[str], object]
        finish: Callable[[], object]
        if level == "event":
            feed, finish = parser.feed_events, parser.finish_events
        else:
            feed, finish = parser.feed, parser.finish
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for d in deltas:
            feed(d)
        finish()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) / 1024.0, (current - base) / 1024.0


# ---------------------------------------------------------------------------------------------------
# The run


@dataclass
class Row:
    dialect: str
    size: int
    args_chars: int
    width: int
    n_deltas: int
    text_chars: int  # the whole response, markup included: every character streamed
    us: dict[str, float]  # level -> µs/delta, best of the repeats
    ok: bool
    # level -> µs/delta in each repeat. The host's speed can change for seconds at a time (a VM's
    # neighbours), so the bests of two levels may come from different speeds; the ratios are taken
    # within each repeat, and their median is reported.
    by_repeat: dict[str, list[float]] = field(default_factory=dict)

    def ratio(self, level: str, reference: str) -> float:
        if not self.by_repeat:
            return self.us[level] / self.us[reference]
        pairs = zip(self.by_repeat[level], self.by_repeat[reference], strict=True)
        return statistics.median(a / b for a, b in pairs)

    def seconds_per_million_chars(self, level: str) -> float:
        """Seconds to stream a million characters at ``level``: the per-delta figure times deltas per
        character (µs per character is numerically seconds per million characters)."""
        return self.us[level] * self.n_deltas / self.text_chars

    @property
    def event_ratio(self) -> float:
        return self.ratio("event", "floor")

    @property
    def wire_ratio(self) -> float:
        return self.ratio("wire", "floor")

    @property
    def stub_ratio(self) -> float:
        return self.ratio("event", "stub")


@dataclass
class Report:
    rows: list[Row]
    construction: dict[str, float]  # dialect -> µs
    memory: list[tuple[str, str, int, int, float, float]]  # dialect, level, width, args_chars, peak, held
    repeats: int
    command: str
    min_sample_deltas: int = MIN_SAMPLE_DELTAS

    def row(self, dialect: str, size: int, width: int) -> Row:
        for r in self.rows:
            if (r.dialect, r.size, r.width) == (dialect, size, width):
                return r
        raise KeyError((dialect, size, width))


def run(
    dialects: Sequence[str] = DIALECTS,
    sizes: Sequence[int] = SIZES,
    widths: Sequence[int] = DELTA_WIDTHS,
    repeats: int = 5,
    memory: bool = True,
    command: str = "",
    min_sample_deltas: int = MIN_SAMPLE_DELTAS,
) -> Report:
    rows: list[Row] = []
    mem: list[tuple[str, str, int, int, float, float]] = []
    construction = {d: construction_us(d, repeats) for d in dialects}
    for dialect in dialects:
        for size in sizes:
            case = make_case(dialect, size, widths)
            for width in widths:
                deltas = case.deltas[width]
                ok = check_case(case, width)
                by_repeat = us_per_delta_by_repeat(dialect, deltas, repeats, min_sample_deltas)
                us = {level: min(figures) for level, figures in by_repeat.items()}
                rows.append(
                    Row(
                        dialect,
                        size,
                        len(case.arguments),
                        width,
                        len(deltas),
                        len(case.text),
                        us,
                        ok,
                        by_repeat,
                    )
                )
        if memory:
            big = make_case(dialect, max(sizes), widths)
            for width in widths:
                for level in ("event", "wire"):
                    peak, held = peak_kib(level, dialect, big.deltas[width])
                    mem.append((dialect, level, width, len(big.arguments), peak, held))
    return Report(rows, construction, mem, repeats, command, min_sample_deltas)


def git_revision() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "streamparse"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return rev + (" (streamparse/ modified)" if dirty else "")


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not available on this platform
        return "?"


def environment_lines(command: str) -> list[str]:
    """The header of a benchmark report: what ran, where, when, and how busy the machine was."""
    return [
        f"  command:  {command}",
        f"  python:   {sys.version.split()[0]} ({platform.python_implementation()}) {sys.executable}",
        f"  platform: {platform.platform()} / {platform.machine()} / {platform.processor() or '?'}",
        f"  date:     {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"  package:  streamparse {streamparse.__version__} ({Path(streamparse.__file__).parent}),"
        f" git {git_revision()}",
        f"  load:     {_load_average()} (1-minute load average at the end of the run; {os.cpu_count()} CPUs)",
    ]


# Issue 7's targets, at 4-character deltas: (what, limit, the figure of a row it limits).
TARGET_WIDTH = 4
TARGETS: tuple[tuple[str, float, Callable[[Row], float]], ...] = (
    ("event µs/delta", 1.0, lambda r: r.us["event"]),
    ("event / floor", 5.0, lambda r: r.event_ratio),
    ("wire µs/delta", 2.0, lambda r: r.us["wire"]),
)
FLATNESS_TARGET = 1.5


def format_targets(report: Report) -> list[str]:
    """One line per target: how many dialects meet it at every size (and, for the per-delta targets, at
    the largest size, where a call's fixed costs are spread thinnest), and the figures of the rest."""
    rows = [r for r in report.rows if r.width == TARGET_WIDTH]
    if not rows:
        return []
    dialects = list(dict.fromkeys(r.dialect for r in rows))
    sizes = sorted({r.size for r in rows})
    checks: list[tuple[str, float, dict[str, float]]] = []
    for what, limit, figure in TARGETS:
        every_size = {d: max(figure(r) for r in rows if r.dialect == d) for d in dialects}
        checks.append((f"{what}, every size", limit, every_size))
        if len(sizes) > 1:
            largest = {d: figure(report.row(d, sizes[-1], TARGET_WIDTH)) for d in dialects}
            checks.append((f"{what}, at {sizes[-1]:,}", limit, largest))
    if len(sizes) > 1:
        for level in ("event", "wire"):
            flatness = {
                d: report.row(d, sizes[-1], TARGET_WIDTH).us[level]
                / report.row(d, sizes[0], TARGET_WIDTH).us[level]
                for d in dialects
            }
            checks.append((f"{level} flatness {sizes[0]:,} -> {sizes[-1]:,}", FLATNESS_TARGET, flatness))
    out = [f"targets (issue 7), {TARGET_WIDTH}-char deltas:"]
    for what, limit, by_dialect in checks:
        missed = sorted(((v, d) for d, v in by_dialect.items() if v > limit), reverse=True)
        line = f"  {what} <= {limit:g}: met by {len(dialects) - len(missed)} of {len(dialects)}"
        if missed:
            line += "; not by " + ", ".join(f"{d} {v:.2f}" for v, d in missed)
        out.append(line)
    stub_over_floor = [r.ratio("stub", "floor") for r in rows]
    out.append(
        f"  for scale: the stub parser costs {min(stub_over_floor):.1f}-{max(stub_over_floor):.1f}x the floor;"
        f" event / stub is {min(r.stub_ratio for r in rows):.1f}-{max(r.stub_ratio for r in rows):.1f}"
    )
    out.append("")
    return out


def format_report(report: Report) -> str:
    lines: list[str] = []
    add = lines.append
    add("streamparse feed benchmark")
    lines.extend(environment_lines(report.command))
    add(
        f"  timing:   best of {report.repeats}, perf_counter_ns, GC off, µs per delta (total / deltas),"
        f" samples of >= {report.min_sample_deltas:,} deltas"
    )
    add("  s/M:      seconds per million streamed characters (markup included), derived from the wall-clock")
    add("            µs/delta figure as µs/delta x deltas / characters; the loop is single-threaded, so this")
    add("            is its CPU time whenever the best repeat ran without being descheduled")
    add("")

    widths = sorted({r.width for r in report.rows}, reverse=True)
    sizes = sorted({r.size for r in report.rows})
    dialects = list(dict.fromkeys(r.dialect for r in report.rows))

    head1 = f"{'dialect':<17} {'args':>6} |"
    head2 = f"{'':<17} {'chars':>6} |"
    for w in widths:
        columns = (
            f" {'deltas':>6} {'event':>6} {'wire':>6} {'floor':>6} {'stub':>6} {'ev/fl':>6} {'wi/fl':>6}"
            f" {'ev/st':>6} {'ev s/M':>7} {'wi s/M':>7} {'ok':>3}"
        )
        head1 += f" {f'{w}-char deltas: µs/delta, s/M':^{len(columns) - 1}} |"
        head2 += columns + " |"
    add(head1)
    add(head2)
    add("-" * len(head2))
    for dialect in dialects:
        for size in sizes:
            first = report.row(dialect, size, widths[0])
            line = f"{dialect:<17} {first.args_chars:>6} |"
            for w in widths:
                r = report.row(dialect, size, w)
                line += (
                    f" {r.n_deltas:>6} {r.us['event']:>6.2f} {r.us['wire']:>6.2f} {r.us['floor']:>6.3f}"
                    f" {r.us['stub']:>6.3f} {r.event_ratio:>6.1f} {r.wire_ratio:>6.1f} {r.stub_ratio:>6.1f}"
                    f" {r.seconds_per_million_chars('event'):>7.2f} {r.seconds_per_million_chars('wire'):>7.2f}"
                    f" {'yes' if r.ok else 'NO':>3} |"
                )
            add(line)
    add("")
    lines.extend(format_targets(report))

    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        add(f"flatness: µs/delta at {hi:,} ÷ µs/delta at {lo:,} (1.0 = flat); 'vs floor' divides out the")
        add(
            "floor's own flatness, i.e. compares the x-floor ratios, which is robust to the host's speed drifting"
        )
        head = f"{'dialect':<17} {'level':<6} |" + "".join(
            f" {f'{w}-char':>7} {'vs floor':>8} |" for w in widths
        )
        add(head)
        add("-" * len(head))
        for dialect in dialects:
            for level in LEVELS:
                line = f"{dialect:<17} {level:<6} |"
                for w in widths:
                    big, small = report.row(dialect, hi, w), report.row(dialect, lo, w)
                    flat = big.us[level] / small.us[level]
                    floor_flat = big.us["floor"] / small.us["floor"]
                    rel = "-" if level == "floor" else f"{flat / floor_flat:.2f}"
                    line += f" {flat:>7.2f} {rel:>8} |"
                add(line)
        add("")

    if report.construction:
        add("construction: StreamParser(dialect, id_seed=0), µs each (not in the figures above)")
        for dialect, us in report.construction.items():
            add(f"  {dialect:<17} {us:8.2f}")
        add("")

    if report.memory:
        add("peak memory (tracemalloc, untimed): KiB above the pre-feed baseline during feed + finish,")
        add("outputs dropped as they come; 'held' = KiB still allocated after finish")
        head = (
            f"{'dialect':<17} {'level':<6} {'deltas':>7} {'args chars':>10} | {'peak KiB':>9} {'held KiB':>9}"
        )
        add(head)
        add("-" * len(head))
        for dialect, level, width, chars, peak, held in report.memory:
            add(f"{dialect:<17} {level:<6} {f'{width}-char':>7} {chars:>10} | {peak:>9.1f} {held:>9.1f}")
        add("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# The figure

DEFAULT_PLOT = Path(__file__).resolve().parent / "out" / "feed.png"
PLOT_LEVELS = ("event", "wire")


def plot_report(report: Report, path: Path) -> str:
    """Write a PNG of µs/delta against arguments length (log x), one panel per level and delta width,
    one line per dialect. Returns the line to print: where it went, or why and how it was skipped."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed (CI, SSH)
        import matplotlib.pyplot as plt
    except ImportError:
        return "plot skipped: matplotlib is not installed (pip install -e '.[bench]')"

    widths = sorted({r.width for r in report.rows}, reverse=True)
    dialects = list(dict.fromkeys(r.dialect for r in report.rows))
    sizes = sorted({r.size for r in report.rows})
    palette = plt.get_cmap("tab10")  # 10 distinct colours; a second line style covers dialects 11 to 20
    figure, axes = plt.subplots(
        len(PLOT_LEVELS),
        len(widths),
        figsize=(6.0 * len(widths), 4.2 * len(PLOT_LEVELS)),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for row_index, level in enumerate(PLOT_LEVELS):
        for column_index, width in enumerate(widths):
            panel = axes[row_index][column_index]
            for dialect_index, dialect in enumerate(dialects):
                points = [report.row(dialect, size, width) for size in sizes]
                panel.plot(
                    [r.args_chars for r in points],
                    [r.us[level] for r in points],
                    marker="o",
                    markersize=3,
                    linewidth=1.2,
                    color=palette(dialect_index % 10),
                    linestyle="-" if dialect_index < 10 else "--",
                    label=dialect,
                )
            floor = [report.row(dialects[0], size, width).us["floor"] for size in sizes]
            panel.plot(sizes, floor, color="black", linestyle=":", linewidth=1, label="floor (regex search)")
            stub = [report.row(dialects[0], size, width).us["stub"] for size in sizes]
            panel.plot(sizes, stub, color="black", linestyle="-.", linewidth=1, label="stub (search + event)")
            panel.set_xscale("log")
            panel.grid(True, which="both", alpha=0.3)
            panel.set_title(
                f"{level} level ({'feed_events' if level == 'event' else 'feed'}), {width}-char deltas"
            )
            if row_index == len(PLOT_LEVELS) - 1:
                panel.set_xlabel("arguments length (characters)")
            if column_index == 0:
                panel.set_ylabel("µs per delta")
    # The panels share the y axis; its top is set once every panel is drawn, from all of them.
    highest = max(r.us[level] for r in report.rows for level in PLOT_LEVELS)
    axes[0][0].set_ylim(0, highest * 1.05)
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="center right", fontsize="small")
    date = datetime.date.today().isoformat()
    figure.suptitle(
        f"streamparse feed: µs per delta, best of {report.repeats} ({date}, CPython {platform.python_version()},"
        f" git {git_revision()})"
    )
    figure.tight_layout(rect=(0, 0, 0.84, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return f"plot written to {path}"


def main(argv: Sequence[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: best of 1, small sizes and samples, no plot"
    )
    parser.add_argument("--repeats", type=int, default=None, help="best of N (default 5, or 1 with --quick)")
    parser.add_argument(
        "--sizes",
        default=None,
        help=f"comma-separated argument sizes in chars (default {','.join(map(str, SIZES))},"
        f" or {','.join(map(str, QUICK_SIZES))} with --quick)",
    )
    parser.add_argument(
        "--dialects",
        default=None,
        help=f"comma-separated (default {','.join(DIALECTS)})",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the figure here (default benchmarks/out/feed.png; none with --quick unless given)",
    )
    parser.add_argument("--no-plot", action="store_true", help="do not write the figure")
    args = parser.parse_args(argv)

    argv_list = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["python", "benchmarks/bench_feed.py", *argv_list])
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 5)
    sizes = (
        tuple(int(s) for s in args.sizes.split(",")) if args.sizes else QUICK_SIZES if args.quick else SIZES
    )
    dialects = tuple(args.dialects.split(",")) if args.dialects else DIALECTS
    # A tenth of the sample keeps the smoke run short; its figures are plumbing, not measurements.
    min_sample_deltas = MIN_SAMPLE_DELTAS // 10 if args.quick else MIN_SAMPLE_DELTAS
    report = run(
        dialects,
        sizes,
        repeats=repeats,
        memory=not args.no_memory,
        command=command,
        min_sample_deltas=min_sample_deltas,
    )
    print(format_report(report))
    plot_path = None if args.no_plot else args.plot if args.plot else None if args.quick else DEFAULT_PLOT
    if plot_path is not None:
        print(plot_report(report, plot_path))
    return report


if __name__ == "__main__":
    main()
