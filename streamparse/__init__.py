"""streamparse: raw LLM text deltas in, OpenAI chat deltas with tool calls out.

>>> import streamparse
>>> p = streamparse.StreamParser("kimi_k2", id_seed=0)
>>> p.feed("Checking.<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0")
{'content': 'Checking.'}
>>> p.feed('<|tool_call_argument_begin|>{"city": "Beijing"}<|tool_call_end|>')
{'tool_calls': [{'index': 0, 'id': 'functions.get_weather:0', 'type': 'function', 'function': {'name': 'get_weather', 'arguments': '{"city": "Beijing"}'}}]}
>>> p.finish(), p.finish_reason
(None, 'tool_calls')
"""

from __future__ import annotations

from ._dialect import DialectObject, SuffixedDialect
from ._wire import ChoiceDelta, FunctionDelta, ToolCallDelta
from .detect import Detection, detect, detection
from .errors import MalformedCallError, StreamParseError, UsageError
from .events import CallArguments, CallEnd, CallFlag, CallStart, Event, LimitExceeded, Reasoning, Text
from .ids import IdFactory
from .messages import MessagesStream, message_object
from .parser import StreamParser, parse
from .registry import ParserName, dialects, parser_names, with_token_suffix
from .responses import ResponsesStream, response_object, sse_event
from .result import CallProblem, FinishReason, Function, ParseResult, ToolCall, fold_deltas
from .template import TemplateDialect, load_dialect
from .tools import FunctionSpec, ToolSpec

__all__ = [
    "CallArguments",
    "CallEnd",
    "CallFlag",
    "CallProblem",
    "CallStart",
    "ChoiceDelta",
    "Detection",
    "DialectObject",
    "Event",
    "FinishReason",
    "Function",
    "FunctionDelta",
    "FunctionSpec",
    "IdFactory",
    "LimitExceeded",
    "MalformedCallError",
    "MessagesStream",
    "ParseResult",
    "ParserName",
    "Reasoning",
    "ResponsesStream",
    "StreamParseError",
    "StreamParser",
    "SuffixedDialect",
    "TemplateDialect",
    "Text",
    "ToolCall",
    "ToolCallDelta",
    "ToolSpec",
    "UsageError",
    "detect",
    "detection",
    "dialects",
    "fold_deltas",
    "load_dialect",
    "message_object",
    "parse",
    "parser_names",
    "response_object",
    "sse_event",
    "with_token_suffix",
]

__version__ = "0.1.0"
