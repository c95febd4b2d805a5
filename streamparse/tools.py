"""Validation of the ``tools`` a parser is given (OpenAI's request shape)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import UsageError

__all__ = ["FunctionSpec", "ToolSpec", "normalize_tools"]


class FunctionSpec(BaseModel):
    """``tools[i].function``: the name and the JSON schema of the parameters."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolSpec(BaseModel):
    """One entry of an OpenAI ``tools`` list."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: Literal["function"] = "function"
    function: FunctionSpec


def normalize_tools(tools: Iterable[Any] | None) -> dict[str, FunctionSpec] | None:
    """Validate ``tools`` and index them by function name.

    Accepts OpenAI's ``{"type": "function", "function": {...}}`` entries,
    bare function objects ``{"name": ..., "parameters": ...}`` (as in
    MiniMax's guide), or pydantic models of either shape.
    """
    if tools is None:
        return None
    if isinstance(tools, (str, bytes, Mapping)):
        raise UsageError(
            "tools must be a list of tool definitions, e.g. [{'type': 'function', 'function': {'name': ...}}]"
        )
    by_name: dict[str, FunctionSpec] = {}
    for position, raw in enumerate(tools):
        entry = raw.model_dump() if isinstance(raw, BaseModel) else raw
        if not isinstance(entry, Mapping):
            raise UsageError(
                f"tools[{position}] is {type(raw).__name__}, expected a dict with a 'function' member"
            )
        try:
            if "function" in entry:
                function = ToolSpec.model_validate(entry).function
            else:
                function = FunctionSpec.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise UsageError(f"tools[{position}] is not a valid tool: {where}: {first['msg']}") from None
        if not function.name:
            raise UsageError(f"tools[{position}].function.name is empty")
        by_name[function.name] = function
    return by_name
