"""Dialects without code: a Hugging Face ``response_template`` (version 1) as a streaming dialect.

Transformers 5.x describes a model's output as data (``response_template``
in ``tokenizer_config.json``; vLLM's ``--tool-call-parser hf``, SGLang's
``response_template``). :func:`load_dialect` turns one into a dialect that
is accepted wherever a dialect name is::

    >>> import streamparse
    >>> hermes_like = streamparse.load_dialect({
    ...     "start_anchor": "<|im_start|>assistant\\n",
    ...     "fields": {
    ...         "thinking": {"open": "<think>", "close": "</think>"},
    ...         "content": {},
    ...         "tool_calls": {"open": "<tool_call>", "close": "</tool_call>", "repeats": True,
    ...                        "content": "json",
    ...                        "transform": {"type": "function", "function": "{content}"}}}})
    >>> r = streamparse.parse('<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>', hermes_like)
    >>> r.tool_calls[0].function.name, r.tool_calls[0].function.arguments
    ('f', '{"a": 1}')

The template is mapped onto the shared machine, not run by a second
engine: each field is a state; literal openers and closers are lexer
markers; ``thinking`` is reasoning, ``content`` (or text outside every
field) is content, other scalar fields are markup; ``tool_calls`` with
``json`` content is read by the call-object scanner (the name from
``{content.name}``) or, with the name captured by the opener
(``{name}``), streamed as the arguments; ``xml-inline`` goes to the
XML-parameter machinery, values typed by the tool's schema.

A regex opener or closer is a *pattern marker*: the literal strings its
matches start with are markers; from one of them the regex is tried on
text held at most :data:`MAX_PATTERN` characters. Where several fields'
patterns start at the same place, the text is held until each has matched
or failed, and the longest match wins (the first field on a tie). A match
counts once one more character shows that it cannot grow (or when it is a
literal, or at the end of the text); so a greedy pattern ends at its first
possible end. Where all the patterns fail, the marker's first character
is text of the state it was found in, and the search goes on from the
next one. The decision depends only on the text, not on the cuts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import regex

from ._dialect import DialectObject
from ._machine import TEXT, Lex, Machine, MarkerAction, Scan, StateSpec, Stripper
from ._params import ValueRules
from ._template_spec import FieldPlan, TemplatePlan, describe, read_template
from ._xml import XmlMachine, XmlState
from .errors import UsageError
from .ids import IdFactory

__all__ = ["MAX_PATTERN", "TemplateDialect", "load_dialect"]

_MAX_TAG = 64
# The most text a pattern marker holds before its patterns are decided; past it they failed.
MAX_PATTERN = 1024


class Candidate(NamedTuple):
    """A pattern tried at a marker: what it means when it matches."""

    pattern: regex.Pattern[str]
    literal: bool  # a literal cannot grow: a match at the end of the held text counts at once
    field: int  # index into the machine's FIELDS
    kind: str  # "open", "close" (a text field's closer) or "markup" (the implicit field's closer)


class TemplateMachine(Machine):
    """The base of a template's generated machine; the class attributes come from the template."""

    FIELDS: ClassVar[tuple[FieldPlan, ...]] = ()
    # state name -> marker -> the candidates tried where it is found
    ENTRIES: ClassVar[dict[str, dict[str, tuple[Candidate, ...]]]] = {}
    PATTERN_STATE: ClassVar[Enum]
    REGION_STATES: ClassVar[dict[int, Enum]] = {}
    # The regex sources of pattern markers (markup, for streamparse.testing's checks).
    MARKUP_PATTERNS: ClassVar[tuple[str, ...]] = ()

    _candidates: tuple[Candidate, ...] = ()
    _results: list[regex.Match[str] | bool | None]
    _tested = 0
    _pattern_home: Enum
    _strip: Stripper | None = None
    # xml-inline calls: the tag being read between parameters (None: none), and the tags
    # that are markup there (``/function`` when the opener opened ``<function=...>``).
    _tag: str | None = None
    _stray_flagged = False
    CLOSING_TAGS: ClassVar[frozenset[str]] = frozenset()

    # -- pattern markers ------------------------------------------------------

    def enter_pattern(self, marker: str) -> bool:
        self._candidates = self.ENTRIES[self._state._name_][marker]
        self._results = [None] * len(self._candidates)
        self._tested = 0
        self._pattern_home = self._state
        self._enter(self.PATTERN_STATE)
        return False  # the step reads the marker again, with what follows it

    def direct(self, marker: str) -> bool:
        """A literal marker that is one field's opener or closer: no pattern to try."""
        self._commit(self.ENTRIES[self._state._name_][marker][0], None, marker)
        return True

    def pattern_step(self, buf: str, pos: int, final: bool) -> int:
        candidates, results = self._candidates, self._results
        limit = min(len(buf) - pos, MAX_PATTERN)
        length = self._tested + 1
        while length <= limit and None in results:
            end = pos + length
            for i, candidate in enumerate(candidates):
                if results[i] is None:
                    m = candidate.pattern.match(buf, pos, end, partial=True)
                    if m is None or (not m.partial and not self._usable(candidate, m)):
                        results[i] = False
                    elif not m.partial and (m.end() < end or candidate.literal):
                        results[i] = m
            length += 1
        self._tested = length - 1
        if None in results:
            if final:
                for i, candidate in enumerate(candidates):
                    if results[i] is None:
                        m = candidate.pattern.match(buf, pos, pos + limit)
                        results[i] = m if m is not None and self._usable(candidate, m) else False
            elif limit < MAX_PATTERN:
                return pos  # held: more text decides
            else:
                results[:] = [r if r is not None else False for r in results]
        matches = [(m.end(), -i, m) for i, m in enumerate(results) if isinstance(m, regex.Match)]
        if not matches:
            # No pattern matched here: the first character is text of the state the marker was
            # found in, and the search goes on from the next one (another marker may start
            # inside this one's text, as a regex search would find it).
            self._enter(self._pattern_home)
            spec = self._spec
            assert isinstance(spec, Lex)
            spec.text(self, buf[pos])
            return pos + 1
        _, best, match = max(matches, key=lambda found: found[:2])  # the longest; the first field on a tie
        self._marker_at = pos
        self._commit(candidates[-best], match, match.group())
        return match.end()

    def _usable(self, candidate: Candidate, m: regex.Match[str]) -> bool:
        """A call's opener must capture a name."""
        plan = self.FIELDS[candidate.field]
        if candidate.kind == "open" and plan.calls in ("header", "xml"):
            return bool((m.group(plan.name_key) or "").strip())
        return True

    def _commit(self, candidate: Candidate, m: regex.Match[str] | None, text: str) -> None:
        plan = self.FIELDS[candidate.field]
        if candidate.kind != "open":
            self._to_implicit()
        elif plan.role != "calls":
            self._reset_strip()
            self._enter(self.REGION_STATES[candidate.field])
        elif plan.calls == "object":
            self.open_wrapper(text)
        else:
            assert m is not None
            call_id = m.group(plan.id_key) if plan.id_key is not None else None
            self._tag, self._stray_flagged = None, False
            self.commit_call(m.group(plan.name_key).strip(), call_id or None)
            self._enter(self.ARGS_STATE)

    # -- text of the fields ------------------------------------------------------

    def _to_implicit(self) -> None:
        self._reset_strip()
        self._enter(self.CONTENT)

    def _reset_strip(self) -> None:
        if self._strip is not None:
            self._strip.reset()

    def _stripped(self, text: str) -> str:
        if self._strip is None:
            self._strip = Stripper()
        return self._strip.take(text)

    def stripped_content(self, text: str) -> int:
        out = self._stripped(text)
        if out:
            self._emit(TEXT, -1, out)
        return len(text)

    def stripped_reasoning(self, text: str) -> int:
        out = self._stripped(text)
        if out:
            self.reasoning(out)
        return len(text)

    def drop_text(self, text: str) -> int:
        """Text of a field the OpenAI message has no place for: markup."""
        return len(text)

    def end_region(self, marker: str) -> bool:
        self._to_implicit()
        return True

    def end_call_region(self, marker: str) -> bool:
        self.end_call()
        self._to_implicit()
        return True

    def end_block(self, marker: str) -> bool:
        self.close_wrapper(marker)
        self._reset_strip()
        return True


