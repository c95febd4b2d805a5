"""Declarative dialects: a Hugging Face ``response_template`` parsed as a stream (streamparse.load_dialect).

Three built-in dialects written as templates (hermes, qwen3_coder, and
gpt_oss's routed harmony messages) give the built-in's results on the
built-in's own generated outputs, whole and cut anywhere; goldens for the
template features; bad templates are refused at construction naming the
field.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import streamparse
import streamparse.sse
from streamparse import UsageError, load_dialect
from streamparse.testing import render, use_renderer
from streamparse.testing.properties import PROPERTIES, round_trip_cases

# The built-ins written as templates, shipped with the package (streamparse/templates/*.json):
# hermes, qwen3_coder, and gpt_oss's harmony messages routed by channel and recipient (the first
# message has no <|start|>assistant, the prompt wrote it; the recipient is in the role part or after
# the channel). Their text fields keep their whitespace ("strip": false), as the built-ins do.
TEMPLATES = Path(streamparse.__file__).resolve().parent / "templates"


def _shipped(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))
    return spec


HERMES = _shipped("hermes")
QWEN3_CODER = _shipped("qwen3_coder")
HARMONY = _shipped("gpt_oss")
AS_TEMPLATES = {"hermes": HERMES, "qwen3_coder": QWEN3_CODER, "gpt_oss": HARMONY}


def _from_tokenizer_config(name: str, spec: dict[str, Any]) -> streamparse.TemplateDialect:
    """The template as checkpoints ship it: a key of tokenizer_config.json beside the chat template."""
    folder = Path(tempfile.mkdtemp(prefix=f"streamparse-{name}-"))
    config = folder / "tokenizer_config.json"
    config.write_text(
        json.dumps({"chat_template": "{{ messages }}", "eos_token": "<eos>", "response_template": spec})
    )
    return load_dialect(config, name=f"{name}_template")


DIALECTS = {name: _from_tokenizer_config(name, spec) for name, spec in AS_TEMPLATES.items()}
for _name, _dialect in DIALECTS.items():
    use_renderer(_dialect, _name)


def _summary(result: streamparse.ParseResult) -> tuple[Any, ...]:
    return (
        result.content or "",
        result.reasoning_content or "",
        [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls],
        [(p.index, p.kind) for p in result.problems],
        result.finish_reason,
    )


def _streamed(dialect: Any, pieces: list[str], tools: Any) -> tuple[Any, ...]:
    parser = streamparse.StreamParser(dialect, tools, id_seed=0)
    deltas = [parser.feed(piece) for piece in pieces]
    deltas.append(parser.finish())
    return _summary(streamparse.fold_deltas([d for d in deltas if d is not None], parser.finish_reason))


# -- the built-ins as templates: the same results on the built-in's strategies ------------------


def _expressible(builtin: str, sample: Any) -> bool:
    """Whether the template can give the built-in's result on ``sample``'s output (README, "The
    built-ins as templates"): qwen3_coder keeps a ``</parameter>`` in a value when no tag follows it,
    the template's tag pattern ends the value at the first one (as Transformers reads it)."""
    if builtin != "qwen3_coder" or sample is None:
        return True
    return not any("</parameter>" in json.dumps(call.arguments) for call in sample.calls)


@pytest.mark.parametrize("builtin", sorted(AS_TEMPLATES))
@given(data=st.data())
def test_template_gives_the_builtins_results_on_its_outputs(builtin: str, data: st.DataObject) -> None:
    case = data.draw(round_trip_cases(builtin))
    assume(_expressible(builtin, case.sample))
    rendered = render(builtin, case.sample)
    template = DIALECTS[builtin]
    want = _summary(streamparse.parse(rendered.text, builtin, rendered.tools, id_seed=0))
    got = _summary(streamparse.parse(rendered.text, template, rendered.tools, id_seed=0))
    assert got == want
    for cut in case.cuts:
        assert _streamed(template, list(cut), rendered.tools) == want


@pytest.mark.parametrize("prop", PROPERTIES, ids=[p.name for p in PROPERTIES])
@pytest.mark.parametrize("builtin", sorted(AS_TEMPLATES))
@given(data=st.data())
def test_every_contract_property_holds_for_the_template(builtin: str, prop: Any, data: st.DataObject) -> None:
    """The contract's properties, on the built-in's generated cases, checked with the template dialect."""
    case = data.draw(prop.cases(builtin))
    assume(_expressible(builtin, getattr(case, "sample", None)))
    prop.check(dataclasses.replace(case, dialect=DIALECTS[builtin]))


# -- goldens ----------------------------------------------------------------------------------

WORKED = {  # the worked template of DIALECTS-MORE.md, as checkpoints ship it (text stripped)
    "version": 1,
    "start_anchor": "<|im_start|>assistant\n",
    "fields": {
        "thinking": {"open": "<think>", "close": "</think>"},
        "content": {},
        "tool_calls": {
            "open": "<tool_call>",
            "close": "</tool_call>",
            "repeats": True,
            "content": "json",
            "transform": {
                "type": "function",
                "function": {"name": "{content.name}", "arguments": "{content.arguments}"},
            },
        },
    },
}

WORKED_TEXT = (
    "<think>\nThe user wants the weather.\n</think>\n\n"
    "Checking.\n<tool_call>\n"
    '{"name": "get_weather", "arguments": {"city": "Beijing"}}\n</tool_call>\n'
)


def _each_cut(text: str) -> list[list[str]]:
    return [[text], list(text)] + [[text[:i], text[i:]] for i in range(1, len(text))]


def _check_all_cuts(dialect: Any, text: str, want: tuple[Any, ...], tools: Any = None) -> None:
    assert _summary(streamparse.parse(text, dialect, tools, id_seed=0))[:2] == want[:2]
    for pieces in _each_cut(text):
        got = _streamed(dialect, pieces, tools)
        assert (got[0], got[1], [c[1:] for c in got[2]]) == want, pieces


def test_worked_template_strips_text_fields_and_streams_arguments() -> None:
    dialect = load_dialect(WORKED)
    want = ("Checking.", "The user wants the weather.", [("get_weather", '{"city": "Beijing"}')])
    _check_all_cuts(dialect, WORKED_TEXT, want)
    parser = streamparse.StreamParser(dialect)
    parser.feed('<tool_call>\n{"name": "get_weather", "arguments": {"ci')
    # the arguments stream before the region closes (Transformers delivers them at the close)
    assert parser.feed('ty": "Bei') == {"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Bei'}}]}


def test_prompt_that_opens_thinking_starts_in_reasoning() -> None:
    dialect = load_dialect(WORKED).after_prompt(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n"
    )
    result = streamparse.parse("Hm.</think>Hello.", dialect)
    assert (result.reasoning_content, result.content) == ("Hm.", "Hello.")
    # an earlier turn's <think> is cut off with the text before the last start anchor
    again = load_dialect(WORKED).after_prompt(
        "<|im_start|>assistant\n<think>x</think>y<|im_end|><|im_start|>assistant\n"
    )
    assert streamparse.parse("Hello.", again).content == "Hello."
    assert (
        streamparse.parse("Hm.</think>Hello.", load_dialect(WORKED), start_in_reasoning=True).content
        == "Hello."
    )


def test_prompt_that_leaves_a_call_open_is_refused() -> None:
    with pytest.raises(UsageError, match="inside a tool call"):
        load_dialect(QWEN3_CODER).after_prompt("<|im_start|>assistant\n<tool_call>\n<function=f>\n")


def test_pattern_opener_that_fails_is_content_and_the_next_one_parses() -> None:
    dialect = DIALECTS["qwen3_coder"]
    text = "a <tool_call> is a tag. <tool_call>\n<function=f>\n<parameter=x>\n1\n</parameter>\n</tool_call>"
    want = ("a <tool_call> is a tag. ", "", [("f", '{"x": "1"}')])
    _check_all_cuts(dialect, text, want)


def test_pattern_held_no_longer_than_its_bound() -> None:
    dialect = DIALECTS["qwen3_coder"]
    text = "<tool_call>\n<function=" + "x" * 2000
    parser = streamparse.StreamParser(dialect)
    out = "".join((parser.feed(c) or {}).get("content", "") for c in text)
    held = len(text) - len(out)
    assert held <= streamparse.template.MAX_PATTERN
    assert out + (parser.finish() or {}).get("content", "") == text


def test_harmony_routes_messages_and_the_header_is_markup() -> None:
    text = (
        "<|channel|>analysis<|message|>Need it.<|end|>"
        "<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>"
        '{"city": "Beijing"}<|call|>'
        "<|start|>assistant<|channel|>final<|message|>Done.<|return|>"
    )
    _check_all_cuts(
        DIALECTS["gpt_oss"], text, ("Done.", "Need it.", [("get_weather", '{"city": "Beijing"}')])
    )


def test_model_given_id_from_a_capture() -> None:
    spec = {
        "start_anchor": "<|assistant|>",
        "fields": {
            "content": {},
            "tool_calls": {
                "open_pattern": r"<call id=(?P<id>\w+) name=(?P<name>[\w.]+)>",
                "close": "</call>",
                "content": "json",
                "transform": {"id": "{id}", "function": {"name": "{name}", "arguments": "{content}"}},
            },
        },
    }
    result = streamparse.parse('Hi<call id=abc1 name=f>{"a": 1}</call>', load_dialect(spec))
    assert result.content == "Hi"
    assert [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls] == [
        ("abc1", "f", '{"a": 1}')
    ]


def test_xml_values_typed_by_the_tools_schema() -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "f",
                "parameters": {
                    "type": "object",
                    "properties": {"n": {"type": "integer"}, "s": {"type": "string"}},
                },
            },
        }
    ]
    text = "<tool_call><function=f><parameter=n>\n7\n</parameter><parameter=s>\n007\n</parameter></tool_call>"
    result = streamparse.parse(text, DIALECTS["qwen3_coder"], tools)
    assert json.loads(result.tool_calls[0].function.arguments) == {"n": 7, "s": "007"}


