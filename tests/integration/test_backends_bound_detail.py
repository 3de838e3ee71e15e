"""One customer's detail through queries compiled once (custseg.snapshots.bound), on both backends.

The compiled statements must give what Ibis gives when it compiles the expression with the
value each time: the same detail for several customers, in both languages and for a sales
user, and the same refusal of another owner's customer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest
from sample_dates import FIXED_NOW

from custseg import open_workspace
from custseg.governance.access import Principal, Role
from custseg.snapshots import bound
from custseg.snapshots.bound import BoundQuery
from custseg.snapshots.customers import CustomerNotFoundError, CustomerQuery

OWNER = "李娜"
SALES = Principal(name="sam", role=Role.SALES, owner=OWNER)


@pytest.fixture
def sample_ws(sample_workspace_url: str) -> Iterator[Any]:
    ws = open_workspace(sample_workspace_url, clock=lambda: FIXED_NOW)
    yield ws
    ws.close()


def _details(ws: Any, ids: list[str], own: list[str], first: str) -> list[Any]:
    out: list[Any] = [ws.customer(i, lang=lang) for i in ids for lang in ("en", "zh")]
    out += [ws.customer(i, principal=SALES) for i in own]
    out += [ws.customer(i, snapshot_id=first, principal=SALES, lang="zh") for i in own]
    return out


def test_compiled_detail_equals_ibis_compiling_each_time(
    sample_ws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = sample_ws
    first = ws.snapshots()[0].snapshot_id
    every, _ = ws.customers(CustomerQuery(sort="revenue_12m", descending=True, limit=500))
    ids = [str(i) for i in every.customer_id.iloc[[0, 1, 77, 250, 499]]]
    own_page, _ = ws.customers(CustomerQuery(limit=3), principal=SALES)
    own = [str(i) for i in own_page.customer_id]
    others = [i for i, o in zip(every.customer_id, every.owner, strict=True) if o != OWNER]
    assert len(own) == 3 and others

    compiled = _details(ws, ids, own, first)
    view = ws.snapshot()
    statements = [b for b in view._bound.values()]  # noqa: SLF001 - the path under test
    assert statements and all(b.sql is not None and b.slots >= 1 for b in statements)
    with pytest.raises(CustomerNotFoundError):
        ws.customer(str(others[0]), principal=SALES)  # same reader, the sales scope compiled

    monkeypatch.setattr(bound, "_MARKS", {})  # every query through Ibis, with the parameter
    ws.use_read_cache(None)  # forget the readers (and their statements)
    assert _details(ws, ids, own, first) == compiled
    assert not any(b.sql for b in ws.snapshot()._bound.values())  # noqa: SLF001


def test_a_value_used_twice_and_a_percent_sign(sample_ws: Any) -> None:
    con = sample_ws._con  # noqa: SLF001 - a query of the workspace's own tables
    param = ibis.param("string")
    f = sample_ws.snapshot().features_table()
    expr = (
        f.filter((f.customer_id == param) | (f.customer_id.like("%9") & (f.owner == param)))
        .select("customer_id", "owner")
        .order_by("customer_id")
    )
    query = BoundQuery(con, expr, param)
    assert query.sql is not None and query.slots == 2
    for value in ("C0001", OWNER, "none'); --"):
        assert query.rows(value) == expr.to_pyarrow(params={param: value}).to_pylist()
    assert query.rows(OWNER)  # the LIKE with its percent sign matched some of them


def _customer_indexes(con: Any) -> dict[str, str]:
    """Index name -> table of the database's indexes on a table's customer_id."""
    if con.name == "duckdb":
        query = "SELECT index_name, table_name, expressions FROM duckdb_indexes()"
    else:
        query = "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    rows = con.raw_sql(query).fetchall()
    return {str(name): str(table) for name, table, text in rows if "customer_id" in str(text)}


def test_every_feature_table_is_indexed_by_customer(sample_ws: Any) -> None:
    con = sample_ws._con  # noqa: SLF001 - the test looks at the database's own catalogue
    tables = [f"snapshot_features_{i.snapshot_id}" for i in sample_ws.snapshots()]
    assert len(tables) >= 2
    indexes = _customer_indexes(con)
    for table in tables:
        assert indexes.get(f"{table}_customer") == table
    # a new run indexes the table it writes, in the snapshot's transaction
    snap = sample_ws.run(as_of=date(2026, 6, 15), user="setup")
    table = f"snapshot_features_{snap.snapshot_id}"
    assert _customer_indexes(con).get(f"{table}_customer") == table


def test_the_detail_finds_the_features_row_through_the_index_on_duckdb(
    sample_duckdb_file: Path, tmp_path: Path
) -> None:
    from custseg.workspace_schema.indexes import features_index_name

    path = tmp_path / "ws.duckdb"
    shutil.copyfile(sample_duckdb_file, path)
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    customer = str(ws.customers(CustomerQuery(limit=1))[0].customer_id.iloc[0])
    ws.customer(customer)
    features = next(
        b for b in ws.snapshot()._bound.values()  # noqa: SLF001 - the compiled statements
        if "snapshot_features_" in str(b.sql)
    )
    raw = ws._con.con  # noqa: SLF001
    plan = "\n".join(
        str(r[1]) for r in raw.execute(f"EXPLAIN ANALYZE {features.sql}", [customer]).fetchall()
    )
    assert "Index Scan" in plan
    table = f"snapshot_features_{ws.snapshot().snapshot_id}"
    ws.close()

    # without the index (a workspace of the previous release) the same statement scans
    con = duckdb.connect(str(path))
    con.execute(f'DROP INDEX "{features_index_name(table)}"')
    found = con.execute(f"EXPLAIN ANALYZE {features.sql}", [customer]).fetchall()
    plan = "\n".join(str(r[1]) for r in found)
    con.close()
    assert "Index Scan" not in plan and "Sequential Scan" in plan


def test_without_overrides_the_history_is_read_without_the_join(sample_ws: Any) -> None:
    ws = sample_ws
    assert not any(i.extra.get("overrides_applied") for i in ws.snapshots())
    view = ws.snapshot()
    page, _ = ws.customers(CustomerQuery(sort="revenue_12m", descending=True, limit=200))
    for customer in [str(i) for i in page.customer_id.iloc[[0, 1, 99, 199]]]:
        joined = view.history_rows(customer, overridden=True)
        plain = view.history_rows(customer, overridden=False)
        assert len(plain) == len(ws.snapshots()) * len(view.info.computed_schemes)
        order = sorted(plain, key=lambda r: (r["snapshot_id"], r["scheme"]))
        assert order == sorted(joined, key=lambda r: (r["snapshot_id"], r["scheme"]))
        assert all(r["override_id"] is None for r in plain)


def test_an_applied_override_shows_in_the_detail_and_its_history(sample_ws: Any) -> None:
    ws = sample_ws
    before = ws.snapshot()
    frame = before.to_frame()
    customer, other = (str(i) for i in frame[frame.abc == "C"].customer_id.iloc[:2])
    untouched = ws.customer(other)
    first = ws.snapshots()[0].snapshot_id
    override = ws.overrides.add(
        customer, scheme="abc", class_key="A", reason="framework contract", user="ann"
    )
    rerun = ws.run(as_of=before.as_of, user="ann")
    assert rerun.has_overrides and rerun.snapshot_id != before.snapshot_id

    detail = ws.customer(customer, snapshot_id=rerun.snapshot_id)
    abc = next(c for c in detail["classes"] if c["scheme"] == "abc")
    assert (abc["class_key"], abc["computed_class_key"]) == ("A", "C")
    assert abc["override_id"] == override.override_id
    history = {h["snapshot_id"]: h["classes"]["abc"] for h in detail["history"]}
    assert history == {first: history[first], before.snapshot_id: "C", rerun.snapshot_id: "A"}
    # another customer's detail reads the same query and shows no override
    again = ws.customer(other, snapshot_id=rerun.snapshot_id)
    assert all(c["override_id"] is None for c in again["classes"])
    assert again["classes"] == untouched["classes"]
    # the detail as of the first snapshot lists no snapshot with overrides
    old = ws.customer(customer, snapshot_id=first)
    assert [h["snapshot_id"] for h in old["history"]] == [first]
    assert all(c["override_id"] is None for c in old["classes"])
