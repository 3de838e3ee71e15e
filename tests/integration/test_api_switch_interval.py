"""While the server runs, Python switches threads every ``ServerSettings.switch_interval_ms``.

The event loop and the threads that answer requests take turns on the interpreter lock; the
setting holds only while the app runs (its lifespan) and Python's own value comes back after.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from _api_support import build_api

from custseg.api import ServerSettings


@pytest.mark.parametrize(("milliseconds", "expected"), [(0.2, 0.0002), (1.0, 0.001)])
def test_the_server_sets_the_switch_interval_while_it_runs_and_restores_it(
    history_workspace_file: Path, tmp_path: Path, milliseconds: float, expected: float
) -> None:
    before = sys.getswitchinterval()
    assert before != pytest.approx(expected)
    api, app = build_api(
        history_workspace_file, tmp_path, ServerSettings(switch_interval_ms=milliseconds)
    )
    try:
        assert sys.getswitchinterval() == pytest.approx(expected)
        assert api.get("/api/v1/health", "ann").status_code == 200
    finally:
        api.client.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(before)


def test_zero_leaves_pythons_switch_interval(history_workspace_file: Path, tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    api, _app = build_api(history_workspace_file, tmp_path, ServerSettings(switch_interval_ms=0))
    try:
        assert sys.getswitchinterval() == pytest.approx(before)
    finally:
        api.client.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(before)


def test_the_default_is_a_fifth_of_a_millisecond() -> None:
    assert ServerSettings().switch_interval_ms == pytest.approx(0.2)
