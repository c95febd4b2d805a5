"""Side by side: streamparse against vLLM's and SGLang's streaming tool-call parsers, same text, same cuts.

Run from the project root, with the project's own interpreter:

    python benchmarks/bench_peers.py            # sizes 100 to 50,000; best of 5 (slow peer cells fewer)
    python benchmarks/bench_peers.py --quick    # smoke run: kimi_k2, hermes, qwen3_coder at 100 chars
    python benchmarks/bench_peers.py --cases hermes --sizes 1000,100000 --max-peer-seconds 600

vLLM and SGLang are not dependencies of streamparse. The script looks for them in a separate "peers"
interpreter (``--peers-python PATH``, else $STREAMPARSE_PEERS_PYTHON, else
$HOME/.cache/streamparse-peers-venv/bin/python) or, failing that, in the current interpreter. With
neither it prints how to build the peers virtualenv and exits with status 0. Otherwise it runs itself
again under the peers interpreter (``--worker``) with this repository first on ``sys.path``, so that
OUR parser and THEIR parsers are timed in one process (streamparse needs only pydantic and regex, which
the peers install has too).

For every case (a dialect that both engines parse) and size, the response is bench_feed's: one call
to ``write_file`` whose arguments JSON is about SIZE characters, after a short content sentence. It is
cut every 4 characters, except that a cut inside one of the dialect's special tokens moves to the end
of that token, because a real tokenizer never emits half of one; every contestant gets exactly these
deltas:

* ours event / wire: ``StreamParser(dialect, tools=TOOLS)``, ``feed_events`` / ``feed`` per delta, then
  ``finish_events`` / ``finish``;
* vLLM: the parser class that serving builds (``ParserManager.get_parser``, auto tool choice, no
  reasoning parser), ``Parser.parse_delta(text, token_ids, request, finished=last)`` per delta. Its
  tokenizer is a stand-in that makes each special token one id and every other character its own id,
  so ``decode(token_ids) == text`` for every delta;
* SGLang: ``FunctionCallParser(tools, name).parse_stream_chunk`` per delta, then ``parse_stream_end``.

The timed region holds only those calls: parsers, requests and token ids are built before the clock
starts, outputs are only appended to a list, and the clients' accumulation of the deltas (plus SGLang
serving's fix-up for arguments it never streamed, which runs once at the end) happens afterwards,
untimed. The clock is ``time.perf_counter_ns`` with the garbage collector off, best of N; a sample of a
small case covers several whole responses (at least bench_feed.MIN_SAMPLE_DELTAS deltas), and the
contestants take turns within each repeat so that a slow spell of the machine hits them alike. A peer
whose time in one cell passes ``--max-peer-seconds`` gets no more repeats there (SGLang's hermes parser
takes minutes at 50,000 characters), which the "reps" column shows; a peer whose one stream would take
longer than ``--skip-peer-seconds``, extrapolated quadratically from the size before, is not run at that
size at all ("skip"). Rows are printed as they are measured.

"ok" is checked on an untimed run of each contestant: one ``write_file`` call whose accumulated
arguments parse to the object that was rendered (ours must give back the exact text). The ratio
columns divide a peer's µs/delta by ours at the wire level, the level that produces what an engine
sends. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
REPO_ROOT = BENCHMARKS.parent
# This repository's streamparse and bench_feed come first: under the peers interpreter nothing of ours
# is installed, and under ours an installed streamparse must not shadow the working tree.
for _path in (str(BENCHMARKS), str(REPO_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from bench_feed import (  # noqa: E402
    FUNCTION_NAME,
    MIN_SAMPLE_DELTAS,
    dialect_of,
    environment_lines,
    expected_arguments,
    gc_paused,
    make_arguments,
    render,
)

import streamparse  # noqa: E402

DEFAULT_PEERS_PYTHON = Path.home() / ".cache" / "streamparse-peers-venv" / "bin" / "python"
PEERS_PYTHON_VARIABLE = "STREAMPARSE_PEERS_PYTHON"
NO_PEERS_MESSAGE = (
    "bench_peers: skipped, no vLLM/SGLang found. The side-by-side run needs both engines' parser "
    "modules in a separate virtualenv (they pin torch and other heavy packages that streamparse does not "
    "need): build it with Python 3.11 as $HOME/.cache/streamparse-peers-venv, installing vllm==0.33.0 and "
    "sglang==0.5.23 with --no-deps plus the light modules their parsers import (pydantic, regex, "
    "partial-json-parser, openai, transformers, msgspec, a CPU torch wheel; the team's script "
    "shared/peers/setup.sh does exactly this), then run this script again, or point it at another "
    f"interpreter with --peers-python PATH or ${PEERS_PYTHON_VARIABLE}."
)

SIZES = (100, 1_000, 10_000, 50_000)
QUICK_SIZES = (100,)
DELTA_WIDTH = 4
TARGET_CASES = ("kimi_k2", "hermes", "qwen3_coder")
TARGET_RATIO = 5.0  # ours at least this much faster than the faster peer, every size, TARGET_CASES
HERMES_TARGET = (50_000, 100.0)  # ... and this much faster on hermes at this size

# The one tool of the request: both peers check the name against it, and the XML dialects type values
# by its schema (both parameters are strings, so the values stay the text that was written).
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": FUNCTION_NAME,
            "description": "Write a text file.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                "required": ["path", "content"],
            },
        },
    }
]

THINK_TOKENS = ("<think>", "</think>")
DEEPSEEK_TOKENS = (
    "<｜tool▁calls▁begin｜>",
    "<｜tool▁calls▁end｜>",
    "<｜tool▁call▁begin｜>",
    "<｜tool▁call▁end｜>",
    "<｜tool▁sep｜>",
)


@dataclass(frozen=True)
class PeerCase:
    """A bench_feed case as both engines name it, and the strings its model's tokenizer keeps whole."""

    vllm_parser: str
    sglang_parser: str
    special_tokens: tuple[str, ...]
    # The content sentence before the call ("" when a peer only finds a call at the start of the output).
    lead: str = "I'll write the file now."


