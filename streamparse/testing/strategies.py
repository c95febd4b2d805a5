"""Hypothesis strategies: tool names, arguments, contents, samples and splits.

The strategies of a dialect are built once and reused (``functools.cache``):
hypothesis validates every new strategy object on its first draw, which
costs more than drawing from it, so rebuilding them per example would
dominate a long fuzz run.
"""

from __future__ import annotations

import functools
import json
import operator
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from .._elements import ElementMachine
from .._machine import Machine
from .._xml import XmlMachine
from ..registry import get_dialect
from .renderers import Rendered, Sample, ToolCallSpec, render

__all__ = [
    "arguments",
    "contents",
    "cut_by_lengths",
    "forbidden_in",
    "json_values",
    "marker_soup",
    "markers",
    "mutated_outputs",
    "opening_characters",
    "pieces",
    "python_names",
    "samples",
    "split_at",
    "tool_names",
    "typed_calls",
    "value_markers",
]

# Strings that stress escaping and string awareness.
_TRICKY = [
    '"',
    "\\",
    "\\\\",
    '\\"',
    "{",
    "}",
    "[",
    "]",
    "\n",
    "\t",
    "</tool_calls>",
    "<tool_calls>",
    "</think>",
    "<|tool_call_end|>",
    "😀",
    "北京",
    "\u2028",
    "\x00",
    "mkdir -p a/{b,c",
]

# Several fragments make one text by drawing one string whose characters (private-use ones,
# from _SLOT up) stand for the fragments: one choice for hypothesis to draw and shrink, where
# a list of fragments costs two per fragment.
_SLOT = 0xE000


def _slots(fragments: tuple[str, ...]) -> dict[str, str]:
    return {chr(_SLOT + number): fragment for number, fragment in enumerate(fragments)}


def _expand(slots: Mapping[str, str], skeleton: str) -> str:
    return "".join(slots.get(char, char) for char in skeleton)


def _joined(fragments: tuple[str, ...], max_items: int) -> st.SearchStrategy[str]:
    """Up to ``max_items`` of ``fragments``, concatenated."""
    slots = _slots(fragments)
    return st.text("".join(slots), max_size=max_items).map(functools.partial(_expand, slots))


_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    _joined(tuple(_TRICKY), max_items=4),
)

# Names are drawn as a first character and the rest, two strings: from_regex draws a
# character at a time and costs several times as much.
_NAME_START = string.ascii_letters + "_"


def _identifiers(
    longest_rest: int, rest: str = string.ascii_letters + string.digits + "_"
) -> st.SearchStrategy[str]:
    return st.builds(
        operator.add, st.text(_NAME_START, min_size=1, max_size=1), st.text(rest, max_size=longest_rest)
    )


@functools.cache
def tool_names() -> st.SearchStrategy[str]:
    """Function names: letters, digits and ``_ . : -`` (dots and dashes included)."""
    return _identifiers(24, string.ascii_letters + string.digits + "_.:-")


@functools.cache
def python_names() -> st.SearchStrategy[str]:
    """Python identifiers, optionally dotted: the names a pythonic call can have."""
    return st.builds(
        operator.add,
        _identifiers(16),
        st.lists(_identifiers(8), max_size=2).map(lambda parts: "".join("." + part for part in parts)),
    )


# Dialects whose tool names and top-level argument keys are written as Python identifiers.
_IDENTIFIER_KEYS = _identifiers(16)
_NAMES = {"pythonic": python_names, "lfm2": python_names, "olmo3": python_names}
_KEYS = {
    "pythonic": _IDENTIFIER_KEYS,
    "lfm2": _IDENTIFIER_KEYS,
    "olmo3": _IDENTIFIER_KEYS,
    "gemma4": _IDENTIFIER_KEYS,
    "functiongemma": _IDENTIFIER_KEYS,
}
# Text no argument string may hold, as it appears in the arguments' JSON (Gemma's string
# delimiter token has no escape: a string cannot hold it).
_ARGUMENTS_FORBIDDEN = {"gemma4": ('<|\\"|>',), "functiongemma": ("<escape>",)}


