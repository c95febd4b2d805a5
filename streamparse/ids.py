"""Tool-call ids: model-given ids are kept; otherwise ids are generated here."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Literal

__all__ = ["IdFactory", "IdStyle"]

IdStyle = Literal["call", "mistral"]

_ALPHANUMERIC = string.ascii_letters + string.digits
# Random bytes to alphanumerics in one C call: byte b -> _ALPHANUMERIC[b % 62]. The first
# 256 % 62 = 8 symbols are a little likelier (5/256 against 4/256), so an id carries 142
# bits rather than 143: ample for ids that must only be unique within a conversation.
_BYTE_TO_ALPHANUMERIC = bytes(ord(_ALPHANUMERIC[b % len(_ALPHANUMERIC)]) for b in range(256))
# Each style's (prefix, number of alphanumerics).
_SHAPES: dict[str, tuple[str, int]] = {"call": ("call_", 24), "mistral": ("", 9)}


class IdFactory:
    """Makes the ids of calls whose model wrote none.

    ``style="call"`` gives ``call_`` + 24 alphanumerics (the OpenAI shape);
    ``style="mistral"`` gives exactly 9 alphanumerics, the only shape
    Mistral tokenizers accept. With ``seed`` the sequence is deterministic;
    with ``factory`` every id comes from that callable instead.
    """

    __slots__ = ("_factory", "_length", "_prefix", "_random_bytes")

    def __init__(
        self,
        style: IdStyle = "call",
        *,
        seed: int | str | None = None,
        factory: Callable[[], str] | None = None,
    ) -> None:
        if style not in _SHAPES:
            raise ValueError(f"unknown id style {style!r}: use 'call' or 'mistral'")
        self._factory = factory
        self._prefix, self._length = _SHAPES[style]
        # Unseeded: the random module's shared generator, seeded from the OS and reseeded in
        # forked workers by CPython. A Random() of our own would cost 15 µs per parser (it
        # seeds 2.5 kB of state from os.urandom), most of what building a parser costs.
        self._random_bytes = random.Random(seed).randbytes if seed is not None else random.randbytes

    def __call__(self) -> str:
        if self._factory is not None:
            return self._factory()
        alphanumerics = self._random_bytes(self._length).translate(_BYTE_TO_ALPHANUMERIC)
        return self._prefix + alphanumerics.decode("ascii")
