"""The contract's properties as plain checks over generated cases, for any runner.

Each property is a strategy of cases per dialect and a check that raises
on a case that breaks the contract. ``tests/test_properties.py`` runs them
under pytest; :func:`streamparse.testing.longrun.fuzz` runs them for a time
budget. A case is a frozen dataclass whose ``repr`` is Python code, so a
failing case can be pasted back into its check::

    from streamparse.testing import Sample, ToolCallSpec
    from streamparse.testing.properties import RoundTripCase, check_round_trip

    check_round_trip(RoundTripCase(dialect="hermes", sample=Sample(content="Hi"), cuts=(("H", "i"),)))

The properties: round trip through the dialect's renderer (parse() and the
stream, cut twice, give what was rendered; split invariance, stream equals
batch, wire shape), prompt emission of content and of arguments, arbitrary
text full of markers (never raises, split invariant, invents nothing),
content-only text (returned verbatim) and mutated outputs (a valid output
with one to three faults: never raises, split invariant, wire shape). The
round trip, arbitrary text and mutated outputs also check that nothing
vanishes: every word of the input ends up in the result or is markup,
unless the result reports a problem (:func:`check_nothing_vanishes`).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar

from hypothesis import strategies as st

from ..parser import StreamParser, parse
from ..registry import get_dialect
from ..result import ParseResult
from . import check_wire_shape, run_stream
from .renderers import Rendered, Sample, render
from .strategies import (
    contents,
    forbidden_in,
    marker_soup,
    markers,
    mutated_outputs,
    opening_characters,
    pieces,
    samples,
    value_markers,
)

__all__ = [
    "PROPERTIES",
    "ArbitraryTextCase",
    "ArgumentsEmissionCase",
    "ContentEmissionCase",
    "ContentOnlyCase",
    "ContractViolation",
    "MutatedCase",
    "Property",
    "RoundTripCase",
    "arbitrary_text_cases",
    "arguments_emission_cases",
    "check_arbitrary_text",
    "check_arguments_emission",
    "check_content_emission",
    "check_content_only",
    "check_mutated",
    "check_nothing_vanishes",
    "check_round_trip",
    "content_emission_cases",
    "content_only_cases",
    "mutated_cases",
    "round_trip_cases",
    "vanished_words",
]


class ContractViolation(AssertionError):
    """A parser result that breaks the contract (raised even under ``python -O``)."""


def _require(holds: bool, problem: str | Callable[[], str]) -> None:
    if not holds:
        raise ContractViolation(problem if isinstance(problem, str) else problem())


def _same(got: object, want: object, what: str) -> None:
    if got != want:
        raise ContractViolation(f"{what}:\n  got:      {got!r}\n  expected: {want!r}")


def _comparable(result: ParseResult) -> tuple[object, ...]:
    """What split invariance and stream-equals-batch compare: everything a client sees."""
    return (
        result.content,
        result.reasoning_content,
        [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls],
        result.finish_reason,
    )


def _is_subsequence(part: str, text: str) -> bool:
    remaining = iter(text)
    return all(char in remaining for char in part)


def _cut_twice(text: str) -> st.SearchStrategy[tuple[tuple[str, ...], tuple[str, ...]]]:
    cut = pieces(text).map(tuple)
    return st.tuples(cut, cut)


# -- nothing vanishes ------------------------------------------------------------------
#
# Every character of the input must end up in the content, the reasoning, a call (id, name,
# arguments) or recognised markup; what a parser leaves out otherwise must be reported in
# ``ParseResult.problems``. Checked cheaply on words, maximal runs of letters and digits
# (case-insensitive), as multisets: a word of the input that is missing from the result and
# is not markup has vanished. Punctuation and whitespace are not checked: they are where
# the markup of every dialect lives.

# A run of backslashes and the escape it ends with (JSON, Python): escapes are decoded
# before words are taken, on both sides, so that a value the parser re-escapes (an XML
# value's backslash becomes ``\\`` in JSON) or decodes (a name's ``\u0066``) keeps its words.
_ESCAPE = re.compile(
    r"(?P<run>\\+)(?:u(?P<hex>[0-9a-fA-F]{4})|U(?P<hex8>[0-9a-fA-F]{8})|x(?P<hex2>[0-9a-fA-F]{2})"
    r"|(?P<octal>[0-7]{1,3})|(?P<char>.))",
    re.DOTALL,
)
_WORD = re.compile(r"[^\W_]+")
# Keys of a JSON call object and constants a value may be written as (JSON, Python, and the
# null and boolean words of the schema-typed dialects): markup, or rewritten by the parser.
_MARKUP_WORDS = frozenset(
    ["name", "arguments", "parameters", "type", "id", "function"]
    + ["true", "false", "null", "none", "nil", "yes", "no"]
)
_HARMONY_TOKEN = r"<\|(?:start|channel|constrain|message|end|call|return)\|>"
# A header part: after <|start|>, <|channel|> or <|constrain|>, or at the start of the output
# before <|channel|> (the prompt ended with <|start|>assistant), up to the next token.
_HARMONY_HEADER = re.compile(
    rf"(?:<\|(?:start|channel|constrain)\|>|\A(?=(?:(?!{_HARMONY_TOKEN}).)*<\|channel\|>))"
    rf"(?:(?!{_HARMONY_TOKEN}).)*",
    re.DOTALL,
)
_MUSE_TOKEN = r"<\|(?:start|message|eom|eot)\|>"
# Muse's headers, the first one without <|start|> too; a message to the developer is markup, body and all.
_MUSE_HEADER = re.compile(
    rf"(?:<\|start\|>|\A(?=(?:(?!{_MUSE_TOKEN}).)*<\|message\|>))(?:(?!{_MUSE_TOKEN}).)*"
    rf"(?:(?<=to=developer)<\|message\|>(?:(?!{_MUSE_TOKEN}).)*)?",
    re.DOTALL,
)
# Inkling: the header before the content token (a tool's name, not used for the call) and the key
# that holds a call's arguments.
_INKLING_MARKUP = re.compile(r'(?<=<\|message_model\|>)[^<]*(?=<\|content_)|"args"\s*:', re.DOTALL)
# mistral pre-v11 writes the call's id after its arguments; the call is announced before
# that, so a generated id is used and the model's is left out (documented).
_MISTRAL_ID = re.compile(r'"id"\s*:\s*"(?:[^"\\]|\\.)*"')
# Dialects whose arguments are Python literals converted to JSON: a number is written as
# JSON writes it (0x1F, 1_000, .5e+16 are spelled anew), so words that start with a digit
# are not compared there.
_NUMBERS_REWRITTEN = frozenset({"pythonic", "lfm2", "olmo3"})
# Kimi K3's XTML headers: attribute names, the call's index and the value's type are markup,
# and so are the escapes of attribute values (read back as the characters they stand for).
_XTML_ATTRIBUTES = re.compile(r'\b(?:tool|key)="|\b(?:index|type)="[^"]*"|&(?:quot|amp);')
# Cohere's call objects: the key that names the call, and the per-message counter that the model
# writes as an id (replaced by a generated one, documented in the dialect).
_COHERE_KEYS = re.compile(r'"tool_call_id"\s*:\s*"(?:[^"\\]|\\.)*"|"tool_call_id"|"tool_name"')
_DOCUMENTED_MARKUP: dict[str, re.Pattern[str]] = {
    "gpt_oss": _HARMONY_HEADER,  # a message's header (role, channel, recipient, type) is markup
    "mistral": _MISTRAL_ID,
    "cohere_command4": _COHERE_KEYS,
    "kimi_k3": _XTML_ATTRIBUTES,
    "functiongemma": re.compile("<escape>"),  # the string delimiter token, read by the converter
    "muse": _MUSE_HEADER,
    "muse_glimmer": _MUSE_HEADER,
    "inkling": _INKLING_MARKUP,
    "beam": _HARMONY_HEADER,
    # A value's declared type (the xml_typed body) is markup: it decides how the value is written.
    "k2_horizon": re.compile(r"<ifm\|arg_type>[^<]*</ifm\|arg_type>"),
    # An element's tags: its name becomes one key however often it repeats (a repeated name
    # makes a list), a close tag repeats it, a list item's names none.
    "minimax_m3": re.compile(r"\]<\]minimax\[>\[\s?</?[^>\]<\s]*>"),
    # Markers that are words: glued to the text before or after them, they make one word with it,
    # which the marker splits (in content) or not (inside a string, "functoolsA"): that word is not
    # compared.
    "phi4_mini_json": re.compile(r"\w*functools\w*"),
    "gigachat3": re.compile(r"\w*function call<\|role_sep\|>"),
}


# Escapes of one character, which stand for punctuation or a control character.
_SHORT_ESCAPES = frozenset("nrtbfva\"'\\/\n")


def _escape_value(match: re.Match[str]) -> str:
    # Any number of backslashes may stand before an escape (one per level of encoding), but an
    # odd run of three or more is an escaped backslash and then an escape (``'\\\xb9'``, a
    # backslash and "¹"), which a converter may write as a backslash and the character itself.
    literal = " " if len(match["run"]) % 2 and len(match["run"]) > 1 else ""
    char = match["char"]
    if char is not None:
        # Not an escape (``\北``, ``\Users``): the character stands for itself.
        return " " if char in _SHORT_ESCAPES else literal + " " + char
    hexadecimal = match["hex"] or match["hex8"] or match["hex2"]
    code = int(hexadecimal, 16) if hexadecimal else int(match["octal"], 8)
    return literal + (" " if code > 0x10FFFF else chr(code))


def _unescaped(text: str) -> str:
    # Decoded until no escape is left: an escaped backslash may start another escape.
    while "\\" in text:
        decoded = _ESCAPE.sub(_escape_value, text)
        if decoded == text:
            break
        text = decoded
    return text


def _words(text: str) -> Counter[str]:
    # Numbers are compared by their digits: a parser may write 007 as 7.
    return Counter(
        word.lstrip("0") or "0" if word.isdigit() else word
        for word in _WORD.findall(_unescaped(text).lower())
    )


@functools.cache
def _markup_words(dialect: str) -> frozenset[str]:
    # A template dialect's regex openers are markup too: their words are in MARKUP_PATTERNS.
    patterns = getattr(get_dialect(dialect), "MARKUP_PATTERNS", ())
    return _MARKUP_WORDS.union(*(_words(marker) for marker in (*markers(dialect), *patterns)))


# Markup inside a value whose two sides are one stretch of value text (MiniCPM 5's CDATA section
# markers): a word the markup cuts in two comes out whole. Outside a value the same text is content,
# so a word counts as vanished only if it is missing with the markup taken out and with it left in.
_SPLICING_MARKUP: dict[str, re.Pattern[str]] = {
    "minicpm5": re.compile(r"<!\[CDATA\[|\]\]>"),
    # PLaMo 3's text markers inside JSON arguments: a stray one is markup, and the JSON around it
    # reads on (found by the mutated property: "f<|plamo:end_tool_arguments:plamo|>alse").
    "plamo3": re.compile(r"<\|plamo:[a-z_]+(?::plamo)?\|>"),
}


def vanished_words(dialect: str, text: str, result: ParseResult) -> Counter[str]:
    """The words of ``text`` (with multiplicity) that are in neither ``result`` nor markup."""
    missing = _vanished_words(dialect, text, result)
    splicing = _SPLICING_MARKUP.get(dialect)
    if missing and splicing is not None:
        missing &= _vanished_words(dialect, splicing.sub("", text), result)
    return missing


def _vanished_words(dialect: str, text: str, result: ParseResult) -> Counter[str]:
    documented = _DOCUMENTED_MARKUP.get(dialect)
    if documented is not None:
        text = documented.sub(" ", text)
    produced = _words(result.content or "") + _words(result.reasoning_content or "")
    for call in result.tool_calls:
        produced += _words(call.id) + _words(call.function.name) + _words(call.function.arguments)
    missing = _words(text) - produced
    for word in _markup_words(dialect).intersection(missing):
        del missing[word]
    if dialect in _NUMBERS_REWRITTEN:
        for word in [word for word in missing if word[0].isdigit()]:
            del missing[word]
    if missing:
        # Content (and reasoning) is joined across the markup between its pieces, so words
        # of the input on either side of a call may come out as one ("a<call>b" gives "ab"),
        # or as an escape ("\\<call>n" gives "\\n"): such a word is found inside a word of the
        # content, with its escapes decoded or not.
        prose = " ".join(field for field in (result.content, result.reasoning_content) if field)
        # Lowered after decoding, as _words does: "\u00c0" decodes to "À", whose word is "à".
        joined = _WORD.findall(prose.lower()) + _WORD.findall(_unescaped(prose).lower())
        for word in [word for word in missing if any(word in longer for longer in joined)]:
            del missing[word]
    return missing


def check_nothing_vanishes(dialect: str, text: str, result: ParseResult) -> None:
    """Every word of the input is in the result or is markup, unless ``result.problems`` says
    something went wrong: a parser may drop text only when it reports it (nothing vanishes silently)."""
    if result.problems:
        return
    missing = vanished_words(dialect, text, result)
    _require(
        not missing,
        lambda: (
            f"words of the input vanished without a problem reported: {sorted(missing.elements())!r}\n"
            f"  input:  {text!r}\n  result: {_comparable(result)!r}"
        ),
    )


# -- round trip ------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundTripCase:
    """A sample rendered in ``dialect``, and two ways to cut the rendered text into deltas."""

    dialect: str
    sample: Sample
    cuts: tuple[tuple[str, ...], ...]


@st.composite
def _round_trip_case(draw: st.DrawFn, dialect: str) -> RoundTripCase:
    sample = draw(samples(dialect))
    cuts = draw(_cut_twice(render(dialect, sample).text))
    return RoundTripCase(dialect, sample, cuts)


@functools.cache
def round_trip_cases(dialect: str) -> st.SearchStrategy[RoundTripCase]:
    return _round_trip_case(dialect)


def check_round_trip(case: RoundTripCase) -> None:
    """parse() returns what was rendered; each cut of the stream folds to the same result."""
    dialect, sample = case.dialect, case.sample
    rendered = render(dialect, sample)
    batch = parse(rendered.text, dialect, rendered.tools, id_seed=0)

    _same(batch.content or "", rendered.content, "content")
    _same(batch.reasoning_content or "", rendered.reasoning, "reasoning")
    _same(
        [(c.function.name, c.function.arguments) for c in batch.tool_calls],
        [(c.name, c.arguments) for c in rendered.calls],
        "calls (name, arguments)",
    )
    read_calls = rendered.read_calls if rendered.read_calls is not None else sample.calls
    for got, want, spec in zip(batch.tool_calls, rendered.calls, read_calls):
        _same(json.loads(got.function.arguments), json.loads(spec.encoded()), "arguments as JSON")
        if want.id is not None:
            _same(got.id, want.id, "the model's call id")
    _same([(p.index, p.kind, p.detail) for p in batch.problems], [], "problems")
    _same(batch.finish_reason, "tool_calls" if sample.calls else "stop", "finish_reason")
    _require(
        len({c.id for c in batch.tool_calls}) == len(batch.tool_calls),
        lambda: f"call ids repeat: {[c.id for c in batch.tool_calls]!r}",
    )
    check_nothing_vanishes(dialect, rendered.text, batch)
    for cut in case.cuts:
        _same("".join(cut), rendered.text, "the pieces of the case")
        _check_stream_equals_batch(dialect, cut, batch, tools=rendered.tools)


def _check_stream_equals_batch(
    dialect: str,
    cut: Sequence[str],
    batch: ParseResult,
    *,
    reason: Literal["length"] | None = None,
    tools: Iterable[Mapping[str, Any]] | None = None,
) -> None:
    run = run_stream(dialect, cut, id_seed=0, tools=tools, reason=reason)
    check_wire_shape(run.deltas, run.finish_reason)
    _same(_comparable(run.result), _comparable(batch), f"the stream cut as {list(cut)!r} against parse()")


# -- prompt emission -------------------------------------------------------------------


def _held_suffix(text: str, markers: tuple[str, ...]) -> int:
    """The longest suffix of ``text`` that is a proper prefix of a marker."""
    if not markers:
        return 0
    for k in range(min(len(text), max(map(len, markers)) - 1), 0, -1):
        tail = text[-k:]
        if any(len(m) > k and m.startswith(tail) for m in markers):
            return k
    return 0


@dataclass(frozen=True)
class ContentEmissionCase:
    """Content (no marker in it) cut into deltas."""

    dialect: str
    pieces: tuple[str, ...]


@st.composite
def _content_emission_case(draw: st.DrawFn, dialect: str) -> ContentEmissionCase:
    text = draw(contents(forbidden_in(dialect, "content"), max_size=80, opening=opening_characters(dialect)))
    return ContentEmissionCase(dialect, tuple(draw(pieces(text))))


@functools.cache
def content_emission_cases(dialect: str) -> st.SearchStrategy[ContentEmissionCase]:
    return _content_emission_case(dialect)


def _initial_markers(dialect: str) -> tuple[str, ...]:
    machine = get_dialect(dialect)
    initial = getattr(machine, "INITIAL_STATE", None)
    spec = machine.STATES.get(initial) if initial is not None else None
    return tuple(marker for marker in getattr(spec, "actions", {}) if isinstance(marker, str))


def check_content_emission(case: ContentEmissionCase) -> None:
    """Each delta's content comes out in the same feed(), except a suffix that may start a marker."""
    dialect = case.dialect
    markers = forbidden_in(dialect, "content")
    # Until the first content is out, the output may still open with the initial state's markers
    # (muse: a bare <|message|> starts a reasoning message), so a prefix of one may be held.
    first_markers = (*markers, *_initial_markers(dialect))
    opening = opening_characters(dialect)
    # A dialect that lists whitespace among its openings holds only that whitespace (harmony: ASCII).
    held_whitespace = "".join(c for c in opening if c.isspace()) or None
    parser = StreamParser(dialect)
    fed = ""
    emitted = ""
    for piece in case.pieces:
        fed += piece
        delta = parser.feed(piece)
        if delta is not None:
            _same(set(delta), {"content"}, f"fields of the delta after {fed!r}")
            emitted += delta["content"]
        rest = fed.lstrip(held_whitespace)
        if opening and _held_suffix(rest, markers) == len(rest):
            # Leading whitespace is held while a call may still open the output.
            _same(emitted, "", f"content emitted after {fed!r} (a call may still open the output)")
        else:
            held = _held_suffix(fed, first_markers if not emitted else markers)
            _same(emitted, fed[: len(fed) - held], f"content emitted after {fed!r}")
    delta = parser.finish()
    emitted += (delta or {}).get("content", "")
    _same(emitted, "".join(case.pieces), "content after finish()")


