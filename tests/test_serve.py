"""End to end on loopback: the openai SDK -> ``streamparse serve`` -> the replay upstream.

Every server runs in this process (uvicorn in a thread, on a free port) and
is stopped by the tests. The Kimi-K2 guide's two client loops (non-streaming
and streaming) run against the proxy for kimi_k2 and minimax_m1 and must
reach the expected calls and final answer.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _streamcheck import kimi_guide_stream_loop
from openai import APIError, AsyncOpenAI, OpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from streamparse.cli import examples
from streamparse.replay import Replay, Reply
from streamparse.server import ChatTemplate, ProxyConfig, ServerThread, create_proxy_app, create_replay_app

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = {example.name: example.text for example in examples()}

# The Kimi-K2 guide's tool and tool implementation.
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get weather information. Call this tool when the user needs to get weather information",
            "parameters": {
                "type": "object",
                "required": ["city"],
                "properties": {"city": {"type": "string", "description": "City name"}},
            },
        },
    }
]
QUESTION = "What's the weather like in Beijing today? Let's check using the tool."
SEEN_CITIES: list[str] = []


def get_weather(arguments: dict[str, Any]) -> dict[str, str]:
    SEEN_CITIES.append(arguments["city"])
    return {"weather": "Sunny"}


TOOL_MAP = {"get_weather": get_weather}

KIMI_ANSWER = "It is sunny in Beijing and in Shanghai today."
MINIMAX_REASONING = "\nBoth results are in.\n"
MINIMAX_ANSWER = "Sunny in both cities."
# The second turn is served once the tool results are in the prompt (json.dumps of the tool's result).
REPLIES = {
    "kimi_k2": [Reply(EXAMPLE["kimi_k2"]), Reply(KIMI_ANSWER, when='{"weather": "Sunny"}')],
    "minimax_m1": [
        Reply(EXAMPLE["minimax_m1"]),
        Reply(
            f"<think>{MINIMAX_REASONING}</think>\n{MINIMAX_ANSWER}", when='tool result: {"weather": "Sunny"}'
        ),
    ],
}
TEMPLATES = {
    "kimi_k2": ChatTemplate.load(DATA / "kimi_k2_test.jinja"),
    "minimax_m1": ChatTemplate.load(DATA / "minimax_m1_tokenizer_config.json"),
}


@pytest.fixture(scope="module")
def replays() -> Iterator[dict[str, tuple[ServerThread, Any]]]:
    servers = {}
    try:
        for dialect, replies in REPLIES.items():
            app = create_replay_app(Replay(replies, model=f"{dialect}-raw"))
            servers[dialect] = (ServerThread(app).start(), app.state.stats)
        yield servers
    finally:
        for server, _ in servers.values():
            server.stop()


@pytest.fixture(scope="module")
def proxies(replays: dict[str, tuple[ServerThread, Any]]) -> Iterator[dict[str, str]]:
    servers = {}
    try:
        for dialect, (upstream, _) in replays.items():
            config = ProxyConfig(upstream.url + "/v1", dialect, TEMPLATES[dialect])
            servers[dialect] = ServerThread(create_proxy_app(config)).start()
        yield {dialect: server.url + "/v1" for dialect, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()


# --- the Kimi-K2 guide's loops ------------------------------------------------------


def guide_loop(client: OpenAI, model: str) -> tuple[str | None, list[Any], int]:
    """The guide's non-streaming loop, as written there (tool results appended per call)."""
    messages: list[Any] = [{"role": "user", "content": QUESTION}]
    finish_reason = None
    turns = 0
    calls = []
    choice = None
    while finish_reason is None or finish_reason == "tool_calls":
        completion = client.chat.completions.create(
            model=model, messages=messages, temperature=0.3, tools=TOOLS, tool_choice="auto"
        )
        turns += 1
        choice = completion.choices[0]
        finish_reason = choice.finish_reason
        if finish_reason == "tool_calls":
            messages.append(choice.message)
            for tool_call in choice.message.tool_calls or ():
                calls.append(tool_call)
                tool_result = TOOL_MAP[tool_call.function.name](json.loads(tool_call.function.arguments))  # type: ignore[union-attr]
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": tool_call.id,
                        "name": tool_call.function.name,  # type: ignore[union-attr]
                        "content": json.dumps(tool_result),
                    }
                )
    assert choice is not None
    return choice.message.content, calls, turns


