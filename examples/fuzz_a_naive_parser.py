"""Fuzz a deliberately naive hermes parser with streamparse's checker, and show what it finds.

The naive parser looks for ``<tool_call>...</tool_call>`` in each delta on
its own, as many first attempts do. It is right when a whole response
arrives in one delta and wrong as soon as a marker is cut across deltas;
hypothesis finds such a cut and shrinks it to a small counterexample.

    python examples/fuzz_a_naive_parser.py
"""

from __future__ import annotations

import json
import re
from typing import Any

import streamparse
from streamparse.testing import ParserMismatch, check_parser

BLOCK = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.DOTALL)
THINK = re.compile(r"<think>(.*?)</think>", re.DOTALL)


class NaiveHermesParser:
    """Parses each delta on its own: no buffering across deltas."""

    def __init__(self) -> None:
        self.calls = 0
        self.finish_reason: str | None = None

    def feed(self, text: str) -> dict[str, Any] | None:
        delta: dict[str, Any] = {}
        reasoning = "".join(THINK.findall(text))
        if reasoning:
            delta["reasoning_content"] = reasoning
        content = BLOCK.sub("", THINK.sub("", text))
        if content:
            delta["content"] = content
        for match in BLOCK.finditer(text):
            call = json.loads(match.group(1))
            delta.setdefault("tool_calls", []).append(
                {
                    "index": self.calls,
                    "id": f"call_{self.calls}",
                    "type": "function",
                    "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
                }
            )
            self.calls += 1
        return delta or None

    def finish(self) -> dict[str, Any] | None:
        self.finish_reason = "tool_calls" if self.calls else "stop"
        return None


def main(max_examples: int = 300) -> ParserMismatch | None:
    try:
        check_parser(NaiveHermesParser, "hermes", max_examples=max_examples)
    except ParserMismatch as mismatch:
        print("The naive parser fails:\n" + str(mismatch))
        return mismatch
    print("no counterexample found")
    return None


def streamparse_passes() -> None:
    """The same check passes for streamparse's own parser."""
    check_parser(lambda: streamparse.StreamParser("hermes"), "hermes", max_examples=50)


if __name__ == "__main__":
    main()
