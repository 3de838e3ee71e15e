"""``tiers``: quantile or fixed-threshold tiers of one feature (high / medium / low ...).

With cuts ``c1 < ... < cn`` the thresholds ``T1 <= ... <= Tn`` are the cuts themselves
(``fixed``) or quantiles of the feature over the population (``quantile``, by the rule of
:mod:`custseg.schemes.kinds.splits`: among positive values when the measure is non-negative
and has zeros, ties kept together on the side nearest the designed share). A customer on the
high side of ``Tn`` gets the first (best) class, of ``T(n-1)`` the second, ... and below ``T1``
the last tier class. With ``fixed`` cuts a value equal to a threshold belongs to the higher
tier. Outside the ``where`` population -> ``outside_class``; a null value -> ``missing_class``.
The score is the percentile rank (0-100) of the value within the population.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.i18n import Message
from custseg.schemes.config_kinds import TiersScheme
from custseg.schemes.kinds.base import (
    Assignment,
    empty_class_check,
    finish,
    fmt,
    in_population,
    number_text,
)
from custseg.schemes.kinds.reasons import code
from custseg.schemes.kinds.splits import Cut, QuantileRequest, Split, fixed_cuts, quantile_cuts


def assign(features: ir.Table, scheme: TiersScheme) -> Assignment:
    """Assign each customer of ``features`` a tier of ``scheme.feature``."""
    population = in_population(features, scheme.where, scheme.name)
    split = threshold_split(features, scheme, population)
    cuts = split.cuts
    value = features[scheme.feature].cast("float64")
    n = len(scheme.cuts)
    tiers = scheme.class_keys[: n + 1]
    names = [_cut_name(scheme, c) for c in scheme.cuts]
    text = number_text(value)
    feat = scheme.feature
    cases: list[tuple[ir.BooleanValue, str, ir.StringValue]] = [
        (~population, scheme.outside_class or "", code("schemes_r_outside", scheme.where or "")),
        (value.isnull(), scheme.missing_class or "", code("schemes_r_null", feat)),
    ]
    for i in range(n - 1, -1, -1):
        cut = cuts[i]
        reason = code("schemes_r_cmp", feat, text, cut.op_high, f"{names[i]}{fmt(cut.value)}")
        cases.append((cut.high(value), tiers[n - 1 - i], reason))
    last = code("schemes_r_cmp", feat, text, cuts[0].op_low, f"{names[0]}{fmt(cuts[0].value)}")
    if split.zeros_excluded:
        last = ibis.ifelse(value == 0, code("schemes_r_zero", feat, text), last)
    class_key = ibis.cases(*[(c, k) for c, k, _ in cases], else_=tiers[n])
    reason_expr = ibis.cases(*[(c, r) for c, _, r in cases], else_=last)
    valid = population & value.notnull()
    rank = value.percent_rank().over(ibis.window(group_by=valid, order_by=value))
    score = ibis.ifelse(valid, rank * 100, ibis.null("float64"))
    table = finish(features, class_key, score, reason_expr)
    notes: list[Message | str] = [*_degenerate_notes(scheme, cuts, tiers), *split.notes]
    thresholds = {
        "feature": scheme.feature,
        "method": scheme.method,
        "cuts": list(scheme.cuts),
        "values": [c.to_json() for c in cuts],
        "ties_up": [c.ties_up for c in cuts],
        "zeros_excluded": split.zeros_excluded,
    }
    return Assignment(
        table=table,
        diagnostics=notes,
        thresholds=thresholds,
        empty_check=empty_class_check(scheme, tiers),
    )


def threshold_split(features: ir.Table, scheme: TiersScheme, population: ir.BooleanValue) -> Split:
    """The cuts of ``scheme``: the fixed thresholds, or quantiles of the population."""
    if scheme.method == "fixed":
        return fixed_cuts(list(scheme.cuts))
    return quantile_cuts(features, population, scheme.feature, list(scheme.cuts), scheme.name)


def quantile_requests(features: ir.Table, scheme: TiersScheme) -> list[QuantileRequest]:
    """The quantile cuts :func:`assign` will ask for (none with fixed thresholds)."""
    if scheme.method == "fixed":
        return []
    population = in_population(features, scheme.where, scheme.name)
    return [QuantileRequest(population, scheme.feature, tuple(scheme.cuts), scheme.name)]


def threshold_values(
    features: ir.Table, scheme: TiersScheme, population: ir.BooleanValue
) -> list[float]:
    """The threshold value of each cut (``inf`` when the population has no value)."""
    return [c.value for c in threshold_split(features, scheme, population).cuts]


def _cut_name(scheme: TiersScheme, cut: float) -> str:
    return f"P{cut * 100:g} " if scheme.method == "quantile" else ""


def _degenerate_notes(scheme: TiersScheme, cuts: list[Cut], tiers: list[str]) -> list[Message]:
    notes = []
    for i in range(1, len(cuts)):
        same = cuts[i] == cuts[i - 1]  # same value and same side for ties: an empty tier
        if same and cuts[i].value != float("inf"):
            notes.append(
                Message(
                    "schemes_d_same_cut",
                    {
                        "scheme": scheme.name,
                        "cut_a": f"{scheme.cuts[i - 1]:g}",
                        "cut_b": f"{scheme.cuts[i]:g}",
                        "feature": scheme.feature,
                        "value": fmt(cuts[i].value),
                        "cls": tiers[len(cuts) - i],
                    },
                )
            )
    if cuts and cuts[0].value == float("inf"):
        notes.append(
            Message(
                "schemes_d_all_null",
                {"scheme": scheme.name, "feature": scheme.feature, "cls": scheme.missing_class},
            )
        )
    return notes
