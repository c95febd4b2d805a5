"""Error responses: OpenAI-shaped, and Anthropic-shaped for the Messages API."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

__all__ = ["anthropic_error", "anthropic_error_body", "error_for", "error_response", "speaks_anthropic"]

_TYPES = {
    400: "invalid_request_error",
    404: "not_found_error",
    502: "upstream_error",
    504: "upstream_timeout",
}


def error_response(status: int, message: str, *, param: str | None, code: str | None = None) -> JSONResponse:
    """``{"error": {"message", "type", "param", "code"}}`` with ``status``."""
    kind = _TYPES.get(status, "invalid_request_error" if status < 500 else "server_error")
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": param, "code": code}}, status_code=status
    )


_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def anthropic_error_body(status: int, message: str) -> dict[str, Any]:
    """The Anthropic Messages API's error shape: ``{"type": "error", "error": {"type", "message"}}``."""
    kind = _ANTHROPIC_TYPES.get(status, "invalid_request_error" if status < 500 else "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}


def anthropic_error(status: int, message: str, *, param: str | None, code: str | None = None) -> JSONResponse:
    """An Anthropic-shaped error response; ``param`` is named in the message (the shape has no field for it)."""
    if param and param not in message:
        message = f"{param}: {message}"
    return JSONResponse(anthropic_error_body(status, message), status_code=status)


def speaks_anthropic(path: str) -> bool:
    """Whether errors on ``path`` take the Anthropic shape (the Messages API's paths)."""
    return path == "/v1/messages" or path.startswith("/v1/messages/")


def error_for(path: str, status: int, message: str, *, code: str | None = None) -> JSONResponse:
    """An error response in the shape of the API that ``path`` belongs to."""
    if speaks_anthropic(path):
        return anthropic_error(status, message, param=None, code=code)
    return error_response(status, message, param=None, code=code)
