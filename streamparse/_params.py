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
  null or the dialect reads ``null`` as null whatever the type, the first
  few characters while they may still spell a null word);
* any other value is only known when it ends and is written then (the
  documented exception to prompt emission): in the order integer, number,
  boolean, object/array, the first type its text satisfies, else the raw
  text as a string. Numbers and JSON objects/arrays are written as the
  model wrote them (no re-serialisation); Python spellings (``True``,
  ``None``, single quotes), as Qwen3-Coder's template writes them, are
  translated token by token, never evaluated.

Some dialects type each value in the markup instead (DeepSeek's DSML and
GigaChat's GCML: ``<parameter name="days" string="false">3</parameter>``):
``start_value(key, string_flag)`` then ignores the schema. ``True``: the
value is raw text, streamed as JSON string content as it arrives (no null
word, no whitespace rule beyond the dialect's); ``False``: the value is
JSON, written as the model wrote it (without the whitespace around it) when
it ends, or, if it is not valid JSON, the raw text as a string.

The result is always UTF-8: a surrogate character the text holds raw, or
one a Python ``\\u`` escape decodes to, is written as a JSON ``\\uXXXX``
escape, and a value that holds a raw one or an escape of half a surrogate
pair is reported through the writer's ``on_flag`` (``lone_surrogate``).

Every step is linear in the text it is given; nothing is re-scanned.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, Literal

from ._json import SURROGATE, has_raw_surrogate
from ._machine import Stripper

__all__ = [
    "ArgumentsWriter",
    "ValueRules",
    "has_raw_surrogate",
    "lone_surrogate_escape",
    "python_literal_json",
    "schema_types",
    "surrogates_escaped",
    "typed_json",
]

STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY, NULL = (
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
)
# Not a schema type: a value the markup declares to be JSON (``string="false"``), of any type.
ANY_JSON = "any JSON"

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
    whitespace (minimax_m2, glm45); ``"none"`` keeps every value verbatim
    (deepseek_v32). Null, true and false words are matched
    case-insensitively. ``untyped`` is the rule for a parameter with no
    usable schema (no tools, an unknown function or parameter, a schema
    without a type): ``"string"`` keeps the text as a string;
    ``"json"`` decodes text that is a JSON number, boolean, null, object
    or array, and keeps anything else as a string. ``null_for_strings``:
    the text ``null`` (any case) is null even where the schema allows only
    strings (DIALECTS.md, schema-typed values, rule 2); the other null words
    are null only where the schema allows null or no string.
    """

    strip: Literal["newline", "whitespace", "none"]
    null_words: frozenset[str] = frozenset({"null"})
    true_words: frozenset[str] = frozenset({"true"})
    false_words: frozenset[str] = frozenset({"false"})
    untyped: Literal["string", "json"] = "string"
    null_for_strings: bool = False


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
    """The JSON text of a complete value of the given types (empty: untyped ``"json"`` rule).

    Surrogate characters in the result are written as escapes, so it is always UTF-8.
    """
    return surrogates_escaped(_typed_json(value, types, rules))


def _typed_json(value: str, types: frozenset[str], rules: ValueRules) -> str:
    word = value.strip()
    if ANY_JSON in types:
        return word if _is_json(word) else encode_basestring(value)
    lowered = word.lower()
    if not types:
        if word[:1] != '"' and _is_json(word):
            return word
        return encode_basestring(value)
    if lowered in rules.null_words and (NULL in types or STRING not in types):
        return "null"
    if rules.null_for_strings and lowered == NULL:
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


# -- surrogates ---------------------------------------------------------------------------
#
# A Python str can hold a surrogate code point on its own (text decoded with
# "surrogatepass", or a Python "\\ud83d" escape decoded), and such a str cannot be
# encoded as UTF-8. JSON can say the same thing with an escape, so the result keeps the
# escape instead; a JSON reader then decides what a lone one means.

# One JSON escape: matched left to right, so "\\\\ud83d" is an escaped backslash and text.
_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def surrogates_escaped(json_text: str) -> str:
    """``json_text`` with each surrogate character written as a ``\\uXXXX`` escape.

    Valid for JSON text and for the inside of a JSON string: a surrogate can only
    stand inside a string, where an escape means the same character.
    """
    if not has_raw_surrogate(json_text):
        return json_text
    return SURROGATE.sub(_escape, json_text)


def lone_surrogate_escape(json_text: str) -> str | None:
    """The first ``\\uXXXX`` escape in ``json_text`` that is half a surrogate pair without its other half."""
    if "\\u" not in json_text:
        return None
    high: re.Match[str] | None = None  # a high surrogate's escape, waiting for a low one
    for match in _JSON_ESCAPE.finditer(json_text):
        digits = match.group(1)
        code = int(digits, 16) if digits is not None else -1
        if high is not None:
            if 0xDC00 <= code < 0xE000 and match.start() == high.end():
                high = None
                continue
            return high.group()
        if 0xD800 <= code < 0xDC00:
            high = match
        elif 0xDC00 <= code < 0xE000:
            return match.group()
    return high.group() if high is not None else None


# -- Python literals, translated token by token ---------------------------------------
#
# What Python's literal syntax allows and JSON does not is rewritten: single quotes and
# Python escapes, True/False/None, a trailing comma before "]" or "}", digit-group
# underscores, hex/octal/binary integers, "1." and ".5", a unary "+" or a sign followed by
# whitespace. Anything else Python would have to evaluate (names, calls, tuples, sets,
# complex numbers) is not a literal here.

_PY_SPACE = re.compile(r"[ \t\r\n]+")
_PY_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PY_WORDS = {"True": "true", "False": "false", "None": "null"}
_PY_DIGITS = r"[0-9](?:_?[0-9])*"
_PY_NUMBER = re.compile(
    r"0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)"
    rf"|(?P<whole>{_PY_DIGITS})?(?:(?P<dot>\.)(?P<fraction>{_PY_DIGITS})?)?(?P<exponent>[eE][-+]?{_PY_DIGITS})?"
)
# A number runs up to a character that cannot continue it ("1j", "1_", "1.2.3" are not numbers).
_PY_NUMBER_GLUE = frozenset("0123456789_.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_RADIX_DIGITS = 256  # longer hex/octal/binary integers stay text (no big conversions)
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
# After these, a comma has no value before it ("[,", "{,", ",,", ":,"), which Python rejects.
_NO_VALUE_BEFORE = frozenset("[{,:")


def python_literal_json(text: str) -> str | None:
    """JSON for a Python literal of dicts, lists, strings, numbers, True/False/None; None if not one."""
    out: list[str] = []
    last = ""  # the last significant token written ("" at the start)
    trailing_comma = -1  # where in ``out`` a comma that may turn out to be trailing is
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            m = _PY_SPACE.match(text, i)
            assert m is not None
            out.append(m.group())
            i = m.end()
            continue
        if c in "[]{}:,":
            if c == ",":
                if last in _NO_VALUE_BEFORE:
                    return None
                trailing_comma = len(out)
            elif c in "]}" and last == ",":
                out[trailing_comma] = ""  # Python allows one comma after the last item
            out.append(c)
            last = c
            i += 1
            continue
        if c == "'" or c == '"':
            end, decoded = _python_string(text, i)
            if end < 0:
                return None
            token = encode_basestring(decoded)
            i = end
        elif c in "+-0123456789.":
            j = i + 1 if c in "+-" else i
            if j > i:
                space = _PY_SPACE.match(text, j)
                if space is not None:
                    j = space.end()
            number = _python_number(text, j)
            if number is None:
                return None
            token, i = number
            if c == "-":
                token = "-" + token
        else:
            m = _PY_WORD.match(text, i)
            if m is None or m.group() not in _PY_WORDS:
                return None
            token = _PY_WORDS[m.group()]
            i = m.end()
        out.append(token)
        last = token[-1]
    result = "".join(out)
    return surrogates_escaped(result) if _is_json(result) else None


def _python_number(text: str, start: int) -> tuple[str, int] | None:
    """(JSON text, index after it) of the Python number literal at ``start``; None if there is none."""
    m = _PY_NUMBER.match(text, start)
    if m is None or m.end() == start or text[m.end() : m.end() + 1] in _PY_NUMBER_GLUE:
        return None
    token = m.group()
    if m.group("dot") is None and m.group("exponent") is None:
        digits = token.replace("_", "")
        if m.group("whole") is None:  # 0x / 0o / 0b
            if len(digits) > _MAX_RADIX_DIGITS:
                return None
            return str(int(digits, 0)), m.end()
        if digits[0] == "0" and digits.strip("0"):
            return None  # Python has no decimal integers with a leading zero ("007")
        return (digits if digits[0] != "0" else "0"), m.end()
    whole = (m.group("whole") or "").replace("_", "").lstrip("0") or "0"
    fraction = m.group("fraction")
    if m.group("whole") is None and fraction is None:
        return None  # a lone "." (or ".e5")
    json_number = whole
    if m.group("dot") is not None:
        json_number += "." + (fraction.replace("_", "") if fraction is not None else "0")
    if m.group("exponent") is not None:
        json_number += m.group("exponent").replace("_", "")
    return json_number, m.end()


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
# What a string-only value is held for where the dialect reads "null" as null whatever the type.
_STRING_NULL = frozenset({NULL})

Flag = Callable[[str, str], None]
_RAW_SURROGATE = "a surrogate character, written as an escape"


def _no_flag(kind: str, detail: str) -> None:
    pass


class _Verbatim(Stripper):
    """The ``"none"`` whitespace rule: text passes as it is."""

    __slots__ = ()

    def take(self, text: str) -> str:
        return text


_STRING_ONLY = frozenset({STRING})
_JSON_AS_WRITTEN = frozenset({ANY_JSON})


@functools.cache
def _prefixes(words: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The longest of ``words``, and every non-empty prefix of them: what a value may be while it may
    still become one of them."""
    return max(map(len, words)), frozenset(word[:end] for word in words for end in range(1, len(word) + 1))


class ArgumentsWriter:
    """Builds one call's arguments JSON from streamed parameter values at a time.

    ``start_call(parameters)`` with the function's JSON schema (None: no
    schema), then per parameter ``start_value(key)``, ``feed(text)`` any
    number of times and ``end_value()``; ``end_call(complete)``. Each
    returns the JSON text to emit now (possibly empty); the concatenation
    is the arguments object. ``on_flag(kind, detail)`` hears, once per
    value and by the time it ends, of a surrogate the value held raw or as
    half a pair's escape (``lone_surrogate``), written as an escape.
    """

    __slots__ = (
        "_count",
        "_flagged",
        "_head",
        "_hold_prefixes",
        "_hold_words",
        "_key",
        "_lead",
        "_max_hold",
        "_mode",
        "_on_flag",
        "_parts",
        "_properties",
        "_raw_surrogate",
        "_spaces",
        "_strip_all",
        "_tail",
        "_types",
        "rules",
    )

    def __init__(self, rules: ValueRules, on_flag: Flag | None = None) -> None:
        self.rules = rules
        self._on_flag = on_flag if on_flag is not None else _no_flag
        self._properties: Mapping[str, Any] | None = None
        self._count = 0
        self._mode = _NO_VALUE
        self._types: frozenset[str] = frozenset()
        self._hold_words = rules.null_words
        self._hold_prefixes: frozenset[str] = frozenset()
        self._max_hold = 0
        self._lead = True
        self._tail = False
        # "none" strips nothing through the same path as "whitespace" (no test on the per-delta path).
        self._spaces = _Verbatim() if rules.strip == "none" else Stripper()
        self._strip_all = rules.strip != "newline"
        self._head = ""
        self._parts: list[str] = []
        self._key = ""
        self._flagged = False
        self._raw_surrogate = False

    @property
    def in_value(self) -> bool:
        return self._mode != _NO_VALUE

    def start_call(self, parameters: object) -> None:
        properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
        self._properties = properties if isinstance(properties, Mapping) else None
        self._count = 0
        self._mode = _NO_VALUE

    def member(self, key: str) -> str:
        """``{"KEY": `` (or ``, "KEY": ``) for a value the caller writes itself as JSON text."""
        if has_raw_surrogate(key):
            self._key = key
            self._flagged = False
            self._flag(f"parameter name {key!r}: a surrogate character, written as an escape")
        out = ("{" if self._count == 0 else ", ") + surrogates_escaped(encode_basestring(key)) + ": "
        self._count += 1
        return out

    def start_value(self, key: str, string_flag: bool | None = None) -> str:
        """``{"KEY": `` (or ``, "KEY": ``) and what the value starts with, if known now.

        ``string_flag``: the value's type as the markup declares it (True: raw
        text, False: JSON), instead of the schema; None: typed by the schema.
        """
        self._key = key
        self._flagged = False
        self._raw_surrogate = False
        if has_raw_surrogate(key):
            self._flag(f"parameter name {key!r}: a surrogate character, written as an escape")
        out = ("{" if self._count == 0 else ", ") + surrogates_escaped(encode_basestring(key)) + ": "
        self._count += 1
        if string_flag is not None:
            types = _STRING_ONLY if string_flag else _JSON_AS_WRITTEN
        else:
            schema = self._properties.get(key) if self._properties is not None else None
            types = schema_types(schema)
            if not types and self.rules.untyped == "string":
                types = _STRING_ONLY
        if string_flag:
            # Raw text by the markup's word: no null word to wait for.
            self._mode = _STREAM
            out += '"'
        elif STRING in types and types <= {STRING, NULL}:
            # Held while it may still be a null word: a schema's null, or the dialect's rule
            # that "null" is null whatever the type.
            if NULL in types:
                hold = self.rules.null_words
            else:
                hold = _STRING_NULL if self.rules.null_for_strings else frozenset()
            if hold:
                self._mode = _HOLD
                self._hold_words = hold
                self._max_hold, self._hold_prefixes = _prefixes(hold)
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
        if not text:
            return ""
        text = self._strip(text)
        if not text:
            return ""
        mode = self._mode
        if mode == _STREAM:
            # Inlined _string_chars: the per-delta path of a long string value.
            out = encode_basestring(text)[1:-1]
            # A surrogate is not printable; nor are a few other characters, which the
            # regular expression then clears.
            if out.isprintable() or SURROGATE.search(out) is None:
                return out
            return self._string_chars(text)
        if mode == _AT_END:
            if not self._types and not self._parts and text[0] not in _JSON_START:
                # Untyped "json" rule: a value that cannot be JSON from its first character on
                # is a string, so it can stream (what cannot parse stays a string anyway).
                self._mode = _STREAM
                return '"' + self._string_chars(text)
            self._parts.append(text)
            return ""
        head = self._head + text
        if len(head) <= self._max_hold and head.lower() in self._hold_prefixes:
            self._head = head
            return ""
        self._head = ""
        self._mode = _STREAM
        return '"' + self._string_chars(head)

    def end_value(self) -> str:
        mode = self._mode
        self._mode = _NO_VALUE
        if mode == _STREAM:
            if self._raw_surrogate:
                self._flag(_RAW_SURROGATE)
            return '"'
        if mode == _HOLD:
            head = self._head
            return "null" if head.lower() in self._hold_words else encode_basestring(head)
        if mode == _AT_END:
            value = "".join(self._parts)
            self._parts = []
            out = typed_json(value, self._types, self.rules)
            self._check_surrogates(value, out)
            return out
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
            if self._raw_surrogate:
                self._flag(_RAW_SURROGATE)
            return encode_basestring(held)[1:-1]
        if mode == _HOLD:
            return '"' + encode_basestring(self._head + held)[1:-1]
        if mode == _AT_END:
            value = "".join(self._parts) + held
            out = surrogates_escaped(value)
            self._check_surrogates(value, out)
            return out
        return ""

    def _string_chars(self, text: str) -> str:
        """``text`` as the inside of a JSON string (the per-delta path of a string value)."""
        out = encode_basestring(text)[1:-1]
        escaped = surrogates_escaped(out)
        if escaped is not out:
            # Flagged when the value ends: this may be the per-delta fast path, whose events
            # are only the value's text.
            self._raw_surrogate = True
        return escaped

    def _check_surrogates(self, value: str, json_text: str) -> None:
        if has_raw_surrogate(value):
            self._flag(_RAW_SURROGATE)
        elif (escape := lone_surrogate_escape(json_text)) is not None:
            self._flag(f"{escape} is half a surrogate pair, kept as written")

    def _flag(self, detail: str) -> None:
        if not self._flagged:
            self._flagged = True
            self._on_flag("lone_surrogate", f"parameter {self._key!r}: {detail}")

    def _strip(self, text: str) -> str:
        """The dialect's whitespace rule: all surrounding whitespace, or one leading and one
        trailing newline (the trailing one held until more follows)."""
        if self._strip_all:
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
