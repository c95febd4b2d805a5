"""SSE shell: an upstream stream of raw-text events in, parsed ``chat.completion.chunk`` events out.

Theory of operation. An engine streams either ``/v1/completions`` events
(the raw text in ``choices[i].text``) or chat events that carry the raw
markup unparsed in ``choices[i].delta.content``. :class:`ChunkStream` is
the sans-IO core: give it upstream items one at a time and it returns the
chat chunks to send. Per choice index it runs one :class:`StreamParser`
(so ``n > 1`` works), puts ``"role": "assistant"`` in each choice's first
chunk and, when the upstream finishes a choice, flushes its parser and
sends a closing chunk with an empty delta and the parser's finish reason
(``tool_calls`` or ``stop``; an upstream ``length`` stays ``length`` and
is passed to ``finish("length")``, so unfinished calls are not completed).
Usage chunks (``choices: []`` with ``usage``) pass through, and so does a
chat chunk's ``delta.reasoning_content`` (an engine that separates the
reasoning itself); other delta fields are not read (the engine's own
tool-call parsing should be off).

An upstream item may be a piece of the raw byte stream (``bytes``; split
anywhere, also inside a UTF-8 character), a piece of the decoded text
(``str``), a decoded event (anything with a ``data`` attribute, such as
``httpx_sse.ServerSentEvent``) or an already-parsed event (a ``Mapping``).
Raw bytes and text go through :class:`SSEDecoder`.

:func:`iter_chunks` / :func:`aiter_chunks` yield chunk dicts and re-raise
an upstream failure after the closing chunks; :func:`wrap` / :func:`awrap`
yield the SSE text to send, ending with ``data: [DONE]``, and turn an
upstream failure into closing chunks (finish reason ``length``: the text
was cut), an OpenAI-shaped ``{"error": ...}`` event and ``[DONE]``, so a
client never waits on a stream that will not end.

No parsing happens here: text goes to the parser, deltas come back.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import string
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from ._dialect import DialectObject
from .errors import StreamParseError, UsageError
from .parser import StreamParser
from .registry import get_dialect_for
from .result import FinishReason
from .tools import normalize_tools

__all__ = [
    "ChunkBuilder",
    "ChunkStream",
    "SSEDecoder",
    "ServerSentEvent",
    "UpstreamError",
    "aiter_chunks",
    "awrap",
    "completion_chunk",
    "error_body",
    "iter_chunks",
    "sse_line",
    "wrap",
]

DONE = "data: [DONE]\n\n"

_ALPHANUMERIC = string.ascii_letters + string.digits
# The three line endings of the event-stream format; linear, no backtracking.
_NEWLINE = re.compile(r"\r\n|\r|\n")


class UpstreamError(StreamParseError):
    """The upstream stream failed: it sent an ``{"error": ...}`` event, or something that is not JSON.

    ``body`` is the OpenAI-shaped error object (``message``, ``type``, ``code``).
    """

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = dict(body)
        super().__init__(str(self.body.get("message") or "the upstream stream failed"))


def error_body(error: BaseException) -> dict[str, Any]:
    """The ``error`` object of an OpenAI-shaped error for an upstream failure."""
    if isinstance(error, UpstreamError):
        return error.body
    detail = str(error) or type(error).__name__
    return {"message": f"upstream stream failed: {detail}", "type": "upstream_error", "code": 502}


# --- chunks ---------------------------------------------------------------------


def completion_chunk(
    delta: Mapping[str, Any],
    *,
    chunk_id: str,
    created: int,
    model: str,
    finish_reason: str | None = None,
    index: int = 0,
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` object around one delta, ready for ``json.dumps``."""
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": index, "delta": dict(delta), "finish_reason": finish_reason}],
    }


def sse_line(payload: Mapping[str, Any] | str) -> str:
    """``data: <payload>`` plus the blank line that ends an SSE event."""
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n"


