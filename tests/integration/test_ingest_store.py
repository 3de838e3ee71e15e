"""Replace and upsert modes, idempotence, atomicity, the rejects and ingests tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import ibis
import openpyxl
import pytest

from custseg.errors import ConfigError, InputDataError, UnknownNameError
from custseg.ingest import ingest, read_rejects, store, write_rejects

AT = dt.datetime(2024, 6, 1)
HEADER = "order_id,line_no,customer_id,order_date,amount\n"


@pytest.fixture
def con(backend: str, request: pytest.FixtureRequest) -> Iterator[ibis.BaseBackend]:
    """An empty database on each backend (DuckDB in memory, a new PostgreSQL database)."""
    connection = (
        ibis.connect(request.getfixturevalue("pg_url"))
        if backend == "postgresql"
        else ibis.duckdb.connect()
    )
    yield connection
    connection.disconnect()


def _write(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows)
    return path


def _content(con: ibis.BaseBackend) -> list[tuple[object, ...]]:
    table = con.table("orders").order_by(["order_id", "line_no"])
    return list(table.select("order_id", "line_no", "amount").to_pandas().itertuples(index=False))


def test_stored_table_has_canonical_columns_and_types(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "o.csv", "A,1,C,2024-01-01,1\n"), ingested_at=AT)
    schema = con.table("orders").schema()
    assert list(schema.names) == ["order_id", "line_no", "customer_id", "order_date", "amount", "cost",
                                  "quantity", "category", "product", "discount", "status",
                                  "source_file", "source_row"]
    assert [str(t) for t in schema.types[:5]] == ["string", "int64", "string", "date", "float64"]


@pytest.mark.parametrize("mode", ["replace", "upsert"])
def test_reingesting_the_same_file_never_duplicates(
    con: ibis.BaseBackend, tmp_path: Path, mode: str
) -> None:
    path = _write(tmp_path, "o.csv", "A,1,C,2024-01-01,1\nA,2,C,2024-01-01,2\nB,1,C,bad,3\n")
    for _ in range(3):
        report = ingest(con, "orders", path, mode=mode, ingested_at=AT)  # type: ignore[arg-type]
        assert (report.rows_accepted, report.rows_rejected) == (2, 1)
    assert _content(con) == [("A", 1, 1.0), ("A", 2, 2.0)]
    assert len(read_rejects(con, "orders")) == 1
    assert con.table("ingests").count().execute() == 3


def test_upsert_inserts_new_keys_and_replaces_existing(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\nB,1,C,2024-01-01,2\n"),
           ingested_at=AT)
    ingest(con, "orders", _write(tmp_path, "b.csv", "B,1,C,2024-01-01,20\nC,1,C,2024-01-01,3\n"),
           mode="upsert", ingested_at=AT)
    assert _content(con) == [("A", 1, 1.0), ("B", 1, 20.0), ("C", 1, 3.0)]


def test_replace_drops_previous_rows_and_rejects(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\nX,1,C,bad,1\n"), ingested_at=AT)
    customers = tmp_path / "c.csv"
    customers.write_text("customer_id\nC\nC\n")
    ingest(con, "customers", customers, ingested_at=AT)
    ingest(con, "orders", _write(tmp_path, "b.csv", "B,1,C,2024-01-01,2\n"), ingested_at=AT)
    assert _content(con) == [("B", 1, 2.0)]
    assert read_rejects(con, "orders").empty
    assert read_rejects(con).table_name.tolist() == ["customers"]


def test_failure_while_writing_rolls_back(
    con: ibis.BaseBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\n"), ingested_at=AT)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_store_rejects", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(con, "orders", _write(tmp_path, "b.csv", "B,1,C,2024-01-01,2\n"), ingested_at=AT)
    assert _content(con) == [("A", 1, 1.0)]
    assert con.table("ingests").count().execute() == 1


def test_upsert_keeps_rejects_of_other_files(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "X,1,C,bad,1\n"), mode="upsert", ingested_at=AT)
    ingest(con, "orders", _write(tmp_path, "b.csv", "Y,1,C,bad,1\n"), mode="upsert", ingested_at=AT)
    ingest(con, "orders", _write(tmp_path, "b.csv", "Y,1,C,bad,1\n"), mode="upsert", ingested_at=AT)
    rejects = read_rejects(con, "orders")
    assert sorted(rejects.file) == ["a.csv", "b.csv"]
    assert list(rejects.columns) == ["ingest_id", "table_name", "file", "row", "column", "code",
                                     "value", "message"]


def test_failed_ingest_writes_nothing(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\n"), ingested_at=AT)
    before = {name: con.table(name).count().execute() for name in con.list_tables()}
    broken = tmp_path / "broken.csv"
    broken.write_text("order_id,amount\nA,1\n")
    with pytest.raises(InputDataError, match="missing required column"):
        ingest(con, "orders", broken, ingested_at=AT)
    after = {name: con.table(name).count().execute() for name in con.list_tables()}
    assert after == before and _content(con) == [("A", 1, 1.0)]


def test_ingests_log_counts(con: ibis.BaseBackend, tmp_path: Path) -> None:
    report = ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\nB,1,,2024-01-01,1\n"),
                    ingested_at=AT)
    log = con.table("ingests").to_pandas().iloc[0]
    assert (log.ingest_id, log.table_name, log.file, log["mode"]) == (report.ingest_id, "orders", "a.csv",
                                                                      "replace")
    assert (log.rows_read, log.rows_accepted, log.rows_rejected) == (2, 1, 1)
    assert log.ingested_at == AT


def test_write_rejects_to_csv_and_xlsx(con: ibis.BaseBackend, tmp_path: Path) -> None:
    ingest(con, "orders", _write(tmp_path, "a.csv", "A,1,C,2024-01-01,x\n"), ingested_at=AT)
    csv_path = write_rejects(con, tmp_path / "rejects.csv")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfingest_id,table_name,file,row")
    xlsx_path = write_rejects(con, tmp_path / "rejects.xlsx")
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert [c.value for c in sheet[2]][2:6] == ["a.csv", 2, "amount", "row.not_a_number"]
    with pytest.raises(ConfigError, match="extension"):
        write_rejects(con, tmp_path / "rejects.txt")


def test_read_rejects_without_any_ingest_is_empty() -> None:
    frame = read_rejects(ibis.duckdb.connect())
    assert frame.empty and "message" in frame.columns


def test_bad_table_or_mode_are_config_errors(con: ibis.BaseBackend, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "A,1,C,2024-01-01,1\n")
    with pytest.raises(UnknownNameError, match="did you mean 'orders'"):
        ingest(con, "order", path, ingested_at=AT)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"mode must be one of \['replace', 'upsert'\]"):
        ingest(con, "orders", path, mode="append", ingested_at=AT)  # type: ignore[arg-type]