def guide_stream_loop(client: OpenAI, model: str) -> tuple[str, list[dict[str, Any]], int]:
    """The guide's streaming loop: per index, id, name and arguments are concatenated."""
    messages: list[Any] = [{"role": "user", "content": QUESTION}]
    finish_reason = None
    msg = ""
    turns = 0
    all_calls = []
    while finish_reason is None or finish_reason == "tool_calls":
        stream = client.chat.completions.create(
            model=model, messages=messages, temperature=0.3, tools=TOOLS, tool_choice="auto", stream=True
        )
        turns += 1
        content, tool_calls, finish_reason = kimi_guide_stream_loop(stream)
        msg += content
        if finish_reason == "tool_calls":
            all_calls.extend(tool_calls)
            messages.append({"role": "assistant", "content": content or None, "tool_calls": tool_calls})
            for tool_call in tool_calls:
                result = TOOL_MAP[tool_call["function"]["name"]](
                    json.loads(tool_call["function"]["arguments"])
                )
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": tool_call["id"],
                        "name": tool_call["function"]["name"],
                        "content": json.dumps(result),
                    }
                )
            msg = ""
    return msg, all_calls, turns


def test_kimi_guide_non_streaming_loop(proxies: dict[str, str], replays: Any) -> None:
    SEEN_CITIES.clear()
    client = OpenAI(base_url=proxies["kimi_k2"], api_key="xxx", max_retries=0)
    content, calls, turns = guide_loop(client, "moonshotai/Kimi-K2-Instruct")
    assert (content, turns) == (KIMI_ANSWER, 2)
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("functions.get_weather:0", "get_weather", '{"city": "Beijing"}'),
        ("functions.get_weather:1", "get_weather", '{"city": "Shanghai"}'),
    ]
    assert SEEN_CITIES == ["Beijing", "Shanghai"]
    # The second prompt carried the calls and their results, rendered by the template.
    prompt = replays["kimi_k2"][1].prompts[-1]
    assert (
        "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>"
        '{"city": "Beijing"}<|tool_call_end|>' in prompt
    )
    assert '## Return of functions.get_weather:1\n{"weather": "Sunny"}<|im_end|>' in prompt
    assert prompt.endswith("<|im_assistant|>assistant<|im_middle|>")
    request = replays["kimi_k2"][1].requests[-1]
    assert request["stream"] is True and request["skip_special_tokens"] is False
    assert request["model"] == "moonshotai/Kimi-K2-Instruct" and request["temperature"] == 0.3


def test_kimi_guide_streaming_loop(proxies: dict[str, str]) -> None:
    SEEN_CITIES.clear()
    client = OpenAI(base_url=proxies["kimi_k2"], api_key="xxx", max_retries=0)
    msg, calls, turns = guide_stream_loop(client, "moonshotai/Kimi-K2-Instruct")
    assert (msg, turns) == (KIMI_ANSWER, 2)
    assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("functions.get_weather:0", "get_weather", '{"city": "Beijing"}'),
        ("functions.get_weather:1", "get_weather", '{"city": "Shanghai"}'),
    ]
    assert SEEN_CITIES == ["Beijing", "Shanghai"]


