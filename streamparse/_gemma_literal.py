"""Gemma's object literal -> JSON text, converted as the characters arrive.

Gemma 4 and FunctionGemma write a call's arguments as an object literal with
bare keys, strings between a delimiter token and bare scalars::

    {city:<|"|>Beijing<|"|>,days:3,opts:{metric:true,langs:[<|"|>en<|"|>,null]}}
    -> {"city": "Beijing", "days": 3, "opts": {"metric": true, "langs": ["en", null]}}

(the delimiter is ``<|"|>`` in Gemma 4, ``<escape>`` in FunctionGemma).
:class:`GemmaLiteralToJson` reads the arguments after the call's opening
``{`` (or ``(``, a variant vLLM tolerates) up to the matching close and
writes their JSON, canonically (``json.dumps(value, ensure_ascii=False)``
with ``", "`` and ``": "`` separators), as :class:`~._pyliteral.PyLiteralToJson`
does for Python calls; it speaks the same protocol, so the machine's Python
argument building block drives either.

What it accepts. Keys: bare text up to ``:`` (whitespace around it dropped;
not empty, no ``, { } [ ]``), or a string between delimiters (the chat
template writes keys that way in tool declarations). Strings: anything
between two delimiters, taken as written: there are no escapes, since the
delimiter is a special token. Scalars: bare text up to the next ``,`` ``}``
``]`` or ``)``, whitespace around it dropped; a number as
:func:`~._pyliteral.json_number` reads it (JSON numbers kept as written),
``true``/``false``/``null``, and, leniently, any other bare text as a JSON
string of that text (a model that left out the delimiters; vLLM reads it
the same way). Objects and arrays nest; a trailing comma is allowed.

What breaks it (*bad*): a closing bracket that does not match, a key
without its ``:``, an empty key or value, a second value without a comma
between, a string right after bare text, one of the dialect's end markers
(``stops``) outside a string (the call's end token where the literal is not
closed yet), a key or scalar longer than ``MAX_TOKEN``. The converter never
raises: it stops with status BAD at the character, and
:meth:`~GemmaLiteralToJson.take_held` gives the consumed text still
undecided (a key, a cut delimiter), for the caller to pass on as it was.

Streaming: string contents are written as they arrive, JSON-escaped (quote,
backslash and control characters; a surrogate code point on its own is
written as its ``\\uXXXX`` escape and counted in ``lone_surrogates``, since
the text must stay UTF-8). Only a ``<`` that may be the start of the
delimiter is held, until the next characters say (at most the delimiter's
length minus one). A key is written when its ``:`` arrives, a scalar when
the character after it does, a ``,`` when the next element begins (so a
trailing comma never reaches the JSON). End markers inside strings are
string text.

Cost: one pass, an explicit stack (any nesting depth), plain string text
found with one character-class search per run, no backtracking regex.
Memory: the stack and the undecided token (bounded by ``MAX_TOKEN``).
"""

from __future__ import annotations

import re

from ._json import BAD, DONE, MORE
from ._pyliteral import JSON_ESCAPES, MAX_TOKEN, json_number

__all__ = ["GemmaLiteralToJson"]

# Frames of the stack.
_ARGS, _ARGS_PAREN, _LIST, _DICT = range(4)
_CLOSE = {_ARGS: "}", _ARGS_PAREN: ")", _LIST: "]", _DICT: "}"}
_JSON_CLOSE = {_ARGS: "}", _ARGS_PAREN: "}", _LIST: "]", _DICT: "}"}

# Phases: what the next character may be.
(
    _VALUE,  # a value (or, in a list, its closing bracket)
    _AFTER_VALUE,  # "," or the closing bracket
    _KEY,  # a key or the closing bracket
    _IN_KEY,  # more of a bare key, up to ":"
    _AFTER_KEY,  # ":" after a delimited key
    _STRING,  # string contents
    _SCALAR,  # a bare scalar, up to its delimiter
) = range(7)

_WORDS = {"true": "true", "false": "false", "null": "null"}
_SPACES = re.compile(r"[ \t\n\r\f\v]*")
_SPACE = " \t\n\r\f\v"
# Where a bare scalar or key may end (or a delimiter or end marker begin).
_SCALAR_RUN = re.compile(r"[^,}\])<{\[]*")
_KEY_RUN = re.compile(r"[^:,}\])<{\[]*")
# Characters inside a string that are not copied as they are (the delimiter's first is added).
_STRING_SPECIAL_CLASS = '"\\\\\x00-\x1f\ud800-\udfff'


def _json_text(text: str, special: re.Pattern[str]) -> str:
    """``text`` as the inside of a JSON string (the pattern finds what needs escaping)."""
    if special.search(text) is None:
        return text
    return special.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    escaped = JSON_ESCAPES.get(c)
    return escaped if escaped is not None else f"\\u{ord(c):04x}"


