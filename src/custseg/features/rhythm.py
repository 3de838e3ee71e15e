"""The base's purchase rhythm: how long the enterprise's customers usually wait between purchases.

Gaps are the days between consecutive purchase days of one customer, pooled over every
customer (a customer with many purchases contributes many gaps). The median, 75th and 90th
percentiles of the gaps up to the as-of date become the constant features
``base_gap_median_days``, ``base_gap_p75_days`` and ``base_gap_p90_days`` (the same value on
every row), so that conditions can put time thresholds against the base's own rhythm, e.g.
``recency_days <= base_gap_p90_days``.

Fallback: when fewer than ``rhythm_min_repeat_buyers`` customers (default 30) have bought on
two different days, the rhythm cannot be measured and the fixed fallbacks are used instead
(median 60, p75 120, p90 180 days; parameters ``fallback_gap_*_days``), which give the classic
"active within 180 days, churned after 360" lifecycle. ``history_days`` is the span of the
order history: days from the first order line on or before the as-of date to the as-of date.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features._prune import Pruning

QUANTILES: dict[str, float] = {"median": 0.5, "p75": 0.75, "p90": 0.9}
"""The gap percentiles kept, by the suffix of their feature name."""


def base_rhythm(
    days: ir.Table, lines: ir.Table, ctx: BuildContext, pruning: Pruning | None = None
) -> ir.Table:
    """One row: the measured gap percentiles, whether they are used, and the history span.

    Columns: ``repeat_buyers``, ``gaps``, ``measured`` (bool), ``measured_gap_<q>_days`` (null
    without gaps), ``base_gap_<q>_days`` (measured or the fallback) and ``history_days``.
    Only the earliest ``order_date`` of ``lines`` is read (the order totals give the same).
    Every column is computed; ``pruning`` records what they are computed from (the days'
    ``gap``), so that a build of the rhythm alone keeps the gaps.
    """
    params = ctx.parameters
    pruning = pruning or Pruning()
    gap = days.gap.cast("float64")
    with_gap = days.gap.notnull()
    measures = {
        "repeat_buyers": days.customer_id.nunique(where=with_gap),
        "gaps": days.count(where=with_gap),
        **{f"measured_gap_{q}_days": gap.quantile(p, where=with_gap) for q, p in QUANTILES.items()},
    }
    pruning.record(measures)
    stats = days.aggregate(**measures)
    first = lines.aggregate(first_order_date=lines.order_date.min())
    pruning.record({"first_order_date": lines.order_date.min()})
    row = stats.cross_join(first)
    measured = row.repeat_buyers >= params.rhythm_min_repeat_buyers
    fallback = {
        "median": params.fallback_gap_median_days,
        "p75": params.fallback_gap_p75_days,
        "p90": params.fallback_gap_p90_days,
    }
    base = {
        f"base_gap_{q}_days": measured.ifelse(
            row[f"measured_gap_{q}_days"].round(1), ibis.literal(float(fallback[q]))
        )
        for q in QUANTILES
    }
    derived = {
        "measured": measured,
        "history_days": ctx.days_before_as_of(row.first_order_date),
        **base,
    }
    pruning.record(derived)
    return row.select(
        "repeat_buyers",
        "gaps",
        *(f"measured_gap_{q}_days" for q in QUANTILES),
        **derived,
    )


FEATURE_COLUMNS: tuple[str, ...] = (
    *(f"base_gap_{q}_days" for q in QUANTILES),
    "history_days",
)
"""The columns of :func:`base_rhythm` that become features."""
