"""Python literals -> JSON text, converted as the characters arrive.

For dialects whose models write calls as Python source
(``get_weather(city='Beijing', days=3)``). :class:`PyLiteralToJson` reads
either one literal value or, in *keyword mode*, the keyword arguments of a
call after its ``(`` up to the closing ``)``, and writes the JSON text of
the value (keyword arguments become an object)::

    city='Beijing', days=3, opts={'metric': True, 'langs': ('en', None)})
    -> {"city": "Beijing", "days": 3, "opts": {"metric": true, "langs": ["en", null]}}

What it accepts: strings in either quote style, triple-quoted, with the
``r``/``u`` prefixes and Python's escapes (``\\n \\t \\' \\" \\\\ \\a \\v``,
octal, ``\\xNN \\uNNNN \\UNNNNNNNN \\N{NAME}``, backslash-newline); ints
(also hex, octal, binary and ``_`` separators) and floats with an optional
sign; ``True``/``False``/``None`` and also ``true``/``false``/``null``;
lists, tuples (arrays; a parenthesised value is a tuple even without a
comma) and dicts whose keys are strings, numbers or those words (written as
JSON strings, as ``json.dumps`` does). Trailing commas are allowed. Not
accepted: sets, bytes, f-strings, names, expressions, adjacent string
literals, and in keyword mode positional arguments; the character where
one of those starts is *bad* (see below).

What it writes, canonically (``json.dumps(value, ensure_ascii=False)``
with ``", "`` and ``": "`` separators): a number as the model wrote it when
that is valid JSON (``3``, ``-0.5``, ``1e+16``), otherwise as ``json.dumps``
writes its Python value (``0x1F`` -> ``31``, ``.5`` -> ``0.5``,
``1_000`` -> ``1000``); strings re-escaped for JSON (quote, backslash and
control characters escaped, everything else raw, as ``json.dumps`` writes
them), except that an escape of half a surrogate pair (``\\ud83d``) stays a
JSON escape, since the raw character is not UTF-8; ``lone_surrogates``
counts the halves that are not part of a pair. Lenient where Python is strict and the intent is plain: an unknown
escape keeps its backslash (as Python does), a malformed ``\\x``/``\\u``/
``\\N`` escape is kept literally, and a raw newline in a one-line string is
string text.

Streaming: JSON is written as soon as it is decided. String contents stream
character by character; only an escape sequence cut by a delta, or quote
characters that may close a triple-quoted string, are held. Numbers and
the words are written when they end, a keyword argument's name when its
``=`` arrives, and a ``,`` when the next element begins (so a trailing comma
never reaches the JSON).

Cost: one pass, no recursion (an explicit stack of open containers, so any
nesting depth works), no ``eval``, no backtracking regex over model text;
plain string text is found with one character-class search per run.
Memory: the stack, plus the undecided text (bounded by ``MAX_TOKEN``).

Protocol: call :meth:`~PyLiteralToJson.advance` with the text; it appends
JSON fragments to ``out`` (the caller takes and clears them) and sets
``status``: MORE (all consumed, more expected), DONE (the value or the
arguments ended just before the returned index) or BAD (the character at
the returned index cannot continue; :meth:`~PyLiteralToJson.take_held`
then gives the consumed text that was still undecided, so that the caller
can pass it on as what it was, text). :meth:`~PyLiteralToJson.finish` at
the end of the text writes what is still held and decidable.
"""

from __future__ import annotations

import math
import re
import unicodedata

from ._json import BAD, DONE, MORE

__all__ = ["JSON_ESCAPES", "MAX_TOKEN", "PyLiteralToJson", "json_number"]

# Longest number, word or argument name held while undecided; longer is bad.
MAX_TOKEN = 4096
_MAX_ESCAPE_NAME = 128  # \N{...}: the longest Unicode character name is 88

# Frames of the stack: what an open bracket is.
_KWARGS, _LIST, _TUPLE, _DICT = range(4)
_PY_CLOSE = {_KWARGS: ")", _LIST: "]", _TUPLE: ")", _DICT: "}"}
_JSON_CLOSE = {_KWARGS: "}", _LIST: "]", _TUPLE: "]", _DICT: "}"}

