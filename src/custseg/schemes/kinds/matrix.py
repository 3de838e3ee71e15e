"""``matrix``: two features, each split in two, give four quadrants (sales × loyalty).

Each axis is "high" when its value is ``>=`` the split (the split itself for ``fixed``, the exact
quantile over the population's non-null values for ``quantile``). ``cells`` names the class of
each quadrant, x first (``high_low`` = high x, low y). Outside ``where`` -> ``outside_class``;
either value null -> ``missing_class``. There is no score.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import Axis, MatrixScheme
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
)


def assign(features: ir.Table, scheme: MatrixScheme) -> Assignment:
    """Put each customer of ``features`` in a quadrant of ``scheme``."""
    population = in_population(features, scheme.where, scheme.name)
    splits = _split_values(features, scheme, population)
    x = features[scheme.x.feature].cast("float64")
    y = features[scheme.y.feature].cast("float64")
    x_high, y_high = x >= splits["x"], y >= splits["y"]
    cells = scheme.cells
    class_key = ibis.cases(
        (~population, scheme.outside_class or ""),
        (x.isnull() | y.isnull(), scheme.missing_class or ""),
        (x_high & y_high, cells.high_high),
        (x_high, cells.high_low),
        (y_high, cells.low_high),
        else_=cells.low_low,
    )
    reason = ibis.cases(
        (~population, concat(f"outside the population: not ({scheme.where})")),
        (x.isnull() | y.isnull(), concat(f"{scheme.x.feature} or {scheme.y.feature} is null")),
        else_=concat(
            _axis_reason(scheme.x, x, x_high, splits["x"]),
            "; ",
            _axis_reason(scheme.y, y, y_high, splits["y"]),
        ),
    )
    table = finish(features, class_key, None, reason)
    notes = empty_class_notes(class_counts(table), scheme, list(cells.model_dump().values()))
    thresholds = {
        "x": {
            "feature": scheme.x.feature,
            "method": scheme.x.method,
            "split": scheme.x.split,
            "value": _json(splits["x"]),
        },
        "y": {
            "feature": scheme.y.feature,
            "method": scheme.y.method,
            "split": scheme.y.split,
            "value": _json(splits["y"]),
        },
    }
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds)


def _split_values(
    features: ir.Table, scheme: MatrixScheme, population: ir.BooleanValue
) -> dict[str, float]:
    wanted = {
        name: (axis.feature, axis.split)
        for name, axis in (("x", scheme.x), ("y", scheme.y))
        if axis.method == "quantile"
    }
    found = quantiles(features, population, wanted)
    fixed = {
        name: axis.split
        for name, axis in (("x", scheme.x), ("y", scheme.y))
        if axis.method == "fixed"
    }
    return {k: (v if v is not None else float("inf")) for k, v in {**found, **fixed}.items()}


def _axis_reason(
    axis: Axis, value: ir.NumericValue, high: ir.BooleanValue, split: float | None
) -> ir.StringValue:
    name = f"P{axis.split * 100:g} " if axis.method == "quantile" else ""
    return concat(
        f"{axis.feature} ",
        number_text(value),
        ibis.ifelse(
            high,
            ibis.literal(f" ≥ {name}{fmt(split)} (high)"),
            ibis.literal(f" < {name}{fmt(split)} (low)"),
        ),
    )


def _json(value: float) -> float | None:
    return None if value == float("inf") else value
