"""Final results: what a whole response folds to (pydantic, built once)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ._json import DONE, JsonSkimmer
from .errors import UsageError
from .events import CallArguments, CallEnd, CallFlag, CallStart, Event, LimitExceeded, Reasoning, Text
from .tools import FunctionSpec

__all__ = ["CallProblem", "FinishReason", "Function", "ParseResult", "ToolCall", "fold_deltas"]

FinishReason = Literal["stop", "tool_calls", "length"]


class Function(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    arguments: str


class ToolCall(BaseModel):
    """A call as OpenAI's ``message.tool_calls[i]`` carries it."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: Literal["function"] = "function"
    function: Function


class CallProblem(BaseModel):
    """Something wrong with one call, reported beside it, never instead of it.

    ``kind`` is ``incomplete`` (the text was cut inside the call, after
    ``finish(reason="length")``), ``invalid_arguments`` (the arguments are
    not a JSON object), ``unknown_tool`` (``tools`` were given and do not
    declare the name), ``schema_mismatch`` (with ``validate=True``: the
    arguments do not satisfy the tool's ``parameters`` JSON schema; the
    detail says where and why) or ``limit_exceeded`` (the call went past
    ``max_arguments_chars`` and was cut, or past ``max_calls`` and was
    dropped: then ``index`` is the one it would have had and no entry of
    ``tool_calls`` carries it), or a flag the parser raised while reading
    the call (see :class:`~streamparse.CallFlag`): ``unexpected_member``
    (a member of a JSON call object that is not part of the call, left
    out) or ``lone_surrogate`` (an escape of half a surrogate pair, kept
    as written so that the result stays UTF-8).
    """

    model_config = ConfigDict(frozen=True)

    index: int
    kind: Literal[
        "incomplete",
        "invalid_arguments",
        "unknown_tool",
        "schema_mismatch",
        "limit_exceeded",
        "unexpected_member",
        "lone_surrogate",
    ]
    detail: str


class ParseResult(BaseModel):
    """The whole response: ``content`` and ``reasoning_content`` are None when empty,
    as in an OpenAI message."""

    model_config = ConfigDict(frozen=True)

    content: str | None = None
    reasoning_content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: FinishReason = "stop"
    problems: list[CallProblem] = Field(default_factory=list)


class _Builder:
    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.ids: list[str] = []
        self.names: list[str] = []
        self.arguments: list[list[str]] = []
        self.incomplete: set[int] = set()
        self.limits: dict[int, str] = {}
        self.flags: list[CallFlag] = []

    def call(self, index: int) -> None:
        while len(self.ids) <= index:
            self.ids.append("")
            self.names.append("")
            self.arguments.append([])

    def add_events(self, events: Iterable[Event]) -> None:
        for event in events:
            if isinstance(event, Text):
                self.content.append(event.text)
            elif isinstance(event, Reasoning):
                self.reasoning.append(event.text)
            elif isinstance(event, CallStart):
                self.call(event.index)
                self.ids[event.index] = event.id
                self.names[event.index] = event.name
            elif isinstance(event, CallArguments):
                self.call(event.index)
                self.arguments[event.index].append(event.text)
            elif isinstance(event, CallEnd) and not event.complete:
                self.incomplete.add(event.index)
            elif isinstance(event, LimitExceeded):
                self.limits[event.index] = event.detail
            elif isinstance(event, CallFlag):
                self.flags.append(event)

    def result(
        self,
        finish_reason: FinishReason,
        tools: Mapping[str, FunctionSpec] | None,
        validate: bool = False,
    ) -> ParseResult:
        check_schema = _schema_checker(tools) if validate else None
        calls = [
            ToolCall(id=call_id, function=Function(name=name, arguments="".join(parts)))
            for call_id, name, parts in zip(self.ids, self.names, self.arguments)
        ]
        problems: list[CallProblem] = []
        flags: dict[int, list[CallFlag]] = {}
        for flag in self.flags:
            flags.setdefault(flag.index, []).append(flag)
        for index, call in enumerate(calls):
            problems.extend(
                CallProblem(index=index, kind=flag.kind, detail=flag.detail)  # type: ignore[arg-type]
                for flag in flags.get(index, ())
            )
            if index in self.limits:
                # Cut at the limit: its arguments are a prefix, not something to check.
                problems.append(CallProblem(index=index, kind="limit_exceeded", detail=self.limits[index]))
            else:
                if finish_reason == "length" and index in self.incomplete:
                    problems.append(
                        CallProblem(index=index, kind="incomplete", detail="the text ended inside this call")
                    )
                detail = _arguments_problem(call.function.arguments)
                if detail is not None:
                    problems.append(CallProblem(index=index, kind="invalid_arguments", detail=detail))
                elif check_schema is not None:
                    mismatch = check_schema(call.function.name, call.function.arguments)
                    if mismatch is not None:
                        problems.append(CallProblem(index=index, kind="schema_mismatch", detail=mismatch))
            if tools is not None and call.function.name not in tools:
                problems.append(
                    CallProblem(
                        index=index,
                        kind="unknown_tool",
                        detail=f"{call.function.name!r} is not among the tools given",
                    )
                )
        problems.extend(
            CallProblem(index=index, kind="limit_exceeded", detail=detail)
            for index, detail in sorted(self.limits.items())
            if index >= len(calls)
        )
        return ParseResult(
            content="".join(self.content) or None,
            reasoning_content="".join(self.reasoning) or None,
            tool_calls=calls,
            finish_reason=finish_reason,
            problems=problems,
        )


