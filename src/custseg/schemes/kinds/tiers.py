"""``tiers``: quantile or fixed-threshold tiers of one feature (high / medium / low ...).

With cuts ``c1 < ... < cn`` the threshold values ``T1 <= ... <= Tn`` are the cuts themselves
(``fixed``) or the exact quantiles of the feature over the population's non-null values
(``quantile``, computed in one query). A customer whose value is ``>= Tn`` gets the first
(best) class, ``>= T(n-1)`` the second, ... and below ``T1`` the last tier class. A value equal
to a threshold belongs to the higher tier, so ties never split. Outside the ``where``
population -> ``outside_class``; a null value -> ``missing_class``.
The score is the percentile rank (0-100) of the value within the population.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import TiersScheme
from custseg.schemes.kinds.base import (
    Assignment,
    class_counts,
    concat,
    empty_class_notes,
    finish,
    fmt,
    in_population,
    number_text,
    quantiles,
    tie_notes,
)


def assign(features: ir.Table, scheme: TiersScheme) -> Assignment:
    """Assign each customer of ``features`` a tier of ``scheme.feature``."""
    population = in_population(features, scheme.where, scheme.name)
    values = threshold_values(features, scheme, population)
    value = features[scheme.feature].cast("float64")
    n = len(scheme.cuts)
    tiers = scheme.class_keys[: n + 1]
    names = [_cut_name(scheme, c) for c in scheme.cuts]
    text = number_text(value)
    cases: list[tuple[ir.BooleanValue, str, ir.StringValue]] = [
        (
            ~population,
            scheme.outside_class or "",
            concat(f"outside the population: not ({scheme.where})"),
        ),
        (value.isnull(), scheme.missing_class or "", concat(f"{scheme.feature} is null")),
    ]
    for i in range(n - 1, -1, -1):
        cls = tiers[n - 1 - i]
        cases.append(
            (
                value >= values[i],
                cls,
                concat(f"{scheme.feature} ", text, f" ≥ {names[i]} {fmt(values[i])}"),
            )
        )
    last = concat(f"{scheme.feature} ", text, f" < {names[0]} {fmt(values[0])}")
    class_key = ibis.cases(*[(c, k) for c, k, _ in cases], else_=tiers[n])
    reason = ibis.cases(*[(c, r) for c, _, r in cases], else_=last)
    valid = population & value.notnull()
    rank = value.percent_rank().over(ibis.window(group_by=valid, order_by=value))
    score = ibis.ifelse(valid, rank * 100, ibis.null("float64"))
    table = finish(features, class_key, score, reason)
    notes = _degenerate_notes(scheme, values, tiers)
    if scheme.method == "quantile":
        notes += tie_notes(features, population, scheme.feature)
    notes += empty_class_notes(class_counts(table), scheme, tiers)
    thresholds = {
        "feature": scheme.feature,
        "method": scheme.method,
        "cuts": list(scheme.cuts),
        "values": [v if v != float("inf") else None for v in values],
    }
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds)


def threshold_values(
    features: ir.Table, scheme: TiersScheme, population: ir.BooleanValue
) -> list[float]:
    """The threshold of each cut: the cut itself, or the quantile of the population."""
    if scheme.method == "fixed":
        return [float(c) for c in scheme.cuts]
    found = quantiles(
        features, population, {f"q{i}": (scheme.feature, c) for i, c in enumerate(scheme.cuts)}
    )
    return [
        found[f"q{i}"] if found[f"q{i}"] is not None else float("inf")
        for i in range(len(scheme.cuts))
    ]


def _cut_name(scheme: TiersScheme, cut: float) -> str:
    return f"P{cut * 100:g}" if scheme.method == "quantile" else "threshold"


def _degenerate_notes(scheme: TiersScheme, values: list[float], tiers: list[str]) -> list[str]:
    notes = []
    for i in range(1, len(values)):
        if values[i] == values[i - 1]:
            empty = tiers[len(values) - i]
            notes.append(
                f"cuts {scheme.cuts[i - 1]:g} and {scheme.cuts[i]:g} give the same "
                f"{scheme.feature} value {fmt(values[i])}: class {empty!r} is empty"
            )
    if values and values[0] == float("inf"):
        notes.append(
            f"{scheme.feature} is null for the whole population: everyone is "
            f"{scheme.missing_class!r}"
        )
    return notes
