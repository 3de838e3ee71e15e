"""What every assigner returns, and the small Ibis pieces the kinds share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.schemes.expr import compile_predicate
from custseg.schemes.scheme_base import SchemeBase

OUTPUT_COLUMNS = ("customer_id", "class_key", "score", "reason")


@dataclass(frozen=True)
class Assignment:
    """The result of one scheme over a feature table.

    ``table`` has one row per input customer: ``customer_id``, ``class_key`` (string, never
    null), ``score`` (float64, may be null) and ``reason`` (short English text).
    ``diagnostics`` are human-readable notes (ties, degenerate bins, empty classes...);
    ``thresholds`` the cut values actually used (JSON-serialisable).
    """

    table: ir.Table
    diagnostics: list[str] = field(default_factory=list)
    thresholds: dict[str, Any] = field(default_factory=dict)


def finish(
    features: ir.Table, class_key: ir.Value, score: ir.Value | None, reason: ir.Value
) -> ir.Table:
    """Select the four output columns, with their contract types."""
    return features.select(
        customer_id=features.customer_id.cast("string"),
        class_key=class_key.cast("string"),
        score=(score if score is not None else ibis.null()).cast("float64"),
        reason=reason.cast("string"),
    )


def in_population(features: ir.Table, where: str | None, scheme: str) -> ir.BooleanValue:
    """The ``where`` condition as a never-null boolean (true for everyone when absent)."""
    if not where:
        return ibis.literal(True)
    return compile_predicate(where, features, where=f"{scheme}.where")


def number_text(value: ir.NumericValue) -> ir.StringValue:
    """A number as text for reasons: rounded to 2 decimals, ``null`` shown as ``null``.

    Rounded to 6 decimals first, so that float noise from summation order (1e-12) never flips
    the second decimal between two runs on the same data.
    """
    return value.cast("float64").round(6).round(2).cast("string").fill_null("null")


def fmt(value: float | None) -> str:
    """A threshold as text for reasons: ``1,234.5`` (at most 2 decimals)."""
    if value is None:
        return "null"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def concat(*parts: str | ir.StringValue) -> ir.StringValue:
    """Concatenate literal text and string expressions."""
    out: ir.StringValue = ibis.literal("")
    for part in parts:
        out = out + (ibis.literal(part) if isinstance(part, str) else part)
    return out


def class_counts(table: ir.Table) -> dict[str, int]:
    """Customers per class key (one eager query)."""
    counts = table.group_by("class_key").aggregate(n=table.count()).to_pyarrow().to_pylist()
    return {row["class_key"]: int(row["n"]) for row in counts}


def empty_class_notes(
    counts: dict[str, int], scheme: SchemeBase, keys: Sequence[str] | None = None
) -> list[str]:
    """A note for each class (of ``keys``, default all) that received no customer."""
    wanted = scheme.class_keys if keys is None else list(keys)
    empty = [k for k in wanted if counts.get(k, 0) == 0]
    if not empty:
        return []
    return [f"{len(empty)} class(es) received no customer: {empty}"]


def quantiles(
    features: ir.Table, population: ir.BooleanValue, columns: dict[str, tuple[str, float]]
) -> dict[str, float | None]:
    """Exact quantiles in one query: ``{name: (feature, q)}`` over the population's non-null values."""
    if not columns:
        return {}
    t = features.filter(population)
    aggs = {name: t[feat].cast("float64").quantile(q) for name, (feat, q) in columns.items()}
    row = t.aggregate(**aggs).to_pyarrow().to_pylist()[0]
    return {k: (None if v is None else float(v)) for k, v in row.items()}


def tie_notes(
    features: ir.Table, population: ir.BooleanValue, feature: str, *, limit: float = 0.2
) -> list[str]:
    """Warn when more than ``limit`` of the population shares a single value of ``feature``."""
    t = features.filter(population & features[feature].notnull())
    value = t[feature]
    top = (
        t.group_by(v=value)
        .aggregate(n=t.count())
        .order_by([ibis.desc("n"), "v"])
        .limit(1)
        .to_pyarrow()
        .to_pylist()
    )
    total = int(t.count().to_pyarrow().as_py())
    if not top or total == 0 or top[0]["n"] / total <= limit:
        return []
    share = top[0]["n"] / total
    return [
        f"{feature}: {share:.0%} of the population share the value {top[0]['v']!r}; "
        "quantile cuts cannot split them (ties go to the higher tier)"
    ]
