"""Natural groups through the real pipeline: planted groups found and named, keys that follow
the nearest earlier snapshot (and are part of the snapshot id), finite inputs, both languages."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from custseg import open_workspace
from custseg.i18n import Message
from custseg.learning import PLANTED_ORDER_GROUPS, make_planted_orders
from custseg.schemes import ClassificationSystem, load_default_system

AS_OF = date(2026, 6, 30)
FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)

STRUCTURES: dict[str, dict[str, dict[str, float]]] = {
    # the case: the old default found three of these and merged two
    "four": dict(PLANTED_ORDER_GROUPS),
    # the same customers but for the time since their last purchase
    "recency_only": {
        "recent": {"orders": 6, "amount": 150, "recency_days": 15, "span_days": 500},
        "lapsed": {"orders": 6, "amount": 150, "recency_days": 400, "span_days": 500},
    },
    # recency is measured against the base's rhythm (here a purchase every ~100 days): within
    # one usual gap, within a few gaps, long gone
    "recency_three": {
        "recent": {"orders": 6, "amount": 150, "recency_days": 10, "span_days": 500},
        "lapsing": {"orders": 6, "amount": 150, "recency_days": 300, "span_days": 500},
        "lost": {"orders": 6, "amount": 150, "recency_days": 1000, "span_days": 500},
    },
    "two": {
        "large_recent": PLANTED_ORDER_GROUPS["large_recent"],
        "small_lapsed": PLANTED_ORDER_GROUPS["small_lapsed"],
    },
    "five": {
        **PLANTED_ORDER_GROUPS,
        "new_small": {"orders": 1, "amount": 60, "recency_days": 20, "span_days": 20},
    },
}


def natural_groups_only() -> ClassificationSystem:
    """The built-in natural_groups scheme alone (keeps the runs fast)."""
    scheme = next(s for s in load_default_system().schemes if s.name == "natural_groups")
    return ClassificationSystem.model_validate(
        {"name": "natural_groups_only", "schemes": [scheme.model_dump(exclude_none=True)]}
    )


def planted_workspace(
    tmp_path: Path, groups: Mapping[str, Mapping[str, float]], n: int = 800, seed: int = 0
) -> tuple[Any, pd.Series]:
    """A workspace holding planted orders ingested from a CSV, and the planted truth."""
    orders, truth = make_planted_orders(n, AS_OF, groups=groups, seed=seed)
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "orders.csv"
    orders.to_csv(source, index=False)
    ticks = itertools.count()  # a clock that moves: "latest" means the latest created
    ws = open_workspace(
        tmp_path / "ws.duckdb", clock=lambda: FIXED_NOW + timedelta(seconds=next(ticks))
    )
    report = ws.ingest("orders", source)
    assert report.rows_rejected == 0
    return ws, truth


def outcome(snapshot: Any) -> Any:
    return next(o for o in snapshot.info.outcomes if o.name == "natural_groups")


def group_names(snapshot: Any, lang: str = "en") -> dict[str, str]:
    field = "zh_CN" if lang == "zh" else "en"
    return {k: v[field] for k, v in outcome(snapshot).thresholds["classes"].items()}


@pytest.mark.slow
@pytest.mark.parametrize("structure", list(STRUCTURES))
def test_planted_groups_are_recovered(tmp_path: Path, structure: str) -> None:
    groups = STRUCTURES[structure]
    ws, truth = planted_workspace(tmp_path, groups)
    snap = ws.run(as_of=AS_OF, system=natural_groups_only())
    found = snap.assignments("natural_groups").set_index("customer_id").class_key
    assert outcome(snap).thresholds["k"] == len(groups)
    assert adjusted_rand_score(truth.loc[found.index], found) >= 0.9


def _majority_names(snapshot: Any, truth: pd.Series, lang: str) -> dict[str, str]:
    found = snapshot.assignments("natural_groups").set_index("customer_id").class_key
    key_of = found.groupby(truth.loc[found.index].to_numpy()).agg(lambda s: s.mode().iloc[0])
    names = group_names(snapshot, lang)
    return {group: names[key] for group, key in key_of.items()}


@pytest.mark.slow
def test_generated_names_describe_the_planted_groups(tmp_path: Path) -> None:
    ws, truth = planted_workspace(tmp_path, STRUCTURES["four"])
    snap = ws.run(as_of=AS_OF, system=natural_groups_only())
    en, zh = _majority_names(snap, truth, "en"), _majority_names(snap, truth, "zh")
    assert "large" in en["large_recent"] and "大额" in zh["large_recent"]
    assert "large" in en["large_lapsed"] and "lapsed" in en["large_lapsed"]
    assert "大额" in zh["large_lapsed"] and "流失" in zh["large_lapsed"]
    assert "lapsed" in en["small_lapsed"] and "流失" in zh["small_lapsed"]
    assert "small" in en["small_lapsed"] and "小额" in zh["small_lapsed"]
    assert "lapsed" not in en["large_recent"] and "lapsed" not in en["mid_regular"]
    assert len(set(en.values())) == 4 and len(set(zh.values())) == 4


# -- keys follow the nearest earlier snapshot --------------------------------------------------
MONTHS = (date(2026, 4, 30), date(2026, 5, 31), AS_OF)


def _keys(snapshot: Any) -> pd.Series:
    a = snapshot.assignments("natural_groups").set_index("customer_id").class_key
    return a[a != "prospect"]


@pytest.mark.slow
def test_keys_follow_the_nearest_earlier_snapshot_whatever_the_order(tmp_path: Path) -> None:
    system = natural_groups_only()
    # a single run at the last date first, then the monthly series from earlier dates
    late_first, _ = planted_workspace(tmp_path / "a", STRUCTURES["four"], n=600)
    single = late_first.run(as_of=AS_OF, system=system)
    assert "key_lineage" not in single.info.extra
    series = late_first.run_series("month", MONTHS[0], AS_OF, system=system)
    assert [i.status for i in series.items] == ["computed", "computed", "computed"]
    last = late_first.snapshot(series.items[-1].snapshot_id)
    may = late_first.snapshot(series.items[1].snapshot_id)
    # the series' last month is keyed against May, not against the single run written earlier
    assert last.snapshot_id != single.snapshot_id
    assert last.info.extra["key_lineage"] == {"natural_groups": may.snapshot_id}
    matching = outcome(last).thresholds["matching"]
    assert matching["previous_snapshot"] == may.snapshot_id
    assert matching["previous_as_of"] == "2026-05-31"
    assert matching["kept_share"] >= 0.95
    # `diff` with no argument compares these two: nobody "changed" group by relabelling
    latest = late_first.snapshot()
    assert latest.snapshot_id == last.snapshot_id
    before, after = _keys(may), _keys(last)
    both = before.index.intersection(after.index)
    assert (before[both] == after[both]).mean() >= 0.95

    # the same data, dates and system in the usual order give the very same snapshots
    in_order, _ = planted_workspace(tmp_path / "b", STRUCTURES["four"], n=600)
    again = in_order.run_series("month", MONTHS[0], AS_OF, system=system)
    assert [i.snapshot_id for i in again.items] == [i.snapshot_id for i in series.items]
    pd.testing.assert_series_equal(_keys(in_order.snapshot(again.items[-1].snapshot_id)),
                                   _keys(last))
    # re-running keeps them all; re-running the last date reuses its snapshot
    assert [i.status for i in in_order.run_series("month", MONTHS[0], AS_OF,
                                                  system=system).items] == ["kept"] * 3
    assert in_order.run(as_of=AS_OF, system=system).snapshot_id == last.snapshot_id


def test_lineage_is_part_of_the_snapshot_id(tmp_path: Path) -> None:
    system = natural_groups_only()
    ws, _ = planted_workspace(tmp_path, STRUCTURES["two"], n=300)
    alone = ws.run(as_of=AS_OF, system=system)
    assert outcome(alone).thresholds["matching"]["previous_snapshot"] is None
    may = ws.run(as_of=MONTHS[1], system=system)
    after_may = ws.run(as_of=AS_OF, system=system)
    assert after_may.snapshot_id != alone.snapshot_id
    assert after_may.info.extra["key_lineage"] == {"natural_groups": may.snapshot_id}
    # both stay: snapshots are never rewritten
    assert {alone.snapshot_id, after_may.snapshot_id} <= {s.snapshot_id for s in ws.snapshots()}


# -- finite inputs ----------------------------------------------------------------------------
def _insert_orders(con: Any, rows: pd.DataFrame) -> None:
    """Append rows to the workspace's orders table directly (no ingest, no validation)."""
    orders = con.table("orders")
    extra = ibis.memtable(rows).cast({c: orders.schema()[c] for c in rows.columns})
    for column in orders.columns:
        if column not in rows.columns:
            extra = extra.mutate(**{column: ibis.null().cast(orders.schema()[column])})
    merged = orders.union(extra.select(*orders.columns)).to_pyarrow()
    con.create_table("orders", merged, overwrite=True)