# Phases: what the next character may be.
(
    _VALUE,  # a value (or, in a list or tuple, its closing bracket)
    _AFTER_VALUE,  # "," or the closing bracket
    _KEY,  # a dict key or "}"
    _AFTER_KEY,  # ":"
    _NAME,  # a keyword argument's name or ")"
    _IN_NAME,  # more of the name, whitespace or "="
    _AFTER_NAME,  # whitespace or "="
    _STRING,  # string contents
    _ESCAPE,  # inside a backslash escape
    _OPEN1,  # after an opening quote: "" may be empty or the start of """
    _OPEN2,  # after two quotes
    _NUMBER,
    _WORD,  # True, None, ..., or a string prefix (r, u)
    _HIGH,  # string contents right after an escape of a high surrogate: its low half may follow
) = range(14)

_WORDS = {"True": "true", "False": "false", "None": "null", "true": "true", "false": "false", "null": "null"}
_STRING_PREFIXES = {"r": True, "R": True, "u": False, "U": False}  # prefix -> raw
_WORD_PREFIXES = frozenset(w[:k] for w in (*_WORDS, *_STRING_PREFIXES) for k in range(1, len(w) + 1))
_NUMBER_START = frozenset("0123456789.+-")
_SPACE = frozenset(" \t\n\r\f\v")
_SPACES = re.compile(r"[ \t\n\r\f\v]*")
_NUMBER_RUN = re.compile(r"[0-9A-Za-z_.]*")
_NAME_RUN = re.compile(r"\w*")
# Characters inside a string that are not copied as they are.
_STRING_SPECIAL = re.compile("[\\\\\"'\x00-\x1f]")
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}

_JSON_ESCAPES = {chr(c): f"\\u{c:04x}" for c in range(0x20)}
_JSON_ESCAPES.update(
    {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)
# How JSON writes each character that a string cannot hold raw (shared with the Gemma converter).
JSON_ESCAPES = _JSON_ESCAPES
_SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\n": "",  # backslash-newline continues the line
}


def _json_text(text: str) -> str:
    """``text`` as the inside of a JSON string."""
    out: list[str] = []
    start = 0
    for m in _STRING_SPECIAL.finditer(text):
        c = m.group()
        if c == "'":
            continue
        out.append(text[start : m.start()])
        out.append(_JSON_ESCAPES[c])
        start = m.end()
    if not out:
        return text
    out.append(text[start:])
    return "".join(out)


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DIGITS = r"[0-9](?:_?[0-9])*"
_PY_NUMBER = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+"
    rf"|{_DIGITS}(?:\.(?:{_DIGITS})?)?(?:[eE][+-]?{_DIGITS})?|\.{_DIGITS}(?:[eE][+-]?{_DIGITS})?)"
)


def json_number(token: str) -> str | None:
    """The JSON spelling of a Python number literal, or None if ``token`` is not one.

    Kept as written when that is valid JSON, else ``json.dumps`` of its value;
    a float literal that overflows to infinity has no JSON spelling.
    """
    if _JSON_NUMBER.fullmatch(token):
        return token
    if not _PY_NUMBER.fullmatch(token):
        return None
    body = token.lstrip("+-")
    try:
        if body[:2].lower() in ("0x", "0o", "0b") or not any(c in body for c in ".eE"):
            return str(int(token, 0))  # rejects 007, as Python does
        value = float(token)
    except ValueError:  # leading zeros, or more digits than int() converts
        return None
    return repr(value) if math.isfinite(value) else None