PEER_CASES: dict[str, PeerCase] = {
    "kimi_k2": PeerCase(
        "kimi_k2",
        "kimi_k2",
        (
            "<|tool_calls_section_begin|>",
            "<|tool_calls_section_end|>",
            "<|tool_call_begin|>",
            "<|tool_call_end|>",
            "<|tool_call_argument_begin|>",
            *THINK_TOKENS,
        ),
    ),
    "hermes": PeerCase("hermes", "hermes", ("<tool_call>", "</tool_call>", *THINK_TOKENS)),
    "qwen3_coder": PeerCase("qwen3_coder", "qwen3_coder", ("<tool_call>", "</tool_call>", *THINK_TOKENS)),
    "minimax_m2": PeerCase(
        "minimax_m2", "minimax-m2", ("<minimax:tool_call>", "</minimax:tool_call>", *THINK_TOKENS)
    ),
    "glm45": PeerCase(
        "glm45",
        "glm45",
        (
            "<tool_call>",
            "</tool_call>",
            "<arg_key>",
            "</arg_key>",
            "<arg_value>",
            "</arg_value>",
            *THINK_TOKENS,
        ),
    ),
    # vLLM's Llama 3 parser reads a call only at the very start of the output.
    "llama3_json": PeerCase("llama3_json", "llama3", ("<|python_tag|>",), lead=""),
    "deepseek_v3": PeerCase("deepseek_v3", "deepseekv3", DEEPSEEK_TOKENS),
    "deepseek_v31": PeerCase("deepseek_v31", "deepseekv31", DEEPSEEK_TOKENS),
    "pythonic": PeerCase("pythonic", "pythonic", ()),
    # Both peers read Mistral's pre-v11 layout: [TOOL_CALLS] [{"name": ..., "arguments": ...}].
    "mistral_pre_v11": PeerCase("mistral", "mistral", ("[TOOL_CALLS]",)),
    # DeepSeek-V3.2's DSML: the bar-delimited prefix of every tag is one token of its tokenizer.
    "deepseek_v32": PeerCase("deepseek_v32", "deepseekv32", ("<｜DSML｜", "</｜DSML｜", *THINK_TOKENS)),
    "gemma4": PeerCase(
        "gemma4", "gemma4", ("<|tool_call>", "<tool_call|>", '<|"|>', "<|channel>", "<channel|>")
    ),
}
QUICK_CASES = TARGET_CASES


# ---------------------------------------------------------------------------------------------------
# Input: the same text and the same cuts for every contestant


