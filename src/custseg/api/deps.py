"""Typed dependencies of the routes: the workspace, the authenticated principal, the language."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer

from custseg.api.errors import ApiError
from custseg.api.i18n import request_lang
from custseg.api.settings import ServerSettings
from custseg.i18n import Lang, Message, t
from custseg.public import Permission, Principal
from custseg.workspace import Workspace, open_workspace

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a URL, not a secret
oauth2 = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


class WorkspaceHandle:
    """The server's workspace connection, used by one request at a time.

    ``open_writer`` gives background jobs a connection of their own to the same database, so
    reads go on while a run writes (a ``:memory:`` workspace has only the shared one).
    """

    def __init__(self, location: str, clock: Callable[[], datetime] | None = None) -> None:
        self.location = location
        self.clock = clock
        self.workspace = open_workspace(location, clock=clock)
        self.lock = threading.Lock()

    @property
    def shared_only(self) -> bool:
        """Whether jobs must use the shared connection (in-memory workspace)."""
        return self.location == ":memory:"

    def open_writer(self) -> Workspace:
        """A second connection for a background job."""
        return open_workspace(self.location, clock=self.clock)

    def close(self) -> None:
        """Close the shared connection."""
        self.workspace.close()


def handle(request: Request) -> WorkspaceHandle:
    """The app's workspace handle."""
    return request.app.state.handle  # type: ignore[no-any-return]


def settings(request: Request) -> ServerSettings:
    """The app's server settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


def workspace(h: Annotated[WorkspaceHandle, Depends(handle)]) -> Iterator[Workspace]:
    """The workspace, held for this request only."""
    with h.lock:
        yield h.workspace


def lang(
    request: Request,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(description="Language of labels and messages (default: Accept-Language, else en)"),
    ] = None,
) -> Lang:
    """The language of labels and messages for this request."""
    return request_lang(request)


WorkspaceDep = Annotated[Workspace, Depends(workspace)]
LangDep = Annotated[Lang, Depends(lang)]
SettingsDep = Annotated[ServerSettings, Depends(settings)]


def principal(
    ws: WorkspaceDep, token: Annotated[str | None, Depends(oauth2)], language: LangDep
) -> Principal:
    """The authenticated user of the request (401 without a valid token)."""
    if not token:
        raise ApiError(
            401,
            "auth.required",
            t("server_error_auth_required", language),
            hint=t("server_hint_login", language),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return ws.accounts.principal_for_token(token)


PrincipalDep = Annotated[Principal, Depends(principal)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that lets through only principals whose role grants ``permission``."""

    def check(user: PrincipalDep) -> Principal:
        user.require(permission)
        return user

    return check


def page_limit(request: Request, limit: Annotated[int, Query(ge=1, le=10_000)] = 50) -> int:
    """The page size asked for, bounded by the server's maximum."""
    maximum = request.app.state.settings.max_page_size
    if limit > maximum:
        raise ApiError(
            422,
            "request.page_too_large",
            Message("server_page_too_large", {"limit": limit, "max": maximum}),
            where="limit",
            hint=Message("server_hint_page", {"max": maximum}),
        )
    return limit


def no_running_job(request: Request) -> None:
    """409 while a job writes: one writer at a time (the audit log is a single chain)."""
    if request.app.state.jobs.busy():
        raise ApiError(409, "job.busy", Message("server_write_busy"), hint="/api/v1/jobs")


SingleWriter = Depends(no_running_job)
LimitDep = Annotated[int, Depends(page_limit)]
OffsetDep = Annotated[int, Query(ge=0, le=100_000_000)]
