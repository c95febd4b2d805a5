"""``k2_horizon``: MBZUAI IFM's K2 "Horizon" (K2 V3): GLM-style calls in ``<ifm|…>`` tags.

Content, then one ``<ifm|tool_calls>`` group with one ``<ifm|tool_call>``
element per call. The request's ``tool_call_format`` picks one of three
bodies; all three are read, also mixed in one group. ``xml`` (the
default): the name, then key/value pairs, values raw text typed by the
tool's JSON schema (see :mod:`streamparse._params`)::

    I'll check both cities.
    <ifm|tool_calls>
    <ifm|tool_call>get_weather<ifm|arg_key>city</ifm|arg_key><ifm|arg_value>Beijing</ifm|arg_value><ifm|arg_key>days</ifm|arg_key><ifm|arg_value>3</ifm|arg_value></ifm|tool_call>
    <ifm|tool_call>get_weather<ifm|arg_key>city</ifm|arg_key><ifm|arg_value>Shanghai</ifm|arg_value></ifm|tool_call>
    </ifm|tool_calls>

``xml_typed``: ``<ifm|arg_type>T</ifm|arg_type>`` between a key and its
value declares the value's type, and the declaration wins over the schema
(as DeepSeek's ``string=`` attribute does): ``string`` means raw text,
streamed as it arrives; any other type (``integer``, ``array[...]``,
``any``, …) means JSON, written as the model wrote it once the value ends,
or the raw text as a string if it is not JSON. ``json``: the body is one
call object, ``<ifm|tool_call>{"name": "get_weather", "arguments": {"city":
"Beijing"}}</ifm|tool_call>``, read as hermes reads its objects (arguments
as written, not typed by the schema). SGLang, too, tells the three apart
by the body; vLLM needs the request's ``tool_call_format`` and rejects a
type tag in ``xml`` mode.

Values of the ``xml`` body follow ``glm45``: surrounding whitespace dropped;
without a schema a value is decoded when it is a JSON number, boolean,
null, object or array and kept as a string otherwise. The name runs up to
the first tag and is trimmed; a call with no arguments is just the name.
``</ifm|arg_value>`` closes a value only before whitespace and a key, a
call tag, a group tag or the end of the text. Whitespace between calls is
markup; a group with no call is content in full, and text after the group
is content. Ids are generated.

Reasoning: ``<ifm|think>`` … ``</ifm|think>``, or ``<ifm|think_fast>`` /
``<ifm|think_faster>`` with their close tags (the request's
``reasoning_effort``: high, medium, low); any of the three close tags ends
the reasoning, since the prompt usually opens it (SGLang requires
``start_in_reasoning``; pass ``start_in_reasoning=True`` then). The group
opener ends the reasoning too, and the group is read as calls.
"""

from __future__ import annotations

from enum import Enum

from .._machine import Lex, Machine, Scan
from .._params import ValueRules
from .._xml import TAG_OPEN, XmlMachine, XmlState, value_states
from ..registry import register
from .qwen3_coder import end_reasoning_at_call

BLOCK = ("<ifm|tool_calls>", "</ifm|tool_calls>")
CALL = ("<ifm|tool_call>", "</ifm|tool_call>")
KEY = ("<ifm|arg_key>", "</ifm|arg_key>")
TYPE = ("<ifm|arg_type>", "</ifm|arg_type>")
VALUE = ("<ifm|arg_value>", "</ifm|arg_value>")
THINK_OPEN = ("<ifm|think>", "<ifm|think_fast>", "<ifm|think_faster>")
THINK_CLOSE = ("</ifm|think>", "</ifm|think_fast>", "</ifm|think_faster>")
OBJECT_BEGIN = "{"
STRING_TYPE = "string"

HORIZON_VALUES = ValueRules(strip="whitespace", untyped="json")


class HorizonState(Enum):
    TYPE = "arg_type"  # a value's declared type, between <ifm|arg_type> and its close tag


class K2Horizon(XmlMachine):
    name = "k2_horizon"
    VALUE_RULES = HORIZON_VALUES
    OBJECT_STATE = XmlState.OBJECT
    _type_at = 0  # where in the parameter's held text its declared type starts

    def open_call_object_body(self, marker: str) -> bool:
        """``{`` right after ``<ifm|tool_call>``: the ``json`` body, a call object."""
        if self.header_text().strip():
            return self.fail_call(marker)
        return self.open_call_object(marker)

    def start_type(self, marker: str) -> bool:
        self.param_header(marker)
        self._type_at = len(self._param_raw)
        if self._state is self.KEY_END_STATE:  # not past MAX_HEADER
            self._enter(HorizonState.TYPE)
        return True

    def end_type(self, marker: str) -> bool:
        declared = "".join(self._param_raw[self._type_at :]).strip().lower()
        self.param_header(marker)
        if self._state is HorizonState.TYPE:
            if self._string_flag is None:  # a second type tag is stray header text
                self._string_flag = declared == STRING_TYPE
                self._after_attribute = len(self._param_raw)
            self._enter(self.KEY_END_STATE)
        return True

    STATES = {
        XmlState.CONTENT: Lex(
            Machine.content, {THINK_OPEN: Machine.to_reasoning, BLOCK[0]: Machine.open_wrapper}
        ),
        XmlState.REASONING: Lex(
            Machine.reasoning, {THINK_CLOSE: Machine.to_content, BLOCK[0]: end_reasoning_at_call}
        ),
        XmlState.BLOCK: Lex(
            Machine.gap,
            {
                CALL[0]: Machine.open_call,
                BLOCK[1]: Machine.close_wrapper,
                BLOCK[0]: Machine.close_wrapper_and_reread,
                CALL[1]: Machine.gap_markup,  # after a call object
            },
        ),
        XmlState.NAME: Lex(
            XmlMachine.call_name,
            {TAG_OPEN: Machine.commit_header_and_reread, OBJECT_BEGIN: open_call_object_body},
        ),
        XmlState.CALL: Lex(
            Machine.gap,
            {
                KEY[0]: XmlMachine.open_param,
                CALL[1]: Machine.close_call,
                BLOCK[1]: Machine.close_call_and_wrapper,
                (CALL[0], BLOCK[0]): Machine.close_call_and_reread,
            },
        ),
        XmlState.PARAM: Lex(
            XmlMachine.param_header, {KEY[1]: XmlMachine.end_key, TAG_OPEN: XmlMachine.fail_param}
        ),
        XmlState.KEY_END: Lex(
            XmlMachine.key_gap,
            {VALUE[0]: XmlMachine.start_value, TYPE[0]: start_type, TAG_OPEN: XmlMachine.fail_param},
        ),
        HorizonState.TYPE: Lex(XmlMachine.param_header, {TYPE[1]: end_type, TAG_OPEN: XmlMachine.fail_param}),
        **value_states(VALUE[1], (KEY[0], CALL[1], CALL[0], BLOCK[1], BLOCK[0])),
        XmlState.OBJECT: Scan(Machine.call_object),
    }


register(K2Horizon)