def _sent_arguments(deltas: Iterable[Mapping[str, Any] | None], which: int) -> str:
    return "".join(
        chunk["function"].get("arguments", "")
        for delta in deltas
        if delta
        for chunk in delta.get("tool_calls", ())
        if chunk["index"] == which
    )


@dataclass(frozen=True)
class ArgumentsEmissionCase:
    """A rendered sample fed up to ``cut`` (in ``pieces``), looking at call ``which``.

    Schema-typed dialects: ``value`` is the index of the value of call
    ``which`` that the cut falls in (None: the call has no values).
    """

    dialect: str
    sample: Sample
    which: int
    cut: int
    pieces: tuple[str, ...]
    value: int | None = None


@st.composite
def _arguments_emission_case(draw: st.DrawFn, dialect: str) -> ArgumentsEmissionCase:
    # Arguments written before the name are held until the name is known (documented).
    sample = replace(draw(samples(dialect, min_calls=1)), arguments_first=False)
    rendered = render(dialect, sample)
    value = None
    if rendered.value_spans is not None:
        values = [(i, v) for i, spans in enumerate(rendered.value_spans) for v in range(len(spans))]
        if values:
            which, value = draw(st.sampled_from(values))
            span = rendered.value_spans[which][value]
            cut = draw(st.integers(span.start, span.end))
        else:
            which = draw(st.integers(0, len(rendered.calls) - 1))
            cut = draw(st.integers(0, len(rendered.text)))
    else:
        which = draw(st.integers(0, len(rendered.calls) - 1))
        start, end = rendered.argument_spans[which]
        cut = draw(st.integers(start, end))
    return ArgumentsEmissionCase(dialect, sample, which, cut, tuple(draw(pieces(rendered.text[:cut]))), value)


