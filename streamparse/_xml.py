"""Building blocks of the XML-parameter dialects (qwen3_coder, seed_oss, minimax_m2, glm45).

A call of these dialects is a name followed by parameters, each a name and
a raw text value between tags. :class:`XmlMachine` adds to the shared
:class:`~streamparse._machine.Machine` the states a parameter goes
through; a dialect names them in its ``STATES`` table:

* ``HEADER_STATE`` — the call's name (:meth:`call_name`), a header
  bounded by MAX_HEADER; past it the call is content, and so is a block
  that holds no call yet.
* ``ARGS_STATE`` — between parameters: whitespace is markup, a parameter
  opener calls :meth:`open_param`, the call's end markers end the call.
* ``PARAM_STATE`` — the parameter's name (:meth:`param_header`), held
  until the marker that ends it: :meth:`start_value` (``>``) or
  :meth:`end_key` (GLM's ``</arg_key>``, then ``KEY_END_STATE`` until
  ``<arg_value>``). A name that never ends is content
  (:meth:`fail_param`), bounded by MAX_HEADER like a call header. A
  ``string="true|false"`` attribute after the name (DSML; a marker,
  :meth:`string_attribute`) types the value instead of the schema;
  ``MISSING_STRING_FLAG`` is what its absence means.
* ``VALUE_STATE`` — the value (:meth:`value`), passed to the shared
  :class:`~streamparse._params.ArgumentsWriter`, which streams string
  values and types the others by the tool's schema. A marker that can
  only follow a value ends it even when the close tag is missing
  (:meth:`end_value_and_reread`).
* ``XmlState.SECTION`` — a section of a value between two markers that are
  markup (MiniCPM 5's ``<![CDATA[`` ... ``]]>``): its text is value text
  whatever it holds, close tags included (:meth:`open_section`,
  :meth:`close_section`; ``block_states(section=...)``).
* ``VALUE_END_STATE`` — after the close tag: it closes the value only if
  optional whitespace and then a marker that may follow a value (or the
  end of the text) come next; anything else means the tag was part of the
  value (a file that itself contains ``</parameter>``), and the held tag
  and whitespace go back into it (:meth:`value_end_gap`).

Headers written as attribute lists (Kimi K3's XTML:
``<|open|>call tool="NAME" index="1"<|sep|>``, ``<|open|>argument key="K"
type="T"<|sep|>``) are read whole once their end marker arrives, held until
then and bounded like any header: :func:`attributes` splits one into
``name="value"`` pairs, unescaping ``&quot;`` and ``&amp;``;
:meth:`XmlMachine.commit_attribute_header` names the call from
``CALL_NAME_ATTRIBUTE`` and :meth:`XmlMachine.start_attribute_value` keys the
value from ``PARAM_KEY_ATTRIBUTE`` and types it from ``PARAM_TYPE_ATTRIBUTE``
(a type in ``STRING_TYPES``, or none, is raw text; any other is JSON). Text
in a header that is no attribute, and attributes the dialect does not know,
are reported (``unexpected_member``), not dropped unsaid.

Values are always UTF-8: a surrogate in one is written as a JSON escape and
the call is flagged ``lone_surrogate`` (see :mod:`streamparse._params`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from ._machine import _FAST_PATHS, _WRAPPER_PENDING, MAX_HEADER, TEXT, Lex, Machine, MarkerAction, _new
from ._params import ArgumentsWriter, ValueRules
from .events import CallArguments, Event
from .ids import IdFactory

if TYPE_CHECKING:
    from .tools import FunctionSpec

__all__ = [
    "STRING_ATTRIBUTES",
    "XmlMachine",
    "XmlState",
    "attributes",
    "block_states",
    "unescape_attribute",
    "unquote",
    "value_states",
]

TAG_END = ">"
TAG_OPEN = "<"  # cannot be part of a name: what follows is read again as markup
SELF_CLOSING = "/"  # before the ">" of a call element with no parameters: <invoke name="f"/>
# A parameter header's type attribute, and the flag each spelling gives (True: raw text, False: JSON).
# The space before it belongs to it: "xstring=..." is no attribute.
STRING_ATTRIBUTES = {
    ' string="true"': True,
    " string='true'": True,
    ' string="false"': False,
    " string='false'": False,
}


class XmlState(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    BLOCK = "block"  # inside the block (wrapper), between calls
    NAME = "name"  # the call's name
    CALL = "call"  # inside a call, between parameters
    PARAM = "param"  # a parameter's name
    KEY_END = "key_end"  # after a name that is closed by its own tag (GLM), before the value
    VALUE = "value"
    VALUE_END = "value_end"  # after the value's close tag, until it is known to close it
    OBJECT = "object"  # a JSON call object in the block (MiniMax-M2 writing M1's format)
    SECTION = "section"  # a section of a value whose text is value text whatever it holds (CDATA)


# One attribute of an attribute-list header, as vLLM and SGLang read them: NAME="VALUE", no space around "=".
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
# The only escapes an attribute value has (Kimi K3's template writes & as &amp; and " as &quot;).
_ENTITY = re.compile(r"&(?:quot|amp);")
_ENTITIES = {"&quot;": '"', "&amp;": "&"}


def _entity(match: re.Match[str]) -> str:
    return _ENTITIES[match.group()]


def unescape_attribute(value: str) -> str:
    """An attribute value with ``&quot;`` and ``&amp;`` read back (in one pass: ``&amp;quot;`` is ``&quot;``)."""
    return _ENTITY.sub(_entity, value) if "&" in value else value


def attributes(header: str) -> tuple[dict[str, str], list[str]]:
    """The ``name="value"`` attributes of a header, unescaped, and what else it holds.

    The second item lists, in order, each run of text between attributes
    that is not whitespace and each attribute whose name came again (a
    repeated name keeps its last value, as vLLM and SGLang read it).
    """
    found: dict[str, str] = {}
    stray: list[str] = []
    at = 0
    for match in _ATTRIBUTE.finditer(header):
        if between := header[at : match.start()].strip():
            stray.append(between)
        name = match.group(1)
        if name in found:
            stray.append(f"{name}={found[name]!r}")
        found[name] = unescape_attribute(match.group(2))
        at = match.end()
    if rest := header[at:].strip():
        stray.append(rest)
    return found, stray


def unquote(text: str) -> str:
    """``"get_weather"`` or ``'get_weather'`` -> ``get_weather`` (attribute values)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


