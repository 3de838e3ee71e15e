"""One JSON error shape for every 4xx and 5xx: {code, message, where, hint}; never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from custseg.api.i18n import request_lang
from custseg.errors import (
    ConfigError,
    CustsegError,
    InputDataError,
    SnapshotNotFoundError,
    UnknownNameError,
    WorkspaceError,
)
from custseg.i18n import Message, t
from custseg.public import AccessDeniedError, AuthenticationError

log = logging.getLogger("custseg.api")


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    message: str
    where: str | None = None
    hint: str | None = None


class ApiError(Exception):
    """An error the API raises itself: HTTP status, stable code, message key and parameters."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Message,
        *,
        where: str | None = None,
        hint: str | Message | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message if isinstance(message, str) else message.render("en"))
        self.status, self.code, self.message = status, code, message
        self.where, self.hint, self.headers = where, hint, headers


def error_response(
    status: int,
    code: str,
    message: str,
    where: str | None = None,
    hint: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in the one shape."""
    body = ErrorBody(code=code, message=message, where=where, hint=hint)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _status_of(exc: CustsegError) -> int:
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, AccessDeniedError):
        return 403
    if isinstance(exc, SnapshotNotFoundError):
        return 404
    if isinstance(exc, UnknownNameError | ConfigError | InputDataError):
        return 422
    if isinstance(exc, WorkspaceError):
        return 409
    return 400


def _where(exc: CustsegError) -> str | None:
    if isinstance(exc, ConfigError):
        parts = [p for p in (exc.path, str(exc.line) if exc.line else None) if p]
        place = ":".join(parts)
        if exc.key_path:
            place = f"{place} {exc.key_path}".strip()
        return place or None
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to the one error shape (500s say nothing of the internals)."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        lang = request_lang(request)
        message, hint = (
            x.render(lang) if isinstance(x, Message) else x for x in (exc.message, exc.hint)
        )
        return error_response(exc.status, exc.code, message, exc.where, hint, exc.headers)

    @app.exception_handler(CustsegError)
    async def _custseg(request: Request, exc: CustsegError) -> JSONResponse:
        status = _status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        code = (
            "auth.failed"
            if status == 401
            else ("auth.forbidden" if status == 403 else str(exc.code))
        )
        message = exc.render(request_lang(request))
        return error_response(status, code, message, _where(exc), None, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_lang(request)
        errors: list[Any] = list(exc.errors())
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = "; ".join(
            f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in errors[:5]
        )
        return error_response(
            422, "request.invalid", message, where or None, t("server_hint_request_invalid", lang)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = request_lang(request)
        code = {404: "not_found", 405: "method_not_allowed", 413: "request.too_large"}.get(
            exc.status_code, "http.error"
        )
        message = exc.detail if isinstance(exc.detail, str) else t("server_error_http", lang)
        if exc.status_code == 404 and message == "Not Found":
            message = t("server_error_no_route", lang)
        return error_response(
            exc.status_code,
            code,
            message,
            str(request.url.path),
            None,
            dict(exc.headers or {}) or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        lang = request_lang(request)
        return error_response(
            500, "internal", t("server_error_internal", lang), None, t("server_hint_internal", lang)
        )
