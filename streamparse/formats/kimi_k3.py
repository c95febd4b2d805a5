"""``kimi_k3``: Moonshot Kimi K3's XTML channels (nothing in common with ``kimi_k2``).

Every structural marker is three or more tokens: ``<|open|>`` or
``<|close|>``, a plain-text word (with attributes, for calls and
arguments), then ``<|sep|>``. The message is a ``think`` channel, a
``response`` channel (the visible reply) and a ``tools`` channel, in that
order::

    <|open|>think<|sep|>Two cities.<|close|>think<|sep|><|open|>response<|sep|>I'll check both cities.<|close|>response<|sep|><|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|><|open|>argument key="city" type="string"<|sep|>Beijing<|close|>argument<|sep|><|open|>argument key="days" type="number"<|sep|>3<|close|>argument<|sep|><|close|>call<|sep|><|open|>call tool="get_weather" index="2"<|sep|><|open|>argument key="city" type="string"<|sep|>Shanghai<|close|>argument<|sep|><|close|>call<|sep|><|close|>tools<|sep|>

(one line in reality). Reasoning ``Two cities.``; content ``I'll check both
cities.``; two calls, ``{"city": "Beijing", "days": 3}`` and ``{"city":
"Shanghai"}``.

Channels. The inside of ``response`` is content; its markers, and
``<|close|>message<|sep|>`` and ``<|end_of_msg|>`` that end the message,
are markup, never content. The template puts the first channel's opener in
the prompt, so the output starts inside a channel: inside ``response``
(thinking off) needs no option, as the output is read from inside the
response channel by default; inside ``think`` (thinking on, the engines'
default) needs ``start_in_reasoning=True``, as for ``deepseek_v4``. Without
it a lone ``<|close|>think<|sep|>`` is content. Text outside every channel
(after ``<|close|>think<|sep|>`` with no response opener) is content, as
vLLM gives it, from its first non-whitespace character: whitespace between
channels is markup (vLLM keeps it before such text). A ``tools`` or ``response`` opener before
``<|close|>think<|sep|>`` ends the reasoning there: these special tokens
cannot be mistaken for prose (vLLM's reasoning parser ends it only at the
close marker).

Calls. ``<|open|>call ATTRIBUTES<|sep|>`` … ``<|close|>call<|sep|>`` inside
``<|open|>tools<|sep|>`` … ``<|close|>tools<|sep|>``; ``tool`` names the
call (``index``, counting from 1, is read and not used). Attribute values
escape ``&`` as ``&amp;`` and ``"`` as ``&quot;`` (read back here); other
text in a header, and other attributes, are reported
(``unexpected_member``). A header is held until its ``<|sep|>``, at most
MAX_HEADER characters; one without ``tool``, or with another marker in it,
is content. Whitespace between calls and between arguments is markup (the
engines' structural tag allows none); other text there is content. Ids are
generated: SGLang builds ``NAME:IDX`` from a count over the whole
conversation, vLLM random ids, and no K3 template says which.

Arguments. ``<|open|>argument key="K" type="T"<|sep|>VALUE<|close|>argument<|sep|>``
per key. ``type="string"`` (or no type, as vLLM and SGLang read it): the
value is raw text, verbatim, streamed as JSON string content as it arrives.
Any other type (``number``, ``boolean``, ``array``, ``object``, ``null``,
or one we do not know): the value is JSON, written as the model wrote it
(without surrounding whitespace) when it ends; text that is not JSON is a
string of the raw text, as both engines fall back. The schema is not
consulted. ``<|close|>argument<|sep|>`` closes a value only before
whitespace and another argument, the call's or block's end, or the end of
the text; elsewhere it is value text (the vendor format cannot represent a
string holding it; this reads most of them back). A missing close marker is
tolerated where a marker that only follows a value comes.

Spacing. vLLM also accepts whitespace inside a marker (``<|open|> tools
<|sep|>``, what a detokenizer that puts spaces around special tokens
writes); streamparse accepts that spelling with single spaces around the
word. A value then keeps the spaces the detokenizer added, as in vLLM.
Not supported: ``think`` blocks between calls inside ``tools`` (one
third-party reading allows them; their text is stray content of the block).
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine
from .._params import ValueRules
from .._xml import XmlMachine, XmlState, value_states
from ..registry import register
from .qwen3_coder import end_reasoning_at_call

OPEN, CLOSE, SEP = "<|open|>", "<|close|>", "<|sep|>"
END_OF_MESSAGE = "<|end_of_msg|>"  # the token after <|close|>message<|sep|>


def opener(word: str) -> tuple[str, str]:
    """``<|open|>WORD<|sep|>``, and the spelling with spaces around the word."""
    return f"{OPEN}{word}{SEP}", f"{OPEN} {word} {SEP}"


def closer(word: str) -> tuple[str, str]:
    """``<|close|>WORD<|sep|>``, and the spelling with spaces around the word."""
    return f"{CLOSE}{word}{SEP}", f"{CLOSE} {word} {SEP}"


def header(word: str) -> tuple[str, str]:
    """``<|open|>WORD``, whose attributes follow up to ``<|sep|>``."""
    return f"{OPEN}{word}", f"{OPEN} {word}"


THINK_OPEN, THINK_CLOSE = opener("think"), closer("think")
RESPONSE_OPEN, RESPONSE_CLOSE = opener("response"), closer("response")
TOOLS_OPEN, TOOLS_CLOSE = opener("tools"), closer("tools")
CALL_OPEN, CALL_CLOSE = header("call"), closer("call")
ARGUMENT_OPEN, ARGUMENT_CLOSE = header("argument"), closer("argument")
MESSAGE_END = (*closer("message"), END_OF_MESSAGE)
# Markers that cannot be inside a block, or a call: they end it (its own end marker is missing).
LEAVE_BLOCK = (*TOOLS_OPEN, *THINK_OPEN, *RESPONSE_OPEN, *MESSAGE_END)
LEAVE_CALL = (*CALL_OPEN, *LEAVE_BLOCK)
# Special tokens that cannot be inside a header: a header holding one is no header.
NOT_IN_HEADER = (OPEN, CLOSE, END_OF_MESSAGE)

# Verbatim values; the type attribute decides raw text or JSON, so no null words or schema rules apply.
XTML_VALUES = ValueRules(strip="none")


class KimiState(Enum):
    GAP = "gap"  # between channels: whitespace is markup, other text is content


class KimiK3(XmlMachine):
    name = "kimi_k3"
    VALUE_RULES = XTML_VALUES
    AFTER_WRAPPER_STATE = KimiState.GAP
    CALL_NAME_ATTRIBUTE = "tool"
    CALL_ATTRIBUTES = frozenset({"tool", "index"})
    PARAM_KEY_ATTRIBUTE = "key"
    PARAM_ATTRIBUTES = frozenset({"key", "type"})

    def close_channel(self, marker: str) -> bool:
        """The end of a channel (or of the message): markup; what follows is between channels."""
        self._enter(KimiState.GAP)
        return True

    STATES = {
        # Inside the response channel, where the output starts unless the prompt opened think.
        XmlState.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                RESPONSE_OPEN: Machine.markup,
                (*RESPONSE_CLOSE, *MESSAGE_END): close_channel,
                TOOLS_OPEN: Machine.open_wrapper,
            },
        ),
        KimiState.GAP: Lex(
            Machine.trailing,
            {
                THINK_OPEN: Machine.to_reasoning,
                RESPONSE_OPEN: Machine.to_content,
                (*RESPONSE_CLOSE, *MESSAGE_END): Machine.markup,
                TOOLS_OPEN: Machine.open_wrapper,
            },
        ),
        XmlState.REASONING: Lex(
            Machine.reasoning,
            {
                THINK_CLOSE: close_channel,
                RESPONSE_OPEN: Machine.to_content,
                TOOLS_OPEN: end_reasoning_at_call,
            },
        ),
        XmlState.BLOCK: Lex(
            Machine.gap,
            {
                CALL_OPEN: Machine.open_call,
                TOOLS_CLOSE: Machine.close_wrapper,
                LEAVE_BLOCK: Machine.close_wrapper_and_reread,
            },
        ),
        XmlState.NAME: Lex(
            XmlMachine.call_name, {SEP: XmlMachine.commit_attribute_header, NOT_IN_HEADER: Machine.fail_call}
        ),
        XmlState.CALL: Lex(
            Machine.gap,
            {
                ARGUMENT_OPEN: XmlMachine.open_param,
                CALL_CLOSE: Machine.close_call,
                TOOLS_CLOSE: Machine.close_call_and_wrapper,
                LEAVE_CALL: Machine.close_call_and_reread,
            },
        ),
        XmlState.PARAM: Lex(
            XmlMachine.param_header,
            {SEP: XmlMachine.start_attribute_value, NOT_IN_HEADER: XmlMachine.fail_param},
        ),
        **value_states(
            ARGUMENT_CLOSE, (*ARGUMENT_OPEN, *CALL_CLOSE, *CALL_OPEN, *TOOLS_CLOSE, *TOOLS_OPEN, *MESSAGE_END)
        ),
    }


register(KimiK3)
