"""Migrations, alerts and trend between two Spark snapshots, and export, as on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.spark.conftest import AS_OF, FIXED_NOW, PREVIOUS

pytestmark = pytest.mark.slow


def _open(path: Path) -> Any:
    from custseg import open_workspace

    return open_workspace(path, clock=lambda: FIXED_NOW)


def _pair(ws: Any, infos: dict[Any, Any]) -> tuple[Any, Any]:
    return ws.snapshot(infos[PREVIOUS].snapshot_id), ws.snapshot(infos[AS_OF].snapshot_id)


def test_migrations_alerts_and_trend_match_duckdb(both_engines: dict[str, Any]) -> None:
    duck, spark = _open(both_engines["duckdb"]), _open(both_engines["state"])
    d_old, d_new = _pair(duck, both_engines["duckdb_infos"])
    s_old, s_new = _pair(spark, both_engines["spark_infos"])
    moved = 0
    for scheme in ("lifecycle", "abc", "sales_loyalty", "natural_groups"):
        expected, got = duck.compare(d_old, d_new, scheme), spark.compare(s_old, s_new, scheme)
        pd.testing.assert_frame_equal(got.matrix, expected.matrix, check_exact=False)
        pd.testing.assert_frame_equal(got.movers, expected.movers, check_exact=False)
        assert got.counts_by_direction() == expected.counts_by_direction()
        moved += len(got.movers)
    assert moved > 50  # the two month ends differ: the comparison has something to compare

    expected_alerts = duck.alerts(d_old, d_new)
    got_alerts = spark.alerts(s_old, s_new)
    assert len(got_alerts) > 0
    pd.testing.assert_frame_equal(
        got_alerts.reset_index(drop=True), expected_alerts.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(spark.trend("abc"), duck.trend("abc"))
    duck.close()
    spark.close()


def test_export_to_parquet_from_spark(both_engines: dict[str, Any], tmp_path: Path) -> None:
    spark = _open(both_engines["state"])
    snap = spark.snapshot(both_engines["spark_infos"][AS_OF].snapshot_id)
    folder = tmp_path / "classes"
    rows = spark.export_on_engine(str(folder), snap.snapshot_id)
    written = pd.read_parquet(folder).sort_values("customer_id").reset_index(drop=True)
    assert rows == len(written) == 2500
    expected = snap.to_frame().sort_values("customer_id").reset_index(drop=True)
    assert list(written.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    spark.close()


def test_cli_reads_a_spark_snapshot_and_runs_a_series(
    both_engines: dict[str, Any], spark_engine: Any
) -> None:
    import json

    from typer.testing import CliRunner

    from custseg.cli.app import app

    runner = CliRunner()
    state, duck = both_engines["state"], both_engines["duckdb"]
    shown = []
    for path in (state, duck):
        result = runner.invoke(
            app,
            ["--workspace", str(path), "show", "--scheme", "abc", "--json"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        shown.append(json.loads(result.output))
    spark_rows, duck_rows = shown[0]["schemes"]["abc"], shown[1]["schemes"]["abc"]
    assert [(r["class_key"], r["customers"]) for r in spark_rows] == [
        (r["class_key"], r["customers"]) for r in duck_rows
    ]
    assert sum(r["customers"] for r in spark_rows) == 2500
    for got, expected in zip(spark_rows, duck_rows, strict=True):
        assert got["revenue"] == pytest.approx(expected["revenue"], rel=1e-9)
    # A series on Spark from the command line: both month ends exist (the fixture ran them as a
    # series), so both are kept and nothing is computed again.
    env = _spark_environment(spark_engine.settings)
    series = runner.invoke(
        app,
        [
            "--workspace", str(state), "run", "--engine", "spark", "--every", "month",
            "--from", "2026-05-01", "--to", "2026-06-30", "--json",
        ],
        env=env,
        catch_exceptions=False,
    )  # fmt: skip
    assert series.exit_code == 0, series.output
    report = json.loads(series.output)
    assert [(s["as_of"], s["status"]) for s in report["snapshots"]] == [
        ("2026-05-31", "kept"),
        ("2026-06-30", "kept"),
    ]


def _spark_environment(settings: Any) -> dict[str, str]:
    """``CUSTSEG_SPARK_*`` variables naming the same master, inputs and storage as ``settings``."""
    env = {
        "CUSTSEG_SPARK_MASTER": settings.master,
        "CUSTSEG_SPARK_STORAGE": settings.storage,
        "CUSTSEG_SPARK_CONF": ";".join(f"{k}={v}" for k, v in settings.conf.items()),
    }
    for table, source in settings.inputs.items():
        env[f"CUSTSEG_SPARK_INPUT_{table.upper()}"] = source
    return env
