"""Parameter values to an arguments JSON object, typed by the tool's schema.

XML-style dialects (qwen3_coder, seed_oss, minimax_m2, glm45) write each
parameter value as raw text between tags: ``<parameter=days>\\n3\\n</parameter>``
carries no JSON type. An :class:`ArgumentsWriter` builds the call's
arguments object from such values as they stream, and a dialect supplies
only its :class:`ValueRules` (whitespace, null spellings, the rule for
parameters without a schema).

Theory of operation
-------------------
The writer emits ``{"KEY": `` as soon as a parameter's name is known, then
the value, ``, `` between parameters and ``}`` at the end of the call
(``{}`` for a call without parameters). The JSON type of a value comes from
``tools[i].function.parameters.properties[KEY]`` (:func:`schema_types`):

* a value whose schema allows only strings (``"string"``, an enum of
  strings, an ``anyOf`` of strings) is streamed as JSON string content as
  it arrives, escaped by the ``json`` module's own encoder; only the
  whitespace the dialect strips is held (and, when the schema also allows
  null, the first few characters while they may still spell ``null``);
* any other value is only known when it ends and is written then (the
  documented exception to prompt emission): in the order integer, number,
  boolean, object/array, the first type its text satisfies, else the raw
  text as a string. Numbers and JSON objects/arrays are written as the
  model wrote them (no re-serialisation); Python spellings (``True``,
  ``None``, single quotes), as Qwen3-Coder's template writes them, are
  translated token by token, never evaluated.

Every step is linear in the text it is given; nothing is re-scanned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, Literal

from ._machine import Stripper

__all__ = ["ArgumentsWriter", "ValueRules", "python_literal_json", "schema_types", "typed_json"]

STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY, NULL = (
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
)

# Type names as schemas (and the parsers of vLLM and MiniMax) spell them.
_TYPE_NAMES = {
    **dict.fromkeys(("string", "str", "text", "varchar", "char", "enum"), STRING),
    **dict.fromkeys(("integer", "int", "long", "short", "uint"), INTEGER),
    **dict.fromkeys(("number", "float", "double", "num", "decimal"), NUMBER),
    **dict.fromkeys(("boolean", "bool"), BOOLEAN),
    **dict.fromkeys(("object", "dict", "map"), OBJECT),
    **dict.fromkeys(("array", "list", "arr"), ARRAY),
    "null": NULL,
}
_VALUE_TYPES = {str: STRING, bool: BOOLEAN, int: INTEGER, float: NUMBER, list: ARRAY, dict: OBJECT}
_MAX_SCHEMA_DEPTH = 8


def schema_types(schema: object, depth: int = 0) -> frozenset[str]:
    """The JSON types a parameter's schema allows; empty when it names none.

    ``type`` (a name or a list), else the types of ``enum`` / ``const``
    values, together with the types of every ``anyOf`` / ``oneOf`` member.
    """
    if not isinstance(schema, Mapping) or depth > _MAX_SCHEMA_DEPTH:
        return frozenset()
    found: set[str] = set()
    declared = schema.get("type")
    for name in [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else []:
        if isinstance(name, str) and name.strip().lower() in _TYPE_NAMES:
            found.add(_TYPE_NAMES[name.strip().lower()])
    if not found:
        values = schema.get("enum")
        values = list(values) if isinstance(values, list) else []
        if "const" in schema:
            values.append(schema["const"])
        found.update(NULL if v is None else _VALUE_TYPES.get(type(v), STRING) for v in values)
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list):
            for member in members:
                found |= schema_types(member, depth + 1)
    return frozenset(found)


@dataclass(frozen=True)
class ValueRules:
    """What differs between the XML dialects' values.

    ``strip``: ``"newline"`` drops one leading and one trailing newline
    (qwen3_coder, seed_oss); ``"whitespace"`` drops all surrounding
    whitespace (minimax_m2, glm45). Null, true and false words are matched
    case-insensitively. ``untyped`` is the rule for a parameter with no
    usable schema (no tools, an unknown function or parameter, a schema
    without a type): ``"string"`` keeps the text as a string;
    ``"json"`` decodes text that is a JSON number, boolean, null, object
    or array, and keeps anything else as a string.
    """

    strip: Literal["newline", "whitespace"]
    null_words: frozenset[str] = frozenset({"null"})
    true_words: frozenset[str] = frozenset({"true"})
    false_words: frozenset[str] = frozenset({"false"})
    untyped: Literal["string", "json"] = "string"


_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


# Characters a JSON value other than a string can start with (strings are never decoded).
_JSON_START = frozenset("{[-0123456789tfn")


def _is_json(text: str) -> bool:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return False
    return True


def typed_json(value: str, types: frozenset[str], rules: ValueRules) -> str:
    """The JSON text of a complete value of the given types (empty: untyped ``"json"`` rule)."""
    word = value.strip()
    lowered = word.lower()
    if not types:
        if word[:1] != '"' and _is_json(word):
            return word
        return encode_basestring(value)
    if lowered in rules.null_words and (NULL in types or STRING not in types):
        return "null"
    if INTEGER in types and _INTEGER.fullmatch(word):
        return word
    if NUMBER in types and _NUMBER.fullmatch(word):
        return word
    if BOOLEAN in types:
        if lowered in rules.true_words:
            return "true"
        if lowered in rules.false_words:
            return "false"
    first = word[:1]
    if (first == "{" and OBJECT in types) or (first == "[" and ARRAY in types):
        if _is_json(word):
            return word
        translated = python_literal_json(word)
        if translated is not None:
            return translated
    return encode_basestring(value)


# -- Python literals, translated token by token ---------------------------------------

_PY_PLAIN = re.compile(r"[ \t\r\n\[\]{},:0-9eE.+\-]+")
_PY_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PY_WORDS = {"True": "true", "False": "false", "None": "null"}
_PY_STRING_STOP = {"'": re.compile(r"['\\\n]"), '"': re.compile(r'["\\\n]')}
_PY_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "\n": "",
}
_PY_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_HEX = re.compile(r"[0-9a-fA-F]+")
_OCTAL = re.compile(r"[0-7]{1,3}")


def python_literal_json(text: str) -> str | None:
    """JSON for a Python literal of dicts, lists, strings, numbers, True/False/None; None if not one."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'" or c == '"':
            end, decoded = _python_string(text, i)
            if end < 0:
                return None
            out.append(encode_basestring(decoded))
            i = end
            continue
        m = _PY_PLAIN.match(text, i) or _PY_WORD.match(text, i)
        if m is None:
            return None
        token = m.group()
        if token[0].isalpha() or token[0] == "_":
            if token not in _PY_WORDS:
                return None
            token = _PY_WORDS[token]
        out.append(token)
        i = m.end()
    result = "".join(out)
    return result if _is_json(result) else None