@dataclass
class PeerInput:
    case: str
    size: int
    arguments: str  # what ours must give back, byte for byte
    expected: Any  # the arguments as a JSON value: what a peer's arguments must parse to
    text: str
    deltas: list[str]


def special_token_pattern(special_tokens: Sequence[str]) -> re.Pattern[str] | None:
    if not special_tokens:
        return None
    longest_first = sorted(special_tokens, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)))


def cut(text: str, width: int, special_tokens: Sequence[str]) -> list[str]:
    """``text`` cut every ``width`` characters; a cut inside a special token moves to that token's end."""
    end_of_token_at: dict[int, int] = {}
    pattern = special_token_pattern(special_tokens)
    if pattern is not None:
        for match in pattern.finditer(text):
            for inside in range(match.start() + 1, match.end()):
                end_of_token_at[inside] = match.end()
    cuts = sorted({end_of_token_at.get(position, position) for position in range(width, len(text), width)})
    bounds = [0, *(c for c in cuts if c < len(text)), len(text)]
    return [text[start:end] for start, end in zip(bounds, bounds[1:]) if end > start]


def make_input(case: str, size: int, width: int = DELTA_WIDTH) -> PeerInput:
    arguments = make_arguments(size)
    peer_case = PEER_CASES[case]
    text = render(case, arguments, lead=peer_case.lead)
    expected = expected_arguments(dialect_of(case), arguments)
    return PeerInput(
        case, size, expected, json.loads(expected), text, cut(text, width, peer_case.special_tokens)
    )


# ---------------------------------------------------------------------------------------------------
# What a client makes of the deltas


@dataclass
class Transcript:
    """Content and calls accumulated from streamed deltas, as an OpenAI client does it."""

    content: list[str] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    arguments: dict[int, list[str]] = field(default_factory=dict)

    def add_content(self, text: str | None) -> None:
        if text:
            self.content.append(text)

    def add_call(self, index: int, name: str | None, arguments: str | None) -> None:
        self.arguments.setdefault(index, [])
        if name and index not in self.names:
            self.names[index] = name
        if arguments:
            self.arguments[index].append(arguments)

    def calls(self) -> list[tuple[str | None, str]]:
        return [(self.names.get(index), "".join(self.arguments[index])) for index in sorted(self.arguments)]


def verdict(transcript: Transcript, peer_input: PeerInput, exact: bool) -> str:
    """ "yes", or what is wrong: one ``write_file`` call whose arguments are the rendered ones (``exact``:
    the same text; else the same JSON value)."""
    calls = transcript.calls()
    if len(calls) != 1:
        return f"{len(calls)} calls"
    name, arguments = calls[0]
    if name != FUNCTION_NAME:
        return f"name {name!r}"
    if exact:
        return "yes" if arguments == peer_input.arguments else f"arguments differ: {_ends(arguments)}"
    try:
        value = json.loads(arguments)
    except ValueError:
        return f"arguments are not JSON: {_ends(arguments)}"
    return "yes" if value == peer_input.expected else f"arguments differ: {_ends(arguments)}"


def _ends(text: str, keep: int = 24) -> str:
    return repr(text) if len(text) <= 2 * keep else f"{text[:keep]!r} ... {text[-keep:]!r}"


# ---------------------------------------------------------------------------------------------------
# Contestants: build (untimed), stream (timed), transcribe (untimed)


class Contestant:
    name = ""
    exact = False  # must the arguments come back as the same text, or only as the same JSON value?

    def build(self, deltas: list[str]) -> Any:
        """Everything a stream needs that a server has before the first delta: parser, request, ids."""
        raise NotImplementedError

    def stream(self, prepared: Any) -> list[Any]:
        """Feed every delta, then finish: the timed part. Returns the raw outputs."""
        raise NotImplementedError

    def transcribe(self, prepared: Any, outputs: list[Any]) -> Transcript:
        raise NotImplementedError


