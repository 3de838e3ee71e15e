"""Fuzz `custseg ingest` through the CLI with random bytes and random CSV / XLSX structures.

Whatever the input: no traceback (the result's exception is ``SystemExit`` or None), a refusal
exits 1 with a message and leaves the workspace unchanged, a success reconciles
*rows read = accepted + rejected*, and every case finishes in bounded time. The CI run is small;
``scripts/fuzz_ingest.py`` runs the long version (``CUSTSEG_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import ibis
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from custseg.cli.app import app

EXAMPLES = int(os.environ.get("CUSTSEG_FUZZ_EXAMPLES", "8"))
CASE_SECONDS = 20.0
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="CUSTSEG_FUZZ_EXAMPLES" not in
                os.environ, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture])
TABLES = ("customers", "orders", "payments", "opportunities")
TOKENS = (
    "customer_id", "客户编号", "order_id", "订单号", "order_date", "下单日期", "amount", "金额",
    "due_date", "invoice_id", "date", "number_of_cds", "dollar_value", "created_date", "name",
    "C1", "C2", "00001", "2024-01-05", "19970101", "9999-12-31", "0001-01-01", "2024年3月5日",
    "1e308", "-1e308", "nan", "inf", "12.50", "(120.00)", "¥1,234.50", "合计", "Total", "",
    " ", "\t=1+1", "=cmd|' /C calc'!A0", "[/]", "\x00", "\x1b[31m", "\r", '"', '""', "a\nb",
    "销售订单明细表（2024年）", "x" * 300,
)
runner = CliRunner()
_WORK = Path(tempfile.mkdtemp(prefix="custseg_fuzz_"))
_WS = _WORK / "w.duckdb"


def _state() -> str:
    """A digest of the workspace's tables (rows, not file bytes)."""
    if not _WS.exists():
        return "absent"
    con = ibis.duckdb.connect(str(_WS))
    try:
        parts = []
        for name in sorted(con.list_tables()):
            frame = con.table(name).to_pandas()
            parts.append(f"{name}:{len(frame)}:{frame.astype(str).to_csv(index=False)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    finally:
        con.disconnect()


def _ensure_workspace() -> None:
    if _WS.exists():
        return
    seed = _WORK / "seed.csv"
    seed.write_text("customer_id,name\nC1,Acme\nC2,Bolt\n")
    result = runner.invoke(app, ["--workspace", str(_WS), "ingest", "customers", str(seed)])
    assert result.exit_code == 0, result.output


def _run(table: str, path: Path, *extra: str) -> None:
    """Invoke ingest and check the properties of the module docstring."""
    _ensure_workspace()
    before = _state()
    start = time.monotonic()
    result = runner.invoke(app, ["--workspace", str(_WS), "ingest", table, str(path), "--json",
                                 "--max-seconds", "15", *extra])
    elapsed = time.monotonic() - start
    assert elapsed < CASE_SECONDS, f"{elapsed:.1f} s"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        payload = json.loads(result.stdout)
        assert payload["rows_read"] == payload["rows_accepted"] + payload["rows_rejected"]
        assert payload["rows_rejected"] == len(payload["rejected"])
        return
    assert result.exit_code == 1, result.output
    assert re.search(r"Error|错误", result.output), result.output
    assert _state() == before


def _target(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix, dir=_WORK)
    os.close(handle)
    return Path(name)


@FUZZ
@given(data=st.binary(max_size=4_000), table=st.sampled_from(TABLES),
       suffix=st.sampled_from([".csv", ".txt", ".tsv", ".xlsx", ".csv.gz"]))
def test_random_bytes(data: bytes, table: str, suffix: str) -> None:
    path = _target(suffix)
    path.write_bytes(data)
    _run(table, path)


cells = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12),
                  st.integers(-10**6, 10**6).map(str), st.floats().map(str))
rows = st.lists(st.lists(cells, min_size=0, max_size=6), min_size=0, max_size=12)


@FUZZ
@given(grid=rows, table=st.sampled_from(TABLES), sep=st.sampled_from([",", ";", "\t", " ", "|"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       options=st.sampled_from([(), ("--delimiter", "tab"), ("--header-row", "2"),
                                ("--columns", "customer_id,order_date,amount")]))
def test_random_csv_structures(
    grid: list[list[str]], table: str, sep: str, newline: str, encoding: str,
    options: tuple[str, ...],
) -> None:
    text = newline.join(sep.join(row) for row in grid) + newline
    path = _target(".csv")
    path.write_bytes(text.encode(encoding, errors="replace"))
    _run(table, path, *options)


xlsx_cells = st.one_of(st.sampled_from(TOKENS), st.integers(-10**9, 10**9),
                       st.floats(allow_nan=False, allow_infinity=False), st.none(),
                       st.dates().map(lambda d: d))


@FUZZ
@given(grid=st.lists(st.lists(xlsx_cells, max_size=5), max_size=10),
       table=st.sampled_from(TABLES), stale=st.booleans())
def test_random_xlsx_structures(grid: list[list[object]], table: str, stale: bool) -> None:
    book = openpyxl.Workbook()
    for row in grid:
        book.active.append([_xlsx_safe(v) for v in row])
    plain = _target(".xlsx")
    book.save(plain)
    path = plain
    if stale:
        path = _target(".xlsx")
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
                dst.writestr(item, data)
    _run(table, path)


def _xlsx_safe(value: object) -> object:
    """openpyxl refuses control characters in cells it writes; keep the rest as drawn."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", value)
    return value
