"""``/v1/responses`` and ``/v1/messages`` (issue 16, section 5) through the official SDKs.

For every bundled example, the openai SDK (``responses.create``,
``responses.stream``) and the anthropic SDK (``messages.create``,
``messages.stream``) talk to ``streamparse serve``, which talks to the
replay upstream. The calls the SDKs accumulate must be the calls
``streamparse.parse`` finds in the example; the second turn sends the
SDK's output back with the tool results (``function_call_output`` items,
``tool_result`` blocks), which must reach the prompt through the chat
template, and gets the final answer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from streamparse import ParseResult, parse
from streamparse.cli import Example, examples
from streamparse.replay import Replay, Reply
from streamparse.server import ChatTemplate, ProxyConfig, ServerThread, create_proxy_app, create_replay_app

EXAMPLES = examples()
# Shows every message, the assistant's calls and reasoning, and the tools, as the template sees them.
TEMPLATE = ChatTemplate(
    "{% for m in messages %}<{{ m.role }}>"
    "{% if m.reasoning_content %}<think>{{ m.reasoning_content }}</think>{% endif %}"
    "{{ m.content if m.content is not none else '' }}"
    "{% if m.tool_calls %}<calls>{{ m.tool_calls | tojson }}</calls>{% endif %}"
    "{% if m.tool_call_id %}<id>{{ m.tool_call_id }}</id>{% endif %}"
    "</{{ m.role }}>\n{% endfor %}"
    "{% if tools %}<tools>{{ tools | tojson }}</tools>\n{% endif %}"
    "{% if enable_thinking is defined %}<thinking:{{ enable_thinking }}>\n{% endif %}"
    "{% if add_generation_prompt %}<assistant>{% endif %}"
)


def question(example: Example) -> str:
    return f"run {example.name}"


def tool_output(example: Example, call_id: str) -> str:
    return f"RESULT[{example.name}/{call_id}]"


def answer(example: Example) -> str:
    return f"Done with {example.name}."


def replies() -> list[Reply]:
    first = [Reply(example.text, when=f"<user>{question(example)}</user>") for example in EXAMPLES]
    # Later replies win: once a tool result is in the prompt, the answer is served.
    second = [Reply(answer(example), when=f"RESULT[{example.name}/") for example in EXAMPLES]
    return first + second


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Any]]:
    app = create_replay_app(Replay(replies(), model="replay"))
    with ServerThread(app) as server:
        yield server.url + "/v1", app.state.stats


@pytest.fixture(scope="module")
def proxies(upstream: tuple[str, Any]) -> Iterator[dict[str, str]]:
    started: dict[str, ServerThread] = {}

    class Proxies(dict[str, str]):
        def __missing__(self, dialect: str) -> str:
            server = ServerThread(create_proxy_app(ProxyConfig(upstream[0], dialect, TEMPLATE))).start()
            started[dialect] = server
            self[dialect] = server.url
            return server.url

    try:
        yield Proxies()
    finally:
        for server in started.values():
            server.stop()


def tools_for(example: Example) -> list[dict[str, Any]]:
    """One tool per name the example calls (a schema that takes any object), or a stand-in."""
    names = sorted({call.function.name for call in parse(example.text, example.dialect).tool_calls})
    schema = {"type": "object"}
    return [{"name": name, "description": f"{name} tool", "parameters": schema} for name in names or ["noop"]]


def expected(example: Example) -> ParseResult:
    chat_tools = [{"type": "function", "function": tool} for tool in tools_for(example)]
    return parse(example.text, example.dialect, chat_tools)


def ids(example: Example) -> str:
    return example.name


# --- the Responses API, with the openai SDK -------------------------------------------------


def check_response(response: Any, want: ParseResult) -> list[Any]:
    calls = [item for item in response.output if item.type == "function_call"]
    # Ids are generated per response (random in most dialects): names and arguments must match.
    assert [(call.name, call.arguments) for call in calls] == [
        (call.function.name, call.function.arguments) for call in want.tool_calls
    ]
    assert len({call.call_id for call in calls}) == len(calls)
    assert response.output_text == (want.content or "")
    reasoning = "".join(
        part.text for item in response.output if item.type == "reasoning" for part in item.content or ()
    )
    assert reasoning == (want.reasoning_content or "")
    assert response.status == "completed"
    return calls


@pytest.mark.parametrize("streamed", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_responses_api_with_the_openai_sdk(
    example: Example, streamed: bool, proxies: dict[str, str], upstream: tuple[str, Any]
) -> None:
    client = openai.OpenAI(base_url=proxies[example.dialect] + "/v1", api_key="x", max_retries=0)
    tools = [{"type": "function", **tool} for tool in tools_for(example)]
    conversation: list[Any] = [{"role": "user", "content": question(example)}]
    want = expected(example)

    def turn(calling: bool) -> Any:
        if not streamed:
            return client.responses.create(model="m", input=conversation, tools=tools)  # type: ignore[arg-type]
        with client.responses.stream(model="m", input=conversation, tools=tools) as stream:  # type: ignore[arg-type]
            kinds = [event.type for event in stream]
            response = stream.get_final_response()
        assert kinds[:2] == ["response.created", "response.in_progress"]
        assert kinds[-1] == "response.completed"
        if calling:
            assert "response.function_call_arguments.delta" in kinds
            assert kinds.count("response.function_call_arguments.done") == len(want.tool_calls)
        return response

    calls = check_response(turn(bool(want.tool_calls)), want)
    if not calls:
        return
    # The second turn: the SDK's output items back as input, and one output per call.
    first = client.responses.create(model="m", input=conversation, tools=tools)  # type: ignore[arg-type]
    calls = check_response(first, want)
    conversation += first.output
    for call in calls:
        conversation.append(
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": tool_output(example, call.call_id),
            }
        )
    final = turn(False)
    assert final.output_text == answer(example)
    assert not [item for item in final.output if item.type == "function_call"]
    prompt = upstream[1].prompts[-1]
    for call in calls:
        assert f"<tool>{tool_output(example, call.call_id)}<id>{call.call_id}</id></tool>" in prompt
        assert json.dumps(call.call_id) in prompt and json.dumps(call.name) in prompt
    if want.reasoning_content:
        assert f"<think>{want.reasoning_content}</think>" in prompt


# --- the Messages API, with the anthropic SDK -------------------------------------------------


def arguments_object(arguments: str) -> Any:
    try:
        value = json.loads(arguments)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def check_message(message: Any, want: ParseResult) -> list[Any]:
    uses = [block for block in message.content if block.type == "tool_use"]
    assert [(use.name, use.input) for use in uses] == [
        (call.function.name, arguments_object(call.function.arguments)) for call in want.tool_calls
    ]
    assert len({use.id for use in uses}) == len(uses)
    text = "".join(block.text for block in message.content if block.type == "text")
    assert text == (want.content or "")
    thinking = "".join(block.thinking for block in message.content if block.type == "thinking")
    assert thinking == (want.reasoning_content or "")
    assert message.stop_reason == ("tool_use" if want.tool_calls else "end_turn")
    return uses


@pytest.mark.parametrize("streamed", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_messages_api_with_the_anthropic_sdk(
    example: Example, streamed: bool, proxies: dict[str, str], upstream: tuple[str, Any]
) -> None:
    client = anthropic.Anthropic(base_url=proxies[example.dialect], api_key="x", max_retries=0)
    tools = [
        {"name": tool["name"], "description": tool["description"], "input_schema": tool["parameters"]}
        for tool in tools_for(example)
    ]
    conversation: list[Any] = [{"role": "user", "content": question(example)}]
    want = expected(example)

    def turn(calling: bool) -> Any:
        if not streamed:
            return client.messages.create(model="m", max_tokens=1000, messages=conversation, tools=tools)  # type: ignore[arg-type]
        with client.messages.stream(model="m", max_tokens=1000, messages=conversation, tools=tools) as stream:  # type: ignore[arg-type]
            kinds = [event.type for event in stream]
            message = stream.get_final_message()
        assert kinds[0] == "message_start"
        if calling:
            assert "input_json" in kinds  # the SDK's event for each input_json_delta
        return message

    message = turn(bool(want.tool_calls))
    uses = check_message(message, want)
    if not uses:
        return
    conversation.append({"role": "assistant", "content": message.content})
    conversation.append(
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": use.id, "content": tool_output(example, use.id)}
                for use in uses
            ],
        }
    )
    final = turn(False)
    assert [block.text for block in final.content if block.type == "text"] == [answer(example)]
    assert final.stop_reason == "end_turn"
    prompt = upstream[1].prompts[-1]
    for use in uses:
        assert f"<tool>{tool_output(example, use.id)}<id>{use.id}</id></tool>" in prompt
        assert json.dumps(use.id) in prompt and json.dumps(use.name) in prompt


# --- requests, errors and what the gateway records -----------------------------------------------


def test_requests_are_converted_for_the_template(proxies: dict[str, str], upstream: tuple[str, Any]) -> None:
    kimi = next(example for example in EXAMPLES if example.name == "kimi_k2")
    url = proxies["kimi_k2"]
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)
    client.responses.create(
        model="m",
        instructions="Be brief.",
        input=[
            {"role": "developer", "content": [{"type": "input_text", "text": "Use tools."}]},
            {"role": "user", "content": question(kimi)},
        ],
        tools=[
            {"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "strict": False}
        ],
        tool_choice="auto",
    )
    prompt = upstream[1].prompts[-1]
    assert prompt.startswith(
        "<system>Be brief.</system>\n<system>Use tools.</system>\n<user>run kimi_k2</user>"
    )
    assert '"name": "get_weather"' in prompt
    messages = anthropic.Anthropic(base_url=url, api_key="x", max_retries=0)
    messages.messages.create(
        model="m",
        max_tokens=10,
        system=[{"type": "text", "text": "Be brief."}],
        messages=[{"role": "user", "content": [{"type": "text", "text": question(kimi)}]}],
        thinking={"type": "disabled"},
        stop_sequences=["END"],
        tool_choice={"type": "none"},
    )
    prompt = upstream[1].prompts[-1]
    assert prompt == "<system>Be brief.</system>\n<user>run kimi_k2</user>\n<thinking:False>\n<assistant>"
    sent = upstream[1].requests[-1]
    assert sent["stop"] == ["END"] and sent["max_tokens"] == 10


def test_errors_in_each_apis_shape(proxies: dict[str, str]) -> None:
    url = proxies["kimi_k2"]
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)
    with pytest.raises(openai.BadRequestError) as refused:
        client.responses.create(
            model="m", input=[{"role": "user", "content": [{"type": "input_image", "image_url": "data:,"}]}]
        )
    assert refused.value.body["param"] == "input[0].content[0]"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError):
        client.responses.create(model="m", input="hi", previous_response_id="resp_1")

    messages = anthropic.Anthropic(base_url=url, api_key="x", max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as bad:
        messages.messages.create(model="m", max_tokens=10, messages=[{"role": "system", "content": "hi"}])  # type: ignore[typeddict-item]
    assert bad.value.body == {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "message": "messages[0].role must be 'user' or 'assistant'",
        },
    }
    for method, path, status in (("GET", "/v1/messages", 405), ("POST", "/v1/messages/nope", 404)):
        response = httpx.request(method, url + path, json={})
        assert response.status_code == status
        assert response.json()["type"] == "error" and response.json()["error"]["type"] in (
            "not_found_error",
            "invalid_request_error",
        )
    response = httpx.post(url + "/v1/messages", content=b"{", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_request_error"


def test_keys_and_upstream_failures_in_the_anthropic_shape(upstream: tuple[str, Any]) -> None:
    config = ProxyConfig(upstream[0], "kimi_k2", TEMPLATE, api_keys=("sk-good",))
    with ServerThread(create_proxy_app(config)) as server:
        keyed = anthropic.Anthropic(
            base_url=server.url, api_key="sk-good", max_retries=0
        )  # sent as x-api-key
        keyed.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        wrong = anthropic.Anthropic(base_url=server.url, api_key="sk-bad", max_retries=0)
        with pytest.raises(anthropic.AuthenticationError) as refused:
            wrong.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        assert refused.value.body["error"]["type"] == "authentication_error"  # type: ignore[index]
    down = ProxyConfig("http://127.0.0.1:9/v1", "kimi_k2", TEMPLATE)
    with ServerThread(create_proxy_app(down)) as server:
        client = anthropic.Anthropic(base_url=server.url, api_key="x", max_retries=0)
        with pytest.raises(anthropic.APIStatusError) as failed:
            client.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        assert failed.value.status_code == 502 and failed.value.body["error"]["type"] == "api_error"  # type: ignore[index]
        responses = openai.OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)
        with pytest.raises(openai.APIStatusError) as failed_too:
            responses.responses.create(model="m", input="hi")
        assert failed_too.value.status_code == 502


def test_max_tokens_cut_gives_max_tokens_and_incomplete(proxies: dict[str, str]) -> None:
    kimi = next(example for example in EXAMPLES if example.name == "kimi_k2")
    url = proxies["kimi_k2"]
    message = anthropic.Anthropic(base_url=url, api_key="x", max_retries=0).messages.create(
        model="m", max_tokens=12, messages=[{"role": "user", "content": question(kimi)}]
    )
    assert message.stop_reason == "max_tokens"
    response = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0).responses.create(
        model="m", input=question(kimi), max_output_tokens=12
    )
    assert response.status == "incomplete"
    assert (
        response.incomplete_details is not None and response.incomplete_details.reason == "max_output_tokens"
    )


def test_metrics_count_the_new_endpoints(proxies: dict[str, str]) -> None:
    url = proxies["kimi_k2"]
    kimi = next(example for example in EXAMPLES if example.name == "kimi_k2")
    anthropic.Anthropic(base_url=url, api_key="x", max_retries=0).messages.create(
        model="m", max_tokens=1000, messages=[{"role": "user", "content": question(kimi)}]
    )
    openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0).responses.create(
        model="m", input=question(kimi)
    )
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(httpx.get(url + "/metrics").text)
        for sample in family.samples
    }
    for endpoint in ("messages", "responses"):
        assert samples[("streamparse_requests_total", (("endpoint", endpoint), ("status", "200")))] >= 1
    assert samples[("streamparse_tool_calls_total", (("dialect", "kimi_k2"),))] >= 4


def test_an_upstream_that_drops_mid_stream_fails_in_each_apis_shape() -> None:
    kimi = next(example for example in EXAMPLES if example.name == "kimi_k2")
    events = list(Replay([kimi.text]).events(""))

    async def drop(request: Request) -> Response:
        async def body() -> AsyncIterator[str]:
            for event in events[:20]:
                yield "data: " + json.dumps(event) + "\n\n"
            raise ConnectionResetError("the engine died")

        return StreamingResponse(body(), media_type="text/event-stream")

    broken = Starlette(routes=[Route("/v1/completions", drop, methods=["POST"])])
    with (
        ServerThread(broken) as upstream,
        ServerThread(create_proxy_app(ProxyConfig(upstream.url + "/v1", "kimi_k2", TEMPLATE))) as proxy,
    ):
        messages = anthropic.Anthropic(base_url=proxy.url, api_key="x", max_retries=0)
        with pytest.raises(anthropic.APIStatusError) as failed:
            with messages.messages.stream(
                model="m", max_tokens=99, messages=[{"role": "user", "content": "hi"}]
            ) as stream:
                for _ in stream:
                    pass
        assert failed.value.body["error"]["type"] == "api_error"  # type: ignore[index]
        responses = openai.OpenAI(base_url=proxy.url + "/v1", api_key="x", max_retries=0)
        with responses.responses.stream(model="m", input="hi") as stream:
            kinds = [event.type for event in stream]
        assert kinds[-1] == "response.failed"
