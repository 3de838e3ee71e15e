"""RFM scores: recency, frequency and monetary quintile scores 1-5 among purchasers (5 best).

- R ranks ``recency_days`` (fewer days is better), F ranks ``orders_count`` and M ranks
  ``monetary_total`` (all time, so customers lapsed for a year still differ in F and M; R
  already measures the lapse).
- The score of a value is ``1 + floor(5 p)`` where p is its mid-rank percentile among
  purchasers: ``(purchasers strictly worse + purchasers at most as good) / (2 × purchasers)``.
  Equal values get equal scores, the result does not depend on row order, and a value shared by
  most customers lands in the middle of the scores it spans (e.g. 60 % one-time buyers → F 2)
  instead of being split arbitrarily as ntile would.
- Customers without a purchase get null scores.
"""

from __future__ import annotations

import ibis.expr.types as ir

from custseg.features._context import BuildContext
from custseg.features._ranks import quintile_score


def scores(purchasers: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """The ``r_score, f_score, m_score, rfm_score`` columns over the table of purchasers."""
    r = quintile_score(-purchasers.recency_days)
    f = quintile_score(purchasers.orders_count)
    m = quintile_score(purchasers.monetary_total)
    return {"r_score": r, "f_score": f, "m_score": m, "rfm_score": r * 100 + f * 10 + m}
