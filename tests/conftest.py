"""Shared fixtures: workspaces built through factories, never global state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)


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
    from custseg.sample import sample_data_dir
    from custseg.tables import TABLE_NAMES

    path = tmp_path_factory.mktemp("history") / "history.duckdb"
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    for table in TABLE_NAMES:
        source = sample_data_dir() / f"{table}.csv"
        if source.exists():
            ws.ingest(table, source)
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