class TemplateXmlMachine(TemplateMachine, XmlMachine):
    """A template whose calls are ``xml-inline``."""

    def call_gap(self, text: str) -> int:
        """Text between parameter tags: whitespace, and the closing tags of what the opener
        opened (``</function>``), are markup.

        The tag pattern skips anything else too, as Transformers reads it;
        here it is left out with the call flagged, once, so that it does
        not vanish unsaid.
        """
        tag, stray = self._tag, False
        for char in text:
            if tag is not None:
                if char == ">":
                    stray = stray or tag not in self.CLOSING_TAGS
                    tag = None
                elif len(tag) < _MAX_TAG:
                    tag += char
                else:
                    stray, tag = True, None
            elif char == "<":
                tag = ""
            elif not char.isspace():
                stray = True
        self._tag = tag
        if stray and not self._stray_flagged:
            self._stray_flagged = True
            self.flag_call("unexpected_member", "text between the parameters that is no parameter: left out")
        return len(text)

    def end_call(self, complete: bool = True, empty_args: str = "{}") -> None:
        if self._tag is not None:  # a tag the call's end cut short: not markup
            self._tag = None
            self.call_gap("x")
        super().end_call(complete, empty_args)

    def end_value(self, marker: str) -> bool:
        """The close tag: the value ends at the first one, as the tag pattern's lazy ``.*?`` reads it."""
        self.call_args(self._writer.end_value())
        self._enter(self.ARGS_STATE)
        return True


