"""``matrix``: two features, each split in two, give four quadrants (sales × loyalty).

The customers are split in three groups: outside ``where`` -> ``outside_class``; in ``where``
but outside ``population`` (the customers the measures are meaningful for, e.g. buyers in the
window) -> ``unplaced_class``; the population gets a quadrant. Each axis is "high" on the high
side of its split: the split itself for ``fixed`` (a value equal to it is high), or the
quantile over the population's values for ``quantile``, by the rule of
:mod:`custseg.schemes.kinds.splits` (among positive values of a non-negative measure with
zeros, ties kept together on the side nearest the designed share). ``cells`` names the class of
each quadrant, x first (``high_low`` = high x, low y). Either value null -> ``missing_class``.
There is no score.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.schemes.config_kinds import Axis, MatrixScheme
from custseg.schemes.expr import compile_predicate
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


def assign(features: ir.Table, scheme: MatrixScheme) -> Assignment:
    """Put each customer of ``features`` in a quadrant of ``scheme``."""
    where = in_population(features, scheme.where, scheme.name)
    placed = where & _placed(features, scheme)
    splits = {
        name: _split(features, scheme, axis, placed)
        for name, axis in (("x", scheme.x), ("y", scheme.y))
    }
    cx, cy = splits["x"].cuts[0], splits["y"].cuts[0]
    x = features[scheme.x.feature].cast("float64")
    y = features[scheme.y.feature].cast("float64")
    x_high, y_high = cx.high(x), cy.high(y)
    cells = scheme.cells
    class_key = ibis.cases(
        (~where, scheme.outside_class or ""),
        (~placed, scheme.unplaced_class or ""),
        (x.isnull() | y.isnull(), scheme.missing_class or ""),
        (x_high & y_high, cells.high_high),
        (x_high, cells.high_low),
        (y_high, cells.low_high),
        else_=cells.low_low,
    )
    reason = ibis.cases(
        (~where, code("schemes_r_outside", scheme.where or "")),
        (~placed, code("schemes_r_unplaced", scheme.population or "")),
        (x.isnull() | y.isnull(), code("schemes_r_null2", scheme.x.feature, scheme.y.feature)),
        else_=code(
            "schemes_r_matrix",
            *_axis_params(scheme.x, x, x_high, cx),
            *_axis_params(scheme.y, y, y_high, cy),
        ),
    )
    table = finish(features, class_key, None, reason)
    notes = [*splits["x"].notes, *splits["y"].notes]
    thresholds = {
        name: {
            "feature": axis.feature,
            "method": axis.method,
            "split": axis.split,
            "value": splits[name].cuts[0].to_json(),
            "ties_up": splits[name].cuts[0].ties_up,
            "zeros_excluded": splits[name].zeros_excluded,
        }
        for name, axis in (("x", scheme.x), ("y", scheme.y))
    }
    if scheme.population:
        thresholds["population"] = scheme.population
    check = empty_class_check(scheme, list(cells.model_dump().values()))
    return Assignment(table=table, diagnostics=notes, thresholds=thresholds, empty_check=check)


def quantile_requests(features: ir.Table, scheme: MatrixScheme) -> list[QuantileRequest]:
    """The quantile cuts :func:`assign` will ask for (one per axis split at a quantile)."""
    placed = in_population(features, scheme.where, scheme.name) & _placed(features, scheme)
    return [
        QuantileRequest(placed, axis.feature, (axis.split,), scheme.name)
        for axis in (scheme.x, scheme.y)
        if axis.method != "fixed"
    ]


def _placed(features: ir.Table, scheme: MatrixScheme) -> ir.BooleanValue:
    if not scheme.population:
        return ibis.literal(True)
    return compile_predicate(scheme.population, features, where=f"{scheme.name}.population")


def _split(features: ir.Table, scheme: MatrixScheme, axis: Axis, placed: ir.BooleanValue) -> Split:
    if axis.method == "fixed":
        return fixed_cuts([axis.split])
    return quantile_cuts(features, placed, axis.feature, [axis.split], scheme.name)


def _axis_params(
    axis: Axis, value: ir.NumericValue, high: ir.BooleanValue, cut: Cut
) -> tuple[str | ir.StringValue, ...]:
    name = f"P{axis.split * 100:g} " if axis.method == "quantile" else ""
    op = ibis.ifelse(high, ibis.literal(cut.op_high), ibis.literal(cut.op_low))
    side = ibis.ifelse(high, ibis.literal("schemes_w_high"), ibis.literal("schemes_w_low"))
    return (axis.feature, number_text(value), op, f"{name}{fmt(cut.value)}", side)
