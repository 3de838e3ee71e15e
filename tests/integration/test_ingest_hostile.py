"""Hostile and careless input (issue 10): refused before anything changes, bounded, no traceback."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path

import ibis
import openpyxl
import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.errors import InputDataError, OutputError
from custseg.ingest import ReadOptions, ingest
from custseg.ingest.excel import count_row_elements
from custseg.ingest.options import EXCEL_MAX_ROWS

AT = dt.datetime(2024, 6, 1, 12, 0)
CUSTOMERS = "customer_id,name\nC1,Acme\nC2,Bolt\n"
runner = CliRunner()


@pytest.fixture
def con() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def _cli(ws: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--workspace", str(ws), *args])


def _state(ws: Path) -> str:
    """A digest of every table's rows in the workspace (not of the file's bytes)."""
    con = ibis.duckdb.connect(str(ws))
    try:
        parts = []
        for name in sorted(con.list_tables()):
            if name == "ingests":
                parts.append(f"{name}:{con.table(name).count().to_pyarrow().as_py()}")
                continue
            frame = con.table(name).to_pandas()
            frame = frame.sort_values(list(frame.columns)).to_csv(index=False)
            parts.append(f"{name}:{frame}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    finally:
        con.disconnect()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    source = tmp_path / "first.csv"
    source.write_text(CUSTOMERS)
    result = _cli(path, "ingest", "customers", str(source))
    assert result.exit_code == 0, result.output
    return path


def _refused(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    text = "".join(result.output.split())  # the console wraps long lines
    assert "Traceback" not in text
    for needle in needles:
        assert "".join(needle.split()) in text, result.output


def test_rejects_out_into_a_missing_folder_changes_nothing(ws: Path, tmp_path: Path) -> None:
    before = _state(ws)
    new = tmp_path / "new.csv"
    new.write_text("customer_id\nX1\n\nY\n")
    result = _cli(ws, "ingest", "customers", str(new), "--rejects-out",
                  str(tmp_path / "nonexistent" / "r.csv"))
    _refused(result, "does not exist")
    assert _state(ws) == before


def test_rejects_out_existing_needs_force_and_never_the_workspace(ws: Path, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("customer_id,name\nC9,Nine\n,Missing\n")
    existing = tmp_path / "r.csv"
    existing.write_text("keep me")
    before = _state(ws)
    _refused(_cli(ws, "ingest", "customers", str(src), "--rejects-out", str(existing)), "--force")
    assert existing.read_text() == "keep me" and _state(ws) == before
    _refused(_cli(ws, "ingest", "customers", str(src), "--rejects-out", str(ws), "--force"),
             "workspace")
    assert _state(ws) == before
    ok = _cli(ws, "ingest", "customers", str(src), "--rejects-out", str(existing), "--force")
    assert ok.exit_code == 0, ok.output
    assert "c.csv,3,customer_id,row.missing_value" in existing.read_text(encoding="utf-8-sig")


def test_failure_writing_rejects_leaves_the_workspace_as_it_was(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import custseg.ingest.store as store

    def broken(frame: object, path: object) -> None:
        Path(str(path)).write_text("partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_rejects_frame", broken)
    src = tmp_path / "c.csv"
    src.write_text("customer_id,name\nC9,Nine\n,Missing\n")
    before = _state(ws)
    target = tmp_path / "r.csv"
    _refused(_cli(ws, "ingest", "customers", str(src), "--rejects-out", str(target)),
             "No space left")
    assert _state(ws) == before and not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r.csv")]


def test_bad_options_are_refused_before_the_workspace_is_touched(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text(CUSTOMERS)
    ws = tmp_path / "never.duckdb"
    for args, needle in (
        (["--max-rows", "0"], "--max-rows"),
        (["--delimiter", "ab"], "--delimiter"),
        (["--header-row", "2", "--columns", "a,b"], "--columns"),
        (["--date-floor", "yesterday"], "--date-floor"),
        (["--map", "x=nonsense"], "nonsense"),
    ):
        _refused(_cli(ws, "ingest", "customers", str(src), *args), needle)
    _refused(_cli(ws, "ingest", "customers", str(tmp_path / "missing.csv")), "does not exist")
    assert not ws.exists()


def test_non_regular_files_are_refused(con: ibis.BaseBackend, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputDataError, match="not a regular file"):
        ingest(con, "customers", fifo, ingested_at=AT)
    with pytest.raises(InputDataError, match="not a regular file"):
        ingest(con, "customers", "/dev/zero", ingested_at=AT)
    assert "customers" not in con.list_tables()


def test_size_rows_cells_and_time_bounds_name_their_option(
    con: ibis.BaseBackend, tmp_path: Path
) -> None:
    src = tmp_path / "c.csv"
    src.write_text("customer_id,name\n" + "".join(f"C{i},N{i}\n" for i in range(50)))
    cases = [
        (ReadOptions(max_bytes=100), "--max-bytes"),
        (ReadOptions(max_rows=10), "--max-rows"),
        (ReadOptions(max_cell_chars=2), "--max-cell-chars"),
        (ReadOptions(max_seconds=1e-9), "--max-seconds"),
    ]
    for options, option in cases:
        with pytest.raises(InputDataError, match=re.escape(option)):
            ingest(con, "customers", src, ingested_at=AT, options=options)
    assert "customers" not in con.list_tables()
    report = ingest(con, "customers", src, ingested_at=AT, options=ReadOptions(max_rows=50))
    assert report.rows_accepted == 50


def _stale_dimension_workbook(path: Path, rows: int) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["customer_id", "name"])
    for i in range(rows):
        sheet.append([f"C{i}", f"N{i}"])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert n == 1
            dst.writestr(item, data)


def test_xlsx_with_stale_dimension_reads_every_row(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    _stale_dimension_workbook(path, 3_000)
    report = ingest(con, "customers", path, ingested_at=AT)
    assert report.rows_read == report.rows_accepted == 3_000
    assert con.table("customers").count().to_pyarrow().as_py() == 3_000
    with pytest.raises(InputDataError, match="--max-rows"):
        ingest(con, "customers", path, ingested_at=AT, options=ReadOptions(max_rows=2_999))
    # the <row> elements are counted before any is parsed: far too many is refused at once
    assert count_row_elements(path, "xl/worksheets/sheet1.xml", 10**9) == 3_001
    assert count_row_elements(path, "xl/worksheets/sheet1.xml", 100) <= 3_001
    with pytest.raises(InputDataError, match="--max-rows"):
        ingest(con, "customers", path, ingested_at=AT, options=ReadOptions(max_rows=100))


def _workbook_with_long_cell(path: Path, size: int) -> None:
    """openpyxl truncates long strings when writing: put the long value into the XML itself."""
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "name"])
    book.active.append(["C1", "PLACEHOLDER"])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename).replace(b"PLACEHOLDER", b"x" * size))


def test_xlsx_zip_bomb_and_huge_cell_are_refused(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    _workbook_with_long_cell(path, 40_000)
    with pytest.raises(InputDataError, match="--max-cell-chars"):
        ingest(con, "customers", path, ingested_at=AT)
    with pytest.raises(InputDataError, match="--max-bytes") as info:
        ingest(con, "customers", path, ingested_at=AT, options=ReadOptions(max_bytes=20_000))
    assert "zip bomb" in info.value.message
    report = ingest(con, "customers", path, ingested_at=AT,
                    options=ReadOptions(max_cell_chars=50_000))
    assert report.rows_accepted == 1


def test_excel_row_limit_defaults_to_excels_own() -> None:
    assert ReadOptions().row_limit(excel=True) == EXCEL_MAX_ROWS == 1_048_576
    assert ReadOptions(max_rows=5).row_limit(excel=True) == 5


def test_binary_and_garbage_files_are_refused(con: ibis.BaseBackend, tmp_path: Path) -> None:
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 4000)
    with pytest.raises(InputDataError, match="not a text file"):
        ingest(con, "customers", binary, ingested_at=AT)
    noise = tmp_path / "n.csv"
    noise.write_bytes(bytes(range(128, 256)) * 80)
    with pytest.raises(InputDataError, match="neither UTF-8"):
        ingest(con, "customers", noise, ingested_at=AT)
    fake = tmp_path / "f.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputDataError, match="not a readable .xlsx"):
        ingest(con, "customers", fake, ingested_at=AT)


def test_output_error_is_the_refusal_type() -> None:
    from custseg.outputs import check_output_path

    with pytest.raises(OutputError):
        check_output_path("/nonexistent-folder/r.csv", option="--rejects-out")


def test_a_refused_source_creates_no_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "fresh.duckdb"
    bad = tmp_path / "o.csv"
    bad.write_text("order,custmer,oder_date,amout\nA,C1,2024-01-01,5\n")
    _refused(_cli(ws, "ingest", "orders", str(bad)), "--map 'custmer=customer_id'")
    empty = tmp_path / "e.csv"
    empty.write_text("customer_id,name\n")
    _refused(_cli(ws, "ingest", "customers", str(empty)), "no data rows")
    assert not ws.exists()
