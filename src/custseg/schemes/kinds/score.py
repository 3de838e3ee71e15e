"""``score``: a weighted composite of normalised indicators, graded by thresholds (综合加权评分).

Each indicator is normalised to 0-100 (100 = best):

- ``rank``: percentile rank among the customers with a value;
- ``minmax``: ``(x - min) / (max - min)`` clipped to [0, 1], with ``min``/``max`` from the
  configuration or, when not given, from the data (one query);
- ``fixed``: as ``minmax`` with the configured ``min`` and ``max``;

then flipped (``100 - n``) when ``lower_is_better``. A missing value takes ``missing`` (a score,
or ``mean``: the mean normalised value of the others; 50 when nobody has a value). Weights are
scaled to sum 1, so the composite is a weighted mean in 0-100. Customers matching
``fallback.when`` whose ``fallback.score_feature`` is not null (new customers with a prospect
score) are scored by that feature, clipped to 0-100, instead. Grades are tried best first: the
first with ``score >= min`` wins, and a score below every minimum gets the last grade.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import Indicator, ScoreScheme
from custseg.schemes.expr import compile_predicate
from custseg.schemes.kinds.base import (
    Assignment,
    class_counts,
    concat,
    empty_class_notes,
    finish,
    fmt,
    number_text,
)


def assign(features: ir.Table, scheme: ScoreScheme) -> Assignment:
    """Score and grade each customer of ``features``."""
    bounds = _data_bounds(features, scheme.indicators)
    staged = features.mutate(
        **{
            f"_n{i}": _normalised(features, ind, bounds.get(i))
            for i, ind in enumerate(scheme.indicators)
        }
    )
    weights = scheme.weights
    parts = []
    for i, (ind, weight) in enumerate(zip(scheme.indicators, weights, strict=True)):
        norm = staged[f"_n{i}"]
        fill = (
            norm.mean().over(ibis.window()) if ind.missing == "mean" else ibis.literal(ind.missing)
        )
        parts.append(norm.coalesce(fill, ibis.literal(50.0)) * weight)
    composite = sum(parts[1:], parts[0])
    explained = concat(
        *_join(
            [
                concat(f"{ind.feature} ", number_text(p))
                for ind, p in zip(scheme.indicators, parts, strict=True)
            ],
            " + ",
        )
    )
    score, why = composite, concat("weighted: ", explained)
    if scheme.fallback is not None:
        fb = scheme.fallback
        use = (
            compile_predicate(fb.when, staged, where=f"{scheme.name}.fallback.when")
            & staged[fb.score_feature].notnull()
        )
        own = staged[fb.score_feature].cast("float64").clip(0, 100)
        score = ibis.ifelse(use, own, composite)
        why = ibis.ifelse(
            use, concat(f"fallback ({fb.when}): {fb.score_feature} ", number_text(own)), why
        )
    staged = staged.mutate(_score=score, _why=why)
    s = staged._score
    grades = scheme.grades
    class_key = ibis.cases(*[(s >= g.min, g.class_) for g in grades], else_=grades[-1].class_)
    grade_text = ibis.cases(
        *[(s >= g.min, f" ≥ {fmt(g.min)}") for g in grades], else_=f" < {fmt(grades[-1].min)}"
    )
    reason = concat("score ", number_text(s), grade_text, "; ", staged._why)
    table = finish(staged, class_key, s, reason)
    notes = empty_class_notes(class_counts(table), scheme, [g.class_ for g in grades])
    thresholds = {
        "weights": {
            ind.feature: round(w, 6) for ind, w in zip(scheme.indicators, weights, strict=True)
        },
        "grades": {g.class_: g.min for g in grades},
        "bounds": {scheme.indicators[i].feature: list(b) for i, b in bounds.items()},
    }
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds)


def _normalised(
    features: ir.Table, ind: Indicator, bounds: tuple[float, float] | None
) -> ir.FloatingValue:
    value = features[ind.feature].cast("float64")
    if ind.normalise == "rank":
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


def _join(items: list[ir.StringValue], sep: str) -> list[str | ir.StringValue]:
    out: list[str | ir.StringValue] = []
    for i, item in enumerate(items):
        out += [sep, item] if i else [item]
    return out
