"""The CLI in-process: every command, its --json output, and its error boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.sample import sample_data_dir

runner = CliRunner()


def invoke(ws: Path, *args: str) -> object:
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    result = invoke(ws, "demo", "--json")
    assert result.exit_code == 0, result.output
    return ws


def test_demo_ingests_and_reconciles_every_table(tmp_path: Path) -> None:
    result = invoke(tmp_path / "d.duckdb", "demo", "--json")
    payload = json.loads(result.stdout)
    assert {r["table"] for r in payload["ingest"]} == {
        "customers", "orders", "payments", "opportunities"}
    for r in payload["ingest"]:
        assert r["rows_read"] == r["rows_accepted"] + r["rows_rejected"]
    assert payload["snapshot"]["customers"] > 1000


def test_demo_prints_tables_in_chinese(tmp_path: Path) -> None:
    result = invoke(tmp_path / "z.duckdb", "--lang", "zh", "demo")
    assert result.exit_code == 0, result.output
    assert "关键客户" in result.stdout and "客户数" in result.stdout


def test_demo_with_a_history_prints_every_table_and_the_snapshot_count(tmp_path: Path) -> None:
    # demo calls other commands (run, show); the workspace stays open until demo itself ends
    result = invoke(tmp_path / "h.duckdb", "demo", "--months", "2")
    assert result.exit_code == 0, result.output
    assert "2 snapshots. History:" in result.stdout


def test_show_json_per_class(demo_ws: Path) -> None:
    payload = json.loads(invoke(demo_ws, "show", "--scheme", "abc", "--json").stdout)
    rows = payload["schemes"]["abc"]
    assert [r["class_key"] for r in rows][:1] == ["A"]
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)


def test_explain_json(demo_ws: Path) -> None:
    export = demo_ws.parent / "x.csv"
    invoke(demo_ws, "export", "--out", str(export))
    customer = pd.read_csv(export, encoding="utf-8-sig").customer_id.iloc[0]
    payload = json.loads(invoke(demo_ws, "explain", customer, "--json").stdout)
    assert payload["customer_id"] == customer
    assert len(payload["classes"]) >= 25
    assert all(c["reason"] for c in payload["classes"])


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_formats_have_one_row_per_customer(demo_ws: Path, fmt: str) -> None:
    out = demo_ws.parent / f"export.{fmt}"
    result = invoke(demo_ws, "--lang", "zh", "export", "--format", fmt, "--out", str(out), "--labels", "--json")
    info = json.loads(result.stdout)
    frame = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"),
             "parquet": pd.read_parquet, "xlsx": pd.read_excel}[fmt](out)
    assert len(frame) == info["rows"]
    assert frame.customer_id.is_unique
    assert "abc" in frame.columns and "关键客户" in set(frame["abc"])


def test_catalogue_round_trips_through_run(demo_ws: Path, tmp_path: Path) -> None:
    yaml_file = tmp_path / "system.yaml"
    assert invoke(demo_ws, "catalogue", "--out", str(yaml_file)).exit_code == 0
    result = invoke(demo_ws, "run", "--system", str(yaml_file), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["snapshot_id"]


def test_bad_system_file_is_a_clear_error(demo_ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nschemes:\n  - name: a\n    kind: tier\n", encoding="utf-8")
    result = invoke(demo_ws, "run", "--system", str(bad))
    assert result.exit_code == 1
    assert "Error:" in result.stderr and "kind" in result.stderr


def test_ingest_reports_counts_and_writes_rejects(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(
        "订单号,客户编号,下单日期,金额\nA1,C1,2024-03-05,100\nA2,,2024/3/5,50\nA3,C2,not a date,70\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = invoke(tmp_path / "w.duckdb", "ingest", "orders", str(src), "--rejects-out", str(rejects), "--json")
    payload = json.loads(result.stdout)
    assert (payload["rows_read"], payload["rows_accepted"], payload["rows_rejected"]) == (3, 1, 2)
    written = pd.read_csv(rejects, encoding="utf-8-sig")
    assert sorted(written.row.tolist()) == [3, 4]


def test_ingest_of_a_missing_file_fails_and_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    result = invoke(ws, "ingest", "orders", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "nope.csv" in result.stderr


def test_unknown_map_field_suggests_the_right_one(tmp_path: Path) -> None:
    result = invoke(tmp_path / "w.duckdb", "ingest", "orders", str(sample_data_dir() / "orders.csv"),
                    "--map", "金额=amout")
    assert result.exit_code == 1
    assert "amount" in result.stderr


def test_show_without_snapshot_says_run_first(tmp_path: Path) -> None:
    result = invoke(tmp_path / "empty.duckdb", "show")
    assert result.exit_code == 1
    assert "custseg run" in result.stderr


def test_rejects_command_writes_every_rejected_row(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text("订单号,客户编号,下单日期,金额\nA1,C1,2024-03-05,100\nA2,,2024/3/5,50\n",
                   encoding="utf-8")
    ws = tmp_path / "w.duckdb"
    invoke(ws, "ingest", "orders", str(src))
    out = tmp_path / "rejects.xlsx"
    payload = json.loads(invoke(ws, "rejects", "orders", "--out", str(out), "--json").stdout)
    assert [r["row"] for r in payload] == [3]
    assert pd.read_excel(out).row.tolist() == [3]


def test_rejects_out_with_a_wrong_extension_fails_before_ingesting(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    result = invoke(ws, "ingest", "orders", str(sample_data_dir() / "orders.csv"),
                    "--rejects-out", str(tmp_path / "rejects.txt"))
    assert result.exit_code == 1
    assert ".csv or .xlsx" in result.stderr
    from custseg import open_workspace

    assert "orders" not in open_workspace(ws).tables()


def test_explain_an_unknown_customer_says_how_to_find_ids(demo_ws: Path) -> None:
    result = invoke(demo_ws, "explain", "NOPE-1")
    assert result.exit_code == 1
    assert "NOPE-1" in result.stderr and "custseg export" in result.stderr


def test_parquet_export_is_written_by_the_engine_with_the_same_rows(demo_ws: Path) -> None:
    from custseg import open_workspace

    out = demo_ws.parent / "engine.parquet"
    result = invoke(demo_ws, "--lang", "zh", "export", "--out", str(out), "--labels",
                    "--features", "--json", "--force")
    info = json.loads(result.stdout)
    got = pd.read_parquet(out)
    ws = open_workspace(demo_ws)
    try:
        snap = ws.snapshot()
        expected = snap.to_frame(lang="zh").merge(
            snap.features(), on="customer_id", how="left", suffixes=("", "_feature"))
    finally:
        ws.close()
    assert info["rows"] == len(got) == len(expected)
    assert info["columns"] == list(got.columns) == list(expected.columns)
    for column in expected.columns:
        left, right = got[column], expected[column]
        if pd.api.types.is_datetime64_any_dtype(right):
            left = pd.to_datetime(left)
        assert (left.isna() == right.isna()).all(), column  # null alike (None, NaN, NaT)
        known = right.notna()
        assert (left[known].to_numpy() == right[known].to_numpy()).all(), column