class Ours(Contestant):
    exact = True

    def __init__(self, case: str, level: str) -> None:
        self.dialect = dialect_of(case)
        self.level = level
        self.name = f"ours {level}"

    def build(self, deltas: list[str]) -> tuple[streamparse.StreamParser, list[str]]:
        return streamparse.StreamParser(self.dialect, tools=TOOLS, id_seed=0), deltas

    def stream(self, prepared: tuple[streamparse.StreamParser, list[str]]) -> list[Any]:
        parser, deltas = prepared
        outputs: list[Any] = []
        if self.level == "event":
            feed_events = parser.feed_events
            for delta in deltas:
                outputs.append(feed_events(delta))
            outputs.append(parser.finish_events())
        else:
            feed = parser.feed
            for delta in deltas:
                outputs.append(feed(delta))
            outputs.append(parser.finish())
        return outputs

    def transcribe(
        self, prepared: tuple[streamparse.StreamParser, list[str]], outputs: list[Any]
    ) -> Transcript:
        parser, _ = prepared
        transcript = Transcript()
        if self.level == "event":
            for event in (event for batch in outputs for event in batch):
                if isinstance(event, streamparse.Text):
                    transcript.add_content(event.text)
                elif isinstance(event, streamparse.CallStart):
                    transcript.add_call(event.index, event.name, None)
                elif isinstance(event, streamparse.CallArguments):
                    transcript.add_call(event.index, None, event.text)
            return transcript
        result = streamparse.fold_deltas(outputs, parser.finish_reason)
        transcript.add_content(result.content)
        for index, call in enumerate(result.tool_calls):
            transcript.add_call(index, call.function.name, call.function.arguments)
        return transcript


CHARACTER_ID_BASE = 1000  # token id of a plain character: this plus its code point


class CharacterTokenizer:
    """A stand-in for the model's tokenizer, enough for the vLLM parsers: each special token is one id
    (1, 2, ...), every other character its own id, so any id list decodes back to its text exactly and a
    delta's ids always agree with its text (vLLM's parsers look special tokens up by id)."""

    is_fast = True
    name_or_path = "streamparse-character-tokenizer"
    chat_template = None
    bos_token = eos_token = None
    bos_token_id = eos_token_id = pad_token_id = unk_token_id = None
    padding_side = truncation_side = "left"

    def __init__(self, special_tokens: Sequence[str], text: str) -> None:
        self.special_tokens = list(dict.fromkeys(special_tokens))
        self.special_ids = {token: number for number, token in enumerate(self.special_tokens, start=1)}
        self.special_by_id = {number: token for token, number in self.special_ids.items()}
        self._pattern = special_token_pattern(self.special_tokens)
        self.vocab: dict[str, int] = dict(self.special_ids)
        for character in {*map(chr, range(32, 127)), "\n", "\t", "\r", *text}:
            self.vocab.setdefault(character, CHARACTER_ID_BASE + ord(character))

    # The parts of the Hugging Face tokenizer interface that the parsers call.
    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)

    def get_added_vocab(self) -> dict[str, int]:
        return dict(self.special_ids)

    @property
    def added_tokens_encoder(self) -> dict[str, int]:
        return dict(self.special_ids)

    @property
    def added_tokens_decoder(self) -> dict[int, str]:
        return dict(self.special_by_id)

    @property
    def all_special_tokens(self) -> list[str]:
        return list(self.special_tokens)

    @property
    def all_special_ids(self) -> list[int]:
        return list(self.special_by_id)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def __len__(self) -> int:
        return len(self.vocab)

    def encode(self, text: str, add_special_tokens: bool = False, **_: Any) -> list[int]:
        ids: list[int] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern is not None else ():
            ids.extend(CHARACTER_ID_BASE + ord(c) for c in text[position : match.start()])
            ids.append(self.special_ids[match.group()])
            position = match.end()
        ids.extend(CHARACTER_ID_BASE + ord(c) for c in text[position:])
        return ids

    def __call__(self, text: str, **_: Any) -> dict[str, list[int]]:
        return {"input_ids": self.encode(text)}

    def _token(self, token_id: int) -> str:
        if token_id in self.special_by_id:
            return self.special_by_id[token_id]
        return chr(token_id - CHARACTER_ID_BASE) if token_id >= CHARACTER_ID_BASE else ""

    def convert_ids_to_tokens(self, ids: int | Sequence[int], skip_special_tokens: bool = False) -> Any:
        if isinstance(ids, int):
            return self._token(ids)
        return [self._token(i) for i in ids if not (skip_special_tokens and i in self.special_by_id)]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> Any:
        if isinstance(tokens, str):
            return self.vocab.get(tokens)
        return [self.vocab.get(token) for token in tokens]

    def convert_tokens_to_string(self, tokens: Sequence[str]) -> str:
        return "".join(tokens)

    def tokenize(self, text: str, **_: Any) -> list[str]:
        return [self._token(i) for i in self.encode(text)]

    def decode(self, ids: int | Sequence[int], skip_special_tokens: bool = False, **_: Any) -> str:
        return "".join(
            self.convert_ids_to_tokens([ids] if isinstance(ids, int) else ids, skip_special_tokens)
        )

    def batch_decode(self, sequences: Sequence[Sequence[int]], **options: Any) -> list[str]:
        return [self.decode(ids, **options) for ids in sequences]


