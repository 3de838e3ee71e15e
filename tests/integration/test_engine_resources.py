"""DuckDB's memory limit, spill folder and threads reach the engine; bad values are refused.

The settings come from ``open_workspace(resources=...)``, the command line's global options
(``--memory-limit``, ``--temp-dir``, ``--threads``) or the environment (``CUSTSEG_MEMORY_LIMIT``,
``CUSTSEG_TEMP_DIR``, ``CUSTSEG_THREADS``), in that order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from custseg import engine, open_workspace
from custseg.cli.app import app
from custseg.errors import WorkspaceError
from custseg.resources import MEMORY_ENV, TEMP_DIR_ENV, THREADS_ENV, EngineResources

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (MEMORY_ENV, TEMP_DIR_ENV, THREADS_ENV):
        monkeypatch.delenv(name, raising=False)


def _settings(con: Any) -> tuple[str, str, int]:
    """DuckDB's own memory_limit, temp_directory and threads on ``con``."""
    row = con.raw_sql(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
        "current_setting('threads')"
    ).fetchone()
    return str(row[0]), str(row[1]), int(row[2])


def test_the_settings_reach_duckdb(tmp_path: Path) -> None:
    spill = tmp_path / "spill" / "here"
    ws = open_workspace(tmp_path / "w.duckdb",
                        resources=EngineResources("1GiB", str(spill), threads=1))
    try:
        assert _settings(ws._con) == ("1.0 GiB", str(spill.resolve()), 1)  # noqa: SLF001
        assert spill.is_dir()  # created when the workspace opened
        ws.set_query_threads(2)
        ws.set_query_threads(None)  # back to the threads it was opened with, not DuckDB's
        assert _settings(ws._con)[2] == 1  # noqa: SLF001
    finally:
        ws.close()


def test_the_environment_and_a_share_of_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "10%")
    monkeypatch.setenv(THREADS_ENV, "1")
    ws = open_workspace(":memory:", resources=EngineResources(threads=2))
    try:
        memory, _, threads = _settings(ws._con)  # noqa: SLF001
        assert threads == 2  # the argument wins over the environment
        expected = EngineResources("10%").memory_bytes()
        assert expected is not None
        unit = {"MiB": 2**20, "GiB": 2**30}[memory.split()[1]]
        assert abs(float(memory.split()[0]) * unit - expected) < 0.1 * unit  # shown cut to 0.1
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("resources", "words"),
    [
        (EngineResources("8 gigs"), ["memory limit '8 gigs'", "resources=memory_limit",
                                     "8GB, 6GiB, 500MB", "60%"]),
        (EngineResources("0MB"), ["memory limit '0MB'", "at least 1 MiB"]),
        (EngineResources("150%"), ["memory limit '150%'"]),
        (EngineResources(threads=0), ["threads '0'", "resources=threads", "at least 1"]),
    ],
)
def test_a_bad_value_says_what_where_and_how(
    tmp_path: Path, resources: EngineResources, words: list[str]
) -> None:
    path = tmp_path / "w.duckdb"
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(path, resources=resources)
    for word in words:
        assert word in str(caught.value)
    assert "内存上限" in caught.value.render("zh") or "线程数" in caught.value.render("zh")
    assert not path.exists()  # refused before anything is created


def test_a_spill_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match=r"cannot use '.*a-file/spill' \(resources="
                       r"temp_directory\) as DuckDB's spill folder: .*Choose a folder"):
        open_workspace(":memory:", resources=EngineResources(temp_directory=str(blocker / "spill")))


def test_the_command_line_options_reach_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str, int]] = []
    give = engine.give_resources

    def recording(con: Any, resources: EngineResources) -> None:
        give(con, resources)
        seen.append(_settings(con))

    monkeypatch.setattr(engine, "give_resources", recording)
    monkeypatch.setenv(MEMORY_ENV, "3GiB")  # the option wins
    spill = tmp_path / "spill"
    result = runner.invoke(app, ["--workspace", str(tmp_path / "w.duckdb"), "--memory-limit",
                                 "2GiB", "--temp-dir", str(spill), "--threads", "1",
                                 "snapshots"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen and seen[0] == ("2.0 GiB", str(spill.resolve()), 1)
    # the options end with the command: a workspace opened afterwards has the environment's
    ws = open_workspace(":memory:")
    try:
        assert _settings(ws._con)[0] == "3.0 GiB"  # noqa: SLF001
    finally:
        ws.close()


def test_a_bad_option_is_one_line_on_stderr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(tmp_path / "w.duckdb"), "--lang", "zh",
                                 "--memory-limit", "lots", "snapshots"])
    assert result.exit_code == 1
    assert "内存上限 'lots'（--memory-limit / CUSTSEG_MEMORY_LIMIT）无效" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "w.duckdb").exists()