def test_other_scalar_fields_are_markup() -> None:
    spec = {
        "start_anchor": "<bot>",
        "fields": {"content": {}, "confidence": {"open": "<conf>", "close": "</conf>", "content": "float"}},
    }
    assert streamparse.parse("Yes.<conf>0.9</conf>", load_dialect(spec)).content == "Yes."


def test_text_outside_every_field_is_content_when_no_field_is_implicit() -> None:
    # Transformers drops it; streamparse never drops text silently.
    result = streamparse.parse("stray<|channel|>final<|message|>Hi<|return|>", DIALECTS["gpt_oss"])
    assert result.content == "strayHi"


# -- where a dialect name goes ------------------------------------------------------------------


def test_load_dialect_reads_a_template_file_and_a_tokenizer_config(tmp_path: Path) -> None:
    (tmp_path / "template.json").write_text(json.dumps(WORKED))
    (tmp_path / "tokenizer_config.json").write_text(
        json.dumps({"response_template": WORKED, "eos_token": "x"})
    )
    for path in ("template.json", "tokenizer_config.json"):
        dialect = load_dialect(tmp_path / path)
        assert streamparse.parse(WORKED_TEXT, dialect).content == "Checking."
    assert load_dialect(str(tmp_path / "template.json")).name.startswith("response_template_")
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(UsageError, match="neither a response_template"):
        load_dialect(tmp_path / "other.json")
    with pytest.raises(UsageError, match="cannot read"):
        load_dialect(tmp_path / "missing.json")