def _python_string(text: str, start: int) -> tuple[int, str]:
    """(index after the closing quote, decoded text) of the string at ``start``; (-1, "") if unclosed."""
    stop = _PY_STRING_STOP[text[start]]
    parts: list[str] = []
    i = start + 1
    while True:
        m = stop.search(text, i)
        if m is None or m.group() == "\n":
            return -1, ""
        j = m.start()
        parts.append(text[i:j])
        if m.group() != "\\":
            return j + 1, "".join(parts)
        c = text[j + 1 : j + 2]
        if c in _PY_ESCAPES:
            parts.append(_PY_ESCAPES[c])
            i = j + 2
        elif c in _PY_HEX_ESCAPES:
            digits = _HEX.match(text, j + 2, j + 2 + _PY_HEX_ESCAPES[c])
            if (
                digits is None
                or len(digits.group()) != _PY_HEX_ESCAPES[c]
                or int(digits.group(), 16) > 0x10FFFF
            ):
                return -1, ""
            parts.append(chr(int(digits.group(), 16)))
            i = digits.end()
        elif (octal := _OCTAL.match(text, j + 1)) is not None:
            parts.append(chr(int(octal.group(), 8)))
            i = octal.end()
        else:
            parts.append("\\")  # Python keeps an unknown escape as written
            i = j + 1


# -- the writer --------------------------------------------------------------------------

_NO_VALUE, _STREAM, _HOLD, _AT_END = range(4)