def test_minimax_guide_non_streaming_loop(proxies: dict[str, str], replays: Any) -> None:
    SEEN_CITIES.clear()
    client = OpenAI(base_url=proxies["minimax_m1"], api_key="xxx", max_retries=0)
    content, calls, turns = guide_loop(client, "MiniMaxAI/MiniMax-M1-40k")
    assert (content, turns) == ("\n" + MINIMAX_ANSWER, 2)  # the newline after </think> is content
    assert [(c.function.name, c.function.arguments) for c in calls] == [
        ("get_weather", '{"city": "Beijing"}'),
        ("get_weather", '{"city": "Shanghai"}'),
    ]
    assert all(c.id.startswith("call_") and len(c.id) == 29 for c in calls)
    assert SEEN_CITIES == ["Beijing", "Shanghai"]
    prompt = replays["minimax_m1"][1].prompts[-1]
    # Each tool message is its own block, named after the call it answers (the MiniMax template reads
    # content[i]['name']; the SDK's tool messages carry it beside a string content).
    assert prompt.count('tool name: get_weather\ntool result: {"weather": "Sunny"}\n\n<end_of_sentence>') == 2
    assert prompt.startswith("<begin_of_document><beginning_of_sentence>system tool_setting=tools\n")
    assert f"<beginning_of_sentence>user name=user\n{QUESTION}<end_of_sentence>\n" in prompt


def test_minimax_guide_streaming_loop_with_reasoning(proxies: dict[str, str]) -> None:
    SEEN_CITIES.clear()
    client = OpenAI(base_url=proxies["minimax_m1"], api_key="xxx", max_retries=0)
    msg, calls, turns = guide_stream_loop(client, "MiniMaxAI/MiniMax-M1-40k")
    assert (msg, turns) == ("\n" + MINIMAX_ANSWER, 2)
    assert [c["function"]["arguments"] for c in calls] == ['{"city": "Beijing"}', '{"city": "Shanghai"}']
    assert SEEN_CITIES == ["Beijing", "Shanghai"]
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": QUESTION}], tools=TOOLS, stream=True
    )
    reasoning = "".join(
        (chunk.choices[0].delta.model_extra or {}).get("reasoning_content", "") for chunk in stream
    )
    assert reasoning == "\nTwo cities, so two calls.\n"


def test_non_streaming_response_shape(proxies: dict[str, str]) -> None:
    response = httpx.post(
        proxies["minimax_m1"] + "/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": "hi"}], "tools": TOOLS, "n": 2},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == "m"
    assert body["usage"]["completion_tokens"] > 0
    assert [choice["index"] for choice in body["choices"]] == [0, 1]
    for choice in body["choices"]:
        assert choice["finish_reason"] == "tool_calls"
        message = choice["message"]
        assert message["role"] == "assistant" and message["content"] == "\n"
        assert message["reasoning_content"] == "\nTwo cities, so two calls.\n"
        assert [call["type"] for call in message["tool_calls"]] == ["function", "function"]


def test_n_and_usage_in_a_stream(proxies: dict[str, str]) -> None:
    client = OpenAI(base_url=proxies["kimi_k2"], api_key="xxx", max_retries=0)
    chunks = list(
        client.chat.completions.create(
            model="k",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            n=3,
            stream_options={"include_usage": True},
        )
    )
    usage = chunks.pop()
    assert usage.choices == [] and usage.usage is not None and usage.usage.completion_tokens == 3 * 54
    for index in range(3):
        mine = [chunk for chunk in chunks if chunk.choices[0].index == index]
        msg, calls, reason = kimi_guide_stream_loop(mine)
        assert (msg, reason, len(calls)) == ("I'll check both.", "tool_calls", 2)
        assert mine[0].choices[0].delta.role == "assistant"


def test_max_tokens_cut_gives_length_and_no_invented_braces(proxies: dict[str, str]) -> None:
    client = OpenAI(base_url=proxies["kimi_k2"], api_key="xxx", max_retries=0)
    stream = client.chat.completions.create(
        model="k", messages=[{"role": "user", "content": "hi"}], stream=True, max_tokens=20
    )
    msg, calls, reason = kimi_guide_stream_loop(stream)
    assert reason == "length"
    # 20 token-sized pieces end with '{' and '"': the cut arguments, with nothing invented after them.
    assert (msg, [(c["id"], c["function"]["arguments"]) for c in calls]) == (
        "I'll check both.",
        [("functions.get_weather:0", '{"')],
    )
    completion = client.chat.completions.create(
        model="k", messages=[{"role": "user", "content": "hi"}], max_completion_tokens=20
    )
    assert completion.choices[0].finish_reason == "length"
    arguments = completion.choices[0].message.tool_calls[0].function.arguments  # type: ignore[index, union-attr]
    assert '{"city": "Beijing"}'.startswith(arguments) and arguments != '{"city": "Beijing"}'


