"""Build the feature table: one row per customer, as of a date, as one Ibis expression.

Plan (what keeps it fast on 10 M order lines): order lines dated on or before as_of are
aggregated once per (customer, order) and once per (customer, purchase day); every family then
contributes aggregates to ONE grouped aggregation per intermediate table. Categories, payments
and opportunities are one grouped aggregation each. The per-customer tables are left-joined to
the set of customers, then the families derive their columns in two stages (plain columns;
those that need them); the window-based scores (RFM, loyalty) are computed on a narrow table
of purchasers built from the per-customer order tables, and joined like the other parts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date
from types import ModuleType

import ibis
import ibis.expr.types as ir

from custseg.features import (
    attributes,
    credit,
    frequency,
    loyalty,
    mix,
    monetary,
    pipeline,
    profit,
    recency,
    region,
    regularity,
    rfm,
    rhythm,
)
from custseg.features._context import BuildContext
from custseg.features._orders import OrderTables, order_lines, order_totals, purchase_days
from custseg.features._prune import Pruning, null_columns
from custseg.features.params import FeatureParameters
from custseg.features.registry import FEATURES, FeatureSpec, get_feature
from custseg.tables import TABLE_NAMES, TableName

_Finisher = Callable[[ir.Table, BuildContext], dict[str, ir.Value]]

ORDER_FAMILIES: tuple[ModuleType, ...] = (recency, frequency, monetary, profit, pipeline)
DAY_FAMILIES: tuple[ModuleType, ...] = (frequency, regularity)

# Derived columns, stage by stage; each entry runs when its input table exists.
STAGES: tuple[tuple[tuple[TableName, _Finisher], ...], ...] = (
    (
        ("orders", recency.finish),
        ("orders", frequency.finish),
        ("orders", profit.finish),
        ("orders", mix.finish),
        ("orders", pipeline.finish_orders),
        ("payments", credit.finish),
        ("opportunities", pipeline.finish_opportunities),
        ("customers", region.finish),
    ),
    (("orders", monetary.finish), ("orders", regularity.finish)),
)

# Window-based scores among purchasers, computed on a narrow table of purchasers and joined.
SCORE_PREREQUISITES: tuple[_Finisher, ...] = (recency.finish, frequency.finish, regularity.finish)
SCORERS: tuple[_Finisher, ...] = (rfm.scores, loyalty.scores)
SCORE_COLUMNS: tuple[str, ...] = ("r_score", "f_score", "m_score", "rfm_score", "loyalty_score")
SCORE_INPUTS: tuple[str, ...] = (
    "customer_id",
    "recency_days",
    "orders_count",
    "monetary_total",
    "first_purchase_date",
    "last_purchase_date",
    "gap_cv",
    "active_months_12m",
)


def available_tables(con: ibis.BaseBackend) -> set[str]:
    """Names of the canonical input tables that exist in the workspace."""
    existing = set(con.list_tables())
    return {name for name in TABLE_NAMES if name in existing}


def build_feature_table(
    con: ibis.BaseBackend,
    as_of: date,
    *,
    parameters: FeatureParameters | None = None,
    columns: Collection[str] | None = None,
    orders: OrderTables | None = None,
) -> ir.Table:
    """Return the feature table as of ``as_of``: one row per customer, columns :data:`FEATURES`.

    Only rows dated on or before ``as_of`` are used (later rows are ignored). A missing input
    table gives null features (see ``FeatureSpec.requires``), never an error. Nothing is
    computed until the expression is executed.

    ``columns`` (feature names) limits the table to ``customer_id`` and those features; only
    what they are computed from is computed, and the rows and values are those of the whole
    table. An unknown name raises :class:`~custseg.errors.UnknownNameError`.

    ``orders`` (the order tables of the same as-of date, see :func:`order_tables`) are read
    instead of aggregating the order lines again; the values are the same.
    """
    ctx = BuildContext(as_of=as_of, parameters=parameters or FeatureParameters())
    tables = available_tables(con)
    if columns is None:
        return _build(con, ctx, tables, Pruning(), FEATURES, orders)
    specs = _requested(columns)
    recorded = Pruning()
    _build(con, ctx, tables, recorded, specs, orders)
    keep = recorded.closure(spec.name for spec in specs)
    return _build(con, ctx, tables, Pruning(keep), specs, orders)


def _requested(columns: Collection[str]) -> tuple[FeatureSpec, ...]:
    """The specs of ``customer_id`` and of the requested features, in the table's order."""
    names = {"customer_id", *(get_feature(name).name for name in columns)}
    return tuple(spec for spec in FEATURES if spec.name in names)


def _build(
    con: ibis.BaseBackend,
    ctx: BuildContext,
    tables: set[str],
    pruning: Pruning,
    specs: tuple[FeatureSpec, ...],
    prepared: OrderTables | None = None,
) -> ir.Table:
    keyed, id_sources, constants = _customer_tables(con, ctx, tables, pruning, prepared)
    if not id_sources:
        return _empty_table(specs)
    ids = _union_ids(id_sources)
    joined = _join_parts(ids, [part for part in keyed if pruning.needs(part)])
    left_out = [part for part in keyed if not pruning.needs(part)]
    if left_out:
        joined = joined.mutate(**_merge(null_columns(part) for part in left_out))
    if constants is not None:
        constants = constants.select(*rhythm.FEATURE_COLUMNS)
        if pruning.needs(constants, key=""):
            joined = joined.cross_join(constants)
        else:
            joined = joined.mutate(**null_columns(constants, key=""))
    for stage in STAGES:
        derived: dict[str, ir.Value] = {}
        for table, finisher in stage:
            if table in tables:
                derived |= finisher(joined, ctx)
        if derived:
            joined = pruning.mutate(joined, derived)
    return joined.select(*(_feature_column(joined, spec.name, spec.dtype) for spec in specs))


