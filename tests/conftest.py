"""Shared fixtures: workspaces built through factories, never global state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sample_dates import FIXED_NOW, SAMPLE_AS_OFS


SHARED_WORKER_FOLDERS = ("spark", "e2e")
"""Test folders whose session fixtures (a Spark session and its runs; a server and a browser)
are too expensive to build twice: all their tests run on one pytest-xdist worker."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group tests for ``--dist loadgroup``: one group per test file, one per shared folder.

    A file's module fixtures are then built once, on one worker; under plain pytest the marks
    change nothing. The shared folders are the longest groups (minutes each), so they are
    collected first: with ``--no-loadscope-reorder`` (scripts/test.sh) the workers start on
    them, and the many short files fill in around them instead of waiting behind them.
    ``tryfirst``: pytest-xdist reads the group marks in its own hook of the same name, which
    pluggy would otherwise call before this one (the marks were then never seen and every file
    and both folders were spread over the two workers, each building their fixtures).
    """
    for item in items:
        path = item.path
        folder = path.parent.name
        group = folder if folder in SHARED_WORKER_FOLDERS else f"{folder}/{path.name}"
        item.add_marker(pytest.mark.xdist_group(group))
    first = {folder: rank for rank, folder in enumerate(SHARED_WORKER_FOLDERS)}
    items.sort(key=lambda item: first.get(item.path.parent.name, len(first)))


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., object]:
    """Factory of empty DuckDB workspaces in tmp_path, with a fixed clock."""
    from custseg import open_workspace

    counter = iter(range(1000))

    def factory(name: str | None = None) -> object:
        path = tmp_path / (name or f"ws{next(counter)}.duckdb")
        return open_workspace(path, clock=lambda: FIXED_NOW)

    return factory


HISTORY_AS_OFS = ("2025-06-30", "2026-04-30", "2026-05-31", "2026-06-30")
"""As-of dates of the shared history workspace: three consecutive month ends and the month a
year before the last, so period-over-period and year-over-year figures both have data."""


@pytest.fixture(scope="session")
def history_workspace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding the bundled sample and one snapshot per HISTORY_AS_OFS date.

    Built once per test session; tests must not open it for writing: use ``history_workspace``.
    """
    from datetime import date

    from custseg import open_workspace

    path = tmp_path_factory.mktemp("history") / "history.duckdb"
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    ingest_sample(ws)
    for text in HISTORY_AS_OFS:
        ws.run(as_of=date.fromisoformat(text))
    ws.close()
    return path


@pytest.fixture
def history_workspace(history_workspace_file: Path, tmp_path: Path) -> Iterator[object]:
    """A private copy of the shared history workspace (four snapshots of the sample), open."""
    import shutil

    from custseg import open_workspace

    copy = tmp_path / "history.duckdb"
    shutil.copyfile(history_workspace_file, copy)
    ws = open_workspace(copy, clock=lambda: FIXED_NOW)
    yield ws
    ws.close()


# -- PostgreSQL: a throw-away server for the session, a database per test (tests/pg_server.py) --

"""As-of dates of the sample workspaces the backend tests share (two consecutive month ends)."""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """The session's PostgreSQL server: started here, or the one of $CUSTSEG_TEST_PG_URL.

    Without PostgreSQL the tests that need it fail with the reason (CI must run them);
    ``CUSTSEG_TEST_NO_PG=1`` skips them instead, for a developer machine without PostgreSQL.
    """
    import os

    from pg_server import ENV_OPT_OUT, PgServer, PgUnavailable

    if os.environ.get(ENV_OPT_OUT, "").strip() not in ("", "0"):
        pytest.skip(f"PostgreSQL tests skipped: {ENV_OPT_OUT} is set")
    try:
        server = PgServer.from_env_or_start()
    except PgUnavailable as exc:
        pytest.fail(f"PostgreSQL test server unavailable: {exc}", pytrace=False)
    yield server
    server.stop()


def _new_database_name() -> str:
    import uuid

    return "t_" + uuid.uuid4().hex[:16]


@pytest.fixture
def pg_url(pg_server: object) -> Iterator[str]:
    """The URL of a new empty database on the test server, dropped after the test."""
    name = _new_database_name()
    url = pg_server.create_database(name)  # type: ignore[attr-defined]
    yield url
    pg_server.drop_database(name)  # type: ignore[attr-defined]


BACKENDS = ("duckdb", pytest.param("postgresql", marks=pytest.mark.postgres))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The workspace backend a test runs on: duckdb or postgresql."""
    return str(request.param)


@pytest.fixture
def workspace_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty workspace on each backend: a DuckDB file, or a new PostgreSQL database."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "ws.duckdb")


def ingest_sample(ws: object) -> None:
    """Ingest every table of the bundled sample into the open workspace ``ws``."""
    from custseg.sample import sample_data_dir
    from custseg.tables import TABLE_NAMES

    for table in TABLE_NAMES:
        source = sample_data_dir() / f"{table}.csv"
        if source.exists():
            ws.ingest(table, source)  # type: ignore[attr-defined]


def build_sample_workspace(location: str) -> None:
    """Ingest the bundled sample into ``location`` and run one snapshot per SAMPLE_AS_OFS."""
    from datetime import date

    from custseg import open_workspace

    ws = open_workspace(location, clock=lambda: FIXED_NOW)
    try:
        ingest_sample(ws)
        for text in SAMPLE_AS_OFS:
            ws.run(as_of=date.fromisoformat(text), user="setup")
    finally:
        ws.close()


@pytest.fixture(scope="session")
def sample_tables_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB workspace holding the bundled sample's tables and no snapshot (read-only).

    Built once per test process, ingested with the fixed clock; use ``sample_tables_workspace``.
    """
    from custseg import open_workspace

    path = tmp_path_factory.mktemp("sample_tables") / "tables.duckdb"
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    try:
        ingest_sample(ws)
    finally:
        ws.close()
    return path


@pytest.fixture
def sample_tables_workspace(sample_tables_file: Path, tmp_path: Path) -> Callable[[], object]:
    """Factory of private, open copies of ``sample_tables_file`` (the sample ingested, fixed
    clock): what ingesting the sample into a new workspace gives, without ingesting again."""
    import shutil

    from custseg import open_workspace

    counter = iter(range(1000))

    def factory() -> object:
        copy = tmp_path / f"tables{next(counter)}.duckdb"
        shutil.copyfile(sample_tables_file, copy)
        return open_workspace(copy, clock=lambda: FIXED_NOW)

    return factory


@pytest.fixture(scope="session")
def sample_duckdb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB workspace of the sample with SAMPLE_AS_OFS snapshots, built once (read-only)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    build_sample_workspace(str(path))
    return path


@pytest.fixture(scope="session")
def sample_pg_template(pg_server: object) -> str:
    """A PostgreSQL database of the sample with SAMPLE_AS_OFS snapshots, built once.

    Tests never open it: ``sample_workspace_url`` gives each test a copy (CREATE DATABASE ...
    TEMPLATE), which needs the template to have no open connection.
    """
    name = "sample_" + _new_database_name()
    build_sample_workspace(pg_server.create_database(name))  # type: ignore[attr-defined]
    return name


@pytest.fixture
def sample_workspace_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A private copy, on each backend, of the sample workspace with SAMPLE_AS_OFS snapshots."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("sample_pg_template")
        name = _new_database_name()
        url = server.copy_database(template, name)
        request.addfinalizer(lambda: server.drop_database(name))
        return str(url)
    import shutil

    copy = tmp_path / "sample.duckdb"
    shutil.copyfile(request.getfixturevalue("sample_duckdb_file"), copy)
    return str(copy)
