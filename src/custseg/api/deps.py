"""Typed dependencies of the routes: the workspace, the authenticated principal, the language."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from custseg.api.errors import ApiError
from custseg.api.i18n import request_lang
from custseg.api.settings import ServerSettings
from custseg.errors import CustsegError
from custseg.i18n import Lang, Message, t
from custseg.public import Permission, Principal, ReadCache
from custseg.workspace import Workspace, open_workspace

# Dependencies are coroutines: FastAPI runs a plain function in its thread pool, a hand-over
# that costs more than most of them. What may wait (for a read connection, a token looked up in
# the database) is sent to the thread pool only when it has to wait.
TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a URL, not a secret
oauth2 = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
READ_METHODS = frozenset({"GET", "HEAD"})
READ_WAIT_SECONDS = 30.0
"""How long a read waits for a free connection of the pool before the server answers 503."""


class WorkspaceHandle:
    """The server's connections to its workspace: one writer, and a pool of readers.

    Requests that change something (POST, PUT, PATCH, DELETE) share one connection, one request
    at a time. Reads (GET, HEAD) each borrow a connection of their own from a pool of up to
    ``readers`` (opened when first needed), so they run side by side: on DuckDB more
    connections to the same database in this process, on PostgreSQL more server connections.
    ``open_writer`` gives background jobs a connection of their own too. A ``:memory:``
    workspace has only the shared connection. Every connection shares one read cache of
    ``cache_entries`` results (0: none; see :mod:`custseg.read_cache`).
    """

    def __init__(
        self,
        location: str,
        clock: Callable[[], datetime] | None = None,
        *,
        readers: int = 8,
        cache_entries: int = 1024,
        read_threads: int = 0,
    ) -> None:
        self.location = location
        self.clock = clock
        self.cache = ReadCache(cache_entries) if cache_entries > 0 else None
        self.workspace = self._open()
        self.lock = threading.Lock()
        self._read_threads = max(read_threads, 0)
        self._writers = 0
        self._threads_lock = threading.Lock()
        if self._read_threads:
            self.workspace.set_query_threads(self._read_threads)
        self._max_readers = 0 if self.shared_only else max(readers, 0)
        self._idle: queue.LifoQueue[Workspace] = queue.LifoQueue()
        self._opened: list[Workspace] = []
        self._slots = threading.BoundedSemaphore(max(self._max_readers, 1))
        self._pool_lock = threading.Lock()
        self._closed = False

    @property
    def shared_only(self) -> bool:
        """Whether every request and job must use the shared connection (in-memory workspace)."""
        return self.location == ":memory:"

    def _open(self) -> Workspace:
        ws = open_workspace(self.location, clock=self.clock)
        ws.use_read_cache(self.cache)
        return ws

    def open_writer(self) -> Workspace:
        """A second connection for a background job."""
        return self._open()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """While a run, series, ingest or warm-up works: DuckDB's every thread for each query.

        Outside, each query gets ``read_threads`` (when set): the setting is the database's, so
        reads that run meanwhile get every thread too. Nested and overlapping uses are counted.
        """
        if not self._read_threads:
            yield
            return
        with self._threads_lock:
            self._writers += 1
            if self._writers == 1:
                self.workspace.set_query_threads(None)
        try:
            yield
        finally:
            with self._threads_lock:
                self._writers -= 1
                if self._writers == 0 and not self._closed:
                    self.workspace.set_query_threads(self._read_threads)

    @contextmanager
    def reader(self, timeout: float = READ_WAIT_SECONDS) -> Iterator[Workspace]:
        """A connection of the read pool for one request (the shared one without a pool)."""
        if self._max_readers == 0:
            with self.lock:
                yield self.workspace
            return
        if not self._slots.acquire(timeout=timeout):
            raise _busy(timeout)
        try:
            ws = self._borrow()
            try:
                yield ws
            except (CustsegError, ApiError, HTTPException):
                self._idle.put(ws)  # the request's own refusal: the connection is fine
                raise
            except BaseException:
                self._discard(ws)  # perhaps a broken connection (database restarted): drop it
                raise
            self._idle.put(ws)
        finally:
            self._slots.release()

    @asynccontextmanager
    async def reading(self, timeout: float = READ_WAIT_SECONDS) -> AsyncIterator[Workspace]:
        """:meth:`reader` for the event loop: waits in a worker thread only when it must.

        A free slot and an idle connection are taken at once; waiting for a slot, opening a
        connection and closing a failed one run in the thread pool.
        """
        if self._max_readers == 0:
            async with _held(self.lock):
                yield self.workspace
            return
        if not self._slots.acquire(blocking=False) and not await run_in_threadpool(
            self._slots.acquire, True, timeout
        ):
            raise _busy(timeout)
        try:
            ws = self._take_idle() or await run_in_threadpool(self._borrow)
            try:
                yield ws
            except (CustsegError, ApiError, HTTPException):
                self._idle.put(ws)
                raise
            except BaseException:
                await run_in_threadpool(self._discard, ws)
                raise
            self._idle.put(ws)
        finally:
            self._slots.release()

    def _take_idle(self) -> Workspace | None:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return None

    def _discard(self, ws: Workspace) -> None:
        with self._pool_lock:
            if ws in self._opened:
                self._opened.remove(ws)
        with contextlib.suppress(Exception):
            ws.close()

    @property
    def open_readers(self) -> int:
        """How many read connections are open now."""
        with self._pool_lock:
            return len(self._opened)

    def _borrow(self) -> Workspace:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            ws = self._open()
            with self._pool_lock:
                self._opened.append(ws)
            return ws

    def close(self) -> None:
        """Close the shared connection and the readers."""
        with self._pool_lock:
            opened, self._opened = self._opened, []
        with self._threads_lock:
            self._closed = True
        for ws in opened:
            ws.close()
        self.workspace.close()


async def handle(request: Request) -> WorkspaceHandle:
    """The app's workspace handle."""
    return request.app.state.handle  # type: ignore[no-any-return]