class Vllm(Contestant):
    name = "vLLM"

    def __init__(self, peer_case: PeerCase, text: str) -> None:
        from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest  # type: ignore[import-not-found,unused-ignore]
        from vllm.parser.parser_manager import ParserManager  # type: ignore[import-not-found,unused-ignore]

        self.parser_class = ParserManager.get_parser(
            tool_parser_name=peer_case.vllm_parser, enable_auto_tools=True
        )
        self.tokenizer = CharacterTokenizer(peer_case.special_tokens, text)
        self.request = ChatCompletionRequest(
            model="bench", messages=[{"role": "user", "content": "write it"}], tools=TOOLS, tool_choice="auto"
        )

    def build(self, deltas: list[str]) -> tuple[Any, list[str], list[list[int]]]:
        parser = self.parser_class(self.tokenizer, self.request.tools)
        return parser, deltas, [self.tokenizer.encode(delta) for delta in deltas]

    def stream(self, prepared: tuple[Any, list[str], list[list[int]]]) -> list[Any]:
        parser, deltas, token_ids = prepared
        parse_delta, request = parser.parse_delta, self.request
        last = len(deltas) - 1
        outputs: list[Any] = []
        for number, (delta, ids) in enumerate(zip(deltas, token_ids)):
            outputs.append(parse_delta(delta, ids, request, prompt_token_ids=[], finished=number == last))
        return outputs

    def transcribe(self, prepared: Any, outputs: list[Any]) -> Transcript:
        transcript = Transcript()
        for message in outputs:
            if message is None:
                continue
            transcript.add_content(message.content)
            for call in message.tool_calls or ():
                function = call.function
                transcript.add_call(
                    call.index, function.name if function else None, function.arguments if function else None
                )
        return transcript


class Sglang(Contestant):
    name = "SGLang"

    def __init__(self, peer_case: PeerCase) -> None:
        from sglang.srt.entrypoints.openai.protocol import Tool  # type: ignore[import-not-found,unused-ignore]
        from sglang.srt.function_call.function_call_parser import FunctionCallParser  # type: ignore[import-not-found,unused-ignore]

        self.parser_class = FunctionCallParser
        self.parser_name = peer_case.sglang_parser
        self.tools = [Tool.model_validate(tool) for tool in TOOLS]

    def build(self, deltas: list[str]) -> tuple[Any, list[str]]:
        return self.parser_class(self.tools, self.parser_name, tokenizer=None), deltas

    def stream(self, prepared: tuple[Any, list[str]]) -> list[Any]:
        parser, deltas = prepared
        parse_chunk = parser.parse_stream_chunk
        outputs: list[Any] = []
        for delta in deltas:
            outputs.append(parse_chunk(delta))
        outputs.append(parser.parse_stream_end())  # serving flushes with the terminal delta
        return outputs

    def transcribe(self, prepared: tuple[Any, list[str]], outputs: list[Any]) -> Transcript:
        parser, _ = prepared
        transcript = Transcript()
        for normal_text, calls in outputs:
            transcript.add_content(normal_text)
            for call in calls:
                transcript.add_call(call.tool_index, call.name, call.parameters)
        # Serving's end-of-stream fix-up: arguments the detector parsed but never streamed are sent
        # as one last fragment of the last call.
        detector = parser.detector
        parsed = getattr(detector, "prev_tool_call_arr", None)
        streamed = getattr(detector, "streamed_args_for_tool", None)
        if parsed and streamed and len(parsed) - 1 < len(streamed):
            index = len(parsed) - 1
            expected = parsed[index].get("arguments", {})
            if not isinstance(expected, str):
                expected = json.dumps(expected, ensure_ascii=False)
            sent = streamed[index]
            if expected.startswith(sent) and len(expected) > len(sent):
                transcript.add_call(index, None, expected[len(sent) :])
        return transcript


# ---------------------------------------------------------------------------------------------------
# Timing