_JSON_SPECIAL = re.compile(f"[{_STRING_SPECIAL_CLASS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# What a delimiter's first character outside the string text turns out to be.
_DELIMITER, _STOP, _WAIT, _PLAIN = range(4)


class GemmaLiteralToJson:
    """Converts a Gemma call's arguments (after its ``{``) to JSON text as it streams."""

    __slots__ = (
        "_lead",
        "_prefixes",
        "_special",
        "_string_prefixes",
        "_wait",
        "_window",
        "delimiter",
        "first",
        "held",
        "held_len",
        "is_key",
        "literal_started",
        "lone_surrogates",
        "out",
        "phase",
        "stack",
        "status",
        "stops",
    )

    def __init__(self, delimiter: str, stops: tuple[str, ...] = ()) -> None:
        lead = delimiter[0]
        if lead in delimiter[1:] or any(stop[0] != lead or lead in stop[1:] for stop in stops):
            # Then a held "<" that starts no token is plain text, and nothing else in it starts one.
            raise ValueError(
                "the delimiter and the end markers must start with one character found nowhere else"
            )
        self.delimiter = delimiter
        self.stops = stops
        self._lead = lead
        self._string_prefixes = frozenset(delimiter[:k] for k in range(1, len(delimiter)))
        self._prefixes = self._string_prefixes | {s[:k] for s in stops for k in range(1, len(s))}
        self._window = max(len(token) for token in (delimiter, *stops))
        self._special = re.compile(f"[{_STRING_SPECIAL_CLASS}{re.escape(lead)}]")
        self.reset()

    def reset(self, kwargs: bool = True) -> None:
        """Start over after a call's ``{`` (Gemma's arguments are always an object: ``kwargs`` is unused)."""
        self.out: list[str] = ["{"]
        self.stack: list[int] = [_ARGS]
        self.phase = _KEY
        self.first = True  # the innermost container has no element yet
        self.is_key = False  # the string being read is a key
        self.status = MORE
        self.held: list[str] = []  # consumed text not yet decided (a bare key or scalar)
        self.held_len = 0
        self.literal_started = True  # a Gemma call commits at its "{": nothing here decides it
        self.lone_surrogates = 0
        self._wait = False

    def open_paren(self) -> None:
        """The arguments opened with ``(`` instead of ``{`` (vLLM tolerates it): ``)`` closes them."""
        self.stack[0] = _ARGS_PAREN

    # -- driving -------------------------------------------------------------

    def advance(self, text: str, pos: int, final: bool = False) -> int:
        """Consume ``text[pos:]`` up to where the arguments end or break; return that index.

        A possible delimiter or end marker cut by the end of ``text`` is left
        unread (the index returned is where it starts, status MORE), to be
        read again with more text; with ``final`` there is no more text, and it
        is read as what it is without its end.
        """
        n = len(text)
        i = pos
        self._wait = False
        while i < n and self.status == MORE and not self._wait:
            phase = self.phase
            if phase == _STRING:
                i = self._string(text, i, final)
            elif phase == _SCALAR or phase == _IN_KEY:
                i = self._token(text, i, final)
            else:
                i = _SPACES.match(text, i).end()  # type: ignore[union-attr]
                if i < n:
                    i = self._structure(text, i, final)
        return i

    def take_plain(self, text: str) -> bool:
        """Whether ``text`` is all plain string contents, to be passed on as it is (then it is taken)."""
        return self.phase == _STRING and self._special.search(text) is None

    def take_held(self) -> str:
        """The consumed text that was still undecided (after BAD, or after finish())."""
        held = "".join(self.held)
        self.held = []
        self.held_len = 0
        return held

    def finish(self) -> None:
        """The text ended (read with ``final``): write a held scalar; a held key stays held."""
        if self.status == MORE and self.phase == _SCALAR:
            self._end_scalar()

    # -- structure -----------------------------------------------------------

    def _kind(self, text: str, j: int, final: bool, in_string: bool) -> int:
        """What the delimiter's first character at ``text[j]`` begins."""
        if text.startswith(self.delimiter, j):
            return _DELIMITER
        if not in_string:
            for stop in self.stops:
                if text.startswith(stop, j):
                    return _STOP
        # Only the end of the text can be a cut token: a slice further back would cost its length.
        if (
            not final
            and len(text) - j < self._window
            and text[j:] in (self._string_prefixes if in_string else self._prefixes)
        ):
            self._wait = True
            return _WAIT
        return _PLAIN

    def _structure(self, text: str, i: int, final: bool) -> int:
        """One character outside strings and tokens, after whitespace."""
        c = text[i]
        phase = self.phase
        kind = self._kind(text, i, final, False) if c == self._lead else _PLAIN
        if kind == _WAIT:
            return i
        if kind == _STOP:
            return self._bad(i)
        if phase == _VALUE:
            in_list = self.stack[-1] == _LIST
            if in_list and c == "]" and kind == _PLAIN:
                return self._close(c, i)
            if c in ",}])" or (kind == _PLAIN and c in ":"):
                return self._bad(i)  # an empty value
            if in_list:
                self._separator()
            if kind == _DELIMITER:
                self.out.append('"')
                self.phase = _STRING
                return i + len(self.delimiter)
            if c == "{":
                self._push(_DICT, "{")
                self.phase = _KEY
                return i + 1
            if c == "[":
                self._push(_LIST, "[")
                self.phase = _VALUE
                return i + 1
            self.phase = _SCALAR
            return i
        if phase == _KEY:
            if kind == _DELIMITER:
                self._separator()
                self.out.append('"')
                self.is_key = True
                self.phase = _STRING
                return i + len(self.delimiter)
            if c in "}])":
                return self._close(c, i)
            if c in ",{[:":
                return self._bad(i)
            self.phase = _IN_KEY
            return i
        if kind != _PLAIN:
            return self._bad(i)
        if phase == _AFTER_VALUE:
            if c == ",":
                self.phase = _VALUE if self.stack[-1] == _LIST else _KEY
                return i + 1
            return self._close(c, i)
        # _AFTER_KEY: after a delimited key
        if c != ":":
            return self._bad(i)
        self.out.append(": ")
        self.phase = _VALUE
        return i + 1

    def _separator(self) -> None:
        if not self.first:
            self.out.append(", ")
        self.first = False

    def _push(self, kind: int, opener: str) -> None:
        self.out.append(opener)
        self.stack.append(kind)
        self.first = True

    def _close(self, c: str, i: int) -> int:
        stack = self.stack
        if c != _CLOSE[stack[-1]]:
            return self._bad(i)
        self.out.append(_JSON_CLOSE[stack.pop()])
        self.first = False
        self._value_done()
        return i + 1

    def _value_done(self) -> None:
        if self.stack:
            self.phase = _AFTER_VALUE
        else:
            self.status = DONE

    def _bad(self, i: int) -> int:
        self.status = BAD
        return i

    # -- tokens --------------------------------------------------------------

    def _token(self, text: str, i: int, final: bool) -> int:
        """A bare scalar or key: held up to the character that ends it."""
        is_scalar = self.phase == _SCALAR
        j = (_SCALAR_RUN if is_scalar else _KEY_RUN).match(text, i).end()  # type: ignore[union-attr]
        if j > i:
            self.held.append(text[i:j])
            self.held_len += j - i
            if self.held_len > MAX_TOKEN:
                return self._bad(j)
        if j >= len(text):
            return j
        c = text[j]
        if c == self._lead:
            kind = self._kind(text, j, final, False)
            if kind == _WAIT:
                return j
            if kind == _PLAIN:
                self.held.append(c)  # a "<" that starts nothing: bare text
                self.held_len += 1
                return j + 1
            if kind == _STOP and is_scalar:
                self._end_scalar()  # the call's end right after a scalar: the scalar is whole
            return self._bad(j)
        if is_scalar:
            if c in "{[" or not self._end_scalar():
                return self._bad(j)
            return j
        # A bare key: only its ":" ends it.
        key = "".join(self.held).strip(_SPACE)
        if c != ":" or not key:
            return self._bad(j)
        self.held = []
        self.held_len = 0
        self.out.append(('"' if self.first else ', "') + _json_text(key, _JSON_SPECIAL) + '": ')
        self._count_surrogates(key)
        self.first = False
        self.phase = _VALUE
        return j + 1

    def _end_scalar(self) -> bool:
        """Write the held scalar (False: there is none, only whitespace)."""
        token = "".join(self.held).strip(_SPACE)
        if not token:
            return False
        json_text = _WORDS.get(token) or json_number(token)
        if json_text is None:
            json_text = '"' + _json_text(token, _JSON_SPECIAL) + '"'
            self._count_surrogates(token)
        self.out.append(json_text)
        self.held = []
        self.held_len = 0
        self._value_done()
        return True

    # -- strings -------------------------------------------------------------

    def _string(self, text: str, i: int, final: bool) -> int:
        n = len(text)
        special = self._special
        lead = self._lead
        out = self.out
        while i < n:
            m = special.search(text, i)
            if m is None:
                out.append(text[i:] if i else text)
                return n
            j = m.start()
            if j > i:
                out.append(text[i:j])
            c = text[j]
            if c == lead:
                kind = self._kind(text, j, final, True)
                if kind == _DELIMITER:
                    self._end_string()
                    return j + len(self.delimiter)
                if kind == _WAIT:
                    return j
                out.append(c)
            else:
                out.append(_json_text(c, _JSON_SPECIAL))
                self._count_surrogates(c)
            i = j + 1
        return i

    def _count_surrogates(self, text: str) -> None:
        if not text.isascii() and not text.isprintable():
            self.lone_surrogates += len(_SURROGATE.findall(text))

    def _end_string(self) -> None:
        self.out.append('"')
        if self.is_key:
            self.is_key = False
            self.phase = _AFTER_KEY
        else:
            self._value_done()
