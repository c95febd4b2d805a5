"""Reading a Hugging Face ``response_template`` (version 1) into a plan the machine is built from.

The checks Transformers makes when it loads a template are made here too
(unknown keys, both ``open`` and ``open_pattern``, mixed placeholders, ...),
and beside them the ones streaming needs: what a state machine with bounded
holdback cannot do is refused here, at construction, with a
:class:`~streamparse.errors.UsageError` that names the field and the
reason, never at the first token.

A regex opener or closer becomes a *pattern marker*: the literal strings
every match must start with (worked out from the parsed regex) are lexer
markers, and where one is found the whole regex is tried from there on
text held at most ``MAX_PATTERN`` characters (see :mod:`streamparse.template`).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

import regex

from .errors import UsageError

# The stdlib's regex parser reads where a pattern's matches start (renamed in Python 3.11).
_NEW_RE = sys.version_info >= (3, 11)
_sre: Any = importlib.import_module("re._constants" if _NEW_RE else "sre_constants")
_sre_parse: Any = importlib.import_module("re._parser" if _NEW_RE else "sre_parse")

__all__ = ["Anchor", "FieldPlan", "TemplatePlan", "XmlTags", "read_template"]

# Where a match may start: at most this many literal starts per pattern.
_MAX_STARTS = 32
_TOP_KEYS = {"version", "defaults", "fields", "start_anchor", "start_anchor_pattern"}
_FIELD_KEYS = {
    "open",
    "open_pattern",
    "close",
    "close_pattern",
    "content",
    "content_args",
    "repeats",
    "join",
    "optional",
    "transform",
    "transform_each",
}
_CONTENT_PARSERS = {"text", "int", "float", "bool", "json", "xml-inline", "kv-lines", "python-call-list"}
_SCALARS = {"text", "int", "float", "bool"}
_PLACEHOLDER = regex.compile(r"\{(\w+(?:\.\w+)*)\}")

# What a field becomes in the OpenAI delta.
Role = Literal["content", "reasoning", "markup", "calls"]


@dataclass(frozen=True)
class Anchor:
    """An opener or closer: literal strings, or a regex and the literal strings its matches start with."""

    literals: tuple[str, ...] = ()
    pattern: regex.Pattern[str] | None = None
    starts: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        return bool(self.literals) or self.pattern is not None


@dataclass(frozen=True)
class XmlTags:
    """An ``xml-inline`` tag_pattern read as tags: ``BEGIN key > value END``."""

    begin: str
    end: str
    strip: Literal["newline", "whitespace", "none"]
    untyped: Literal["string", "json"]


@dataclass(frozen=True)
class FieldPlan:
    name: str
    role: Role
    open: Anchor
    close: Anchor
    strip: bool = True
    # Calls: "object" ({"name": ..., "arguments": ...} read by the call-object scanner),
    # "header" (name from the opener's capture, the body is the arguments),
    # "xml" (name from the capture, the body is parameter tags).
    calls: Literal["object", "header", "xml", ""] = ""
    name_key: str = "name"
    arguments_key: str = "arguments"
    id_key: str | None = None
    xml: XmlTags | None = None


@dataclass(frozen=True)
class TemplatePlan:
    fields: tuple[FieldPlan, ...]
    implicit: FieldPlan | None
    start_anchor: regex.Pattern[str]
    spec: dict[str, Any] = field(compare=False)

    def field(self, role: Role) -> FieldPlan | None:
        return next((f for f in self.fields if f.role == role and f.open.present), None)


def _fail(scope: str, reason: str) -> UsageError:
    return UsageError(f"response_template {scope}: {reason}")


def read_template(spec: Any) -> TemplatePlan:
    """Validate ``spec`` and read it into a plan; UsageError naming the field otherwise."""
    if not isinstance(spec, dict):
        raise UsageError(f"a response_template must be a dict (JSON object), not {type(spec).__name__}")
    version = spec.get("version", 1)
    if version != 1:
        raise _fail("'version'", f"only version 1 is supported, not {version!r}")
    unknown = set(spec) - _TOP_KEYS
    if unknown:
        raise _fail("", f"unknown keys {sorted(unknown)}; a version 1 template has {sorted(_TOP_KEYS)}")
    if not isinstance(spec.get("defaults", {}), dict):
        raise _fail("'defaults'", "must be a dict")
    fields = spec.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise _fail("'fields'", "must be a non-empty dict")
    start = _anchor("start anchor", spec, "start_anchor", "start_anchor_pattern", need_starts=False)
    if not start.present:
        raise _fail(
            "", "needs 'start_anchor' or 'start_anchor_pattern' (where the assistant's message starts)"
        )
    assert start.pattern is not None
    plans = tuple(_field(name, raw) for name, raw in fields.items())
    implicit = [plan for plan in plans if not plan.open.present]
    if len(implicit) > 1:
        names = ", ".join(plan.name for plan in implicit)
        raise _fail("'fields'", f"at most one field may have no opener (the implicit field); found {names}")
    return TemplatePlan(plans, implicit[0] if implicit else None, start.pattern, spec)


def _field(name: str, raw: Any) -> FieldPlan:
    scope = f"field {name!r}"
    if not isinstance(raw, dict):
        raise _fail(scope, "must be a dict")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise _fail(scope, f"unknown keys {sorted(unknown)}")
    content = raw.get("content", "text")
    if content not in _CONTENT_PARSERS:
        raise _fail(
            f"{scope} 'content'", f"unknown content parser {content!r}; one of {sorted(_CONTENT_PARSERS)}"
        )
    args = raw.get("content_args", {})
    if not isinstance(args, dict):
        raise _fail(f"{scope} 'content_args'", "must be a dict")
    for key in ("repeats", "optional", "transform_each"):
        if not isinstance(raw.get(key, False), bool):
            raise _fail(f"{scope} {key!r}", "must be a bool")
    join = raw.get("join")
    if join is not None and (not isinstance(join, str) or not raw.get("repeats", False)):
        raise _fail(f"{scope} 'join'", "must be a string, and needs 'repeats': true")
    transform = raw.get("transform")
    if raw.get("transform_each") and transform is None:
        raise _fail(f"{scope} 'transform_each'", "is set but there is no 'transform'")
    if transform is not None:
        _check_placeholders(scope, transform)
    opener = _anchor(scope, raw, "open", "open_pattern", need_starts=True)
    closer = _anchor(scope, raw, "close", "close_pattern", need_starts=True)
    captures = set()
    for anchor in (opener, closer):
        if anchor.pattern is not None:
            captures |= set(anchor.pattern.groupindex)
    if captures and transform is None:
        raise _fail(
            scope, f"the pattern captures {sorted(captures)} but there is no 'transform' to put them in"
        )
    strip = args.get("strip", True)
    if not isinstance(strip, bool):
        raise _fail(f"{scope} 'content_args.strip'", "must be a bool")
    if name == "tool_calls":
        return _calls_field(scope, name, raw, content, args, opener, closer, transform)
    if content not in _SCALARS:
        raise _fail(
            f"{scope} 'content'",
            f"{content!r} cannot be streamed as text; only 'tool_calls' may hold structured content",
        )
    if name in ("content", "thinking") and content != "text":
        raise _fail(f"{scope} 'content'", "must be 'text': it is streamed as the message's text")
    role: Role = "content" if name == "content" else "reasoning" if name == "thinking" else "markup"
    return FieldPlan(name, role, opener, closer, strip=strip)


def _calls_field(
    scope: str,
    name: str,
    raw: dict[str, Any],
    content: str,
    args: dict[str, Any],
    opener: Anchor,
    closer: Anchor,
    transform: Any,
) -> FieldPlan:
    if not opener.present:
        raise _fail(scope, "needs 'open' or 'open_pattern': a tool call must start with markup")
    if closer.pattern is not None:
        raise _fail(
            f"{scope} 'close_pattern'", "tool calls must close with a literal 'close' (or run to the end)"
        )
    if raw.get("transform_each"):
        raise _fail(
            f"{scope} 'transform_each'", "a list of calls in one region is not supported; one call per region"
        )
    if content not in ("json", "xml-inline"):
        raise _fail(
            f"{scope} 'content'", f"{content!r} is not supported for tool calls; use 'json' or 'xml-inline'"
        )
    if transform is None:
        raise _fail(scope, "needs a 'transform' that gives the call's function name and arguments")
    function = transform.get("function", transform) if isinstance(transform, dict) else None
    captures = set(opener.pattern.groupindex) if opener.pattern is not None else set()
    call_id = _placeholder(transform.get("id")) if isinstance(transform, dict) else None
    if call_id is not None and call_id not in captures:
        raise _fail(f"{scope} 'transform.id'", "must be a capture of 'open_pattern'")
    if function == "{content}":
        name_path, args_path = "content.name", "content.arguments"
    elif isinstance(function, dict):
        name_path = _placeholder(function.get("name")) or ""
        args_path = _placeholder(function.get("arguments")) or ""
    else:
        raise _fail(f"{scope} 'transform'", "must map to {'function': {'name': ..., 'arguments': ...}}")
    if content == "json" and args.keys() - {"allow_non_json"}:
        extra = sorted(args.keys() - {"allow_non_json"})
        raise _fail(
            f"{scope} 'content_args'", f"{extra} rewrite the text before parsing and cannot be streamed"
        )
    if name_path.startswith("content."):
        name_key, args_key = name_path[len("content.") :], args_path[len("content.") :]
        if content != "json" or not args_path.startswith("content.") or "." in name_key + args_key:
            raise _fail(
                f"{scope} 'transform'",
                "a name taken from the content needs 'json' content and arguments '{content.KEY}'",
            )
        return FieldPlan(
            name, "calls", opener, closer, calls="object", name_key=name_key, arguments_key=args_key
        )
    if name_path not in captures:
        raise _fail(
            f"{scope} 'transform'",
            f"function.name must be '{{content.KEY}}' or a capture of 'open_pattern' ({sorted(captures)})",
        )
    if args_path != "content":
        raise _fail(
            f"{scope} 'transform'", "function.arguments must be '{content}' when the name is captured"
        )
    if content == "json":
        return FieldPlan(name, "calls", opener, closer, calls="header", name_key=name_path, id_key=call_id)
    tags = _xml_tags(f"{scope} 'content_args.tag_pattern'", args)
    return FieldPlan(name, "calls", opener, closer, calls="xml", name_key=name_path, id_key=call_id, xml=tags)


def _placeholder(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    whole = _PLACEHOLDER.fullmatch(value)
    return whole.group(1) if whole else None


def _check_placeholders(scope: str, transform: Any) -> None:
    if isinstance(transform, dict):
        for value in transform.values():
            _check_placeholders(scope, value)
    elif isinstance(transform, list):
        for value in transform:
            _check_placeholders(scope, value)
    elif (
        isinstance(transform, str)
        and _PLACEHOLDER.search(transform)
        and not _PLACEHOLDER.fullmatch(transform)
    ):
        raise _fail(
            f"{scope} 'transform'",
            f"{transform!r} mixes a placeholder with text; only whole-string placeholders such as '{{content}}'",
        )


def _anchor(scope: str, raw: dict[str, Any], literal_key: str, pattern_key: str, need_starts: bool) -> Anchor:
    if literal_key in raw and pattern_key in raw:
        raise _fail(scope, f"has both {literal_key!r} and {pattern_key!r}; give one")
    if literal_key in raw:
        value = raw[literal_key]
        literals = [value] if isinstance(value, str) else value
        if (
            not isinstance(literals, list)
            or not literals
            or not all(isinstance(s, str) and s for s in literals)
        ):
            raise _fail(f"{scope} {literal_key!r}", "must be a non-empty string or a list of them")
        unique = tuple(dict.fromkeys(literals))
        ordered = sorted(unique, key=len, reverse=True)
        pattern = regex.compile("|".join(map(regex.escape, ordered)), regex.DOTALL)
        return Anchor(unique, pattern if not need_starts else None)
    if pattern_key in raw:
        source = raw[pattern_key]
        if not isinstance(source, str):
            raise _fail(f"{scope} {pattern_key!r}", "must be a regex string")
        try:
            pattern = regex.compile(source, regex.DOTALL)
        except regex.error as error:
            raise _fail(f"{scope} {pattern_key!r}", f"invalid regex: {error}") from None
        if not need_starts:
            return Anchor(pattern=pattern)
        return Anchor(pattern=pattern, starts=_literal_starts(f"{scope} {pattern_key!r}", source))
    return Anchor()


def _literal_starts(scope: str, source: str) -> tuple[str, ...]:
    """The literal strings every match of ``source`` starts with (a pattern marker's lexer markers)."""
    # Names do not matter here, and the regex module allows one name twice (two ways to write a header).
    unnamed = regex.sub(r"(?<!\\)\(\?P<\w+>", "(?:", source)
    try:
        parsed = _sre_parse.parse(unnamed, _sre.SRE_FLAG_DOTALL)
    except Exception:  # the regex module's own syntax; its start cannot be read here
        parsed = None
    starts = {prefix for prefix, _ in _expand(list(parsed))} if parsed is not None else set()
    if not starts or "" in starts:
        raise _fail(
            scope,
            "cannot be streamed: every match must start with literal text (e.g. '<tool_call>'), "
            "so that it can be found without holding back the whole text",
        )
    return tuple(sorted(starts))


def _expand(items: list[tuple[Any, Any]]) -> set[tuple[str, bool]]:
    """Literal prefixes of a parsed regex, each with whether it covers all of it."""
    states = {("", True)}
    for item in items:
        options = _options(item)
        grown: set[tuple[str, bool]] = set()
        for prefix, whole in states:
            if not whole or options is None:
                grown.add((prefix, False))
            else:
                grown.update((prefix + option, option_whole) for option, option_whole in options)
        if len(grown) > _MAX_STARTS:
            return {(prefix, False) for prefix, _ in states}
        states = grown
    return states


def _options(item: tuple[Any, Any]) -> set[tuple[str, bool]] | None:
    """The literal texts one element of a parsed regex can start with; None when it is not literal."""
    op, av = item
    if op is _sre.LITERAL:
        return {(chr(av), True)}
    if op is _sre.SUBPATTERN:
        return _expand(list(av[-1]))
    if op is _sre.BRANCH:
        return {option for branch in av[1] for option in _expand(list(branch))}
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        return _expand(list(av[2])) | {("", True)}
    if op is _sre.IN and 0 < len(av) <= 4 and all(kind is _sre.LITERAL for kind, _ in av):
        return {(chr(c), True) for _, c in av}
    return None


def _xml_tags(scope: str, args: dict[str, Any]) -> XmlTags:
    """``BEGIN(?P<key>...)>[space](?P<value>...)[space]END``, as Qwen3-Coder's ``<parameter=KEY>``."""
    source = args.get("tag_pattern")
    if not isinstance(source, str):
        raise _fail(scope, "is required for 'xml-inline' (a regex with groups 'key' and 'value')")
    unknown = set(args) - {"tag_pattern", "value_parser", "merge_duplicates"}
    if unknown or args.get("merge_duplicates"):
        raise _fail(scope, f"{sorted(unknown) or 'merge_duplicates'} cannot be streamed")
    value_parser = args.get("value_parser")
    untyped: Literal["string", "json"] = "string"
    if value_parser is not None:
        parser = value_parser.get("name") if isinstance(value_parser, dict) else None
        if parser not in ("json", "text"):
            raise _fail(f"{scope} value_parser", "only 'json' or 'text' values are streamed")
        untyped = "json" if parser == "json" else "string"
    try:
        items = list(_sre_parse.parse(source, _sre.SRE_FLAG_DOTALL))
    except Exception as error:
        raise _fail(scope, f"invalid regex: {error}") from None
    names = {index: name for name, index in regex.compile(source).groupindex.items()}
    begin, rest = _literal_run(items)
    shape = "<parameter=(?P<key>[^>]+)>\\n?(?P<value>.*?)\\n?</parameter>"
    if not begin or not rest or rest[0][0] is not _sre.SUBPATTERN or names.get(rest[0][1][0]) != "key":
        raise _fail(scope, f"must read literal text, the 'key' group, then '>' (like {shape!r})")
    tag_end, rest = _literal_run(rest[1:])
    if tag_end.lstrip("\"'") != ">" or (tag_end != ">" and not begin.endswith(tag_end[0])):
        raise _fail(scope, f"the 'key' group must end at '>' (like {shape!r})")
    if tag_end != ">":
        begin = begin[:-1]  # <parameter name="KEY">: the quotes go with the key, which is unquoted
    strip, rest = _space(rest)
    if not rest or rest[0][0] is not _sre.SUBPATTERN or names.get(rest[0][1][0]) != "value":
        raise _fail(scope, f"the 'value' group must follow the key's '>' (like {shape!r})")
    _, rest = _space(rest[1:])
    end, rest = _literal_run(rest)
    if not end or rest:
        raise _fail(scope, f"must end with the literal close tag after the value (like {shape!r})")
    return XmlTags(begin, end, strip, untyped)


def _literal_run(items: list[tuple[Any, Any]]) -> tuple[str, list[tuple[Any, Any]]]:
    text: list[str] = []
    for i, (op, av) in enumerate(items):
        if op is not _sre.LITERAL:
            return "".join(text), items[i:]
        text.append(chr(av))
    return "".join(text), []


def _space(
    items: list[tuple[Any, Any]],
) -> tuple[Literal["newline", "whitespace", "none"], list[tuple[Any, Any]]]:
    """``\\s*`` (all whitespace around a value is dropped), ``\\n?`` (one newline), or nothing."""
    if items and items[0][0] in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, high, inner = items[0][1]
        inner = list(inner)
        if low == 0 and high == 1 and inner == [(_sre.LITERAL, ord("\n"))]:
            return "newline", items[1:]
        if low == 0 and len(inner) == 1 and inner[0][0] is _sre.IN:
            return "whitespace", items[1:]
    return "none", items


def describe(spec: dict[str, Any]) -> str:
    """A short stable digest of a template, for its dialect name."""
    return hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:8]
