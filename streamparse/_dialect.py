"""Dialect objects: what may stand where a dialect name goes.

A name picks a built-in machine. An object carries a machine made for one
checkpoint or one template: :func:`streamparse.load_dialect` makes one from
a ``response_template``, :func:`streamparse.with_token_suffix` one for a
checkpoint whose tokenizer appends a suffix to every special token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    from ._machine import Machine

# A tag with a checkpoint suffix: <tool_calls:opensource>, </think:6124c78e>.
_SUFFIXED_TAG = re.compile(r"<(/?[^<>:\s]+)(:[^<>\s]+)>")


class DialectObject:
    """A dialect that is not a registered name: ``name`` for results and errors, ``machine`` to parse."""

    name: str
    machine: type[Machine]

    def __str__(self) -> str:
        return self.name


class SuffixedDialect(DialectObject):
    """A built-in dialect whose markers all end in the checkpoint's ``token_suffix``.

    Hunyuan's shipping tokenizers write ``<tool_calls:opensource>`` where the
    format says ``<tool_calls>``; the suffix is the tokenizer's
    ``token_suffix`` (vLLM reads it from there, SGLang from the vocab).
    Markers without the suffix are then text, as they are to the engines.
    """

    def __init__(self, dialect: str, token_suffix: str, machine: type[Machine]) -> None:
        self.name = dialect
        self.token_suffix = token_suffix
        self.machine = machine

    def __repr__(self) -> str:
        return f"streamparse.with_token_suffix({self.name!r}, {self.token_suffix!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SuffixedDialect)
            and other.name == self.name
            and other.token_suffix == self.token_suffix
        )

    def __hash__(self) -> int:
        return hash((self.name, self.token_suffix))

    def __reduce__(self) -> tuple[Any, ...]:
        # The machine class is made at run time, so another process (streamparse fuzz --jobs) makes it again.
        return (_restore_suffixed, (self.name, self.token_suffix))


def _restore_suffixed(dialect: str, token_suffix: str) -> SuffixedDialect:
    from .registry import with_token_suffix

    return with_token_suffix(dialect, token_suffix)


def suffixed_tag(tag: str, token_suffix: str) -> str:
    """``tag`` as a checkpoint with ``token_suffix`` spells it: ``<tool_calls>`` -> ``<tool_calls:opensource>``."""
    return tag[:-1] + token_suffix + ">"


def check_token_suffix(token_suffix: object) -> str:
    """``token_suffix`` if it can end a marker (``":opensource"``); UsageError naming the fix otherwise."""
    if not isinstance(token_suffix, str):
        raise UsageError(f"token_suffix takes a str such as ':opensource', not {type(token_suffix).__name__}")
    if not token_suffix.startswith(":") or len(token_suffix) < 2:
        raise UsageError(
            f"a token suffix starts with ':' and names the checkpoint, as in <tool_calls:opensource>;"
            f" pass ':{token_suffix.lstrip(':')}' (the tokenizer config's token_suffix), not {token_suffix!r}"
        )
    if any(c in token_suffix for c in "<>") or any(c.isspace() for c in token_suffix):
        raise UsageError(f"a token suffix holds no '<', '>' or whitespace: {token_suffix!r}")
    return token_suffix


# One machine class per dialect and suffix: a class compiles its lexers once, and a gateway makes a
# parser per request.
_SUFFIXED: dict[tuple[type[Machine], str], type[Machine]] = {}


def suffixed_machine(machine: type[Machine], token_suffix: str) -> type[Machine]:
    """``machine`` with every marker ending in ``token_suffix``: its states made again by its suffix hook."""
    made = _SUFFIXED.get((machine, token_suffix))
    if made is None:
        states = machine.states_with_suffix(token_suffix)
        made = type(machine.__name__, (machine,), {"STATES": states, "TOKEN_SUFFIX": token_suffix})
        _SUFFIXED[machine, token_suffix] = made
    return made


def token_suffix_in(machine: type[Machine], spellings: Iterable[str]) -> str:
    """The suffix that ``spellings`` (a vocab's tokens, a chat template) write ``machine``'s markers with.

    ``<tool_calls:opensource>`` gives ``":opensource"`` when ``<tool_calls>`` is
    one of the markers; "" when no spelling carries one (or the machine's
    markers take none).
    """
    bare = {marker for spec in machine.STATES.values() for marker in getattr(spec, "actions", {})}
    for text in spellings:
        for found in _SUFFIXED_TAG.finditer(text):
            if "<" + found[1] + ">" in bare:
                return found[2]
    return ""


def without_token_suffixes(text: str) -> str:
    """``text`` with every tag's checkpoint suffix taken off: ``<tool_calls:opensource>`` -> ``<tool_calls>``."""
    return _SUFFIXED_TAG.sub(r"<\1>", text)