@functools.cache
def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        _TEXT,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(_TEXT, inner, max_size=4),
        ),
        max_leaves=max_leaves,
    )


@functools.cache
def arguments(keys: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments objects, from ``{}`` to nested, with unicode and escapes."""
    return st.dictionaries(_TEXT if keys is None else keys, json_values(), max_size=5)


def forbidden_in(dialect: str, state: str) -> tuple[str, ...]:
    """Markers that would change state inside ``state`` text: "content", "reasoning" or "arguments"."""
    machine = get_dialect(dialect)
    key = {
        "content": machine.CONTENT,
        "reasoning": machine.REASONING_STATE,
        "arguments": getattr(machine, "ARGS_STATE", None),
    }[state]
    if key is None or key not in machine.STATES:
        return ()
    spec = machine.STATES[key]
    if state == "arguments" and getattr(spec, "text", None) is not Machine.stripped_args:
        return ()  # JSON-scanned arguments: markers inside them are string text
    return tuple(getattr(spec, "actions", {}))


def opening_characters(dialect: str) -> str:
    """Characters that open a call at the start of ``dialect``'s output (content must not start with one)."""
    return get_dialect(dialect).OPENING


def _opens_call(text: str, opening: str) -> bool:
    if text[:1] and text[0] in opening:
        return True  # whitespace in ``opening``: leading whitespace is held as well
    head = text.lstrip()[:1]
    return bool(head) and head in opening


# Spliced text: characters standing for themselves, ones standing for a fragment (as in
# _joined) and ones standing for the next few characters of an arbitrary string (_FILLS).
_PLAIN = "ab z09_:,'\"\\/<>\n\t"
_FILLS = "\uf8fc\uf8fd\uf8fe\uf8ff"
_FILL_LENGTH = 3


def _splice(slots: Mapping[str, str], skeleton: str, filler: str) -> str:
    parts: list[str] = []
    taken = 0
    for char in skeleton:
        if char in _FILLS:
            parts.append(filler[taken : taken + _FILL_LENGTH])
            taken += _FILL_LENGTH
        else:
            parts.append(slots.get(char, char))
    return "".join(parts)


def _spliced(fragments: tuple[str, ...], max_items: int) -> st.SearchStrategy[str]:
    """Fragments, plain characters and runs of arbitrary ones, in any order.

    Drawn as two strings, a skeleton whose characters stand for the items and
    the arbitrary characters: two choices for hypothesis to draw and shrink,
    where a list of fragments costs two per item.
    """
    slots = _slots(fragments)
    skeleton = st.text("".join(slots) + _PLAIN + _FILLS, max_size=max_items)
    return st.builds(functools.partial(_splice, slots), skeleton, st.text(max_size=_FILL_LENGTH * max_items))


def contents(forbidden: Iterable[str] = (), max_size: int = 40, opening: str = "") -> st.SearchStrategy[str]:
    """Free text that contains none of ``forbidden`` and does not start with one of ``opening``.

    Often with marker look-alikes.
    """
    return _contents(tuple(forbidden), max_size, opening)


@functools.cache
def _contents(forbidden: tuple[str, ...], max_size: int, opening: str) -> st.SearchStrategy[str]:
    look_alikes = tuple(f[: max(1, len(f) // 2)] for f in forbidden) + ("<", "<|", "{", "}", " ", "\n")
    text = st.one_of(st.text(max_size=max_size), _spliced(look_alikes, max_items=8))
    return text.filter(lambda s: not any(f in s for f in forbidden) and not _opens_call(s, opening))


_SOUP_EXTRAS = ('{"name": "f", "arguments": {"a": 1}}', '"', "\\", "}", "{", " ", "\n", "functions.f:0")


@functools.cache
def markers(dialect: str) -> tuple[str, ...]:
    """Every marker ``dialect``'s state machine acts on, in any state, sorted."""
    machine = get_dialect(dialect)
    return tuple(sorted({m for spec in machine.STATES.values() for m in getattr(spec, "actions", {})}))


@functools.cache
def marker_soup(dialect: str) -> st.SearchStrategy[str]:
    """Text thick with ``dialect``'s markers, their first halves and bits of call objects."""
    every = markers(dialect)
    halves = [m[: len(m) // 2] for m in every if len(m) > 1] or every
    return _spliced((*every, *halves, *_SOUP_EXTRAS), max_items=30)


# -- schema-typed (XML-parameter) dialects ---------------------------------------------

_XML_LOOK_ALIKES = [
    "<",
    "</",
    ">",
    "</parameter",
    "<parameter",
    "</arg_value",
    "<arg_key",
    "</invoke",
    "</function",
    "<function=",
    "<\uff5cDSML\uff5c",  # DeepSeek's DSML prefix
    "<\uff5cGCML\uff5c",  # GigaChat 3.5's GCML prefix
    "<![CDATA[",  # MiniCPM 5's value sections
    "]]>",
    "<|close|>",  # Kimi K3's XTML special tokens
    "<|sep|>",
    "]<]minimax[>[<",  # MiniMax-M3's namespace before a tag
    ' string="true">',
    "null",
    "None",
    "True",
    "00123",
    "1e5",
    " ",
    "\n",
    "\\",
    '"',
    "😀",
    "\x00",
]
# Words a typed value might be read as (null, boolean); plain words avoid them.
_VALUE_WORDS = {"null", "none", "nil", "true", "false", "yes", "no"}


def value_markers(dialect: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(close tags, other markers) of a schema-typed dialect's value state.

    A value may contain its close tag (followed by text that cannot follow
    a value) but none of the other markers.
    """
    machine = get_dialect(dialect)
    assert issubclass(machine, XmlMachine)
    actions = machine.STATES[machine.VALUE_STATE].actions  # type: ignore[union-attr]
    close = tuple(m for m, action in actions.items() if action is XmlMachine.maybe_end_value)
    return close, tuple(m for m in actions if m not in close)


@functools.cache
def _plain_words() -> st.SearchStrategy[str]:
    """Text no typing rule reads as anything but a string."""
    return st.text(string.ascii_letters + " ", min_size=1, max_size=10).filter(
        lambda w: w == w.strip() and w.lower() not in _VALUE_WORDS
    )


@functools.cache
def _xml_strings(dialect: str) -> st.SearchStrategy[str]:
    close, others = value_markers(dialect)
    rules = get_dialect(dialect).VALUE_RULES  # type: ignore[attr-defined]
    strip_all = rules.strip == "whitespace"
    # Where "null" is null whatever the type, a string value cannot be that word.
    null_word = rules.null_for_strings
    text = st.one_of(_TEXT, _spliced((*_XML_LOOK_ALIKES, *close), max_items=6))
    return text.filter(
        lambda s: (
            not any(m in s for m in others)
            and (not strip_all or s == s.strip())
            and not (null_word and s.strip().lower() == "null")
        )
    )


def _typed_parameters(strings: st.SearchStrategy[str]) -> list[st.SearchStrategy[tuple[Any, Any]]]:
    """(schema, value) pairs covering every JSON type, enums and unions; schema None: not declared."""
    finite = st.floats(allow_nan=False, allow_infinity=False)
    containers = json_values(6)
    kinds: list[tuple[Any, st.SearchStrategy[Any]]] = [
        ({"type": "string"}, strings),
        ({"type": "integer"}, st.integers(-(10**15), 10**15)),
        ({"type": "number"}, st.one_of(st.integers(-(10**6), 10**6), finite)),
        ({"type": "boolean"}, st.booleans()),
        ({"type": "null"}, st.none()),
        ({"type": "object"}, st.dictionaries(_TEXT, containers, max_size=3)),
        ({"type": "array", "items": {}}, st.lists(containers, max_size=3)),
        ({"type": ["string", "null"]}, st.one_of(st.none(), _plain_words())),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, st.one_of(st.none(), _plain_words())),
        ({"type": ["integer", "string"]}, st.one_of(st.integers(-(10**6), 10**6), _plain_words())),
        (
            {"anyOf": [{"type": "boolean"}, {"type": "array"}]},
            st.one_of(st.booleans(), st.lists(containers, max_size=3)),
        ),
        (
            {"oneOf": [{"type": "number"}, {"type": "object"}, {"type": "null"}]},
            st.one_of(finite, st.dictionaries(_TEXT, containers, max_size=3), st.none()),
        ),
        (None, _plain_words()),  # a parameter the schema does not declare
    ]
    enum = st.lists(_plain_words(), min_size=1, max_size=3, unique=True).flatmap(
        lambda words: st.tuples(st.just({"enum": words}), st.sampled_from(words))
    )
    return [st.tuples(st.just(schema), values) for schema, values in kinds] + [enum]


@dataclass(frozen=True)
class _TypedCallParts:
    parameters: st.SearchStrategy[list[tuple[str, tuple[Any, Any]]]]
    names: st.SearchStrategy[str]
    untyped_rolls: st.SearchStrategy[int]


@st.composite
def _typed_call(draw: st.DrawFn, parts: _TypedCallParts) -> ToolCallSpec:
    drawn = draw(parts.parameters)
    name = draw(parts.names)
    if draw(parts.untyped_rolls) == 0:
        # A tool that declares no parameters: every value follows the dialect's untyped rule.
        return ToolCallSpec(name, {key: draw(_plain_words()) for key, _ in drawn}, schema={"type": "object"})
    properties = {key: schema for key, (schema, _) in drawn if schema is not None}
    values = {key: value for key, (_, value) in drawn}
    return ToolCallSpec(name, values, schema={"type": "object", "properties": properties})


# Nested-element dialects (minimax_m3): the namespace, and text that must not open a child.
_ELEMENT_NAMESPACE = "]<]minimax[>["


def _element_parameters(strings: st.SearchStrategy[str]) -> list[st.SearchStrategy[tuple[Any, Any]]]:
    """(schema, value) pairs a nested-element dialect gives back exactly: every container fully
    typed (an untyped leaf is a string), no null (the template leaves null out), keys as names."""
    words = _plain_words()
    keys = _element_names(8)
    finite = st.floats(allow_nan=False, allow_infinity=False)
    scalars: list[tuple[Any, st.SearchStrategy[Any]]] = [
        ({"type": "string"}, words),
        ({"type": "integer"}, st.integers(-(10**15), 10**15)),
        ({"type": "number"}, st.one_of(st.integers(-(10**6), 10**6), finite)),
        ({"type": "boolean"}, st.booleans()),
    ]
    leaf = st.sampled_from(scalars).flatmap(lambda kind: st.tuples(st.just(kind[0]), kind[1]))
    record = st.lists(st.tuples(keys, leaf), max_size=3, unique_by=lambda p: p[0]).map(
        lambda pairs: (
            {"type": "object", "properties": {k: schema for k, (schema, _) in pairs}},
            {k: value for k, (_, value) in pairs},
        )
    )
    kinds: list[tuple[Any, st.SearchStrategy[Any]]] = [
        ({"type": "string"}, strings),
        *scalars,
        ({"type": "array", "items": {"type": "string"}}, st.lists(words, max_size=3)),
        ({"type": "array", "items": {"type": "integer"}}, st.lists(st.integers(-99, 99), max_size=3)),
        ({"type": ["integer", "string"]}, st.one_of(st.integers(-(10**6), 10**6), words)),
        (None, words),  # a parameter the schema does not declare
    ]
    nested = record.flatmap(
        lambda pair: st.one_of(
            st.tuples(st.just(pair[0]), st.just(pair[1])),
            st.tuples(
                st.just({"type": "array", "items": pair[0]}),
                st.lists(st.just(pair[1]), min_size=1, max_size=2),
            ),
        )
    )
    enum = st.lists(words, min_size=1, max_size=3, unique=True).flatmap(
        lambda ws: st.tuples(st.just({"enum": ws}), st.sampled_from(ws))
    )
    return [st.tuples(st.just(schema), values) for schema, values in kinds] + [nested, enum]


def _element_names(longest_rest: int) -> st.SearchStrategy[str]:
    # A parameter named like the call or block element would close them.
    return _identifiers(longest_rest).filter(lambda name: name not in ("invoke", "tool_call"))


def _opens_no_element(value: str) -> bool:
    return not value.lstrip().startswith(_ELEMENT_NAMESPACE)


@functools.cache
def typed_calls(dialect: str) -> st.SearchStrategy[ToolCallSpec]:
    """A call with a parameters schema and values of its types."""
    close, others = value_markers(dialect)
    if issubclass(get_dialect(dialect), ElementMachine):
        strings = _xml_strings(dialect).filter(_opens_no_element)
        element_parameters = st.one_of(*_element_parameters(strings))
        keyed = st.lists(
            st.tuples(_element_names(10), element_parameters), max_size=5, unique_by=lambda p: p[0]
        )
        return _typed_call(_TypedCallParts(keyed, tool_names(), st.integers(0, 5)))
    parameters = st.one_of(*_typed_parameters(_xml_strings(dialect))).filter(
        lambda pair: (
            isinstance(pair[1], str) or not any(m in json.dumps(pair[1], ensure_ascii=False) for m in others)
        )
    )
    keys = _identifiers(10)
    keyed = st.lists(st.tuples(keys, parameters), max_size=5, unique_by=lambda p: p[0])
    return _typed_call(_TypedCallParts(keyed, tool_names(), st.integers(0, 5)))


@dataclass(frozen=True)
class _SampleParts:
    # Keyed by (compact, ensure_ascii): the calls must not contain an arguments marker once encoded.
    calls: dict[tuple[bool, bool], st.SearchStrategy[list[ToolCallSpec]]]
    content: st.SearchStrategy[str]
    reasoning: st.SearchStrategy[str] | None  # None: the dialect has no reasoning
    content_after: st.SearchStrategy[str]
    typed: bool


def _encodes_without(
    markers: tuple[str, ...], call: ToolCallSpec, *, compact: bool, ensure_ascii: bool
) -> bool:
    encoded = call.encoded(compact, ensure_ascii)
    return not any(m in encoded for m in markers)


def _sample_parts(dialect: str, max_calls: int, min_calls: int) -> _SampleParts:
    content_forbidden = forbidden_in(dialect, "content")
    reasoning_forbidden = forbidden_in(dialect, "reasoning")
    arguments_forbidden = forbidden_in(dialect, "arguments") + _ARGUMENTS_FORBIDDEN.get(dialect, ())
    typed = issubclass(get_dialect(dialect), XmlMachine)
    calls: dict[tuple[bool, bool], st.SearchStrategy[list[ToolCallSpec]]] = {}
    for compact in (False, True):
        for ensure_ascii in (False, True):
            if typed:
                # Tools are indexed by name: one schema per name.
                calls[compact, ensure_ascii] = st.lists(
                    typed_calls(dialect), min_size=min_calls, max_size=max_calls, unique_by=lambda c: c.name
                )
                continue
            encodes_without_markers = functools.partial(
                _encodes_without, arguments_forbidden, compact=compact, ensure_ascii=ensure_ascii
            )
            call = st.builds(
                ToolCallSpec, name=_NAMES.get(dialect, tool_names)(), arguments=arguments(_KEYS.get(dialect))
            ).filter(encodes_without_markers)
            calls[compact, ensure_ascii] = st.lists(call, min_size=min_calls, max_size=max_calls)
    return _SampleParts(
        calls=calls,
        content=contents(content_forbidden, opening=opening_characters(dialect)),
        reasoning=contents(reasoning_forbidden) if reasoning_forbidden else None,
        content_after=contents(content_forbidden, max_size=10),
        typed=typed,
    )


@st.composite
def _sample(draw: st.DrawFn, parts: _SampleParts) -> Sample:
    compact = draw(st.booleans())
    ensure_ascii = draw(st.booleans())
    calls = draw(parts.calls[compact, ensure_ascii])
    reasoning = parts.reasoning if parts.reasoning is not None and draw(st.booleans()) else None
    return Sample(
        content=draw(parts.content),
        calls=tuple(calls),
        reasoning=draw(reasoning) if reasoning is not None else None,
        content_after=draw(parts.content_after) if bool(calls) and draw(st.booleans()) else "",
        compact=compact,
        ensure_ascii=ensure_ascii,
        first_index=draw(st.integers(0, 20)),
        arguments_first=draw(st.booleans()),
        python_literals=parts.typed and draw(st.booleans()),
    )


@functools.cache
def samples(dialect: str, max_calls: int = 3, min_calls: int = 0) -> st.SearchStrategy[Sample]:
    """A model response of ``dialect``: maybe reasoning, content, calls, trailing content."""
    return _sample(_sample_parts(dialect, max_calls, min_calls))


def split_at(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


_CUT_MODES = st.sampled_from(["whole", "chars", "tokens", "random"])
_TOKEN_SIZES = st.integers(1, 6)
# Random cuts are drawn as one byte string, a byte per piece, rather than a list of
# positions: one choice for hypothesis to draw and shrink instead of two per cut.
_PIECE_LENGTHS = st.binary(max_size=40)


def _piece_length(code: int) -> int:
    """Mostly short pieces (1 to 16 characters), some long ones (up to 255)."""
    return 1 + (code & 0x7F) * 2 if code & 0x80 else 1 + (code & 0x0F)


def cut_by_lengths(text: str, codes: bytes) -> list[str]:
    """``text`` in pieces whose lengths the bytes ``codes`` give, the rest as the last piece."""
    cut: list[str] = []
    start = 0
    for code in codes:
        if start >= len(text):
            break
        end = start + _piece_length(code)
        cut.append(text[start:end])
        start = end
    if start < len(text):
        cut.append(text[start:])
    return cut


@st.composite
def pieces(draw: st.DrawFn, text: str) -> list[str]:
    """Ways to cut ``text`` into deltas: whole, one char at a time, token-like, random."""
    mode = draw(_CUT_MODES)
    if mode == "whole" or not text:
        return [text] if text else []
    if mode == "chars":
        return list(text)
    if mode == "tokens":
        size = draw(_TOKEN_SIZES)
        return [text[i : i + size] for i in range(0, len(text), size)]
    return cut_by_lengths(text, draw(_PIECE_LENGTHS))


# -- mutations of valid outputs ------------------------------------------------------------
#
# A model that almost writes its format: a valid rendered output with one to three small
# faults. This is the input class between a valid output (round trip) and marker soup
# (arbitrary text) where a parser leaves its happy path half way through a call.

_STRUCTURAL = "{}[]()<>\"',:"
_CLOSERS = "}])"
_PROSE = (" and then", "Note: see above.", " hello world ", "I will call it now", "x", "\n\nDone.")
# Positions and choices are drawn as one integer from a fixed strategy and reduced modulo
# the number of choices: a strategy built per draw would be validated per draw, and
# hypothesis shrinks the integer to 0, that is to the first choice.
_CHOICE = st.integers(0, 1 << 16)
_COIN = st.booleans()
_MUTATION_COUNTS = st.integers(1, 3)
MUTATION_KINDS = ("delete", "insert", "drop_closer", "cut_marker", "splice_prose")
_MUTATION_KINDS = st.sampled_from(MUTATION_KINDS)


@dataclass(frozen=True)
class _MutationParts:
    dialect: str
    samples: st.SearchStrategy[Sample]
    markers: tuple[str, ...]  # markers of two characters or more, longest first
    insertions: tuple[str, ...]  # structural characters and marker fragments
    closers: tuple[str, ...]  # closing brackets and end markers


def _occurrences(text: str, needles: Iterable[str]) -> list[tuple[int, str]]:
    """(start, needle) of each occurrence of each needle in ``text``."""
    found = []
    for needle in needles:
        start = text.find(needle)
        while start >= 0:
            found.append((start, needle))
            start = text.find(needle, start + 1)
    found.sort()
    return found


def _structural_positions(text: str) -> list[int]:
    return [position for position, char in enumerate(text) if char in _STRUCTURAL]


class _Mutator:
    """Applies drawn mutations to a text, in place."""

    def __init__(self, draw: st.DrawFn, parts: _MutationParts, rendered: Rendered) -> None:
        self.draw = draw
        self.parts = parts
        self.text = rendered.text
        spans = list(rendered.argument_spans)
        for values in rendered.value_spans or ():
            spans.extend((value.start, value.end) for value in values)
        self.value_spans = spans

    def choose(self, count: int) -> int:
        return self.draw(_CHOICE) % count

    def position(self) -> int:
        """Anywhere in the text, or (half the time) at a structural character."""
        structural = _structural_positions(self.text)
        at_structural: bool = self.draw(_COIN)
        if structural and at_structural:
            return structural[self.choose(len(structural))]
        return self.choose(len(self.text) + 1)

    def replace(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]

    def apply(self, kind: str) -> None:
        text = self.text
        if kind == "delete" and text:
            at = min(self.position(), len(text) - 1)
            self.replace(at, at + 1, "")
        elif kind == "insert":
            fragment = self.parts.insertions[self.choose(len(self.parts.insertions))]
            at = self.position()
            self.replace(at, at, fragment)
        elif kind == "drop_closer":
            found = _occurrences(text, self.parts.closers)
            if found:
                start, closer = found[self.choose(len(found))]
                self.replace(start, start + len(closer), "")
        elif kind == "cut_marker":
            found = _occurrences(text, self.parts.markers)
            if found:
                start, marker = found[self.choose(len(found))]
                self.replace(start, start + len(marker), marker[: 1 + self.choose(len(marker) - 1)])
        elif kind == "splice_prose":
            prose = _PROSE[self.choose(len(_PROSE))]
            # Into a value as rendered (spans may be a little off after an earlier mutation).
            if self.value_spans:
                start, end = self.value_spans[self.choose(len(self.value_spans))]
                at = min(start + self.choose(end - start + 1), len(text))
            else:
                at = self.choose(len(text) + 1)
            self.replace(at, at, prose)


@st.composite
def _mutated_output(draw: st.DrawFn, parts: _MutationParts) -> tuple[Rendered, str]:
    rendered = render(parts.dialect, draw(parts.samples))
    mutator = _Mutator(draw, parts, rendered)
    for _ in range(draw(_MUTATION_COUNTS)):
        mutator.apply(draw(_MUTATION_KINDS))
    return rendered, mutator.text


@functools.cache
def mutated_outputs(dialect: str) -> st.SearchStrategy[tuple[Rendered, str]]:
    """A valid output of ``dialect`` (with at least one call) and the text after 1 to 3 mutations.

    Each mutation is one of :data:`MUTATION_KINDS`: a character deleted,
    a structural character or marker fragment inserted, a closing bracket
    or end marker dropped, a marker cut short (a proper prefix of it left
    in its place), or prose spliced into a value. Positions lean to the
    structural characters ``{}[]()<>"',:``, where parsers branch.
    """
    every = markers(dialect)
    long_markers = tuple(sorted((m for m in every if len(m) > 1), key=len, reverse=True))
    fragments = {m[: max(1, len(m) // 2)] for m in long_markers}
    closers = tuple(_CLOSERS) + tuple(m for m in long_markers if m.startswith(("</", "[/")) or "end" in m)
    parts = _MutationParts(
        dialect=dialect,
        samples=samples(dialect, max_calls=2, min_calls=1),
        markers=long_markers,
        insertions=(*_STRUCTURAL, *sorted(fragments), *long_markers),
        closers=closers,
    )
    return _mutated_output(parts)
