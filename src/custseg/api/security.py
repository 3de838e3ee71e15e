"""Security headers, request-body limits and the login rate limiter."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PREFIX = "/api/docs"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
DASHBOARD_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityMiddleware:
    """Adds security headers to every response and bounds every request body.

    Bodies above ``max_body`` (``max_upload`` on upload paths) answer 413 in the error shape,
    whether the size is announced by Content-Length or found while reading.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        max_upload: int,
        is_upload: Callable[[str], bool],
    ) -> None:
        self.app, self.max_body, self.max_upload, self.is_upload = (
            app,
            max_body,
            max_upload,
            is_upload,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.max_upload if self.is_upload(path) else self.max_body
        csp = (
            DOCS_CSP
            if path.startswith(DOCS_PREFIX)
            else API_CSP
            if path.startswith("/api/")
            else DASHBOARD_CSP
        ).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h
                    for h in message.get("headers", [])
                    if h[0].lower() != b"content-security-policy"
                ]
                message["headers"] = [*headers, *_HEADERS, (b"content-security-policy", csp)]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send_with_headers, limit)
            return
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLargeError(limit)
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except BodyTooLargeError:
            await _too_large(send_with_headers, limit)


class BodyTooLargeError(HTTPException):
    """A request body grew past its limit while being read (an HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    """The message of a 413."""
    return f"the request body is larger than the limit of {limit:,} bytes"


async def _too_large(send: Callable, limit: int) -> None:  # type: ignore[type-arg]
    body = json.dumps(
        {
            "code": "request.too_large",
            "message": too_large_message(limit),
            "where": None,
            "hint": "send a smaller file, or ask the administrator to raise the server's limit",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LoginLimiter:
    """Failed logins limited per (user, client) and per user across all clients.

    At most ``attempts`` failures per (user, client) within ``window`` seconds, and at most
    ``attempts * USER_FACTOR`` per user from any number of clients (guessing one account's
    password from many addresses). Only failures are kept, for at most ``max_keys`` keys: past
    that the oldest entries are forgotten, so random names cannot fill the memory.
    """

    USER_FACTOR = 4

    def __init__(
        self,
        attempts: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self._attempts, self._window, self._clock = attempts, window, clock
        self._max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, user: str, client: str) -> float:
        """Seconds to wait before the next attempt (0: allowed now)."""
        with self._lock:
            waits = [
                self._wait(self._recent((user, client)), self._attempts),
                self._wait(self._recent((user, "")), self._attempts * self.USER_FACTOR),
            ]
        return max(waits)

    def failed(self, user: str, client: str) -> None:
        """Record a failed attempt."""
        now = self._clock()
        with self._lock:
            for key in ((user, client), (user, "")):
                recent = self._recent(key)
                recent.append(now)
                self._failures[key] = recent
            while len(self._failures) > self._max_keys:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, user: str, client: str) -> None:
        """Forget the failures of (user, client); the user's total stays until it expires."""
        with self._lock:
            self._failures.pop((user, client), None)

    def _wait(self, recent: deque[float], limit: int) -> float:
        if len(recent) < limit:
            return 0.0
        return max(0.0, recent[-limit] + self._window - self._clock())

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        found = self._failures.get(key, deque())
        cutoff = self._clock() - self._window
        while found and found[0] <= cutoff:
            found.popleft()
        if not found:
            self._failures.pop(key, None)
        return found
