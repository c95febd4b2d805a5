"""Tool-call ids: model-given ids are kept; otherwise ids are generated here."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Literal

__all__ = ["IdFactory", "IdStyle"]

IdStyle = Literal["call", "mistral"]

_ALPHANUMERIC = string.ascii_letters + string.digits


class IdFactory:
    """Makes the ids of calls whose model wrote none.

    ``style="call"`` gives ``call_`` + 24 alphanumerics (the OpenAI shape);
    ``style="mistral"`` gives exactly 9 alphanumerics, the only shape
    Mistral tokenizers accept. With ``seed`` the sequence is deterministic;
    with ``factory`` every id comes from that callable instead.
    """

    __slots__ = ("_factory", "_random", "_style")

    def __init__(
        self,
        style: IdStyle = "call",
        *,
        seed: int | str | None = None,
        factory: Callable[[], str] | None = None,
    ) -> None:
        if style not in ("call", "mistral"):
            raise ValueError(f"unknown id style {style!r}: use 'call' or 'mistral'")
        self._style = style
        self._factory = factory
        # SystemRandom cannot be seeded; a Random seeded from the OS is enough
        # for ids that only need to be unique within a conversation.
        self._random = random.Random(seed) if seed is not None else random.Random()

    def __call__(self) -> str:
        if self._factory is not None:
            return self._factory()
        if self._style == "mistral":
            return "".join(self._random.choices(_ALPHANUMERIC, k=9))
        return "call_" + "".join(self._random.choices(_ALPHANUMERIC, k=24))
