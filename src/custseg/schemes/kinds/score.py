"""``score``: a weighted composite of normalised indicators, graded by thresholds (综合加权评分).

Each indicator is normalised to 0-100 (100 = best):

- ``rank``: percentile rank among the customers with a value; for a non-negative measure with
  zeros (revenue in a window) the positive values are ranked among themselves (cumulative
  share) and 0 scores 0, as for the splits of :mod:`custseg.schemes.kinds.splits`;
- ``minmax``: ``(x - min) / (max - min)`` clipped to [0, 1], with ``min``/``max`` from the
  configuration or, when not given, from the data (one query);
- ``fixed``: as ``minmax`` with the configured ``min`` and ``max``;

then flipped (``100 - n``) when ``lower_is_better``. An indicator whose feature is null for
every customer (its input does not exist: no payments, no cost, no customer table) is dropped
and the remaining weights are scaled to sum 1 - nobody gets points from data that does not
exist; the snapshot says so (``thresholds["dropped"]``, a ``schemes_d_indicator_dropped`` note)
and so does every reason. A missing value takes ``missing`` (a score,
or ``mean``: the mean normalised value of the others; 50 when nobody has a value). Weights are
scaled to sum 1, so the composite is a weighted mean in 0-100. Customers matching
``fallback.when`` whose ``fallback.score_feature`` is not null (new customers with a prospect
score) are scored by that feature, clipped to 0-100, instead. Grades are tried best first: the
first with ``score >= min`` wins, and a score below every minimum gets the last grade.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.errors import ModelError
from custseg.i18n import Message
from custseg.schemes.config_kinds import Indicator, ScoreScheme
from custseg.schemes.expr import compile_predicate
from custseg.schemes.kinds.base import (
    Assignment,
    empty_class_check,
    feature_message,
    finish,
    fmt,
    number_text,
)
from custseg.schemes.kinds.reasons import code


def assign(features: ir.Table, scheme: ScoreScheme) -> Assignment:
    """Score and grade each customer of ``features``."""
    used, dropped = _indicators_with_data(features, scheme.indicators)
    if not used:
        raise ModelError(
            f"{scheme.name}: no indicator has data "
            f"({', '.join(i.feature for i in scheme.indicators)}); nothing to score on"
        )
    total = sum(ind.weight for ind in used)
    weights = [ind.weight / total for ind in used]
    bounds = _data_bounds(features, used)
    staged, parts = _weighted_parts(features, used, weights, bounds)
    composite = sum(parts[1:], parts[0])
    terms = [x for ind, p in zip(used, parts, strict=True) for x in (ind.feature, number_text(p))]
    staged = staged.mutate(_score=composite)
    if scheme.fallback is not None:
        fb = scheme.fallback
        use = (
            compile_predicate(fb.when, staged, where=f"{scheme.name}.fallback.when")
            & staged[fb.score_feature].notnull()
        )
        own = staged[fb.score_feature].cast("float64").clip(0, 100)
        staged = staged.mutate(_score=ibis.ifelse(use, own, composite), _fb=use, _own=own)
    s = staged._score
    grades = scheme.grades
    class_key = ibis.cases(*[(s >= g.min, g.class_) for g in grades], else_=grades[-1].class_)
    op = ibis.cases(*[(s >= g.min, "≥") for g in grades], else_="<")
    at = ibis.cases(*[(s >= g.min, fmt(g.min)) for g in grades], else_=fmt(grades[-1].min))
    head = (number_text(s), op, at)
    dropped_names = ",".join(ind.feature for ind in dropped)
    reason = (
        code("schemes_r_score_dropped", *head, dropped_names, *terms)
        if dropped
        else code("schemes_r_score", *head, *terms)
    )
    if scheme.fallback is not None:
        fb = scheme.fallback
        own_reason = code(
            "schemes_r_fallback", *head, fb.when, fb.score_feature, number_text(staged._own)
        )
        reason = ibis.ifelse(staged._fb, own_reason, reason)
    table = finish(staged, class_key, s, reason)
    notes: list[Message | str] = [_dropped_note(scheme, ind, used, weights) for ind in dropped]
    thresholds = {
        "weights": {ind.feature: round(w, 6) for ind, w in zip(used, weights, strict=True)},
        "dropped": [ind.feature for ind in dropped],
        "grades": {g.class_: g.min for g in grades},
        "bounds": {used[i].feature: list(b) for i, b in bounds.items()},
    }
    return Assignment(
        table=table,
        diagnostics=notes,
        thresholds=thresholds,
        empty_check=empty_class_check(scheme, [g.class_ for g in grades]),
    )


def _weighted_parts(
    features: ir.Table,
    used: list[Indicator],
    weights: list[float],
    bounds: dict[int, tuple[float, float]],
) -> tuple[ir.Table, list[ir.FloatingValue]]:
    """The table with each indicator normalised (``_n0`` ...) and each weighted part."""
    zeros = _zero_inflated(features, used)
    staged = features.mutate(
        **{
            f"_n{i}": _normalised(features, ind, bounds.get(i), zeros=i in zeros)
            for i, ind in enumerate(used)
        }
    )
    parts = []
    for i, (ind, weight) in enumerate(zip(used, weights, strict=True)):
        norm = staged[f"_n{i}"]
        fill = (
            norm.mean().over(ibis.window()) if ind.missing == "mean" else ibis.literal(ind.missing)
        )
        parts.append(norm.coalesce(fill, ibis.literal(50.0)) * weight)
    return staged, parts


def _indicators_with_data(
    features: ir.Table, indicators: list[Indicator]
) -> tuple[list[Indicator], list[Indicator]]:
    """(indicators with a value for someone, indicators null for everyone): one query."""
    row = (
        features.aggregate(
            **{f"n{i}": features[ind.feature].count() for i, ind in enumerate(indicators)}
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    used = [ind for i, ind in enumerate(indicators) if row[f"n{i}"]]
    return used, [ind for ind in indicators if ind not in used]


def _dropped_note(
    scheme: ScoreScheme, ind: Indicator, used: list[Indicator], weights: list[float]
) -> Message:
    shown = ", ".join(f"{u.feature} {w:.0%}" for u, w in zip(used, weights, strict=True))
    return Message(
        "schemes_d_indicator_dropped",
        {
            "scheme": scheme.name,
            "feature": ind.feature,
            "feature_label": feature_message(ind.feature),
            "weights": shown,
        },
    )


def _normalised(
    features: ir.Table, ind: Indicator, bounds: tuple[float, float] | None, *, zeros: bool
) -> ir.FloatingValue:
    value = features[ind.feature].cast("float64")
    if ind.normalise == "rank" and zeros:
        positive = value.notnull() & (value > 0)
        window = ibis.window(group_by=positive, order_by=value)
        share = ibis.cume_dist().over(window) * 100
        norm = ibis.cases((positive, share), (value.notnull(), 0.0), else_=ibis.null("float64"))
    elif ind.normalise == "rank":
        window = ibis.window(group_by=value.notnull(), order_by=value)
        norm = ibis.ifelse(
            value.notnull(), value.percent_rank().over(window) * 100, ibis.null("float64")
        )
    else:
        low, high = bounds if bounds is not None else (0.0, 0.0)
        if high <= low:
            norm = ibis.ifelse(value.notnull(), ibis.literal(50.0), ibis.null("float64"))
        else:
            norm = ((value - low) / (high - low)).clip(0, 1) * 100
    if ind.direction == "lower_is_better":
        norm = 100 - norm
    return norm.cast("float64")


def _zero_inflated(features: ir.Table, indicators: list[Indicator]) -> set[int]:
    """Rank indicators of a non-negative measure with zeros and positive values (one query).

    Their positive values are ranked among themselves (cumulative share, 0-100] and 0 scores 0:
    "no revenue in the window" is not a rank among buyers.
    """
    ranked = [i for i, ind in enumerate(indicators) if ind.normalise == "rank"]
    if not ranked:
        return set()
    aggs = {}
    for i in ranked:
        value = features[indicators[i].feature].cast("float64")
        aggs[f"lo{i}"], aggs[f"z{i}"] = value.min(), (value == 0).sum()
        aggs[f"p{i}"] = (value > 0).sum()
    row = features.aggregate(**aggs).to_pyarrow().to_pylist()[0]
    return {
        i
        for i in ranked
        if (row[f"lo{i}"] or 0) >= 0 and (row[f"z{i}"] or 0) > 0 and (row[f"p{i}"] or 0) > 0
    }


def _data_bounds(features: ir.Table, indicators: list[Indicator]) -> dict[int, tuple[float, float]]:
    """min/max per non-rank indicator: configured, else from the data (one query)."""
    aggs = {}
    for i, ind in enumerate(indicators):
        if ind.normalise != "rank" and (ind.min is None or ind.max is None):
            value = features[ind.feature].cast("float64")
            aggs[f"lo{i}"], aggs[f"hi{i}"] = value.min(), value.max()
    row = features.aggregate(**aggs).to_pyarrow().to_pylist()[0] if aggs else {}
    out: dict[int, tuple[float, float]] = {}
    for i, ind in enumerate(indicators):
        if ind.normalise == "rank":
            continue
        low = ind.min if ind.min is not None else row.get(f"lo{i}")
        high = ind.max if ind.max is not None else row.get(f"hi{i}")
        out[i] = (float(low or 0.0), float(high or 0.0))
    return out
