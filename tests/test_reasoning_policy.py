"""The reasoning policy of every dialect (issue 5, item 5).

Every dialect with reasoning markers answers the same questions:

* ``OPEN ... CLOSE`` is reasoning and what follows is content; a block that
  is never closed runs to the end of the text.
* ``start_in_reasoning=True`` (the prompt already opened the block, as the
  templates of MiniMax-M2, DeepSeek-V3.1 thinking mode, Qwen3-Thinking-2507
  and newer R1 and GLM do) starts the output inside it, so a lone ``CLOSE``
  ends it.
* Without the option a lone ``CLOSE`` is content, verbatim: the text before
  it was already emitted as content, and DIALECTS.md ("Prompt-opened
  reasoning") says the parser must be told at construction time. A second
  ``CLOSE`` after the block ended is content too, and an ``OPEN`` inside
  reasoning is reasoning text.
* A tool-call section that opens before ``CLOSE`` ends the reasoning in
  ``kimi_k2`` (DIALECTS.md §1: the section begin, and a bare call begin)
  and in ``qwen3_coder`` when ``<tool_call>`` is followed by ``<function=``
  (Qwen3.5 does this; vLLM's and SGLang's Qwen3 reasoning parsers end the
  reasoning there), and in the DSML dialects (``deepseek_v32``, ``deepseek_v4``,
  ``deepseek_v41``: vLLM's V4 grammar ends it at the block), in ``kimi_k3`` (its
  ``tools`` and ``response`` openers are special tokens, never prose) and in ``gemma4``
  (``<|tool_call>``, as vLLM's Gemma 4 reasoning parser does), in ``ling3`` (``<tool_call>``,
  as vLLM's and SGLang's ling3 parsers read it) and in ``plamo3`` (its tool-requests opener, as
  vLLM's parser reads it). In ``trinity`` and
  ``apertus`` a call block inside the reasoning is a call and the reasoning resumes after it
  (the text after the block up to ``CLOSE`` is reasoning). In every other dialect
  (``minimax_m3`` included: vLLM's M3 reasoning parser ends only at ``</mm:think>``) it is
  reasoning text (DIALECTS.md §2 for ``minimax_m1``; the vLLM reasoning parsers of the rest
  read calls only after ``CLOSE``). ``gpt_oss`` has no ``CLOSE`` to miss: a new message
  header ends the analysis body whatever follows.
* Markup that looks like part of a call but cannot open one is reasoning
  text in every dialect.
* ``minimax_m3`` only: a ``</mm:think>`` that starts the output is markup (a
  non-thinking reply may begin with one; vLLM and SGLang drop it).

Dialects without reasoning markers (``llama3_json``, ``json_array``,
``pythonic``, ``granite``, ``granite_20b_fc``, ``functiongemma``, ``jamba``, ``phi4_mini_json``,
``gigachat3``) refuse ``start_in_reasoning=True`` with a ``UsageError``
wherever a parser is configured (``StreamParser``, ``parse``,
``ChunkStream``, the proxy): silently ignoring it would show the model's
reasoning to users as content. Their ``<think>`` text is content (a call
after it is still a call where a marker introduces calls anywhere).

Each case runs through ``_streamcheck.check_case`` (whole, one character at
a time, seeded random cuts, wire shape, event level) and, besides, at every
cut into two pieces, each compared with ``streamparse.parse``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from _streamcheck import (
    AB,
    CB,
    CE,
    DS_CALL_BEGIN,
    DS_CALL_END,
    DS_CALLS_BEGIN,
    DS_CALLS_END,
    DS_SEP,
    SB,
    SE,
    Call,
    Expect,
    check_case,
    stream_summary,
    summary,
)

import streamparse

THINK = ("<think>", "</think>")
ARGUMENTS = '{"a": 1}'
# The XML dialects keep an untyped value as a string (glm45 decodes JSON-looking ones).
STRING_ARGUMENTS = '{"a": "1"}'


@dataclass(frozen=True)
class ReasoningDialect:
    """What the shared cases need to know about a dialect with reasoning markers."""

    name: str
    think_open: str
    think_close: str
    # One complete call of ``f``, and what it parses to.
    call: str
    expected_call: Call
    call_ends_reasoning: bool
    # Markup of the dialect that cannot open a call on its own.
    look_alike: str
    # A complete call block inside the reasoning is a call, and the reasoning resumes after it.
    call_suspends_reasoning: bool = False


REASONING_DIALECTS = (
    ReasoningDialect(
        "kimi_k2",
        *THINK,
        call=f"{SB}{CB}functions.f:0{AB}{ARGUMENTS}{CE}{SE}",
        expected_call=Call("f", ARGUMENTS, "functions.f:0"),
        call_ends_reasoning=True,
        look_alike=f"functions.f:0{AB}{ARGUMENTS}{CE}{SE}",
    ),
    ReasoningDialect(
        "minimax_m1",
        *THINK,
        call=f'<tool_calls>\n{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_calls>',
    ),
    ReasoningDialect(
        "hermes",
        *THINK,
        call=f'<tool_call>\n{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
    ),
    ReasoningDialect(
        "deepseek_v3",
        *THINK,
        call=f"{DS_CALLS_BEGIN}{DS_CALL_BEGIN}function{DS_SEP}f\n```json\n{ARGUMENTS}\n```{DS_CALL_END}{DS_CALLS_END}",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f"function{DS_SEP}f\n```json\n{ARGUMENTS}\n```{DS_CALL_END}{DS_CALLS_END}",
    ),
    ReasoningDialect(
        "deepseek_v31",
        *THINK,
        call=f"{DS_CALLS_BEGIN}{DS_CALL_BEGIN}f{DS_SEP}{ARGUMENTS}{DS_CALL_END}{DS_CALLS_END}",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f"f{DS_SEP}{ARGUMENTS}{DS_CALL_END}{DS_CALLS_END}",
    ),
    ReasoningDialect(
        "mistral",
        "[THINK]",
        "[/THINK]",
        call=f"[TOOL_CALLS]f[ARGS]{ARGUMENTS}",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f"f[CALL_ID]a1B2c3D4e[ARGS]{ARGUMENTS}",
    ),
    ReasoningDialect(
        "qwen3_coder",
        *THINK,
        call="<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n</tool_call>",
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=True,
        # <tool_call> followed by anything but <function= is a mention, not a call.
        look_alike="<tool_call> blocks hold <function=f>\n<parameter=a>\n1\n</parameter>\n</function>",
    ),
    ReasoningDialect(
        "glm45",
        *THINK,
        call="<tool_call>f\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="f\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>",
    ),
    ReasoningDialect(
        "minimax_m2",
        *THINK,
        call='<minimax:tool_call>\n<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>\n</minimax:tool_call>',
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=False,
        look_alike='<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>',
    ),
    ReasoningDialect(
        "seed_oss",
        "<seed:think>",
        "</seed:think>",
        call="<seed:tool_call>\n<function=f>\n<parameter=a>1</parameter>\n</function>\n</seed:tool_call>",
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="<function=f>\n<parameter=a>1</parameter>\n</function>",
    ),
    ReasoningDialect(
        "deepseek_v32",
        *THINK,
        call='<｜DSML｜function_calls>\n<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="a" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike='<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="a" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>',
    ),
    ReasoningDialect(
        "deepseek_v4",
        *THINK,
        call='<｜DSML｜tool_calls>\n<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="a" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike='<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="a" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>',
    ),
    ReasoningDialect(
        "deepseek_v41",
        *THINK,
        call='<｜DSML｜ calls>\n<｜DSML｜ invoke name="f">\n<｜DSML｜ parameter name="a" string="false">1</｜DSML｜ parameter>\n</｜DSML｜ invoke>\n</｜DSML｜ calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike='<｜DSML｜ invoke name="f">\n<｜DSML｜ parameter name="a" string="false">1</｜DSML｜ parameter>\n</｜DSML｜ invoke>',
    ),
    # vLLM ignores a <tool_calls> block inside <think>.
    ReasoningDialect(
        "hunyuan_a13b",
        *THINK,
        call=f'<tool_calls>[{{"name": "f", "arguments": {ARGUMENTS}}}]</tool_calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'[{{"name": "f", "arguments": {ARGUMENTS}}}]</tool_calls>',
    ),
    ReasoningDialect(
        "cohere_command4",
        "<|START_THINKING|>",
        "<|END_THINKING|>",
        call=f'<|START_ACTION|>[{{"tool_call_id": "0", "tool_name": "f", "parameters": {ARGUMENTS}}}]<|END_ACTION|>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'[{{"tool_call_id": "0", "tool_name": "f", "parameters": {ARGUMENTS}}}]<|END_ACTION|>',
    ),
    ReasoningDialect(
        "kimi_k3",
        "<|open|>think<|sep|>",
        "<|close|>think<|sep|>",
        call='<|open|>tools<|sep|><|open|>call tool="f" index="1"<|sep|><|open|>argument key="a" type="number"<|sep|>1<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike='<|open|>call tool="f" index="1"<|sep|><|open|>argument key="a" type="number"<|sep|>1<|close|>argument<|sep|><|close|>call<|sep|>',
    ),
    # Gemma 4: the word "thought" and its newline belong to the opener; vLLM's reasoning parser
    # ends the reasoning at <|tool_call>.
    ReasoningDialect(
        "gemma4",
        "<|channel>thought\n",
        "<channel|>",
        call="<|tool_call>call:f{a:1}<tool_call|>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike="call:f{a:1}<tool_call|>",
    ),
    ReasoningDialect(
        "mimo",
        *THINK,
        call="<tool_call><function=f><parameter=a>1</parameter></function></tool_call>",
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=True,  # qwen3_coder's rule: <tool_call> then <function= ends it
        look_alike="<tool_call> blocks hold <function=f><parameter=a>1</parameter></function>",
    ),
    ReasoningDialect(
        "hy_v3",
        *THINK,
        call="<tool_calls>\n<tool_call>f<tool_sep>\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>\n</tool_calls>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="<tool_call>f<tool_sep>\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>",
    ),
    ReasoningDialect(
        "hy_v4",
        *THINK,
        call="<tool_calls>\n<tool_call>f\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>\n</tool_calls>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="<tool_call>f\n<arg_key>a</arg_key>\n<arg_value>1</arg_value>\n</tool_call>",
    ),
    ReasoningDialect(
        "lfm2",
        *THINK,
        call="<|tool_call_start|>[f(a=1)]<|tool_call_end|>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="[f(a=1)]<|tool_call_end|>",
    ),
    ReasoningDialect(
        "step3",
        *THINK,
        call='<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="f">'
        '<steptml:parameter name="a">1</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=False,
        look_alike='<steptml:invoke name="f"><steptml:parameter name="a">1</steptml:parameter></steptml:invoke>',
    ),
    ReasoningDialect(
        "k2_horizon",
        "<ifm|think>",
        "</ifm|think>",
        call="<ifm|tool_calls>\n<ifm|tool_call>f<ifm|arg_key>a</ifm|arg_key><ifm|arg_value>1</ifm|arg_value></ifm|tool_call>\n</ifm|tool_calls>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,  # the group opener ends the reasoning
        look_alike="<ifm|tool_call>f<ifm|arg_key>a</ifm|arg_key><ifm|arg_value>1</ifm|arg_value></ifm|tool_call>",
    ),
    ReasoningDialect(
        "minimax_m3",
        "<mm:think>",
        "</mm:think>",
        call=']<]minimax[>[<tool_call>\n]<]minimax[>[<invoke name="f">\n]<]minimax[>[<a>1]<]minimax[>[</a>\n]<]minimax[>[</invoke>\n]<]minimax[>[</tool_call>',
        expected_call=Call("f", STRING_ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=']<]minimax[>[<invoke name="f">\n]<]minimax[>[<a>1]<]minimax[>[</a>\n]<]minimax[>[</invoke>',
    ),
    # Issue 15, group B: as hermes, a block inside the reasoning is reasoning text.
    ReasoningDialect(
        "longcat",
        "<longcat_think>",
        "</longcat_think>",
        call=f'<longcat_tool_call>\n{{"name": "f", "arguments": {ARGUMENTS}}}\n</longcat_tool_call>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'{{"name": "f", "arguments": {ARGUMENTS}}}\n</longcat_tool_call>',
    ),
    ReasoningDialect(
        "internlm",
        *THINK,
        call=f'<|action_start|><|plugin|>\n{{"name": "f", "parameters": {ARGUMENTS}}}<|action_end|>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'<|plugin|>\n{{"name": "f", "parameters": {ARGUMENTS}}}<|action_end|>',
    ),
    ReasoningDialect(
        "apertus",
        "<|inner_prefix|>",
        "<|inner_suffix|>",
        call=f'<|tools_prefix|>[{{"f": {ARGUMENTS}}}]<|tools_suffix|>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'[{{"f": {ARGUMENTS}}}]<|tools_suffix|>',
        call_suspends_reasoning=True,
    ),
    ReasoningDialect(
        "trinity",
        *THINK,
        call=f'<tool_call>\n{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
        call_suspends_reasoning=True,
    ),
    ReasoningDialect(
        "xlam",
        *THINK,
        call=f'```json\n[{{"name": "f", "arguments": {ARGUMENTS}}}]\n```',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'[{{"name": "f", "arguments": {ARGUMENTS}}}]\n',
    ),
)
# Issue 15, group B. ling3: vLLM's and SGLang's ling3 parsers end the reasoning at <tool_call>;
# the others read calls only after </think>, as their engines' reasoning parsers do.
REASONING_DIALECTS += (
    ReasoningDialect(
        "ling3",
        *THINK,
        call="<tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike="f<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>",
    ),
    ReasoningDialect(
        "ernie45",
        *THINK,
        call=f'<tool_call>\n{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike=f'{{"name": "f", "arguments": {ARGUMENTS}}}\n</tool_call>',
    ),
    ReasoningDialect(
        "dots",
        *THINK,
        call='<dots_function_call>\n<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>\n</dots_function_call>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike='<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>',
    ),
    ReasoningDialect(
        "iquest_q1",
        *THINK,
        call="<iquest_tool_call>f<arg_key>a</arg_key><arg_value>1</arg_value></iquest_tool_call>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="f<arg_key>a</arg_key><arg_value>1</arg_value></iquest_tool_call>",
    ),
    ReasoningDialect(
        "gigachat35",
        *THINK,
        call='<｜GCML｜tool_calls>\n<｜GCML｜invoke name="f">\n<｜GCML｜parameter name="a" string="false">1</｜GCML｜parameter>\n</｜GCML｜invoke>\n</｜GCML｜tool_calls>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike='<｜GCML｜invoke name="f">\n<｜GCML｜parameter name="a" string="false">1</｜GCML｜parameter>\n</｜GCML｜invoke>',
    ),
    ReasoningDialect(
        "minicpm5",
        *THINK,
        call='<function name="f"><param name="a">1</param></function>',
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike='<param name="a">1</param></function>',
    ),
    ReasoningDialect(
        "olmo3",
        *THINK,
        call="<function_calls>f(a=1)</function_calls>",
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=False,
        look_alike="f(a=1)</function_calls>",
    ),
    # vLLM's plamo3 parser ends the reasoning at the tool-requests opener.
    ReasoningDialect(
        "plamo3",
        "<|plamo:begin_think:plamo|>",
        "<|plamo:end_think:plamo|>",
        call=(
            "<|plamo:begin_tool_requests:plamo|><|plamo:begin_tool_request:plamo|><|plamo:begin_tool_name:plamo|>f"
            "<|plamo:end_tool_name:plamo|><|plamo:begin_tool_arguments:plamo|><|plamo:constrain|>json<|plamo:msg|>"
            f"{ARGUMENTS}<|plamo:end_tool_arguments:plamo|><|plamo:end_tool_request:plamo|>"
            "<|plamo:end_tool_requests:plamo|>"
        ),
        expected_call=Call("f", ARGUMENTS),
        call_ends_reasoning=True,
        look_alike=(
            "<|plamo:begin_tool_request:plamo|><|plamo:begin_tool_name:plamo|>f<|plamo:end_tool_name:plamo|>"
            f"<|plamo:constrain|>json<|plamo:msg|>{ARGUMENTS}<|plamo:end_tool_request:plamo|>"
        ),
    ),
)


@dataclass(frozen=True)
class Case:
    dialect: str
    label: str
    text: str
    expect: Expect
    start_in_reasoning: bool = False

    @property
    def id(self) -> str:
        return f"{self.dialect}-{self.label}"


def shared_cases(d: ReasoningDialect) -> list[Case]:
    """The same questions, asked of every dialect with reasoning markers."""
    opener, closer, call = d.think_open, d.think_close, d.call
    calls = (d.expected_call,)
    if d.call_ends_reasoning:
        call_before_close = Expect(reasoning="plan ", calls=calls, content=f"{closer}Hi")
        prompt_opened_call = Expect(reasoning="plan ", calls=calls)
    elif d.call_suspends_reasoning:
        call_before_close = Expect(reasoning="plan ", calls=calls, content="Hi")
        prompt_opened_call = Expect(reasoning="plan ", calls=calls)
    else:
        call_before_close = Expect(reasoning=f"plan {call}", content="Hi")
        prompt_opened_call = Expect(reasoning=f"plan {call}")
    return [
        Case(d.name, "block", f"{opener}plan{closer}Hi", Expect(reasoning="plan", content="Hi")),
        Case(d.name, "unclosed_block_runs_to_end", f"{opener}plan", Expect(reasoning="plan")),
        Case(
            d.name, "call_after_block", f"{opener}plan{closer}{call}", Expect(reasoning="plan", calls=calls)
        ),
        Case(d.name, "prompt_opened", f"plan{closer}Hi", Expect(reasoning="plan", content="Hi"), True),
        Case(d.name, "prompt_opened_unclosed", "plan", Expect(reasoning="plan"), True),
        Case(
            d.name,
            "prompt_opened_then_call",
            f"plan{closer}{call}",
            Expect(reasoning="plan", calls=calls),
            True,
        ),
        Case(d.name, "prompt_opened_empty", "", Expect(), True),
        Case(d.name, "lone_close_is_content", f"plan{closer}Hi", Expect(content=f"plan{closer}Hi")),
        Case(
            d.name,
            "second_close_is_content",
            f"{opener}a{closer}b{closer}c",
            Expect(reasoning="a", content=f"b{closer}c"),
        ),
        Case(
            d.name,
            "opener_inside_reasoning_is_text",
            f"{opener}plan{closer}Hi",
            Expect(reasoning=f"{opener}plan", content="Hi"),
            True,
        ),
        Case(d.name, "call_before_close", f"{opener}plan {call}{closer}Hi", call_before_close),
        Case(d.name, "prompt_opened_call_before_close", f"plan {call}", prompt_opened_call, True),
        Case(
            d.name,
            "look_alike_is_reasoning_text",
            f"{opener}x {d.look_alike} y{closer}Hi",
            Expect(reasoning=f"x {d.look_alike} y", content="Hi"),
        ),
        Case(
            d.name,
            "prompt_opened_look_alike_is_reasoning_text",
            f"x {d.look_alike} y{closer}Hi",
            Expect(reasoning=f"x {d.look_alike} y", content="Hi"),
            True,
        ),
    ]


KIMI_CASES = [
    # DIALECTS.md §1: a bare <|tool_call_begin|> ends the reasoning too.
    Case(
        "kimi_k2",
        "call_begin_without_section_ends_reasoning",
        f"<think>plan{CB}functions.f:0{AB}{ARGUMENTS}{CE}",
        Expect(reasoning="plan", calls=(Call("f", ARGUMENTS, "functions.f:0"),)),
    ),
    # The section ended the reasoning before it turned out to hold no call: it is
    # content in full, and so is everything after it.
    Case(
        "kimi_k2",
        "empty_section_inside_reasoning",
        f"<think>plan{SB}oops</think>Hi",
        Expect(reasoning="plan", content=f"{SB}oops</think>Hi"),
    ),
]

QWEN3_CODER_CASES = [
    *(
        Case(
            "qwen3_coder",
            f"call_ends_reasoning_after_{label}",
            f"<think>plan<tool_call>{space}<function=f></function></tool_call>",
            Expect(reasoning="plan", calls=(Call("f", "{}"),)),
        )
        for label, space in (("nothing", ""), ("a_space", " "), ("a_blank_line", "\n\n"))
    ),
    Case(
        "qwen3_coder",
        "tool_call_tag_before_close_is_reasoning_text",
        "<think>then <tool_call></think>Hi",
        Expect(reasoning="then <tool_call>", content="Hi"),
    ),
    Case(
        "qwen3_coder",
        "tool_call_tag_at_end_is_reasoning_text",
        "<think>then <tool_call>\n",
        Expect(reasoning="then <tool_call>\n"),
    ),
    # The reasoning is over once <tool_call><function= arrives, even if the header
    # then breaks: the failed block is content, as it would be outside reasoning.
    Case(
        "qwen3_coder",
        "broken_header_after_reasoning_ended",
        "<think>plan<tool_call>\n<function=</think>Hi",
        Expect(reasoning="plan", content="<tool_call>\n<function=</think>Hi"),
    ),
]

ANALYSIS = "<|channel|>analysis<|message|>"
FINAL = "<|start|>assistant<|channel|>final<|message|>"
GPT_OSS_CALL = (
    f"<|start|>assistant<|channel|>commentary to=functions.f <|constrain|>json<|message|>{ARGUMENTS}<|call|>"
)
GPT_OSS_F = (Call("f", ARGUMENTS),)

GPT_OSS_CASES = [
    Case(
        "gpt_oss",
        "analysis_then_final",
        f"{ANALYSIS}plan<|end|>{FINAL}Hi<|return|>",
        Expect(reasoning="plan", content="Hi"),
    ),
    Case("gpt_oss", "unterminated_analysis_runs_to_end", f"{ANALYSIS}plan", Expect(reasoning="plan")),
    Case(
        "gpt_oss",
        "analysis_then_call",
        f"{ANALYSIS}plan<|end|>{GPT_OSS_CALL}",
        Expect(reasoning="plan", calls=GPT_OSS_F),
    ),
    # The prompt ends with <|start|>assistant<|channel|>analysis<|message|>.
    Case(
        "gpt_oss",
        "prompt_opened",
        f"plan<|end|>{FINAL}Hi<|return|>",
        Expect(reasoning="plan", content="Hi"),
        True,
    ),
    Case("gpt_oss", "prompt_opened_unterminated", "plan", Expect(reasoning="plan"), True),
    Case(
        "gpt_oss",
        "prompt_opened_then_call",
        f"plan<|end|>{GPT_OSS_CALL}",
        Expect(reasoning="plan", calls=GPT_OSS_F),
        True,
    ),
    # A terminator outside any message is markup (harmony's terminators are never text).
    Case("gpt_oss", "lone_terminator_is_markup", f"plan<|end|>{FINAL}Hi<|return|>", Expect(content="planHi")),
    # A body that misses <|end|> ends at the next header: the call is a call.
    Case(
        "gpt_oss",
        "call_header_before_end",
        f"{ANALYSIS}plan {GPT_OSS_CALL}",
        Expect(reasoning="plan ", calls=GPT_OSS_F),
    ),
    Case(
        "gpt_oss",
        "prompt_opened_call_header_before_end",
        f"plan {GPT_OSS_CALL}",
        Expect(reasoning="plan ", calls=GPT_OSS_F),
        True,
    ),
    # A recipient written in the body is body text.
    Case(
        "gpt_oss",
        "recipient_inside_analysis_is_reasoning_text",
        f"{ANALYSIS}use to=functions.f {ARGUMENTS}<|end|>",
        Expect(reasoning=f"use to=functions.f {ARGUMENTS}"),
    ),
    # Built-in tools are called from the analysis channel: not a call the client can run.
    Case(
        "gpt_oss",
        "builtin_tool_message_is_reasoning",
        '<|channel|>analysis to=browser.search<|message|>{"q": "x"}<|call|>',
        Expect(reasoning='{"q": "x"}'),
    ),
]

# MiniMax-M3: a non-thinking reply may start with a stray close (vLLM and SGLang drop it there).
MINIMAX_M3_CASES = [
    Case("minimax_m3", "stray_close_at_start_is_markup", "</mm:think>Hi", Expect(content="Hi")),
    Case("minimax_m3", "close_after_a_space_is_content", " </mm:think>Hi", Expect(content=" </mm:think>Hi")),
]

CASES = (
    [case for d in REASONING_DIALECTS for case in shared_cases(d)]
    + MINIMAX_M3_CASES
    + KIMI_CASES
    + QWEN3_CODER_CASES
    + GPT_OSS_CASES
)

# Muse (routed messages, like harmony): to=self is reasoning, a new header ends it, invokes in it are text.
MUSE_SELF = " to=self<|message|>"
MUSE_USER = "<|start|>assistant to=user<|message|>"
MUSE_CALL = (
    '<|start|>assistant to=f<|message|><atem:function_calls><atem:invoke name="f">'
    '<atem:parameter name="a">1</atem:parameter></atem:invoke></atem:function_calls><|eom|>'
)
MUSE_F = (Call("f", ARGUMENTS),)
ROUTED_CASES = [
    Case(dialect, label, text, expect, prompt_opened)
    for dialect in ("muse", "muse_glimmer")
    for label, text, expect, prompt_opened in (
        (
            "self_then_user",
            f"{MUSE_SELF}plan<|eom|>{MUSE_USER}Hi<|eot|>",
            Expect(reasoning="plan", content="Hi"),
            False,
        ),
        ("unterminated_self_runs_to_end", f"{MUSE_SELF}plan", Expect(reasoning="plan"), False),
        (
            "self_then_call",
            f"{MUSE_SELF}plan<|eom|>{MUSE_CALL}",
            Expect(reasoning="plan", calls=MUSE_F),
            False,
        ),
        # The prompt ends with <|start|>assistant to=self<|message|>.
        ("prompt_opened", f"plan<|eom|>{MUSE_USER}Hi", Expect(reasoning="plan", content="Hi"), True),
        ("prompt_opened_then_call", f"plan<|eom|>{MUSE_CALL}", Expect(reasoning="plan", calls=MUSE_F), True),
        # A body that misses <|eom|> ends at the next header.
        (
            "call_header_before_end",
            f"{MUSE_SELF}plan {MUSE_CALL}",
            Expect(reasoning="plan ", calls=MUSE_F),
            False,
        ),
        (
            "invoke_inside_self_is_reasoning_text",
            f'{MUSE_SELF}<atem:invoke name="f"></atem:invoke><|eom|>',
            Expect(reasoning='<atem:invoke name="f"></atem:invoke>'),
            False,
        ),
        ("lone_terminator_is_markup", f"plan<|eom|>{MUSE_USER}Hi", Expect(content="planHi"), False),
    )
]

# Inkling: the thinking block is reasoning; the next block ends it, whatever it is.
INKLING_THINK = "<|message_model|><|content_thinking|>"
INKLING_TEXT = "<|message_model|><|content_text|>"
INKLING_CALL = (
    f'<|message_model|>f<|content_invoke_tool_json|>{{"name": "f", "args": {ARGUMENTS}}}<|end_message|>'
)
ROUTED_CASES += [
    Case("inkling", label, text, expect, prompt_opened)
    for label, text, expect, prompt_opened in (
        (
            "thinking_then_text",
            f"{INKLING_THINK}plan<|end_message|>{INKLING_TEXT}Hi<|end_message|>",
            Expect(reasoning="plan", content="Hi"),
            False,
        ),
        ("unterminated_thinking_runs_to_end", f"{INKLING_THINK}plan", Expect(reasoning="plan"), False),
        (
            "thinking_then_call",
            f"{INKLING_THINK}plan<|end_message|>{INKLING_CALL}",
            Expect(reasoning="plan", calls=MUSE_F),
            False,
        ),
        # The prompt ends with <|message_model|><|content_thinking|>.
        (
            "prompt_opened",
            f"plan<|end_message|>{INKLING_TEXT}Hi",
            Expect(reasoning="plan", content="Hi"),
            True,
        ),
        (
            "prompt_opened_then_call",
            f"plan<|end_message|>{INKLING_CALL}",
            Expect(reasoning="plan", calls=MUSE_F),
            True,
        ),
        (
            "call_before_end",
            f"{INKLING_THINK}plan {INKLING_CALL}",
            Expect(reasoning="plan ", calls=MUSE_F),
            False,
        ),
        ("lone_end_is_markup", f"plan<|end_message|>{INKLING_TEXT}Hi", Expect(content="planHi"), False),
        (
            "call_object_in_thinking_is_text",
            f'{INKLING_THINK}{{"name": "f", "args": {{}}}}<|end_message|>',
            Expect(reasoning='{"name": "f", "args": {}}'),
            False,
        ),
    )
]
# Beam (harmony framing): the analysis channel is reasoning; a message to a tool is a call.
BEAM_CALL = (
    '<|start|>assistant to=f<|channel|>analysis <|constrain|>xml<|message|><rfl:parameter name="a">\n1\n'
    "</rfl:parameter><|call|>"
)
BEAM_F = (Call("f", '{"a": "1"}'),)
ROUTED_CASES += [
    Case("beam", label, text, expect, prompt_opened)
    for label, text, expect, prompt_opened in (
        (
            "analysis_then_final",
            f"{ANALYSIS}plan<|end|>{FINAL}Hi<|return|>",
            Expect(reasoning="plan", content="Hi"),
            False,
        ),
        ("unterminated_analysis_runs_to_end", f"{ANALYSIS}plan", Expect(reasoning="plan"), False),
        (
            "analysis_then_call",
            f"{ANALYSIS}plan<|end|>{BEAM_CALL}",
            Expect(reasoning="plan", calls=BEAM_F),
            False,
        ),
        ("prompt_opened", f"plan<|end|>{FINAL}Hi", Expect(reasoning="plan", content="Hi"), True),
        ("prompt_opened_then_call", f"plan<|end|>{BEAM_CALL}", Expect(reasoning="plan", calls=BEAM_F), True),
        (
            "call_header_before_end",
            f"{ANALYSIS}plan {BEAM_CALL}",
            Expect(reasoning="plan ", calls=BEAM_F),
            False,
        ),
        (
            "parameter_inside_analysis_is_reasoning_text",
            f'{ANALYSIS}<rfl:parameter name="a">1</rfl:parameter><|end|>',
            Expect(reasoning='<rfl:parameter name="a">1</rfl:parameter>'),
            False,
        ),
        ("lone_terminator_is_markup", f"plan<|end|>{FINAL}Hi<|return|>", Expect(content="planHi"), False),
    )
]
CASES += ROUTED_CASES


def check_every_two_piece_split(dialect: str, text: str, start_in_reasoning: bool) -> None:
    batch = streamparse.parse(text, dialect, id_seed=0, start_in_reasoning=start_in_reasoning)
    expected = summary(batch, with_incomplete=False)
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert stream_summary(dialect, pieces, start_in_reasoning=start_in_reasoning) == expected, pieces


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_reasoning_case(case: Case) -> None:
    check_case(case.dialect, case.text, case.expect, start_in_reasoning=case.start_in_reasoning)
    check_every_two_piece_split(case.dialect, case.text, case.start_in_reasoning)


# -- dialects without reasoning markers: start_in_reasoning changes nothing --------

NO_REASONING_DIALECTS = {
    "llama3_json": '{"name": "f", "parameters": {"a": 1}}',
    "json_array": '[{"name": "f", "parameters": {"a": 1}}]',
    "pythonic": "[f(a=1)]",
    "granite": '[{"name": "f", "arguments": {"a": 1}}]',  # the bare array (the marker dropped)
}
# Dialects without reasoning markers whose calls follow a marker anywhere: a call after a think
# block is a call, and the block is content.
NO_REASONING_MARKED_CALLS = (
    ("granite", '<|tool_call|>[{"name": "f", "arguments": {"a": 1}}]'),
    ("granite_20b_fc", '<function_call> {"name": "f", "arguments": {"a": 1}}'),
    ("jamba", '<tool_calls>[{"name": "f", "arguments": {"a": 1}}]</tool_calls>'),
    ("phi4_mini_json", 'functools[{"name": "f", "arguments": {"a": 1}}]'),
    ("gigachat3", '<|message_sep|>\n\nfunction call<|role_sep|>\n{"name": "f", "arguments": {"a": 1}}'),
)


def no_reasoning_cases() -> list[Case]:
    cases: list[Case] = []
    for dialect, call in NO_REASONING_DIALECTS.items():
        cases += [
            Case(dialect, "call", call, Expect(calls=(Call("f", ARGUMENTS),))),
            Case(dialect, "prose", "Hi there.", Expect(content="Hi there.")),
            # These dialects recognise calls only at the start of the output, so a
            # call after a think block is content, markers and all.
            Case(
                dialect,
                "think_block_then_call",
                f"<think>plan</think>{call}",
                Expect(content=f"<think>plan</think>{call}"),
            ),
            Case(
                dialect, "lone_close_then_call", f"plan</think>{call}", Expect(content=f"plan</think>{call}")
            ),
        ]
    return cases


NO_REASONING_CASES = no_reasoning_cases() + [
    case
    for dialect, call in NO_REASONING_MARKED_CALLS
    for case in (
        Case(dialect, "marked_call", call, Expect(calls=(Call("f", ARGUMENTS),))),
        Case(
            dialect,
            "think_block_then_marked_call",
            f"<think>plan</think>{call}",
            Expect(content="<think>plan</think>", calls=(Call("f", ARGUMENTS),)),
        ),
    )
]

# Dialects without reasoning markers whose calls open anywhere (a special token starts them):
# <think> text is content, and a call after it is still a call.
NO_REASONING_CALLS_ANYWHERE = {
    "functiongemma": "<start_function_call>call:f{a:1}<end_function_call>",
}
NO_REASONING_CASES += [
    Case(dialect, label, text.format(call=call), Expect(content=content, calls=(Call("f", ARGUMENTS),)))
    for dialect, call in NO_REASONING_CALLS_ANYWHERE.items()
    for label, text, content in (
        ("call", "{call}", None),
        ("think_block_then_call", "<think>plan</think>{call}", "<think>plan</think>"),
        ("lone_close_then_call", "plan</think>{call}", "plan</think>"),
    )
]


@pytest.mark.parametrize("case", NO_REASONING_CASES, ids=[case.id for case in NO_REASONING_CASES])
def test_think_text_is_content_without_reasoning_markers(case: Case) -> None:
    check_case(case.dialect, case.text, case.expect)
    check_every_two_piece_split(case.dialect, case.text, False)


@pytest.mark.parametrize(
    "dialect",
    sorted(
        set(NO_REASONING_DIALECTS)
        | {dialect for dialect, _ in NO_REASONING_MARKED_CALLS}
        | set(NO_REASONING_CALLS_ANYWHERE)
    ),
)
def test_start_in_reasoning_is_refused_without_reasoning_markers(dialect: str) -> None:
    from streamparse.server import ChatTemplate, ProxyConfig, create_proxy_app

    builders: list[Callable[[], object]] = [
        lambda: streamparse.StreamParser(dialect, start_in_reasoning=True),
        lambda: streamparse.parse("[]", dialect, start_in_reasoning=True),
        lambda: streamparse.sse.ChunkStream(dialect, start_in_reasoning=True),
        lambda: create_proxy_app(
            ProxyConfig(
                "http://upstream/v1", dialect, ChatTemplate("{{ messages }}"), start_in_reasoning=True
            )
        ),
    ]
    for build in builders:
        with pytest.raises(streamparse.UsageError, match="start_in_reasoning=True cannot apply"):
            build()


def test_every_dialect_has_a_reasoning_policy() -> None:
    covered = {d.name for d in REASONING_DIALECTS} | {"gpt_oss"} | set(NO_REASONING_DIALECTS)
    covered |= {dialect for dialect, _ in NO_REASONING_MARKED_CALLS}
    covered |= set(NO_REASONING_CALLS_ANYWHERE)
    covered |= {case.dialect for case in ROUTED_CASES}
    assert covered == set(streamparse.dialects())