def _customer_tables(
    con: ibis.BaseBackend,
    ctx: BuildContext,
    tables: set[str],
    pruning: Pruning,
    prepared: OrderTables | None = None,
) -> tuple[list[ir.Table], list[ir.Table], ir.Table | None]:
    """Per-customer tables, the tables of customer ids, and the base-wide constants.

    The constants are one row (the purchase rhythm; None without orders).
    """
    keyed: list[ir.Table] = []
    id_sources: list[ir.Table] = []
    constants: ir.Table | None = None
    if "customers" in tables:
        keyed.append(attributes.customer_attributes(con))
        id_sources.append(attributes.known_customer_ids(con, ctx))
    if "orders" in tables:
        lines = order_lines(con, ctx)
        if prepared is None:
            orders = order_totals(lines, pruning)
            days = purchase_days(orders, ctx, pruning)
        else:
            orders, days = prepared.totals, prepared.days.drop("amount")
        by_order = pruning.aggregate(
            orders,
            "customer_id",
            _merge(family.order_metrics(orders, ctx) for family in ORDER_FAMILIES),
        )
        by_day = pruning.aggregate(
            days, "customer_id", _merge(family.day_metrics(days, ctx) for family in DAY_FAMILIES)
        )
        keyed += [
            by_order,
            _purchase_part(by_order, by_day, ctx, pruning),
            mix.category_metrics(lines),
        ]
        id_sources.append(by_order.select("customer_id"))
        if prepared is None:
            # the first order date is the first line's date: the order totals hold it too, and
            # reading them keeps the order lines referenced once (DuckDB materialises a common
            # table expression read twice: 10 M lines copied before they are aggregated)
            constants = rhythm.base_rhythm(days, orders, ctx, pruning)
        else:
            constants = prepared.rhythm
    if "payments" in tables:
        keyed.append(credit.payment_metrics(con, ctx))
        id_sources.append(keyed[-1].select("customer_id"))
    if "opportunities" in tables:
        keyed.append(pipeline.opportunity_metrics(con, ctx))
        id_sources.append(keyed[-1].select("customer_id"))
    return keyed, id_sources, constants


def _purchase_part(
    by_order: ir.Table, by_day: ir.Table, ctx: BuildContext, pruning: Pruning
) -> ir.Table:
    """The purchase-day aggregates and the window-based scores, one row per purchaser.

    by_day holds exactly the purchasers. The windows run on a narrow table built from the
    per-customer order tables (not on the wide joined table, which would then be referenced
    twice and computed twice). Without a kept score, it is by_day itself.
    """
    day_columns = [name for name in by_day.columns if name != "customer_id"]
    if pruning.keep is not None and pruning.keep.isdisjoint(SCORE_COLUMNS):
        return by_day.mutate(**{name: ibis.null(get_feature(name).dtype) for name in SCORE_COLUMNS})
    purchasers = by_order.join(by_day, "customer_id")
    for finisher in SCORE_PREREQUISITES:
        purchasers = pruning.mutate(purchasers, finisher(purchasers, ctx))
    narrow = purchasers.select(*dict.fromkeys([*SCORE_INPUTS, *day_columns]))
    # The window aggregates first, in a select of their own: the scores read them as columns.
    narrow = pruning.mutate(narrow, rfm.ranges(narrow, ctx))
    kept, left_out = pruning.split(_merge(scorer(narrow, ctx) for scorer in SCORERS))
    nulls = {name: ibis.null(value.type()) for name, value in left_out.items()}
    return narrow.select("customer_id", *day_columns, **kept, **nulls)


def _join_parts(ids: ir.Table, parts: list[ir.Table]) -> ir.Table:
    """Left-join every per-customer part to the customer ids, as one join chain."""
    joined = ids
    keys: list[str] = []
    for number, part in enumerate(parts):
        key = f"_key{number}"
        keyed = part.rename({key: "customer_id"})
        joined = joined.left_join(keyed, ids.customer_id == keyed[key])
        keys.append(key)
    return joined.drop(*keys)


def _merge(parts: Iterable[dict[str, ir.Value]]) -> dict[str, ir.Value]:
    merged: dict[str, ir.Value] = {}
    for part in parts:
        merged |= part
    return merged


def _union_ids(sources: list[ir.Table]) -> ir.Table:
    if len(sources) == 1:
        return sources[0].distinct()
    return ibis.union(*sources, distinct=False).distinct()


def _feature_column(t: ir.Table, name: str, dtype: str) -> ir.Value:
    if name in t.columns:
        return t[name].cast(dtype).name(name)
    return ibis.null(dtype).name(name)


def _empty_table(specs: tuple[FeatureSpec, ...]) -> ir.Table:
    schema = ibis.schema({spec.name: spec.dtype for spec in specs})
    return ibis.memtable(schema.to_pyarrow().empty_table())