class ChunkBuilder:
    """Builds the ``chat.completion.chunk`` objects of one streamed response.

    ``chunk(delta, index=i)`` wraps a parser delta for choice ``i`` (each
    choice's first one also gets ``"role": "assistant"``);
    ``last(finish_reason, index=i)`` is a choice's closing chunk, with an
    empty delta; ``usage(usage)`` is the usage chunk (no choices). Every
    chunk shares one ``id``, ``created`` and ``model``, as OpenAI's do.
    After the last chunk an SSE stream sends ``sse_line("[DONE]")``.
    """

    def __init__(
        self, model: str = "streamparse", *, chunk_id: str | None = None, created: int | None = None
    ) -> None:
        self.model = model
        self.id = (
            chunk_id if chunk_id is not None else "chatcmpl-" + "".join(random.choices(_ALPHANUMERIC, k=24))
        )
        self.created = created if created is not None else int(time.time())
        self._roles_sent: set[int] = set()

    def chunk(
        self, delta: Mapping[str, Any], finish_reason: str | None = None, *, index: int = 0
    ) -> dict[str, Any]:
        if index not in self._roles_sent:
            delta = {"role": "assistant", **delta}
            self._roles_sent.add(index)
        return completion_chunk(
            delta,
            chunk_id=self.id,
            created=self.created,
            model=self.model,
            finish_reason=finish_reason,
            index=index,
        )

    def last(self, finish_reason: str, *, index: int = 0) -> dict[str, Any]:
        return self.chunk({}, finish_reason, index=index)

    def usage(self, usage: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [],
            "usage": dict(usage),
        }


# --- decoding the event stream ------------------------------------------------------


class ServerSentEvent(NamedTuple):
    data: str
    event: str = "message"
    id: str = ""
    retry: int | None = None