def test_models_passed_through(proxies: dict[str, str]) -> None:
    client = OpenAI(base_url=proxies["minimax_m1"], api_key="xxx", max_retries=0)
    assert [model.id for model in client.models.list()] == ["minimax_m1-raw"]


def test_tool_choice_decides_which_tools_the_prompt_declares(proxies: dict[str, str], replays: Any) -> None:
    other = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}
    declared = []
    statuses = []
    for choice in ("none", "auto", "required", {"type": "function", "function": {"name": "get_time"}}):
        body = {
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [*TOOLS, other],
            "tool_choice": choice,
        }
        statuses.append(post(proxies["kimi_k2"], body).status_code)
        prompt = replays["kimi_k2"][1].prompts[-1]
        declared.append(("get_weather" in prompt, "get_time" in prompt))
    assert declared == [(False, False), (True, True), (True, True), (False, True)]
    # The replay answers get_weather calls: not what a choice naming get_time asks for (test_serve_choice.py).
    assert statuses == [200, 200, 200, 502]


# --- the MiniMax-M1 prompt, as its guide documents it ---------------------------------

# From MiniMax-M1's function-call guide (docs/function_call_guide.md and _cn.md; /work/shared/seeds/).
DOC_TOOL_LINE = (
    '{"name": "search_web", "description": "Search function.", "parameters": {"properties": {"query_list": '
    '{"description": "Keywords for search, with list element count of 1.", "items": {"type": "string"}, '
    '"type": "array"}, "query_tag": {"description": "Classification of the query", "items": {"type": "string"}, '
    '"type": "array"}}, "required": ["query_list", "query_tag"], "type": "object"}}'
)
DOC_TOOL_LINE_CN = (
    '{"name": "search_web", "description": "搜索函数。", "parameters": {"properties": {"query_list": '
    '{"description": "进行搜索的关键词,列表元素个数为1。", "items": {"type": "string"}, "type": "array"}, '
    '"query_tag": {"description": "query的分类", "items": {"type": "string"}, "type": "array"}}, '
    '"required": ["query_list", "query_tag"], "type": "object"}}'
)
DOC_TOOLS_HEAD = (
    "<beginning_of_sentence>system tool_setting=tools\nYou are provided with these tools:\n<tools>\n"
)
DOC_FORMAT_HEAD = "If you need to call tools, please respond with <tool_calls></tool_calls> XML tags"
DOC_ONE_RESULT = "<beginning_of_sentence>tool name=tools\ntool name: search_web\ntool result: test_result\n<end_of_sentence>"
DOC_TWO_RESULTS = (
    "<beginning_of_sentence>tool name=tools\ntool name: search_web\ntool result: test_result1\n\n"
    "tool name: get_current_weather\ntool result: test_result2<end_of_sentence>"
)


