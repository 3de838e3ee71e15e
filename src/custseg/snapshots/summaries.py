"""Per-class summaries of a snapshot: customers and 12-month revenue per scheme and class.

A snapshot never changes, so its summary is counted once, when the snapshot is written (in its
transaction, table ``snapshot_summaries``), and read from there afterwards: ``custseg show``, the
API's summaries and the trend read a few hundred rows instead of joining every customer's
classes to the feature table. Snapshots stored before the table existed get their rows from
migration 5 (both through :func:`custseg.snapshots.store.store_summary`); a snapshot kept on
a compute engine (Spark) has none and is counted when read.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from custseg.workspace_schema.tables import SNAPSHOT_SUMMARIES, SUMMARIES_SCHEMA

REVENUE_FEATURE = "revenue_12m"
"""The feature summed per class."""

COUNT_COLUMNS: tuple[str, ...] = ("scheme", "class_key", "customers", "revenue")
"""Columns of :func:`count_classes` and :func:`stored_counts` (per snapshot: ``snapshot_id`` too)."""


def count_classes(
    assignments: ir.Table, features: ir.Table, schemes: Sequence[str] | None = None
) -> ir.Table:
    """``scheme, class_key, customers, revenue`` of ``assignments`` (of ``schemes``, if given).

    ``revenue`` is the sum of the customers' 12-month revenue from ``features`` (0 where the
    feature is missing or null).
    """
    a = assignments if schemes is None else assignments.filter(
        assignments.scheme.isin(list(schemes))
    )
    revenue = (
        features[REVENUE_FEATURE] if REVENUE_FEATURE in features.columns else ibis.literal(0.0)
    )
    f = features.select("customer_id", revenue=revenue.fill_null(0.0))
    joined = a.join(f, "customer_id", how="left")
    return joined.group_by(["scheme", "class_key"]).aggregate(
        customers=joined.count(), revenue=joined.revenue.sum()
    )


def stored_counts(
    con: BaseBackend, snapshot_ids: Sequence[str], schemes: Sequence[str] | None = None
) -> pd.DataFrame:
    """The stored summary rows of ``snapshot_ids`` (of ``schemes``, if given).

    Columns: snapshot_id and :data:`COUNT_COLUMNS`. A snapshot without stored rows (one kept
    on a compute engine, or a scheme that classified nobody) has none here.
    """
    t = con.table(SNAPSHOT_SUMMARIES)
    keep = t.snapshot_id.isin(list(snapshot_ids))
    if schemes is not None:
        keep &= t.scheme.isin(list(schemes))
    picked = t.filter(keep).select(
        "snapshot_id", "scheme", "class_key", "customers", revenue=t.revenue_12m
    )
    return picked.to_pandas()


__all__ = [
    "COUNT_COLUMNS",
    "REVENUE_FEATURE",
    "SUMMARIES_SCHEMA",
    "count_classes",
    "stored_counts",
]
