"""RFM scores: recency, frequency and monetary scores 1-5 among purchasers (5 best).

- R scores ``recency_days`` (fewer days is better), F ``orders_count`` and M ``monetary_total``
  (all time, so customers lapsed for a year still differ in F and M; R already measures the
  lapse). Customers without a purchase get null scores.
- The score of a value is ``1 + floor(5 (p + s) / 2)`` (at most 5), the mean of two positions
  in [0, 1] among purchasers:

  * ``p``, its *mid-rank percentile*: ``(purchasers strictly worse + purchasers at most as
    good) / (2 × purchasers)``. Equal values get equal scores, the result does not depend on
    row order, and a value shared by many customers lands in the middle of the scores it
    spans instead of being split arbitrarily as ``ntile`` would;
  * ``s``, its position in the *range* of values: ``(max - days) / (max - min)`` for recency
    (days are an interval scale), ``(ln(1+v) - ln(1+min)) / (ln(1+max) - ln(1+min))`` for F and
    M (counts and amounts are heavy-tailed). 0.5 when every purchaser has the same value.

  Pure quintiles (``p`` alone) let a score span whatever width the distribution gives it: on
  CDNOW, where most customers bought once in the first quarter and never again, R 4 spanned
  141-429 days, so a customer silent for 14 months was "recent". Averaging with ``s`` keeps
  the ranking (the score is monotone in the value) but bounds each score's width: one score
  can never span more than 40 % of the range of values nor more than 40 % of the purchasers.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features._ranks import midrank_percentile

AXES: tuple[str, ...] = ("r", "f", "m")


def _axes(purchasers: ir.Table) -> dict[str, tuple[ir.NumericValue, ir.NumericValue]]:
    """Per score: (the value ranked, its scale), both increasing with what is better."""
    days = purchasers.recency_days.cast("float64")
    return {
        "r": (-days, -days),
        "f": (purchasers.orders_count, _log(purchasers.orders_count)),
        "m": (purchasers.monetary_total, _log(purchasers.monetary_total)),
    }


def ranges(purchasers: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """The window aggregates the scores read: each scale's range and each mid-rank percentile.

    Added as columns of their own (``_rfm_*``) before :func:`scores` reads them: each is then
    computed once, where an expression using it several times would repeat the window.
    """
    whole = ibis.window()
    out: dict[str, ir.Value] = {}
    for axis, (ranked, scale) in _axes(purchasers).items():
        out[f"_rfm_{axis}_low"] = scale.min().over(whole)
        out[f"_rfm_{axis}_high"] = scale.max().over(whole)
        out[f"_rfm_{axis}_p"] = midrank_percentile(ranked)
    return out


def scores(purchasers: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """The ``r_score, f_score, m_score, rfm_score`` columns over the table of purchasers.

    ``purchasers`` carries the columns of :func:`ranges`.
    """
    axes = _axes(purchasers)
    r, f, m = (_score(purchasers, axis, axes[axis][1]) for axis in AXES)
    return {"r_score": r, "f_score": f, "m_score": m, "rfm_score": r * 100 + f * 10 + m}


def _log(value: ir.NumericValue) -> ir.FloatingValue:
    return (value.cast("float64").clip(lower=0) + 1).ln()


def _score(purchasers: ir.Table, axis: str, scale: ir.NumericValue) -> ir.IntegerValue:
    """Score 1-5 from the ranked value's mid-rank percentile and ``scale``'s range position.

    Both increase together (higher = better).
    """
    low, high = purchasers[f"_rfm_{axis}_low"], purchasers[f"_rfm_{axis}_high"]
    width = high - low
    position = ibis.ifelse(width > 0, (scale - low) / width, 0.5)
    # an infinite value (two amounts of 1e308) makes inf / inf: it is at the top of the range
    position = ibis.ifelse(position.isnan(), 1.0, position)
    p = purchasers[f"_rfm_{axis}_p"]
    blended = ((p + position) / 2).round(9)
    return (1 + (blended * 5).floor()).clip(upper=5).cast("int64")
