"""Differential test: streamparse's template dialects against Transformers' own ``parse_response``.

Transformers (5.x, ``transformers.utils.chat_parsing``) is the reference
engine of ``response_template``; vLLM's ``hf`` parser and SGLang's
``response_template`` vendor it. It is not in the test extra (it pulls
huggingface-hub, tokenizers and more): ``pip install 'streamparse[hf]'``
runs this file, which skips without it.

Same texts, same templates, compared after the differences README lists
("Where streamparse differs from Transformers"):

1. arguments: streamparse passes the arguments as written (a JSON string),
   Transformers returns the parsed object: compared as JSON;
2. the implicit field: Transformers keeps its last stretch of text only
   (text after the last call replaces the text before it), streamparse
   streams all of it: ``content`` is compared on texts without calls, and
   where the content field is ``repeats``/``join`` (harmony);
3. text outside every field, in a template without an implicit field:
   Transformers drops it, streamparse returns it as content (nothing is
   dropped silently): the harmony renderer's message without a header is
   left out of the comparison;
4. a region that fails to parse: Transformers raises, streamparse returns
   content (never raises on model output): only well-formed outputs here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamparse
from streamparse.testing import render
from streamparse.testing.strategies import samples

chat_parsing = pytest.importorskip("transformers.utils.chat_parsing")

from test_response_template import DIALECTS, HARMONY, HERMES, QWEN3_CODER, WORKED  # noqa: E402

CASES = {
    "hermes": (HERMES, DIALECTS["hermes"]),
    "hermes_stripped": (WORKED, streamparse.load_dialect(WORKED)),
    "qwen3_coder": (QWEN3_CODER, DIALECTS["qwen3_coder"]),
    "gpt_oss": (HARMONY, DIALECTS["gpt_oss"]),
}
# Where the content field collects every stretch of text (repeats and join), content compares always.
CONTENT_JOINED = {"gpt_oss"}


def _ours(text: str, dialect: Any, tools: Any) -> dict[str, Any]:
    result = streamparse.parse(text, dialect, tools)
    message: dict[str, Any] = {}
    if result.reasoning_content:
        message["thinking"] = result.reasoning_content
    if result.content:
        message["content"] = result.content
    if result.tool_calls:
        message["tool_calls"] = [
            {"name": c.function.name, "arguments": json.loads(c.function.arguments)}
            for c in result.tool_calls
        ]
    return message


def _theirs(text: str, template: dict[str, Any], tools: Any) -> dict[str, Any]:
    parsed = chat_parsing.parse_response(text, template, prefix="", tools=list(tools or []))
    message = {key: parsed[key] for key in ("thinking", "content") if parsed.get(key)}
    if parsed.get("tool_calls"):
        message["tool_calls"] = [
            {"name": c["function"]["name"], "arguments": c["function"]["arguments"]}
            for c in parsed["tool_calls"]
        ]
    return message


@pytest.mark.parametrize("case", sorted(CASES))
@given(data=st.data())
def test_same_message_as_transformers(case: str, data: st.DataObject) -> None:
    builtin = case.removesuffix("_stripped")
    template, dialect = CASES[case]
    sample = data.draw(samples(builtin))
    rendered = render(builtin, sample)
    ours = _ours(rendered.text, dialect, rendered.tools)
    theirs = _theirs(rendered.text, template, rendered.tools)
    headerless = builtin == "gpt_oss" and sample.reasoning is None and sample.first_index % 5 == 4
    if (sample.calls and builtin not in CONTENT_JOINED) or headerless:
        ours.pop("content", None)
        theirs.pop("content", None)
    assert ours == theirs


def test_the_differences_are_as_documented() -> None:
    text = 'Checking.\n<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>\n'
    assert "content" not in chat_parsing.parse_response(text, WORKED, prefix="")
    assert streamparse.parse(text, streamparse.load_dialect(WORKED)).content == "Checking."
    stray = "stray<|channel|>final<|message|>Hi<|return|>"
    assert chat_parsing.parse_response(stray, HARMONY, prefix="")["content"] == "Hi"
    assert streamparse.parse(stray, DIALECTS["gpt_oss"]).content == "strayHi"
    broken = '<tool_call>{"name": "f", "arguments": {</tool_call>'
    with pytest.raises(ValueError):
        chat_parsing.parse_response(broken, WORKED, prefix="")
    assert streamparse.parse(broken, streamparse.load_dialect(WORKED)).tool_calls[0].function.name == "f"
