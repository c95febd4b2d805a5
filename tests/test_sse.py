"""streamparse.sse: the event-stream decoder and the wrapper around upstream completion streams."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, AnyStr

import pytest
from _streamcheck import kimi_guide_stream_loop
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletionChunk

import streamparse
from streamparse.cli import examples
from streamparse.replay import Replay, Reply
from streamparse.sse import (
    ChunkBuilder,
    ChunkStream,
    ServerSentEvent,
    SSEDecoder,
    UpstreamError,
    aiter_chunks,
    awrap,
    iter_chunks,
    sse_line,
    wrap,
)
from streamparse.testing import pieces, render, samples

EXAMPLES = examples()

# --- the decoder --------------------------------------------------------------------

STREAM = (
    "\ufeff: keep-alive comment\r\n"
    "data: one\r\n"
    "\r\n"
    "event: update\n"
    "id: 7\n"
    "retry: 1500\n"
    "data:two\n"
    "data:  lines\n"
    "\n"
    "data\n"
    "\n"
    ": only a comment, no event\n"
    "\n"
    "event: nothing\n"
    "\n"
    "data: caf\u00e9 \u5317\u4eac \U0001f600\r"
    "\r"
    "retry: soon\n"
    "id: bad\0id\n"
    "data: last\n"
    "\n"
    "data: never dispatched"
)
EXPECTED = [
    ServerSentEvent("one"),
    ServerSentEvent("two\n lines", "update", "7", 1500),
    ServerSentEvent("", "message", "7"),
    ServerSentEvent("caf\u00e9 \u5317\u4eac \U0001f600", "message", "7"),
    ServerSentEvent("last", "message", "7"),
]


def decode(pieces: list[bytes] | list[str]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return [event for piece in pieces for event in decoder.feed(piece)]


def test_decoder_whole() -> None:
    assert decode([STREAM.encode()]) == EXPECTED
    assert decode([STREAM]) == EXPECTED


def test_decoder_every_byte_split() -> None:
    data = STREAM.encode()
    for cut in range(len(data) + 1):
        assert decode([data[:cut], data[cut:]]) == EXPECTED, cut
    assert decode([data[i : i + 1] for i in range(len(data))]) == EXPECTED


def test_decoder_every_char_split_of_text() -> None:
    for cut in range(len(STREAM) + 1):
        assert decode([STREAM[:cut], STREAM[cut:]]) == EXPECTED, cut


def test_decoder_cr_then_lf_in_the_next_piece_is_one_line_ending() -> None:
    # With CR and LF counted as two endings, the blank line would dispatch "a" early and lose nothing,
    # but "b" would then be a second event: the count tells them apart.
    assert decode(["data: a\r", "\ndata: b\r\n\r\n"]) == [ServerSentEvent("a\nb")]
    assert decode(["data: a\r", "\r", "\n"]) == [ServerSentEvent("a")]


def test_decoder_cr_at_the_end_of_a_read_then_a_read_of_just_lf() -> None:
    # Issue 13 R4: the LF read alone completed the CRLF, but the decoder kept waiting for one more LF and
    # swallowed the blank line that ends the event, merging "a" and "b".
    assert decode([b"data: a\r", b"\n", b"\ndata: b\n\n"]) == [ServerSentEvent("a"), ServerSentEvent("b")]
    assert decode(["data: a\r", "\n", "\r", "\n", "data: b\r", "", "\n\r\n"]) == [
        ServerSentEvent("a"),
        ServerSentEvent("b"),
    ]


# Streams where CR, LF and CRLF meet in every combination, with a multi-byte character and a BOM.
LINE_END_STREAMS = [
    (b"data: a\r\n\ndata: b\n\n", [ServerSentEvent("a"), ServerSentEvent("b")]),
    (b"data: a\r\r\ndata: b\r\n\r\n", [ServerSentEvent("a"), ServerSentEvent("b")]),
    (b"data: a\n\rdata: b\r\n\rdata: c\r\r", [ServerSentEvent(x) for x in "abc"]),
    (
        "\ufeffdata: \u00e9\r\ndata:\r\rid: 1\n\r\ndata: z\r\n\n".encode(),
        [ServerSentEvent("\u00e9\n"), ServerSentEvent("z", "message", "1")],
    ),
]


def cuts(data: AnyStr) -> Iterator[list[AnyStr]]:
    """Every 2-way and 3-way cut of ``data`` (empty pieces included)."""
    for i in range(len(data) + 1):
        yield [data[:i], data[i:]]
        for j in range(i, len(data) + 1):
            yield [data[:i], data[i:j], data[j:]]


@pytest.mark.parametrize(("data", "expected"), LINE_END_STREAMS)
def test_decoder_every_2_and_3_way_cut_of_cr_lf_streams(data: bytes, expected: list[ServerSentEvent]) -> None:
    assert decode([data]) == expected
    for split in cuts(data):
        assert decode(split) == expected, split
    text = data.decode()
    for split in cuts(text):
        assert decode(split) == expected, split


def test_async_reader_every_2_and_3_way_cut_of_cr_lf_events() -> None:
    # The same line endings through the async wrapper: a read that ends in CR must not swallow the blank
    # line of the next read, or two upstream events merge into one invalid JSON event.
    first = json.dumps({"choices": [{"index": 0, "text": "hi"}]}).encode()
    second = json.dumps({"choices": [{"index": 0, "text": " there", "finish_reason": "stop"}]}).encode()
    data = b"data: " + first + b"\r\n\n" + b"data: " + second + b"\r\r\ndata: [DONE]\r\n\r\n"
    expected = "".join(wrap([data], "hermes", chunk_id="c", created=1))
    assert '"hi"' in expected and '" there"' in expected and "error" not in expected

    async def collect(split: list[bytes]) -> str:
        return "".join([line async for line in awrap(aiter(split), "hermes", chunk_id="c", created=1)])

    async def every_cut() -> None:
        for split in cuts(data):
            if len(split) == 2 or split[1]:  # the 3-way cuts with an empty middle are the 2-way ones
                assert await collect(split) == expected, split
                assert "".join(wrap(split, "hermes", chunk_id="c", created=1)) == expected, split

    asyncio.run(every_cut())


def test_decoder_invalid_utf8_becomes_replacement_character() -> None:
    assert decode([b"data: \xff\xfe ok\n\n"]) == [ServerSentEvent("\ufffd\ufffd ok")]


def test_decoder_bom_only_at_the_start() -> None:
    assert decode(["\ufeffdata: x\n\n", "\ufeffdata: y\n\n"]) == [ServerSentEvent("x")]


# --- upstream streams ---------------------------------------------------------------


def completions_sse(text: str, *, n: int = 1, max_tokens: int | None = None, usage: bool = True) -> bytes:
    replay = Replay([Reply(text)], model="raw-model")
    body = "".join(
        sse_line(event) for event in replay.events("", n=n, max_tokens=max_tokens, include_usage=usage)
    )
    return (body + "data: [DONE]\n\n").encode()


def parse_sse(text: str) -> list[Any]:
    assert text.endswith("data: [DONE]\n\n")
    out: list[Any] = []
    for event in decode([text]):
        out.append("[DONE]" if event.data == "[DONE]" else json.loads(event.data))
    assert out[-1] == "[DONE]" and "[DONE]" not in out[:-1]
    return out[:-1]


def validated(chunks: list[dict[str, Any]]) -> list[ChatCompletionChunk]:
    return [ChatCompletionChunk.model_validate(chunk) for chunk in chunks]


def choice_chunks(chunks: list[ChatCompletionChunk], index: int) -> list[ChatCompletionChunk]:
    return [c for c in chunks if c.choices and c.choices[0].index == index]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_wrap_bundled_examples_at_every_cut_style(example: Any) -> None:
    expected = streamparse.parse(example.text, example.dialect, id_seed=0)
    data = completions_sse(example.text)
    for size in (len(data), 1, 7, 64):
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        out = "".join(wrap(pieces, example.dialect, id_seed=0))
        chunks = parse_sse(out)
        usage = chunks.pop()
        assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0
        typed = validated(chunks)
        assert typed[0].choices[0].delta.role == "assistant"
        assert all(c.choices[0].delta.role is None for c in typed[1:])
        assert {c.id for c in typed} == {usage["id"]}
        assert {c.model for c in typed} == {"raw-model"}
        msg, calls, reason = kimi_guide_stream_loop(typed)
        assert reason == expected.finish_reason
        assert msg == (expected.content or "")
        assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
            (c.id, c.function.name, c.function.arguments) for c in expected.tool_calls
        ]
        reasoning = "".join(c.choices[0].delta.model_extra.get("reasoning_content", "") for c in typed)  # type: ignore[union-attr]
        assert reasoning == (expected.reasoning_content or "")
        assert typed[-1].choices[0].delta.content is None and typed[-1].choices[0].finish_reason == reason


def test_n_choices_each_get_a_parser_a_role_and_a_finish() -> None:
    kimi = next(e for e in EXAMPLES if e.name == "kimi_k2").text
    data = completions_sse(kimi, n=3)
    chunks = validated(parse_sse("".join(wrap([data], "kimi_k2", id_seed=0)))[:-1])
    expected = streamparse.parse(kimi, "kimi_k2")
    for index in range(3):
        mine = choice_chunks(chunks, index)
        assert mine[0].choices[0].delta.role == "assistant"
        assert sum(c.choices[0].delta.role is not None for c in mine) == 1
        msg, calls, reason = kimi_guide_stream_loop(mine)
        assert msg == expected.content and reason == "tool_calls"
        assert [c["function"]["arguments"] for c in calls] == [
            c.function.arguments for c in expected.tool_calls
        ]


def test_length_is_kept_and_the_cut_call_is_not_completed() -> None:
    text = next(e for e in EXAMPLES if e.name == "minimax_m1").text
    data = completions_sse(text, max_tokens=40)
    chunks = validated(parse_sse("".join(wrap([data], "minimax_m1")))[:-1])
    msg, calls, reason = kimi_guide_stream_loop(chunks)
    assert reason == "length"
    assert len(calls) == 1
    # The text was cut inside the arguments: what came out is a prefix, with no brace invented.
    assert '{"city": "Beijing"}'.startswith(calls[0]["function"]["arguments"])
    assert calls[0]["function"]["arguments"] != '{"city": "Beijing"}'


def chat_upstream(text: str) -> list[dict[str, Any]]:
    """An upstream that streams chat chunks with the raw markup in delta.content."""
    head = {"id": "up", "object": "chat.completion.chunk", "created": 5, "model": "chat-raw"}
    events = [{**head, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}]
    for start in range(0, len(text), 5):
        events.append(
            {
                **head,
                "choices": [
                    {"index": 0, "delta": {"content": text[start : start + 5]}, "finish_reason": None}
                ],
            }
        )
    events.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return events


def test_chat_chunks_with_raw_markup_as_parsed_events() -> None:
    text = next(e for e in EXAMPLES if e.name == "kimi_k2").text
    chunks = list(iter_chunks(chat_upstream(text), "kimi_k2", chunk_id="chatcmpl-x"))
    typed = validated(chunks)
    assert {c.id for c in typed} == {"chatcmpl-x"} and {c.created for c in typed} == {5}
    msg, calls, reason = kimi_guide_stream_loop(typed)
    assert (msg, reason) == ("I'll check both.", "tool_calls")
    assert [c["id"] for c in calls] == ["functions.get_weather:0", "functions.get_weather:1"]


def test_httpx_sse_style_events_with_a_data_attribute() -> None:
    text = next(e for e in EXAMPLES if e.name == "hermes").text
    events = [ServerSentEvent(json.dumps(e)) for e in chat_upstream(text)] + [ServerSentEvent("[DONE]")]
    events.append(ServerSentEvent('{"after": "done, never read"}'))
    _, calls, reason = kimi_guide_stream_loop(validated(list(iter_chunks(events, "hermes"))))
    assert reason == "tool_calls" and len(calls) == 2


def test_upstream_without_done_or_finish_reason_still_ends_every_choice() -> None:
    head = {"id": "u", "created": 1, "model": "m"}
    events = [
        {**head, "choices": [{"index": 0, "text": "Hello", "finish_reason": None}]},
        {**head, "choices": [{"index": 1, "text": "<tool_calls>", "finish_reason": None}]},
    ]
    chunks = validated(list(iter_chunks(events, "minimax_m1")))
    assert [
        (c.choices[0].index, c.choices[0].finish_reason) for c in chunks if c.choices[0].finish_reason
    ] == [
        (0, "stop"),
        (1, "stop"),
    ]
    assert kimi_guide_stream_loop(choice_chunks(chunks, 1))[0] == "<tool_calls>"


def test_empty_upstream_gives_one_closing_chunk() -> None:
    out = parse_sse("".join(wrap([b"data: [DONE]\n\n"], "kimi_k2", model="m")))
    assert out == [
        {
            "id": out[0]["id"],
            "object": "chat.completion.chunk",
            "created": out[0]["created"],
            "model": "m",
            "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": "stop"}],
        }
    ]


def failing_upstream(data: bytes, cut: int) -> Iterator[bytes]:
    yield data[:cut]
    raise ConnectionResetError("peer closed the connection")


def test_upstream_failure_ends_with_a_closing_chunk_and_an_error_event() -> None:
    text = next(e for e in EXAMPLES if e.name == "kimi_k2").text
    data = completions_sse(text)
    cut = data.index(b"Shangh")
    out = "".join(wrap(failing_upstream(data, cut), "kimi_k2"))
    events = parse_sse(out)
    error = events.pop()
    assert error == {
        "error": {
            "message": "upstream stream failed: peer closed the connection",
            "type": "upstream_error",
            "code": 502,
        }
    }
    typed = validated(events)
    _, calls, reason = kimi_guide_stream_loop(typed)
    assert reason == "length"
    assert [c["function"]["arguments"] for c in calls][0] == '{"city": "Beijing"}'


def test_iter_chunks_reraises_after_the_closing_chunk() -> None:
    data = completions_sse("Hello there")
    got: list[dict[str, Any]] = []
    with pytest.raises(ConnectionResetError):
        for chunk in iter_chunks(failing_upstream(data, data.index(b"there")), "hermes"):
            got.append(chunk)
    assert got[-1]["choices"][0]["finish_reason"] == "length"


def test_error_event_from_upstream_is_passed_on() -> None:
    body = b'data: {"choices": [{"index": 0, "text": "Hi"}]}\n\ndata: {"error": {"message": "GPU on fire", "type": "server_error", "code": 500}}\n\n'
    events = parse_sse("".join(wrap([body], "hermes")))
    assert events[-1] == {"error": {"message": "GPU on fire", "type": "server_error", "code": 500}}
    assert events[-2]["choices"][0]["finish_reason"] == "length"
    with pytest.raises(UpstreamError, match="GPU on fire"):
        list(iter_chunks([body], "hermes"))


def test_event_that_is_not_json_is_an_upstream_error() -> None:
    for bad in (b"data: {oops\n\n", b"data: " + b"[" * 100_000 + b"\n\n", b"data: [1, 2]\n\n"):
        events = parse_sse("".join(wrap([bad, b"data: [DONE]\n\n"], "hermes")))
        assert events[-1]["error"]["message"].startswith("upstream sent an event that is not a JSON object")


def test_options_are_checked_before_the_first_item() -> None:
    with pytest.raises(streamparse.UsageError, match="unknown dialect"):
        wrap([], "no_such_dialect")
    with pytest.raises(streamparse.UsageError, match="tools"):
        awrap(aiter([]), "hermes", tools="get_weather")
    with pytest.raises(streamparse.UsageError, match="upstream item"):
        ChunkStream("hermes").feed(42)  # type: ignore[arg-type]


async def aiter(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        await asyncio.sleep(0)
        yield item


def test_async_wrap_equals_sync_wrap() -> None:
    text = next(e for e in EXAMPLES if e.name == "kimi_k2_thinking").text
    data = completions_sse(text, n=2)
    pieces = [data[i : i + 13] for i in range(0, len(data), 13)]

    async def collect() -> str:
        return "".join([line async for line in awrap(aiter(pieces), "kimi_k2", chunk_id="c", created=1)])

    sync = "".join(wrap(pieces, "kimi_k2", chunk_id="c", created=1))
    assert asyncio.run(collect()) == sync


def test_async_failure_reraises_after_the_closing_chunk() -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b'data: {"choices": [{"index": 0, "text": "<tool_call>{\\"name\\": \\"f\\", \\"arguments\\": {\\"a"}]}\n\n'
        raise TimeoutError("read timed out")

    async def collect() -> list[dict[str, Any]]:
        got = []
        with pytest.raises(TimeoutError):
            async for chunk in aiter_chunks(broken(), "hermes"):
                got.append(chunk)
        return got

    got = asyncio.run(collect())
    _, calls, reason = kimi_guide_stream_loop(validated(got))
    assert reason == "length" and calls[0]["function"]["arguments"] == '{"a'


def test_chunk_builder_roles_per_choice_and_usage() -> None:
    builder = ChunkBuilder("m", chunk_id="c", created=3)
    assert builder.chunk({"content": "a"}, index=1)["choices"][0]["delta"] == {
        "role": "assistant",
        "content": "a",
    }
    assert builder.chunk({"content": "b"}, index=1)["choices"][0]["delta"] == {"content": "b"}
    assert builder.last("stop")["choices"] == [
        {"index": 0, "delta": {"role": "assistant"}, "finish_reason": "stop"}
    ]
    assert builder.usage({"total_tokens": 3}) == {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 3,
        "model": "m",
        "choices": [],
        "usage": {"total_tokens": 3},
    }


def test_chat_upstream_reasoning_content_passes_through() -> None:
    head = {"id": "u", "created": 1, "model": "m"}
    events = [
        {**head, "choices": [{"index": 0, "delta": {"reasoning_content": "Think."}, "finish_reason": None}]},
        {**head, "choices": [{"index": 0, "delta": {"content": "<tool_call>"}, "finish_reason": None}]},
        {
            **head,
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": '{"name": "f", "arguments": {}}</tool_call>'},
                    "finish_reason": "stop",
                }
            ],
        },
    ]
    chunks = list(iter_chunks(events, "hermes"))
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert deltas[0] == {"role": "assistant", "reasoning_content": "Think."}
    result = streamparse.fold_deltas(deltas)
    assert result.reasoning_content == "Think." and result.tool_calls[0].function.name == "f"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


PROPERTY_DIALECTS = ["kimi_k2", "minimax_m1", "hermes", "deepseek_v31", "mistral"]
# The parser's own properties run in test_properties.py; this checks the shell around it, so fewer
# examples do in the default profile (a whole stream is decoded, parsed and validated per example).
SHELL_EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") else 25


@pytest.mark.parametrize("dialect", PROPERTY_DIALECTS)
@settings(max_examples=SHELL_EXAMPLES)
@given(data=st.data())
def test_wrapped_stream_folds_to_parse_however_text_and_bytes_are_cut(
    dialect: str, data: st.DataObject
) -> None:
    rendered = render(dialect, data.draw(samples(dialect)))
    texts = data.draw(pieces(rendered.text))
    head = {"id": "cmpl-p", "object": "text_completion", "created": 1, "model": "m"}
    events = [{**head, "choices": [{"index": 0, "text": text, "finish_reason": None}]} for text in texts]
    events.append({**head, "choices": [{"index": 0, "text": "", "finish_reason": "stop"}]})
    body = ("".join(sse_line(event) for event in events) + "data: [DONE]\n\n").encode()
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=30))
    reads = [body[start:end] for start, end in zip([0, *sorted(cuts)], [*sorted(cuts), len(body)])]
    chunks = validated(parse_sse("".join(wrap(reads, dialect, id_seed=0))))
    expected = streamparse.parse(rendered.text, dialect, id_seed=0)
    folded = streamparse.fold_deltas([c.choices[0].delta.model_dump(exclude_none=True) for c in chunks])
    assert (folded.content, folded.reasoning_content, folded.tool_calls) == (
        expected.content,
        expected.reasoning_content,
        expected.tool_calls,
    )
    assert chunks[-1].choices[0].finish_reason == expected.finish_reason