@functools.cache
def arguments_emission_cases(dialect: str) -> st.SearchStrategy[ArgumentsEmissionCase]:
    return _arguments_emission_case(dialect)


def check_arguments_emission(case: ArgumentsEmissionCase) -> None:
    """Arguments are streamed as they arrive: what was sent is all that can be, and a prefix of the end."""
    dialect = case.dialect
    rendered = render(dialect, case.sample)
    prefix = "".join(case.pieces)
    _same(prefix, rendered.text[: case.cut], "the pieces of the case")
    parser = StreamParser(dialect, rendered.tools, id_seed=0)
    deltas = [parser.feed(piece) for piece in case.pieces]
    sent = _sent_arguments(deltas, case.which)
    final = rendered.calls[case.which].arguments
    _require(final.startswith(sent), lambda: f"sent {sent!r}, not a prefix of the arguments {final!r}")
    if rendered.value_spans is not None:
        _check_value_emission(case, rendered, sent)
    elif rendered.argument_marks:
        # Converted arguments: no shorter than what the renderer marks as decided by the cut.
        decided = max(
            (length for offset, length in rendered.argument_marks[case.which] if offset <= case.cut),
            default=0,
        )
        _require(len(sent) >= decided, lambda: f"sent {sent!r}; {final[:decided]!r} was decided by then")
    else:
        start = rendered.argument_spans[case.which][0]
        available = prefix[start:]
        _require(available.startswith(sent), lambda: f"sent {sent!r}, not a prefix of {available!r}")
        arguments_markers = forbidden_in(dialect, "arguments")
        # Whitespace at the end may be held (markup if the arguments end there), and so may a
        # possible end marker together with the whitespace before it.
        undecided = available.rstrip()
        if arguments_markers:
            undecided = undecided[: len(undecided) - _held_suffix(undecided, arguments_markers)].rstrip()
        allowance = len(available) - len(undecided)
        _require(
            len(available) - len(sent) <= allowance,
            lambda: f"sent {sent!r} of the arguments {available!r} fed so far",
        )


