"""The contract's properties aimed at another engine's parser: ``streamparse fuzz --target vllm:hermes``.

Inputs come from the dialect's renderer and strategies (no reasoning: the
engines' tool parsers run here without their reasoning parsers), each cut
into deltas the ways :func:`~streamparse.testing.strategies.pieces` cuts
(whole, one character, token-like, random); the runner of
:mod:`streamparse.testing.engines` moves cuts that fall inside a special
token to its end, as a detokeniser would. Each case is checked for:

* ``raised``: the parser raised on a well-formed output;
* ``lost``: the folded stream misses or changes what the text holds (a
  call's name or arguments as JSON values, or a word of the content);
* ``split``: the folded stream differs from the same text sent in one delta;
* ``batch``: the one-delta stream differs from the engine's non-streaming parse;
* ``wire``: the deltas break OpenAI's streaming rules (``check_wire_shape``).

Ids are compared only where the model writes them (Kimi). A run first
counts, per check, the cases that fail it, for a time budget; then, per
failing check, hypothesis searches again from the same seed and shrinks
one failure to a minimal case, printed as a bug report.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ..registry import canonical_name
from ..result import ParseResult
from . import check_wire_shape
from .engines import EngineRun, SglangRunner, VllmRunner, engine_version, make_runner
from .renderers import Rendered, Sample, render
from .strategies import pieces, samples

__all__ = ["CHECKS", "Finding", "TargetCase", "TargetReport", "check_case", "fuzz_target"]

CHECKS = {
    "raised": "raises on a well-formed output",
    "lost": "loses or changes part of the output",
    "split": "result depends on where the stream is cut",
    "batch": "streaming result differs from its non-streaming result",
    "wire": "deltas break OpenAI's streaming rules",
}


@dataclass(frozen=True)
class TargetCase:
    sample: Sample
    cut: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One case that fails one check, with what a bug report needs."""

    check: str
    text: str
    sent: tuple[str, ...]
    expected: str
    got: str
    detail: str = ""


def _cases(dialect: str) -> st.SearchStrategy[TargetCase]:
    @st.composite
    def draw_case(draw: st.DrawFn) -> TargetCase:
        sample = replace(draw(samples(dialect)), reasoning=None)
        return TargetCase(sample, tuple(draw(pieces(render(dialect, sample).text))))

    return draw_case()


def _json_or_text(arguments: str) -> Any:
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def _exact(result: ParseResult, model_ids: bool) -> tuple[object, ...]:
    calls = [(c.id if model_ids else None, c.function.name, c.function.arguments) for c in result.tool_calls]
    return (result.content or "", calls)


def _batch_view(result: ParseResult, model_ids: bool) -> tuple[object, ...]:
    # Both engines' non-streaming paths drop content that is only whitespace beside calls, by design.
    content, calls = _exact(result, model_ids)
    return ("" if calls and not str(content).strip() else content, calls)


def _show(result: ParseResult, model_ids: bool) -> str:
    calls = [
        (c.id, c.function.name, c.function.arguments)
        if model_ids
        else (c.function.name, c.function.arguments)
        for c in result.tool_calls
    ]
    return f"content={result.content or ''!r}\n    calls={calls!r}"


def _show_expected(rendered: Rendered) -> str:
    calls = [(c.name, c.arguments) if c.id is None else (c.id, c.name, c.arguments) for c in rendered.calls]
    return f"content={rendered.content!r}\n    calls={calls!r}"


def _tools(rendered: Rendered) -> list[dict[str, Any]]:
    """The request's tools: the rendered schemas, or permissive ones for every called name.

    The engines parse calls only when the request has tools (vLLM's default tool_choice is "none"
    without them, SGLang drops calls to undeclared names), so a request always declares at least one.
    """
    if rendered.tools:
        return [dict(tool) for tool in rendered.tools]
    names = sorted({call.name for call in rendered.calls} | {"unused_tool"})
    return [
        {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}} for name in names
    ]


