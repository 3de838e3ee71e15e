"""Synthetic feature tables with planted customer groups, for tests, demos and benchmarks.

Each planted group has a typical customer (medians of the features); members scatter around it
log-normally (amounts, counts, durations) or normally (margin, gap_cv). Generation is vectorised
and seeded, so a million customers take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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

    Columns: ``customer_id`` (``C0000001``...), the features of the groups, ``revenue_12m``
    and ``group`` (the planted truth). ``spread`` is the log-scale standard deviation.
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
    if "monetary_total" in out and "tenure_days" in out:
        share = np.minimum(365 / np.maximum(np.asarray(out["tenure_days"]), 1), 1.0)
        revenue = np.asarray(out["monetary_total"]) * share
        if "recency_days" in out:
            revenue = np.where(np.asarray(out["recency_days"]) > 365, 0.0, revenue)
        out["revenue_12m"] = revenue
    out["group"] = np.asarray(names, dtype=object)[truth]
    return pd.DataFrame(out)


__all__ = ["PLANTED_GROUPS", "make_planted_features"]