def _held_in_value(text: str, markers: tuple[str, ...], close_tags: tuple[str, ...]) -> int:
    """How much of the end of a value's text a parser may hold: whitespace (stripped or held
    while more may follow), a possible marker, and a close tag that is still undecided."""
    rest = text
    while True:
        trimmed = rest.rstrip()
        trimmed = trimmed[: len(trimmed) - _held_suffix(trimmed, markers)]
        for tag in close_tags:
            if trimmed.endswith(tag):
                trimmed = trimmed[: -len(tag)]
                break
        if trimmed == rest:
            return len(text) - len(rest)
        rest = trimmed


def _may_still_be_null(dialect: str, text: str) -> bool:
    """Whether a string value's text so far may still be ``null``, which the dialect reads as
    null whatever the schema says (qwen3_coder, seed_oss, minimax_m2): the value is held (at
    most four characters) until it cannot."""
    rules = get_dialect(dialect).VALUE_RULES  # type: ignore[attr-defined]
    if not rules.null_for_strings:
        return False
    head = text.lstrip() if rules.strip == "whitespace" else text.removeprefix("\n")
    return "null".startswith(head.lower())


def _check_value_emission(case: ArgumentsEmissionCase, rendered: Rendered, sent: str) -> None:
    """Schema-typed dialects: a string value is streamed as it arrives (escaped as JSON), any
    other value once it ends."""
    if case.value is None:
        return
    assert rendered.value_spans is not None
    span = rendered.value_spans[case.which][case.value]
    close_tags, others = value_markers(case.dialect)
    required = span.offset
    if span.streamed:
        available = "".join(case.pieces)[span.start :]
        available = available[: len(available) - _held_in_value(available, close_tags + others, close_tags)]
        if _may_still_be_null(case.dialect, available):
            required -= 1  # not even the opening quote: the value may still be the word null
        else:
            required += len(json.dumps(available, ensure_ascii=False)) - 2
    _require(
        len(sent) >= required,
        lambda: f"sent {sent!r}; the value so far is {''.join(case.pieces)[span.start :]!r}",
    )


