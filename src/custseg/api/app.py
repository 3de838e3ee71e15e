"""The FastAPI application: ``create_app(workspace_url, settings)``.

OpenAPI at /api/openapi.json; Swagger UI at /api/docs, served from the vendored swagger-ui
assets (package swagger-ui-bundle-v2), so it works without internet access.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from custseg.api.dashboard import mount_dashboard, start_warming
from custseg.api.deps import WorkspaceDep, WorkspaceHandle
from custseg.api.errors import ErrorBody, install_error_handlers
from custseg.api.jobs import JobRunner
from custseg.api.routers import (
    actions,
    admin,
    auth,
    charts,
    customers,
    health,
    history,
    ingest,
    jobs,
    overrides,
    overview,
    snapshots,
    system,
)
from custseg.api.schemas import CheckPublic
from custseg.api.security import LoginLimiter, SecurityMiddleware
from custseg.api.settings import ServerSettings

API = "/api/v1"
DOCS = "/api/docs"
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (401, "Not logged in, or the token is expired or revoked"),
        (403, "The role does not allow this"),
        (404, "Not found (or not yours)"),
        (422, "Invalid request"),
    )
}


@contextmanager
def _switch_interval(milliseconds: float) -> Iterator[None]:
    """Python's thread switch interval at ``milliseconds`` (0: unchanged) while the server runs."""
    before = sys.getswitchinterval()
    if milliseconds > 0:
        sys.setswitchinterval(milliseconds / 1000)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def create_app(
    workspace_url: str,
    settings: ServerSettings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The API over the workspace at ``workspace_url`` (a DuckDB file, :memory: or a URL)."""
    chosen = settings or ServerSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with _switch_interval(chosen.switch_interval_ms):
            warming = app.state.warming = start_warming(app.state.handle)
            yield
            warming.join(timeout=60)
            app.state.jobs.wait(timeout=5)
            app.state.handle.close()

    app = FastAPI(
        title="custseg API",
        version="1",
        summary="Customer classification and grading (客户分类分级) over HTTP.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=_ERRORS,
    )
    handle = WorkspaceHandle(
        workspace_url,
        clock,
        readers=chosen.read_connections,
        cache_entries=chosen.read_cache_entries,
        read_threads=chosen.read_threads,
    )
    app.state.handle = handle
    app.state.settings = chosen
    app.state.limiter = LoginLimiter(chosen.login_attempts, chosen.login_window_seconds)
    app.state.jobs = JobRunner(
        handle.open_writer,
        _shared(handle) if handle.shared_only else None,
        clock or datetime.now,
        journal=_journal(handle),
        writing=handle.writing,
    )
    app.state.jobs.fail_abandoned()
    install_error_handlers(app)
    app.include_router(_v1())
    if chosen.docs:
        _mount_docs(app)
    mount_dashboard(app)
    if chosen.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(chosen.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(
        SecurityMiddleware,
        max_body=chosen.max_body_bytes,
        max_upload=chosen.max_upload_bytes,
        is_upload=lambda path: path.startswith(f"{API}/ingest/"),
    )
    return app


def _v1() -> APIRouter:
    v1 = APIRouter(prefix=API)
    for module in (
        auth,
        snapshots,
        health,
        customers,
        history,
        actions,
        overrides,
        system,
        ingest,
        jobs,
        admin,
        overview,
        charts,
    ):
        v1.include_router(module.router)

    @v1.get("/health", response_model=CheckPublic, tags=["health"])
    def service_health(ws: WorkspaceDep) -> CheckPublic:
        """Whether the server and its workspace answer (no login needed)."""
        return CheckPublic(status="ok", snapshots=len(ws.snapshots()))

    return v1


def _shared(handle: WorkspaceHandle) -> Callable[[], Any]:
    @contextmanager
    def hold() -> Any:
        with handle.lock:
            yield handle.workspace

    return hold


def _journal(handle: WorkspaceHandle) -> Callable[[bool], Any]:
    """The shared workspace for recording jobs (None without waiting when it is busy)."""

    @contextmanager
    def hold(wait: bool) -> Any:
        if not handle.lock.acquire(blocking=wait):
            yield None
            return
        try:
            yield handle.workspace
        finally:
            handle.lock.release()

    return hold


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>custseg API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" href="/api/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>
"""
_DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
"""


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from local assets: no CDN, and no inline script (the CSP forbids it)."""
    import swagger_ui_bundle

    assets = Path(swagger_ui_bundle.swagger_ui_path)
    app.mount(f"{DOCS}/assets", StaticFiles(directory=assets), name="swagger-assets")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @app.get(f"{DOCS}/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(_DOCS_INIT, media_type="application/javascript")