class PyLiteralToJson:
    """Converts one Python literal, or a call's keyword arguments, to JSON text as it streams."""

    __slots__ = (
        "escape",
        "first",
        "held",
        "held_len",
        "high_pending",
        "is_key",
        "literal_started",
        "lone_surrogates",
        "out",
        "phase",
        "quote",
        "quotes",
        "raw",
        "stack",
        "status",
        "triple",
    )

    def __init__(self) -> None:
        self.reset(kwargs=True)

    def reset(self, kwargs: bool) -> None:
        """Start over: keyword mode reads ``k=v, ...)`` (and writes ``{`` at once), else one value."""
        self.out: list[str] = ["{"] if kwargs else []
        self.stack: list[int] = [_KWARGS] if kwargs else []
        self.phase = _NAME if kwargs else _VALUE
        self.first = True  # the innermost container has no element yet
        self.is_key = False  # the string or scalar being read is a dict key
        self.status = MORE
        self.held: list[str] = []  # consumed text not yet decided (a number, a word, a name)
        self.held_len = 0
        self.quote = ""
        self.triple = False
        self.raw = False
        self.quotes = 0  # quote characters seen in a triple-quoted string, fewer than three
        self.escape = ""
        # Whether a literal value has begun (a string, a container or a decided number or word):
        # until then a call's first argument may still turn out not to be a keyword argument.
        self.literal_started = False
        # Escapes of half a surrogate pair, written as JSON escapes (a raw one is not UTF-8):
        # the caller reads the count and reports it.
        self.lone_surrogates = 0
        self.high_pending = False  # an escape after a high surrogate's: a low one makes the pair

    # -- driving -------------------------------------------------------------

    def advance(self, text: str, pos: int, final: bool = False) -> int:
        """Consume ``text[pos:]`` up to where the value ends or breaks; return that index.

        Everything is consumed (what is undecided is held inside), so ``final`` changes nothing.
        """
        n = len(text)
        i = pos
        while i < n and self.status == MORE:
            phase = self.phase
            if phase == _STRING:
                i = self._string(text, i)
            elif phase == _ESCAPE:
                i = self._escape(text, i)
            elif phase == _NUMBER:
                i = self._number(text, i)
            elif phase == _WORD:
                i = self._word(text, i)
            elif phase == _IN_NAME or phase == _AFTER_NAME:
                i = self._name(text, i)
            elif phase == _OPEN1 or phase == _OPEN2:
                i = self._open(text, i)
            elif phase == _HIGH:
                i = self._after_high(text, i)
            else:
                i = _SPACES.match(text, i).end()  # type: ignore[union-attr]
                if i < n:
                    i = self._structure(text[i], i)
        return i

    def take_plain(self, text: str) -> bool:
        """Whether ``text`` is all plain string contents, to be passed on as it is (then it is taken)."""
        return self.phase == _STRING and not self.quotes and _STRING_SPECIAL.search(text) is None

    def take_held(self) -> str:
        """The consumed text that was still undecided (after BAD, or after finish())."""
        held = "".join(self.held)
        self.held = []
        self.held_len = 0
        return held

    def finish(self) -> None:
        """The text ended: write what is held and decidable (a number, a word, a cut escape)."""
        if self.status != MORE:
            return
        phase = self.phase
        if phase == _NUMBER:
            number = json_number("".join(self.held))
            if number is not None:
                self._scalar(number)
        elif phase == _WORD:
            word = _WORDS.get("".join(self.held))
            if word is not None:
                self._scalar(word)
        elif phase == _ESCAPE:
            self._end_escape()
            if self.phase == _HIGH:
                self.lone_surrogates += 1
        elif phase == _HIGH:
            self.lone_surrogates += 1
        elif phase == _STRING and self.quotes:
            self.out.append(_json_text(self.quote * self.quotes))
            self.quotes = 0
        elif phase == _OPEN2:
            self._end_string()  # "" is the empty string

    # -- structure -----------------------------------------------------------

    def _structure(self, c: str, i: int) -> int:
        """One character outside strings and tokens, after whitespace."""
        phase = self.phase
        stack = self.stack
        if phase == _AFTER_VALUE:
            if c == ",":
                kind = stack[-1]
                self.phase = _KEY if kind == _DICT else _NAME if kind == _KWARGS else _VALUE
                return i + 1
            return self._close(c, i)
        if phase == _VALUE:
            if stack and (stack[-1] == _LIST or stack[-1] == _TUPLE):
                if c == _PY_CLOSE[stack[-1]]:
                    return self._close(c, i)
                if not self.first:
                    self.out.append(", ")
                self.first = False
            return self._value(c, i)
        if phase == _KEY:
            if c == "}":
                return self._close(c, i)
            if c in "[({":  # unhashable, or a tuple that JSON cannot key by
                self.status = BAD
                return i
            if not self.first:
                self.out.append(", ")
            self.first = False
            self.is_key = True
            return self._value(c, i)
        if phase == _AFTER_KEY:
            if c != ":":
                self.status = BAD
                return i
            self.out.append(": ")
            self.phase = _VALUE
            return i + 1
        # _NAME
        if c == ")":
            return self._close(c, i)
        if c == "_" or c.isalpha():
            self.phase = _IN_NAME
            return i  # read by _name
        self.status = BAD
        return i

    def _value(self, c: str, i: int) -> int:
        """The first character of a value or dict key (separator already written)."""
        if c == '"' or c == "'":
            self._open_string(c, raw=False)
            return i + 1
        if c in _NUMBER_START:
            self.phase = _NUMBER
            return i
        if c == "_" or c.isalpha():
            self.phase = _WORD
            return i
        if c == "[" or c == "(":
            self._push(_LIST if c == "[" else _TUPLE, "[")
            return i + 1
        if c == "{":
            self._push(_DICT, "{")
            self.phase = _KEY
            return i + 1
        self.status = BAD
        return i

    def _push(self, kind: int, opener: str) -> None:
        self.literal_started = True
        self.out.append(opener)
        self.stack.append(kind)
        self.first = True
        self.phase = _VALUE

    def _close(self, c: str, i: int) -> int:
        stack = self.stack
        if not stack or c != _PY_CLOSE[stack[-1]]:
            self.status = BAD
            return i
        self.out.append(_JSON_CLOSE[stack.pop()])
        self.first = False
        self._value_done()
        return i + 1

    def _value_done(self) -> None:
        if self.is_key:
            self.is_key = False
            self.phase = _AFTER_KEY
        elif self.stack:
            self.phase = _AFTER_VALUE
        else:
            self.status = DONE

    def _scalar(self, json_text: str) -> None:
        """A number or word has ended: write it (quoted when it is a dict key)."""
        self.out.append('"' + json_text + '"' if self.is_key else json_text)
        self.held = []
        self.held_len = 0
        self.literal_started = True
        self._value_done()

    def _hold(self, text: str) -> bool:
        """Keep undecided text; False when it grows past MAX_TOKEN (then it is bad)."""
        self.held.append(text)
        self.held_len += len(text)
        return self.held_len <= MAX_TOKEN

    # -- tokens --------------------------------------------------------------

    def _number(self, text: str, i: int) -> int:
        n = len(text)
        while True:
            # The first character (a sign, maybe) is known to start a number.
            j = _NUMBER_RUN.match(text, i + (not self.held)).end()  # type: ignore[union-attr]
            if j > i and not self._hold(text[i:j]):
                self.status = BAD
                return j
            i = j
            if i >= n:
                return i
            c = text[i]
            # An exponent's sign continues a decimal number (1e-5), not a hex one (0xE - 5).
            if (
                c in "+-"
                and self.held[-1][-1] in "eE"
                and "".join(self.held).lstrip("+-")[:2].lower() != "0x"
            ):
                self._hold(c)
                i += 1
                if i >= n:
                    return i
                continue
            break
        number = json_number("".join(self.held))
        if number is None:
            self.status = BAD
            return i
        self._scalar(number)
        return i

    def _word(self, text: str, i: int) -> int:
        n = len(text)
        word = "".join(self.held)
        while i < n:
            c = text[i]
            if word + c in _WORD_PREFIXES and c.isalpha():
                word += c
                self.held.append(c)
                self.held_len += 1
                i += 1
                continue
            if (c == '"' or c == "'") and word in _STRING_PREFIXES:
                self.held = []
                self.held_len = 0
                self._open_string(c, raw=_STRING_PREFIXES[word])
                return i + 1
            json_word = _WORDS.get(word)
            if json_word is None or c == "_" or c.isalnum():
                self.status = BAD
                return i
            self._scalar(json_word)
            return i
        return i

    def _name(self, text: str, i: int) -> int:
        """A keyword argument's name, up to its ``=``."""
        n = len(text)
        if self.phase == _IN_NAME:
            j = _NAME_RUN.match(text, i).end()  # type: ignore[union-attr]
            if j > i and not self._hold(text[i:j]):
                self.status = BAD
                return j
            i = j
            if i >= n:
                return i
            self.phase = _AFTER_NAME
        j = _SPACES.match(text, i).end()  # type: ignore[union-attr]
        if j > i and not self._hold(text[i:j]):
            self.status = BAD
            return j
        i = j
        if i >= n:
            return i
        if text[i] != "=":
            self.status = BAD
            return i
        name = self.take_held().rstrip(" \t\n\r\f\v")
        self.out.append(('"' if self.first else ', "') + _json_text(name) + '": ')
        self.first = False
        self.phase = _VALUE
        return i + 1

    # -- strings -------------------------------------------------------------

    def _open_string(self, quote: str, raw: bool) -> None:
        self.literal_started = True
        self.out.append('"')
        self.quote = quote
        self.raw = raw
        self.triple = False
        self.quotes = 0
        self.phase = _OPEN1

    def _open(self, text: str, i: int) -> int:
        """After one or two opening quotes: an empty string, or a triple-quoted one."""
        if text[i] == self.quote:
            if self.phase == _OPEN1:
                self.phase = _OPEN2
            else:
                self.triple = True
                self.phase = _STRING
            return i + 1
        if self.phase == _OPEN2:
            self._end_string()  # "" followed by something else
        else:
            self.phase = _STRING
        return i

    def _end_string(self) -> None:
        self.out.append('"')
        self._value_done()

    def _string(self, text: str, i: int) -> int:
        n = len(text)
        quote = self.quote
        out = self.out
        if self.quotes:
            while i < n and text[i] == quote:
                i += 1
                self.quotes += 1
                if self.quotes == 3:
                    self.quotes = 0
                    self._end_string()
                    return i
            if i >= n:
                return i
            out.append(_json_text(quote * self.quotes))
            self.quotes = 0
        m = _STRING_SPECIAL.search(text, i)
        if m is None:
            out.append(text[i:] if i else text)
            return n
        j = m.start()
        if j > i:
            out.append(text[i:j])
        c = text[j]
        if c == quote:
            if self.triple:
                self.quotes = 1
            else:
                self._end_string()
        elif c == "\\":
            self.escape = "\\"
            self.phase = _ESCAPE
        else:
            out.append("'" if c == "'" else _JSON_ESCAPES[c])
        return j + 1

    def _escape(self, text: str, i: int) -> int:
        """A backslash escape, one character at a time (it may be cut anywhere)."""
        n = len(text)
        while i < n and self.phase == _ESCAPE:
            c = text[i]
            escape = self.escape
            if len(escape) == 1:
                if self.high_pending and c != "u" and c != "U":
                    self.high_pending = False  # no low half follows the high one
                    self.lone_surrogates += 1
                if self.raw:  # a raw string keeps the backslash and the character after it
                    self.out.append("\\\\" + _json_text(c))
                    self.phase = _STRING
                    return i + 1
                simple = _SIMPLE_ESCAPES.get(c)
                if simple is not None:
                    self.out.append(_json_text(simple))
                    self.phase = _STRING
                    return i + 1
                if c in _OCTAL or c in _HEX_DIGITS or c == "N":
                    self.escape += c
                    i += 1
                    continue
                self.out.append("\\\\")  # unknown escape: Python keeps the backslash
                self.phase = _STRING
                return i
            kind = escape[1]
            if kind in _OCTAL:
                if c in _OCTAL and len(escape) < 4:
                    self.escape += c
                    i += 1
                    if len(self.escape) == 4:
                        self._end_escape()
                    continue
                self._end_escape()
                return i
            if kind == "N":
                if len(escape) == 2 and c != "{":
                    self._end_escape()
                    return i
                if c == "}":
                    self.escape += c
                    self._end_escape()
                    return i + 1
                if c == self.quote or c == "\n" or c == "\\" or len(escape) > _MAX_ESCAPE_NAME:
                    self._end_escape()
                    return i
                self.escape += c
                i += 1
                continue
            if c not in _HEX:
                self._end_escape()
                return i
            self.escape += c
            i += 1
            if len(self.escape) == 2 + _HEX_DIGITS[kind]:
                self._end_escape()
        return i

    def _end_escape(self) -> None:
        """Write the escape collected so far: its character, or its text when it is malformed."""
        escape = self.escape
        self.escape = ""
        self.phase = _STRING
        decoded: str | None = None
        kind = escape[1:2]
        if kind in _OCTAL and kind:
            decoded = chr(int(escape[1:], 8))
        elif kind in _HEX_DIGITS and len(escape) == 2 + _HEX_DIGITS[kind]:
            code = int(escape[2:], 16)
            if 0xD800 <= code <= 0xDFFF:
                self._surrogate(code)
                return
            decoded = chr(code) if code <= 0x10FFFF else None
        elif kind == "N" and escape.endswith("}"):
            try:
                decoded = unicodedata.lookup(escape[3:-1])
            except KeyError:
                decoded = None
        if self.high_pending:
            self.high_pending = False  # a high half, then an escape that is not its low half
            self.lone_surrogates += 1
        self.out.append(_json_text(escape if decoded is None else decoded))

    def _surrogate(self, code: int) -> None:
        """An escape of half a surrogate pair: written as the JSON escape, so the text stays UTF-8.

        A high half followed at once by an escape of a low half is a pair (JSON
        reads the two escapes as one character); any other half is lone and counted.
        """
        self.out.append(f"\\u{code:04x}")
        if code < 0xDC00:
            if self.high_pending:
                self.lone_surrogates += 1  # two high halves in a row: the first is lone
            self.high_pending = False
            self.phase = _HIGH
        elif self.high_pending:
            self.high_pending = False
        else:
            self.lone_surrogates += 1

    def _after_high(self, text: str, i: int) -> int:
        """The character after a high surrogate's escape: a backslash may begin its low half."""
        self.phase = _STRING
        if text[i] == "\\":
            self.high_pending = True
        else:
            self.lone_surrogates += 1
        return i  # read again as string contents