# -- arbitrary text --------------------------------------------------------------------


@dataclass(frozen=True)
class ArbitraryTextCase:
    """Text thick with the dialect's markers, cut two ways, ended as ``reason`` says."""

    dialect: str
    text: str
    cuts: tuple[tuple[str, ...], ...]
    reason: Literal["length"] | None = None


_REASONS: st.SearchStrategy[Literal["length"] | None] = st.sampled_from([None, "length"])


@st.composite
def _arbitrary_text_case(draw: st.DrawFn, dialect: str) -> ArbitraryTextCase:
    text = draw(marker_soup(dialect))
    return ArbitraryTextCase(dialect, text, draw(_cut_twice(text)), draw(_REASONS))


@functools.cache
def arbitrary_text_cases(dialect: str) -> st.SearchStrategy[ArbitraryTextCase]:
    return _arbitrary_text_case(dialect)


def check_arbitrary_text(case: ArbitraryTextCase) -> None:
    """Never raises; every cut folds to parse(); content and reasoning are input characters, in
    order; nothing vanishes unless a problem is reported."""
    batch = parse(case.text, case.dialect, id_seed=0, finish_reason=case.reason)
    for cut in case.cuts:
        _same("".join(cut), case.text, "the pieces of the case")
        _check_stream_equals_batch(case.dialect, cut, batch, reason=case.reason)
    for field, produced in (("content", batch.content), ("reasoning", batch.reasoning_content)):
        if not _is_subsequence(produced or "", case.text):
            raise ContractViolation(f"{field} {produced!r} is not made of the input's characters in order")
    check_nothing_vanishes(case.dialect, case.text, batch)