@pytest.mark.parametrize("tool_line", [DOC_TOOL_LINE, DOC_TOOL_LINE_CN], ids=["en", "cn"])
def test_minimax_prompt_matches_the_guide(tool_line: str) -> None:
    """The guide's prompt text, rendered from the template in tokenizer_config.json.

    The tools block, the call-format instructions and the tool results come
    out as documented, byte for byte (``tojson`` keeps non-ASCII text and
    the key order). Where the guide and the template disagree, the template
    wins, as it does in ``transformers``: it writes ``name=user`` and
    ``ai name=assistant`` where the guide shows ``name=User`` / ``MiniMax AI``,
    numbered placeholders in the format line, and a blank line after every
    tool result, which the guide's examples leave out.
    """
    template = TEMPLATES["minimax_m1"]
    tools = [json.loads(tool_line)]
    one = {"role": "tool", "content": [{"name": "search_web", "type": "text", "text": "test_result"}]}
    two = {
        "role": "tool",
        "content": [
            {"name": "search_web", "type": "text", "text": "test_result1"},
            {"name": "get_current_weather", "type": "text", "text": "test_result2"},
        ],
    }
    question = "When were the most recent launch events for OpenAI and Gemini?"
    prompt = template.render([{"role": "user", "content": question}, one, two], tools)
    assert prompt.startswith(
        "<begin_of_document>" + DOC_TOOLS_HEAD + tool_line + "\n</tools>\n\n" + DOC_FORMAT_HEAD
    )
    assert (
        "following the format below:\n<tool_calls>\n"
        '{"name": <tool-name-1>, "arguments": <args-json-object-1>}\n...\n</tool_calls><end_of_sentence>\n'
        f"<beginning_of_sentence>user name=user\n{question}<end_of_sentence>\n"
    ) in prompt
    assert DOC_ONE_RESULT.replace("\n<end_of_sentence>", "\n\n<end_of_sentence>") + "\n" in prompt
    assert DOC_TWO_RESULTS.replace("<end_of_sentence>", "\n\n<end_of_sentence>") + "\n" in prompt
    assert prompt.endswith("<end_of_sentence>\n<beginning_of_sentence>ai name=assistant\n")


def test_minimax_prompt_through_the_proxy(proxies: dict[str, str], replays: Any) -> None:
    """The same prompt reaches the upstream when the request comes through the proxy."""
    messages = [
        {"role": "system", "content": "MiniMax AI is an AI assistant independently developed by MiniMax."},
        {"role": "user", "content": "When were the most recent launch events for OpenAI and Gemini?"},
    ]
    tools = [json.loads(DOC_TOOL_LINE)]
    response = httpx.post(
        proxies["minimax_m1"] + "/chat/completions", json={"model": "m", "messages": messages, "tools": tools}
    )
    assert response.status_code == 200
    expected = TEMPLATES["minimax_m1"].render(
        [{"role": m["role"], "content": [{"type": "text", "text": m["content"]}]} for m in messages], tools
    )
    assert replays["minimax_m1"][1].prompts[-1] == expected
    assert expected.startswith(
        "<begin_of_document><beginning_of_sentence>system ai_setting=assistant\n"
        "MiniMax AI is an AI assistant independently developed by MiniMax.<end_of_sentence>\n"
        + DOC_TOOLS_HEAD
    )


# --- failures --------------------------------------------------------------------------


