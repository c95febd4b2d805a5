"""Choosing a dialect: ``detect()`` reads a model id and/or its chat template.

A chat template writes the exact tool-call markup the model was trained on
(the assistant branch renders earlier calls, and the system prompt often
spells the format out), so its markers are the stronger evidence; a model
id is a family name, second. When both are given and disagree, the template
wins and the reason says so. Only registered dialects are returned
(``streamparse.dialects()`` at call time): evidence for a format this
version does not parse gives ``None`` with a reason naming the format.
``json_array`` (forced ``tool_choice``) is never detected.

Chat template rules, first match wins; a rule matches when the template
text contains every one of its markers:

=============== ===========================================================
dialect         markers
=============== ===========================================================
deepseek_v41    ``DSML`` and `` calls>`` (V4.1's DSML: a space before every
                tag name)
deepseek_v41    ``｜DSML｜ `` (the prefix with V4.1's space)
deepseek_v32    ``DSML`` and ``function_calls`` (V3.2's DSML block)
deepseek_v4     ``DSML`` and ``tool_calls>`` (V4's block tag; every DeepSeek
                template also reads ``message['tool_calls']``, so the ``>``
                and V3.2's rule first)
gigachat35      ``GCML`` (GigaChat 3.5's tag prefix)
dots            ``<dots_function_call>``
iquest_q1       ``<iquest_tool_call>``
minicpm5        ``<function name=`` and ``<param name=``
olmo3           ``<function_calls>`` (after the DSML rules: V3.2's block is
                ``function_calls`` too)
plamo3          ``<|plamo:`` (PLaMo's marker prefix)
gemma4          ``<|tool_call>`` (Gemma 4's call token; its ``<tool_call|>``
                end is not hermes's ``<tool_call>``)
functiongemma   ``<start_function_call>``
kimi_k2         ``<|tool_calls_section_begin|>``
kimi_k3         ``<|open|>`` and ``<|sep|>`` (XTML's special tokens)
inkling         ``<|content_invoke_tool_json|>``
beam            ``<rfl:parameter`` (harmony framing, so before gpt_oss)
muse            ``<atem:function_calls>`` (ATEM; Muse Glimmer's template
                too: only the model id tells Glimmer apart)
gpt_oss         ``<|channel|>`` (harmony)
minimax_m2      ``<minimax:tool_call>``
minimax_m3      ``]<]minimax[>[`` (M3's namespace before every tag)
seed_oss        ``<seed:tool_call>``
deepseek_v3     ``<｜tool▁sep｜>`` and a ```` ```json ```` fence (V3 writes
                the type word, the name, then fenced JSON)
deepseek_v31    ``<｜tool▁sep｜>`` (V3.1 writes the name before it, raw JSON
                after)
cohere_command4 ``<|START_ACTION|>``
granite         ``<|tool_call|>`` (Granite 3's token; Granite 4 writes
                hermes blocks)
granite_20b_fc  ``<function_call>``
hunyuan_a13b    ``<tool_calls>[`` (its prompt spells the array out), or
                ``<tool_calls>`` and its role token ``<|extra_0|>``
hy_v3           ``<tool_sep>`` and ``<arg_key>``
hy_v4           ``<tool_calls>`` and ``<arg_key>`` (Hunyuan's block; GLM
                has no ``<tool_calls>``)
lfm2            ``<|tool_call_start|>``
k2_horizon      ``<ifm|tool_call>``
step3           ``<steptml:invoke``
mimo            ``<tool_call><function=`` (MiMo's template writes the block
                without newlines, so values are read verbatim)
longcat         ``<longcat_tool_call>``
apertus         ``<|tools_prefix|>``
phi4_mini_json  ``functools[`` (vLLM's Phi-4-mini template spells it out)
internlm        ``<|action_start|>`` and ``<|plugin|>``
xlam            ``make calls in a single JSON array`` (the xLAM-2 prompt)
gigachat3       ``function call<|role_sep|>`` (GigaChat 3), or
                ``<|function_call|>`` (GigaChat 3.1)
qwen3_coder     ``<tool_call>`` and ``<function=``
ling3           ``<|role_end|>`` (Ling's turn end token) and ``<arg_key>``
glm45           ``<tool_call>`` and ``<arg_key>``
ernie45         ``<|end_of_sentence|>`` (ERNIE's, ASCII bars) and
                ``<tool_call>``
hermes          ``<tool_call>``
minimax_m1      ``<tool_calls>``
mistral         ``[TOOL_CALLS]``
pythonic        ``[func_name1(`` (the pythonic prompt's format line)
llama3_json     ``dictionary of argument name and its value`` (Meta's JSON
                prompt line)
llama3_json     ``<|python_tag|>``
=============== ===========================================================

The order settles the overlaps: Qwen3-Coder and GLM templates also contain
hermes's ``<tool_call>``; DeepSeek V3 and V3.1 share every special token;
a Llama template with the pythonic prompt may still mention
``<|python_tag|>``.

Model id rules, first match wins. The id is lowercased, everything up to its
last ``/`` (the organisation, or a local directory) is dropped, and ``-``,
``_`` and spaces are removed, so ``Qwen/Qwen3-8B``, ``qwen3_8b`` and the
Ollama tag ``qwen3:8b`` all read ``qwen3...``. A rule matches when the
squeezed id contains one of its names:

=============== ===========================================================
dialect         names
=============== ===========================================================
deepseek_v31    ``deepseekv3.1``, ``deepseekv3.2exp`` (V3.2-Exp still wrote
                V3.1's format)
deepseek_v32    ``deepseekv3.2``
deepseek_v41    ``deepseekv4.1``, ``deepseekv41``
deepseek_v4     ``deepseekv4``
deepseek_v3     ``deepseekv3``, ``deepseekr1`` (R1 distills use R1's
                template)
gigachat35      ``gigachat3.5`` (before GigaChat 3's JSON format)
ling3           ``ling3`` (Ling 3's template writes glm45's tags: the id tells
                them apart)
ernie45         ``ernie4.5``
dots            ``dots.llm``
iquest_q1       ``iquestq1`` (earlier IQuest-Coder releases were served with
                hermes)
minicpm5        ``minicpm5``
olmo3           ``olmo3``
plamo3          ``plamo3``
functiongemma   ``functiongemma``
gemma4          ``gemma4``
kimi_k2         ``kimik2``
kimi_k3         ``kimik3``
minimax_m2      ``minimaxm2``
minimax_m3      ``minimaxm3``
minimax_m1      ``minimaxm1``
seed_oss        ``seedoss``
gpt_oss         ``gptoss``
muse_glimmer    ``museglimmer``
muse            ``musespark``
inkling         ``inkling``
beam            ``beam``
glm45           ``glm4.5``, ``glm4.6``, ``glm4.7``
hy_v3           ``hy3``, ``hunyuan3``, ``hunyuanv3``
hy_v4           ``hy4``, ``hunyuan4``, ``hunyuanv4``
lfm2            ``lfm2``
k2_horizon      ``k2horizon``, ``k2v3`` (after kimi_k2: not Moonshot's Kimi)
qwen3_coder     ``step3.5``, ``step3.7``, ``step5`` (StepFun's later models
                write qwen3_coder's XML; before step3)
step3           ``step3``
mimo            ``mimo`` (before qwen3: MiMo distills name Qwen)
qwen3_coder     ``qwen3coder``, ``qwen3.5``, ``qwen3.6``, ``granite4.2``
                (Granite 4.2 writes Nemotron-V3's XML)
hermes          ``granite4`` (Granite 4.0 / 4.1)
granite_20b_fc  ``granite20bfunctioncalling``
granite         ``granite3``
hunyuan_a13b    ``hunyuana13b``
cohere_command4 ``commanda``
longcat         ``longcat``
apertus         ``apertus``
trinity         ``trinity`` (no template rule: its template is hermes's)
jamba           ``jamba`` (no template rule: its ``<tool_calls>`` is
                minimax_m1's)
phi4_mini_json  ``phi4mini``
internlm        ``internlm``, ``interns1``
xlam            ``xlam``
gigachat3       ``gigachat3``
hermes          ``hermes``, ``qwq``, ``qwen2.5``, ``qwen3``
pythonic        ``llama4``
llama3_json     ``llama3.1``, ``llama3.2``, ``llama3.3``
mistral         ``mistral``, ``mixtral``, ``magistral``, ``devstral``,
                ``ministral``, ``codestral``, ``pixtral``
=============== ===========================================================

Here the order settles fine-tunes named after two families:
``Hermes-3-Llama-3.1-8B`` is hermes and ``DeepSeek-R1-Distill-Qwen-7B`` is
deepseek_v3, because their templates are those of the first name.

Last, a tokenizer config (``tokenizer_config=``) that carries a
``response_template`` gives the dialect made from it
(:func:`streamparse.load_dialect`) when neither table matched, as SGLang
picks its ``response_template`` parser: a built-in dialect is preferred
where one fits, for its quirks and its speed.

A checkpoint whose special tokens carry a suffix (Hunyuan's
``<tool_calls:opensource>``) gets the dialect with that suffix
(:func:`streamparse.with_token_suffix`): the suffix is the tokenizer
config's ``token_suffix`` (as vLLM reads it), else the one its added tokens
or its chat template spell the markers with (as SGLang reads the vocab).
The chat template's markers are matched with the suffix taken off.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ._dialect import DialectObject, token_suffix_in, without_token_suffixes
from .errors import UsageError
from .registry import dialects, get_dialect, takes_token_suffix, with_token_suffix
from .template import load_dialect

__all__ = ["Detection", "detect", "detection"]


class Detection(NamedTuple):
    """What :func:`detection` decided and the evidence it rests on."""

    dialect: str | DialectObject | None
    """A registered dialect name, a dialect made from the tokenizer config's
    ``response_template`` or with its token suffix, or ``None`` when none fits."""
    reason: str
    """The evidence that decided it (``chat template contains '...'``), or why nothing was decided."""


class _TemplateRule(NamedTuple):
    dialect: str
    markers: tuple[str, ...]  # all of them


class _ModelRule(NamedTuple):
    dialect: str
    names: tuple[str, ...]  # any of them


_TEMPLATE_RULES = (
    _TemplateRule("deepseek_v41", ("DSML", " calls>")),
    _TemplateRule("deepseek_v41", ("｜DSML｜ ",)),
    _TemplateRule("deepseek_v32", ("DSML", "function_calls")),
    _TemplateRule("deepseek_v4", ("DSML", "tool_calls>")),
    _TemplateRule("gigachat35", ("GCML",)),
    _TemplateRule("dots", ("<dots_function_call>",)),
    _TemplateRule("iquest_q1", ("<iquest_tool_call>",)),
    _TemplateRule("minicpm5", ("<function name=", "<param name=")),
    _TemplateRule("olmo3", ("<function_calls>",)),
    _TemplateRule("plamo3", ("<|plamo:",)),
    _TemplateRule("gemma4", ("<|tool_call>",)),
    _TemplateRule("functiongemma", ("<start_function_call>",)),
    _TemplateRule("kimi_k2", ("<|tool_calls_section_begin|>",)),
    _TemplateRule("kimi_k3", ("<|open|>", "<|sep|>")),
    _TemplateRule("inkling", ("<|content_invoke_tool_json|>",)),
    _TemplateRule("muse", ("<atem:function_calls>",)),
    _TemplateRule("beam", ("<rfl:parameter",)),
    _TemplateRule("gpt_oss", ("<|channel|>",)),
    _TemplateRule("minimax_m2", ("<minimax:tool_call>",)),
    _TemplateRule("minimax_m3", ("]<]minimax[>[",)),
    _TemplateRule("seed_oss", ("<seed:tool_call>",)),
    _TemplateRule("deepseek_v3", ("<｜tool▁sep｜>", "```json")),
    _TemplateRule("deepseek_v31", ("<｜tool▁sep｜>",)),
    _TemplateRule("cohere_command4", ("<|START_ACTION|>",)),
    _TemplateRule("granite", ("<|tool_call|>",)),
    _TemplateRule("granite_20b_fc", ("<function_call>",)),
    _TemplateRule("hunyuan_a13b", ("<tool_calls>[",)),
    _TemplateRule("hunyuan_a13b", ("<tool_calls>", "<|extra_0|>")),
    _TemplateRule("hy_v3", ("<tool_sep>", "<arg_key>")),
    _TemplateRule("hy_v4", ("<tool_calls>", "<arg_key>")),
    _TemplateRule("lfm2", ("<|tool_call_start|>",)),
    _TemplateRule("k2_horizon", ("<ifm|tool_call>",)),
    _TemplateRule("step3", ("<steptml:invoke",)),
    _TemplateRule("mimo", ("<tool_call><function=",)),
    _TemplateRule("longcat", ("<longcat_tool_call>",)),
    _TemplateRule("apertus", ("<|tools_prefix|>",)),
    _TemplateRule("phi4_mini_json", ("functools[",)),
    _TemplateRule("internlm", ("<|action_start|>", "<|plugin|>")),
    _TemplateRule("xlam", ("make calls in a single JSON array",)),
    _TemplateRule("gigachat3", ("function call<|role_sep|>",)),
    _TemplateRule("gigachat3", ("<|function_call|>",)),
    _TemplateRule("qwen3_coder", ("<tool_call>", "<function=")),
    _TemplateRule("ling3", ("<|role_end|>", "<arg_key>")),
    _TemplateRule("glm45", ("<tool_call>", "<arg_key>")),
    _TemplateRule("ernie45", ("<|end_of_sentence|>", "<tool_call>")),
    _TemplateRule("hermes", ("<tool_call>",)),
    _TemplateRule("minimax_m1", ("<tool_calls>",)),
    _TemplateRule("mistral", ("[TOOL_CALLS]",)),
    _TemplateRule("pythonic", ("[func_name1(",)),
    _TemplateRule("llama3_json", ("dictionary of argument name and its value",)),
    _TemplateRule("llama3_json", ("<|python_tag|>",)),
)

_MODEL_RULES = (
    _ModelRule("deepseek_v31", ("deepseekv3.1", "deepseekv3.2exp")),
    _ModelRule("deepseek_v32", ("deepseekv3.2",)),
    _ModelRule("deepseek_v41", ("deepseekv4.1", "deepseekv41")),
    _ModelRule("deepseek_v4", ("deepseekv4",)),
    _ModelRule("deepseek_v3", ("deepseekv3", "deepseekr1")),
    _ModelRule("gigachat35", ("gigachat3.5",)),
    _ModelRule("ling3", ("ling3",)),
    _ModelRule("ernie45", ("ernie4.5",)),
    _ModelRule("dots", ("dots.llm",)),
    _ModelRule("iquest_q1", ("iquestq1",)),
    _ModelRule("minicpm5", ("minicpm5",)),
    _ModelRule("olmo3", ("olmo3",)),
    _ModelRule("plamo3", ("plamo3",)),
    _ModelRule("functiongemma", ("functiongemma",)),
    _ModelRule("gemma4", ("gemma4",)),
    _ModelRule("kimi_k2", ("kimik2",)),
    _ModelRule("kimi_k3", ("kimik3",)),
    _ModelRule("minimax_m2", ("minimaxm2",)),
    _ModelRule("minimax_m3", ("minimaxm3",)),
    _ModelRule("minimax_m1", ("minimaxm1",)),
    _ModelRule("seed_oss", ("seedoss",)),
    _ModelRule("gpt_oss", ("gptoss",)),
    _ModelRule("muse_glimmer", ("museglimmer",)),
    _ModelRule("muse", ("musespark",)),
    _ModelRule("inkling", ("inkling",)),
    _ModelRule("beam", ("beam",)),
    _ModelRule("glm45", ("glm4.5", "glm4.6", "glm4.7")),
    _ModelRule("hy_v3", ("hy3", "hunyuan3", "hunyuanv3")),
    _ModelRule("hy_v4", ("hy4", "hunyuan4", "hunyuanv4")),
    _ModelRule("lfm2", ("lfm2",)),
    _ModelRule("k2_horizon", ("k2horizon", "k2v3")),
    _ModelRule("qwen3_coder", ("step3.5", "step3.7", "step5")),
    _ModelRule("step3", ("step3",)),
    _ModelRule("mimo", ("mimo",)),
    _ModelRule("qwen3_coder", ("qwen3coder", "qwen3.5", "qwen3.6", "granite4.2")),
    _ModelRule("hermes", ("granite4",)),
    _ModelRule("granite_20b_fc", ("granite20bfunctioncalling",)),
    _ModelRule("granite", ("granite3",)),
    _ModelRule("hunyuan_a13b", ("hunyuana13b",)),
    _ModelRule("cohere_command4", ("commanda",)),
    _ModelRule("longcat", ("longcat",)),
    _ModelRule("apertus", ("apertus",)),
    _ModelRule("trinity", ("trinity",)),
    _ModelRule("jamba", ("jamba",)),
    _ModelRule("phi4_mini_json", ("phi4mini",)),
    _ModelRule("internlm", ("internlm", "interns1")),
    _ModelRule("xlam", ("xlam",)),
    _ModelRule("gigachat3", ("gigachat3",)),
    _ModelRule("hermes", ("hermes", "qwq", "qwen2.5", "qwen3")),
    _ModelRule("pythonic", ("llama4",)),
    _ModelRule("llama3_json", ("llama3.1", "llama3.2", "llama3.3")),
    _ModelRule(
        "mistral", ("mistral", "mixtral", "magistral", "devstral", "ministral", "codestral", "pixtral")
    ),
)


def detection(
    model: str | None = None,
    chat_template: str | None = None,
    *,
    tokenizer_config: Mapping[str, Any] | str | Path | None = None,
) -> Detection:
    """The dialect a model writes, from its id and/or chat template text, with the reason.

    ``model`` is a model id such as ``"Qwen/Qwen3-8B"``; ``chat_template`` is
    the template text (``tokenizer.chat_template``). The template's markers
    decide when they match; the model id decides otherwise.

    ``tokenizer_config`` (the dict, or a path to ``tokenizer_config.json``)
    gives the chat template when ``chat_template`` is not passed; when no
    built-in rule matches and it carries a ``response_template``, the
    dialect is made from that (:func:`streamparse.load_dialect`), as SGLang
    picks its ``response_template`` parser.
    """
    config = _read_config(tokenizer_config) if tokenizer_config is not None else None
    if config is not None and chat_template is None:
        chat_template = _config_template(config)
    if model is None and chat_template is None and config is not None and "response_template" in config:
        return _from_response_template(config, "")
    if model is None and chat_template is None:
        raise UsageError(
            "detect() needs evidence: pass model='org/Model-Name' and/or chat_template=<the template text>"
        )
    _require_text("model", model, "the model id, e.g. 'Qwen/Qwen3-8B'")
    _require_text(
        "chat_template",
        chat_template,
        "the template text; for a tokenizer with several named templates, pass the 'tool_use' one",
    )
    by_template = None if chat_template is None else _match_template(chat_template)
    if by_template is None and chat_template is not None:
        # A checkpoint whose special tokens carry a suffix: its template may spell them so.
        unsuffixed = _match_template(without_token_suffixes(chat_template))
        if unsuffixed is not None:
            by_template = (unsuffixed[0], unsuffixed[1] + " once its tags' suffixes are taken off")
    by_model = None if model is None else _match_model(model)

    note = ""
    if by_template is not None:
        dialect, evidence = by_template
        if by_model is not None:
            if by_model[0] == dialect:
                note = f"; model id {model!r} agrees"
            else:
                note = f"; the template outranks model id {model!r}, which matches {by_model[1]!r} ({by_model[0]})"
    elif by_model is not None:
        dialect, name = by_model
        evidence = f"model id {model!r} matches {name!r}"
        if chat_template is not None:
            note = "; the chat template has no tool-call markers streamparse knows"
    else:
        if config is not None and "response_template" in config:
            return _from_response_template(config, "; " + _nothing_found(model, chat_template).split(";")[0])
        return Detection(None, _nothing_found(model, chat_template))

    registered = dialects()
    if dialect not in registered:
        return Detection(
            None,
            f"{evidence}: looks like {dialect}, which this version of streamparse does not support "
            f"(it has: {', '.join(registered)}){note}",
        )
    suffix = _token_suffix(dialect, config, chat_template)
    if suffix:
        try:
            return Detection(
                with_token_suffix(dialect, suffix), f"{evidence}; its markers end in {suffix!r}{note}"
            )
        except UsageError as error:
            return Detection(None, f"{evidence}: looks like {dialect}, but {error}{note}")
    return Detection(dialect, evidence + note)


def detect(
    model: str | None = None,
    chat_template: str | None = None,
    *,
    tokenizer_config: Mapping[str, Any] | str | Path | None = None,
) -> str | DialectObject | None:
    """The dialect a model writes, or ``None``; ``detection()`` says why.

    A dialect object (from the tokenizer config's ``response_template``) only
    when ``tokenizer_config`` is given and no built-in rule matches.
    """
    return detection(model, chat_template, tokenizer_config=tokenizer_config).dialect


def _read_config(source: Mapping[str, Any] | str | Path) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, (str, Path)):
        raise UsageError(f"tokenizer_config takes a dict or a path, not {type(source).__name__}")
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"cannot read the tokenizer config {source}: {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{source} is not a tokenizer config (a JSON object)")
    return data


def _config_template(config: Mapping[str, Any]) -> str | None:
    """The config's chat template: the 'tool_use' one of several named ones, else 'default'."""
    template = config.get("chat_template")
    if isinstance(template, list):
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("tool_use") or named.get("default")
    return template if isinstance(template, str) else None


def with_config_suffix(dialect: str, tokenizer_config: Mapping[str, Any] | str | Path) -> str | DialectObject:
    """``dialect``, with the marker suffix the tokenizer config gives where its markers take one."""
    config = _read_config(tokenizer_config)
    suffix = _token_suffix(dialect, config, _config_template(config))
    return with_token_suffix(dialect, suffix) if suffix else dialect


def _token_suffix(dialect: str, config: Mapping[str, Any] | None, chat_template: str | None) -> str:
    """The suffix the checkpoint's special tokens carry, where ``dialect``'s markers take one: the
    config's token_suffix (vLLM's source), else their spelling in its added tokens (SGLang's) or template."""
    machine = get_dialect(dialect)
    if not takes_token_suffix(machine):
        return ""
    suffix = config.get("token_suffix") if config is not None else None
    if isinstance(suffix, str) and suffix:
        return suffix
    added = config.get("added_tokens_decoder") if config is not None else None
    spellings = [
        str(token.get("content", ""))
        for token in (added.values() if isinstance(added, Mapping) else ())
        if isinstance(token, Mapping)
    ]
    return token_suffix_in(machine, [*spellings, chat_template or ""])


def _from_response_template(config: Mapping[str, Any], note: str) -> Detection:
    dialect = load_dialect(config["response_template"], name="response_template")
    return Detection(
        dialect, "the tokenizer config carries a response_template and no built-in rule matched" + note
    )


def _require_text(argument: str, value: object, fix: str) -> None:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{argument} must be a str or None, not {type(value).__name__}: pass {fix}")


def _match_template(chat_template: str) -> tuple[str, str] | None:
    """(dialect, the evidence)."""
    for rule in _TEMPLATE_RULES:
        if all(marker in chat_template for marker in rule.markers):
            quoted = " and ".join(repr(marker) for marker in rule.markers)
            return rule.dialect, f"chat template contains {quoted}"
    return None


def _match_model(model: str) -> tuple[str, str] | None:
    """(dialect, the name that matched)."""
    squeezed = _squeeze(model)
    for rule in _MODEL_RULES:
        for name in rule.names:
            if name in squeezed:
                return rule.dialect, name
    return None


def _squeeze(model: str) -> str:
    name = model.lower().rsplit("/", 1)[-1]
    return name.replace("-", "").replace("_", "").replace(" ", "")


def _nothing_found(model: str | None, chat_template: str | None) -> str:
    parts = []
    if chat_template is not None:
        parts.append("the chat template has no tool-call markers streamparse knows")
    if model is not None:
        parts.append(f"model id {model!r} matches no model family streamparse knows")
    return " and ".join(parts) + "; pass the dialect name explicitly (streamparse.dialects() lists them)"