_TEXT_HANDLERS = {
    ("content", False): Machine.content,
    ("content", True): TemplateMachine.stripped_content,
    ("reasoning", False): Machine.reasoning,
    ("reasoning", True): TemplateMachine.stripped_reasoning,
    ("markup", False): TemplateMachine.drop_text,
    ("markup", True): TemplateMachine.drop_text,
}


def _entries(pairs: list[tuple[str, Candidate]]) -> dict[str, tuple[Candidate, ...]]:
    """Markers for a state's candidates, made valid for one lexer.

    A marker that occurs inside another is cut there (a pattern is tried
    from the shorter start); one that starts another takes its candidates.
    """
    table: dict[str, list[Candidate]] = {}
    for marker, candidate in pairs:
        table.setdefault(marker, []).append(candidate)
    changed = True
    while changed:
        changed = False
        for a in sorted(table, key=len):
            for b in list(table):
                if a == b or b not in table or a not in table:
                    continue
                at = b.find(a)
                if at < 0:
                    continue
                cut = b[:at] if at else a
                moved = table.pop(b)
                table.setdefault(cut, []).extend(c for c in moved if c not in table[cut])
                changed = True
    return {marker: tuple(candidates) for marker, candidates in table.items()}


def _lex_state(text: Any, pairs: list[tuple[str, Candidate]]) -> tuple[Lex, dict[str, tuple[Candidate, ...]]]:
    entries = _entries(pairs)
    actions: dict[str | tuple[str, ...], MarkerAction] = {}
    for marker, candidates in entries.items():
        (only,) = candidates if len(candidates) == 1 else (None,)
        simple = only is not None and only.literal and only.pattern.pattern == regex.escape(marker)
        actions[marker] = TemplateMachine.direct if simple else TemplateMachine.enter_pattern
    return Lex(text, actions), entries


def _candidates(index: int, plan: FieldPlan, which: str, kind: str) -> list[tuple[str, Candidate]]:
    anchor = plan.open if which == "open" else plan.close
    if anchor.pattern is not None:
        return [(start, Candidate(anchor.pattern, False, index, kind)) for start in anchor.starts]
    return [(s, Candidate(regex.compile(regex.escape(s)), True, index, kind)) for s in anchor.literals]


def _state_enum(name: str, members: list[str]) -> Any:
    """A machine's states, made when its template is read (the table is data, not code)."""
    return Enum(name, members)


