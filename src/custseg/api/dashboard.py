"""The web dashboard: built assets (from web/, see scripts/build_web.sh) served at ``/``.

The assets are package data in ``custseg/dashboard/static`` (no Python there): the committed
output of the build; ``static/build.json`` records the digest of the sources they were built
from (checked by tests/unit/test_dashboard_build.py).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

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


def start_warming(handle: Any) -> threading.Thread:
    """Compute the latest snapshot's overview in the background, so the first visit is fast.

    It holds the workspace like a request does; a failure is logged, never raised (the overview
    is then computed on its first request, as without warming).
    """

    def warm() -> None:
        try:
            with handle.lock, handle.writing():  # aggregates over every customer: all threads
                handle.workspace.warm_dashboard()
        except Exception:  # noqa: BLE001 - an optimisation only
            logging.getLogger("custseg.api").warning("dashboard warm-up failed", exc_info=True)

    thread = threading.Thread(target=warm, name="custseg-dashboard-warm", daemon=True)
    thread.start()
    return thread
