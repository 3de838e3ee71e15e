"""Outputs never destroy data, never carry a formula, and data never drives the terminal.

One small workspace (120 sample customers, four schemes, two snapshots) whose customers carry
formula payloads (``=cmd|' /C calc'!A0``, ``=2+2``, ``=3+3``, id ``=C0008``), Rich markup
(``[/]``) and ANSI / OSC-8 escape sequences; every writer and every printing command is run
against it through the CLI runner.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.schemes.catalogue import default_catalogue_text
from custseg.spreadsheet import TRIGGERS, is_risky

sys.path.insert(0, str(Path(__file__).parent))
import _hostile as H  # noqa: E402

pytestmark = pytest.mark.slow  # one shared workspace, built once (~20 s on a busy machine)

runner = CliRunner()
SCHEMES = ("lifecycle", "abc", "industry", "natural_groups")


def cli(ws: Path, *args: str, lang: str = "en", columns: int = 80) -> object:
    """Run custseg in-process; exceptions end the test with their traceback."""
    return runner.invoke(
        app, ["--workspace", str(ws), "--lang", lang, *args], catch_exceptions=False,
        env={"COLUMNS": str(columns)},
    )


def refused(result: object, *fragments: str) -> None:
    """A refusal: exit 1 and a message (no traceback) naming each fragment."""
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    text = " ".join(result.output.split())  # type: ignore[attr-defined]
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text


def _system(folder: Path) -> Path:
    data = yaml.safe_load(default_catalogue_text())
    data["schemes"] = [s for s in data["schemes"] if s["name"] in SCHEMES]
    data["alerts"] = [a for a in data.get("alerts", []) if a.get("scheme") in SCHEMES]
    data["exclusions"] = [
        e for e in data.get("exclusions", [])
        if {e["if"]["scheme"], e["then_not"]["scheme"]} <= set(SCHEMES)
    ]
    path = folder / "system.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    customers, orders = H.write_sources(folder)
    bad_orders = folder / "bad_orders.csv"
    bad_orders.write_text(
        "订单号,客户编号,下单日期,金额\n"
        f"BAD1,{H.FORMULA_ID},2026-01-05,=1+1\n"
        f"BAD2,{H.FORMULA_ID},@SUM(A1),10\n",
        encoding="utf-8",
    )
    path = folder / "w.duckdb"
    system = _system(folder)
    assert cli(path, "ingest", "customers", str(customers)).exit_code == 0
    assert cli(path, "ingest", "orders", str(orders)).exit_code == 0
    for as_of in H.AS_OFS:
        result = cli(path, "run", "--as-of", as_of, "--system", str(system))
        assert result.exit_code == 0, result.output
    reason = f"{H.MARKUP} agreed {H.ANSI_NAME}"
    result = cli(path, "override", "add", H.FORMULA_ID, "--scheme", "abc", "--class", "A",
                 "--reason", reason, "--user", "[red]alice[/]")
    assert result.exit_code == 0, result.output
    # rejected rows holding formulas (upsert: the orders already loaded stay)
    result = cli(path, "ingest", "orders", str(bad_orders), "--mode", "upsert")
    assert result.exit_code == 0, result.output
    return path


def _snapshots(ws: Path) -> list[str]:
    return [s["snapshot_id"] for s in json.loads(cli(ws, "snapshots", "--json").stdout)]


# -- never destroy data -------------------------------------------------------------------------
def test_export_onto_the_workspace_is_refused_and_every_snapshot_survives(ws: Path) -> None:
    before = _snapshots(ws)
    assert len(before) == 2
    refused(cli(ws, "export", "--format", "csv", "--out", str(ws)), "open workspace")
    refused(cli(ws, "export", "--format", "csv", "--out", str(ws), "--force"), "open workspace")
    wal = Path(f"{ws}.wal")
    refused(cli(ws, "export", "--format", "csv", "--out", str(wal), "--force"), "open workspace")
    relative = Path("..") / ws.parent.name / ws.name
    for option in ("report", "actions"):
        args = ["--format", "xlsx"] if option == "report" else []
        out = ws.with_suffix(".xlsx")
        ws.rename(out)
        try:
            refused(cli(out, option, *args, "--out", str(out), "--force"), "open workspace")
        finally:
            out.rename(ws)
    assert _snapshots(ws) == before
    assert json.loads(cli(ws, "audit", "--verify", "--json").stdout)["ok"]
    assert relative.name == ws.name


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("export",), "x.csv"),
        (("export",), "x.xlsx"),
        (("actions",), "a.xlsx"),
        (("actions", "--detail"), "a.csv"),
        (("report", "--format", "xlsx"), "r.xlsx"),
        (("report", "--format", "html"), "r.html"),
        (("rejects",), "rj.csv"),
        (("catalogue",), "c.yaml"),
    ],
)
def test_an_existing_output_needs_force(ws: Path, tmp_path: Path, args: tuple[str, ...],
                                        name: str) -> None:
    out = tmp_path / name
    out.write_text("keep")
    refused(cli(ws, *args, "--out", str(out)), "already exists", "--force")
    assert out.read_text() == "keep"
    zh = cli(ws, *args, "--out", str(out), lang="zh")
    refused(zh, "已存在", "--force")
    result = cli(ws, *args, "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() != b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize(
    "args",
    [("export", "--format", "csv"), ("actions",), ("report", "--format", "xlsx"), ("rejects",),
     ("catalogue",)],
)
def test_bad_output_paths_give_a_message(ws: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    suffix = ".yaml" if args[0] == "catalogue" else ".csv" if args[0] == "rejects" else ".xlsx"
    refused(cli(ws, *args, "--out", str(tmp_path / "missing" / f"o{suffix}")),
            "does not exist", "mkdir -p")
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    refused(cli(ws, *args, "--out", str(folder), "--force"), "is a folder")
    refused(cli(ws, *args, "--out", "/dev/full", "--force"), "/dev/full")
    if args[0] in ("catalogue", "export"):  # no suffix required: refused as a device
        refused(cli(ws, *args, "--out", "/dev/full", "--force"), "not a regular file")


def test_the_path_is_checked_before_anything_is_computed(tmp_path: Path) -> None:
    existing = tmp_path / "x.csv"
    existing.write_text("keep")
    workspace = tmp_path / "never.duckdb"
    refused(cli(workspace, "export", "--out", str(existing)), "already exists")
    refused(cli(workspace, "actions", "--out", str(existing)), "already exists")
    refused(cli(workspace, "report", "--format", "xlsx", "--out", str(tmp_path / "r.pdf")),
            ".xlsx")
    assert not workspace.exists()  # refused before the workspace was even opened


def test_evaluate_refuses_to_overwrite_its_charts(ws: Path, tmp_path: Path) -> None:
    (tmp_path / "tracking.png").write_text("keep")
    result = cli(ws, "evaluate", "--calibration-end", "2025-12-31", "--holdout-end",
                 "2026-06-30", "--out-dir", str(tmp_path))
    refused(result, "tracking.png", "already exists")
    assert (tmp_path / "tracking.png").read_text() == "keep"
    refused(cli(ws, "evaluate", "--calibration-end", "2025-12-31", "--holdout-end",
                "2026-06-30", "--out-dir", str(tmp_path / "tracking.png")), "is not a folder")


# -- spreadsheet safety -------------------------------------------------------------------------
def _xlsx_cells(path: Path) -> list[tuple[object, str]]:
    book = openpyxl.load_workbook(path)
    return [(c.value, c.data_type) for sheet in book for row in sheet.iter_rows() for c in row]


def _assert_xlsx_safe(path: Path, expected: tuple[str, ...]) -> None:
    cells = _xlsx_cells(path)
    formulas = [v for v, kind in cells if kind == "f"]
    assert all(str(v).startswith("=SUM(") for v in formulas), formulas  # our own totals only
    texts = {v for v, kind in cells if kind == "s"}
    for value in expected:
        assert value in texts, (value, path)
    for value, kind in cells:
        if isinstance(value, str) and value.startswith(TRIGGERS) and not value.startswith("=SUM("):
            assert kind == "s", value


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _assert_csv_safe(path: Path, expected: tuple[str, ...]) -> None:
    cells = _csv_cells(path)
    assert not [c for c in cells if is_risky(c)], path
    for value in expected:
        assert "'" + value in cells, (value, path)


def test_export_writes_formulas_as_text(ws: Path, tmp_path: Path) -> None:
    for flag in ((), ("--labels",)):
        xlsx, text = tmp_path / f"e{len(flag)}.xlsx", tmp_path / f"e{len(flag)}.csv"
        assert cli(ws, "export", "--features", *flag, "--out", str(xlsx)).exit_code == 0
        assert cli(ws, "export", "--features", *flag, "--out", str(text)).exit_code == 0
        _assert_xlsx_safe(xlsx, (H.FORMULA_ID, H.FORMULA_INDUSTRY))
        _assert_csv_safe(text, (H.FORMULA_ID, H.FORMULA_INDUSTRY))
    numbers = [v for v, kind in _xlsx_cells(tmp_path / "e0.xlsx") if kind == "n"]
    assert any(isinstance(v, float) and v < 0 for v in numbers)  # negative features stay numbers
    assert any(c.startswith("-") and not c.startswith("'") for c in _csv_cells(tmp_path / "e0.csv"))


def test_action_lists_write_formulas_as_text(ws: Path, tmp_path: Path) -> None:
    expected = (H.FORMULA_ID, H.FORMULA_NAME, H.FORMULA_OWNER)
    for args in ((), ("--detail",), ("--by", "class")):
        xlsx, text = tmp_path / f"a{len(args)}.xlsx", tmp_path / f"a{len(args)}.csv"
        assert cli(ws, "actions", *args, "--out", str(xlsx)).exit_code == 0
        assert cli(ws, "actions", *args, "--out", str(text)).exit_code == 0
        _assert_xlsx_safe(xlsx, expected)
        _assert_csv_safe(text, expected)


def test_xlsx_report_writes_formulas_as_text(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert cli(ws, "report", "--format", "xlsx", "--out", str(out)).exit_code == 0
    _assert_xlsx_safe(out, (H.FORMULA_INDUSTRY,))
    html = tmp_path / "r.html"
    assert cli(ws, "report", "--format", "html", "--out", str(html)).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "\x1b" not in page and "<script" not in page


def test_rejects_write_formulas_as_text(ws: Path, tmp_path: Path) -> None:
    for name in ("rj.xlsx", "rj.csv"):
        out = tmp_path / name
        result = cli(ws, "rejects", "orders", "--out", str(out))
        assert result.exit_code == 0, result.output
        check = _assert_xlsx_safe if name.endswith("xlsx") else _assert_csv_safe
        check(out, ("=1+1", "@SUM(A1)"))


# -- terminal safety ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("show",),
        ("show", "--scheme", "industry"),
        ("explain", H.FORMULA_ID),
        ("actions",),
        ("actions", "--detail"),
        ("alerts",),
        ("diff", "--scheme", "industry"),
        ("diff", "--scheme", "abc"),
        ("override", "list"),
        ("audit",),
        ("clusters",),
        ("rejects",),
        ("trend", "--scheme", "industry"),
    ],
)
def test_data_is_printed_as_plain_visible_text(ws: Path, args: tuple[str, ...]) -> None:
    for lang in ("en", "zh"):
        result = cli(ws, *args, lang=lang)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output  # no escape sequence reaches the terminal
        assert "\x07" not in result.output


def test_markup_and_escapes_from_data_are_shown_not_obeyed(ws: Path) -> None:
    show = cli(ws, "show", "--scheme", "industry").output
    assert H.MARKUP in show
    listed = cli(ws, "override", "list", columns=400).output
    assert "[/] agreed ␛[31mRED␛[0m ␛]8;;http://evil.example␇click␛]8;;␇" in listed
    assert "[red]alice[/]" in listed
    actions = cli(ws, "actions", "--detail", "--limit", "200", columns=400).output
    assert H.MARKUP_OWNER in actions and "␛[31mRED" in actions
    assert "[red]alice[/]" in cli(ws, "audit", columns=400).output
    explain = cli(ws, "explain", H.FORMULA_ID, columns=400).output
    assert f"{H.FORMULA_ID} · {H.AS_OFS[-1]}" in explain
