"""``muse`` and ``muse_glimmer``: Muse Spark and Muse Glimmer (routed messages, ATEM calls).

The output is a sequence of messages, each ``<|start|>assistant
to=RECIPIENT<|message|>BODY`` ended by ``<|eom|>`` (more follow) or
``<|eot|>`` (end of turn). The prompt ends with ``<|start|>assistant``, so
the first message starts at its role part. Reasoning, a content update and
two calls::

     to=self<|message|>Need two lookups.<|eom|><|start|>assistant to=commentary<|message|>I'll check both.<|eom|><|start|>assistant to=get_weather<|message|><atem:function_calls>
    <atem:invoke name="get_weather">
    <atem:parameter name="city">Beijing</atem:parameter>
    <atem:parameter name="unit">celsius</atem:parameter>
    </atem:invoke>
    </atem:function_calls><|eom|><|start|>assistant to=search<|message|><atem:function_calls>
    <atem:invoke name="search">
    <atem:parameter name="query">Shanghai metro hours</atem:parameter>
    <atem:parameter name="top_k">3</atem:parameter>
    </atem:invoke>
    </atem:function_calls><|eom|>

The recipient routes the body (:mod:`streamparse._routing`): ``self`` is
reasoning, ``user`` content, ``developer`` markup (dropped); in ``muse``
``commentary`` is content, in ``muse_glimmer`` it is a recipient like any
other. Any other recipient makes a tool message: the ``<atem:invoke>``
elements of its ``<atem:function_calls>`` blocks are the calls (several in
one block, or one message per call), named by their ``name`` attribute
(the recipient is not the name). A doubled name ``NAME.NAME`` (the
template writes bare tools as ``NAME.*``) is ``NAME`` when ``NAME`` is a
requested tool and ``NAME.NAME`` is not, or when no tools are given.
Invokes in any other message are its text, not calls. A header without a
recipient (a bare ``<|message|>``) is reasoning.

Values are raw text (kept verbatim). ``muse`` types them by the tool's
schema and decodes a value with no schema as JSON when it is JSON;
``muse_glimmer`` decodes every value that is JSON whatever the schema, as
vLLM's Glimmer parser does (``42`` for a string parameter is 42; ``007``,
which is not JSON, stays a string here). Whitespace between invokes and parameters is markup; other text in
a tool message is content, and so is a block with no invoke, in full.

Headers and terminators are markup. A header that is malformed (two
recipients, ``to=`` with no recipient) or does not reach ``<|message|>``
within ``MAX_HEADER`` characters is content, markers included. A message
start or terminator closes whatever is open (a call, a block). Text
outside any message is content.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, MarkerAction
from .._params import ValueRules
from .._routing import ROLE_PART_OPENING, Route, RoutedMachine, Routing
from .._xml import XmlMachine, XmlState, block_states
from ..registry import register

START = "<|start|>"
MESSAGE = "<|message|>"
END_OF_MESSAGE = "<|eom|>"
END_OF_TURN = "<|eot|>"
TERMINATORS = (END_OF_MESSAGE, END_OF_TURN)

BLOCK = ("<atem:function_calls>", "</atem:function_calls>")
INVOKE = ("<atem:invoke name=", "</atem:invoke>")
PARAMETER = ("<atem:parameter name=", "</atem:parameter>")

MUSE_ROUTING = Routing(
    recipients={
        "self": Route.REASONING,
        "user": Route.CONTENT,
        "commentary": Route.CONTENT,
        "developer": Route.DROP,
    },
    other_recipient=Route.CALL,
    other_channel=Route.REASONING,  # a bare <|message|>
)
GLIMMER_ROUTING = Routing(
    recipients={"self": Route.REASONING, "user": Route.CONTENT, "developer": Route.DROP},
    other_recipient=Route.CALL,
    other_channel=Route.REASONING,
)

MUSE_VALUES = ValueRules(strip="none", untyped="json")


class MuseState(Enum):
    START = "start"  # the first message's role part, after the prompt's <|start|>assistant
    HEADER = "header"
    TOOL = "tool"  # the body of a message to a tool, outside its blocks
    DROPPED = "dropped"


# In a body: a message starts, a terminator ends the body (markup in content: nothing to end).
def _body_actions(end: MarkerAction) -> dict[str | tuple[str, ...], MarkerAction]:
    return {START: RoutedMachine.open_message, TERMINATORS: end}


class Muse(RoutedMachine, XmlMachine):
    name = "muse"
    INITIAL_STATE = MuseState.START
    MESSAGE_HEADER_STATE = MuseState.HEADER
    AFTER_WRAPPER_STATE = MuseState.TOOL
    OPENING = ROLE_PART_OPENING
    VALUE_RULES = MUSE_VALUES
    ROUTING = MUSE_ROUTING
    ROUTE_STATES = {
        Route.REASONING: XmlState.REASONING,
        Route.CONTENT: XmlState.CONTENT,
        Route.CALL: MuseState.TOOL,
        Route.DROP: MuseState.DROPPED,
    }

    def name_and_id(self, header: str) -> tuple[str, str | None]:
        name, call_id = super().name_and_id(header)
        half, dot, rest = name.partition(".")
        tools = self.tools
        if dot and half == rest and (tools is None or (half in tools and name not in tools)):
            name = half
        return name, call_id

    STATES = {
        MuseState.START: Lex(
            RoutedMachine.role_part,
            {MESSAGE: Machine.end_message_header, (START, *TERMINATORS): Machine.fail_call},
        ),
        MuseState.HEADER: Lex(
            Machine.header,
            {MESSAGE: Machine.end_message_header, (START, *TERMINATORS): Machine.fail_call},
        ),
        XmlState.CONTENT: Lex(Machine.content, _body_actions(Machine.markup)),
        XmlState.REASONING: Lex(Machine.reasoning, _body_actions(Machine.to_content)),
        MuseState.DROPPED: Lex(RoutedMachine.dropped, _body_actions(Machine.to_content)),
        MuseState.TOOL: Lex(
            Machine.gap, {BLOCK[0]: Machine.open_wrapper, **_body_actions(Machine.to_content)}
        ),
        **block_states(block=BLOCK, call=INVOKE, param=PARAMETER, leave_block=(START, *TERMINATORS)),
    }


class MuseGlimmer(Muse):
    name = "muse_glimmer"
    ROUTING = GLIMMER_ROUTING

    def commit_call(self, name: str, call_id: str | None = None) -> None:
        super().commit_call(name, call_id)
        self._writer.start_call(None)  # every value is JSON when it parses, whatever the schema


register(Muse)
register(MuseGlimmer)
