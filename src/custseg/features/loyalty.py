"""Loyalty score 0-100 (忠诚度): how long, how often and how regularly a customer buys.

``loyalty_score = 100 × (0.3 span + 0.3 repeat + 0.4 regularity)`` among purchasers, where

- span = mid-rank percentile of the active relationship (first to last purchase, in days);
  0 for a customer who bought on one day only;
- repeat = mid-rank percentile of ``orders_count``; 0 for a one-time buyer (orders_count ≤ 1);
- regularity = ½ × ``active_months_12m`` / 12 + ½ × 1 / (1 + ``gap_cv``); the second half is
  0 without a ``gap_cv`` (fewer than three purchase days). Perfectly even gaps give 1, gaps as
  irregular as a Poisson process (cv ≈ 1) give 0.5.

Span and repeat are percentiles because their scale depends on the data (history length,
purchase cycle); the regularity terms are already scale-free. Prospects get null.
"""

from __future__ import annotations

import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features._ranks import midrank_percentile

WEIGHTS: dict[str, float] = {"span": 0.3, "repeat": 0.3, "regularity": 0.4}


def scores(purchasers: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """The ``loyalty_score`` column over the table of purchasers."""
    t = purchasers
    span_days = t.last_purchase_date.delta(t.first_purchase_date, unit="day")
    span = (span_days > 0).ifelse(midrank_percentile(span_days), 0.0)
    # the RFM frequency score ranks the same column among the same purchasers: read its
    # percentile when the table carries it (one sort of the purchasers fewer)
    orders_p = t["_rfm_f_p"] if "_rfm_f_p" in t.columns else midrank_percentile(t.orders_count)
    repeat = (t.orders_count > 1).ifelse(orders_p, 0.0)
    steadiness = (1.0 / (1.0 + t.gap_cv)).fill_null(0.0)
    regularity = 0.5 * t.active_months_12m / 12 + 0.5 * steadiness
    score = 100 * (
        WEIGHTS["span"] * span + WEIGHTS["repeat"] * repeat + WEIGHTS["regularity"] * regularity
    )
    return {"loyalty_score": score.cast("float64")}