class _NotJsonConstant(ValueError):
    pass


def _reject_constant(word: str) -> None:
    raise _NotJsonConstant(word)


def _arguments_problem(arguments: str) -> str | None:
    try:
        # json.loads accepts NaN and Infinity, which JSON does not have.
        value = json.loads(arguments, parse_constant=_reject_constant)
    except _NotJsonConstant as error:
        return f"not valid JSON: {error.args[0]} is not a JSON value (JSON has no NaN or Infinity)"
    except ValueError as error:
        return f"not valid JSON: {error}"
    except RecursionError:
        # Nesting deeper than json's recursion allows: check the structure without recursing.
        return _deep_arguments_problem(arguments)
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}, not an object"
    return None


def _deep_arguments_problem(arguments: str) -> str | None:
    text = arguments.strip()
    skimmer = JsonSkimmer()
    end = skimmer.advance(text, 0)
    if skimmer.status != DONE or end != len(text):
        return "not valid JSON: brackets do not balance"
    if not text.startswith("{"):
        return "a deeply nested JSON value, not an object"
    return None


def _schema_checker(tools: Mapping[str, FunctionSpec] | None) -> Callable[[str, str], str | None]:
    """``check(name, arguments) -> reason or None`` against each tool's ``parameters`` schema."""
    if tools is None:
        raise UsageError("validate=True checks arguments against the tools' schemas: pass tools=[...] too")
    try:
        from jsonschema import validators
        from jsonschema.exceptions import best_match
    except ImportError:
        raise UsageError(
            "validate=True needs the jsonschema package: pip install 'streamparse[validate]'"
        ) from None
    checkers: dict[str, Any] = {}

    def check(name: str, arguments: str) -> str | None:
        spec = tools.get(name)
        if spec is None or spec.parameters is None:
            return None
        if name not in checkers:
            schema = spec.parameters
            checkers[name] = validators.validator_for(schema)(schema)
        error = best_match(checkers[name].iter_errors(json.loads(arguments)))
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path) or "(the arguments)"
        return f"at {where}: {error.message}"

    return check


def fold_deltas(
    deltas: Iterable[Mapping[str, Any] | None],
    finish_reason: FinishReason | None = None,
    tools: Mapping[str, FunctionSpec] | None = None,
    *,
    validate: bool = False,
) -> ParseResult:
    """Fold wire deltas the way a client does: concatenate content, and per
    ``index`` concatenate ``id``, ``function.name`` and ``function.arguments``.

    ``finish_reason`` defaults to ``tool_calls`` when a call appeared, else ``stop``.
    ``validate=True`` checks each call's arguments against its tool's schema
    (needs ``tools`` and the ``validate`` extra).
    """
    builder = _Builder()
    for delta in deltas:
        if not delta:
            continue
        if delta.get("content"):
            builder.content.append(delta["content"])
        if delta.get("reasoning_content"):
            builder.reasoning.append(delta["reasoning_content"])
        for chunk in delta.get("tool_calls") or ():
            index = chunk["index"]
            builder.call(index)
            builder.ids[index] += chunk.get("id") or ""
            function = chunk.get("function") or {}
            builder.names[index] += function.get("name") or ""
            builder.arguments[index].append(function.get("arguments") or "")
    if finish_reason is None:
        finish_reason = "tool_calls" if builder.ids else "stop"
    return builder.result(finish_reason, tools, validate)
