"""The dialect registry: ``streamparse.dialects()`` lists what is here."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from ._machine import Machine

__all__ = ["dialects", "get_dialect", "register"]

_DIALECTS: dict[str, type[Machine]] = {}


def register(machine: type[Machine]) -> type[Machine]:
    """Add a dialect under its ``name``; a second dialect of the same name is an error."""
    existing = _DIALECTS.get(machine.name)
    if existing is not None and existing is not machine:
        raise UsageError(f"dialect {machine.name!r} is already registered by {existing.__qualname__}")
    _DIALECTS[machine.name] = machine
    return machine


def dialects() -> list[str]:
    """The names of every dialect, sorted."""
    _load_builtin()
    return sorted(_DIALECTS)


def get_dialect(name: str) -> type[Machine]:
    _load_builtin()
    try:
        return _DIALECTS[name]
    except KeyError:
        known = ", ".join(sorted(_DIALECTS))
        raise UsageError(f"unknown dialect {name!r}; choose one of: {known}") from None


def get_dialect_for(name: str, *, start_in_reasoning: bool) -> type[Machine]:
    """``get_dialect``, refusing options the dialect cannot honour (rather than ignoring them)."""
    machine_class = get_dialect(name)
    if start_in_reasoning and machine_class.REASONING_STATE is None:
        raise UsageError(
            f"{name} has no reasoning markers, so start_in_reasoning=True cannot apply to it;"
            " drop the option for this dialect"
        )
    return machine_class


def _load_builtin() -> None:
    import_module("streamparse.formats")  # registers the built-in dialects
