"""``pareto``: ABC grading by cumulative share of a measure (客户分级).

Customers of the population with a positive measure are sorted by the measure, descending,
ties broken by ``customer_id`` ascending (so the result never depends on row order). For each
customer, ``before`` is the cumulative share of the total held by the customers sorted ahead of
it, and ``at`` = ``before`` + its own share. With cuts ``[0.8, 0.95]``: ``before < 0.8`` -> A,
``before < 0.95`` -> B, else C. So the customer who crosses 80 % is still A, and the A class is
the smallest set of customers holding at least 80 %. A measure that is null or <= 0 gives
``zero_class`` (default: the last class). The score is ``at`` x 100.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import ParetoScheme
from custseg.schemes.kinds.base import (
    Assignment,
    empty_class_check,
    finish,
    in_population,
    number_text,
)
from custseg.schemes.kinds.reasons import code


def assign(features: ir.Table, scheme: ParetoScheme) -> Assignment:
    """Grade each customer of ``features`` by cumulative share of ``scheme.measure``."""
    population = in_population(features, scheme.where, scheme.name)
    measure = features[scheme.measure].cast("float64")
    valid = population & measure.notnull() & (measure > 0)
    order = [ibis.desc(measure), ibis.asc(features.customer_id.cast("string"))]
    running = measure.sum().over(ibis.window(group_by=valid, order_by=order, rows=(None, 0)))
    total = measure.sum().over(ibis.window(group_by=valid))
    staged = features.mutate(
        _valid=valid,
        _before=ibis.ifelse(valid, (running - measure) / total, ibis.null("float64")),
        _at=ibis.ifelse(valid, running / total, ibis.null("float64")),
    )
    before, at = staged._before, staged._at
    n = len(scheme.cuts)
    bins = scheme.class_keys[: n + 1]
    share = number_text(before * 100)
    feat = scheme.measure
    cases: list[tuple[ir.BooleanValue, str, ir.StringValue]] = [
        (~population, scheme.outside_class or "", code("schemes_r_outside", scheme.where or "")),
        (
            ~staged._valid,
            scheme.zero_class or "",
            code("schemes_r_not_positive", feat, number_text(measure)),
        ),
    ]
    for cut, cls in zip(scheme.cuts, bins, strict=False):
        cases.append(
            (before < cut, cls, code("schemes_r_pareto", feat, share, "<", f"{cut * 100:g}"))
        )
    last = code("schemes_r_pareto", feat, share, "≥", f"{scheme.cuts[-1] * 100:g}")
    class_key = ibis.cases(*[(c, k) for c, k, _ in cases], else_=bins[n])
    reason = ibis.cases(*[(c, r) for c, _, r in cases], else_=last)
    table = finish(staged, class_key, at * 100, reason)
    thresholds = {"measure": scheme.measure, "cuts": list(scheme.cuts)}
    return Assignment(
        table=table, thresholds=thresholds, empty_check=empty_class_check(scheme, bins)
    )