class XmlMachine(Machine):
    VALUE_RULES: ClassVar[ValueRules]
    CONTENT: ClassVar[Enum] = XmlState.CONTENT
    REASONING_STATE: ClassVar[Enum | None] = XmlState.REASONING
    WRAPPER_STATE: ClassVar[Enum] = XmlState.BLOCK
    HEADER_STATE: ClassVar[Enum] = XmlState.NAME
    ARGS_STATE: ClassVar[Enum] = XmlState.CALL
    PARAM_STATE: ClassVar[Enum] = XmlState.PARAM
    KEY_END_STATE: ClassVar[Enum] = XmlState.KEY_END
    VALUE_STATE: ClassVar[Enum] = XmlState.VALUE
    VALUE_END_STATE: ClassVar[Enum] = XmlState.VALUE_END
    # What a parameter without a string="..." attribute is, in a dialect that has the attribute:
    # None types it by the schema.
    MISSING_STRING_FLAG: ClassVar[bool | None] = None
    # Attribute-list headers (see attributes()): the attribute that names the call, the one that
    # keys a value, the one that types it and the types that mean raw text, and every attribute
    # each header may carry (others are reported).
    CALL_NAME_ATTRIBUTE: ClassVar[str] = "name"
    CALL_ATTRIBUTES: ClassVar[frozenset[str]] = frozenset({"name"})
    PARAM_KEY_ATTRIBUTE: ClassVar[str] = "name"
    PARAM_TYPE_ATTRIBUTE: ClassVar[str] = "type"
    PARAM_ATTRIBUTES: ClassVar[frozenset[str]] = frozenset({"name", "type"})
    STRING_TYPES: ClassVar[frozenset[str]] = frozenset({"string"})

    def __init__(
        self,
        *,
        ids: IdFactory | None = None,
        start_in_reasoning: bool = False,
        tools: Mapping[str, FunctionSpec] | None = None,
    ) -> None:
        super().__init__(ids=ids, start_in_reasoning=start_in_reasoning, tools=tools)
        self._writer = ArgumentsWriter(self.VALUE_RULES, self.flag_call)
        self._param_raw: list[str] = []
        self._param_len = 0
        self._key: list[str] = []
        self._key_done = False
        self._string_flag: bool | None = None
        self._after_attribute = 0  # where in _param_raw the text after a string attribute starts
        self._close_raw: list[str] = []
        self._close_len = 0

    def name_and_id(self, header: str) -> tuple[str, str | None]:
        return unquote(header), None

    def param_key(self, header: str) -> str:
        """A parameter's name from the text of its header (``city``, ``"city"``)."""
        return unquote(header)

    def commit_call(self, name: str, call_id: str | None = None) -> None:
        super().commit_call(name, call_id)
        spec = self.tools.get(name) if self.tools is not None else None
        self._writer.start_call(spec.parameters if spec is not None else None)

    def end_call(self, complete: bool = True, empty_args: str = "{}") -> None:
        # A JSON call object (OBJECT state) wrote its own arguments; parameters did not.
        if self._call_open and self._state is not self.OBJECT_STATE:
            if self._param_raw:
                self._drop_param()
            self._close_raw = []
            self.call_args(self._writer.end_call(complete))
        super().end_call(complete, empty_args)

    def call_name(self, text: str) -> int:
        """The call's name: a header, so a name that grows past MAX_HEADER is no call.

        In a block with no call yet, the block is then content in full at
        once, rather than held (up to MAX_PENDING) in case a later call in
        it commits.
        """
        consumed = self.header(text)
        if consumed < len(text) and self._wrapper == _WRAPPER_PENDING:
            self._fail_wrapper()
        return consumed

    def commit_attribute_header(self, marker: str) -> bool:
        """The end of a call header written as attributes: ``CALL_NAME_ATTRIBUTE`` names the call.

        The header must start with whitespace (``<|open|>calls ...`` is no
        call header) and name a call; else it is content.
        """
        header = self.header_text()
        found, stray = attributes(header)
        name = found.get(self.CALL_NAME_ATTRIBUTE, "")
        if not name.strip() or not header[:1].isspace():
            return self.fail_call(marker)
        self.commit_call(name)
        self._report_attributes("the call header", found, stray, self.CALL_ATTRIBUTES)
        self._enter(self.ARGS_STATE)
        return True

    def _report_attributes(
        self, where: str, found: Mapping[str, str], stray: list[str], known: frozenset[str]
    ) -> None:
        unknown = [f"{name}={value!r}" for name, value in found.items() if name not in known]
        if stray or unknown:
            # Rare: the arguments cannot show it, so it is reported rather than dropped unsaid.
            left_out = ", ".join([*stray, *unknown])
            self.flag_call("unexpected_member", f"{where}: {left_out} left out")

    # -- a parameter's name -------------------------------------------------------

    def open_param(self, marker: str) -> bool:
        self._param_raw = [marker]
        self._param_len = 0
        self._key = []
        self._key_done = False
        self._string_flag = None
        self._enter(self.PARAM_STATE)
        return True

    def param_header(self, text: str) -> int:
        room = MAX_HEADER - self._param_len
        if len(text) > room:
            self._param_raw.append(text[:room])
            self._drop_param()
            return room
        self._param_raw.append(text)
        self._param_len += len(text)
        if not self._key_done:
            self._key.append(text)
        return len(text)

    def end_key(self, marker: str) -> bool:
        """The marker after a name that is not yet the value's start (GLM's ``</arg_key>``)."""
        self._param_raw.append(marker)
        self._key_done = True
        self._enter(self.KEY_END_STATE)
        return True

    def key_gap(self, text: str) -> int:
        """Between the name and the value's start: whitespace only."""
        body = text.lstrip()
        spaces = len(text) - len(body)
        if spaces:
            consumed = self.param_header(text[:spaces])
            if self._state is not self.KEY_END_STATE:
                return consumed
        if body:
            self._drop_param()
        return spaces

    def string_attribute(self, marker: str) -> bool:
        """``string="true"`` or ``string="false"`` after the name: the value's type, whatever the schema says."""
        if self._param_len + len(marker) > MAX_HEADER:
            return self.fail_param(marker)
        self._key_done = True  # the name is before the attribute
        self.param_header(marker)
        if self._string_flag is None:  # a second one is stray text after the first
            self._string_flag = STRING_ATTRIBUTES[marker]
            self._after_attribute = len(self._param_raw)
        return True

    def fail_param(self, marker: str) -> bool:
        """Not a parameter after all: its text is content; read the marker again between parameters."""
        self._drop_param()
        return False

    def _drop_param(self) -> None:
        # Stray text between parameters, like any other: whitespace held before the tag
        # goes out first (or, at the end of the call, is dropped as markup).
        stray = self._gap.take("".join(self._param_raw))
        if stray:
            self._emit(TEXT, -1, stray)
        self._param_raw = []
        self._enter(self.ARGS_STATE)

    # -- a parameter's value ------------------------------------------------------

    def start_value(self, marker: str) -> bool:
        key = self.param_key("".join(self._key))
        if not key:
            return self.fail_param(marker)
        flag = self._string_flag
        if flag is None:
            flag = self.MISSING_STRING_FLAG
        elif stray := "".join(self._param_raw[self._after_attribute :]).strip():
            # Rare: the arguments cannot show it, so it is reported rather than dropped unsaid.
            self.flag_call(
                "unexpected_member", f"parameter {key!r}: {stray!r} after its string attribute, left out"
            )
        self._param_raw = []
        self.call_args(self._writer.start_value(key, flag))
        self._enter(self.VALUE_STATE)
        return True

    def start_attribute_value(self, marker: str) -> bool:
        """The end of a parameter header written as attributes: keyed and typed by them.

        ``PARAM_TYPE_ATTRIBUTE`` in ``STRING_TYPES`` (or missing, as vLLM and
        SGLang read it) streams the value as raw text; any other type makes it
        JSON, written when it ends (raw text as a string if it is not JSON).
        """
        header = "".join(self._key)
        found, stray = attributes(header)
        key = found.get(self.PARAM_KEY_ATTRIBUTE, "")
        if not key or not header[:1].isspace():
            return self.fail_param(marker)
        value_type = found.get(self.PARAM_TYPE_ATTRIBUTE)
        flag = value_type is None or value_type in self.STRING_TYPES
        self._param_raw = []
        self.call_args(self._writer.start_value(key, flag))
        self._report_attributes(f"parameter {key!r}", found, stray, self.PARAM_ATTRIBUTES)
        self._enter(self.VALUE_STATE)
        return True

    def value(self, text: str) -> int:
        self.call_args(self._writer.feed(text))
        return len(text)

    def maybe_end_value(self, marker: str) -> bool:
        """The close tag: held until what follows it says whether it closes the value."""
        self._close_raw = [marker]
        self._close_len = len(marker)
        self._enter(self.VALUE_END_STATE)
        return True

    def value_end_gap(self, text: str) -> int:
        body = text.lstrip()
        spaces = len(text) - len(body)
        if self._close_len + spaces > MAX_HEADER:
            self._reopen_value()
            return 0
        if spaces:
            self._close_raw.append(text[:spaces])
            self._close_len += spaces
        if body:
            self._reopen_value()
        return spaces

    def close_tag_again(self, marker: str) -> bool:
        """Another close tag: the held one was value text."""
        self.value("".join(self._close_raw))
        return self.maybe_end_value(marker)

    def end_value_and_reread(self, marker: str) -> bool:
        """A marker that only follows a value: the value is over (its close tag, if held, is markup)."""
        self._close_raw = []
        self.call_args(self._writer.end_value())
        self._enter(self.ARGS_STATE)
        return False

    def commit_name_or_closed_call(self, marker: str) -> bool:
        """``>`` after the name; ``/>`` closes the call at once (``<invoke name="f"/>``: ``{}``)."""
        header = self.header_text().rstrip()
        if not header.endswith(SELF_CLOSING):
            return self.commit_header(marker)
        self._header = [header[: -len(SELF_CLOSING)]]
        if not self.commit_header(marker):
            return False
        return self.close_call(marker)

    def open_section(self, marker: str) -> bool:
        """A section's opener in a value (``<![CDATA[``): markup; what follows is value text up to its end."""
        self._enter(XmlState.SECTION)
        return True

    def close_section(self, marker: str) -> bool:
        """The section's end (``]]>``): markup; the value goes on."""
        self._enter(self.VALUE_STATE)
        return True

    def _reopen_value(self) -> None:
        held = "".join(self._close_raw)
        self._close_raw = []
        self._enter(self.VALUE_STATE)
        self.value(held)

    def _fast_value(self, text: str) -> list[Event] | None:
        out = self._writer.feed(text)
        if not out:
            return []
        self._args_chars += len(out)
        return [_new(CallArguments, (self._call_index, out))]


