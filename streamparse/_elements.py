"""Nested-element arguments (minimax_m3): each parameter is an element named after itself.

``<city>Beijing</city>`` is ``"city": "Beijing"``; an element that holds
elements is an object (``<shipping><zip>1</zip></shipping>``), or an array
when the schema says so (the template writes list items as ``<item>``
children); a name repeated among siblings collects its values into a list.
Every tag starts with a namespace (MiniMax-M3: ``]<]minimax[>[``), so the
lexer knows only the namespaced ``<`` and ``</`` openers and the call and
block markers; element names are read as text up to ``>``.

Theory of operation
-------------------
An :class:`ElementMachine` reads a call's parameters as a stack of open
:class:`Element` objects. After an element's ``>`` (state ``OPENED``),
whitespace is held; the first other thing decides what the element is:

* another element's open tag: a container; children and any text between
  them are kept in the tree (state ``CHILDREN``); text that is more than
  whitespace goes under a ``$text`` key, as vLLM writes it;
* its own close tag: an empty element (``[]`` or ``{}`` when the schema
  wants a container, else typed like text);
* anything else: text up to the element's own close tag (state ``VALUE``
  or ``TEXT``). Namespaced tags inside it are text, as MiniMax's reference
  parser reads a scalar; only the call's and block's markers end it early.

What streams and what waits, for a parameter (an element of the call):

* text of a parameter whose schema has no container type (a string, a
  number, untyped): through the shared :class:`~streamparse._params.ArgumentsWriter`,
  so ``"KEY": `` goes out at its first character, string text as it
  arrives and other scalars at its close tag, as in the other XML dialects;
* an object-typed parameter, or any element that holds elements: its key
  at once, its value when its close tag arrives (a tree cannot be written
  before its repeated names are known);
* a parameter whose schema allows an array, or an untyped parameter that
  holds elements: at ``</invoke>`` (or the end of the call), because the
  same name may come again and then the values form one list. These
  members come after the others in the arguments object.

A name given again after its value was written (a string or number
parameter repeated) cannot become a list without changing bytes already
sent: the repeat is left out and the call flagged ``unexpected_member``.
A close tag that matches an outer element closes the ones inside it too
(MiniMax's reference parser); one that matches no open element is text
where it stands. An element name that never ends, holds ``<``, ``]`` or whitespace, or
starts with ``/`` is not a tag: its text stands where it began. Nesting is
bounded by MAX_DEPTH (deeper tags are text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, ClassVar

from ._machine import MAX_HEADER, TEXT, Lex, Machine, MarkerAction
from ._params import ARRAY, OBJECT, STRING, ValueRules, schema_types, surrogates_escaped, typed_json
from ._xml import TAG_END, TAG_OPEN, XmlMachine
from .ids import IdFactory

if TYPE_CHECKING:
    from .tools import FunctionSpec

__all__ = ["MAX_DEPTH", "Element", "ElementMachine", "ElementState", "element_json", "element_states"]

MIXED_TEXT = "$text"
MAX_DEPTH = 64
_MAX_SCHEMA_DEPTH = 8
_STRING_ONLY = frozenset({STRING})
# Characters that end an element name that is no name (a namespace begins with "]").
_NOT_IN_NAME = re.compile(r"[<\]\s]")


class ElementState(Enum):
    OUTPUT_START = "output_start"  # the first characters of the output (a stray close of reasoning)
    CONTENT = "content"
    REASONING = "reasoning"
    BLOCK = "block"
    NAME = "name"  # the call's name
    CALL = "call"  # between parameters
    TAG = "tag"  # an element's name, after the namespaced "<"
    CLOSE_TAG = "close_tag"  # a close tag's name, after the namespaced "</"
    OPENED = "opened"  # after an element's ">", until its first character that is not whitespace
    VALUE = "value"  # a parameter's text, through the arguments writer
    TEXT = "text"  # an element's text, kept in the tree
    CHILDREN = "children"  # inside an element that holds elements


class Element:
    """One element: its name, its child elements and its text (between the children, if any)."""

    __slots__ = ("children", "name", "text")

    def __init__(self, name: str) -> None:
        self.name = name
        self.children: list[Element] = []
        self.text: list[str] = []


# -- elements to JSON --------------------------------------------------------------------


def _container(schema: object, depth: int = 0) -> tuple[str, Mapping[str, Any]] | None:
    """``(ARRAY or OBJECT, the schema that says so)`` when ``schema`` allows a container."""
    if not isinstance(schema, Mapping) or depth > _MAX_SCHEMA_DEPTH:
        return None
    if "type" in schema:
        declared = schema_types({"type": schema["type"]})
        for kind in (ARRAY, OBJECT):
            if kind in declared:
                return kind, schema
    else:
        if "items" in schema or "prefixItems" in schema:
            return ARRAY, schema
        if "properties" in schema or "additionalProperties" in schema:
            return OBJECT, schema
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list):
            for member in members:
                found = _container(member, depth + 1)
                if found is not None:
                    return found
    return None


def _key_json(name: str) -> str:
    return surrogates_escaped(encode_basestring(name))


def element_json(element: Element, schema: object, rules: ValueRules, dropped: list[str]) -> str:
    """The JSON text of a complete element, typed by its schema (None: no schema).

    What a list has no place for (text between its items, an item's name other than ``item``)
    is described in ``dropped``.
    """
    container = _container(schema)
    if not element.children:
        text = "".join(element.text)
        types = schema_types(schema)
        if container is not None and STRING not in types and not text.strip():
            return "[]" if container[0] == ARRAY else "{}"
        if not types and rules.untyped == "string":
            types = _STRING_ONLY
        return typed_json(text, types, rules)
    if container is not None and container[0] == ARRAY:
        items = container[1].get("items")
        mixed = "".join(element.text)
        if mixed.strip():
            dropped.append(f"the text {mixed!r} between list items")
        dropped.extend(
            f"the name {child.name!r} of a list item" for child in element.children if child.name != "item"
        )
        return "[" + ", ".join(element_json(child, items, rules, dropped) for child in element.children) + "]"
    return _object_json(element, container[1] if container is not None else None, rules, dropped)


def members_json(members: list[Element], schema: object, rules: ValueRules, dropped: list[str]) -> str:
    """One element's value, or a list of the values of a name given several times."""
    if len(members) == 1:
        return element_json(members[0], schema, rules, dropped)
    return "[" + ", ".join(element_json(member, schema, rules, dropped) for member in members) + "]"


def _object_json(
    element: Element, schema: Mapping[str, Any] | None, rules: ValueRules, dropped: list[str]
) -> str:
    properties = schema.get("properties") if schema is not None else None
    additional = schema.get("additionalProperties") if schema is not None else None
    groups: dict[str, list[Element]] = {}
    for child in element.children:
        groups.setdefault(child.name, []).append(child)
    parts = []
    for name, members in groups.items():
        sub = properties.get(name, additional) if isinstance(properties, Mapping) else additional
        parts.append(_key_json(name) + ": " + members_json(members, sub, rules, dropped))
    mixed = "".join(element.text)
    if mixed.strip():
        field = MIXED_TEXT
        while field in groups:
            field = "$" + field
        parts.append(_key_json(field) + ": " + surrogates_escaped(encode_basestring(mixed)))
    return "{" + ", ".join(parts) + "}"


# -- the machine -------------------------------------------------------------------------

# How a parameter is written: through the writer, as a tree at its close tag, at the call's
# end (its name may come again), not at all (its name came again after it was written).
_UNDECIDED, _WRITER, _TREE, _DEFER, _DISCARD = range(-1, 4)


class ElementMachine(XmlMachine):
    CONTENT = ElementState.CONTENT
    REASONING_STATE = ElementState.REASONING
    WRAPPER_STATE = ElementState.BLOCK
    HEADER_STATE = ElementState.NAME
    ARGS_STATE = ElementState.CALL
    TAG_STATE: ClassVar[Enum] = ElementState.TAG
    CLOSE_TAG_STATE: ClassVar[Enum] = ElementState.CLOSE_TAG
    OPENED_STATE: ClassVar[Enum] = ElementState.OPENED
    TEXT_STATE: ClassVar[Enum] = ElementState.TEXT
    CHILDREN_STATE: ClassVar[Enum] = ElementState.CHILDREN
    VALUE_STATE = ElementState.VALUE

    def __init__(
        self,
        *,
        ids: IdFactory | None = None,
        start_in_reasoning: bool = False,
        tools: Mapping[str, FunctionSpec] | None = None,
    ) -> None:
        super().__init__(ids=ids, start_in_reasoning=start_in_reasoning, tools=tools)
        self._stack: list[Element] = []
        self._mode = _UNDECIDED
        self._properties: Mapping[str, Any] | None = None
        self._deferred: dict[str, list[Element]] = {}
        self._written: set[str] = set()
        self._tag: list[str] = []
        self._tag_raw: list[str] = []
        self._tag_len = 0
        self._tag_from: Enum = ElementState.CALL

    def first_text(self, text: str) -> int:
        """The output's first text is content: read it again there."""
        self._enter(self.CONTENT)
        return 0

    def content_marker(self, marker: str) -> bool:
        """A marker that is markup only at the start of the output (a stray close of reasoning): content here."""
        self._emit(TEXT, -1, marker)
        return True

    def commit_call(self, name: str, call_id: str | None = None) -> None:
        super().commit_call(name, call_id)
        spec = self.tools.get(name) if self.tools is not None else None
        parameters = spec.parameters if spec is not None else None
        properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
        self._properties = properties if isinstance(properties, Mapping) else None
        self._stack = []
        self._mode = _UNDECIDED
        self._deferred = {}
        self._written = set()

    def end_call(self, complete: bool = True, empty_args: str = "{}") -> None:
        if self._call_open:
            if self._state is self.TAG_STATE or self._state is self.CLOSE_TAG_STATE:
                self._tag_as_text()  # the text ended inside a tag
            if complete:
                while self._stack:
                    self._close_element()
                for name, members in self._deferred.items():
                    dropped: list[str] = []
                    value = members_json(members, self._schema(name), self.VALUE_RULES, dropped)
                    self.call_args(self._writer.member(name) + value)
                    self._flag_dropped(name, dropped)
            self._stack = []
            self._deferred = {}
            self.call_args(self._writer.end_call(complete))
        Machine.end_call(self, complete, empty_args)

    def _flag_dropped(self, name: str, dropped: list[str]) -> None:
        if dropped:
            self.flag_call("unexpected_member", f"parameter {name!r}: {'; '.join(dropped)}, left out")

    def _schema(self, name: str) -> object:
        return self._properties.get(name) if self._properties is not None else None

    # -- tags -------------------------------------------------------------------------

    def open_tag(self, marker: str) -> bool:
        """The namespaced ``<``: an element's name follows, up to ``>``."""
        self._start_tag(marker, self.TAG_STATE)
        return True

    def open_close_tag(self, marker: str) -> bool:
        """The namespaced ``</``: the name of the element it closes follows."""
        self._start_tag(marker, self.CLOSE_TAG_STATE)
        return True

    def _start_tag(self, marker: str, state: Enum) -> None:
        self._tag_from = self._state
        self._tag = []
        self._tag_raw = [marker]
        self._tag_len = 0
        self._enter(state)

    def tag_name(self, text: str) -> int:
        stop = _NOT_IN_NAME.search(text)
        end = stop.start() if stop is not None else len(text)
        end = min(end, MAX_HEADER - self._tag_len)
        if end:
            self._tag.append(text[:end])
            self._tag_raw.append(text[:end])
            self._tag_len += end
        if end < len(text):
            self._tag_as_text()
        return end

    def end_tag(self, marker: str) -> bool:
        """``>`` after an element's name: the element opens."""
        name = "".join(self._tag)
        if not name or name[0] == "/" or len(self._stack) >= MAX_DEPTH:
            self._tag_raw.append(marker)
            self._tag_as_text()
            return True
        node = Element(name)
        if self._stack:
            if self._tag_from is self.OPENED_STATE and len(self._stack) == 1:
                self._decide(leaf=False)
            self._stack[-1].children.append(node)
        self._stack.append(node)
        self._enter(self.OPENED_STATE)
        return True

    def end_close_tag(self, marker: str) -> bool:
        """``>`` after a close tag's name: it closes that element and any still open inside it."""
        name = "".join(self._tag)
        stack = self._stack
        depth = len(stack) - 1
        while depth >= 0 and stack[depth].name != name:
            depth -= 1
        if depth < 0:
            self._tag_raw.append(marker)
            self._tag_as_text()
            return True
        while len(stack) > depth:
            self._close_element()
        return True

    def _tag_as_text(self) -> None:
        """Not a tag: its text stands where the tag began."""
        raw = "".join(self._tag_raw)
        origin = self._tag_from
        self._enter(origin)
        if origin is self.ARGS_STATE:
            stray = self._gap.take(raw)
            if stray:
                self._emit(TEXT, -1, stray)
        elif origin is self.OPENED_STATE:
            self._start_text()
            self.element_text(raw)
        else:
            self.element_text(raw)

    # -- elements ---------------------------------------------------------------------

    def opened(self, text: str) -> int:
        """After ``>``: whitespace is held; anything else makes the element a text element."""
        body = text.lstrip()
        space = len(text) - len(body)
        if space:
            self._stack[-1].text.append(text[:space])
        if body:
            self._start_text()
        return space

    def element_text(self, text: str) -> int:
        """Text of the innermost element: a parameter's through the writer, else kept in the tree."""
        if self._state is self.VALUE_STATE:
            return self.value(text)
        self._stack[-1].text.append(text)
        return len(text)

    def _start_text(self) -> None:
        node = self._stack[-1]
        if len(self._stack) == 1 and self._mode == _UNDECIDED:
            self._decide(leaf=True)
            if self._mode == _WRITER:
                self._enter(self.VALUE_STATE)
                self.call_args(self._writer.start_value(node.name))
                held = "".join(node.text)
                node.text = []
                if held:
                    self.value(held)
                return
        self._enter(self.TEXT_STATE)

    def _decide(self, leaf: bool) -> None:
        """How the open parameter is written, once it is known whether it holds elements."""
        name = self._stack[0].name
        if name in self._deferred:
            self._mode = _DEFER
        elif name in self._written:
            self._mode = _DISCARD
            return
        else:
            schema = self._schema(name)
            kind = _container(schema)
            if (kind is not None and kind[0] == ARRAY) or (
                not leaf and kind is None and not schema_types(schema)
            ):
                self._mode = _DEFER
                self._deferred[name] = []
            elif leaf and kind is None:
                self._mode = _WRITER
                self._written.add(name)
                return
            else:
                self._mode = _TREE
                self._written.add(name)
                self.call_args(self._writer.member(name))
                return
        self._deferred[name].append(self._stack[0])

    def _close_element(self) -> None:
        if len(self._stack) == 1 and self._mode == _UNDECIDED:  # an empty parameter
            self._start_text()
        node = self._stack.pop()
        if self._stack:
            self._enter(self.CHILDREN_STATE)
            return
        mode = self._mode
        if mode == _WRITER:
            self.call_args(self._writer.end_value())
        elif mode == _TREE:
            dropped: list[str] = []
            self.call_args(element_json(node, self._schema(node.name), self.VALUE_RULES, dropped))
            self._flag_dropped(node.name, dropped)
        elif mode == _DISCARD:
            self.flag_call(
                "unexpected_member",
                f"parameter {node.name!r} given again after its value was written: this one is left out",
            )
        self._mode = _UNDECIDED
        self._gap.reset()
        self._enter(self.ARGS_STATE)


_AFTER_CALL = ("close_call", "close_call_and_wrapper", "close_call_and_reread")


def element_states(
    *,
    block: tuple[tuple[str, ...], tuple[str, ...]],
    call: tuple[str, ...],
    call_end: tuple[str, ...],
    open_tag: tuple[str, ...],
    close_tag: tuple[str, ...],
) -> dict[Enum, Lex]:
    """The states inside a block of calls whose parameters are nested elements.

    Each argument is a tuple of a marker's spellings: ``block`` (begin, end),
    ``call`` the call's begin (its name follows, up to ``>``), ``call_end``,
    ``open_tag`` and ``close_tag`` the namespaced ``<`` and ``</``.
    """
    block_begin, block_end = block
    leave_call: dict[str | tuple[str, ...], MarkerAction] = {
        call_end: Machine.close_call,
        block_end: Machine.close_call_and_wrapper,
        (*block_begin, *call): Machine.close_call_and_reread,
    }
    in_element = {close_tag: ElementMachine.open_close_tag, **leave_call}
    return {
        ElementState.BLOCK: Lex(
            Machine.gap,
            {
                call: Machine.open_call,
                block_end: Machine.close_wrapper,
                block_begin: Machine.close_wrapper_and_reread,
            },
        ),
        ElementState.NAME: Lex(
            XmlMachine.call_name, {TAG_END: Machine.commit_header, TAG_OPEN: Machine.fail_call}
        ),
        ElementState.CALL: Lex(
            Machine.gap,
            {open_tag: ElementMachine.open_tag, close_tag: ElementMachine.open_close_tag, **leave_call},
        ),
        ElementState.TAG: Lex(ElementMachine.tag_name, {TAG_END: ElementMachine.end_tag}),
        ElementState.CLOSE_TAG: Lex(ElementMachine.tag_name, {TAG_END: ElementMachine.end_close_tag}),
        ElementState.OPENED: Lex(ElementMachine.opened, {open_tag: ElementMachine.open_tag, **in_element}),
        ElementState.VALUE: Lex(XmlMachine.value, in_element),
        ElementState.TEXT: Lex(ElementMachine.element_text, in_element),
        ElementState.CHILDREN: Lex(
            ElementMachine.element_text, {open_tag: ElementMachine.open_tag, **in_element}
        ),
    }
