"""The parsed chunks of one response checked against its ``tool_choice``, and tallied.

A call the choice does not allow (any call under ``"none"``; another
function's call under a named choice) is left out of the response, and
the calls sent are numbered 0, 1, ... per choice; a choice whose calls were
all left out finishes with ``stop``. A forced choice (``"required"`` or
named) answered without an allowed call is a violation
(:attr:`Screen.violation`): the proxy then ends the response with an
error rather than pass it off as an answer. The engine's constrained
decoding, where there is one, makes this never happen; the check is
what stands in for it where the engine cannot constrain.
"""

from __future__ import annotations

from typing import Any

from ..result import fold_deltas
from ..tools import normalize_tools
from ._chat import ToolChoice
from ._observe import Outcome

__all__ = ["Screen"]


class Screen:
    def __init__(
        self, choice: ToolChoice, tools: Any, outcome: Outcome, *, constrained: bool, send_usage: bool
    ) -> None:
        self.choice = choice
        self.send_usage = send_usage
        self.constrained = constrained
        self.tools = normalize_tools(tools)
        self.outcome = outcome
        self._sent: dict[int, dict[int, int]] = {}  # choice -> the parser's call index -> the index sent
        self._left_out: dict[int, set[int]] = {}
        self._call_deltas: dict[int, list[dict[str, Any]]] = {}  # what was sent, for the problems
        self.violation: str | None = None

    def apply(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        """The chunk as it should be sent, or None when nothing of it is left."""
        choices = chunk["choices"]
        if not choices:
            usage = chunk.get("usage")
            if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
                self.outcome.completion_tokens = usage["completion_tokens"]
            return chunk if self.send_usage else None
        choice = choices[0]
        delta = choice["delta"]
        if choice.get("finish_reason") is None and "tool_calls" not in delta:
            # Most chunks: content or reasoning, passed as they are.
            self.outcome.count(delta)
            return chunk if delta else None
        if delta.get("tool_calls"):
            delta = self._calls(choice["index"], delta)
            choice = {**choice, "delta": delta}
            chunk = {**chunk, "choices": [choice]}
        reason = choice.get("finish_reason")
        if reason is not None:
            final = self._finish(choice["index"], reason)
            if final != reason:
                choice = {**choice, "finish_reason": final}
                chunk = {**chunk, "choices": [choice]}
        elif not delta:
            return None
        self.outcome.count(delta)
        return chunk

    def _calls(self, index: int, delta: dict[str, Any]) -> dict[str, Any]:
        sent = self._sent.setdefault(index, {})
        left_out = self._left_out.setdefault(index, set())
        parts = []
        for part in delta["tool_calls"]:
            number = part["index"]
            if number not in sent and number not in left_out:
                name = (part.get("function") or {}).get("name")
                if self.choice.allows(name or ""):
                    sent[number] = len(sent)
                else:
                    left_out.add(number)
                    kind = (
                        "call_under_tool_choice_none"
                        if self.choice.mode == "none"
                        else "tool_choice_violation"
                    )
                    self.outcome.problems.append(kind)
            if number in sent:
                parts.append(part if sent[number] == number else {**part, "index": sent[number]})
        rest = {key: value for key, value in delta.items() if key != "tool_calls"}
        if parts:
            rest["tool_calls"] = parts
            self._call_deltas.setdefault(index, []).append({"tool_calls": parts})
        return rest

    def _finish(self, index: int, reason: str) -> str:
        calls = len(self._sent.get(index, ()))
        if reason == "tool_calls" and not calls:
            reason = "stop"
        if self.choice.forced and not calls and reason != "length" and self.violation is None:
            how = (
                "although the engine was asked to constrain its output"
                if self.constrained
                else "and this server cannot make the engine call (no --engine that constrains decoding)"
            )
            self.violation = f"the model answered without the call {self.choice.describe()} asks for, {how}"
        outcome = self.outcome
        outcome.finish_reasons.append(reason)
        outcome.calls += calls
        if calls:
            result = fold_deltas(self._call_deltas[index], reason, self.tools)  # type: ignore[arg-type]
            outcome.problems.extend(problem.kind for problem in result.problems)
        return reason
