"""``gemma4``, ``functiongemma``: Google's Gemma 4 and FunctionGemma call blocks.

Gemma 4 (E2B, E4B, 26B-A4B, 31B) writes each call as one block between
special tokens, its arguments as Gemma's object literal: bare keys,
strings between ``<|"|>`` tokens (no escapes inside), bare numbers,
``true``/``false``/``null``, nested objects and arrays::

    <|channel>thought
    Two cities.<channel|>I'll check both cities.<|tool_call>call:get_weather{city:<|"|>Beijing<|"|>,days:3}<tool_call|><|tool_call>call:get_weather{city:<|"|>Shanghai<|"|>,unit:<|"|>celsius<|"|>}<tool_call|><|tool_response>

FunctionGemma (functiongemma-270m-it, on Gemma 3) writes the same literal
with its own tokens, strings between ``<escape>`` tokens::

    Checking both.<start_function_call>call:get_weather{city:<escape>Beijing<escape>}<end_function_call>

==============  ==========================  ==========================  ============
dialect         call block                  string delimiter            stop token
==============  ==========================  ==========================  ============
gemma4          ``<|tool_call>``            ``<|"|>``                   ``<|tool_response>``
                … ``<tool_call|>``
functiongemma   ``<start_function_call>``   ``<escape>``                ``<start_function_response>``
                … ``<end_function_call>``
==============  ==========================  ==========================  ============

Rules (DIALECTS-MORE.md §5). The block opener is held with ``call:NAME``
up to the ``{`` that opens the arguments; there the call commits (the
opener is a special token: nothing but a call follows it). ``NAME`` is
taken as written (letters, digits, ``_ . : -``). Tolerated, as vLLM does:
the block without the ``call`` word (``<|tool_call>:NAME{…}``), arguments
in ``(`` … ``)`` instead of braces, ``<turn|>`` (FunctionGemma
``<end_of_turn>``) instead of the block's end token. A header that is not
``call:NAME`` followed by ``{`` or ``(`` (or longer than 1024 characters)
is no call: the opener and header are content.

Arguments are converted to JSON as they stream
(:mod:`streamparse._gemma_literal`): string contents go out as they arrive,
JSON-escaped; a bare number or word goes out when the character after it
arrives. Bare text that is no number or word is a JSON string of that text
(a model that left out the delimiters; vLLM does the same). The block's end
token inside a string is string text. Between blocks, and after them,
text is content (vLLM keeps only the text before the first call; nothing
is dropped here). The end token after the arguments, ``<|tool_response>``
and ``<turn|>`` are markup.

Malformed arguments never raise. The call has committed at its ``{``, so
from the character where the literal breaks (a closing bracket that does
not match, a key without ``:``, the end token before the literal closed)
the rest of the block is passed on as the raw text of the arguments, up to
the block's end token: the final check then flags the arguments as not
valid JSON, and nothing is lost or moved out of its call. A block cut by
the end of the text is incomplete.

Where the engines differ (the vendor format is followed here): vLLM's
Gemma 4 parser reads ``null`` as the string ``"null"`` (the chat template
writes ``null`` for None); its non-streaming regex ends a call at the first
``}<tool_call|>``, even inside a string; outside strict mode it also reads
bare ``call:NAME{…}`` without the tokens (not here: that is content).
vLLM's FunctionGemma parser keeps only ``<escape>``-delimited values and
drops bare numbers and booleans (kept here), and it decodes a delimited
string that holds JSON (``<escape>3<escape>`` becomes ``3``; here it stays
the string ``"3"``, as the template wrote it from a string).

Reasoning (Gemma 4 only): ``<|channel>thought\\n`` … ``<channel|>``, the
word ``thought`` and its newline being part of the opener, as the chat
template writes it (vLLM opens reasoning at a bare ``<|channel>`` and strips
``thought\\n`` when it follows; here ``<|channel>`` followed by anything
else is content, in sight rather than hidden). A ``<|tool_call>`` ends the
reasoning, as in vLLM. After a tool response the chat template may
leave ``<|channel>thought\\n`` open in the prompt: pass
``start_in_reasoning=True`` then. Ids are generated (``call_`` + 24
alphanumerics).
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import ClassVar

from .._gemma_literal import GemmaLiteralToJson
from .._machine import Lex, Machine, MarkerAction, Scan, StateSpec
from .._params import surrogates_escaped
from ..registry import register
from .qwen3_coder import end_reasoning_at_call

TOOL_CALL = "<|tool_call>"
TOOL_CALL_END = "<tool_call|>"
STRING_DELIMITER = '<|"|>'
THOUGHT = "<|channel>thought\n"
CHANNEL_END = "<channel|>"
TURN_END = "<turn|>"
TOOL_RESPONSE = "<|tool_response>"

FUNCTION_CALL = "<start_function_call>"
FUNCTION_CALL_END = "<end_function_call>"
ESCAPE = "<escape>"
FUNCTION_RESPONSE = "<start_function_response>"
END_OF_TURN = "<end_of_turn>"

ARGUMENTS_OPEN = "{"
ARGUMENTS_OPEN_PAREN = "("  # tolerated, as vLLM does

_NAME = re.compile(r"[\w.:\-]+")


def call_name(header: str) -> str | None:
    """The name in ``call:NAME`` (or ``:NAME``), or None if the header is not one."""
    header = header.strip()
    if header.startswith("call"):
        header = header[4:]
    if not header.startswith(":"):
        return None
    name = header[1:].strip()
    return name if _NAME.fullmatch(name) else None


class State(Enum):
    CONTENT = "content"
    REASONING = "reasoning"
    HEADER = "header"
    ARGUMENTS = "arguments"
    RAW_ARGUMENTS = "raw_arguments"
    AFTER_CALL = "after_call"


def open_arguments(machine: Machine, marker: str) -> bool:
    """``{`` (or ``(``) after ``call:NAME``: the call commits and its arguments stream."""
    name = call_name(machine.header_text())
    if name is None:
        return machine.fail_call(marker)
    machine.commit_call(name)
    machine.start_python_args(name)
    if marker == ARGUMENTS_OPEN_PAREN:
        literal = machine._literal
        assert isinstance(literal, GemmaLiteralToJson)
        literal.open_paren()
    machine._take_literal_output()  # the "{" goes out with the name
    return True


def raw_arguments(machine: Machine, text: str) -> int:
    """The rest of a block whose literal broke: its raw text, as arguments (kept UTF-8)."""
    machine.call_args(surrogates_escaped(text))
    return len(text)


def gemma_states(
    call: tuple[str, str], turn_end: str, response: str, reasoning: tuple[str, str] | None
) -> dict[Enum, StateSpec]:
    """The states of one spelling: its block tokens, end-of-turn and stop tokens, reasoning markers."""
    opener, end = call
    outside: dict[str | tuple[str, ...], MarkerAction] = {
        opener: Machine.open_call,
        (response, turn_end): Machine.markup,
    }
    if reasoning is not None:
        outside[THOUGHT] = Machine.to_reasoning
    states: dict[Enum, StateSpec] = {
        State.CONTENT: Lex(Machine.content, outside),
        State.HEADER: Lex(Machine.header, {(ARGUMENTS_OPEN, ARGUMENTS_OPEN_PAREN): open_arguments}),
        State.ARGUMENTS: Scan(Machine.python_args),
        State.RAW_ARGUMENTS: Lex(
            raw_arguments,
            {(end, turn_end, response): Machine.close_call, opener: Machine.close_call_and_reread},
        ),
        # After the literal's closing brace: the block's end token (or the end of the turn) is markup.
        State.AFTER_CALL: Lex(Machine.content, {**outside, (end, turn_end): Machine.to_content}),
    }
    if reasoning is not None:
        states[State.REASONING] = Lex(
            Machine.reasoning, {reasoning[1]: Machine.to_content, opener: end_reasoning_at_call}
        )
    return states


class Gemma4(Machine):
    name = "gemma4"
    CONTENT = State.CONTENT
    REASONING_STATE: ClassVar[Enum | None] = State.REASONING
    HEADER_STATE = State.HEADER
    PYTHON_ARGS_STATE = State.ARGUMENTS
    AFTER_PYTHON_ARGS_STATE = State.AFTER_CALL
    PYTHON_ARGS_BAD_STATE = State.RAW_ARGUMENTS
    # Anything but a name, ":" and whitespace means the header is no call header.
    HEADER_INVALID = re.compile(r"[^\w.:\-\s]")
    # Outside strings these break the literal: the block's end, or tokens no call holds.
    PYTHON_LITERAL = functools.partial(
        GemmaLiteralToJson, STRING_DELIMITER, (TOOL_CALL_END, TURN_END, TOOL_CALL, TOOL_RESPONSE)
    )
    STATES = gemma_states((TOOL_CALL, TOOL_CALL_END), TURN_END, TOOL_RESPONSE, (THOUGHT, CHANNEL_END))


class FunctionGemma(Gemma4):
    name = "functiongemma"
    REASONING_STATE = None
    PYTHON_LITERAL = functools.partial(
        GemmaLiteralToJson, ESCAPE, (FUNCTION_CALL_END, END_OF_TURN, FUNCTION_CALL, FUNCTION_RESPONSE)
    )
    STATES = gemma_states((FUNCTION_CALL, FUNCTION_CALL_END), END_OF_TURN, FUNCTION_RESPONSE, None)


register(Gemma4)
register(FunctionGemma)