@dataclass(frozen=True)
class ContentOnlyCase:
    """Text with no marker in it, cut into deltas."""

    dialect: str
    pieces: tuple[str, ...]


@st.composite
def _content_only_case(draw: st.DrawFn, dialect: str) -> ContentOnlyCase:
    forbidden = forbidden_in(dialect, "content")
    text = draw(contents(forbidden, max_size=200, opening=opening_characters(dialect)))
    return ContentOnlyCase(dialect, tuple(draw(pieces(text))))


@functools.cache
def content_only_cases(dialect: str) -> st.SearchStrategy[ContentOnlyCase]:
    return _content_only_case(dialect)


def check_content_only(case: ContentOnlyCase) -> None:
    """Text without markup comes back verbatim, from parse() and from the stream."""
    text = "".join(case.pieces)
    _same(parse(text, case.dialect).content or "", text, "content of parse()")
    run = run_stream(case.dialect, case.pieces)
    _same(run.result.content or "", text, f"content of the stream cut as {list(case.pieces)!r}")
    _same(run.finish_reason, "stop", "finish_reason")


# -- mutated outputs ---------------------------------------------------------------------


@dataclass(frozen=True)
class MutatedCase:
    """A valid output of ``dialect`` with one to three faults, cut two ways; ``tools`` as rendered."""

    dialect: str
    text: str
    cuts: tuple[tuple[str, ...], ...]
    tools: tuple[Mapping[str, Any], ...] | None = None


