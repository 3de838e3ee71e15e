"""Ingest tells its progress: reading, checking, storing, done (the CLI shows it as a bar)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.sample import sample_data_dir


def test_ingest_reports_each_step_in_the_user_language(
    make_workspace: Callable[..., object],
) -> None:
    ws = make_workspace()
    steps: list[tuple[str, int, int]] = []
    report = ws.ingest(  # type: ignore[attr-defined]
        "customers", sample_data_dir() / "customers.csv", lang="zh",
        progress=lambda step, done, total: steps.append((step, done, total)),
    )
    rows = f"{report.rows_read:,}"
    assert steps == [
        ("读取 customers.csv", 0, 3),
        (f"校验 {rows} 行", 1, 3),
        (f"写入 {report.rows_accepted:,} 行", 2, 3),
        ("完成", 3, 3),
    ]


def test_cli_ingest_draws_its_bar_on_stderr_only(tmp_path: Path) -> None:
    workspace = tmp_path / "ws.duckdb"
    source = str(sample_data_dir() / "customers.csv")
    done = CliRunner().invoke(
        app, ["--workspace", str(workspace), "ingest", "customers", source, "--json"]
    )
    assert done.exit_code == 0, done.output
    assert "checking" not in done.stdout  # --json: stdout holds the JSON document only
    assert done.stdout.lstrip().startswith("{")
