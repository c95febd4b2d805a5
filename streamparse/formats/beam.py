"""``beam``: Beam (harmony framing, ``rfl:`` XML parameters).

Beam is defined by a ``response_template`` rather than by code (SGLang
ships it as a constant, vLLM reads it from the checkpoint); this module is
that template as a dialect. Harmony's messages (see :mod:`.gpt_oss`): the
prompt ends with ``<|start|>assistant``, so the first message starts at
its header. Reasoning and two calls::

    <|channel|>analysis<|message|>Two lookups.<|end|><|start|>assistant to=get_weather<|channel|>analysis <|constrain|>xml<|message|><rfl:parameter name="city">
    Beijing
    </rfl:parameter><rfl:parameter name="unit">
    celsius
    </rfl:parameter><|call|><|start|>assistant to=search<|channel|>analysis <|constrain|>xml<|message|><rfl:parameter name="query">
    Shanghai metro hours
    </rfl:parameter><rfl:parameter name="top_k">
    3
    </rfl:parameter><|call|>

Routing (:mod:`streamparse._routing`): a message with a recipient
(``to=NAME``, in the role or the channel part, on any channel) is a call
of ``NAME``; without one, ``analysis`` is reasoning and ``final`` (or any
other channel) content. Headers and terminators (``<|end|>``,
``<|call|>``, ``<|return|>``) are markup, and a header that is malformed
is content, as in gpt_oss.

A call's body is its parameters: ``<rfl:parameter name="K">``, the value,
``</rfl:parameter>``; the close tag may be missing before the next
parameter or the end of the message. Values lose one newline on each side
and are typed by the tool's schema (raw text without one). Whitespace
between parameters is markup, other text there content.
``start_in_reasoning=True`` is for prompts that end with
``<|start|>assistant<|channel|>analysis<|message|>``.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine
from .._params import ValueRules
from .._routing import CHANNEL, ROLE_PART_OPENING, Route, RoutedMachine, Routing
from .._xml import TAG_END, TAG_OPEN, XmlMachine, XmlState, value_states
from ..registry import register
from .gpt_oss import START, TERMINATORS, harmony_states

PARAMETER = ("<rfl:parameter name=", "</rfl:parameter>")

BEAM_ROUTING = Routing(
    other_recipient=Route.CALL,
    channels={"analysis": Route.REASONING, "final": Route.CONTENT},
    other_channel=Route.CONTENT,
)

BEAM_VALUES = ValueRules(strip="newline")


class BeamState(Enum):
    START = "start"


class Beam(RoutedMachine, XmlMachine):
    name = "beam"
    INITIAL_STATE = BeamState.START
    # A call is named by its message's header, so the call-name state reads message headers.
    MESSAGE_HEADER_STATE = XmlState.NAME
    OPENING = ROLE_PART_OPENING
    VALUE_RULES = BEAM_VALUES
    ROUTING = BEAM_ROUTING
    ROUTE_STATES = {Route.REASONING: XmlState.REASONING, Route.CONTENT: XmlState.CONTENT, Route.CALL: None}

    STATES = {
        **harmony_states(BeamState.START, XmlState.CONTENT, XmlState.REASONING, XmlState.NAME),
        XmlState.CALL: Lex(
            Machine.gap,
            {
                PARAMETER[0]: XmlMachine.open_param,
                TERMINATORS: Machine.close_call,
                (START, CHANNEL): Machine.close_call_and_reread,
            },
        ),
        XmlState.PARAM: Lex(
            XmlMachine.param_header, {TAG_END: XmlMachine.start_value, TAG_OPEN: XmlMachine.fail_param}
        ),
        **value_states(PARAMETER[1], (PARAMETER[0], *TERMINATORS, START, CHANNEL)),
    }


register(Beam)