async def read_cache(request: Request) -> ReadCache | None:
    """The server's read cache (None when it is turned off)."""
    return request.app.state.handle.cache  # type: ignore[no-any-return]


async def settings(request: Request) -> ServerSettings:
    """The app's server settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def workspace(
    request: Request, h: Annotated[WorkspaceHandle, Depends(handle)]
) -> AsyncIterator[Workspace]:
    """The workspace for this request: a reader of the pool for GET / HEAD, else the writer."""
    if request.method in READ_METHODS:
        async with h.reading() as ws:
            yield ws
        return
    async with _held(h.lock):
        yield h.workspace


@asynccontextmanager
async def _held(lock: threading.Lock) -> AsyncIterator[None]:
    """``lock`` held, waited for in a worker thread (released from any thread)."""
    if not lock.acquire(blocking=False):
        await run_in_threadpool(lock.acquire)
    try:
        yield
    finally:
        lock.release()


def _busy(timeout: float) -> ApiError:
    """The 503 of a read that found no free connection within ``timeout`` seconds."""
    return ApiError(
        503,
        "server.busy",
        Message("server_read_busy", {"seconds": f"{timeout:g}"}),
        hint=Message("server_hint_read_busy"),
        headers={"Retry-After": "1"},
    )


async def lang(
    request: Request,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(description="Language of labels and messages (default: Accept-Language, else en)"),
    ] = None,
) -> Lang:
    """The language of labels and messages for this request."""
    return request_lang(request)


WorkspaceDep = Annotated[Workspace, Depends(workspace)]
HandleDep = Annotated[WorkspaceHandle, Depends(handle)]
LangDep = Annotated[Lang, Depends(lang)]
SettingsDep = Annotated[ServerSettings, Depends(settings)]
ReadCacheDep = Annotated[ReadCache | None, Depends(read_cache)]


async def principal(
    ws: WorkspaceDep, token: Annotated[str | None, Depends(oauth2)], language: LangDep
) -> Principal:
    """The authenticated user of the request (401 without a valid token).

    A token verified a moment ago is found in the read cache; else the database is asked from
    a worker thread.
    """
    if not token:
        raise ApiError(
            401,
            "auth.required",
            t("server_error_auth_required", language),
            hint=t("server_hint_login", language),
            headers={"WWW-Authenticate": "Bearer"},
        )
    accounts = ws.accounts
    found = accounts.cached_principal(token)
    if found is None:
        found = await run_in_threadpool(accounts.principal_for_token, token)
    return found


PrincipalDep = Annotated[Principal, Depends(principal)]


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only principals whose role grants ``permission``."""

    async def check(user: PrincipalDep) -> Principal:
        user.require(permission)
        return user

    return check


async def page_limit(request: Request, limit: Annotated[int, Query(ge=1, le=10_000)] = 50) -> int:
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


async def no_running_job(request: Request) -> None:
    """409 while a job writes: one writer at a time (the audit log is a single chain)."""
    if request.app.state.jobs.busy():
        raise ApiError(409, "job.busy", Message("server_write_busy"), hint="/api/v1/jobs")


SingleWriter = Depends(no_running_job)
LimitDep = Annotated[int, Depends(page_limit)]
OffsetDep = Annotated[int, Query(ge=0, le=100_000_000)]