def test_a_dialect_object_goes_where_a_name_goes() -> None:
    dialect = DIALECTS["hermes"]
    chunks = [
        {"choices": [{"index": 0, "delta": {"content": '<tool_call>{"name": "f", "arguments": {}}'}}]},
        {"choices": [{"index": 0, "delta": {"content": "</tool_call>"}, "finish_reason": "stop"}]},
    ]
    out = list(streamparse.sse.iter_chunks(chunks, dialect))
    calls = [c for chunk in out for c in chunk["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["function"]["name"] == "f"
    assert out[-1]["choices"][0]["finish_reason"] == "tool_calls"
    with pytest.raises(UsageError, match="load_dialect"):
        streamparse.StreamParser(42)  # type: ignore[arg-type]


# -- bad templates are refused at construction, naming the field --------------------------------


def _with(field: str, **changes: Any) -> dict[str, Any]:
    spec = json.loads(json.dumps(WORKED))
    spec["fields"][field].update(changes)
    return spec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([], "takes a response_template dict"),
        ({**WORKED, "version": 2}, "'version'"),
        ({**WORKED, "extra": 1}, "unknown keys"),
        ({"fields": WORKED["fields"]}, "start_anchor"),
        ({**WORKED, "fields": {}}, "'fields'"),
        ({**WORKED, "fields": {"content": {}, "answer": {}}}, "at most one field"),
        (_with("thinking", open_pattern="<think>"), "both 'open' and 'open_pattern'"),
        (
            _with("thinking", open=None, open_pattern="(unclosed"),
            "field 'thinking' 'open_pattern': invalid regex",
        ),
        (_with("thinking", open="", close="</think>"), "field 'thinking' 'open'"),
        (_with("thinking", content="json"), "field 'thinking' 'content'"),
        (_with("content", content="int"), "field 'content' 'content'"),
        (_with("tool_calls", content="kv-lines"), "field 'tool_calls' 'content'"),
        (_with("tool_calls", transform={"function": "name: {content.name}"}), "mixes a placeholder"),
        (_with("tool_calls", transform=None), "field 'tool_calls'"),
        (_with("tool_calls", transform_each=True), "transform_each"),
        (_with("tool_calls", content_args={"unquoted_keys": True}), "cannot be streamed"),
        (_with("tool_calls", close_pattern="</tool_call>", close=None), "field 'tool_calls'"),
        (_with("thinking", join=","), "'join'"),
        (
            _with("thinking", open=None, open_pattern=r"\w+<think>"),
            "cannot be streamed: every match must start",
        ),
        (_with("thinking", open_pattern=r"<t(?P<n>\w)>", open=None), "no 'transform'"),
        (
            {
                **QWEN3_CODER,
                "fields": {
                    **QWEN3_CODER["fields"],
                    "tool_calls": {
                        **QWEN3_CODER["fields"]["tool_calls"],
                        "content_args": {"tag_pattern": r"(?P<key>\w+)=(?P<value>.*)"},
                    },
                },
            },
            "'content_args.tag_pattern'",
        ),
    ],
)
def test_bad_templates_are_refused_naming_the_field(spec: Any, message: str) -> None:
    for fields in (spec.get("fields", {}) if isinstance(spec, dict) else {}).values():
        for key in [k for k, v in fields.items() if v is None]:
            del fields[key]
    with pytest.raises(UsageError, match=message):
        load_dialect(spec)


