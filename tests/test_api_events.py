"""The library converters (:mod:`streamparse.responses`, :mod:`streamparse.messages`) against the SDKs' types.

Every bundled example is parsed at seeded random splits; the deltas (and,
separately, the parser events) go through :class:`ResponsesStream` and
:class:`MessagesStream`. Every event must validate as the openai / anthropic
SDK's stream event type, and what the events build (the final response /
message, and :func:`response_object` / :func:`message_object`) must hold the
calls, text and reasoning of ``streamparse.parse``.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from anthropic.types import Message, RawMessageStreamEvent
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from streamparse import (
    MessagesStream,
    ResponsesStream,
    StreamParser,
    UsageError,
    message_object,
    parse,
    response_object,
    sse_event,
)
from streamparse.cli import Example, examples, split_text

RESPONSE_EVENT = TypeAdapter(ResponseStreamEvent)
MESSAGE_EVENT = TypeAdapter(RawMessageStreamEvent)
EXAMPLES = examples()


def pieces(example: Example, seed: int) -> list[str]:
    return split_text(example.text, "random", random.Random(seed))


def run(stream: Any, example: Example, seed: int, *, events: bool) -> list[dict[str, Any]]:
    parser = StreamParser(example.dialect, id_seed=0)
    out = []
    for piece in pieces(example, seed):
        out += stream.feed_events(parser.feed_events(piece)) if events else stream.feed(parser.feed(piece))
    out += stream.feed_events(parser.finish_events()) if events else stream.feed(parser.finish())
    assert parser.finish_reason is not None
    return out + stream.finish(parser.finish_reason, {"prompt_tokens": 7, "completion_tokens": 11})


def summary_of_response(response: dict[str, Any]) -> tuple[Any, ...]:
    output = response["output"]
    return (
        [
            (item["call_id"], item["name"], item["arguments"])
            for item in output
            if item["type"] == "function_call"
        ],
        "".join(part["text"] for item in output if item["type"] == "message" for part in item["content"]),
        "".join(part["text"] for item in output if item["type"] == "reasoning" for part in item["content"]),
    )


def summary_of_message(message: dict[str, Any]) -> tuple[Any, ...]:
    content = message["content"]
    return (
        [(block["id"], block["name"], block["input"]) for block in content if block["type"] == "tool_use"],
        "".join(block["text"] for block in content if block["type"] == "text"),
        "".join(block["thinking"] for block in content if block["type"] == "thinking"),
    )


@pytest.mark.parametrize("events", [False, True], ids=["deltas", "events"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_responses_events_validate_and_add_up(example: Example, events: bool) -> None:
    want = parse(example.text, example.dialect, id_seed=0)
    for seed in range(3):
        stream = ResponsesStream("m")
        sent = run(stream, example, seed, events=events)
        for event in sent:
            RESPONSE_EVENT.validate_python(event)
        assert [event["sequence_number"] for event in sent] == list(range(len(sent)))
        assert sent[-1]["type"] == "response.completed"
        final = sent[-1]["response"]
        Response.model_validate(final)
        assert final["usage"]["total_tokens"] == 18
        assert summary_of_response(final) == (
            [(call.id, call.function.name, call.function.arguments) for call in want.tool_calls],
            want.content or "",
            want.reasoning_content or "",
        )
        # The deltas add up to what the done events and the final items say.
        arguments: dict[str, str] = {}
        for event in sent:
            if event["type"] == "response.function_call_arguments.delta":
                arguments[event["item_id"]] = arguments.get(event["item_id"], "") + event["delta"]
        for item in final["output"]:
            if item["type"] == "function_call":
                assert arguments.get(item["id"], "") == item["arguments"]
    whole = response_object(want, "m", usage={"input_tokens": 7, "output_tokens": 11})
    Response.model_validate(whole)
    assert summary_of_response(whole) == summary_of_response(final)


@pytest.mark.parametrize("events", [False, True], ids=["deltas", "events"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_messages_events_validate_and_add_up(example: Example, events: bool) -> None:
    want = parse(example.text, example.dialect, id_seed=0)
    for seed in range(3):
        stream = MessagesStream("m")
        sent = run(stream, example, seed, events=events)
        for event in sent:
            MESSAGE_EVENT.validate_python(event)
        assert [event["type"] for event in sent[-2:]] == ["message_delta", "message_stop"]
        stop = sent[-2]["delta"]["stop_reason"]
        assert stop == ("tool_use" if want.tool_calls else "end_turn")
        # Blocks open, grow and stop one after another, numbered from 0.
        open_block = None
        started = 0
        for event in sent:
            if event["type"] == "content_block_start":
                assert open_block is None and event["index"] == started
                open_block, started = event["index"], started + 1
            elif event["type"] == "content_block_delta":
                assert event["index"] == open_block
            elif event["type"] == "content_block_stop":
                assert event["index"] == open_block
                open_block = None
        message = stream.message
        Message.model_validate(message)
        assert summary_of_message(message) == (
            [(call.id, call.function.name, json.loads(call.function.arguments)) for call in want.tool_calls],
            want.content or "",
            want.reasoning_content or "",
        )
    whole = message_object(want, "m")
    Message.model_validate(whole)
    assert summary_of_message(whole) == summary_of_message(message)


def test_a_cut_output_is_incomplete_and_max_tokens() -> None:
    parser = StreamParser("kimi_k2", id_seed=0)
    text = next(example.text for example in EXAMPLES if example.name == "kimi_k2")
    delta = parser.feed(text[: len(text) // 2])
    last = parser.finish("length")
    responses, messages = ResponsesStream("m"), MessagesStream("m")
    for stream in (responses, messages):
        stream.feed(delta)
        stream.feed(last)
    ended = responses.finish("length")
    assert ended[-1]["type"] == "response.incomplete"
    assert ended[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert messages.finish("length")[-2]["delta"]["stop_reason"] == "max_tokens"


def test_failure_events_and_the_sse_form() -> None:
    responses, messages = ResponsesStream("m"), MessagesStream("m")
    responses.feed({"content": "Hel"})
    messages.feed({"content": "Hel"})
    failed = responses.fail("the upstream dropped")
    assert failed[-1]["type"] == "response.failed"
    assert failed[-1]["response"]["error"] == {"code": "server_error", "message": "the upstream dropped"}
    RESPONSE_EVENT.validate_python(failed[-1])
    error = messages.fail("the upstream dropped")[-1]
    assert error == {"type": "error", "error": {"type": "api_error", "message": "the upstream dropped"}}
    assert sse_event(error) == f"event: error\ndata: {json.dumps(error)}\n\n"
    with pytest.raises(UsageError):
        messages.feed({"content": "lo"})


def test_chunks_carry_the_finish_reason_and_usage() -> None:
    stream = MessagesStream("m")
    stream.feed_chunk(
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}, "finish_reason": None}]}
    )
    stream.feed_chunk({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    stream.feed_chunk({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}})
    delta = stream.finish()[-2]
    assert delta["delta"]["stop_reason"] == "end_turn" and delta["usage"] == {
        "input_tokens": 3,
        "output_tokens": 1,
    }
    with pytest.raises(UsageError):
        MessagesStream("m").feed_chunk({"choices": [{"index": 1, "delta": {}}]})