def _build_machine(plan: TemplatePlan, name: str) -> type[TemplateMachine]:
    fields = plan.fields
    calls = next((i for i, f in enumerate(fields) if f.role == "calls"), None)
    xml = calls is not None and fields[calls].calls == "xml"
    names = ["IMPLICIT", "PATTERN"] + [f"FIELD_{i}" for i in range(len(fields))] + ["BLOCK", "OBJECT", "ARGS"]
    State = _state_enum(f"{name.title().replace('_', '')}State", names)
    states: dict[Enum, StateSpec] = {State.PATTERN: Scan(TemplateMachine.pattern_step)}
    entries: dict[str, dict[str, tuple[Candidate, ...]]] = {}

    implicit = plan.implicit
    implicit_role = "reasoning" if implicit is not None and implicit.role == "reasoning" else "content"
    implicit_strip = implicit.strip if implicit is not None else False
    openers = [
        pair for i, f in enumerate(fields) if f.open.present for pair in _candidates(i, f, "open", "open")
    ]
    if implicit is not None:
        openers += _candidates(fields.index(implicit), implicit, "close", "markup")
    states[State.IMPLICIT], entries["IMPLICIT"] = _lex_state(
        _TEXT_HANDLERS[implicit_role, implicit_strip], openers
    )

    regions: dict[int, Enum] = {}
    reasoning_state = None
    for i, field in enumerate(fields):
        if not field.open.present or field.role == "calls":
            continue
        state = State[f"FIELD_{i}"]
        regions[i] = state
        states[state], entries[state._name_] = _lex_state(
            _TEXT_HANDLERS[field.role, field.strip], _candidates(i, field, "close", "close")
        )
        if field.role == "reasoning":
            reasoning_state = state

    namespace: dict[str, Any] = {}
    if calls is not None:
        field = fields[calls]
        close: dict[str | tuple[str, ...], MarkerAction] = dict.fromkeys(
            field.close.literals, TemplateMachine.end_call_region
        )
        if field.calls == "object":
            block_close: dict[str | tuple[str, ...], MarkerAction] = dict.fromkeys(
                field.close.literals, TemplateMachine.end_block
            )
            states[State.BLOCK] = Lex(Machine.gap, {**block_close, "{": Machine.open_call_object})
            states[State.OBJECT] = Scan(Machine.call_object)
            namespace.update(
                WRAPPER_STATE=State.BLOCK,
                OBJECT_STATE=State.OBJECT,
                SCANNER_NAME_KEYS=(field.name_key,),
                SCANNER_ARGS_KEYS=(field.arguments_key,),
            )
        elif field.calls == "header":
            states[State.ARGS] = Lex(Machine.stripped_args, close)
            namespace.update(ARGS_STATE=State.ARGS)
        else:
            tags = field.xml
            assert tags is not None
            after_value = (tags.begin, *field.close.literals)
            states[XmlState.CALL] = Lex(
                TemplateXmlMachine.call_gap, {tags.begin: XmlMachine.open_param, **close}
            )
            states[XmlState.PARAM] = Lex(
                XmlMachine.param_header, {">": XmlMachine.start_value, "<": XmlMachine.fail_param}
            )
            states[XmlState.VALUE] = Lex(
                XmlMachine.value,
                {tags.end: TemplateXmlMachine.end_value, after_value: XmlMachine.end_value_and_reread},
            )
            opener = (
                field.open.pattern.pattern if field.open.pattern is not None else "".join(field.open.literals)
            )
            namespace.update(
                CLOSING_TAGS=frozenset("/" + tag for tag in regex.findall(r"<([\w:.-]+)", opener)),
                ARGS_STATE=XmlState.CALL,
                VALUE_RULES=ValueRules(
                    strip=tags.strip,
                    untyped=tags.untyped,
                    # The words Transformers' schema casts accept (``_coerce``).
                    null_words=frozenset({"null", "none"}),
                    true_words=frozenset({"true", "1"}),
                    false_words=frozenset({"false", "0"}),
                ),
            )
    # A field's text state and the wrapper's are what the base class expects of them.
    namespace.setdefault("WRAPPER_STATE", State.BLOCK)
    namespace.update(
        name=name,
        CONTENT=State.IMPLICIT,
        REASONING_STATE=reasoning_state,
        PATTERN_STATE=State.PATTERN,
        FIELDS=fields,
        ENTRIES=entries,
        MARKUP_PATTERNS=tuple(
            anchor.pattern.pattern
            for f in fields
            for anchor in (f.open, f.close)
            if anchor.pattern is not None
        ),
        REGION_STATES=regions,
        STATES=states,
    )
    base = TemplateXmlMachine if xml else TemplateMachine
    return type(f"Template_{name}", (base,), namespace)


