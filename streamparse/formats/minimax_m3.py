"""``minimax_m3``: MiniMax-M3 (namespace-prefixed XML calls with nested parameter elements).

Every structural tag starts with the literal namespace ``]<]minimax[>[``
(non-special added tokens, so the tags are text and may arrive cut
anywhere). Each parameter is an element named after itself::

    I'll check both cities.
    ]<]minimax[>[<tool_call>
    ]<]minimax[>[<invoke name="get_weather">
    ]<]minimax[>[<city>Beijing]<]minimax[>[</city>
    ]<]minimax[>[<days>3]<]minimax[>[</days>
    ]<]minimax[>[</invoke>
    ]<]minimax[>[<invoke name="get_weather">
    ]<]minimax[>[<city>Shanghai]<]minimax[>[</city>
    ]<]minimax[>[</invoke>
    ]<]minimax[>[</tool_call>

Parameters nest: an element that holds elements is an object, or an array
when its schema says so (the template writes list items as
``]<]minimax[>[<item>…]<]minimax[>[</item>`` children); a repeated name
collects its values into a list; an empty element is ``[]`` or ``{}`` when
the schema wants a container. Text is typed by the schema: values are kept
verbatim (no whitespace stripped, as vLLM, SGLang and MiniMax's reference
parser read them), ``null`` is null only where the schema allows null, and
``1``/``0``, ``yes``/``no``, ``on``/``off`` are booleans where the schema
wants one (SGLang). Without a schema for a parameter, its text is a string
and an element with children an object (``{"item": [...]}`` for a list).
See :mod:`streamparse._elements` for the conversion and what streams.

What waits. String text of a parameter streams as it arrives; a number or
boolean is written at its close tag; an object-typed parameter, or any
parameter written as nested elements, is written at its close tag (its key
at once). A parameter whose schema allows an array, or an untyped one
written as nested elements, is written at ``]<]minimax[>[</invoke>``: a
repeat of its name later in the call adds to the same list, and nothing
before the end of the call rules that out. (vLLM writes every argument at
``</invoke>``; SGLang streams scalars and writes containers at their close
tag and cannot merge repeats.) Such members follow the others in the
arguments object. A string or number parameter given twice keeps its first
value; the repeat is left out and the call flagged ``unexpected_member``
(vLLM would make a list; it never streams).

Engines differ. Text before a parameter's first child makes it a text
value in which namespaced tags are text, as MiniMax's reference parser
reads it (vLLM makes an object with the text under ``$text``); text after
or between children is kept under ``$text`` when it is more than
whitespace (vLLM). A close tag of an outer element closes the inner ones
(the reference parser; vLLM drops the rest of the call). The call name
may be double-, single- or un-quoted (vLLM). Whitespace between the
namespace and the tag (one space or newline) is accepted, as SGLang
removes it. Whitespace between tags is markup; the newline before the
block is content. Text after the block is content (vLLM drops it; nothing
is dropped here). A block with no call is content in full. Ids are
generated.

Reasoning. ``<mm:think>`` … ``</mm:think>``. With ``thinking_mode="enabled"``
the template opens it in the prompt: pass ``start_in_reasoning=True``. A
non-thinking reply may start with a stray ``</mm:think>``, which is markup
there (vLLM and SGLang drop it); anywhere else it is content. A block
opened inside the reasoning is reasoning text.
"""

from __future__ import annotations

from .._elements import ElementMachine, ElementState, element_states
from .._machine import Lex, Machine
from .._params import ValueRules
from ..registry import register

NAMESPACE = "]<]minimax[>["
THINK_OPEN = "<mm:think>"
THINK_CLOSE = "</mm:think>"


def tag(rest: str) -> tuple[str, ...]:
    """A tag's spellings: the namespace, then (SGLang's tolerance) a space or a newline, then ``rest``."""
    return tuple(NAMESPACE + space + rest for space in ("", " ", "\n"))


BLOCK = (tag("<tool_call>"), tag("</tool_call>"))
INVOKE = tag("<invoke name=")
INVOKE_END = tag("</invoke>")
OPEN_TAG = tag("<")
CLOSE_TAG = tag("</")

# SGLang's scalar rules: verbatim text, case-insensitive words (null only where the schema allows it).
MINIMAX_M3_VALUES = ValueRules(
    strip="none",
    true_words=frozenset({"true", "1", "yes", "on"}),
    false_words=frozenset({"false", "0", "no", "off"}),
)


class MiniMaxM3(ElementMachine):
    name = "minimax_m3"
    VALUE_RULES = MINIMAX_M3_VALUES
    INITIAL_STATE = ElementState.OUTPUT_START

    STATES = {
        ElementState.OUTPUT_START: Lex(
            ElementMachine.first_text,
            {
                THINK_OPEN: Machine.to_reasoning,
                THINK_CLOSE: Machine.to_content,
                BLOCK[0]: Machine.open_wrapper,
            },
        ),
        ElementState.CONTENT: Lex(
            Machine.content,
            {
                THINK_OPEN: Machine.to_reasoning,
                BLOCK[0]: Machine.open_wrapper,
                THINK_CLOSE: ElementMachine.content_marker,
            },
        ),
        ElementState.REASONING: Lex(Machine.reasoning, {THINK_CLOSE: Machine.to_content}),
        **element_states(
            block=BLOCK, call=INVOKE, call_end=INVOKE_END, open_tag=OPEN_TAG, close_tag=CLOSE_TAG
        ),
    }


register(MiniMaxM3)