def time_stream(contestant: Contestant, deltas: list[str], passes: int) -> int:
    """Nanoseconds for ``passes`` whole streams, each prepared before the clock starts."""
    prepared = [contestant.build(deltas) for _ in range(passes)]
    gc.collect()
    with gc_paused():
        start = time.perf_counter_ns()
        for one in prepared:
            contestant.stream(one)
        return time.perf_counter_ns() - start


@dataclass
class Result:
    ok: str  # "yes", or what was wrong, or the error that stopped it, or why it was skipped
    us_per_delta: float | None = None
    repeats: int = 0
    stream_seconds: float | None = None  # the best time for one whole stream

    @property
    def skipped(self) -> bool:
        return self.ok.startswith(SKIPPED)


SKIPPED = "skipped"


@dataclass
class Cell:
    case: str
    size: int
    args_chars: int
    n_deltas: int
    results: dict[str, Result]  # contestant name -> result

    def us(self, name: str) -> float | None:
        result = self.results.get(name)
        return result.us_per_delta if result else None

    def ratio(self, peer: str) -> float | None:
        """How many times longer the peer takes per delta than ours at the wire level."""
        ours, theirs = self.us("ours wire"), self.us(peer)
        return theirs / ours if ours and theirs is not None else None

    def faster_peer_ratio(self) -> float | None:
        ratios = [r for r in (self.ratio("vLLM"), self.ratio("SGLang")) if r is not None]
        return min(ratios) if ratios else None


