"""``mistral``: Mistral / Mixtral / Magistral / Devstral, both tokenizer generations.

``[TOOL_CALLS]`` and ``[ARGS]`` / ``[CALL_ID]`` / ``[THINK]`` are control
tokens (the server must keep them in the text). Pre-v11 tokenizers write
one ``[TOOL_CALLS]`` and a JSON array of call objects; v11 and later write
``[TOOL_CALLS]`` before every call, the name, optionally ``[CALL_ID]`` and
an id, then ``[ARGS]`` and the arguments object::

    [TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Beijing"}}, {"name": "get_weather", "arguments": {"city": "Shanghai"}}]
    [TOOL_CALLS]get_weather[ARGS]{"city": "Beijing"}[TOOL_CALLS]get_weather[ARGS]{"city": "Shanghai"}
    [TOOL_CALLS]get_weather[CALL_ID]a1B2c3D4e[ARGS]{"city": "Beijing"}

After ``[TOOL_CALLS]`` and optional whitespace, ``[`` starts the pre-v11
array; anything else is a v11 name. A v11 name ends at ``[ARGS]``,
``[CALL_ID]`` or ``{`` (a server that dropped ``[ARGS]``), is made of
letters, digits and ``_ . : -``, and is held until then: a name that
never gets its arguments, or text that cannot be a name, is content with
its ``[TOOL_CALLS]``. v11 arguments end where the JSON object's brackets
balance; what follows is content. Ids: a ``[CALL_ID]`` id is kept, and so
is an ``"id"`` member of a pre-v11 object when it comes before the name or
right after it (one written after the arguments, as mistral-common does,
comes after the call has committed: a fresh id is used at every cut and the
member is markup); otherwise ids are 9 letters and digits, as Mistral's
tokenizers require. Whitespace between a v11 name and ``[ARGS]`` is markup. ``[THINK]`` ...
``[/THINK]`` is reasoning.
"""

from __future__ import annotations

import re
from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import ARRAY_ACTIONS

TOOL_CALLS = "[TOOL_CALLS]"
ARGS = "[ARGS]"
CALL_ID = "[CALL_ID]"
THINK_OPEN = "[THINK]"
THINK_CLOSE = "[/THINK]"
ARRAY_BEGIN = "["
OBJECT_BEGIN = "{"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    LAYOUT = "layout"
    NAME = "name"
    ARGS = "args"
    ARGUMENTS = "arguments"
    ARRAY = "array"
    OBJECT = "object"


class Mistral(Machine):
    name = "mistral"
    id_style = "mistral"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    HEADER_STATE = State.LAYOUT
    NAME_STATE = State.NAME
    ARGS_STATE = State.ARGS
    JSON_ARGS_STATE = State.ARGUMENTS
    AFTER_JSON_ARGS_STATE = State.CONTENT
    JSON_ARGS_END_CALL = True
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    SCANNER_CAPTURE = ("id",)
    # Whitespace may follow the name (``get_weather [ARGS]``), but no name character after it.
    HEADER_INVALID = re.compile(r"[^\w.:\-\s]|(?<=\s)[\w.:\-]")

    def name_text(self, text: str) -> int:
        """The v11 name: Machine.header, with a name character after whitespace cut by a delta caught too."""
        header = self._header
        if header and header[-1][-1:].isspace() and not text[:1].isspace():
            self.fail_call("")
            return 0
        return Machine.header(self, text)

    STATES = {
        State.CONTENT: Lex(
            Machine.content, {TOOL_CALLS: Machine.open_call, THINK_OPEN: Machine.to_reasoning}
        ),
        State.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        State.LAYOUT: Lex(
            Machine.header_start,
            {ARRAY_BEGIN: Machine.open_wrapper, TOOL_CALLS: Machine.fail_call},
        ),
        State.NAME: Lex(
            name_text,
            {
                ARGS: Machine.commit_header,
                CALL_ID: Machine.keep_in_header,
                OBJECT_BEGIN: Machine.commit_header_and_reread,
                (TOOL_CALLS, THINK_OPEN): Machine.fail_call,
            },
        ),
        State.ARGS: Lex(
            Machine.gap,
            {OBJECT_BEGIN: Machine.start_json_args, TOOL_CALLS: Machine.close_call_and_reread},
        ),
        State.ARGUMENTS: Scan(Machine.json_args),
        State.ARRAY: Lex(Machine.gap, ARRAY_ACTIONS),
        State.OBJECT: Scan(Machine.call_object),
    }

    def name_and_id(self, header: str) -> tuple[str, str | None] | None:
        name, _, call_id = header.partition(CALL_ID)
        call_id = call_id.strip()
        return name.strip(), call_id or None


register(Mistral)
