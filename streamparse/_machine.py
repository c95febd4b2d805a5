"""The dialect state machine: one driving loop, shared building blocks.

Theory of operation
-------------------
A dialect is a :class:`Machine` subclass whose ``STATES`` table maps each
state (an Enum member) to how text is consumed in it:

* :class:`Lex` — text runs between literal markers. The state's
  :class:`~streamparse._lexer.MarkerLexer` finds the earliest marker; the
  text before it goes to the state's text handler, the marker to its
  action. A suffix that could still become a marker stays in the buffer
  (bounded by the longest marker), everything else is consumed at once.
* :class:`Scan` — a custom step (JSON scanning of a call object), used
  where the end of a construct is structural rather than a marker.

Handlers and actions are small methods named in the table; the building
blocks below (content, reasoning, wrapper gaps, call headers, argument
streaming, commit and failure) are shared by every dialect.

Lossless failure: text consumed for a construct that is not yet known to
be a call (a wrapper's begin marker, a call header) is held (see the
building blocks below).
When the call's name is known the construct commits and the held text is
markup; when it fails, the held text is emitted as content and the
failing character is read again in the state the failure returns to.

Output is a list of the event objects of :mod:`streamparse.events`,
coalesced so that a ``feed()`` yields at most one event per kind and call
between state changes. They are NamedTuples built with ``tuple.__new__``
(measured: 0.2 µs, against 0.35 µs through the NamedTuple constructor and
0.45 µs for a slotted class); :mod:`streamparse._wire` turns them into
OpenAI deltas.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from ._gemma_literal import GemmaLiteralToJson
from ._json import BAD, DONE, MORE, CallObjectScanner, JsonSkimmer, JsonStringValue
from ._lexer import MarkerLexer
from ._pyliteral import PyLiteralToJson
from .events import CallArguments, CallEnd, CallFlag, CallStart, Event, Reasoning, Text
from .ids import IdFactory, IdStyle

if TYPE_CHECKING:
    from .tools import FunctionSpec

__all__ = ["Lex", "Machine", "Scan"]

# Kinds of coalesced text runs.
TEXT, REASONING, ARGS = range(3)
_new = tuple.__new__
# Exactly the characters str.strip() removes.
_WHITESPACE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
# The same as a string: what Machine.leading holds at the start of the output (for OPENING).
WHITESPACE = "".join(sorted(_WHITESPACE))

# A text handler gets the text between markers and returns how much of it
# it consumed; less than all means it changed state and the rest must be
# read again.
TextHandler = Callable[[Any, str], int]
# A marker action returns True when the marker was consumed, False when it
# must be read again in the state the action switched to.
MarkerAction = Callable[[Any, str], bool]
Step = Callable[[Any, str, int, bool], int]

# Limits on text held while it might still become a call; beyond them the
# construct is not a call and its text is content.
MAX_HEADER = 1024
MAX_PENDING = 8192


class Stripper:
    """Drops the whitespace around a run of text that arrives in pieces.

    Leading whitespace is dropped; trailing whitespace is held until more
    text follows (then it is inner whitespace) or the run ends (then it is
    dropped). Used for marker-delimited arguments and for stray text
    between calls.
    """

    __slots__ = ("pending", "started")

    def __init__(self) -> None:
        self.started = False
        self.pending: list[str] = []

    def reset(self) -> None:
        self.started = False
        if self.pending:
            self.pending = []

    def take(self, text: str) -> str:
        """The part of ``text`` that can be passed on now."""
        if not self.started:
            text = text.lstrip()
            if not text:
                return ""
            self.started = True
        body = text.rstrip()
        if len(body) == len(text):
            if self.pending:
                text = "".join(self.pending) + text
                self.pending = []
            return text
        if not body:
            self.pending.append(text)
            return ""
        tail = text[len(body) :]
        if self.pending:
            body = "".join(self.pending) + body
        self.pending = [tail]
        return body


FastPath = Callable[[Any, str], "list[Event] | None"]


class Lex:
    """A state whose text runs between literal markers.

    ``fast`` (optional) handles, when nothing is buffered, text that
    holds no marker and no start of one: a whole delta without the
    markers' first characters, or the part of a delta before a possible
    marker that the lexer holds back. It returns the events, or None to
    take the general path.
    """

    __slots__ = ("actions", "fast", "first_re", "lexer", "quiet_char", "text")

    def __init__(
        self,
        text: TextHandler,
        actions: Mapping[str | tuple[str, ...], MarkerAction],
        fast: FastPath | None = None,
    ):
        flat: dict[str, MarkerAction] = {}
        for key, action in actions.items():
            for marker in (key,) if isinstance(key, str) else key:
                flat[marker] = action
        self.text = text
        self.actions = flat
        self.lexer = MarkerLexer(flat)
        self.fast = fast if fast is not None else _FAST_PATHS.get(text)
        first = "".join(sorted({m[0] for m in flat}))
        # A delta without any of these characters holds no marker and no part of one.
        self.quiet_char = first if len(first) == 1 and self.fast is not None else None
        self.first_re: re.Pattern[str] | None = re.compile("[" + re.escape(first) + "]") if first else None


class Scan:
    """A state with its own step: ``step(machine, buf, pos, final) -> new pos``.

    ``fast`` as for :class:`Lex`, but it is offered every delta.
    """

    __slots__ = ("fast", "first_re", "quiet_char", "step")

    def __init__(self, step: Step, fast: FastPath | None = None):
        self.step = step
        self.fast = fast if fast is not None else _FAST_PATHS.get(step)
        self.quiet_char: str | None = None
        self.first_re: re.Pattern[str] | None = None


StateSpec = Lex | Scan

# Filled in below the Machine class: text handler or step -> its fast path.
_FAST_PATHS: dict[Callable[..., Any], FastPath] = {}

_NO_WRAPPER, _WRAPPER_PENDING, _WRAPPER_OPEN = range(3)


class Machine:
    """Base of every dialect. Subclasses set the class attributes below."""

    name: ClassVar[str]
    STATES: ClassVar[Mapping[Enum, StateSpec]]
    CONTENT: ClassVar[Enum]
    REASONING_STATE: ClassVar[Enum | None] = None
    # Where the output starts, if not in CONTENT.
    INITIAL_STATE: ClassVar[Enum | None] = None
    id_style: ClassVar[IdStyle] = "call"
    # Characters that open a call when they are the first non-whitespace
    # character of the output (bare JSON and pythonic dialects): text that
    # starts with one is held until it is known whether it is a call.
    # Whitespace in it means leading whitespace is held too (gpt_oss).
    OPENING: ClassVar[str] = ""
    # The suffix every marker ends in (streamparse.with_token_suffix), for dialects whose
    # checkpoints append one to their special tokens; such a dialect overrides states_with_suffix.
    TOKEN_SUFFIX: ClassVar[str] = ""

    # STATES by member name: an Enum member hashes in Python code (enum.__hash__), a str in C,
    # and _enter runs at every state change.
    _SPEC_BY_NAME: ClassVar[dict[str, StateSpec]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        states = getattr(cls, "STATES", None)
        if states is not None:
            names = [state._name_ for state in states]
            if len(set(names)) < len(names):
                raise TypeError(
                    f"{cls.__name__}.STATES: two states share a name; give each state its own name"
                )
            cls._SPEC_BY_NAME = dict(zip(names, states.values(), strict=True))

    @classmethod
    def states_with_suffix(cls, token_suffix: str) -> Mapping[Enum, StateSpec]:
        """STATES with ``token_suffix`` at the end of every marker; only some dialects have suffixes."""
        raise NotImplementedError(f"{cls.name} has no marker suffixes")

    def __init__(
        self,
        *,
        ids: IdFactory | None = None,
        start_in_reasoning: bool = False,
        tools: Mapping[str, FunctionSpec] | None = None,
    ) -> None:
        self._ids = ids if ids is not None else IdFactory(self.id_style)
        # The request's tools by name, for dialects that type values by their schema.
        self.tools = tools
        self._buf = ""
        self._out: list[Event] = []
        self._run_kind = -1
        self._run_index = -1
        self._run_parts: list[str] = []
        self._wrapper = _NO_WRAPPER
        # What text inside a wrapper that is not a call becomes: content, or reasoning for a
        # wrapper opened inside the reasoning by open_wrapper_in_reasoning (see there).
        self._stray_kind = TEXT
        self._wrapper_raw: list[str] = []
        self._wrapper_raw_len = 0
        self._wrapper_content: list[str] = []
        self._call_raw: list[str] = []
        self._calls = 0
        # Characters of arguments emitted for the open call, and each earlier call's total:
        # the parser's limits read them (counting here keeps the per-delta path free of checks).
        self._args_chars = 0
        self.args_totals: list[int] = []
        # Set by the parser: a call past a limit (or strict mode) makes it screen every feed.
        self.args_limit = sys.maxsize
        self.calls_limit = sys.maxsize
        self.watch = False
        # Where things start in the response text, for strict mode's errors:
        # characters fed (counted by the parser, in strict mode only: it costs on every delta),
        # where the current buffer starts, where the last marker was found in it.
        self.fed = 0
        self._base = 0
        self._marker_at = 0
        self._call_at = 0
        self._wrapper_at = 0
        self.call_offsets: list[int] = []
        # The first markup that opened a call but did not form one: (offset, what was expected).
        self.failure: tuple[int, str] | None = None
        self._call_index = -1
        self._call_open = False
        self._args_emitted = False
        self._gap = Stripper()
        self._args = Stripper()
        self._args_string: JsonStringValue | None = None
        self._literal: PyLiteralToJson | GemmaLiteralToJson | None = None
        self._opening_brace = False
        self._header: list[str] = []
        self._header_len = 0
        # Characters of a call object held before its call commits, and their bound (_object_hold_limit).
        self._object_held = 0
        self._object_bound = MAX_PENDING
        self._scanner = CallObjectScanner(
            self.SCANNER_ARGS_KEYS,
            self.SCANNER_CAPTURE,
            MAX_HEADER,
            self.SCANNER_NAME_KEYS,
            self.SCANNER_NAME_IS_KEY,
        )
        self._value = JsonSkimmer()
        state = self.INITIAL_STATE or self.CONTENT
        if start_in_reasoning and self.REASONING_STATE is not None:
            state = self.REASONING_STATE
        self._enter(state)

    # -- driving -----------------------------------------------------------

    @property
    def calls_started(self) -> int:
        return self._calls

    @property
    def in_wrapper(self) -> bool:
        return self._wrapper != _NO_WRAPPER

    def feed(self, text: str) -> list[Event]:
        if not text:
            return []
        if not self._buf:
            spec = self._spec
            char = spec.quiet_char
            if char is not None:
                if char not in text:
                    # Inlined _fast_args: the per-token path of a long call (a Python call costs
                    # about a tenth of the per-delta budget).
                    if spec.fast is _fast_args:
                        args = self._args
                        if args.started and text[-1] not in _WHITESPACE:
                            if args.pending:
                                text = "".join(args.pending) + text
                                args.pending = []
                            self._args_chars += len(text)
                            return [_new(CallArguments, (self._call_index, text))]
                    events = spec.fast(self, text)  # type: ignore[misc]
                    if events is not None:
                        return events
            elif spec.fast is not None and (spec.first_re is None or spec.first_re.search(text) is None):
                events = spec.fast(self, text)
                if events is not None:
                    return events
            if type(spec) is Lex and spec.fast is not None:
                # A marker's first character but no marker (``a < b``, a held ``<|to``): the plain
                # part goes the fast way and the rest is held, without the general loop.
                start, _, marker = spec.lexer.find(text, 0, False)
                if marker is None:
                    events = spec.fast(self, text[:start]) if start else []
                    if events is not None:
                        self._buf = text[start:]
                        return events
            buf = text
        else:
            buf = self._buf + text
            spec = self._spec
            if type(spec) is Lex and buf in spec.lexer.prefixes:
                # Still only the start of a marker (``<|tool_ca`` growing by a token): hold it
                # without a scan, so a stream of partial markers costs what plain text does.
                self._buf = buf
                return []
        self._run(buf, False)
        return self._take_output()

    def finish(self, truncated: bool = False) -> list[Event]:
        self._run(self._buf, True)
        self._close(truncated)
        return self._take_output()

    def _run(self, buf: str, final: bool) -> None:
        pos = 0
        n = len(buf)
        self._base = self.fed - n
        while pos < n:
            state = self._state
            spec = self._spec
            if type(spec) is Lex:
                # The text up to the next marker, then the marker's action (inlined: this loop
                # runs for every delta that holds markup).
                start, end, marker = spec.lexer.find(buf, pos, final)
                new = start
                if start > pos:
                    consumed = spec.text(self, buf[pos:start])
                    if pos + consumed < start:
                        new = pos + consumed
                        marker = None
                if marker is not None:
                    self._marker_at = start
                    if spec.actions[marker](self, marker):
                        new = end
            else:
                new = spec.step(self, buf, pos, final)  # type: ignore[union-attr]
            if new == pos and self._state is state:
                break
            pos = new
        self._buf = buf[pos:] if pos < n else ""

    def _enter(self, state: Enum) -> None:
        self._state = state
        self._spec = self._SPEC_BY_NAME[state._name_]

    def _take_output(self) -> list[Event]:
        self._flush_run()
        out = self._out
        self._out = []
        return out

    # -- output ------------------------------------------------------------

    def _emit(self, kind: int, index: int, text: str) -> None:
        if kind != self._run_kind or index != self._run_index:
            self._flush_run()
            self._run_kind = kind
            self._run_index = index
        self._run_parts.append(text)

    def _flush_run(self) -> None:
        parts = self._run_parts
        if parts:
            text = parts[0] if len(parts) == 1 else "".join(parts)
            kind = self._run_kind
            if kind == ARGS:
                self._args_chars += len(text)
                self._out.append(_new(CallArguments, (self._run_index, text)))
            elif kind == TEXT:
                self._out.append(_new(Text, (text,)))
            else:
                self._out.append(_new(Reasoning, (text,)))
            self._run_parts = []
        self._run_kind = -1

    def _record(self, event: Event) -> None:
        self._flush_run()
        self._out.append(event)

    # -- building blocks: content and reasoning ----------------------------

    def content(self, text: str) -> int:
        self._emit(TEXT, -1, text)
        return len(text)

    def reasoning(self, text: str) -> int:
        self._emit(REASONING, -1, text)
        return len(text)

    def to_reasoning(self, marker: str) -> bool:
        assert self.REASONING_STATE is not None
        self._enter(self.REASONING_STATE)
        return True

    def markup(self, marker: str) -> bool:
        """A marker that is recognised and dropped (an end-of-turn token)."""
        return True

    def to_content(self, marker: str) -> bool:
        self._enter(self.CONTENT)
        return True

    # -- building blocks: calls at the start of the output (bare JSON, pythonic) --

    def leading(self, text: str) -> int:
        """Text before anything that opens a call at the start of the output.

        Whitespace is held (markup if a call follows); anything else means
        the output is content, read again from there in the content state.
        """
        body = text.lstrip()
        space = len(text) - len(body)
        if space:
            self._hold(text[:space])
            self._header_len += space
        if body or self._header_len > MAX_HEADER:
            self.fail_call("")
            self._enter(self.CONTENT)
        return space

    def expect_call(self, text: str) -> int:
        """Text where a call must begin (after a marker that only introduces calls).

        Whitespace is held with the pending wrapper; anything else means the
        marker introduced no call: it is content, and so is the text.
        """
        body = text.lstrip()
        space = min(len(text) - len(body), self._pending_room(text))
        if space:
            self._wrapper_raw.append(text[:space])
            self._wrapper_raw_len += space
        if space < len(text):
            self._fail_wrapper()
        return space

    def trailing(self, text: str) -> int:
        """Text after a run of calls: whitespace is markup; the first other character starts content."""
        body = text.lstrip()
        if not body:
            return len(text)
        self._enter(self.CONTENT)
        return len(text) - len(body)

    def separator(self, marker: str) -> bool:
        """A separator between calls (``,`` in an array): markup, held with a pending wrapper."""
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_raw.append(marker)
            self._wrapper_raw_len += len(marker)
        return True

    # -- building blocks: held text, wrappers, calls -------------------------
    #
    # A pending wrapper (begin marker seen, no call committed yet) keeps its
    # raw text in ``_wrapper_raw`` and, beside it, the part that is content
    # if a call does commit (stray text, failed calls) in
    # ``_wrapper_content``. An uncommitted call keeps its raw text in
    # ``_call_raw``. Commit turns the raw text into markup; failure turns it
    # into content. Both are bounded (MAX_HEADER, MAX_PENDING).

    WRAPPER_STATE: ClassVar[Enum]
    HEADER_STATE: ClassVar[Enum]
    ARGS_STATE: ClassVar[Enum]

    def _hold(self, text: str) -> None:
        if not self._call_raw:
            self._call_at = self._base + self._marker_at
        self._call_raw.append(text)
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_raw.append(text)
            self._wrapper_raw_len += len(text)

    def _home(self) -> Enum:
        """The state a call returns to: the wrapper's gap, or content."""
        return self.WRAPPER_STATE if self._wrapper != _NO_WRAPPER else self.CONTENT

    def open_wrapper(self, marker: str) -> bool:
        """A wrapper begin marker: held until its first call commits.

        Text already held for a call (leading whitespace, a ``[TOOL_CALLS]``
        before an array) is held with it.
        """
        self._wrapper = _WRAPPER_PENDING
        self._wrapper_at = self._call_at if self._call_raw else self._base + self._marker_at
        self._wrapper_raw = [*self._call_raw, marker]
        self._wrapper_raw_len = sum(map(len, self._wrapper_raw))
        self._call_raw = []
        self._wrapper_content = []
        self._gap.reset()
        self._enter(self.WRAPPER_STATE)
        return True

    # A wrapper whose begin marker is followed by a header before its body (granite-like
    # ``functools[``, InternLM's ``<|action_start|><|plugin|>``): the header is read in
    # WRAPPER_HEADER_STATE (usually with expect_call), all of it held with the wrapper.
    WRAPPER_HEADER_STATE: ClassVar[Enum | None] = None

    def open_wrapper_header(self, marker: str) -> bool:
        """A begin marker whose header follows: held, with the header, until a call commits."""
        assert self.WRAPPER_HEADER_STATE is not None
        self.open_wrapper(marker)
        self._enter(self.WRAPPER_HEADER_STATE)
        return True

    def end_wrapper_header(self, marker: str) -> bool:
        """The header's last marker (``[``, ``<|plugin|>``): held; the wrapper's body follows."""
        self.separator(marker)
        self._enter(self._home())
        return True

    def close_wrapper(self, marker: str) -> bool:
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_raw.append(marker)  # a wrapper that held no call is content in full
        self._end_wrapper()
        return True

    def close_wrapper_and_reread(self, marker: str) -> bool:
        """A marker that cannot be inside the wrapper ends it (its end marker is missing)."""
        self._end_wrapper()
        return False

    # Where the text after a wrapper that held calls goes, if not to CONTENT.
    AFTER_WRAPPER_STATE: ClassVar[Enum | None] = None

    def _end_wrapper(self) -> None:
        if self._wrapper == _WRAPPER_PENDING:
            self._fail_wrapper()
        else:
            self._wrapper = _NO_WRAPPER
            if self._stray_kind != TEXT:
                self._resume_reasoning()
            else:
                self._enter(self.AFTER_WRAPPER_STATE or self.CONTENT)

    # Calls inside the reasoning, suspending it (trinity, apertus): a call block that opens in
    # the reasoning is read as a call block, and the reasoning resumes after it. Text of the
    # block that is not a call (all of it, when no call commits in it) is reasoning. A
    # dialect opts in per marker, in its REASONING_STATE's table.

    def open_wrapper_in_reasoning(self, marker: str) -> bool:
        """A wrapper begin marker inside the reasoning: the wrapper suspends it."""
        self.open_wrapper(marker)
        self._stray_kind = REASONING
        return True

    def open_wrapper_header_in_reasoning(self, marker: str) -> bool:
        """:meth:`open_wrapper_header` inside the reasoning: the wrapper suspends it."""
        self.open_wrapper_header(marker)
        self._stray_kind = REASONING
        return True

    def _resume_reasoning(self) -> None:
        assert self.REASONING_STATE is not None
        self._stray_kind = TEXT
        self._enter(self.REASONING_STATE)

    def _fail_wrapper(self) -> None:
        if self._wrapper_raw:
            raw = "".join(self._wrapper_raw)
            self._note_failure(raw, self._wrapper_at, "a tool call after the marker that opens the calls")
            self._emit(self._stray_kind, -1, raw)
        self._wrapper_raw = []
        self._wrapper_raw_len = 0
        self._wrapper_content = []
        self._call_raw = []
        self._wrapper = _NO_WRAPPER
        if self._stray_kind != TEXT:
            self._resume_reasoning()
        else:
            self._enter(self.CONTENT)

    def _pending_room(self, text: str) -> int:
        """How much of ``text`` a pending wrapper can still hold (all of it otherwise)."""
        if self._wrapper != _WRAPPER_PENDING:
            return len(text)
        return max(0, min(len(text), MAX_PENDING - self._wrapper_raw_len))

    def gap(self, text: str) -> int:
        """Text between calls inside a wrapper.

        Whitespace is markup; other text is content, without the whitespace
        around it. In a wrapper with no call yet that content is held: it
        is content only if a call commits, else the whole wrapper is.
        """
        room = self._pending_room(text)
        if room < len(text):
            text = text[:room]
            self._wrapper_raw.append(text)
            self._fail_wrapper()
            return room
        stray = self._gap.take(text)
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_raw.append(text)
            self._wrapper_raw_len += len(text)
            if stray:
                self._wrapper_content.append(stray)
        elif stray:
            self._emit(self._stray_kind, -1, stray)
        return len(text)

    def gap_markup(self, marker: str) -> bool:
        """A marker between calls that is markup (Step-3's per-call tokens).

        A wrapper with no call yet keeps it, so that the wrapper is content in
        full if no call commits.
        """
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_raw.append(marker)
            self._wrapper_raw_len += len(marker)
        return True

    def open_call(self, marker: str) -> bool:
        """A call begin marker whose header (id or name) follows."""
        self._gap.reset()
        self._call_raw = []
        self._hold(marker)
        self._header = []
        self._header_len = 0
        self._enter(self.HEADER_STATE)
        return True

    # Characters that cannot be in a header: one of them means it is no header.
    HEADER_INVALID: ClassVar[re.Pattern[str] | None] = None

    def header(self, text: str) -> int:
        """Collect a call header; one that grows past MAX_HEADER is no header."""
        room = min(MAX_HEADER - self._header_len, self._pending_room(text))
        invalid = self.HEADER_INVALID
        if invalid is not None and (bad := invalid.search(text, 0, room)) is not None:
            room = bad.start()
        if len(text) > room:
            if room:
                self._hold(text[:room])
            self.fail_call("")
            if self._wrapper == _WRAPPER_PENDING and self._wrapper_raw_len >= MAX_PENDING:
                self._fail_wrapper()
            return room
        self._header.append(text)
        self._header_len += len(text)
        self._hold(text)
        return len(text)

    NAME_STATE: ClassVar[Enum]

    def header_start(self, text: str) -> int:
        """Text right after a call marker: whitespace is held; the name starts at the first other character."""
        body = text.lstrip()
        space = min(len(text) - len(body), MAX_HEADER - self._header_len)
        if space:
            self._hold(text[:space])
            self._header_len += space
        if body:
            self._header = []
            self._header_len = 0
            self._enter(self.NAME_STATE)
        elif space < len(text):
            self.fail_call("")
        return space

    def blank_before_header(self, text: str) -> int:
        """Text between a call's opener and the marker that starts its name (PLaMo's request and
        name markers): whitespace is held, bounded like a header; anything else means there is no
        call, so the opener is content and the text is read again as content."""
        body = text.lstrip()
        space = min(len(text) - len(body), MAX_HEADER - self._header_len)
        if space:
            self._hold(text[:space])
            self._header_len += space
        if space < len(text):
            self.fail_call("")
        return space

    def keep_in_header(self, marker: str) -> bool:
        """A marker inside the header that belongs to its text (bounded like the text).

        Mistral's ``[CALL_ID]`` between name and id (``name_and_id`` splits on it).
        """
        if self._header_len + len(marker) > MAX_HEADER:
            return self.fail_call(marker)
        self._hold(marker)
        self._header.append(marker)
        self._header_len += len(marker)
        return True

    def restart_header(self, marker: str) -> bool:
        """A separator in the header: the name follows it (what came before is held all the same)."""
        self._hold(marker)
        self._header = []
        self._header_len = 0
        self._enter(self.NAME_STATE)
        return True

    def commit_header_and_reread(self, marker: str) -> bool:
        """A marker that ends the name and belongs to what follows it."""
        self.commit_header(marker)
        return False

    def header_text(self) -> str:
        return "".join(self._header)

    def name_and_id(self, header: str) -> tuple[str, str | None] | None:
        """A committed header's name and model-given id (None: generate one); None: no call."""
        return header, None

    def commit_header(self, marker: str) -> bool:
        """The header's end marker: a non-empty header names the call."""
        header = self.header_text().strip()
        parsed = self.name_and_id(header) if header else None
        if parsed is None or not parsed[0]:
            return self.fail_call(marker)
        name, call_id = parsed
        self.commit_call(name, call_id)
        self._enter(self.ARGS_STATE)
        return True

    # A message header (harmony) is more than a call header: it names where
    # its body goes. Markers inside it are part of its text, and at its end
    # ``message_route`` reads the whole header once.

    def open_call_in_header(self, marker: str) -> bool:
        """A begin marker that is also part of the header's text."""
        self.open_call(marker)
        self._header.append(marker)
        self._header_len = len(marker)
        return True

    def header_marker(self, marker: str) -> bool:
        """A marker inside a header that belongs to its text; the header goes on after it."""
        if not self.keep_in_header(marker):
            return False
        self._enter(self.HEADER_STATE)
        return True

    def message_route(self, header: str, marker: str) -> Enum | tuple[str, str | None] | None:
        """Where a message's body goes: a text state (the header is markup),
        a call's ``(name, id)`` (the body is its arguments), or None (no
        header: its text is content). ``marker`` ended the header (Inkling's
        names the body's kind). See :mod:`streamparse._routing`."""
        raise NotImplementedError(f"{type(self).__name__} has no message headers")

    def end_message_header(self, marker: str) -> bool:
        """The end marker of a message header."""
        route = self.message_route(self.header_text(), marker)
        if route is None:
            return self.fail_call(marker)
        if isinstance(route, tuple):
            self.commit_call(*route)
            self._enter(self.ARGS_STATE)
        else:
            self._call_raw = []
            self._enter(route)
        return True

    def fail_call(self, marker: str) -> bool:
        """The held call is not one: its text is content; read the marker again."""
        if self._call_raw:
            self._note_failure("".join(self._call_raw), self._call_at, self._expectation())
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper_content.extend(self._call_raw)
        elif self._call_raw:
            self._emit(self._stray_kind, -1, "".join(self._call_raw))
        self._call_raw = []
        self._enter(self._home())
        return False

    def _note_failure(self, raw: str, offset: int, expected: str) -> None:
        """Remember the first markup that opened a call and did not form one.

        Text that could only have been a call by its first character (a
        bare ``{`` or ``[`` where OPENING allows one) was content all along.
        """
        head = raw.lstrip()[:1]
        if self.failure is None and head and head not in self.OPENING:
            self.failure = (offset, expected)

    def _expectation(self) -> str:
        if self._state is self.OBJECT_STATE or self._state is self.PYTHON_OBJECT_STATE:
            return 'a call object with a "name" string'
        return "a function name and the end of the call header"

    def commit_call(self, name: str, call_id: str | None = None) -> None:
        """The name is known: the call exists from now on."""
        self._flush_run()  # the previous call's arguments are counted as its own
        if self._calls:
            self.args_totals.append(self._args_chars)
            if self._args_chars > self.args_limit:
                self.watch = True
        self._args_chars = 0
        self.call_offsets.append(self._call_at if self._call_raw else self._base + self._marker_at)
        if self._wrapper == _WRAPPER_PENDING:
            self._wrapper = _WRAPPER_OPEN
            if self._wrapper_content:
                self._emit(self._stray_kind, -1, "".join(self._wrapper_content))
            self._wrapper_raw = []
            self._wrapper_raw_len = 0
            self._wrapper_content = []
        self._call_raw = []
        index = self._calls
        self._calls += 1
        if self._calls > self.calls_limit:
            self.watch = True
        self._call_index = index
        self._call_open = True
        self._args_emitted = False
        self._args.reset()
        self._record(CallStart(index, call_id if call_id is not None else self._ids(), name))

    def flag_call(self, kind: str, detail: str) -> None:
        """Report something about the open call that its arguments do not show (see CallFlag)."""
        if self._call_index >= 0:
            self._record(_new(CallFlag, (self._call_index, kind, detail)))

    def call_args(self, text: str) -> None:
        if text:
            self._args_emitted = True
            self._emit(ARGS, self._call_index, text)

    def stripped_args(self, text: str) -> int:
        """Arguments delimited by markers, with surrounding whitespace as markup.

        Arguments written as a JSON string (double-encoded) are decoded as
        they stream; anything after the string's closing quote is passed on
        as written.
        """
        consumed = len(text)
        value = self._args_string
        if value is None and not self._args.started:
            body = text.lstrip()
            if body[:1] == '"':
                text = body
                value = self._args_string = JsonStringValue()
        if value is not None and not value.done:
            decoded, used = value.feed(text)
            text = text[used:]
            if value.as_written:
                # Not an object inside the quotes: the string, and what follows it, as written.
                self._args_string = None
                text = decoded + text
            else:
                self.call_args(decoded)
        if text:
            self.call_args(self._args.take(text))
        return consumed

    def end_call(self, complete: bool = True, empty_args: str = "{}") -> None:
        """Close the open call; a call with no arguments gets ``{}``."""
        if not self._call_open:
            return
        lone_surrogates = 0
        if self._args_string is not None:
            self.call_args(self._args_string.finish())
            lone_surrogates = self._args_string.string.decoder.lone_surrogates
            self._args_string = None
        state = self._state
        if state is self.OBJECT_STATE:
            lone_surrogates += self._scanner.lone_surrogates
        elif self._literal is not None and (
            state is self.PYTHON_OBJECT_STATE
            or state is self.PYTHON_ARGS_STATE
            or state is self.PYTHON_ARGS_BAD_STATE
        ):
            # The converter wrote every such escape itself (the scanner decodes some of them again).
            lone_surrogates += self._literal.lone_surrogates
            self._literal.lone_surrogates = 0
        if lone_surrogates:
            # Once per call, at its end: the count does not depend on where the cuts fell.
            self.flag_call(
                "lone_surrogate",
                f"{lone_surrogates} escape(s) of half a surrogate pair (such as \\ud83d), kept as written",
            )
        if not self._args_emitted and complete:
            self.call_args(empty_args)
        self._args.reset()
        self._gap.reset()
        self._call_open = False
        self._record(CallEnd(self._call_index, complete))

    def close_call(self, marker: str) -> bool:
        """The call's end marker."""
        self.end_call()
        self._enter(self._home())
        return True

    def close_call_and_wrapper(self, marker: str) -> bool:
        """The wrapper's end marker while a call is open (its own end is missing)."""
        self.end_call()
        return self.close_wrapper(marker)

    def close_call_and_reread(self, marker: str) -> bool:
        """A marker that cannot be inside a call ends it; read it again outside."""
        self.end_call()
        self._enter(self._home())
        return False

    # -- building blocks: Python keyword arguments ----------------------------
    #
    # A Python call (``NAME(k=v, ...)``) is held, not committed, until its first
    # argument shows that it is a keyword argument with a literal value (the
    # value's opening quote or bracket, or a whole number or word) or the call
    # closes (``NAME()``). A positional first argument or a value that is not a
    # literal is then known before anything went out, and the held call is
    # content. The hold is bounded like a header: MAX_HEADER characters from the
    # call's first held character to its first value.

    PYTHON_ARGS_STATE: ClassVar[Enum | None] = None
    AFTER_PYTHON_ARGS_STATE: ClassVar[Enum]
    # The converter of the arguments (Gemma's object literal has its own, with the same protocol).
    PYTHON_LITERAL: ClassVar[Callable[[], PyLiteralToJson | GemmaLiteralToJson]] = PyLiteralToJson
    # Where a committed call goes when its arguments break. None: the call ends there and the
    # rest is content. A state: the call stays open and the rest of it is read there, as the
    # raw text of its arguments (Gemma: the call's own end token still ends it).
    PYTHON_ARGS_BAD_STATE: ClassVar[Enum | None] = None
    _python_name = ""  # the name of the held call

    def start_python_args(self, name: str) -> None:
        """After ``NAME(``, held: keyword arguments follow, up to ``)``, as a JSON object."""
        assert self.PYTHON_ARGS_STATE is not None
        if self._literal is None:
            self._literal = type(self).PYTHON_LITERAL()
        self._literal.reset(kwargs=True)
        self._python_name = name
        self._enter(self.PYTHON_ARGS_STATE)

    def _take_literal_output(self) -> None:
        assert self._literal is not None
        out = self._literal.out
        if out:
            self.call_args(out[0] if len(out) == 1 else "".join(out))
            out.clear()

    def python_args(self, buf: str, pos: int, final: bool) -> int:
        """Scan step: convert ``k=v, ...)`` to JSON as it streams (see :mod:`._pyliteral`).

        At ``)`` the call ends and ``AFTER_PYTHON_ARGS_STATE`` follows. A
        character that cannot continue the arguments (a value that is not a
        literal, a positional argument) makes a held call content, read
        again in the home state from where it was held. In a committed call
        it ends the call as it stands (its arguments are not valid JSON: the
        final check flags them); the text held undecided before that
        character is content, and the character is read again in the home state.
        """
        literal = self._literal
        assert literal is not None
        if self._call_open:
            stop = literal.advance(buf, pos)
            if final and stop < len(buf) and literal.status == MORE:
                # A converter left a possible marker unread (Gemma's): no more text, so it is none.
                stop = literal.advance(buf, stop, True)
            status = literal.status
        else:
            # Held: read no further than the bound, so that where it falls does not depend on the cuts.
            end = pos + MAX_HEADER - self._header_len
            stop = literal.advance(buf if end >= len(buf) else buf[:end], pos)
            status = literal.status
            if stop > pos:
                self._hold(buf[pos:stop])
                self._header_len += stop - pos
            if not literal.literal_started and status != DONE:
                if status == MORE and stop == len(buf):
                    return stop
                # Bad, or held to the bound: everything the call read is in the held text, now content.
                literal.take_held()
                literal.out.clear()
                literal.lone_surrogates = 0
                self.fail_call("")
                return stop
            self.commit_call(self._python_name)
        self._take_literal_output()
        if status == DONE:
            self.end_call()
            self._enter(self.AFTER_PYTHON_ARGS_STATE)
        elif status == BAD:
            held = literal.take_held()
            if self.PYTHON_ARGS_BAD_STATE is not None:
                self.call_args(held)
                self._enter(self.PYTHON_ARGS_BAD_STATE)
                return stop
            if held:
                self._emit(TEXT, -1, held)
            self.end_call()
            self._enter(self._home())
        return stop

    def _finish_python_args(self) -> None:
        """The text ended inside Python arguments: what is held and decidable is written, the rest is text.

        A held call whose first value is decided only now (``f(a=1`` at the end) commits,
        incomplete; one still undecided stays held, and is content.
        """
        literal = self._literal
        assert literal is not None
        literal.finish()
        if not self._call_open:
            if not literal.literal_started:
                literal.take_held()
                literal.out.clear()
                return
            self.commit_call(self._python_name)
        self._take_literal_output()
        held = literal.take_held()
        if held and self.PYTHON_ARGS_BAD_STATE is not None:
            self.call_args(held)  # the call's raw text, as after a break
        elif held:
            self._emit(TEXT, -1, held)

    def _fast_python_args(self, text: str) -> list[Event] | None:
        assert self._literal is not None
        if self._literal.take_plain(text):
            self._args_chars += len(text)
            return [_new(CallArguments, (self._call_index, text))]
        return None

    # -- fast paths: a whole delta of plain text in a text state --------------

    def _fast_content(self, text: str) -> list[Event] | None:
        return [_new(Text, (text,))]

    def _fast_reasoning(self, text: str) -> list[Event] | None:
        return [_new(Reasoning, (text,))]

    def _fast_args(self, text: str) -> list[Event] | None:
        args = self._args
        if not args.started:
            return None
        # feed() has already handled a delta that does not end in whitespace.
        text = args.take(text)
        if not text:
            return []
        self._args_chars += len(text)
        return [_new(CallArguments, (self._call_index, text))]

    def _fast_json_args(self, text: str) -> list[Event] | None:
        if self._value.take_plain(text):
            self._args_chars += len(text)
            return [_new(CallArguments, (self._call_index, text))]
        return None

    def _fast_object(self, text: str) -> list[Event] | None:
        scanner = self._scanner
        if self._call_open:
            if scanner.plain_arguments(text):
                # inside the arguments value: its first character was emitted already
                self._args_chars += len(text)
                return [_new(CallArguments, (self._call_index, text))]
            return None
        if not scanner.args_seen:
            return None
        held = self._object_held + len(text)
        if held < self._object_bound and scanner.plain_arguments(text):
            # Arguments before the name: held, as call_object holds them, until the name commits the call.
            scanner.args.append(text)
            self._hold(text)
            self._object_held = held
            return []
        return None

    # -- building blocks: JSON call objects ----------------------------------

    OBJECT_STATE: ClassVar[Enum | None] = None
    # The keys of a call object's members: its name, its arguments, and string members kept
    # in the scanner's ``captured`` (a model-given id); a dialect with renamed keys sets them.
    SCANNER_NAME_KEYS: ClassVar[tuple[str, ...]] = ("name",)
    SCANNER_ARGS_KEYS: ClassVar[tuple[str, ...]] = ("arguments", "parameters")
    SCANNER_CAPTURE: ClassVar[tuple[str, ...]] = ()
    # Name-keyed call objects, ``{"NAME": ARGS}`` (apertus): the first key is the name.
    SCANNER_NAME_IS_KEY: ClassVar[bool] = False

    def open_call_object(self, marker: str) -> bool:
        """``{`` of a ``{"name": ..., "arguments": ...}`` object."""
        assert self.OBJECT_STATE is not None
        self._scanner.reset()
        self._gap.reset()
        self._hold(marker)
        self._object_held = len(marker)
        self._object_bound = self._object_hold_limit()
        self._enter(self.OBJECT_STATE)
        return True

    def call_object(self, buf: str, pos: int, final: bool) -> int:
        """Scan step of a call object: commit where the scanner says it is a call, stream its arguments.

        Until the call commits its text is held, at most _object_hold_limit()
        characters (arguments written before the name); an object that is
        not a call, or not known to be one by then, is content.
        """
        scanner = self._scanner
        if not self._call_open:
            if scanner.rejected:
                return self._object_as_content(buf, pos)
            # _advance_held, inlined: this runs for each delta of a call object's first members.
            end = pos + self._object_bound - self._object_held
            stop = scanner.advance(buf if end >= len(buf) else buf[:end], pos)
            if stop > pos:
                self._hold(buf[pos:stop])
                self._object_held += stop - pos
            pos = stop
            if not scanner.ready:
                if scanner.status == MORE and not scanner.rejected:
                    if self._object_held < self._object_bound:
                        return pos
                    scanner.reject()
                # Not a call: what was held is content, and so is the rest of the object.
                state = self._state
                scanner.args.clear()
                self.fail_call("")
                if scanner.status == MORE:
                    self._enter(state)
                    return self._object_as_content(buf, pos)
                return pos
            self.commit_call(scanner.name, scanner.captured.get("id"))  # type: ignore[arg-type]
            if scanner.status == MORE and pos < len(buf):
                # The scan stopped where the call commits: it goes on in this step.
                pos = scanner.advance(buf, pos)
        else:
            pos = scanner.advance(buf, pos)
        if scanner.args or scanner.unexpected:
            self._pass_object_output()
        status = scanner.status
        if status != MORE:
            self.end_call(complete=status == DONE or scanner.args_done)
            self.after_call_object()
        return pos

    def _object_hold_limit(self) -> int:
        """How much of a call object is held before its call commits.

        Only arguments written before the name (Hermes 2 Pro's order) come
        near it: anything else decides within a key or two. They are held
        as far as the parser's ``max_arguments_chars`` (a long file written
        that way stays one call), and at least MAX_PENDING characters.
        """
        return self.args_limit if self.args_limit > MAX_PENDING else MAX_PENDING

    def _advance_held(self, advance: Callable[[str, int], int], buf: str, pos: int) -> int:
        """Read an object that is not a call yet, held, no further than _object_bound held
        characters (so that where the bound falls does not depend on the cuts)."""
        end = pos + self._object_bound - self._object_held
        stop = advance(buf if end >= len(buf) else buf[:end], pos)
        if stop > pos:
            self._hold(buf[pos:stop])
            self._object_held += stop - pos
        return stop

    def _object_as_content(self, buf: str, pos: int) -> int:
        """The rest of an object that is not a call: content, read to where the object ends."""
        scanner = self._scanner
        state = self._state
        stop = scanner.advance(buf, pos)
        if self._wrapper == _WRAPPER_PENDING:
            # Held with the wrapper, as stray text is (content if a call commits in it, else all is).
            room = self._pending_room(buf[pos:stop])
            self._wrapper_raw.append(buf[pos : pos + room])
            self._wrapper_raw_len += room
            self._wrapper_content.append(buf[pos : pos + room])
            if pos + room < stop:
                self._fail_wrapper()
                self._emit(self._stray_kind, -1, buf[pos + room : stop])
                self._enter(state)
        elif stop > pos:
            self._emit(self._stray_kind, -1, buf[pos:stop])
        if scanner.status != MORE:
            self._enter(self._home())
        return stop

    def _pass_object_output(self) -> None:
        """The committed call's arguments fragments, and the members it skipped, from the scanner."""
        scanner = self._scanner
        if scanner.args:
            for fragment in scanner.args:
                self.call_args(fragment)
            scanner.args.clear()
        if scanner.unexpected:
            for key in scanner.unexpected:
                self.flag_call("unexpected_member", f"the member {key!r} is not part of a call: skipped")
            scanner.unexpected.clear()

    def after_call_object(self) -> None:
        self._enter(self._home())

    # A call object written as a Python dict (``{'name': 'f', 'arguments': {...}}``,
    # as small models do; Qwen-Agent reads it with json5): the dict is converted
    # to JSON as it streams and that JSON goes through the same call-object scan.

    PYTHON_OBJECT_STATE: ClassVar[Enum | None] = None

    def open_python_call_object(self, marker: str) -> bool:
        """``{'`` of a Python-dict call object: read it again in PYTHON_OBJECT_STATE."""
        assert self.PYTHON_OBJECT_STATE is not None
        if self._literal is None:
            self._literal = PyLiteralToJson()
        self._literal.reset(kwargs=False)
        self._scanner.reset()
        self._gap.reset()
        self._opening_brace = True  # the scanner starts after the object's "{"
        self._object_held = 0
        self._object_bound = self._object_hold_limit()
        self._enter(self.PYTHON_OBJECT_STATE)
        return False

    def python_call_object(self, buf: str, pos: int, final: bool) -> int:
        """Scan step of a Python-dict call object: convert, then scan the JSON as :meth:`call_object`.

        The call commits where the converted JSON says so. A dict that turns
        out not to be a call is read to its end (where the converter says it
        ends, whatever the cuts) and is then content; so is one held past
        _object_hold_limit() characters before its call commits.
        """
        literal = self._literal
        assert literal is not None
        if self._call_open:
            stop = literal.advance(buf, pos)
        else:
            stop = self._advance_held(literal.advance, buf, pos)
        self._scan_converted()
        if not self._call_open:
            if literal.status != MORE or self._object_held >= self._object_bound:
                self.fail_call("")
            return stop
        if literal.status == MORE and self._scanner.status == MORE:
            return stop
        held = literal.take_held() if literal.status == BAD else ""
        self.end_call(complete=self._scanner.status == DONE or self._scanner.args_done)
        if held:
            self._emit(TEXT, -1, held)
        self.after_call_object()
        return stop

    def _scan_converted(self) -> None:
        """Feed the converter's JSON output to the call-object scanner, committing where it says."""
        assert self._literal is not None
        out = self._literal.out
        if not out:
            return
        converted = out[0] if len(out) == 1 else "".join(out)
        out.clear()
        if self._opening_brace:
            self._opening_brace = False
            converted = converted[1:]
        scanner = self._scanner
        pos = 0
        while scanner.status == MORE:
            pos = scanner.advance(converted, pos)
            if not self._call_open:
                if not scanner.ready:
                    return  # not a call (yet): the dict's raw text stays held
                self.commit_call(scanner.name, scanner.captured.get("id"))  # type: ignore[arg-type]
            self._pass_object_output()
            if pos >= len(converted):
                return

    # -- building blocks: a bare JSON value as arguments ---------------------

    JSON_ARGS_STATE: ClassVar[Enum | None] = None
    AFTER_JSON_ARGS_STATE: ClassVar[Enum]
    # Whether the call ends with its arguments value (no end marker follows).
    JSON_ARGS_END_CALL: ClassVar[bool] = False

    def start_json_args(self, marker: str) -> bool:
        """The first character of the arguments value: read it again in the JSON state."""
        assert self.JSON_ARGS_STATE is not None
        self._value.reset()
        self._gap.reset()
        self._enter(self.JSON_ARGS_STATE)
        return False

    def json_args(self, buf: str, pos: int, final: bool) -> int:
        """Stream a JSON value's raw text as the open call's arguments, up to where it ends.

        A character that cannot continue the value (a marker's ``<``, say)
        ends it; what follows is read in ``AFTER_JSON_ARGS_STATE``.
        """
        value = self._value
        stop = value.advance(buf, pos)
        if stop > pos:
            self.call_args(buf[pos:stop])
        if value.status != MORE:
            if self.JSON_ARGS_END_CALL:
                self.end_call(complete=value.status == DONE)
            self._enter(self.AFTER_JSON_ARGS_STATE)
        return stop

    # -- end of stream -------------------------------------------------------

    def _close(self, truncated: bool) -> None:
        if self._state is self.PYTHON_OBJECT_STATE and self._literal is not None:
            self._literal.finish()
            self._scan_converted()
        scanner = self._scanner
        if (
            not self._call_open
            and self._state in (self.OBJECT_STATE, self.PYTHON_OBJECT_STATE)
            and scanner.name is not None
            and not scanner.rejected
        ):
            # The text ended after the name, before the member that would have decided: a call cut short.
            self.commit_call(scanner.name, scanner.captured.get("id"))
        if self._call_open and self._state in (self.OBJECT_STATE, self.PYTHON_OBJECT_STATE):
            # The text ended inside the object: what its decoder holds is arguments too.
            scanner.finish()
            self._pass_object_output()
            if scanner.cut_member is not None:
                self.flag_call(
                    "unexpected_member",
                    f"the member {scanner.cut_member!r} was cut short by the end of the text: skipped",
                )
        if self._state is self.PYTHON_ARGS_STATE:
            self._finish_python_args()
        if self._call_open:
            self.end_call(complete=not truncated and self._call_closed_by_eof())
        elif self._call_raw:
            self.fail_call("")
        if self._wrapper == _WRAPPER_PENDING:
            self._fail_wrapper()
        self._wrapper = _NO_WRAPPER

    def _call_closed_by_eof(self) -> bool:
        """Whether a call still open at the end of the text counts as complete.

        Marker-delimited arguments end with the text (models omit the last
        end marker); a JSON call object counts when its arguments closed.
        """
        if self._state is self.OBJECT_STATE or self._state is self.PYTHON_OBJECT_STATE:
            return self._scanner.args_done
        if self._state is self.JSON_ARGS_STATE:
            self._value.finish()
            return self._value.status == DONE
        if self._state is self.PYTHON_ARGS_STATE:
            return False  # its ")" never came
        return True


_fast_args = Machine._fast_args
_FAST_PATHS.update(
    {
        Machine.content: Machine._fast_content,
        Machine.reasoning: Machine._fast_reasoning,
        Machine.stripped_args: Machine._fast_args,
        Machine.call_object: Machine._fast_object,
        Machine.json_args: Machine._fast_json_args,
        Machine.python_args: Machine._fast_python_args,
    }
)