_FAST_PATHS[XmlMachine.value] = XmlMachine._fast_value


def block_states(
    *,
    block: tuple[str, str] | None,
    call: tuple[str, str],
    param: tuple[str, str],
    between_calls: Mapping[str | tuple[str, ...], MarkerAction] | None = None,
    string_attribute: bool = False,
    self_closing: bool = False,
    section: tuple[str, str] | None = None,
    leave_block: tuple[str, ...] = (),
) -> dict[Enum, Lex]:
    """The states of a block of calls written ``CALL_BEGIN name> PARAM_BEGIN key> value PARAM_END ... CALL_END``.

    ``block``, ``call`` and ``param`` are (begin, end) marker pairs, e.g.
    ``("<function=", "</function>")``; ``block`` None: calls stand alone,
    without a block around them (the dialect's content state opens them).
    Names end at ``>``. ``between_calls``:
    more markers the block reads between calls (another way to write a call).
    ``string_attribute``: a parameter's header may carry ``string="true|false"``
    (see :data:`STRING_ATTRIBUTES`). ``self_closing``: ``/>`` after a call's
    name is a call without parameters. ``section``: the (begin, end) markers of
    a section inside a value whose text is value text whatever it holds
    (``<![CDATA[``, ``]]>``); both markers are markup. ``leave_block``: markers
    that end the block wherever they stand, like a second ``block`` begin, and
    are read again after it (the end of a routed message, see :mod:`streamparse._routing`).
    """
    (call_begin, call_end), (param_begin, param_end) = call, param
    states: dict[Enum, Lex] = {}
    if block is None:
        after_value: tuple[str, ...] = (param_begin, call_end, call_begin)
        leave_call: dict[str | tuple[str, ...], MarkerAction] = {
            call_end: Machine.close_call,
            call_begin: Machine.close_call_and_reread,
        }
    else:
        block_begin, block_end = block
        after_value = (param_begin, call_end, block_end, block_begin, *leave_block)
        leave_call = {
            call_end: Machine.close_call,
            block_end: Machine.close_call_and_wrapper,
            (block_begin, call_begin, *leave_block): Machine.close_call_and_reread,
        }
        states[XmlState.BLOCK] = Lex(
            Machine.gap,
            {
                call_begin: Machine.open_call,
                block_end: Machine.close_wrapper,
                (block_begin, *leave_block): Machine.close_wrapper_and_reread,
                **(between_calls or {}),
            },
        )
    return {
        **states,
        XmlState.NAME: Lex(
            XmlMachine.call_name,
            {
                TAG_END: XmlMachine.commit_name_or_closed_call if self_closing else Machine.commit_header,
                TAG_OPEN: Machine.fail_call,
            },
        ),
        XmlState.CALL: Lex(Machine.gap, {param_begin: XmlMachine.open_param, **leave_call}),
        XmlState.PARAM: Lex(
            XmlMachine.param_header,
            {
                TAG_END: XmlMachine.start_value,
                TAG_OPEN: XmlMachine.fail_param,
                **(dict.fromkeys(STRING_ATTRIBUTES, XmlMachine.string_attribute) if string_attribute else {}),
            },
        ),
        **value_states(param_end, after_value, section),
    }


def value_states(
    close_tag: str | tuple[str, ...], after_value: tuple[str, ...], section: tuple[str, str] | None = None
) -> dict[Enum, Lex]:
    """A value up to ``close_tag`` (or any of several spellings); ``after_value``: the markers that may
    follow a value; ``section``: see :func:`block_states`."""
    in_value: dict[str | tuple[str, ...], MarkerAction] = {
        close_tag: XmlMachine.maybe_end_value,
        after_value: XmlMachine.end_value_and_reread,
    }
    states: dict[Enum, Lex] = {}
    if section is not None:
        in_value[section[0]] = XmlMachine.open_section
        states[XmlState.SECTION] = Lex(XmlMachine.value, {section[1]: XmlMachine.close_section})
    return {
        XmlState.VALUE: Lex(XmlMachine.value, in_value),
        XmlState.VALUE_END: Lex(
            XmlMachine.value_end_gap,
            {close_tag: XmlMachine.close_tag_again, after_value: XmlMachine.end_value_and_reread},
        ),
        **states,
    }
