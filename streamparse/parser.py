"""The public front: :class:`StreamParser` and :func:`parse`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, Literal

from ._dialect import DialectObject
from ._machine import Machine
from ._wire import ChoiceDelta, events_to_delta
from .errors import MalformedCallError, UsageError
from .events import CallArguments, CallEnd, CallFlag, CallStart, Event, LimitExceeded, Reasoning, Text
from .ids import IdFactory
from .registry import resolve, with_token_suffix
from .result import FinishReason, ParseResult, _arguments_problem, _Builder
from .tools import FunctionSpec, normalize_tools

__all__ = ["StreamParser", "parse"]

StopReason = Literal["stop", "length"]

# Safe defaults: far above what a real response carries, low enough that a
# runaway generation cannot grow a call (or the client's copy of it) without bound.
DEFAULT_MAX_ARGUMENTS_CHARS = 4 * 1024 * 1024
DEFAULT_MAX_CALLS = 256


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
    ``start_in_reasoning`` (the prompt already opened ``<think>``; None
    takes the dialect name's default, True for aliases such as ``step3p5``
    whose prompt opens it, see ``streamparse.parser_names()``),
    ``id_seed`` / ``id_factory`` (deterministic generated ids),
    ``token_suffix`` (the suffix a checkpoint's tokenizer appends to every
    special token, ``":opensource"`` for Hunyuan's ``<tool_calls:opensource>``;
    the same as passing ``streamparse.with_token_suffix(dialect, token_suffix)``).

    Limits (None turns one off): a call whose arguments grow past
    ``max_arguments_chars`` characters is cut there and ends incomplete; a
    call past the first ``max_calls`` is dropped. Either is reported by a
    :class:`LimitExceeded` event and in ``ParseResult.problems``; the rest
    of the text is parsed as usual.

    ``strict=True`` raises :class:`MalformedCallError` (with the offset of
    the call's markup and what was expected) where the lenient default
    would turn markup into content, end a call incomplete, or pass on
    arguments that are not a JSON object. A call cut by
    ``finish("length")`` is reported, not raised: the text was truncated,
    not malformed. A strict parser that raised is finished: its response is
    malformed, and ``feed()`` / ``finish()`` then raise :class:`UsageError`.
    """

    def __init__(
        self,
        dialect: str | DialectObject,
        tools: Iterable[Any] | None = None,
        *,
        start_in_reasoning: bool | None = None,
        id_seed: int | str | None = None,
        id_factory: Callable[[], str] | None = None,
        max_arguments_chars: int | None = DEFAULT_MAX_ARGUMENTS_CHARS,
        max_calls: int | None = DEFAULT_MAX_CALLS,
        strict: bool = False,
        token_suffix: str | None = None,
    ) -> None:
        if token_suffix is not None:
            dialect = with_token_suffix(dialect, token_suffix)
        resolved = resolve(dialect, start_in_reasoning=start_in_reasoning)
        machine_class = resolved.machine
        self.dialect = resolved.dialect  # the canonical name, also when an alias was given
        self.tools: dict[str, FunctionSpec] | None = normalize_tools(tools)
        ids = IdFactory(machine_class.id_style, seed=id_seed, factory=id_factory)
        self._machine: Machine = machine_class(
            ids=ids, start_in_reasoning=resolved.start_in_reasoning, tools=self.tools
        )
        self._finish_reason: FinishReason | None = None
        self._max_arguments_chars = _limit("max_arguments_chars", max_arguments_chars)
        self._max_calls = _limit("max_calls", max_calls)
        self.strict = strict
        # Once a limit is reached (or in strict mode) every feed's events are screened.
        self._machine.args_limit = self._max_arguments_chars
        self._machine.calls_limit = self._max_calls
        self._machine.watch = strict
        # Whether feed() can go straight to the machine: not finished, not strict.
        self._fast = not strict
        self._cut: set[int] = set()
        self._strict_arguments: dict[int, list[str]] = {}
        self._malformed: MalformedCallError | None = None  # what a strict parser raised: it is done

    @property
    def finish_reason(self) -> FinishReason | None:
        """``tool_calls``, ``stop`` or ``length``; None until ``finish()``."""
        return self._finish_reason

    @property
    def finished(self) -> bool:
        return self._finish_reason is not None

    def feed(self, text: str) -> ChoiceDelta | None:
        # The checks of _feed, inlined: this runs once per token of every stream.
        if type(text) is str and self._fast:
            machine = self._machine
            events = machine.feed(text)
            # The machine raises watch when a call passes a limit, except for the open
            # call's arguments: that check is here, where it costs one comparison per delta.
            if machine.watch or machine._args_chars > self._max_arguments_chars:
                events = self._screen(events)
            return events_to_delta(events)
        return events_to_delta(self._feed(text))

    def feed_events(self, text: str) -> list[Event]:
        if type(text) is str and self._fast:
            machine = self._machine
            events = machine.feed(text)
            if machine.watch or machine._args_chars > self._max_arguments_chars:  # _check, inlined
                return self._screen(events)
            return events
        return self._feed(text)

    def finish(self, reason: StopReason | None = None) -> ChoiceDelta | None:
        return events_to_delta(self._finish(reason))

    def finish_events(self, reason: StopReason | None = None) -> list[Event]:
        return self._finish(reason)

    def _feed(self, text: str) -> list[Event]:
        if self._malformed is not None:
            raise self._spent("feed")
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
        if self.strict:
            self._machine.fed += len(text)
        return self._check(self._machine.feed(text))

    def _check(self, events: list[Event], truncated: bool = False) -> list[Event]:
        machine = self._machine
        if machine.watch or machine._args_chars > self._max_arguments_chars:
            return self._screen(events, truncated)
        return events

    def _screen(self, events: list[Event], truncated: bool = False) -> list[Event]:
        """Apply the limits (and strict mode's checks) to one feed's events."""
        machine = self._machine
        machine.watch = True
        if self.strict and machine.failure is not None:
            offset, expected = machine.failure
            raise self._fail_strictly(offset, expected)
        # Arguments each call had before this feed: its total so far minus this feed's share.
        emitted: dict[int, int] = {}
        for event in events:
            if type(event) is CallArguments:
                emitted[event[0]] = emitted.get(event[0], 0) - len(event[1])
        for index in emitted:
            total = machine._args_chars if index == machine._call_index else machine.args_totals[index]
            emitted[index] += total
        limit = self._max_arguments_chars
        kept: list[Event] = []
        for event in events:
            if isinstance(event, (Text, Reasoning)):
                kept.append(event)
                continue
            if event.index in self._cut:
                continue
            if isinstance(event, CallStart) and event.index >= self._max_calls:
                self._cut.add(event.index)
                detail = f"more than max_calls={self._max_calls} calls: this one was dropped"
                kept.append(LimitExceeded(event.index, "max_calls", detail))
                continue
            if isinstance(event, CallArguments):
                before = emitted[event.index]
                emitted[event.index] = after = before + len(event.text)
                if after > limit:
                    if limit > before:
                        kept.append(CallArguments(event.index, event.text[: limit - before]))
                    self._cut.add(event.index)
                    detail = f"arguments longer than max_arguments_chars={limit}: the rest was dropped"
                    kept.append(LimitExceeded(event.index, "max_arguments_chars", detail))
                    kept.append(CallEnd(event.index, False))
                    continue
                if self.strict:
                    self._strict_arguments.setdefault(event.index, []).append(event.text)
            elif isinstance(event, CallEnd) and self.strict:
                self._check_strictly(event, truncated)
            elif isinstance(event, CallFlag) and self.strict:
                raise self._fail_strictly(machine.call_offsets[event.index], event.detail, event.index)
            kept.append(event)
        return kept

    def _check_strictly(self, end: CallEnd, truncated: bool) -> None:
        offset = self._machine.call_offsets[end.index]
        arguments = "".join(self._strict_arguments.pop(end.index, ()))
        if not end.complete:
            if truncated:
                return
            raise self._fail_strictly(offset, f"the end of call {end.index}'s arguments", end.index)
        problem = _arguments_problem(arguments)
        if problem is not None:
            raise self._fail_strictly(
                offset, f"a JSON object as call {end.index}'s arguments ({problem})", end.index
            )

    def _fail_strictly(self, offset: int, expected: str, index: int | None = None) -> MalformedCallError:
        """The error a strict parser raises; the parser is finished with it.

        Going on would mean resuming after events that were never returned
        (those of the feed that raised), so the response is done here.
        """
        self._malformed = MalformedCallError(self.dialect, offset, expected, index)
        self._fast = False
        self._finish_reason = None  # also when finish() raised: the response has no finish reason
        return self._malformed

    def _spent(self, method: str) -> UsageError:
        return UsageError(
            f"{method}() after this strict parser raised MalformedCallError ({self._malformed}): "
            "the response is malformed, so the parser is finished; create a new StreamParser for "
            "the next response (or parse with strict=False to get the lenient reading of this one)"
        )

    def _finish(self, reason: StopReason | None) -> list[Event]:
        if self._malformed is not None:
            raise self._spent("finish")
        if self._finish_reason is not None:
            raise UsageError("finish() was already called: create a new StreamParser for each response")
        if reason not in (None, "stop", "length"):
            raise UsageError(f"finish(reason=...) takes 'stop' or 'length', not {reason!r}")
        self._fast = False
        events = self._machine.finish(truncated=reason == "length")
        if reason == "length":
            self._finish_reason = "length"
        else:
            self._finish_reason = "tool_calls" if self._machine.calls_started else "stop"
        return self._check(events, truncated=reason == "length")


