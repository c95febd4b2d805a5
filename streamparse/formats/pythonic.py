"""``pythonic``: Python call lists (Llama 3.2 pythonic prompt, Llama 4 Scout/Maverick, ToolACE).

The reply is a Python list of calls with keyword arguments, values written
as Python literals; Llama 4 may wrap it in special tokens::

    [get_weather(city="Beijing"), get_weather(city='Shanghai', days=3)]
    <|python_start|>[get_weather(city="Beijing")]<|python_end|>

Rules (DIALECTS.md §12):

* A call list is recognised only where the output starts with ``[`` (after
  optional whitespace) or right after ``<|python_start|>`` (anywhere: it
  is a special token), and only if it goes on as ``[NAME(``. Until then
  the text is held; anything else, such as a markdown link
  ``[Paris](https://...)`` or ``[]``, is content, held text included. A
  ``[`` later in the text is content. Whitespace before a call list is
  markup; text before ``<|python_start|>`` is content.
* ``NAME`` is a Python identifier or a dotted one (``weather.forecast``),
  used as written. The call is held after its ``(`` until its first
  argument shows a keyword and the start of a literal value (``city="``,
  ``days=3,``, ``opts=[``) or the call closes (``f()``); then it commits,
  and its first delta carries its name and the arguments so far. The hold
  is bounded like a header (MAX_HEADER characters after the ``[`` or
  ``,``).
* Arguments are converted to a JSON object as they stream
  (:mod:`streamparse._pyliteral`: ``True``/``None`` -> ``true``/``null``,
  tuples -> arrays, strings re-escaped; Olmo-style ``true``/``null`` are
  accepted); ``f()`` has the arguments ``{}``.
* ``,`` between calls, whitespace between calls and the closing ``]`` are
  markup; so are the wrapper tokens once a call commits. Text after the
  list is content (nothing is expected there: Meta's prompt asks for the
  list alone).
* Malformed output never raises. A ``,`` that is not followed by
  ``NAME(`` is content from the ``,`` on (a trailing ``, ]`` is markup), and
  so is a name of more than 1024 characters. A held call whose first
  argument is positional (``f('Tokyo')``, ``f(x)``) or whose first value is
  not a literal (``f(x=foo)``) is no call: for the first call of the list
  the whole list is content (as in vLLM and SGLang, which take keyword
  arguments only), for a later one the list is content from its ``,``. In
  a committed call, a later positional argument, a value that is not a
  literal or other garbage ends the call where it stands: what it sent
  stays (the final check flags its arguments as invalid JSON) and the
  text from there on is content. A held call cut by the end of the text
  is content, a committed one is incomplete; a list whose ``]`` never
  comes just ends.
* A string escape of half a surrogate pair (``'\\ud83d'``) is written as
  that JSON escape, and the call is flagged ``lone_surrogate``.
"""

from __future__ import annotations

import re
from enum import Enum

from .._machine import MAX_HEADER, Lex, Machine, Scan
from ..registry import register

PYTHON_START = "<|python_start|>"
PYTHON_END = "<|python_end|>"
LIST_OPEN = "["
LIST_CLOSE = "]"
SEPARATOR = ","
CALL_OPEN = "("

_SPACES = re.compile(r"\s*")
_NAME_RUN = re.compile(r"[\w.]*")


def is_call_name(name: str) -> bool:
    """A Python identifier, or identifiers joined by dots."""
    return all(part.isidentifier() for part in name.split("."))


class State(Enum):
    START = "start"
    CONTENT = "content"
    WRAPPER = "wrapper"
    FIRST_NAME = "first_name"
    NEXT_NAME = "next_name"
    ARGUMENTS = "arguments"
    AFTER_CALL = "after_call"
    REASONING = "reasoning"  # not used by pythonic; lfm2's reasoning shares this enum


class Pythonic(Machine):
    name = "pythonic"
    OPENING = LIST_OPEN
    INITIAL_STATE = State.START
    CONTENT = State.CONTENT
    WRAPPER_STATE = State.WRAPPER
    HEADER_STATE = State.FIRST_NAME
    NAME_STATE = State.FIRST_NAME  # "[" at the start, held with the whitespace before it
    PYTHON_ARGS_STATE = State.ARGUMENTS
    AFTER_PYTHON_ARGS_STATE = State.AFTER_CALL

    def call_name(self, buf: str, pos: int, final: bool) -> int:
        """Scan step after ``[`` or ``,``: whitespace, ``NAME``, then ``(`` commits the call."""
        i = pos
        if not self._header:
            i = _SPACES.match(buf, i).end()  # type: ignore[union-attr]
        j = _NAME_RUN.match(buf, i).end()  # type: ignore[union-attr]
        if j > i:
            self._header.append(buf[i:j])
        if j > pos:
            self._hold(buf[pos:j])
            self._header_len += j - pos
            if self._header_len > MAX_HEADER:
                self.fail_call("")
                return j
        if j == len(buf):
            return j
        name = self.header_text()
        char = buf[j]
        if char == CALL_OPEN and is_call_name(name):
            self._hold(char)
            self._header_len += 1
            self.start_python_args(name)  # held until its first argument shows it is a keyword one
            return j + 1
        if char == LIST_CLOSE and not name and self._state is State.NEXT_NAME:
            self._call_raw = []  # a trailing comma: markup
            self.close_list(char)
            return j + 1
        self.fail_call("")
        return j

    def next_call(self, marker: str) -> bool:
        """``,`` after a call: held with the next call's name until its ``(``."""
        self.open_call(marker)
        self._enter(State.NEXT_NAME)
        return True

    def close_list(self, marker: str) -> bool:
        self._enter(self._home())
        return True

    def between_calls(self, text: str) -> int:
        """Whitespace between calls is markup; anything else ends the list and is read again outside."""
        body = text.lstrip()
        if body:
            self._enter(self._home())
        return len(text) - len(body)

    STATES = {
        State.START: Lex(
            Machine.leading, {LIST_OPEN: Machine.restart_header, PYTHON_START: Machine.open_wrapper}
        ),
        State.CONTENT: Lex(Machine.content, {PYTHON_START: Machine.open_wrapper}),
        State.WRAPPER: Lex(Machine.gap, {LIST_OPEN: Machine.open_call, PYTHON_END: Machine.close_wrapper}),
        State.FIRST_NAME: Scan(call_name),
        State.NEXT_NAME: Scan(call_name),
        State.ARGUMENTS: Scan(Machine.python_args),
        State.AFTER_CALL: Lex(between_calls, {SEPARATOR: next_call, LIST_CLOSE: close_list}),
    }


register(Pythonic)