def test_infinite_amounts_are_clipped_in_clustering_and_dropped_from_the_spend_model(
    tmp_path: Path,
) -> None:
    ws, _ = planted_workspace(tmp_path, STRUCTURES["four"], n=400)
    victim = ws._con.table("orders").customer_id.min().execute()
    _insert_orders(
        ws._con,
        pd.DataFrame(
            {
                "order_id": ["HUGE1", "HUGE2"],
                "customer_id": [victim, victim],
                "order_date": [date(2026, 6, 1), date(2026, 6, 2)],
                "amount": [1e308, 1e308],
            }
        ),
    )
    snap = ws.run(as_of=AS_OF, system=natural_groups_only())  # crashed before: inf features
    assert outcome(snap).status == "computed"
    notes = [Message.from_dict(n) for n in outcome(snap).thresholds["notes"]]
    clipped = [n for n in notes if n.key == "clusters_note_clipped"]
    assert {n.params["feature"] for n in clipped} == {
        "avg_order_value", "monetary_total", "revenue_12m"
    }
    assert all(n.params["n"] == 1 for n in clipped)
    assert "clipped to the finite range" in clipped[0].render("en")
    assert "截断" in clipped[0].render("zh")
    row = snap.assignments("natural_groups").set_index("customer_id").loc[victim]
    assert row.class_key.startswith("g") and pd.notna(row.score)
    models = snap.info.extra["models"]
    assert models["status"] == "fitted"
    assert models["non_finite_spend"]["customers"] == 1
    features = snap.features().set_index("customer_id")
    assert pd.isna(features.loc[victim, "clv_12m"])
    assert pd.isna(features.loc[victim, "expected_spend"])
    others = features.drop(index=victim).clv_12m.dropna()
    assert len(others) > 300 and np.isfinite(others).all()


CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow" / "CDNOW_master.txt.gz"


@pytest.mark.slow
def test_cdnow_groups_are_sensible(tmp_path: Path) -> None:
    """Real data nobody here generated: recent repeat buyers apart from the lapsed one-timers."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str, "date": str})
    orders = pd.DataFrame(
        {
            "order_id": raw.customer_id + "-" + raw.date,  # one order per customer and day
            "customer_id": raw.customer_id,
            "order_date": pd.to_datetime(raw.date, format="%Y%m%d").dt.date,
            "amount": raw.dollar_value,
        }
    )
    orders["line_no"] = orders.groupby("order_id").cumcount() + 1
    orders.to_csv(tmp_path / "cdnow.csv", index=False)
    ws = open_workspace(tmp_path / "ws.duckdb", clock=lambda: FIXED_NOW)
    assert ws.ingest("orders", tmp_path / "cdnow.csv").rows_rejected == 0
    snap = ws.run(as_of=date(1998, 6, 30), system=natural_groups_only())
    th = outcome(snap).thresholds
    assert 2 <= th["k"] <= 8
    assert sum(p["size"] for p in th["profiles"]) + th["prospects"] == 23_570
    keys = _keys(snap)
    f = snap.features().set_index("customer_id").loc[keys.index]
    medians = f.groupby(keys.to_numpy())[["recency_days", "orders_count"]].median()
    most_recent, most_lapsed = medians.recency_days.idxmin(), medians.recency_days.idxmax()
    assert medians.recency_days[most_lapsed] >= 3 * medians.recency_days[most_recent]
    assert medians.orders_count[most_recent] > medians.orders_count[most_lapsed]
    names = group_names(snap)
    assert "active" in names[most_recent] and "lapsed" not in names[most_recent]
    assert len({names[k] for k in medians.index}) == th["k"]