def _limit(name: str, value: int | None) -> int:
    if value is None:
        return sys.maxsize
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name} takes a positive int, or None for no limit; not {value!r}")
    return value


def parse(
    text: str,
    dialect: str | DialectObject,
    tools: Iterable[Any] | None = None,
    *,
    start_in_reasoning: bool | None = None,
    id_seed: int | str | None = None,
    id_factory: Callable[[], str] | None = None,
    finish_reason: StopReason | None = None,
    validate: bool = False,
    max_arguments_chars: int | None = DEFAULT_MAX_ARGUMENTS_CHARS,
    max_calls: int | None = DEFAULT_MAX_CALLS,
    strict: bool = False,
    token_suffix: str | None = None,
) -> ParseResult:
    """Parse a whole response at once; the same as folding the stream of it.

    ``validate=True`` checks each call's arguments against its tool's
    ``parameters`` schema and reports mismatches in ``problems`` (needs
    ``tools`` and the ``validate`` extra, jsonschema). The limits and
    ``strict`` are as for :class:`StreamParser`.
    """
    parser = StreamParser(
        dialect,
        tools,
        start_in_reasoning=start_in_reasoning,
        id_seed=id_seed,
        id_factory=id_factory,
        max_arguments_chars=max_arguments_chars,
        max_calls=max_calls,
        strict=strict,
        token_suffix=token_suffix,
    )
    builder = _Builder()
    builder.add_events(parser._feed(text))
    builder.add_events(parser._finish(finish_reason))
    assert parser.finish_reason is not None
    return builder.result(parser.finish_reason, parser.tools, validate)
