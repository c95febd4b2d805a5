"""streamparse.server.ChatTemplate: rendered as transformers' apply_chat_template renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streamparse import UsageError
from streamparse.server import ChatTemplate, TemplateRenderError

DATA = Path(__file__).resolve().parent / "data"
USER = [{"role": "user", "content": "Hi"}]


def test_trim_and_lstrip_blocks() -> None:
    source = "{% for m in messages %}\n    {% if m.role == 'user' %}\n[{{ m.content }}]\n    {% endif %}\n{% endfor %}\nend"
    assert ChatTemplate(source).render(USER * 2) == "[Hi]\n[Hi]\nend"


def test_context_messages_tools_generation_prompt_and_special_tokens(tmp_path: Path) -> None:
    source = (
        "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}"
        "|{{ tools | length if tools else 'none' }}|{{ add_generation_prompt }}|{{ eos_token }}"
    )
    config = {"chat_template": source, "bos_token": "<s>", "eos_token": {"content": "</s>", "lstrip": False}}
    path = tmp_path / "tokenizer_config.json"
    path.write_text(json.dumps(config))
    template = ChatTemplate.load(path)
    assert template.render(USER) == "<s>Hi|none|True|</s>"
    assert template.render(
        USER, [{"type": "function", "function": {"name": "f"}}], add_generation_prompt=False
    ) == ("<s>Hi|1|False|</s>")


def test_tojson_as_transformers_defines_it() -> None:
    source = "{{ tools[0] | tojson }}|{{ tools[0] | tojson(indent=1) }}|{{ tools[0] | tojson(separators=(',', ':'), sort_keys=true) }}"
    tools = [{"z": "北京 😀", "a": [1, True, None]}]
    assert ChatTemplate(source).render(USER, tools) == (
        '{"z": "北京 😀", "a": [1, true, null]}|'
        '{\n "z": "北京 😀",\n "a": [\n  1,\n  true,\n  null\n ]\n}|'
        '{"a":[1,true,null],"z":"北京 😀"}'
    )


def test_raise_exception_and_other_failures_are_render_errors() -> None:
    refusing = ChatTemplate(
        "{% if messages[0].role != 'system' %}{{ raise_exception('system first') }}{% endif %}"
    )
    with pytest.raises(TemplateRenderError, match="system first"):
        refusing.render(USER)
    with pytest.raises(TemplateRenderError):
        ChatTemplate("{{ messages[0].content + 1 }}").render(USER)


@pytest.mark.parametrize(
    "source",
    ["{{ ''.__class__.__mro__ }}", "{% set x = [] %}{{ x.append(1) }}", "{{ messages.pop() }}"],
)
def test_sandboxed_and_immutable(source: str) -> None:
    with pytest.raises(TemplateRenderError):
        ChatTemplate(source).render(USER)


def test_loopcontrols_generation_block_and_strftime_now() -> None:
    source = (
        "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}"
        "{% generation %}{{ m.content }}{% endgeneration %}{% endfor %}{{ strftime_now('%Y') | length }}"
    )
    assert ChatTemplate(source).render(USER * 3) == "Hi4"


def test_named_templates_pick_tool_use_when_tools_are_given(tmp_path: Path) -> None:
    config = {
        "chat_template": [
            {"name": "default", "template": "plain"},
            {"name": "tool_use", "template": "with {{ tools | length }} tools"},
        ]
    }
    path = tmp_path / "tokenizer_config.json"
    path.write_text(json.dumps(config))
    template = ChatTemplate.load(path)
    assert template.render(USER) == "plain"
    assert template.render(USER, [{"name": "f"}]) == "with 1 tools"
    assert template.source == "plain"


def test_content_format_detection() -> None:
    minimax = ChatTemplate.load(DATA / "minimax_m1_tokenizer_config.json")
    kimi = ChatTemplate.load(DATA / "kimi_k2_test.jinja")
    looping = ChatTemplate(
        "{% for m in messages %}{% for part in m.content %}{{ part.type }}{% endfor %}{% endfor %}"
    )
    assert ChatTemplate("{{ messages[0]['content'][0]['text'] }}").render(USER) == "Hi"
    assert kimi.render(USER).endswith(
        "<|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|>"
    )
    assert minimax.render(USER).endswith(
        "user name=user\nHi<end_of_sentence>\n<beginning_of_sentence>ai name=assistant\n"
    )
    assert looping.render(USER) == "text"
    string_only = ChatTemplate("{{ messages[0].content }}", content_format="string")
    assert string_only.render(USER) == "Hi"
    parts = ChatTemplate("{{ messages[0].content }}", content_format="openai")
    assert parts.render(USER) == "[{'type': 'text', 'text': 'Hi'}]"


def test_tool_parts_get_the_name_of_the_call_they_answer() -> None:
    template = ChatTemplate(
        "{% for m in messages if m.role == 'tool' %}{% for part in m.content %}{{ part.name }}={{ part.text }};{% endfor %}{% endfor %}"
    )
    messages = [
        {"role": "user", "content": "Hi"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
        {"role": "tool", "name": "other", "content": "x"},
        {"role": "tool", "content": [{"type": "text", "text": "y", "name": "kept"}]},
    ]
    assert template.render(messages) == "get_weather=sunny;other=x;kept=y;"
    assert messages[2]["content"] == "sunny"  # the caller's messages are not changed


def test_bad_templates_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not valid Jinja"):
        ChatTemplate("{% for %}")
    with pytest.raises(UsageError, match="cannot read"):
        ChatTemplate.load(tmp_path / "missing.jinja")
    (tmp_path / "tokenizer_config.json").write_text('{"bos_token": "<s>"}')
    with pytest.raises(UsageError, match="chat_template"):
        ChatTemplate.load(tmp_path / "tokenizer_config.json")
    with pytest.raises(UsageError, match="content_format"):
        ChatTemplate("x", content_format="xml")  # type: ignore[arg-type]
