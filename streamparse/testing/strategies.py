"""Hypothesis strategies: tool names, arguments, contents, samples and splits."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .._machine import Machine
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


@st.composite
def samples(draw: st.DrawFn, dialect: str, max_calls: int = 3) -> Sample:
    """A model response of ``dialect``: maybe reasoning, content, calls, trailing content."""
    content_forbidden = forbidden_in(dialect, "content")
    reasoning_forbidden = forbidden_in(dialect, "reasoning")
    arguments_forbidden = forbidden_in(dialect, "arguments")
    compact = draw(st.booleans())
    ensure_ascii = draw(st.booleans())
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
