"""What an engine's tokenizer tells the plugins about the dialect: the checkpoint's marker suffix.

Imports no engine, so both plugins share it.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from streamparse._dialect import DialectObject, token_suffix_in
from streamparse.registry import get_dialect, takes_token_suffix, with_token_suffix

__all__ = ["dialect_for_tokenizer"]

# Suffix found in a tokenizer's vocab, per tokenizer: the engines build a parser per request,
# and reading a vocab of 100,000+ tokens each time would cost more than the parse.
_VOCAB_SUFFIXES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def dialect_for_tokenizer(name: str, tokenizer: Any) -> str | DialectObject:
    """``name``, or its dialect with the marker suffix ``tokenizer``'s checkpoint writes.

    Hunyuan's shipping tokenizers spell ``<tool_calls>`` as
    ``<tool_calls:opensource>``. The suffix is the tokenizer's ``token_suffix``
    (vLLM's source), else the spelling of the dialect's markers in its vocab
    (SGLang's). Names whose dialect takes no suffix come back unchanged.
    """
    machine = get_dialect(name)
    if tokenizer is None or not takes_token_suffix(machine):
        return name
    init_kwargs = getattr(tokenizer, "init_kwargs", None)
    suffix = init_kwargs.get("token_suffix") if isinstance(init_kwargs, Mapping) else None
    if not (isinstance(suffix, str) and suffix):
        suffix = _vocab_suffix(machine, tokenizer)
    return with_token_suffix(name, suffix) if suffix else name


def _vocab_suffix(machine: Any, tokenizer: Any) -> str:
    try:
        return _VOCAB_SUFFIXES[tokenizer]
    except (KeyError, TypeError):
        pass
    try:
        vocab = tokenizer.get_vocab()
    except Exception:  # a tokenizer without a readable vocab has no suffix to find
        vocab = {}
    suffix = token_suffix_in(machine, (t for t in vocab if isinstance(t, str) and ":" in t and t[:1] == "<"))
    try:
        _VOCAB_SUFFIXES[tokenizer] = suffix
    except TypeError:  # not weakly referable: read again next time
        pass
    return suffix