# -- CLI, serve and detect ----------------------------------------------------------------------


def test_cli_parse_with_a_dialect_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from streamparse.cli import main

    config = tmp_path / "tokenizer_config.json"
    config.write_text(json.dumps({"response_template": WORKED}))
    output = tmp_path / "out.txt"
    output.write_text(WORKED_TEXT)
    assert main(["parse", str(output), "--dialect-file", str(config), "--split", "chars", "--seed", "0"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    folded = streamparse.fold_deltas(lines[:-1], lines[-1]["finish_reason"])
    assert (folded.content, folded.tool_calls[0].function.arguments) == ("Checking.", '{"city": "Beijing"}')
    assert main(["parse", str(output), "--dialect-file", str(tmp_path / "none.json")]) != 0
    assert "cannot read" in capsys.readouterr().err


def test_detect_falls_back_to_the_response_template(tmp_path: Path) -> None:
    config = {"chat_template": "{{ messages }}", "response_template": WORKED}
    found = streamparse.detect(tokenizer_config=config)
    assert isinstance(found, streamparse.TemplateDialect)
    assert streamparse.parse(WORKED_TEXT, found).content == "Checking."
    # a built-in rule wins over the template
    assert streamparse.detect(tokenizer_config={**config, "chat_template": "<tool_call>"}) == "hermes"
    assert streamparse.detect(model="Qwen/Qwen3-8B", tokenizer_config=config) == "hermes"
    path = tmp_path / "tokenizer_config.json"
    path.write_text(json.dumps(config))
    reason = streamparse.detection(tokenizer_config=path).reason
    assert "response_template" in reason
    assert streamparse.detect(tokenizer_config={"chat_template": "{{ messages }}"}) is None


def test_serve_with_a_template_dialect_through_the_openai_client() -> None:
    server = pytest.importorskip("streamparse.server")
    from openai import OpenAI

    from streamparse.replay import Reply

    reply = WORKED_TEXT
    upstream = server.ServerThread(
        server.create_replay_app(streamparse.replay.Replay([Reply(reply)]))
    ).start()
    template = server.ChatTemplate(
        "{% for m in messages %}{{ m.content }}{% endfor %}<|im_start|>assistant\n"
    )
    config = server.ProxyConfig(upstream.url + "/v1", load_dialect(WORKED), template)
    try:
        with server.ServerThread(server.create_proxy_app(config)) as proxy:
            client = OpenAI(base_url=proxy.url + "/v1", api_key="x", max_retries=0)
            stream = client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "Weather?"}], stream=True
            )
            chunks = list(stream)
    finally:
        upstream.stop()
    names = [
        c.function.name for ch in chunks for c in (ch.choices[0].delta.tool_calls or []) if c.function.name
    ]
    arguments = "".join(
        c.function.arguments or ""
        for ch in chunks
        for c in (ch.choices[0].delta.tool_calls or [])
        if c.function is not None
    )
    assert names == ["get_weather"] and json.loads(arguments) == {"city": "Beijing"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_a_failed_pattern_leaves_the_markers_inside_its_text_to_be_found() -> None:
    spec = {
        "start_anchor": "<s>",
        "fields": {
            "content": {},
            "thinking": {"open_pattern": "ab!", "close": "!!"},
            "note": {"open": "bc", "close": "cb"},
        },
    }
    # "ab" starts a pattern that fails at "c"; "bc" inside it opens the note, as a regex search finds it
    _check_all_cuts(load_dialect(spec), "abc note cb.", ("a.", "", []))


def test_a_dialect_object_pickles_with_its_start() -> None:
    import pickle

    started = load_dialect(WORKED).after_prompt("<|im_start|>assistant\n<think>")
    again = pickle.loads(pickle.dumps(started))
    assert again == started and again != load_dialect(WORKED)
    assert streamparse.parse("hm</think>ok", again).reasoning_content == "hm"


def test_fuzz_takes_a_dialect_file_with_the_builtin_it_writes_like(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from streamparse.cli import main

    path = tmp_path / "tokenizer_config.json"
    path.write_text(json.dumps({"response_template": HERMES}))
    argv = [
        "fuzz",
        "--dialect-file",
        str(path),
        "--like",
        "hermes",
        "--seconds",
        "1",
        "--property",
        "mutated",
    ]
    assert main([*argv, "--seed", "3"]) == 0
    assert "response_template_" in capsys.readouterr().out
    assert main(["fuzz", "--dialect-file", str(path), "--seconds", "1"]) == 2
    assert "--like" in capsys.readouterr().err


def test_a_close_tag_in_a_value_is_the_documented_difference() -> None:
    # Found by the suite's hypothesis run: the built-in keeps "0</parameter>" (no tag follows the
    # first close tag); the template ends the value there and flags the text left between the tags.
    text = "<tool_call>\n<function=f>\n<parameter=a>\n0</parameter>\n</parameter>\n</function>\n</tool_call>"
    assert streamparse.parse(text, "qwen3_coder").tool_calls[0].function.arguments == '{"a": "0</parameter>"}'
    template = streamparse.parse(text, DIALECTS["qwen3_coder"])
    assert template.tool_calls[0].function.arguments == '{"a": "0"}'
    assert [p.kind for p in template.problems] == ["unexpected_member"]
