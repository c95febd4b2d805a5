"""Incremental JSON scanning: where a value ends, and what a call object holds.

Nothing here ever re-parses text it has seen. Three pieces:

* :class:`JsonSkimmer` follows one JSON value across deltas (depth, inside a
  string, pending escape) and says where it ends. It validates loosely: a
  character that can never appear outside a JSON string (``<``, ``)``, ...)
  ends the scan as *bad*, so a missing brace does not swallow the markup
  that follows. Mismatched brackets are not detected here; the final check
  on the arguments flags them.
* :class:`JsonStringDecoder` turns the raw body of a JSON string into its
  text chunk by chunk (escapes and surrogate pairs split across deltas).
* :class:`CallObjectScanner` reads the members of a call object
  (``{"name": ..., "arguments": {...}}``, any key order) and exposes the
  name once its string closes and the raw arguments text as it arrives.
  A dialect polls it after each :meth:`~CallObjectScanner.advance`.
"""

from __future__ import annotations

import json
import re

__all__ = [
    "BAD",
    "DONE",
    "MORE",
    "CallObjectScanner",
    "JsonSkimmer",
    "JsonStringDecoder",
    "JsonStringValue",
    "decode_json_string",
]

# Scan status after advance(): need more text / value complete / cannot continue.
MORE, DONE, BAD = 0, 1, 2

_STRING_STOP = re.compile(r'["\\]')
# A string's body up to its closing quote, escapes included, in one match: it stops at
# the closing quote, or at a backslash that ends the text (an escape cut by the delta).
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
# Characters that can stand outside strings inside a container without
# changing depth; anything else is structural or invalid.
_CONTAINER_STOP = re.compile(r"[^ \t\r\n,:0-9A-Za-z.+\-]")
_SCALAR_STOP = re.compile(r"[^0-9A-Za-z.+\-]")
_SCALAR_START = frozenset("-0123456789tfnNI")
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def _plain_string_body(text: str, pos: int = 0) -> bool:
    """Whether ``text[pos:]`` continues a string body without closing it or cutting an escape."""
    return _STRING_BODY.match(text, pos).end() == len(text)  # type: ignore[union-attr]