def check_case(runner: VllmRunner | SglangRunner, dialect: str, case: TargetCase) -> Finding | None:
    """The first check ``case`` fails on ``runner``'s parser, or None."""
    rendered = render(dialect, case.sample)
    tools = _tools(rendered)
    model_ids = any(call.id is not None for call in rendered.calls)
    text = rendered.text

    def finding(check: str, run: EngineRun | None, got: str, detail: str = "") -> Finding:
        sent = run.sent if run is not None else case.cut
        return Finding(check, text, sent, _show_expected(rendered), got, detail)

    try:
        run = runner.stream(case.cut, tools)
    except Exception as error:  # a parser that raises on model output is what this reports
        return finding("raised", None, repr(error))
    got = run.result
    want_calls = [(c.name, _json_or_text(c.arguments)) for c in rendered.calls]
    got_calls = [(c.function.name, _json_or_text(c.function.arguments)) for c in got.tool_calls]
    if got_calls != want_calls or _words(got.content or "") != _words(rendered.content):
        return finding("lost", run, _show(got, model_ids))
    whole = runner.stream([text], tools)
    if _exact(got, model_ids) != _exact(whole.result, model_ids):
        return finding(
            "split",
            run,
            _show(got, model_ids),
            "the same text in one delta gives\n    " + _show(whole.result, model_ids),
        )
    batch = runner.batch(text, tools)
    if _batch_view(whole.result, model_ids) != _batch_view(batch, model_ids):
        return finding(
            "batch",
            whole,
            _show(whole.result, model_ids),
            "the non-streaming parser gives\n    " + _show(batch, model_ids),
        )
    try:
        check_wire_shape(run.deltas)
    except AssertionError as error:
        return finding("wire", run, f"deltas={list(run.deltas)!r}", str(error))
    return None


class _Found(Exception):
    def __init__(self, found: Finding) -> None:
        super().__init__(found.check)
        self.found = found


class _OutOfTime(BaseException):
    """Ends a counting run when the budget is spent (a BaseException, so hypothesis does not shrink it)."""


@dataclass
class TargetReport:
    target: str
    version: str
    dialect: str
    cases: int = 0
    failing: Counter[str] = field(default_factory=Counter)
    minimal: dict[str, Finding] = field(default_factory=dict)
    seed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failing

    def table(self) -> str:
        lines = [
            f"{self.version}, parser {self.target.partition(':')[2]!r}, rendered as streamparse's {self.dialect!r}: "
            f"{self.cases} cases in {self.seconds:.0f} s, seed {self.seed}"
        ]
        for check, description in CHECKS.items():
            lines.append(f"  {check:7} {self.failing[check]:6} failing  ({description})")
        return "\n".join(lines)

    def bug_report(self, check: str) -> str:
        found = self.minimal[check]
        engine, _, parser = self.target.partition(":")
        detail = f"\n  {found.detail}" if found.detail else ""
        return (
            f"### {self.version}: tool parser `{parser}` {CHECKS[check]}\n\n"
            f"Found by `streamparse fuzz --target {self.target} --seed {self.seed}`; minimal case "
            f"after shrinking ({self.failing[check]} of {self.cases} generated cases failed this check).\n"
            f"Driven as {engine}'s chat serving drives it (tool_choice=auto).\n\n"
            f"  model output: {found.text!r}\n"
            f"  deltas:       {list(found.sent)!r}\n"
            f"  expected:     {found.expected}\n"
            f"  got:          {found.got}{detail}\n"
        )


def fuzz_target(
    target: str,
    dialect: str | None = None,
    budget_seconds: float = 60.0,
    *,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    shrink: bool = True,
) -> TargetReport:
    """Run the checks against ``target`` (``vllm:<parser>`` or ``sglang:<parser>``) for about ``budget_seconds``."""
    runner = make_runner(target, dialect)
    dialect = canonical_name(dialect or target.partition(":")[2].removeprefix("streamparse_"))
    if seed is None:
        seed = random.SystemRandom().getrandbits(32)
    report = TargetReport(target, engine_version(runner.engine), dialect, seed=seed)
    strategy = _cases(dialect)
    started = time.monotonic()
    deadline = started + budget_seconds
    common = {
        "deadline": None,
        "database": None,
        "suppress_health_check": list(HealthCheck),
    }

    def count(case: TargetCase) -> None:
        if time.monotonic() > deadline:
            raise _OutOfTime
        report.cases += 1
        found = check_case(runner, dialect, case)
        if found is not None:
            report.failing[found.check] += 1

    round_seed = seed
    try:
        while time.monotonic() < deadline:
            hypothesis_seed(round_seed)(
                settings(max_examples=50, phases=[Phase.generate], **common)(given(strategy)(count))  # type: ignore[arg-type]
            )()
            round_seed += 1
    except _OutOfTime:
        pass
    if progress is not None:
        progress(f"{target}: {report.cases} cases, failing {dict(report.failing)}; shrinking")

    def failing_on(check: str) -> Callable[[TargetCase], None]:
        def fails(case: TargetCase) -> None:
            found = check_case(runner, dialect, case)
            if found is not None and found.check == check:
                raise _Found(found)

        return fails

    for check in report.failing if shrink else ():
        fails = failing_on(check)

        for attempt in range(round_seed - seed + 1):
            try:
                hypothesis_seed(seed + attempt)(
                    settings(max_examples=50, report_multiple_bugs=False, **common)(given(strategy)(fails))  # type: ignore[arg-type]
                )()
            except _Found as error:
                report.minimal[check] = error.found
                break
    report.seconds = time.monotonic() - started
    return report
