"""Recorded model outputs replayed as a ``/v1/completions`` stream (no HTTP here).

The replay upstream (``streamparse replay``, :mod:`streamparse.server`)
serves these events so the proxy can be shown and tested without a GPU.
A reply is chosen per request from the prompt: the last reply whose
``when`` text occurs in the prompt, else the replies without ``when`` in
rotation. Its text is cut into token-sized pieces (special tokens such as
``<|tool_call_begin|>`` whole, short runs of letters or digits with their
leading space, other characters one by one), one piece per event, the
choices of ``n > 1`` interleaved as engines send them. ``max_tokens`` counts
pieces: a reply cut by it finishes with ``"length"``.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import UsageError

__all__ = ["Replay", "Reply", "token_pieces"]

_ALPHANUMERIC = string.ascii_letters + string.digits

# Token-sized pieces. Every alternative is bounded or a single character, so matching is linear.
_TOKEN = re.compile(
    r"<\|[^|<>\s]{1,64}\|>"  # <|tool_call_begin|>
    r"|<｜[^｜<>\s]{1,64}｜>"  # DeepSeek's <｜tool▁sep｜>
    r"|\[[A-Z_]{2,24}\]"  # [TOOL_CALLS]
    r"| ?[^\W\d_]{1,6}"
    r"| ?\d{1,3}"
    r"|\s"
    r"|.",
    re.DOTALL,
)


def token_pieces(text: str) -> list[str]:
    """``text`` cut into pieces about the size of tokens; they join back to ``text``."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Reply:
    """One recorded output; ``when``: serve it only to prompts containing this text."""

    text: str
    when: str | None = None


class Replay:
    """Chooses replies and builds the ``/v1/completions`` responses that carry them.

    ``replies``: :class:`Reply` objects or plain texts. ``model`` is the
    model name the responses (and ``/v1/models``) give.
    """

    def __init__(self, replies: Iterable[Reply | str], *, model: str = "replay") -> None:
        self.replies = [reply if isinstance(reply, Reply) else Reply(reply) for reply in replies]
        if not self.replies:
            raise UsageError("a replay needs at least one reply")
        self.model = model
        self._rotation = [reply for reply in self.replies if reply.when is None]
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def choose(self, prompt: str) -> Reply:
        for reply in reversed(self.replies):
            if reply.when is not None and reply.when in prompt:
                return reply
        if not self._rotation:
            # Every reply is conditional and none matched: the last one is the fallback.
            return self.replies[-1]
        with self._lock:
            turn = next(self._turn)
        return self._rotation[turn % len(self._rotation)]

    def models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "streamparse-replay"}],
        }

    def events(
        self,
        prompt: str,
        *,
        n: int = 1,
        max_tokens: int | None = None,
        include_usage: bool = False,
        model: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The events of a streamed response to ``prompt`` (without ``[DONE]``)."""
        pieces, reason = self._cut(self.choose(prompt).text, max_tokens)
        head = self._head(model, "text_completion")
        for piece in pieces:
            for index in range(n):
                yield {
                    **head,
                    "choices": [{"index": index, "text": piece, "logprobs": None, "finish_reason": None}],
                }
        for index in range(n):
            yield {
                **head,
                "choices": [{"index": index, "text": "", "logprobs": None, "finish_reason": reason}],
            }
        if include_usage:
            yield {**head, "choices": [], "usage": _usage(prompt, len(pieces) * n)}

    def completion(
        self, prompt: str, *, n: int = 1, max_tokens: int | None = None, model: str | None = None
    ) -> dict[str, Any]:
        """The body of a non-streamed response to ``prompt``."""
        pieces, reason = self._cut(self.choose(prompt).text, max_tokens)
        text = "".join(pieces)
        return {
            **self._head(model, "text_completion"),
            "choices": [
                {"index": index, "text": text, "logprobs": None, "finish_reason": reason}
                for index in range(n)
            ],
            "usage": _usage(prompt, len(pieces) * n),
        }

    def _head(self, model: str | None, kind: str) -> dict[str, Any]:
        return {
            "id": "cmpl-" + "".join(random.choices(_ALPHANUMERIC, k=24)),
            "object": kind,
            "created": int(time.time()),
            "model": model or self.model,
        }

    @staticmethod
    def _cut(text: str, max_tokens: int | None) -> tuple[Sequence[str], str]:
        pieces = token_pieces(text)
        if max_tokens is not None and len(pieces) > max_tokens:
            return pieces[:max_tokens], "length"
        return pieces, "stop"


def _usage(prompt: str, completion_tokens: int) -> dict[str, int]:
    prompt_tokens = len(token_pieces(prompt))
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
