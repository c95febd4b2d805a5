"""``apertus``: Swiss AI Apertus 8B / 70B (vLLM ``apertus``; SGLang ``apertus2509``).

Calls are a JSON array of name-keyed objects, ``{NAME: ARGUMENTS}``,
between the special tokens ``<|tools_prefix|>`` and ``<|tools_suffix|>``;
reasoning sits in ``<|inner_prefix|>`` ... ``<|inner_suffix|>``, in several
blocks per turn, interleaved with tool blocks::

    <|inner_prefix|>Two lookups.<|inner_suffix|>I'll check both. <|tools_prefix|>[{"get_weather": {"city": "Beijing", "unit": "celsius"}}, {"search": {"query": "Shanghai metro hours", "top_k": 3}}]<|tools_suffix|>

Each object's first key is the call's name (the call starts when that key's
string closes) and its value the arguments, streamed as they arrive; a
further member is skipped and flagged (``unexpected_member``). The
brackets, commas and whitespace of the array are markup; ``<|tools_prefix|>``
must be followed, after optional whitespace, by ``[`` (SGLang requires it
right after), else it is content; a block with no call is content in
full; a second ``<|tools_prefix|>`` ends a block whose suffix is missing.
Text around the blocks is content (SGLang strips it; vLLM keeps it).

A tool block inside a reasoning block is read as a call block, and the
reasoning resumes after it (SGLang lifts such a block out of the reasoning
for its tool parser); text of that block that is not a call is reasoning.
vLLM has no Apertus reasoning parser. Ids are generated.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from ..registry import register
from .json_array import ARRAY_BEGIN, ARRAY_END, CALL_SEPARATOR, OBJECT_BEGIN

TOOLS_PREFIX = "<|tools_prefix|>"
TOOLS_SUFFIX = "<|tools_suffix|>"
INNER_PREFIX = "<|inner_prefix|>"
INNER_SUFFIX = "<|inner_suffix|>"


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    ARRAY = "array"
    OBJECT = "object"


class Apertus(Machine):
    name = "apertus"
    CONTENT = State.CONTENT
    REASONING_STATE = State.REASONING
    WRAPPER_HEADER_STATE = State.HEADER
    WRAPPER_STATE = State.ARRAY
    OBJECT_STATE = State.OBJECT
    SCANNER_NAME_IS_KEY = True

    STATES = {
        State.CONTENT: Lex(
            Machine.content,
            {INNER_PREFIX: Machine.to_reasoning, TOOLS_PREFIX: Machine.open_wrapper_header},
        ),
        State.REASONING: Lex(
            Machine.reasoning,
            {INNER_SUFFIX: Machine.to_content, TOOLS_PREFIX: Machine.open_wrapper_header_in_reasoning},
        ),
        State.HEADER: Lex(Machine.expect_call, {ARRAY_BEGIN: Machine.end_wrapper_header}),
        State.ARRAY: Lex(
            Machine.gap,
            {
                (ARRAY_END, CALL_SEPARATOR): Machine.separator,
                OBJECT_BEGIN: Machine.open_call_object,
                TOOLS_SUFFIX: Machine.close_wrapper,
                TOOLS_PREFIX: Machine.close_wrapper_and_reread,
            },
        ),
        State.OBJECT: Scan(Machine.call_object),
    }


register(Apertus)