class ArgumentsWriter:
    """Builds one call's arguments JSON from streamed parameter values at a time.

    ``start_call(parameters)`` with the function's JSON schema (None: no
    schema), then per parameter ``start_value(key)``, ``feed(text)`` any
    number of times and ``end_value()``; ``end_call(complete)``. Each
    returns the JSON text to emit now (possibly empty); the concatenation
    is the arguments object.
    """

    __slots__ = (
        "_count",
        "_head",
        "_lead",
        "_max_null",
        "_mode",
        "_parts",
        "_properties",
        "_spaces",
        "_tail",
        "_types",
        "rules",
    )

    def __init__(self, rules: ValueRules) -> None:
        self.rules = rules
        self._max_null = max(map(len, rules.null_words), default=0)
        self._properties: Mapping[str, Any] | None = None
        self._count = 0
        self._mode = _NO_VALUE
        self._types: frozenset[str] = frozenset()
        self._lead = True
        self._tail = False
        self._spaces = Stripper()
        self._head = ""
        self._parts: list[str] = []

    @property
    def in_value(self) -> bool:
        return self._mode != _NO_VALUE

    def start_call(self, parameters: object) -> None:
        properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
        self._properties = properties if isinstance(properties, Mapping) else None
        self._count = 0
        self._mode = _NO_VALUE

    def start_value(self, key: str) -> str:
        out = ("{" if self._count == 0 else ", ") + encode_basestring(key) + ": "
        self._count += 1
        schema = self._properties.get(key) if self._properties is not None else None
        types = schema_types(schema)
        if not types and self.rules.untyped == "string":
            types = frozenset({STRING})
        if STRING in types and types <= {STRING, NULL}:
            if NULL in types:
                self._mode = _HOLD
            else:
                self._mode = _STREAM
                out += '"'
        else:
            self._mode = _AT_END
        self._types = types
        self._lead = True
        self._tail = False
        self._spaces.reset()
        self._head = ""
        self._parts = []
        return out

    def feed(self, text: str) -> str:
        text = self._strip(text)
        if not text:
            return ""
        mode = self._mode
        if mode == _STREAM:
            return encode_basestring(text)[1:-1]
        if mode == _AT_END:
            if not self._types and not self._parts and text[0] not in _JSON_START:
                # Untyped "json" rule: a value that cannot be JSON from its first character on
                # is a string, so it can stream (what cannot parse stays a string anyway).
                self._mode = _STREAM
                return '"' + encode_basestring(text)[1:-1]
            self._parts.append(text)
            return ""
        head = self._head + text
        if len(head) <= self._max_null:
            lowered = head.lower()
            if any(word.startswith(lowered) for word in self.rules.null_words):
                self._head = head
                return ""
        self._head = ""
        self._mode = _STREAM
        return '"' + encode_basestring(head)[1:-1]

    def end_value(self) -> str:
        mode = self._mode
        self._mode = _NO_VALUE
        if mode == _STREAM:
            return '"'
        if mode == _HOLD:
            head = self._head
            return "null" if head.lower() in self.rules.null_words else encode_basestring(head)
        if mode == _AT_END:
            value = "".join(self._parts)
            self._parts = []
            return typed_json(value, self._types, self.rules)
        return ""

    def end_call(self, complete: bool) -> str:
        """Close the object; when the text was cut (``complete`` False), flush what is held instead."""
        if not complete:
            return self._flush()
        out = self.end_value() if self._mode != _NO_VALUE else ""
        return out + ("}" if self._count else "{}")

    def _flush(self) -> str:
        """What an unfinished value holds, as written so far; no quote or brace is closed."""
        mode = self._mode
        self._mode = _NO_VALUE
        held = "\n" if self._tail else "".join(self._spaces.pending)
        if mode == _STREAM:
            return encode_basestring(held)[1:-1]
        if mode == _HOLD:
            return '"' + encode_basestring(self._head + held)[1:-1]
        if mode == _AT_END:
            return "".join(self._parts) + held
        return ""

    def _strip(self, text: str) -> str:
        if not text:
            return ""
        if self.rules.strip == "whitespace":
            return self._spaces.take(text)
        if self._lead:
            self._lead = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return ""
        if self._tail:
            text = "\n" + text
            self._tail = False
        if text[-1] == "\n":
            self._tail = True
            return text[:-1]
        return text