class SSEDecoder:
    """Incremental decoder of ``text/event-stream`` (WHATWG HTML, "event stream interpretation").

    ``feed(bytes or str)`` takes the next piece of the stream, cut anywhere,
    and returns the events it completed. Lines end in CRLF, LF or CR (a CR
    at the end of one piece and an LF at the start of the next are one line
    ending); lines starting with ``:`` are comments (keep-alives); several
    ``data:`` lines join with ``\\n``; an event is dispatched by a blank line
    and only if it has data; one leading byte-order mark is dropped; bytes
    that are not UTF-8 become U+FFFD. At the end of the stream an event
    without its blank line is discarded, as the standard says.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._line: list[str] = []
        self._after_cr = False
        self._started = False
        self._data: list[str] = []
        self._event = ""
        self._last_id = ""
        self._retry: int | None = None

    def feed(self, piece: bytes | bytearray | memoryview | str) -> list[ServerSentEvent]:
        text = piece if isinstance(piece, str) else self._utf8.decode(bytes(piece))
        if not self._started and text:
            self._started = True
            if text[0] == "\ufeff":
                text = text[1:]
        if not text:
            # An empty piece (or a partial UTF-8 character) leaves a pending CR pending.
            return []
        if self._after_cr and text[0] == "\n":
            # The LF that completes a CRLF cut between reads: the line already ended at the CR.
            text = text[1:]
        # Set on every non-empty piece, so a piece of just that LF consumes the pending CR.
        self._after_cr = text[-1:] == "\r"
        if not text:
            return []
        lines = _NEWLINE.split(text)
        if len(lines) == 1:
            self._line.append(text)
            return []
        if self._line:
            self._line.append(lines[0])
            lines[0] = "".join(self._line)
        self._line = [lines[-1]] if lines[-1] else []
        events: list[ServerSentEvent] = []
        for line in lines[:-1]:
            event = self._take_line(line)
            if event is not None:
                events.append(event)
        return events

    def _take_line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None
        field, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry":
            if value.isascii() and value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        retry, self._retry = self._retry, None
        return ServerSentEvent("\n".join(data), event or "message", self._last_id, retry)


# --- the sans-IO core -------------------------------------------------------------


class _HasData(Protocol):
    @property
    def data(self) -> str: ...


Upstream = bytes | bytearray | memoryview | str | Mapping[str, Any] | _HasData


class ChunkStream:
    """Upstream events in, ``chat.completion.chunk`` dicts out, for one response.

    ``feed(item)`` takes one upstream item (see the module docstring) and
    returns the chunks it produced; ``close()`` finishes every choice the
    upstream left open and returns their closing chunks (``close(cut=True)``
    when the upstream failed: the finish reason is then ``length``).
    ``done`` is True once ``[DONE]`` arrived; ``error`` holds an upstream
    ``{"error": ...}`` body, after which the stream is closed as cut.

    ``model`` / ``chunk_id`` / ``created`` default to the upstream's model
    and creation time and a new ``chatcmpl-`` id. ``tools``,
    ``start_in_reasoning`` and ``id_seed`` go to each choice's parser
    (choice ``i > 0`` gets the seed ``f"{id_seed}/{i}"``). ``include_usage=False``
    drops the upstream's usage chunks.
    """

    def __init__(
        self,
        dialect: str | DialectObject,
        *,
        tools: Iterable[Any] | None = None,
        model: str | None = None,
        chunk_id: str | None = None,
        created: int | None = None,
        start_in_reasoning: bool | None = None,
        id_seed: int | str | None = None,
        include_usage: bool = True,
    ) -> None:
        # An unknown dialect (or an option it cannot take) is an error now, not at the first event.
        get_dialect_for(dialect, start_in_reasoning=start_in_reasoning)
        self.dialect = dialect
        normalize_tools(tools)  # bad tools are an error now, not at the first event
        self.tools = list(tools) if tools is not None else None
        self._model = model
        self._builder: ChunkBuilder | None = None
        self._chunk_id = chunk_id
        self._created = created
        self._start_in_reasoning = start_in_reasoning
        self._id_seed = id_seed
        self._include_usage = include_usage
        self._parsers: dict[int, StreamParser] = {}
        self._finished: dict[int, FinishReason] = {}
        self._decoder: SSEDecoder | None = None
        self.done = False
        self.error: dict[str, Any] | None = None

    @property
    def finish_reasons(self) -> dict[int, FinishReason]:
        """The finish reason of every choice finished so far, by index."""
        return dict(self._finished)

    def feed(self, item: Upstream) -> list[dict[str, Any]]:
        if self.done or self.error is not None:
            return []
        if isinstance(item, Mapping):
            return self.push(item)
        if isinstance(item, (bytes, bytearray, memoryview, str)):
            if self._decoder is None:
                self._decoder = SSEDecoder()
            chunks: list[dict[str, Any]] = []
            for event in self._decoder.feed(item):
                chunks.extend(self._take_data(event.data))
            return chunks
        data = getattr(item, "data", None)
        if isinstance(data, str):
            return self._take_data(data)
        raise UsageError(
            f"an upstream item must be bytes, str, an event with a .data string or a dict, "
            f"not {type(item).__name__}"
        )

    def _take_data(self, data: str) -> list[dict[str, Any]]:
        if self.done or self.error is not None:
            return []
        if data.strip() == "[DONE]":
            self.done = True
            return []
        if not data.strip():
            return []
        try:
            event = json.loads(data)
        except (ValueError, RecursionError):
            event = None
        if not isinstance(event, dict):
            shown = data if len(data) <= 80 else data[:77] + "..."
            return self._fail(
                {
                    "message": f"upstream sent an event that is not a JSON object: {shown!r}",
                    "type": "upstream_error",
                    "code": 502,
                }
            )
        return self.push(event)

    def push(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        """One parsed upstream event (a completions or chat chunk, a usage chunk, or an error)."""
        if self.done or self.error is not None:
            return []
        choices = event.get("choices")
        if event.get("error") and not choices:
            error = event["error"]
            body = dict(error) if isinstance(error, Mapping) else {"message": str(error)}
            return self._fail(body)
        builder = self._start(event)
        chunks: list[dict[str, Any]] = []
        if not choices:
            usage = event.get("usage")
            if isinstance(usage, Mapping) and self._include_usage:
                chunks.append(builder.usage(usage))
            return chunks
        if not isinstance(choices, list):
            return chunks
        for choice in choices:
            if not isinstance(choice, Mapping):
                continue
            index = choice.get("index", 0)
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                continue
            if index in self._finished:
                continue
            parser = self._parser(index)
            text = choice.get("text")
            if text is None:
                delta = choice.get("delta")
                text = delta.get("content") if isinstance(delta, Mapping) else None
                reasoning = delta.get("reasoning_content") if isinstance(delta, Mapping) else None
                if isinstance(reasoning, str) and reasoning:
                    # The engine separated the reasoning already: it is passed on as it came.
                    chunks.append(builder.chunk({"reasoning_content": reasoning}, index=index))
            if isinstance(text, str) and text:
                parsed = parser.feed(text)
                if parsed is not None:
                    chunks.append(builder.chunk(parsed, index=index))
            reason = choice.get("finish_reason")
            if reason is not None:
                chunks.extend(self._finish(index, cut=reason == "length"))
        return chunks

    def close(self, *, cut: bool = False) -> list[dict[str, Any]]:
        """Finish every open choice (choice 0 at least, so a client always sees a closing chunk)."""
        if not self._parsers and not self._finished:
            self._parser(0)
        chunks: list[dict[str, Any]] = []
        for index in sorted(self._parsers):
            if index not in self._finished:
                chunks.extend(self._finish(index, cut=cut))
        return chunks

    def iterate(self, upstream: Iterable[Upstream]) -> Iterator[dict[str, Any]]:
        """Feed every item of ``upstream`` and yield the chunks, closing choices at the end.

        An upstream failure (an exception from ``upstream``, an error event)
        is raised after the closing chunks (``length``) of every open choice.
        """
        try:
            for item in upstream:
                yield from self.feed(item)
                if self.done or self.error is not None:
                    break
        except Exception:
            yield from self.close(cut=True)
            raise
        yield from self.close()
        if self.error is not None:
            raise UpstreamError(self.error)

    async def aiterate(self, upstream: AsyncIterable[Upstream]) -> AsyncIterator[dict[str, Any]]:
        """:meth:`iterate` for an async upstream."""
        try:
            async for item in upstream:
                for chunk in self.feed(item):
                    yield chunk
                if self.done or self.error is not None:
                    break
        except Exception:
            for chunk in self.close(cut=True):
                yield chunk
            raise
        for chunk in self.close():
            yield chunk
        if self.error is not None:
            raise UpstreamError(self.error)

    def _fail(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        chunks = self.close(cut=True)
        self.error = body
        return chunks

    def _start(self, event: Mapping[str, Any] | None) -> ChunkBuilder:
        if self._builder is None:
            model = self._model
            created = self._created
            if event is not None:
                if model is None and isinstance(event.get("model"), str):
                    model = event["model"]
                upstream_created = event.get("created")
                if created is None and isinstance(upstream_created, int):
                    created = upstream_created
            self._builder = ChunkBuilder(model or "", chunk_id=self._chunk_id, created=created)
        return self._builder

    def _parser(self, index: int) -> StreamParser:
        parser = self._parsers.get(index)
        if parser is None:
            seed = self._id_seed
            if seed is not None and index:
                seed = f"{seed}/{index}"
            parser = StreamParser(
                self.dialect, self.tools, start_in_reasoning=self._start_in_reasoning, id_seed=seed
            )
            self._parsers[index] = parser
        return parser

    def _finish(self, index: int, *, cut: bool) -> list[dict[str, Any]]:
        builder = self._start(None)
        parser = self._parsers[index]
        chunks: list[dict[str, Any]] = []
        last = parser.finish("length" if cut else None)
        if last is not None:
            chunks.append(builder.chunk(last, index=index))
        reason = parser.finish_reason
        assert reason is not None
        self._finished[index] = reason
        chunks.append(builder.last(reason, index=index))
        return chunks


# --- iterators ---------------------------------------------------------------------


def iter_chunks(
    upstream: Iterable[Upstream], dialect: str | DialectObject, **options: Any
) -> Iterator[dict[str, Any]]:
    """The chunks of a wrapped upstream stream; options as for :class:`ChunkStream`.

    An upstream failure (an exception from ``upstream``, an error event)
    is raised after the closing chunks of every open choice.
    """
    return ChunkStream(dialect, **options).iterate(upstream)


def aiter_chunks(
    upstream: AsyncIterable[Upstream], dialect: str | DialectObject, **options: Any
) -> AsyncIterator[dict[str, Any]]:
    """:func:`iter_chunks` for an async upstream."""
    return ChunkStream(dialect, **options).aiterate(upstream)


def wrap(upstream: Iterable[Upstream], dialect: str | DialectObject, **options: Any) -> Iterator[str]:
    """The SSE text to send for a wrapped upstream stream, ``data: [DONE]`` last.

    Options as for :class:`ChunkStream`; they are checked now (an unknown
    dialect or bad tools raise :class:`UsageError` here). An upstream
    failure ends the stream with closing chunks, an ``{"error": ...}``
    event and ``[DONE]``.
    """
    chunks = iter_chunks(upstream, dialect, **options)
    return _wrap(chunks)


def _wrap(chunks: Iterator[dict[str, Any]]) -> Iterator[str]:
    try:
        for chunk in chunks:
            yield sse_line(chunk)
    except Exception as error:
        yield sse_line({"error": error_body(error)})
    yield DONE


def awrap(
    upstream: AsyncIterable[Upstream], dialect: str | DialectObject, **options: Any
) -> AsyncIterator[str]:
    """:func:`wrap` for an async upstream."""
    return _awrap(aiter_chunks(upstream, dialect, **options))


async def _awrap(chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    try:
        async for chunk in chunks:
            yield sse_line(chunk)
    except Exception as error:
        yield sse_line({"error": error_body(error)})
    yield DONE
