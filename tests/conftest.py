"""Shared fixtures: workspaces built through factories, never global state."""

from __future__ import annotations

from collections.abc import Callable
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