def measure(
    peer_input: PeerInput,
    contestants: Sequence[Contestant],
    repeats: int,
    budget_seconds: float,
    sample: int,
    skip: dict[str, str] | None = None,
) -> Cell:
    """Check and time every contestant on one input; those named in ``skip`` (name -> why) are left out."""
    deltas = peer_input.deltas
    results: dict[str, Result] = {}
    running: list[Contestant] = []
    for contestant in contestants:  # the correctness run, untimed, doubles as the warm-up
        if skip and contestant.name in skip:
            results[contestant.name] = Result(f"{SKIPPED}: {skip[contestant.name]}")
            continue
        try:
            prepared = contestant.build(deltas)
            transcript = contestant.transcribe(prepared, contestant.stream(prepared))
        except Exception as error:  # a peer's parser that crashes is a result to report, not a reason to stop
            results[contestant.name] = Result(f"error: {type(error).__name__}: {error}"[:160])
            continue
        results[contestant.name] = Result(verdict(transcript, peer_input, contestant.exact))
        running.append(contestant)

    passes = max(1, -(-sample // len(deltas)))
    best: dict[str, int] = {}
    spent: dict[str, float] = dict.fromkeys((c.name for c in running), 0.0)
    for _ in range(repeats):
        # Turns within each repeat; a contestant past its budget sits out the rest of the cell.
        for contestant in [c for c in running if spent[c.name] < budget_seconds]:
            elapsed = time_stream(contestant, deltas, passes)
            spent[contestant.name] += elapsed / 1e9
            best[contestant.name] = min(best.get(contestant.name, elapsed), elapsed)
            results[contestant.name].repeats += 1
    for name, nanoseconds in best.items():
        results[name].us_per_delta = nanoseconds / (passes * len(deltas)) / 1000.0
        results[name].stream_seconds = nanoseconds / passes / 1e9
    return Cell(peer_input.case, peer_input.size, len(peer_input.arguments), len(deltas), results)


# ---------------------------------------------------------------------------------------------------
# Report

CONTESTANTS = ("ours event", "ours wire", "vLLM", "SGLang")


def _figure(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _versions() -> str:
    names = ("vllm", "sglang", "torch", "pydantic", "regex")
    found: list[str] = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return ", ".join(found)


TABLE_HEAD = (
    f"{'case':<15} {'args':>6} {'deltas':>6} | {'ours ev':>8} {'ours wi':>8} {'vLLM':>9} {'SGLang':>9}"
    f" | {'vLLM x':>7} {'SGL x':>7} {'best x':>7} | {'reps':>5} | ok: ours ev, ours wi, vLLM, SGLang"
)


def format_header(command: str, repeats: int, budget: float, skip_seconds: float, sample: int) -> list[str]:
    return [
        "streamparse side by side with vLLM and SGLang (streaming tool-call parsers)",
        *environment_lines(command),
        f"  peers:    {_versions()}",
        f"  timing:   µs per delta, best of {repeats} (a peer past {budget:g} s in a cell stops repeating:"
        f" 'reps'), perf_counter_ns, GC off, samples of >= {sample:,} deltas, one process",
        f"  skipping: a peer whose one stream would take over {skip_seconds:g} s, extrapolated"
        " quadratically from the size before, is not run ('skip')",
        f"  input:    bench_feed's write_file call, cut every {DELTA_WIDTH} characters (special tokens kept"
        " whole); tools given to all",
        "  x ours:   peer µs/delta ÷ ours at the wire level (feed); 'best' uses the faster peer",
        "",
        TABLE_HEAD,
        "-" * len(TABLE_HEAD),
    ]


def _ok_mark(result: Result | None) -> str:
    if result is None:
        return "-"
    return "yes" if result.ok == "yes" else "skip" if result.skipped else "NO"


def format_row(cell: Cell) -> str:
    reps = "/".join(
        str(cell.results[name].repeats) if name in cell.results else "-" for name in ("vLLM", "SGLang")
    )
    oks = " ".join(_ok_mark(cell.results.get(name)) for name in CONTESTANTS)
    return (
        f"{cell.case:<15} {cell.args_chars:>6} {cell.n_deltas:>6} |"
        f" {_figure(cell.us('ours event')):>8} {_figure(cell.us('ours wire')):>8}"
        f" {_figure(cell.us('vLLM')):>9} {_figure(cell.us('SGLang')):>9} |"
        f" {_figure(cell.ratio('vLLM'), 1):>7} {_figure(cell.ratio('SGLang'), 1):>7}"
        f" {_figure(cell.faster_peer_ratio(), 1):>7} | {reps:>5} | {oks}"
    )


def format_footer(cells: Sequence[Cell]) -> list[str]:
    lines = [""]
    problems = [
        f"  {cell.case} {cell.args_chars} {name}: {result.ok}"
        for cell in cells
        for name, result in cell.results.items()
        if result.ok != "yes"
    ]
    if problems:
        lines.append("not ok or skipped (timings of a wrong result are still shown above):")
        lines.extend(problems)
        lines.append("")
    lines.extend(format_targets(cells))
    return lines


def format_report(
    cells: Sequence[Cell], command: str, repeats: int, budget: float, sample: int, skip_seconds: float = 600.0
) -> str:
    lines = format_header(command, repeats, budget, skip_seconds, sample)
    lines.extend(format_row(cell) for cell in cells)
    lines.extend(format_footer(cells))
    return "\n".join(lines)


def format_targets(cells: Sequence[Cell]) -> list[str]:
    lines = [
        f"targets (issue 7): >= {TARGET_RATIO:g}x faster than the faster peer at every size for"
        f" {', '.join(TARGET_CASES)}; >= {HERMES_TARGET[1]:g}x for hermes at {HERMES_TARGET[0]:,}"
    ]
    for case in TARGET_CASES:
        ratios = [(cell.size, cell.faster_peer_ratio()) for cell in cells if cell.case == case]
        measured = [(size, ratio) for size, ratio in ratios if ratio is not None]
        if not measured:
            continue
        worst_size, worst = min(measured, key=lambda pair: pair[1])
        verdict_text = "met" if worst >= TARGET_RATIO else "NOT met"
        lines.append(f"  {case}: lowest {worst:.1f}x (at {worst_size:,}): {verdict_text}")
    for cell in cells:
        if (cell.case, cell.size) == ("hermes", HERMES_TARGET[0]) and cell.faster_peer_ratio() is not None:
            ratio = cell.faster_peer_ratio()
            assert ratio is not None
            lines.append(
                f"  hermes at {HERMES_TARGET[0]:,}: {ratio:.1f}x: {'met' if ratio >= HERMES_TARGET[1] else 'NOT met'}"
            )
    lines.append("")
    return lines


# ---------------------------------------------------------------------------------------------------
# Finding the peers, and the worker


def peers_importable_here() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("vllm", "sglang"))


def peers_interpreter(given: str | None) -> Path | None:
    """The interpreter to run the worker under: the given one, the environment's, or the default."""
    candidate = given or os.environ.get(PEERS_PYTHON_VARIABLE) or str(DEFAULT_PEERS_PYTHON)
    path = Path(candidate).expanduser()
    return path if path.is_file() and os.access(path, os.X_OK) else None


def quiet_peer_logging() -> None:
    """Both engines log warnings on import and per request; they are not what we measure."""
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.disable(logging.WARNING)


def contestants_for(case: str, text: str) -> list[Contestant]:
    peer_case = PEER_CASES[case]
    return [Ours(case, "event"), Ours(case, "wire"), Vllm(peer_case, text), Sglang(peer_case)]


def predicted_skips(previous: Cell | None, n_deltas: int, limit_seconds: float) -> dict[str, str]:
    """Peers whose one stream at ``n_deltas`` would take over ``limit_seconds`` if their time grew with
    the square of the length from ``previous`` (several peers re-parse the text so far on every delta)."""
    if previous is None:
        return {}
    skips: dict[str, str] = {}
    for name in ("vLLM", "SGLang"):
        result = previous.results.get(name)
        if result is None:
            continue
        if result.skipped:
            skips[name] = f"already skipped at {previous.size:,}"
        elif result.stream_seconds is not None:
            predicted = result.stream_seconds * (n_deltas / previous.n_deltas) ** 2
            if predicted > limit_seconds:
                skips[name] = (
                    f"one stream took {result.stream_seconds:.1f} s at {previous.size:,},"
                    f" so about {predicted:,.0f} s here if quadratic"
                )
    return skips


def run_worker(
    cases: Sequence[str],
    sizes: Sequence[int],
    repeats: int,
    budget: float,
    skip_seconds: float,
    sample: int,
    command: str,
) -> list[Cell]:
    """Measure every case and size, printing each row as soon as it is measured (long runs can be
    watched, and a run stopped half way keeps what it printed)."""
    quiet_peer_logging()
    print("\n".join(format_header(command, repeats, budget, skip_seconds, sample)), flush=True)
    cells: list[Cell] = []
    for case in cases:
        previous: Cell | None = None
        for size in sorted(sizes):
            peer_input = make_input(case, size)
            skip = predicted_skips(previous, len(peer_input.deltas), skip_seconds)
            previous = measure(
                peer_input, contestants_for(case, peer_input.text), repeats, budget, sample, skip
            )
            cells.append(previous)
            print(format_row(previous), flush=True)
    print("\n".join(format_footer(cells)), flush=True)
    return cells


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 cases at 100 chars, best of 1")
    parser.add_argument("--cases", default=None, help=f"comma-separated (default {','.join(PEER_CASES)})")
    parser.add_argument(
        "--sizes", default=None, help=f"comma-separated argument sizes (default {','.join(map(str, SIZES))})"
    )
    parser.add_argument("--repeats", type=int, default=None, help="best of N (default 5, or 1 with --quick)")
    parser.add_argument(
        "--max-peer-seconds",
        type=float,
        default=30.0,
        help="no more repeats for a contestant once it has spent this long in one cell (default 30)",
    )
    parser.add_argument(
        "--skip-peer-seconds",
        type=float,
        default=600.0,
        help="do not run a peer whose one stream is predicted (quadratically, from the size before) to take"
        " longer than this (default 600)",
    )
    parser.add_argument(
        "--peers-python",
        default=None,
        help=f"interpreter with vllm and sglang (default ${PEERS_PYTHON_VARIABLE} or {DEFAULT_PEERS_PYTHON})",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    argv_list = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--worker"]

    if not args.worker and not peers_importable_here():
        interpreter = peers_interpreter(args.peers_python)
        if interpreter is None:
            print(NO_PEERS_MESSAGE)
            return 0
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")])
        )
        return subprocess.run(
            [str(interpreter), str(Path(__file__).resolve()), "--worker", *argv_list],
            env=environment,
            check=False,
        ).returncode

    cases = tuple(args.cases.split(",")) if args.cases else QUICK_CASES if args.quick else tuple(PEER_CASES)
    unknown = [case for case in cases if case not in PEER_CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; known: {', '.join(PEER_CASES)}")
    sizes = (
        tuple(int(s) for s in args.sizes.split(",")) if args.sizes else QUICK_SIZES if args.quick else SIZES
    )
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 5)
    sample = MIN_SAMPLE_DELTAS // 10 if args.quick else MIN_SAMPLE_DELTAS
    command = shlex.join(["python", "benchmarks/bench_peers.py", *argv_list])
    run_worker(cases, sizes, repeats, args.max_peer_seconds, args.skip_peer_seconds, sample, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
