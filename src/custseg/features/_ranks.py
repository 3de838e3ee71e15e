"""Tie-aware percentile ranks among a group of customers (window functions, any backend).

The *mid-rank percentile* of a value among ``n`` values is
``(number strictly below + number at or below) / (2 n)``: equal values get equal percentiles,
the percentile lies strictly between 0 and 1, and a value shared by everybody gets 0.5.
Each call uses one window (one sort): ``rank``, ``cume_dist`` and ``count`` share it.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def rank_counts(
    value: ir.NumericValue, group: ir.Value | None = None
) -> tuple[ir.IntegerValue, ir.IntegerValue, ir.IntegerValue]:
    """Return (values strictly below, values at or below, group size) for each row.

    Rows are compared within their ``group`` (the whole table if None); nulls should not occur.
    """
    by = [] if group is None else [group]
    ordered = ibis.window(group_by=by, order_by=value)
    whole = ibis.window(group_by=by, order_by=value, rows=(None, None))
    size = value.count().over(whole)
    below = ibis.rank().over(ordered)
    at_or_below = (ibis.cume_dist().over(ordered) * size).round().cast("int64")
    return below, at_or_below, size


def midrank_percentile(value: ir.NumericValue, group: ir.Value | None = None) -> ir.FloatingValue:
    """Mid-rank percentile of ``value`` within ``group``, in (0, 1)."""
    below, at_or_below, size = rank_counts(value, group)
    return (below + at_or_below).cast("float64") / (2 * size)


def quintile_score(value: ir.NumericValue, group: ir.Value | None = None) -> ir.IntegerValue:
    """Score 1-5 from the mid-rank percentile p: ``1 + floor(5 p)`` in exact integer arithmetic."""
    below, at_or_below, size = rank_counts(value, group)
    return (1 + (5 * (below + at_or_below)) // (2 * size)).cast("int64")
