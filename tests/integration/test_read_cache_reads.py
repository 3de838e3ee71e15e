"""Reads through a server's read cache give what the uncached reads give, for every scope."""

from __future__ import annotations

from typing import Any

from custseg.governance.access import Principal, Role
from custseg.read_cache import ReadCache
from custseg.snapshots.customers import CustomerQuery

SALES = Principal(name="sam", role=Role.SALES, owner="李娜")


def _reads(ws: Any) -> dict[str, Any]:
    snap = ws.snapshot()
    first = ws.snapshots()[0].snapshot_id
    query = CustomerQuery(classes={"abc": ["A", "B"]}, sort="revenue_12m", descending=True)
    everyone, total = ws.customers(query, lang="zh")
    theirs, mine = ws.customers(query, principal=SALES)
    own = str(theirs.customer_id.iloc[0])
    return {
        "snapshots": [i.snapshot_id for i in ws.snapshots()],
        "summary": snap.summary("abc", lang="zh").to_dict("records"),
        "page": (everyone.to_dict("records"), total),
        "sales page": (theirs.to_dict("records"), mine),
        "detail": ws.customer(str(everyone.customer_id.iloc[0]), lang="zh"),
        "old detail": ws.customer(own, snapshot_id=first, principal=SALES),
        "explain": snap.explain(own, lang="en"),
    }


def test_cached_reads_equal_uncached_ones(history_workspace: Any) -> None:
    ws = history_workspace
    plain = _reads(ws)
    cache = ReadCache(max_entries=64)
    ws.use_read_cache(cache)
    first, second = _reads(ws), _reads(ws)  # filling the cache, then from it
    assert len(cache) > 0
    for key, value in plain.items():
        if key == "summary":  # sums may differ in the last bits (engine's adding order)
            assert [r["customers"] for r in first[key]] == [r["customers"] for r in value]
            continue
        assert first[key] == value, key
    assert second == first
    assert plain["sales page"][1] < plain["page"][1]
