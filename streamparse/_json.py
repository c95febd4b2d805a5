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
    "StringArguments",
    "decode_json_string",
    "decode_json_string_counted",
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

    __slots__ = ("_pending", "lone_surrogates")

    def __init__(self) -> None:
        self._pending = ""
        # Escapes of half a surrogate pair, kept as written (the text must stay UTF-8).
        self.lone_surrogates = 0

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
            if 0xD800 <= code < 0xE000:
                low = raw[i : i + 6]
                if code < 0xDC00 and len(low) < 6 and not final and _could_be_low_escape(low):
                    self._pending = raw[j:]
                    break
                if (
                    code < 0xDC00
                    and len(low) == 6
                    and low[:2] == "\\u"
                    and all(h in _HEX for h in low[2:])
                    and 0xDC00 <= int(low[2:], 16) < 0xE000
                ):
                    code = 0x10000 + ((code - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)
                    i += 6
                else:
                    # Half a pair cannot be encoded as UTF-8: keep the escape as the model wrote it.
                    self.lone_surrogates += 1
                    out.append(raw[j:i])
                    continue
            out.append(chr(code))
        return "".join(out)

    def finish(self) -> str:
        return self.feed("", final=True)


# How a string-valued arguments member is passed on.
_UNDECIDED, _DECODE, _AS_WRITTEN = range(3)
_JSON_WHITESPACE = " \t\r\n"


class StringArguments:
    """A string-valued arguments value, fed as its raw text (quotes included) in pieces.

    Models that double-encode write the arguments object as a JSON string
    (``"{\\"city\\": ...}"``): it streams decoded, ``{"city": ...}``. Only a
    string that holds an object is decoded, which is decided by its first
    character inside the quotes, after optional whitespace, being ``{``;
    any other string is passed on as written, quotes included, and the final
    check flags it as not an object. The quote and the whitespace before that
    first character are held until it arrives.
    """

    __slots__ = ("_held", "decoder", "mode")

    def __init__(self) -> None:
        self.decoder = JsonStringDecoder()
        self._held = ""
        self.mode = _UNDECIDED

    def feed(self, chunk: str, done: bool) -> str:
        """The text to pass on for ``chunk``; ``done``: it ends with the closing quote."""
        mode = self.mode
        if mode == _UNDECIDED:
            chunk = self._held + chunk
            self._held = ""
            inside = chunk[1:-1] if done else chunk[1:]
            first = inside.lstrip(_JSON_WHITESPACE)[:1]
            if not first and not done:
                self._held = chunk
                return ""
            if first != "{":
                self.mode = _AS_WRITTEN
                return chunk
            self.mode = mode = _DECODE
            chunk = chunk[1:]
        if mode == _AS_WRITTEN:
            return chunk
        if done:
            chunk = chunk[:-1]
        return self.decoder.feed(chunk, final=done)

    @property
    def as_written(self) -> bool:
        return self.mode == _AS_WRITTEN

    def finish(self) -> str:
        """The text ended inside the string: what is held."""
        if self.mode == _DECODE:
            return self.decoder.finish()
        held, self._held = self._held, ""
        self.mode = _AS_WRITTEN
        return held


class JsonStringValue:
    """A string-valued arguments value on its own (marker-delimited arguments), fed in pieces.

    The skimmer finds the closing quote; :class:`StringArguments` decides
    whether the string is decoded. Once ``as_written`` is true the caller
    passes the string, and what follows it, on as written.
    """

    __slots__ = ("_skimmer", "done", "string")

    def __init__(self) -> None:
        self._skimmer = JsonSkimmer()
        self.string = StringArguments()
        self.done = False

    def feed(self, text: str) -> tuple[str, int]:
        """The text to pass on, and how much of ``text`` the string used."""
        if self.done:
            return "", 0
        stop = self._skimmer.advance(text, 0)
        self.done = self._skimmer.status == DONE
        return self.string.feed(text[:stop], self.done), stop

    @property
    def as_written(self) -> bool:
        return self.string.as_written

    def finish(self) -> str:
        return "" if self.done else self.string.finish()


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


SURROGATE = re.compile("[\ud800-\udfff]")


def has_raw_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point on its own (a str UTF-8 cannot encode)."""
    # A surrogate is not printable: most text is ruled out without the regular expression.
    return not (text.isascii() or text.isprintable()) and SURROGATE.search(text) is not None


def decode_json_string(raw: str) -> str:
    """Decode a complete JSON string body, leniently (lone surrogate escapes kept as written)."""
    return decode_json_string_counted(raw)[0]


def decode_json_string_counted(raw: str) -> tuple[str, int]:
    """:func:`decode_json_string` and how many lone surrogate escapes it kept as written."""
    if "\\" not in raw:
        return raw, 0
    try:
        decoded = json.loads('"' + raw + '"', strict=False)
    except ValueError:
        decoded = None
    # json.loads decodes half a surrogate pair into a character that UTF-8 cannot encode.
    if isinstance(decoded, str) and not has_raw_surrogate(decoded):
        return decoded, 0
    decoder = JsonStringDecoder()
    return decoder.feed(raw, final=True), decoder.lone_surrogates


# CallObjectScanner states
_KEY_OR_END, _KEY, _COLON, _VALUE, _VALUE_BODY, _COMMA_OR_END = range(6)
# What the current member is: skipped, the name, the arguments, a captured
# string (Mistral's "id"), "type" (part of a call only as "function"), or a
# captured key after the call committed (its string value is markup).
_SKIP, _NAME, _ARGS, _CAPTURE, _TYPE, _MARKUP = range(6)
_STRING_MEMBERS = (_NAME, _CAPTURE, _TYPE, _MARKUP)

_MAX_KEY = 64


class CallObjectScanner:
    """Reads ``{"name": ..., "arguments": ..., ...}`` member by member, and decides whether it is a call.

    With ``name_is_key`` the object is name-keyed instead (Apertus's
    ``{"get_weather": {...}}``): its first key is the name (at most 64
    characters, as every key here) and its value the arguments; the call
    commits when that key closes, and any further member is skipped and
    listed in ``unexpected``.

    Feed it the text after the opening brace. The members of a call are
    the name (a string under a key of ``name_keys``: ``"name"``, Cohere's
    ``"tool_name"``), one arguments member (a key of ``args_keys``),
    the keys of ``capture`` (string values kept decoded in ``captured``:
    Mistral's ``"id"``) and ``"type"`` when its value is ``"function"``.

    The object becomes a call (``ready``) when its name is known and the
    member after the name is known to be one of those: its key is read (an
    arguments key), or its string value is read (a captured key, so that
    the value is used; ``"type"``), or the object closes right after the
    name. :meth:`advance` stops right there, so that where the call commits
    never depends on how the text was cut; the caller commits and calls
    :meth:`advance` again. After that point, members that are not part of a
    call (a captured key included, unless its value is a string) are skipped
    and their keys listed in ``unexpected`` for the caller to report.

    Before that point, a member that is not part of a call (an unknown
    key, a second arguments key, a name that is not a string, a key or
    string too long to be one) means the object is not a call:
    :meth:`advance` stops just after what decided it with ``rejected``
    set, and further calls only skim the object to its end.

    After each :meth:`advance`:

    * ``name`` is the decoded name once its string value has closed (None
      before, and None for an empty name);
    * ``args`` holds arguments fragments not yet taken by the caller (the
      raw text of the value; a string value holding an object is decoded,
      see :class:`StringArguments`);
    * ``status`` is MORE, DONE (the object closed just before the returned
      index) or BAD (the character at the returned index breaks the
      object's grammar);
    * ``args_done`` tells whether the arguments value was complete;
    * ``lone_surrogates`` counts escapes of half a surrogate pair in the
      name and decoded arguments, kept as written.
    """

    __slots__ = (
        "_args_keys",
        "_capture",
        "_key",
        "_key_len",
        "_max_name",
        "_member",
        "_name_is_key",
        "_name_keys",
        "_name_seen",
        "_raw",
        "_raw_len",
        "_skimmer",
        "_state",
        "_string",
        "args",
        "args_done",
        "args_seen",
        "captured",
        "cut_member",
        "lone_surrogates",
        "name",
        "ready",
        "rejected",
        "status",
        "unexpected",
    )

    def __init__(
        self,
        args_keys: tuple[str, ...] = ("arguments", "parameters"),
        capture: tuple[str, ...] = (),
        max_name: int = 1024,
        name_keys: tuple[str, ...] = ("name",),
        name_is_key: bool = False,
    ) -> None:
        self._name_keys = name_keys
        self._name_is_key = name_is_key
        self._args_keys = args_keys
        self._capture = capture
        self._max_name = max_name
        self._skimmer = JsonSkimmer()
        self._string = StringArguments()
        self.reset()

    def reset(self) -> None:
        self.name: str | None = None
        self.args: list[str] = []
        self.args_seen = False
        self.args_done = False
        self.captured: dict[str, str] = {}
        self.unexpected: list[str] = []
        self.cut_member: str | None = None
        self.lone_surrogates = 0
        self.ready = False
        self.rejected = False
        self.status = MORE
        self._name_seen = False
        self._state = _KEY_OR_END
        self._member = _SKIP
        self._key: list[str] = []
        self._key_len = 0
        self._raw: list[str] = []
        self._raw_len = 0
        self._skimmer.reset()
        # self._string is replaced when a string arguments value begins: nothing reads it before.

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
                done = status == DONE
                if done:
                    self._state = _COMMA_OR_END
                member = self._member
                if member == _ARGS:
                    self._take_args(text[start:i], done)
                elif member != _SKIP and member != _MARKUP:
                    stop = self._take_string(text, start, i, done)
                    if stop >= 0:
                        return stop
                if status == BAD:
                    # The text before the bad character was taken above: it is part of the value.
                    self.status = BAD
                    return i
                continue
            if state == _KEY:
                start = i
                i = skimmer.advance(text, i)
                key_len = self._key_len + i - start
                too_long = key_len > _MAX_KEY + 2
                if too_long:
                    self._key_len = _MAX_KEY + 3
                else:
                    self._key.append(text[start:i])
                    self._key_len = key_len
                if skimmer.status == BAD:  # (a key is a string: only a scan out of step gets here)
                    self.status = BAD
                    return i
                if too_long and self._undecided():
                    # No member of a call has a key this long. The scan stops where the skimmer did
                    # (not at the character that decided), in the state that goes on from there, so
                    # that it resumes in step whether or not the key closed in this text.
                    self._reject(i)
                    if skimmer.status == DONE:
                        self._state = _COLON
                        self._member = _SKIP
                    return i
                if skimmer.status == DONE:
                    self._state = _COLON
                    stop = self._read_key(i)
                    if stop >= 0:
                        return stop
                continue
            c = text[i]
            if c in _JSON_WHITESPACE:
                i = _skip_whitespace(text, i)
                if i >= n:
                    break
                c = text[i]
            if state == _KEY_OR_END or state == _COMMA_OR_END:
                if c == "}":
                    if self.name is not None and not self.rejected:
                        self.ready = True  # closed right after the name: a call without arguments
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
                if c != '"' and self._member in _STRING_MEMBERS:
                    # These members are strings.
                    if self._undecided():
                        self._member = _SKIP
                        return self._reject(i)
                    self.unexpected.append(self._key[0])
                    self._member = _SKIP
                self._raw = []
                self._raw_len = 0
                if self._member == _ARGS and c == '"':
                    self._string = StringArguments()
                skimmer.reset()
                self._state = _VALUE_BODY
        return i

    def _read_key(self, end: int) -> int:
        """The key just closed (at ``end``): what its member is; an index where the scan stops, or -1."""
        key_raw = "".join(self._key)
        if self._key_len > _MAX_KEY + 2:
            key = key_raw[1 : _MAX_KEY + 1]
        else:
            key = key_raw[1:-1]
            if "\\" in key:
                key = decode_json_string(key)
        self._key = [key]
        if self.rejected:
            self._member = _SKIP
        elif self._name_is_key and not self._name_seen:
            # ``{"NAME": ARGS}``: the first key names the call, its value is the arguments.
            self._name_seen = True
            self._member = _ARGS
            if not key:
                return self._reject(end)
            self.name = key
            self.args_seen = True
            self.ready = True
            return end
        elif key in self._name_keys and not self._name_seen:
            self._name_seen = True
            self._member = _NAME
        elif key in self._args_keys and not self.args_seen:
            self.args_seen = True
            self._member = _ARGS
            if self.name is not None and not self.ready:
                self.ready = True
                return end
        elif key in self._capture:
            self._member = _MARKUP if self.ready else _CAPTURE
        elif key == "type":
            self._member = _TYPE
        elif self.ready:
            self.unexpected.append(key)
            self._member = _SKIP
        else:
            self._member = _SKIP
            return self._reject(end)
        return -1

    def reject(self) -> None:
        """The caller gave up on the object being a call (held too long): skim the rest of it."""
        self.rejected = True
        self._member = _SKIP
        self.args.clear()

    def _undecided(self) -> bool:
        return not self.ready and not self.rejected

    def _reject(self, pos: int) -> int:
        """Not a call: the rest of the object is only skimmed to its end."""
        self.rejected = True
        return pos

    def _take_string(self, text: str, start: int, end: int, done: bool) -> int:
        """A piece of a name, captured or type string; an index where the scan stops, or -1."""
        raw_len = self._raw_len + end - start
        if raw_len <= self._max_name + 2:
            self._raw.append(text[start:end])
            self._raw_len = raw_len
        else:
            if self._undecided():
                # Too long to be a name, an id or "function": not a call (the scan stops where the
                # skimmer did, so that it resumes in step).
                self._member = _SKIP
                return self._reject(end)
            self._raw_len = self._max_name + 3
            self._raw = []
        if not done:
            return -1
        member = self._member
        value: str | None = None
        lone = 0
        if self._raw_len <= self._max_name + 2:
            value = "".join(self._raw)[1:-1]
            if "\\" in value:
                value, lone = decode_json_string_counted(value)
        self._raw = []
        self._raw_len = 0
        if member == _NAME:
            self.name = value or None
            self.lone_surrogates += lone
            return -1
        if member == _CAPTURE:
            if value is not None:
                self.captured[self._key[0]] = value
                self.lone_surrogates += lone
        elif value != "function":
            if self._undecided():
                self._member = _SKIP
                return self._reject(end)
            self.unexpected.append("type")
            return -1
        if self.name is not None and not self.ready:
            self.ready = True
            return end
        return -1

    def _take_args(self, chunk: str, done: bool) -> None:
        if self._skimmer.kind == _KIND_STRING:
            chunk = self._string.feed(chunk, done)
            if done:
                self.lone_surrogates += self._string.decoder.lone_surrogates
        if chunk:
            self.args.append(chunk)
        if done:
            self.args_done = True

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
        """The text ended inside the object: flush what the arguments value holds.

        A member other than the arguments that the text cut short (a key not
        closed, an id or type value not closed) is not part of the call:
        its key is left in ``cut_member`` for the caller to report, since
        its text is in no result (a key may hold any text, end tags too).
        """
        state = self._state
        if state == _KEY:
            self.cut_member = decode_json_string("".join(self._key)[1 : _MAX_KEY + 1])
        elif state not in (_KEY_OR_END, _COMMA_OR_END) and self._member != _ARGS and self._member != _SKIP:
            self.cut_member = self._key[0]
        if self._state == _VALUE_BODY and self._member == _ARGS:
            self._skimmer.finish()
            if self._skimmer.kind == _KIND_STRING:
                tail = self._string.finish()
                if tail:
                    self.args.append(tail)
                self.lone_surrogates += self._string.decoder.lone_surrogates
            if self._skimmer.status == DONE:
                self.args_done = True
