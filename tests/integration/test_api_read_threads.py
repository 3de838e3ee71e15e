"""The server's DuckDB gives each query one thread while nothing writes, every thread to writers.

``ServerSettings.read_threads`` (1 by default): one customer's detail costs less CPU on one
thread; a run or series job, an ingest upload and the start-up warming get DuckDB's default
(one thread per core) back while they work, and the reads then running with them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from _api_support import build_api

from custseg import open_workspace
from custseg.api import ServerSettings
from custseg.sample import sample_data_dir

V1 = "/api/v1"


def _threads(ws: Any) -> int:
    """The threads DuckDB gives each query, as the workspace's connection sees it."""
    con = ws._con  # noqa: SLF001 - the test reads the engine's own setting
    return int(con.raw_sql("SELECT current_setting('threads')").fetchone()[0])


def _default() -> int:
    """DuckDB's default thread count on this machine (a fresh in-memory database)."""
    con = duckdb.connect(":memory:")
    try:
        return int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    finally:
        con.close()


def test_reads_get_one_thread_and_writers_get_every_thread_back(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    api, app = build_api(history_workspace_file, tmp_path)
    try:
        handle = app.state.handle
        app.state.warming.join(timeout=120)  # the start-up warming works with every thread
        assert _threads(handle.workspace) == 1
        api.get(f"{V1}/customers", "ann", params={"limit": 1})  # opens a read connection
        with handle.reader() as reader:
            assert _threads(reader) == 1  # the database's setting: every connection has it
        with handle.writing():
            assert _threads(handle.workspace) == _default()
            with handle.writing():  # an ingest while a job writes (counted)
                assert _threads(handle.workspace) == _default()
            assert _threads(handle.workspace) == _default()  # the outer writer still works
        assert _threads(handle.workspace) == 1

        seen: list[int] = []

        def work(ws: Any, progress: Any) -> dict[str, Any]:
            seen.append(_threads(ws))
            return {}

        app.state.jobs.start("run", "ann", work, handle.workspace)
        app.state.jobs.wait(timeout=60)
        assert seen == [_default()]
        assert _threads(handle.workspace) == 1

        source = sample_data_dir() / "customers.csv"
        with source.open("rb") as upload:
            files = {"file": ("customers.csv", upload, "text/csv")}
            reply = api.post(f"{V1}/ingest/customers", "ann", files=files)
        assert reply.status_code == 200, reply.text
        assert _threads(handle.workspace) == 1  # given back after the ingest
    finally:
        api.client.__exit__(None, None, None)


def test_read_threads_zero_keeps_duckdbs_default(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    api, app = build_api(history_workspace_file, tmp_path, ServerSettings(read_threads=0))
    try:
        app.state.warming.join(timeout=120)
        assert _threads(app.state.handle.workspace) == _default()
        with app.state.handle.writing():
            assert _threads(app.state.handle.workspace) == _default()
    finally:
        api.client.__exit__(None, None, None)


def test_query_threads_are_a_duckdb_setting_only(workspace_url: str, backend: str) -> None:
    ws = open_workspace(workspace_url)
    try:
        applied = ws.set_query_threads(1)
        assert applied == (backend == "duckdb")
        if applied:
            assert _threads(ws) == 1
            assert ws.set_query_threads(None) and _threads(ws) == _default()
    finally:
        ws.close()
