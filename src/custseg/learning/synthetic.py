"""Synthetic feature tables with planted customer groups, for tests, demos and benchmarks.

Each planted group has a typical customer (medians of the features); members scatter around it
log-normally (amounts, counts, durations) or normally (margin, gap_cv). Generation is vectorised
and seeded, so a million customers take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

PLANTED_GROUPS: dict[str, dict[str, float]] = {
    "champions": {
        "recency_days": 20,
        "orders_count": 30,
        "monetary_total": 60_000,
        "tenure_days": 1_500,
        "margin": 0.32,
        "gap_cv": 0.4,
    },
    "lapsed_large": {
        "recency_days": 500,
        "orders_count": 12,
        "monetary_total": 25_000,
        "tenure_days": 2_000,
        "margin": 0.25,
        "gap_cv": 0.9,
    },
    "frequent_small": {
        "recency_days": 12,
        "orders_count": 45,
        "monetary_total": 2_500,
        "tenure_days": 900,
        "margin": 0.18,
        "gap_cv": 0.3,
    },
    "new": {
        "recency_days": 25,
        "orders_count": 1.5,
        "monetary_total": 300,
        "tenure_days": 45,
        "margin": 0.2,
        "gap_cv": 0.6,
    },
}
"""Default planted groups: name -> typical values."""

_LINEAR = ("margin", "gap_cv")


def make_planted_features(
    n: int,
    *,
    groups: Mapping[str, Mapping[str, float]] | None = None,
    weights: Sequence[float] | None = None,
    spread: float = 0.25,
    seed: int = 0,
    id_offset: int = 0,
) -> pd.DataFrame:
    """A feature table of ``n`` customers drawn from planted groups.

    Columns: ``customer_id`` (``C0000001``...), the features of the groups, ``avg_order_value``
    (monetary_total / orders_count), ``revenue_12m`` and ``group`` (the planted truth).
    ``spread`` is the log-scale standard deviation.
    """
    groups = dict(PLANTED_GROUPS if groups is None else groups)
    names = list(groups)
    rng = np.random.default_rng(seed)
    p = (
        np.full(len(names), 1 / len(names))
        if weights is None
        else np.asarray(weights) / sum(weights)
    )
    truth = rng.choice(len(names), size=n, p=p)
    features = list(next(iter(groups.values())))
    out: dict[str, object] = {
        "customer_id": np.char.add(
            "C", np.char.zfill(np.arange(id_offset + 1, id_offset + n + 1).astype(str), 7)
        ),
    }
    for feature in features:
        centre = np.array([groups[g][feature] for g in names], dtype=np.float64)[truth]
        noise = rng.standard_normal(n)
        if feature in _LINEAR:
            out[feature] = np.clip(centre + noise * spread * 0.4 * max(centre.mean(), 0.1), 0, None)
        else:
            out[feature] = centre * np.exp(noise * spread)
    if "orders_count" in out:
        out["orders_count"] = np.maximum(np.rint(np.asarray(out["orders_count"])), 1.0)
    if "monetary_total" in out and "orders_count" in out:
        out["avg_order_value"] = np.asarray(out["monetary_total"]) / np.asarray(
            out["orders_count"]
        )
    if "monetary_total" in out and "tenure_days" in out:
        share = np.minimum(365 / np.maximum(np.asarray(out["tenure_days"]), 1), 1.0)
        revenue = np.asarray(out["monetary_total"]) * share
        if "recency_days" in out:
            revenue = np.where(np.asarray(out["recency_days"]) > 365, 0.0, revenue)
        out["revenue_12m"] = revenue
    out["group"] = np.asarray(names, dtype=object)[truth]
    return pd.DataFrame(out)




PLANTED_ORDER_GROUPS: dict[str, dict[str, float]] = {
    "large_recent": {"orders": 24, "amount": 900, "recency_days": 12, "span_days": 700},
    "large_lapsed": {"orders": 24, "amount": 900, "recency_days": 420, "span_days": 700},
    "mid_regular": {"orders": 8, "amount": 120, "recency_days": 30, "span_days": 450,
                    "regular": 1},
    "small_lapsed": {"orders": 1.3, "amount": 25, "recency_days": 480, "span_days": 60},
}
"""Default planted groups of :func:`make_planted_orders`: name -> typical customer.

``orders``: typical number of orders; ``amount``: typical order value; ``recency_days``: days
from the last order to the as-of date; ``span_days``: days from the first to the last order;
``regular`` (0/1): orders evenly spaced (else at random dates within the span)."""


def make_planted_orders(
    n: int,
    as_of: date,
    *,
    groups: Mapping[str, Mapping[str, float]] | None = None,
    spread: float = 0.2,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.Series]:
    """Order lines of ``n`` customers drawn from planted groups, and each customer's group.

    Returns ``orders`` (order_id, customer_id, order_date, amount; one line per order, all on or
    before ``as_of``) and ``truth`` (customer_id -> group name). Values scatter log-normally
    around the group's typical ones with log-scale standard deviation ``spread``.
    """
    groups = dict(PLANTED_ORDER_GROUPS if groups is None else groups)
    names = list(groups)
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(names), size=n)
    spec = {k: np.array([groups[g].get(k, 0.0) for g in names])[truth]
            for k in ("orders", "amount", "recency_days", "span_days", "regular")}
    jitter = lambda: np.exp(rng.standard_normal(n) * spread)  # noqa: E731
    counts = np.maximum(np.rint(spec["orders"] * jitter()), 1).astype(np.int64)
    recency = np.rint(spec["recency_days"] * jitter()).astype(np.int64)
    span = np.where(counts > 1, np.rint(spec["span_days"] * jitter()), 0).astype(np.int64)
    owner = np.repeat(np.arange(n), counts)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    steps = np.maximum(counts - 1, 1)[owner]
    evenly = position / steps
    randomly = np.where(position == 0, 0.0, np.where(position == counts[owner] - 1, 1.0,
                                                    rng.random(len(owner))))
    share = np.where(spec["regular"][owner] > 0, evenly, randomly)
    days_before = recency[owner] + np.rint(span[owner] * (1.0 - share)).astype(np.int64)
    ids = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    orders = pd.DataFrame(
        {
            "order_id": np.char.add(
                "O", np.char.zfill(np.arange(1, len(owner) + 1).astype(str), 8)
            ),
            "customer_id": ids[owner],
            "order_date": pd.Timestamp(as_of) - pd.to_timedelta(days_before, unit="D"),
            "amount": np.round(spec["amount"][owner] * np.exp(rng.standard_normal(len(owner))
                                                            * spread), 2),
        }
    )
    orders["order_date"] = orders["order_date"].dt.date
    truth_series = pd.Series(np.asarray(names, dtype=object)[truth], index=ids, name="group")
    return orders, truth_series


__all__ = [
    "PLANTED_GROUPS",
    "PLANTED_ORDER_GROUPS",
    "make_planted_features",
    "make_planted_orders",
]
