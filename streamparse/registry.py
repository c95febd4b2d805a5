"""The dialect registry: ``streamparse.dialects()`` lists what is here.

Besides the dialects' own names, every name that vLLM (``--tool-call-parser``)
or SGLang (``--tool-call-parser``) gives to a format streamparse parses is
accepted: an alias is a row of ``_ALIASES`` (a canonical dialect plus the
default options that model needs), not a module.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from ._dialect import DialectObject, SuffixedDialect, check_token_suffix, suffixed_machine
from .errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._machine import Machine

__all__ = [
    "ParserName",
    "Resolution",
    "canonical_name",
    "dialects",
    "get_dialect",
    "get_dialect_for",
    "parser_names",
    "register",
    "resolve",
    "with_token_suffix",
]

_DIALECTS: dict[str, type[Machine]] = {}

_VLLM = "vLLM"
_SGLANG = "SGLang"

# The engine names that are a built-in dialect's own name.
_CANONICAL_ENGINES: dict[str, tuple[str, ...]] = {
    "deepseek_v3": (_VLLM,),
    "deepseek_v31": (_VLLM,),
    "deepseek_v32": (_VLLM,),
    "deepseek_v4": (_VLLM,),
    "deepseek_v41": (_VLLM,),
    "functiongemma": (_VLLM,),  # SGLang has no FunctionGemma parser
    "gemma4": (_VLLM, _SGLANG),  # the tool and the reasoning parser
    "glm45": (_VLLM, _SGLANG),
    "hermes": (_VLLM, _SGLANG),
    "hy_v3": (_VLLM,),
    "hy_v4": (_VLLM,),
    "k2_horizon": (_VLLM, _SGLANG),
    "kimi_k2": (_VLLM, _SGLANG),
    "kimi_k3": (_VLLM, _SGLANG),
    "lfm2": (_VLLM, _SGLANG),
    "llama3_json": (_VLLM,),
    "mimo": (_VLLM, _SGLANG),
    "minimax_m2": (_VLLM,),
    "minimax_m3": (_VLLM,),
    "mistral": (_VLLM, _SGLANG),
    # SGLang's "muse" is its Glimmer detector: the same name, the muse_glimmer dialect (see notes).
    "muse": (_VLLM,),
    "muse_glimmer": (_VLLM,),
    "inkling": (_VLLM, _SGLANG),
    "beam": (_VLLM, _SGLANG),
    "pythonic": (_VLLM, _SGLANG),
    "qwen3_coder": (_VLLM, _SGLANG),
    "seed_oss": (_VLLM,),
    "hunyuan_a13b": (_VLLM,),
    "cohere_command4": (_VLLM, _SGLANG),
    "granite": (_VLLM,),
    "ling3": (_VLLM, _SGLANG),
    "ernie45": (_VLLM,),  # the tool and the reasoning parser
    "dots": (_VLLM, _SGLANG),
    "iquest_q1": (_SGLANG,),
    "gigachat35": (_SGLANG,),
    "minicpm5": (_VLLM, _SGLANG),
    "olmo3": (_VLLM,),  # the tool and the reasoning parser
    "plamo3": (_VLLM,),  # the tool and the reasoning parser
    "step3": (_VLLM, _SGLANG),
    "longcat": (_VLLM,),
    "jamba": (_VLLM,),
    "phi4_mini_json": (_VLLM,),
    "internlm": (_VLLM,),
    "xlam": (_VLLM,),
    "gigachat3": (_VLLM, _SGLANG),
    "apertus": (_VLLM,),
    "trinity": (_SGLANG,),
}

# name -> (canonical dialect, default options, engines that accept the name).
# Options are StreamParser keyword arguments; an explicit argument wins over them.
# start_in_reasoning=True where the model's chat template opens the reasoning in the prompt.
_ALIASES: dict[str, tuple[str, dict[str, bool], tuple[str, ...]]] = {
    "deepseekv3": ("deepseek_v3", {}, (_SGLANG,)),
    "deepseekv32": ("deepseek_v32", {}, (_SGLANG,)),
    "deepseekv4": ("deepseek_v4", {}, (_SGLANG,)),
    "deepseekv41": ("deepseek_v41", {}, (_SGLANG,)),
    "deepseekv31": ("deepseek_v31", {}, (_SGLANG,)),
    "glm": ("glm45", {}, (_SGLANG,)),
    "glm47": ("glm45", {}, (_VLLM, _SGLANG)),  # GLM-4.7 / GLM-5: the same tags without newlines
    "poolside_v1": ("glm45", {}, (_VLLM, _SGLANG)),
    "spark25": ("glm45", {}, (_SGLANG,)),
    "openai": ("gpt_oss", {}, (_VLLM,)),
    "gpt-oss": ("gpt_oss", {}, (_SGLANG,)),
    "qwen": ("hermes", {}, (_SGLANG,)),
    "qwen25": ("hermes", {}, (_SGLANG,)),
    "qwen3_json": ("hermes", {}, (_VLLM,)),
    "granite4": ("hermes", {}, (_VLLM,)),
    "musespark1x": ("muse", {}, (_VLLM,)),
    "llama3": ("llama3_json", {}, (_SGLANG,)),
    "llama4_json": ("llama3_json", {}, (_VLLM,)),
    "minimax": ("minimax_m1", {}, (_VLLM,)),  # vLLM 0.15 and earlier; later releases dropped it
    "minimax-m2": ("minimax_m2", {"start_in_reasoning": True}, (_SGLANG,)),
    # The M3 template opens <mm:think> in the prompt only with thinking_mode="enabled".
    "minimax-m3": ("minimax_m3", {}, (_SGLANG,)),
    "llama4_pythonic": ("pythonic", {}, (_VLLM,)),
    "qwen3_xml": ("qwen3_coder", {}, (_VLLM,)),
    "step3p5": ("qwen3_coder", {"start_in_reasoning": True}, (_VLLM, _SGLANG)),
    "step5": ("qwen3_coder", {}, (_VLLM,)),
    "nanbeige": ("qwen3_coder", {}, (_SGLANG,)),
    # Nemotron 3's reasoning-parser names (its tool parser is qwen3_coder); the prompt opens <think>.
    "nemotron_v3": ("qwen3_coder", {"start_in_reasoning": True}, (_VLLM,)),
    "nemotron_3": ("qwen3_coder", {"start_in_reasoning": True}, (_SGLANG,)),
    # vLLM's Cohere parsers are two presets of one wire format.
    "cohere_command3": ("cohere_command4", {}, (_VLLM,)),
    "granite-20b-fc": ("granite_20b_fc", {}, (_VLLM,)),
    "hunyuan": ("hy_v3", {}, (_SGLANG,)),  # SGLang's one detector for Hy3 and Hy4 (hy_v3 reads both)
    # SGLang's InternLM detector (the spaced <|action_start|> <|plugin|>), with Intern-S1's <think>.
    "interns1": ("internlm", {}, (_SGLANG,)),
    "apertus2509": ("apertus", {}, (_SGLANG,)),
}

# Engine names of formats streamparse does not parse yet: an error that says so beats a
# suggestion of a similar-looking name of another format (deepseek_v32 is not deepseek_v3).
_NOT_YET: dict[str, str] = {}


# How alike (difflib's ratio) an unknown name and an accepted one must be for a suggestion:
# high enough that 'nope' suggests nothing, low enough for a missing '_' or a '-' for '_'.
_CLOSE = 0.75


@dataclass(frozen=True)
class ParserName:
    """One name that StreamParser accepts, and what it means.

    ``name`` is accepted wherever a dialect name is; ``dialect`` is the
    canonical dialect that parses it (``name == dialect`` for a dialect's own
    name); ``options`` are the StreamParser options the name implies, as
    defaults that an explicit argument overrides; ``engines`` are the
    serving engines ("vLLM", "SGLang") that use the name (as a tool-call
    parser name, or for nemotron_v3 / nemotron_3 a reasoning-parser name).
    """

    name: str
    dialect: str
    options: Mapping[str, bool] = field(default_factory=dict)
    engines: tuple[str, ...] = ()

    @property
    def is_alias(self) -> bool:
        return self.name != self.dialect


class Resolution(NamedTuple):
    """A name resolved once, at construction: the machine and the options to run it with."""

    dialect: str
    machine: type[Machine]
    start_in_reasoning: bool


def register(machine: type[Machine]) -> type[Machine]:
    """Add a dialect under its ``name``; a second dialect of the same name is an error."""
    existing = _DIALECTS.get(machine.name)
    if existing is not None and existing is not machine:
        raise UsageError(f"dialect {machine.name!r} is already registered by {existing.__qualname__}")
    if machine.name in _ALIASES:
        raise UsageError(f"{machine.name!r} is already a name for the dialect {_ALIASES[machine.name][0]}")
    _DIALECTS[machine.name] = machine
    return machine


def dialects() -> list[str]:
    """The names of every dialect, sorted (aliases excluded: see ``parser_names()``)."""
    _load_builtin()
    return sorted(_DIALECTS)


def parser_names() -> list[ParserName]:
    """Every name StreamParser accepts, sorted: each dialect's own name and each alias.

    An alias is a name vLLM or SGLang gives to a format a streamparse dialect
    parses, so ``StreamParser(name)`` works with the name passed to
    ``vllm serve --tool-call-parser`` or SGLang's ``--tool-call-parser``.
    Each entry gives the dialect the name maps to, the options it implies
    (such as ``start_in_reasoning=True`` where the model's prompt opens the
    reasoning; an explicit argument overrides them) and the engines that use
    the name.
    """
    _load_builtin()
    names = [
        ParserName(name, name, MappingProxyType({}), _CANONICAL_ENGINES.get(name, ())) for name in _DIALECTS
    ]
    names += [
        ParserName(name, dialect, MappingProxyType(dict(options)), engines)
        for name, (dialect, options, engines) in _ALIASES.items()
        if dialect in _DIALECTS
    ]
    return sorted(names, key=lambda entry: entry.name)


def canonical_name(name: str | DialectObject) -> str:
    """The dialect that ``name`` (a dialect or an alias) stands for; UsageError if none."""
    if not isinstance(name, str):
        return _dialect_object(name).name
    _load_builtin()
    if name in _DIALECTS:
        return name
    alias = _ALIASES.get(name)
    if alias is not None and alias[0] in _DIALECTS:
        return alias[0]
    raise _unknown(name)


def resolve(name: str | DialectObject, *, start_in_reasoning: bool | None = None) -> Resolution:
    """The machine for ``name`` and the options to run it with.

    ``start_in_reasoning=None`` takes the name's default (an alias may imply
    True); a bool overrides it. An option the dialect cannot honour is an
    error rather than ignored.
    """
    if not isinstance(name, str):
        template = _dialect_object(name)
        dialect, machine = template.name, template.machine
    else:
        dialect = canonical_name(name)
        machine = _DIALECTS[dialect]
    if start_in_reasoning is None:
        alias = _ALIASES.get(name) if isinstance(name, str) else None
        start_in_reasoning = alias[1].get("start_in_reasoning", False) if alias is not None else False
    if start_in_reasoning and machine.REASONING_STATE is None:
        raise UsageError(
            f"{name} has no reasoning markers, so start_in_reasoning=True cannot apply to it;"
            " drop the option for this dialect"
        )
    return Resolution(dialect, machine, start_in_reasoning)


def get_dialect(name: str | DialectObject) -> type[Machine]:
    """The machine of a dialect or alias name (or of a dialect object)."""
    if not isinstance(name, str):
        return _dialect_object(name).machine
    return _DIALECTS[canonical_name(name)]


def get_dialect_for(name: str | DialectObject, *, start_in_reasoning: bool | None) -> type[Machine]:
    """``get_dialect``, refusing options the dialect cannot honour (rather than ignoring them)."""
    return resolve(name, start_in_reasoning=start_in_reasoning).machine


def _dialect_object(dialect: object) -> DialectObject:
    """A dialect object (load_dialect, with_token_suffix); UsageError for anything else that is not a name."""
    if isinstance(dialect, DialectObject):
        return dialect
    raise UsageError(
        f"dialect must be a name such as 'kimi_k2' or a dialect object (streamparse.load_dialect,"
        f" streamparse.with_token_suffix), not {type(dialect).__name__}"
    )


def with_token_suffix(dialect: str | DialectObject, token_suffix: str) -> SuffixedDialect:
    """``dialect`` for a checkpoint whose tokenizer appends ``token_suffix`` to every special token.

    Hunyuan's shipping tokenizers write ``<tool_calls:opensource>`` for
    ``<tool_calls>``: ``with_token_suffix("hy_v3", ":opensource")`` reads
    that, and is accepted wherever a dialect name is. The suffix is the
    tokenizer config's ``token_suffix``. A dialect whose markers take no
    suffix, or a suffix that is not ``:NAME``, raises UsageError.
    """
    if not isinstance(dialect, str):
        raise UsageError(
            f"token_suffix applies to a dialect name, not to the dialect object {dialect!r}:"
            " pass the name, or streamparse.with_token_suffix(name, suffix) alone"
        )
    name = canonical_name(dialect)
    machine = _DIALECTS[name]
    if not takes_token_suffix(machine):
        takers = ", ".join(sorted(n for n, m in _DIALECTS.items() if takes_token_suffix(m)))
        raise UsageError(
            f"{dialect} writes no per-checkpoint marker suffix; only these dialects take a token_suffix: {takers}"
        )
    suffix = check_token_suffix(token_suffix)
    return SuffixedDialect(name, suffix, suffixed_machine(machine, suffix))


def takes_token_suffix(machine: type[Machine]) -> bool:
    """Whether ``machine``'s markers can carry a checkpoint's suffix (it makes its states for one)."""
    from ._machine import Machine

    return machine.states_with_suffix.__func__ is not Machine.states_with_suffix.__func__  # type: ignore[attr-defined]


def _unknown(name: str) -> UsageError:
    known = ", ".join(sorted(_DIALECTS))
    listing = f"choose one of: {known} (streamparse.parser_names() lists the vLLM and SGLang names too)"
    reason = _NOT_YET.get(name)
    if reason is not None:
        return UsageError(
            f"unknown dialect {name!r}: streamparse does not parse that format yet ({reason}); {listing}"
        )
    aliases = [alias for alias, row in _ALIASES.items() if row[0] in _DIALECTS]
    # A dialect's own name first: 'deepseek-v3' means deepseek_v3 more surely than SGLang's deepseekv3.
    # An alias of another dialect that is at least as close comes second: 'step3.5' may mean step3
    # or step3p5 (qwen3_coder).
    dialect = difflib.get_close_matches(name, _DIALECTS, n=1, cutoff=_CLOSE)
    alias = difflib.get_close_matches(name, aliases, n=1, cutoff=_CLOSE)
    if (
        dialect
        and alias
        and (_ALIASES[alias[0]][0] == dialect[0] or _likeness(name, alias[0]) < _likeness(name, dialect[0]))
    ):
        alias = []
    suggestions = [repr(found) for found in dialect]
    suggestions += [f"{found!r}, the {_ALIASES[found][0]} dialect" for found in alias]
    if suggestions:
        return UsageError(f"unknown dialect {name!r}; did you mean {' or '.join(suggestions)}? {listing}")
    return UsageError(f"unknown dialect {name!r}; {listing}")


def _likeness(name: str, other: str) -> float:
    return difflib.SequenceMatcher(None, name, other).ratio()


def _load_builtin() -> None:
    import_module("streamparse.formats")  # registers the built-in dialects
