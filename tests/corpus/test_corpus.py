"""The built-in catalogue makes sense on businesses of every shape (issue 9, item 5).

On each dataset of the corpus (the bundled sample; CDNOW master, real data: Fader, Hardie & Lee
2005, the file as shipped in `lifetimes` 0.11.3; and the generated businesses of
``generators.py``), with zero configuration:

- the health check of the default catalogue gives no warning;
- lifecycle is monotone in recency: the share of dormant or churned customers never falls as
  the time since the last purchase grows, and "active" holds nobody silent longer than the
  base's rhythm (base_gap_p90_days);
- one-time buyers silent for much longer than the base's usual gap are churned;
- the top customers by 12-month revenue are in the top class of ABC, value (when the purchase
  models could be fitted) and the composite grade; the top customers by lifetime revenue are
  "main" in market position.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.health import Finding
from custseg.sample import sample_data_dir
from custseg.tables import TABLE_NAMES

from .generators import GENERATED, cdnow_master, load_business

DATASETS = ("sample", "cdnow_master", *GENERATED)
NOW = datetime(2026, 7, 1, 9, 0)
TOP = 3
"""How many of the largest customers by 12-month revenue must be in the top classes."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    """Dataset name -> its run (snapshot, features and classes), computed once per module."""
    cache: dict[str, dict[str, Any]] = {}

    def get(name: str) -> dict[str, Any]:
        if name not in cache:
            cache[name] = _run(name, tmp_path_factory.mktemp(name))
        return cache[name]

    return get


def _run(name: str, folder: Path) -> dict[str, Any]:
    ws = open_workspace(":memory:", clock=lambda: NOW)
    as_of = None
    if name == "sample":
        for table in TABLE_NAMES:
            if (sample_data_dir() / f"{table}.csv").exists():
                ws.ingest(table, sample_data_dir() / f"{table}.csv")
    else:
        business = cdnow_master() if name == "cdnow_master" else GENERATED[name]()
        load_business(ws, business, folder)
        as_of = business.as_of
    snap = ws.run(as_of=as_of)
    classes = snap.assignments().pivot(index="customer_id", columns="scheme", values="class_key")
    features = snap.features().set_index("customer_id")
    wanted = ["lifecycle", "abc", "composite", "market_position", "value"]
    chosen = classes[[c for c in wanted if c in classes.columns]]
    return {"snapshot": snap, "classes": classes, "features": features.join(chosen)}


@pytest.mark.parametrize("name", DATASETS)
def test_default_catalogue_passes_its_own_health_check(
    corpus: Callable[[str], dict[str, Any]], name: str
) -> None:
    findings = [Finding.from_dict(f) for f in corpus(name)["snapshot"].info.extra["health"]]
    warnings = [f.render("en") for f in findings if f.level == "warning"]
    assert warnings == [], "\n".join(warnings)


@pytest.mark.parametrize("name", DATASETS)
def test_lifecycle_is_monotone_in_recency(
    corpus: Callable[[str], dict[str, Any]], name: str
) -> None:
    f = corpus(name)["features"]
    buyers = f[f.has_purchase.fillna(False)]
    rhythm = float(buyers.base_gap_p90_days.iloc[0])
    bins = pd.cut(buyers.recency_days / rhythm, [-1, 0.5, 1, 1.5, 2, 3, 5, float("inf")])
    lapsed = buyers.lifecycle.isin(["dormant", "churned"]).groupby(bins, observed=True).mean()
    churned = (buyers.lifecycle == "churned").groupby(bins, observed=True).mean()
    assert lapsed.is_monotonic_increasing, lapsed
    assert churned.is_monotonic_increasing, churned
    active = buyers[buyers.lifecycle == "active"]
    assert (active.recency_days <= rhythm).all(), active.recency_days.max()


@pytest.mark.parametrize("name", DATASETS)
def test_one_time_buyers_long_silent_are_churned(
    corpus: Callable[[str], dict[str, Any]], name: str
) -> None:
    f = corpus(name)["features"]
    one_time = f[f.has_purchase.fillna(False) & (f.purchase_days == 1)]
    usual = float(f.base_gap_median_days.dropna().iloc[0])
    long_gap = float(f.base_gap_p90_days.dropna().iloc[0])
    silent = one_time[one_time.recency_days > max(2 * long_gap, 4 * usual)]
    assert (silent.lifecycle == "churned").all(), silent.lifecycle.value_counts()


@pytest.mark.parametrize("name", DATASETS)
def test_top_customers_by_revenue_are_in_the_top_classes(
    corpus: Callable[[str], dict[str, Any]], name: str
) -> None:
    run = corpus(name)
    f, snap = run["features"], run["snapshot"]
    if not (f.revenue_12m > 0).any():
        # Nobody bought in the window: nobody can be on top, and the check says why.
        assert (f.abc == "C").all()
        checks = [x["check"] for x in snap.info.extra["health"]]
        assert "inactive_data" in checks
        return
    top = f.sort_values(["revenue_12m", "customer_id"], ascending=[False, True]).head(TOP)
    assert (top.abc == "A").all(), top.abc
    largest = f.sort_values(["monetary_total", "customer_id"], ascending=[False, True]).head(TOP)
    assert (largest.market_position == "main").all(), largest[["market_position", "tenure_days"]]
    if "value" in snap.info.computed_schemes:
        assert (top.value == "high_value").all(), top[["value", "clv_12m"]]
    else:
        assert "clv_12m" in snap.info.skipped_schemes["value"]
    assert (top.composite == "A").all(), top[["composite", "revenue_12m"]]
