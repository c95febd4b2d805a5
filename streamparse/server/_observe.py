"""What the proxy reports: Prometheus metrics and one access-log line per request.

:class:`Observe` is an ASGI middleware that times every request and
records its status; the endpoint fills in the request's :class:`Outcome`
(dialect, finish reasons, calls, problems, time to first token), found
with :func:`outcome_of`. When the response has been sent in full (or the
client left), the outcome goes to the metrics and to the
``streamparse.serve.access`` logger.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ACCESS_LOG", "Metrics", "Observe", "Outcome", "outcome_of"]

ACCESS_LOG = logging.getLogger("streamparse.serve.access")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


class Metrics:
    """The proxy's Prometheus metrics, in a registry of their own (one per app).

    Under ``--workers N`` (``PROMETHEUS_MULTIPROC_DIR`` set), each worker
    writes its values to files there and ``render`` sums them over the
    workers, so any worker answers ``/metrics`` for all of them.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "streamparse_requests", "Requests answered, by endpoint and HTTP status.",
            ["endpoint", "status"], registry=registry,
        )  # fmt: skip
        self.latency = Histogram(
            "streamparse_request_duration_seconds", "Time from the request to the end of the response.",
            ["endpoint"], buckets=_LATENCY_BUCKETS, registry=registry,
        )  # fmt: skip
        self.first_token = Histogram(
            "streamparse_time_to_first_token_seconds",
            "Time from the request to the first parsed output (content, reasoning or a call).",
            ["endpoint"], buckets=_LATENCY_BUCKETS, registry=registry,
        )  # fmt: skip
        self.characters = Counter(
            "streamparse_streamed_characters", "Characters sent to clients, by kind.",
            ["kind"], registry=registry,
        )  # fmt: skip
        self.completion_tokens = Counter(
            "streamparse_completion_tokens", "Completion tokens the upstream reported.", registry=registry
        )
        self.tool_calls = Counter(
            "streamparse_tool_calls",
            "Tool calls sent to clients, by dialect.",
            ["dialect"],
            registry=registry,
        )
        self.problems = Counter(
            "streamparse_parse_problems", "Problems found in the model's calls, by kind.",
            ["kind"], registry=registry,
        )  # fmt: skip
        self.upstream_errors = Counter(
            "streamparse_upstream_errors", "Upstream failures, by kind.", ["kind"], registry=registry
        )
        self.open_streams = Gauge(
            "streamparse_open_streams",
            "Streams being sent now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.shared_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None

    def render(self) -> bytes:
        if self.shared_dir is None:
            return generate_latest(self.registry)
        summed = CollectorRegistry()
        MultiProcessCollector(summed, path=self.shared_dir)  # type: ignore[no-untyped-call]
        return generate_latest(summed)


@dataclass
class Outcome:
    """One request as the access log and the metrics see it; the endpoint fills in what it knows."""

    method: str
    path: str
    started: float = field(default_factory=time.monotonic)
    endpoint: str = "other"
    status: int = 0
    stream: bool | None = None
    dialect: str | None = None
    first_output: float | None = None
    finish_reasons: list[str] = field(default_factory=list)
    calls: int = 0
    problems: list[str] = field(default_factory=list)
    characters: dict[str, int] = field(default_factory=lambda: {"content": 0, "reasoning": 0, "arguments": 0})
    completion_tokens: int = 0

    def count(self, delta: dict[str, Any]) -> None:
        """Adds one delta's characters (summed per request: the metrics are touched once, at the end)."""
        characters = self.characters
        content = delta.get("content")
        if content:
            characters["content"] += len(content)
        reasoning = delta.get("reasoning_content")
        if reasoning:
            characters["reasoning"] += len(reasoning)
        for call in delta.get("tool_calls") or ():
            arguments = (call.get("function") or {}).get("arguments")
            if arguments:
                characters["arguments"] += len(arguments)
        if self.first_output is None and (content or reasoning or delta.get("tool_calls")):
            self.first_output = time.monotonic()

    def output_seen(self) -> None:
        if self.first_output is None:
            self.first_output = time.monotonic()

    def line(self, elapsed: float) -> str:
        parts = [f"{self.method} {self.path} {self.status} {elapsed:.3f}s"]
        if self.stream is not None:
            parts.append(f"stream={'yes' if self.stream else 'no'}")
        if self.first_output is not None:
            parts.append(f"ttft={self.first_output - self.started:.3f}s")
        if self.dialect is not None:
            parts.append(f"dialect={self.dialect}")
        if self.finish_reasons:
            parts.append(f"finish={','.join(self.finish_reasons)}")
        if self.dialect is not None:
            parts.append(f"calls={self.calls} problems={len(self.problems)}")
            if self.problems:
                parts.append(f"({','.join(sorted(set(self.problems)))})")
        return " ".join(parts)


def outcome_of(request: Request) -> Outcome:
    """The request's :class:`Outcome` (a detached one when :class:`Observe` is not in front)."""
    outcome = request.scope.get("state", {}).get("streamparse_outcome")
    if isinstance(outcome, Outcome):
        return outcome
    return Outcome(request.method, request.url.path)


class Observe:
    """Times each HTTP request, then records its :class:`Outcome` in ``metrics`` and the access log."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outcome = Outcome(scope["method"], scope["path"])
        scope.setdefault("state", {})["streamparse_outcome"] = outcome

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except BaseException:
            outcome.status = outcome.status or 500
            raise
        finally:
            if not outcome.status:
                outcome.status = 499  # the client left before a response began
            self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        elapsed = time.monotonic() - outcome.started
        metrics = self.metrics
        metrics.requests.labels(outcome.endpoint, str(outcome.status)).inc()
        metrics.latency.labels(outcome.endpoint).observe(elapsed)
        if outcome.first_output is not None:
            metrics.first_token.labels(outcome.endpoint).observe(outcome.first_output - outcome.started)
        if outcome.calls and outcome.dialect is not None:
            metrics.tool_calls.labels(outcome.dialect).inc(outcome.calls)
        for kind in outcome.problems:
            metrics.problems.labels(kind).inc()
        for kind, number in outcome.characters.items():
            if number:
                metrics.characters.labels(kind).inc(number)
        if outcome.completion_tokens:
            metrics.completion_tokens.inc(outcome.completion_tokens)
        ACCESS_LOG.info("%s", outcome.line(elapsed))
