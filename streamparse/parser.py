"""The public front: :class:`StreamParser` and :func:`parse`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from ._machine import Machine
from ._wire import ChoiceDelta, events_to_delta
from .errors import UsageError
from .events import Event
from .ids import IdFactory
from .registry import get_dialect
from .result import FinishReason, ParseResult, _Builder
from .tools import FunctionSpec, normalize_tools

__all__ = ["StreamParser", "parse"]

StopReason = Literal["stop", "length"]


class StreamParser:
    """Parses one streamed response of one dialect.

    ``feed(text)`` takes the next text delta, of any size and cut, and
    returns an OpenAI ``ChoiceDelta``-shaped dict, or None when nothing can
    be emitted yet (only a possible partial marker is held back).
    ``finish()`` flushes everything held and closes open calls; after it,
    ``finish_reason`` is ``"tool_calls"`` if any call was emitted, else
    ``"stop"``, or ``"length"`` when called as ``finish("length")`` (the
    upstream hit ``max_tokens``: unfinished calls are then incomplete and no
    closing braces are invented).

    ``feed_events`` / ``finish_events`` are the same at the event level.

    Options: ``tools`` (OpenAI tools list; validated, used to flag unknown
    names in results and, in schema-typed dialects, to type values),
    ``start_in_reasoning`` (the prompt already opened ``<think>``),
    ``id_seed`` / ``id_factory`` (deterministic generated ids).
    """

    def __init__(
        self,
        dialect: str,
        tools: Iterable[Any] | None = None,
        *,
        start_in_reasoning: bool = False,
        id_seed: int | str | None = None,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        if not isinstance(dialect, str):
            raise UsageError(f"dialect must be a name such as 'kimi_k2', not {type(dialect).__name__}")
        machine_class = get_dialect(dialect)
        self.dialect = dialect
        self.tools: dict[str, FunctionSpec] | None = normalize_tools(tools)
        ids = IdFactory(machine_class.id_style, seed=id_seed, factory=id_factory)
        self._machine: Machine = machine_class(
            ids=ids, start_in_reasoning=start_in_reasoning, tools=self.tools
        )
        self._finish_reason: FinishReason | None = None

    @property
    def finish_reason(self) -> FinishReason | None:
        """``tool_calls``, ``stop`` or ``length``; None until ``finish()``."""
        return self._finish_reason

    @property
    def finished(self) -> bool:
        return self._finish_reason is not None

    def feed(self, text: str) -> ChoiceDelta | None:
        # The checks of _feed, inlined: this runs once per token of every stream.
        if type(text) is str and self._finish_reason is None:
            return events_to_delta(self._machine.feed(text))
        return events_to_delta(self._feed(text))

    def feed_events(self, text: str) -> list[Event]:
        if type(text) is str and self._finish_reason is None:
            return self._machine.feed(text)
        return self._feed(text)

    def finish(self, reason: StopReason | None = None) -> ChoiceDelta | None:
        return events_to_delta(self._finish(reason))

    def finish_events(self, reason: StopReason | None = None) -> list[Event]:
        return self._finish(reason)

    def _feed(self, text: str) -> list[Event]:
        if self._finish_reason is not None:
            raise UsageError("feed() after finish(): create a new StreamParser for each response")
        if not isinstance(text, str):
            if isinstance(text, (bytes, bytearray)):
                raise UsageError(
                    "feed() takes str; decode the bytes first (e.g. with an incremental UTF-8 decoder)"
                )
            raise UsageError(f"feed() takes str, not {type(text).__name__}")
        if not text:
            return []
        return self._machine.feed(text)

    def _finish(self, reason: StopReason | None) -> list[Event]:
        if self._finish_reason is not None:
            raise UsageError("finish() was already called: create a new StreamParser for each response")
        if reason not in (None, "stop", "length"):
            raise UsageError(f"finish(reason=...) takes 'stop' or 'length', not {reason!r}")
        events = self._machine.finish(truncated=reason == "length")
        if reason == "length":
            self._finish_reason = "length"
        else:
            self._finish_reason = "tool_calls" if self._machine.calls_started else "stop"
        return events


def parse(
    text: str,
    dialect: str,
    tools: Iterable[Any] | None = None,
    *,
    start_in_reasoning: bool = False,
    id_seed: int | str | None = None,
    id_factory: Callable[[], str] | None = None,
    finish_reason: StopReason | None = None,
    validate: bool = False,
) -> ParseResult:
    """Parse a whole response at once; the same as folding the stream of it.

    ``validate=True`` checks each call's arguments against its tool's
    ``parameters`` schema and reports mismatches in ``problems`` (needs
    ``tools`` and the ``validate`` extra, jsonschema).
    """
    parser = StreamParser(
        dialect, tools, start_in_reasoning=start_in_reasoning, id_seed=id_seed, id_factory=id_factory
    )
    builder = _Builder()
    builder.add_events(parser._feed(text))
    builder.add_events(parser._finish(finish_reason))
    assert parser.finish_reason is not None
    return builder.result(parser.finish_reason, parser.tools, validate)
