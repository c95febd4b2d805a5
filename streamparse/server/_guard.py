"""What stands between the network and the endpoints: client API keys and a cap on the request body.

:class:`Guard` is an ASGI middleware. With keys set, every path but the
open ones (health, readiness, metrics) needs ``Authorization: Bearer KEY``
(or ``x-api-key: KEY``, which Anthropic-style clients send); the key is
compared with each allowed key in constant time. A body larger than
``max_body_bytes`` is refused with 413 before the endpoint reads it, by its
``Content-Length`` or, for a chunked body, as soon as it grows past the cap.
Both refusals are OpenAI error JSON (Anthropic's shape on the Messages API's paths).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._errors import anthropic_error_body, speaks_anthropic

__all__ = ["OPEN_PATHS", "Guard", "read_api_keys"]

OPEN_PATHS = frozenset({"/health", "/ready", "/metrics"})


def read_api_keys(text: str) -> list[str]:
    """Keys from a file or an environment variable: one per line or comma-separated; blanks ignored."""
    return [key.strip() for line in text.splitlines() for key in line.split(",") if key.strip()]


def _error(status: int, message: str, code: str | None, path: str = "") -> bytes:
    if speaks_anthropic(path):
        return json.dumps(anthropic_error_body(status, message)).encode()
    kind = "invalid_request_error"
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()


async def _refuse(send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(
        self, app: ASGIApp, *, api_keys: Iterable[str] = (), max_body_bytes: int | None = None
    ) -> None:
        self.app = app
        self.keys = [key.encode() for key in api_keys]
        self.max_body_bytes = max_body_bytes

    def _authorized(self, scope: Scope) -> bool:
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                given = value[7:].strip()
            elif name == b"x-api-key" and not given:
                given = value.strip()
        # Every key is compared, so the time taken says nothing about which key came close.
        matched = False
        for key in self.keys:
            matched |= hmac.compare_digest(given, key)
        return matched and bool(given)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.keys and scope["path"] not in OPEN_PATHS and scope["method"] != "OPTIONS":
            if not self._authorized(scope):
                await _refuse(
                    send,
                    401,
                    _error(
                        401,
                        "Incorrect or missing API key: send 'Authorization: Bearer <key>' with a key "
                        "this server was started with.",
                        "invalid_api_key",
                        scope["path"],
                    ),
                    [(b"www-authenticate", b"Bearer")],
                )
                return
        cap = self.max_body_bytes
        if cap is None:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > cap:
                await _refuse(send, 413, _too_large(cap, scope["path"]))
                return
        # Read the body here, up to the cap, then hand it to the endpoint in one piece;
        # later receives (the client's disconnect) go through unchanged.
        pieces: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left while sending
            piece = message.get("body", b"")
            size += len(piece)
            if size > cap:
                await _refuse(send, 413, _too_large(cap, scope["path"]))
                return
            pieces.append(piece)
            if not message.get("more_body", False):
                break
        handed: list[Message] = [{"type": "http.request", "body": b"".join(pieces), "more_body": False}]

        async def replay() -> Message:
            if handed:
                return handed.pop()
            return await receive()

        await self.app(scope, replay, send)


def _too_large(cap: int, path: str) -> bytes:
    return _error(
        413, f"the request body is larger than this server's limit of {cap} bytes", "body_too_large", path
    )
