"""The web dashboard: built assets (from web/, see scripts/build_web.sh) served at ``/``.

The assets are package data in ``custseg/dashboard/static`` (no Python there): the committed
output of the build; ``static/build.json`` records the digest of the sources they were built
from (checked by tests/unit/test_dashboard_build.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "dashboard" / "static"


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard's page at ``/`` and its assets under ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="dashboard-static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/index.html", include_in_schema=False)
    def index_file() -> RedirectResponse:
        return RedirectResponse("/")