class TemplateDialect(DialectObject):
    """A dialect made from a ``response_template``; pass it wherever a dialect name goes.

    ``name`` is how results and errors refer to it. ``spec`` is the
    template. :meth:`after_prompt` gives the same dialect starting where the
    prompt leaves the assistant's message (``<think>`` opened by the chat
    template, say); ``start_in_reasoning=True`` does the same for a prompt
    that opens the ``thinking`` field.
    """

    def __init__(self, spec: Mapping[str, Any], name: str | None = None) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise UsageError("a template dialect's name must be a non-empty string")
        self.spec = json.loads(json.dumps(spec)) if isinstance(spec, Mapping) else spec
        self.plan = read_template(self.spec)
        self.name = name or f"response_template_{describe(self.spec)}"
        self.machine: type[Machine] = _build_machine(self.plan, self.name)

    def __repr__(self) -> str:
        return f"streamparse.load_dialect({self.spec!r}, name={self.name!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TemplateDialect)
            and other.spec == self.spec
            and other.name == self.name
            and _state_name(other.machine.INITIAL_STATE) == _state_name(self.machine.INITIAL_STATE)
        )

    def __hash__(self) -> int:
        return hash(self.name)

    def after_prompt(self, prompt: str) -> TemplateDialect:
        """This dialect, starting where ``prompt`` (the text sent to the model) leaves the message.

        The prompt is cut after the last start anchor, as Transformers does,
        and read; the region it leaves open is where the output starts. A
        prompt that leaves a tool call open, or text held, is refused.
        """
        if not isinstance(prompt, str):
            raise UsageError(f"after_prompt() takes the prompt as str, not {type(prompt).__name__}")
        anchors = [m.end() for m in self.plan.start_anchor.finditer(prompt)]
        tail = prompt[anchors[-1] :] if anchors else prompt
        machine = self.machine(ids=IdFactory("call"))
        assert isinstance(machine, TemplateMachine)
        machine.feed(tail)
        state = machine._state
        if machine.calls_started or machine._buf or machine.in_wrapper or state is machine.PATTERN_STATE:
            raise UsageError(
                f"the prompt ends inside a tool call or a marker of {self.name} ({tail[-40:]!r});"
                " only a prompt that leaves a text field open can be followed"
            )
        if state is machine.INITIAL_STATE or (machine.INITIAL_STATE is None and state is machine.CONTENT):
            return self
        return self._starting_in(state._name_)

    def _starting_in(self, state: str) -> TemplateDialect:
        started = TemplateDialect.__new__(TemplateDialect)
        started.spec, started.plan, started.name = self.spec, self.plan, self.name
        initial = next(member for member in self.machine.STATES if member._name_ == state)
        started.machine = type(self.machine.__name__, (self.machine,), {"INITIAL_STATE": initial})
        return started

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the template in another process (the machine class is made at load time);
        # attributes set on it (streamparse.testing.use_renderer's) go along.
        extra = {
            key: value for key, value in vars(self).items() if key not in ("spec", "plan", "name", "machine")
        }
        return (_restore, (self.spec, self.name, _state_name(self.machine.INITIAL_STATE)), extra or None)


def _state_name(state: Enum | None) -> str | None:
    return state._name_ if state is not None else None


def _restore(spec: dict[str, Any], name: str, state: str | None) -> TemplateDialect:
    dialect = TemplateDialect(spec, name)
    return dialect._starting_in(state) if state is not None else dialect


def load_dialect(source: Mapping[str, Any] | str | Path, *, name: str | None = None) -> TemplateDialect:
    """A dialect from a ``response_template``: the dict itself, a JSON file holding one,
    or a ``tokenizer_config.json`` with a ``response_template`` key.

    An invalid template, or one that uses what cannot be streamed, raises
    :class:`~streamparse.UsageError` naming the field and the reason.
    """
    if isinstance(source, Mapping):
        return TemplateDialect(source, name)
    if not isinstance(source, (str, Path)):
        raise UsageError(
            f"load_dialect() takes a response_template dict or a path to a JSON file, not {type(source).__name__}"
        )
    path = Path(source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    if isinstance(data, dict) and "response_template" in data:
        data = data["response_template"]
    elif isinstance(data, dict) and "fields" not in data:
        raise UsageError(f"{path} holds neither a response_template key nor a template (no 'fields')")
    return TemplateDialect(data, name)