@st.composite
def _mutated_case(draw: st.DrawFn, dialect: str) -> MutatedCase:
    rendered, text = draw(mutated_outputs(dialect))
    return MutatedCase(dialect, text, draw(_cut_twice(text)), rendered.tools)


@functools.cache
def mutated_cases(dialect: str) -> st.SearchStrategy[MutatedCase]:
    return _mutated_case(dialect)


def check_mutated(case: MutatedCase) -> None:
    """An almost valid output never raises, every cut folds to parse() with the OpenAI wire
    shape, and nothing vanishes unless a problem is reported.

    This is where a parser leaves its happy path half way through a call
    (a brace missing before the end tag, a marker cut short), which a
    valid output and marker soup both rarely reach.
    """
    batch = parse(case.text, case.dialect, case.tools, id_seed=0)
    for cut in case.cuts:
        _same("".join(cut), case.text, "the pieces of the case")
        _check_stream_equals_batch(case.dialect, cut, batch, tools=case.tools)
    check_nothing_vanishes(case.dialect, case.text, batch)


# -- the list ----------------------------------------------------------------------------

CaseT = TypeVar("CaseT")


@dataclass(frozen=True)
class Property(Generic[CaseT]):
    """A contract property: generated ``cases`` of a dialect and the ``check`` of one case."""

    name: str
    cases: Callable[[str], st.SearchStrategy[CaseT]]
    check: Callable[[CaseT], None]


PROPERTIES: tuple[Property[Any], ...] = (
    Property("round_trip", round_trip_cases, check_round_trip),
    Property("content_emission", content_emission_cases, check_content_emission),
    Property("arguments_emission", arguments_emission_cases, check_arguments_emission),
    Property("arbitrary_text", arbitrary_text_cases, check_arbitrary_text),
    Property("content_only", content_only_cases, check_content_only),
    Property("mutated", mutated_cases, check_mutated),
)