def _skip_whitespace(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match is not None else pos


_KIND_CONTAINER, _KIND_STRING, _KIND_SCALAR = 1, 2, 3


class JsonSkimmer:
    """Finds the end of one JSON value fed in pieces."""

    __slots__ = ("depth", "escape", "in_string", "kind", "status")

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escape = False
        self.kind = 0
        self.status = MORE

    def reset(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escape = False
        self.kind = 0
        self.status = MORE

    def advance(self, text: str, pos: int) -> int:
        """Consume ``text[pos:]``; return where scanning stopped.

        Afterwards ``status`` is MORE (all consumed, value still open), DONE
        (the value ended just before the returned index) or BAD (the
        character at the returned index cannot continue the value).
        """
        n = len(text)
        i = pos
        if self.kind == 0:
            if i >= n:
                return i
            c = text[i]
            if c == "{" or c == "[":
                self.kind = _KIND_CONTAINER
                self.depth = 1
                i += 1
            elif c == '"':
                self.kind = _KIND_STRING
                self.in_string = True
                i += 1
            elif c in _SCALAR_START:
                self.kind = _KIND_SCALAR
            else:
                self.status = BAD
                return i
        if self.kind == _KIND_SCALAR:
            m = _SCALAR_STOP.search(text, i)
            if m is None:
                return n
            self.status = DONE
            return m.start()
        if self.escape and i < n:
            self.escape = False
            i += 1
        in_string = self.in_string
        depth = self.depth
        while i < n:
            if in_string:
                j = _STRING_BODY.match(text, i).end()  # type: ignore[union-attr]  # always matches
                if j >= n:
                    i = n
                    break
                if text[j] == '"':
                    in_string = False
                    i = j + 1
                    if depth == 0:
                        self.in_string = False
                        self.status = DONE
                        return i
                else:
                    self.escape = True
                    i = n
            else:
                m = _CONTAINER_STOP.search(text, i)
                if m is None:
                    i = n
                    break
                j = m.start()
                c = text[j]
                if c == '"':
                    in_string = True
                elif c == "{" or c == "[":
                    depth += 1
                elif c == "}" or c == "]":
                    depth -= 1
                    if depth == 0:
                        self.depth = 0
                        self.in_string = False
                        self.status = DONE
                        return j + 1
                else:
                    self.in_string = in_string
                    self.depth = depth
                    self.status = BAD
                    return j
                i = j + 1
        self.in_string = in_string
        self.depth = depth
        return i

    def take_plain(self, text: str) -> bool:
        """Whether all of ``text`` continues an open container value without ending it.

        True: ``text`` was consumed (the state is updated). False: the state
        is unchanged and the caller takes the general path.
        """
        if self.kind != _KIND_CONTAINER or self.status != MORE:
            return False
        if not self.escape:
            if self.in_string:
                stop = _STRING_STOP.search(text)
                # Escapes (``\n``, ``\"`` in code) continue the string: skip them in one match.
                if stop is None or (text[stop.start()] == "\\" and _plain_string_body(text, stop.start())):
                    return True
            elif _CONTAINER_STOP.search(text) is None:
                return True
        depth, in_string, escape = self.depth, self.in_string, self.escape
        self.advance(text, 0)
        if self.status == MORE:
            return True
        self.depth, self.in_string, self.escape = depth, in_string, escape
        self.status = MORE
        return False

    def finish(self) -> None:
        """The text ended: a bare scalar is complete, anything open is not."""
        if self.kind == _KIND_SCALAR and self.status == MORE:
            self.status = DONE


_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX = frozenset("0123456789abcdefABCDEF")


class JsonStringDecoder:
    """Decodes the body of a JSON string (no quotes) chunk by chunk.

    An escape cut by a chunk boundary is held until it completes; a high
    surrogate escape is held until it is known whether a low one follows.
    Invalid escapes are kept literally (lenient, never raises).
    """

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, raw: str, final: bool = False) -> str:
        if self._pending:
            raw = self._pending + raw
            self._pending = ""
        if "\\" not in raw:
            return raw
        out: list[str] = []
        i = 0
        n = len(raw)
        while True:
            j = raw.find("\\", i)
            if j < 0:
                out.append(raw[i:])
                break
            out.append(raw[i:j])
            if j + 1 >= n:
                if final:
                    out.append("\\")
                else:
                    self._pending = "\\"
                break
            c = raw[j + 1]
            if c != "u":
                out.append(_SIMPLE_ESCAPES.get(c, "\\" + c))
                i = j + 2
                continue
            hex_digits = raw[j + 2 : j + 6]
            if len(hex_digits) < 4 and not final and all(h in _HEX for h in hex_digits):
                self._pending = raw[j:]
                break
            if len(hex_digits) < 4 or not all(h in _HEX for h in hex_digits):
                out.append(raw[j : j + 2])
                i = j + 2
                continue
            code = int(hex_digits, 16)
            i = j + 6
            if 0xD800 <= code < 0xDC00:
                low = raw[i : i + 6]
                if len(low) < 6 and not final and _could_be_low_escape(low):
                    self._pending = raw[j:]
                    break
                if (
                    len(low) == 6
                    and low[:2] == "\\u"
                    and all(h in _HEX for h in low[2:])
                    and 0xDC00 <= int(low[2:], 16) < 0xE000
                ):
                    code = 0x10000 + ((code - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)
                    i += 6
            out.append(chr(code))
        return "".join(out)

    def finish(self) -> str:
        return self.feed("", final=True)


class JsonStringValue:
    """Decodes one JSON string value, quotes included, fed in pieces.

    For models that double-encode arguments: ``"{\\"city\\": ...}"`` streams
    as ``{"city": ...}``.
    """

    __slots__ = ("_decoder", "_skimmer", "_started", "done")

    def __init__(self) -> None:
        self._skimmer = JsonSkimmer()
        self._decoder = JsonStringDecoder()
        self._started = False
        self.done = False

    def feed(self, text: str) -> tuple[str, int]:
        """The decoded text, and how much of ``text`` the string used."""
        if self.done:
            return "", 0
        stop = self._skimmer.advance(text, 0)
        chunk = text[:stop]
        if not self._started:
            chunk = chunk[1:]
            self._started = True
        if self._skimmer.status == DONE:
            chunk = chunk[:-1]
            self.done = True
        return self._decoder.feed(chunk, final=self.done), stop

    def finish(self) -> str:
        return "" if self.done else self._decoder.finish()


def _could_be_low_escape(text: str) -> bool:
    expected = "\\u"
    for k, ch in enumerate(text):
        if k < 2:
            if ch != expected[k]:
                return False
        elif k == 2:
            if ch not in "dD":
                return False
        elif k == 3:
            if ch not in "cdefCDEF":
                return False
        elif ch not in _HEX:
            return False
    return True


def decode_json_string(raw: str) -> str:
    """Decode a complete JSON string body, leniently."""
    if "\\" not in raw:
        return raw
    try:
        decoded = json.loads('"' + raw + '"', strict=False)
    except ValueError:
        decoded = JsonStringDecoder().feed(raw, final=True)
    return decoded if isinstance(decoded, str) else raw


# CallObjectScanner states
_KEY_OR_END, _KEY, _COLON, _VALUE, _VALUE_BODY, _COMMA_OR_END = range(6)
# What the current member value is
_OTHER, _NAME, _ARGS = range(3)

_MAX_KEY = 64


class CallObjectScanner:
    """Reads ``{"name": ..., "arguments": ..., ...}`` member by member.

    Feed it the text after the opening brace. After each :meth:`advance`:

    * ``name`` is the decoded name once its string value has closed (None
      before, and None for an empty or non-string name);
    * ``args`` holds raw arguments fragments not yet taken by the dialect
      (the value of ``arguments``, or of an alias such as ``parameters``;
      a string value is decoded, for models that double-encode);
    * ``status`` is MORE, DONE (the object closed just before the returned
      index) or BAD (the character at the returned index breaks the
      object's grammar);
    * ``args_done`` tells whether the arguments value was complete.

    Members named in ``capture`` whose value is a string are kept decoded
    in ``captured`` (Mistral's ``"id"``). Other members are skipped.
    """

    __slots__ = (
        "_args_keys",
        "_capture",
        "_decoder",
        "_key",
        "_key_len",
        "_max_name",
        "_member",
        "_raw",
        "_raw_len",
        "_skimmer",
        "_state",
        "args",
        "args_done",
        "args_seen",
        "captured",
        "name",
        "status",
    )

    def __init__(
        self,
        args_keys: tuple[str, ...] = ("arguments", "parameters"),
        capture: tuple[str, ...] = (),
        max_name: int = 1024,
    ) -> None:
        self._args_keys = args_keys
        self._capture = capture
        self._max_name = max_name
        self._skimmer = JsonSkimmer()
        self._decoder = JsonStringDecoder()
        self.reset()

    def reset(self) -> None:
        self.name: str | None = None
        self.args: list[str] = []
        self.args_seen = False
        self.args_done = False
        self.captured: dict[str, str] = {}
        self.status = MORE
        self._state = _KEY_OR_END
        self._member = _OTHER
        self._key: list[str] = []
        self._key_len = 0
        self._raw: list[str] = []
        self._raw_len = 0
        self._skimmer.reset()
        self._decoder = JsonStringDecoder()

    def advance(self, text: str, pos: int) -> int:
        n = len(text)
        i = pos
        skimmer = self._skimmer
        while i < n:
            state = self._state
            if state == _VALUE_BODY:
                start = i
                i = skimmer.advance(text, i)
                status = skimmer.status
                if status == BAD:
                    self.status = BAD
                    return i
                self._take_value(text[start:i], done=status == DONE)
                if status == DONE:
                    self._state = _COMMA_OR_END
                continue
            if state == _KEY:
                start = i
                i = skimmer.advance(text, i)
                chunk = text[start:i]
                if self._key_len <= _MAX_KEY:
                    self._key.append(chunk)
                    self._key_len += len(chunk)
                if skimmer.status == DONE:
                    self._state = _COLON
                continue
            i = _skip_whitespace(text, i)
            if i >= n:
                break
            c = text[i]
            if state == _KEY_OR_END or state == _COMMA_OR_END:
                if c == "}":
                    self.status = DONE
                    return i + 1
                if c == ",":
                    self._state = _KEY_OR_END
                    i += 1
                elif c == '"':
                    self._key = []
                    self._key_len = 0
                    skimmer.reset()
                    self._state = _KEY
                else:
                    self.status = BAD
                    return i
            elif state == _COLON:
                if c != ":":
                    self.status = BAD
                    return i
                self._state = _VALUE
                i += 1
            else:  # _VALUE
                self._begin_value(c)
                skimmer.reset()
                self._state = _VALUE_BODY
        return i

    def plain_arguments(self, text: str) -> bool:
        """Whether all of ``text`` continues the arguments value without ending it.

        True when the scan is inside a container arguments value and
        ``text`` neither closes that value nor breaks it; the skimmer has
        then consumed ``text`` and the caller passes it on as arguments
        without calling :meth:`advance`. False leaves the state unchanged.
        """
        if self._state != _VALUE_BODY or self._member != _ARGS:
            return False
        skimmer = self._skimmer
        # The common case of take_plain, inlined: this runs once per token of a long call.
        if skimmer.kind == _KIND_CONTAINER and not skimmer.escape and skimmer.status == MORE:
            if skimmer.in_string:
                if _STRING_STOP.search(text) is None:
                    return True
            elif _CONTAINER_STOP.search(text) is None:
                return True
        return skimmer.take_plain(text)

    def finish(self) -> None:
        """The text ended inside the object: flush what the decoder holds."""
        if self._state == _VALUE_BODY and self._member == _ARGS:
            self._skimmer.finish()
            if self._skimmer.kind == _KIND_STRING:
                tail = self._decoder.finish()
                if tail:
                    self.args.append(tail)
            if self._skimmer.status == DONE:
                self.args_done = True

    def _begin_value(self, first: str) -> None:
        key_raw = "".join(self._key)
        key = decode_json_string(key_raw[1:-1]) if len(key_raw) <= _MAX_KEY + 1 else ""
        self._raw = []
        self._raw_len = 0
        if key == "name" and first == '"' and self.name is None:
            self._member = _NAME
        elif key in self._args_keys and not self.args_seen:
            self._member = _ARGS
            self.args_seen = True
        elif key in self._capture and first == '"':
            self._member = _OTHER
            self._key = [key]
        else:
            self._member = _OTHER
            self._key = []

    def _take_value(self, chunk: str, done: bool) -> None:
        member = self._member
        if member == _ARGS:
            if self._skimmer.kind == _KIND_STRING:
                if not self._raw:
                    self._raw.append('"')
                    chunk = chunk[1:]
                if done:
                    chunk = chunk[:-1]
                decoded = self._decoder.feed(chunk, final=done)
                if decoded:
                    self.args.append(decoded)
            elif chunk:
                self.args.append(chunk)
            if done:
                self.args_done = True
            return
        if member == _NAME or self._key:
            if self._raw_len <= self._max_name + 2:
                self._raw.append(chunk)
                self._raw_len += len(chunk)
            if done:
                raw = "".join(self._raw)
                if self._raw_len <= self._max_name + 2:
                    value = decode_json_string(raw[1:-1])
                    if member == _NAME:
                        self.name = value or None
                    else:
                        self.captured[self._key[0]] = value
                self._raw = []
                self._raw_len = 0
