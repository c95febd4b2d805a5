"""Hypothesis strategies: tool names, arguments, contents, samples and splits."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from .._machine import Machine
from .._xml import XmlMachine
from ..registry import get_dialect
from .renderers import Sample, ToolCallSpec

__all__ = [
    "arguments",
    "contents",
    "forbidden_in",
    "json_values",
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

_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.lists(st.sampled_from(_TRICKY), max_size=4).map("".join),
)


def tool_names() -> st.SearchStrategy[str]:
    """Function names: letters, digits and ``_ . : -`` (dots and dashes included)."""
    return st.from_regex(r"[A-Za-z_][A-Za-z0-9_.:\-]{0,24}", fullmatch=True)


def python_names() -> st.SearchStrategy[str]:
    """Python identifiers, optionally dotted: the names a pythonic call can have."""
    return st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,16}(\.[A-Za-z_][A-Za-z0-9_]{0,8}){0,2}", fullmatch=True)


# Dialects whose tool names and top-level argument keys are written as Python identifiers.
_IDENTIFIER_KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,16}", fullmatch=True)
_NAMES = {"pythonic": python_names}
_KEYS = {"pythonic": _IDENTIFIER_KEYS}


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


def contents(
    forbidden: tuple[str, ...] = (), max_size: int = 40, opening: str = ""
) -> st.SearchStrategy[str]:
    """Free text that contains none of ``forbidden`` and does not start with one of ``opening``.

    Often with marker look-alikes.
    """
    look_alikes = [f[: max(1, len(f) // 2)] for f in forbidden] + ["<", "<|", "{", "}", " ", "\n"]
    text = st.one_of(
        st.text(max_size=max_size),
        st.lists(st.one_of(st.text(max_size=6), st.sampled_from(look_alikes)), max_size=8).map("".join),
    )
    return text.filter(lambda s: not any(f in s for f in forbidden) and not _opens_call(s, opening))


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


def _plain_words() -> st.SearchStrategy[str]:
    """Text no typing rule reads as anything but a string."""
    return st.from_regex(r"[A-Za-z]|[A-Za-z][A-Za-z ]{0,8}[A-Za-z]", fullmatch=True).filter(
        lambda w: w.lower() not in _VALUE_WORDS
    )


def _xml_strings(dialect: str) -> st.SearchStrategy[str]:
    close, others = value_markers(dialect)
    strip_all = get_dialect(dialect).VALUE_RULES.strip == "whitespace"  # type: ignore[attr-defined]
    text = st.one_of(
        _TEXT,
        st.lists(
            st.one_of(st.sampled_from(_XML_LOOK_ALIKES + list(close)), st.text(max_size=4)), max_size=6
        ).map("".join),
    )
    return text.filter(lambda s: not any(m in s for m in others) and (not strip_all or s == s.strip()))


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


@st.composite
def typed_calls(draw: st.DrawFn, dialect: str) -> ToolCallSpec:
    """A call with a parameters schema and values of its types."""
    close, others = value_markers(dialect)
    parameters = st.one_of(*_typed_parameters(_xml_strings(dialect))).filter(
        lambda pair: (
            isinstance(pair[1], str) or not any(m in json.dumps(pair[1], ensure_ascii=False) for m in others)
        )
    )
    keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
    drawn = draw(st.lists(st.tuples(keys, parameters), max_size=5, unique_by=lambda p: p[0]))
    name = draw(tool_names())
    if draw(st.integers(0, 5)) == 0:
        # A tool that declares no parameters: every value follows the dialect's untyped rule.
        return ToolCallSpec(name, {key: draw(_plain_words()) for key, _ in drawn}, schema={"type": "object"})
    properties = {key: schema for key, (schema, _) in drawn if schema is not None}
    values = {key: value for key, (_, value) in drawn}
    return ToolCallSpec(name, values, schema={"type": "object", "properties": properties})


@st.composite
def samples(draw: st.DrawFn, dialect: str, max_calls: int = 3) -> Sample:
    """A model response of ``dialect``: maybe reasoning, content, calls, trailing content."""
    content_forbidden = forbidden_in(dialect, "content")
    reasoning_forbidden = forbidden_in(dialect, "reasoning")
    arguments_forbidden = forbidden_in(dialect, "arguments")
    compact = draw(st.booleans())
    ensure_ascii = draw(st.booleans())
    typed = issubclass(get_dialect(dialect), XmlMachine)
    if typed:
        # Tools are indexed by name: one schema per name.
        calls = draw(st.lists(typed_calls(dialect), max_size=max_calls, unique_by=lambda c: c.name))
    else:
        names = _NAMES.get(dialect, tool_names)()
        call = st.builds(ToolCallSpec, name=names, arguments=arguments(_KEYS.get(dialect))).filter(
            lambda c: not any(m in c.encoded(compact, ensure_ascii) for m in arguments_forbidden)
        )
        calls = draw(st.lists(call, max_size=max_calls))
    has_reasoning = bool(reasoning_forbidden) and draw(st.booleans())
    return Sample(
        content=draw(contents(content_forbidden, opening=opening_characters(dialect))),
        calls=tuple(calls),
        reasoning=draw(contents(reasoning_forbidden)) if has_reasoning else None,
        content_after=draw(contents(content_forbidden, max_size=10))
        if bool(calls) and draw(st.booleans())
        else "",
        compact=compact,
        ensure_ascii=ensure_ascii,
        first_index=draw(st.integers(0, 20)),
        arguments_first=draw(st.booleans()),
        python_literals=typed and draw(st.booleans()),
    )


def split_at(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


@st.composite
def pieces(draw: st.DrawFn, text: str) -> list[str]:
    """Ways to cut ``text`` into deltas: whole, one char at a time, token-like, random."""
    mode = draw(st.sampled_from(["whole", "chars", "tokens", "random"]))
    if mode == "whole" or not text:
        return [text] if text else []
    if mode == "chars":
        return list(text)
    if mode == "tokens":
        size = draw(st.integers(1, 6))
        return [text[i : i + size] for i in range(0, len(text), size)]
    cuts = draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=min(40, len(text))))
    return split_at(text, cuts)