def post(url: str, body: Any) -> httpx.Response:
    return httpx.post(url + "/chat/completions", json=body, timeout=10)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "messages"),
        ({"messages": []}, "messages"),
        ({"messages": [{"content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": "hi"}], "n": 0}, "n"),
        ({"messages": [{"role": "user", "content": "hi"}], "n": 1000}, "n"),
        ({"messages": [{"role": "user", "content": "hi"}], "max_tokens": "many"}, "max_tokens"),
        ({"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}, "stream"),
        ({"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}, "tools"),
        ({"messages": [{"role": "user", "content": "hi"}], "tool_choice": "required"}, "tool_choice"),
        ({"messages": [{"role": "user", "content": "hi"}], "tool_choice": "always"}, "tool_choice"),
        (
            {
                "messages": [{"role": "user", "content": "hi"}],
                "tools": TOOLS,
                "tool_choice": {"type": "function", "function": {"name": "get_time"}},
            },
            "tool_choice.function.name",
        ),
        ({"messages": [{"role": "user", "content": "hi"}], "logprobs": True}, "logprobs"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "messages"),
    ],
)
def test_invalid_request_is_400_naming_the_field(proxies: dict[str, str], body: Any, param: str) -> None:
    response = post(proxies["kimi_k2"], body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert param.split("[")[0].split(".")[0] in error["message"]


def test_body_that_is_not_json_is_400(proxies: dict[str, str]) -> None:
    for body in (b"{nope", b"", b"[" * 100_000):
        response = httpx.post(proxies["kimi_k2"] + "/chat/completions", content=body)
        assert response.status_code == 400 and "not valid JSON" in response.json()["error"]["message"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_upstream_unreachable_is_502() -> None:
    config = ProxyConfig(
        f"http://127.0.0.1:{free_port()}/v1", "kimi_k2", TEMPLATES["kimi_k2"], connect_timeout=2
    )
    with ServerThread(create_proxy_app(config)) as proxy:
        for stream in (False, True):
            response = post(
                proxy.url + "/v1", {"messages": [{"role": "user", "content": "hi"}], "stream": stream}
            )
            assert response.status_code == 502
            error = response.json()["error"]
            assert error["type"] == "upstream_error" and "unreachable" in error["message"]
        assert httpx.get(proxy.url + "/v1/models").status_code == 502
        client = OpenAI(base_url=proxy.url + "/v1", api_key="x", max_retries=0)
        with pytest.raises(APIError) as raised:
            client.chat.completions.create(model="k", messages=[{"role": "user", "content": "hi"}])
        assert getattr(raised.value, "status_code", None) == 502


def broken_upstream_app() -> Starlette:
    """An upstream that drops the connection mid-stream, answers 500, or answers 400."""
    text = EXAMPLE["kimi_k2"]
    events = list(Replay([text]).events(""))

    async def drop(request: Request) -> Response:
        async def body() -> AsyncIterator[str]:
            for event in events[:20]:
                yield "data: " + json.dumps(event) + "\n\n"
            raise ConnectionResetError("the engine died")

        return StreamingResponse(body(), media_type="text/event-stream")

    async def fail(request: Request) -> Response:
        return JSONResponse(
            {"error": {"message": "CUDA out of memory", "type": "server_error"}}, status_code=500
        )

    async def refuse(request: Request) -> Response:
        return JSONResponse(
            {"error": {"message": "prompt is too long", "type": "BadRequestError"}}, status_code=400
        )

    return Starlette(
        routes=[
            Route("/drop/v1/completions", drop, methods=["POST"]),
            Route("/fail/v1/completions", fail, methods=["POST"]),
            Route("/refuse/v1/completions", refuse, methods=["POST"]),
        ]
    )


@pytest.fixture(scope="module")
def broken() -> Iterator[str]:
    with ServerThread(broken_upstream_app()) as server:
        yield server.url


def test_upstream_dropped_mid_stream_ends_with_a_final_chunk_and_an_error_event(broken: str) -> None:
    config = ProxyConfig(broken + "/drop/v1", "kimi_k2", TEMPLATES["kimi_k2"])
    with ServerThread(create_proxy_app(config)) as proxy:
        with httpx.stream(
            "POST",
            proxy.url + "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": "hi"}], "stream": True},
            timeout=10,
        ) as response:
            lines = [line for line in response.iter_lines() if line]
        assert lines[-1] == "data: [DONE]"
        error = json.loads(lines[-2].removeprefix("data: "))
        assert error["error"]["type"] == "upstream_error"
        final = json.loads(lines[-3].removeprefix("data: "))
        assert final["choices"][0]["finish_reason"] == "length"
        # The SDK sees the chunks, then raises on the error event.
        client = OpenAI(base_url=proxy.url + "/v1", api_key="x", max_retries=0)
        received = []
        with pytest.raises(APIError, match="upstream"):
            for chunk in client.chat.completions.create(
                model="k", messages=[{"role": "user", "content": "hi"}], stream=True
            ):
                received.append(chunk)
        _, calls, reason = kimi_guide_stream_loop(received)
        assert reason == "length" and calls[0]["id"] == "functions.get_weather:0"
        # Not streamed: nothing partial is returned as if it were whole.
        response = post(proxy.url + "/v1", {"messages": [{"role": "user", "content": "hi"}]})
        assert response.status_code == 502 and response.json()["error"]["type"] == "upstream_error"


def test_upstream_error_status_is_passed_on(broken: str) -> None:
    for route, status, words in (("fail", 502, "CUDA out of memory"), ("refuse", 400, "prompt is too long")):
        config = ProxyConfig(f"{broken}/{route}/v1", "kimi_k2", TEMPLATES["kimi_k2"])
        with ServerThread(create_proxy_app(config)) as proxy:
            response = post(
                proxy.url + "/v1", {"messages": [{"role": "user", "content": "hi"}], "stream": True}
            )
            assert response.status_code == status
            assert words in response.json()["error"]["message"]


def test_slow_upstream_times_out() -> None:
    replay_app = create_replay_app(Replay([EXAMPLE["kimi_k2"]]), delay=0.5)
    with ServerThread(replay_app) as upstream:
        config = ProxyConfig(upstream.url + "/v1", "kimi_k2", TEMPLATES["kimi_k2"], read_timeout=0.1)
        with ServerThread(create_proxy_app(config)) as proxy:
            response = post(
                proxy.url + "/v1", {"messages": [{"role": "user", "content": "hi"}], "stream": True}
            )
            events = [line for line in response.text.split("\n\n") if line]
            assert events[-1] == "data: [DONE]"
            assert json.loads(events[-2].removeprefix("data: "))["error"]["type"] == "upstream_timeout"
            final = json.loads(events[-3].removeprefix("data: "))
            assert final["choices"][0] == {
                "index": 0,
                "delta": {"role": "assistant"},
                "finish_reason": "length",
            }
            response = post(proxy.url + "/v1", {"messages": [{"role": "user", "content": "hi"}]})
            assert response.status_code == 504


def test_client_disconnect_cancels_the_upstream_request() -> None:
    replay_app = create_replay_app(Replay([EXAMPLE["kimi_k2"]]), delay=0.05)
    stats = replay_app.state.stats
    with ServerThread(replay_app) as upstream:
        config = ProxyConfig(upstream.url + "/v1", "kimi_k2", TEMPLATES["kimi_k2"])
        with ServerThread(create_proxy_app(config)) as proxy:
            with httpx.stream(
                "POST",
                proxy.url + "/v1/chat/completions",
                json={"messages": [{"role": "user", "content": "hi"}], "stream": True},
            ) as response:
                lines = response.iter_lines()
                assert next(lines).startswith("data: ")
            deadline = time.monotonic() + 10
            while stats.streams_cancelled == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert (stats.streams_started, stats.streams_cancelled, stats.streams_finished) == (1, 1, 0)


# --- many at once ------------------------------------------------------------------------


def test_200_concurrent_streams(proxies: dict[str, str]) -> None:
    async def one(client: AsyncOpenAI, number: int) -> tuple[str, list[Any], str | None]:
        stream = await client.chat.completions.create(
            model="k", messages=[{"role": "user", "content": f"request {number}"}], stream=True
        )
        chunks = [chunk async for chunk in stream]
        return kimi_guide_stream_loop(chunks)

    async def run() -> list[tuple[str, list[Any], str | None]]:
        http = httpx.AsyncClient(limits=httpx.Limits(max_connections=200), timeout=120)
        client = AsyncOpenAI(base_url=proxies["kimi_k2"], api_key="x", max_retries=0, http_client=http)
        try:
            # A hang guard, not a speed test: benchmarks/bench_serve.py measures.
            return await asyncio.wait_for(asyncio.gather(*(one(client, i) for i in range(200))), timeout=120)
        finally:
            await http.aclose()

    results = asyncio.run(run())
    assert len(results) == 200
    for msg, calls, reason in results:
        assert (msg, reason) == ("I'll check both.", "tool_calls")
        assert [(c["id"], c["function"]["arguments"]) for c in calls] == [
            ("functions.get_weather:0", '{"city": "Beijing"}'),
            ("functions.get_weather:1", '{"city": "Shanghai"}'),
        ]
