"""OpenAI-shaped error responses."""

from __future__ import annotations

from starlette.responses import JSONResponse

__all__ = ["error_response"]

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
