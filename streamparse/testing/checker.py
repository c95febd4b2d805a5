"""Fuzz any streaming tool-call parser against a dialect's renderer.

``check_parser(make_parser, dialect)`` generates model responses with the
hypothesis strategies of this package, renders them in ``dialect``, cuts
each text into deltas in many ways (whole, one character at a time,
token-like, random), feeds them to a fresh parser from ``make_parser()``
and checks what a client folding the OpenAI-style deltas would get:
content, reasoning, each call's name and arguments (byte for byte), model
ids, the wire rules of :func:`check_wire_shape` and the finish reason.
The first failure is shrunk by hypothesis to a minimal counterexample and
raised as :class:`ParserMismatch`, whose message shows the text, the cut
and what differed.

The parser only needs ``feed(text) -> delta | None`` and
``finish() -> delta | None`` with deltas shaped like OpenAI's
``ChoiceDelta`` (``content``, ``reasoning_content``, ``tool_calls``), and
optionally a ``finish_reason`` attribute after ``finish()``. For dialects
whose values are typed by the tool's schema (qwen3_coder and the other
XML dialects) ``make_parser`` is called with the OpenAI ``tools`` list of
the sample; otherwise with no argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..registry import canonical_name
from ..result import fold_deltas
from .renderers import Rendered, render
from .strategies import pieces, samples

__all__ = ["ParserLike", "ParserMismatch", "check_parser"]


class ParserLike(Protocol):
    def feed(self, text: str) -> Mapping[str, Any] | None: ...

    def finish(self) -> Mapping[str, Any] | None: ...


class ParserMismatch(AssertionError):
    """A parser's folded stream differs from what the rendered text holds."""


def _describe(rendered: Rendered, cut: list[str], problem: str) -> str:
    return (
        f"{problem}\n"
        f"  text:   {rendered.text!r}\n"
        f"  deltas: {cut!r}\n"
        f"  expected content={rendered.content!r} reasoning={rendered.reasoning!r}\n"
        f"  expected calls={[(c.name, c.arguments) for c in rendered.calls]!r}"
    )


def _check_one(make_parser: Callable[..., ParserLike], rendered: Rendered, cut: list[str]) -> None:
    from . import check_wire_shape

    parser = make_parser(list(rendered.tools)) if rendered.tools else make_parser()
    try:
        deltas = [parser.feed(piece) for piece in cut]
        deltas.append(parser.finish())
    except Exception as error:  # a parser that raises on model output is a failure to report
        raise ParserMismatch(_describe(rendered, cut, f"the parser raised {error!r}")) from error
    finish_reason = getattr(parser, "finish_reason", None)
    try:
        check_wire_shape(deltas, finish_reason)
    except AssertionError as error:
        raise ParserMismatch(_describe(rendered, cut, f"wire shape: {error}")) from None
    result = fold_deltas(deltas, finish_reason or ("tool_calls" if rendered.calls else "stop"))
    got_calls = [(c.function.name, c.function.arguments) for c in result.tool_calls]
    want_calls = [(c.name, c.arguments) for c in rendered.calls]
    differences = []
    if (result.content or "") != rendered.content:
        differences.append(f"content {result.content!r}")
    if (result.reasoning_content or "") != rendered.reasoning:
        differences.append(f"reasoning {result.reasoning_content!r}")
    if got_calls != want_calls:
        differences.append(f"calls {got_calls!r}")
    for got, want in zip(result.tool_calls, rendered.calls):
        if want.id is not None and got.id != want.id:
            differences.append(f"id {got.id!r} instead of the model's {want.id!r}")
    if differences:
        raise ParserMismatch(_describe(rendered, cut, "got " + ", ".join(differences)))


def check_parser(
    make_parser: Callable[..., ParserLike],
    dialect: str,
    *,
    max_examples: int = 200,
    max_calls: int = 3,
) -> None:
    """Raise :class:`ParserMismatch` with a minimal counterexample if the parser gets a sample wrong.

    ``dialect`` may be an alias (``streamparse.parser_names()``): samples are
    rendered in the dialect it maps to.
    """
    dialect = canonical_name(dialect)

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        rendered = render(dialect, data.draw(samples(dialect, max_calls=max_calls), label="sample"))
        cut = data.draw(pieces(rendered.text), label="deltas")
        _check_one(make_parser, rendered, cut)

    check()
