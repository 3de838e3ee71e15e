"""One customer's detail through queries compiled once (custseg.snapshots.bound), on both backends.

The compiled statements must give what Ibis gives when it compiles the expression with the
value each time: the same detail for several customers, in both languages and for a sales
user, and the same refusal of another owner's customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
