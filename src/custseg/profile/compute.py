"""Profile the data as of a date: two intermediate tables (orders, purchase days), one query.

What it measures (every share is 0-1):

- **inputs**: for each input table present, its rows dated on or before the as-of date and the
  fill share of each optional column (customer attributes, survey fields, order cost, category,
  discount, quantity; payments and opportunities rows);
- **rhythm**: the base's purchase rhythm - percentiles of the gaps between consecutive
  purchase days pooled over all customers (the same numbers as the ``base_gap_*_days``
  features, see :mod:`custseg.features.rhythm`), whether they were measured or are the
  fallbacks, and the share of purchasers who bought on one day only;
- **history**: first and last order date and the span in days;
- **activity**: customers (ids in the customers table known as of the date or in the orders),
  purchasers, and the share of customers with revenue in the last 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.features import FeatureParameters, available_tables
from custseg.features._context import BuildContext
from custseg.features._orders import OrderTables, order_lines, purchase_days
from custseg.features.rhythm import QUANTILES, base_rhythm
from custseg.tables import SCHEMAS, TableName

DATE_COLUMNS: dict[TableName, str | None] = {
    "customers": None,
    "orders": "order_date",
    "payments": "due_date",
    "opportunities": "created_date",
}
"""The column that dates a row of each table (rows after the as-of date are not counted)."""

SURVEY_FIELDS: tuple[str, ...] = ("decision_factor", "satisfaction", "prospect_score")


@dataclass(frozen=True)
class DataProfile:
    """The profile of the data as of a date (JSON-serialisable through :meth:`to_dict`)."""

    as_of: date
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rhythm: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (dates as ISO text)."""
        return {
            "as_of": self.as_of.isoformat(),
            "inputs": self.inputs,
            "rhythm": self.rhythm,
            "history": self.history,
            "activity": self.activity,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataProfile:
        """Inverse of :meth:`to_dict`."""
        return cls(
            as_of=date.fromisoformat(data["as_of"]),
            inputs=dict(data.get("inputs") or {}),
            rhythm=dict(data.get("rhythm") or {}),
            history=dict(data.get("history") or {}),
            activity=dict(data.get("activity") or {}),
        )

    def fill_share(self, table: str, column: str) -> float | None:
        """Fill share of one input column; None when the table is absent."""
        entry = self.inputs.get(table)
        if entry is None:
            return None
        return float(entry["columns"].get(column, 0.0))


def profile_data(
    con: BaseBackend,
    as_of: date,
    *,
    parameters: FeatureParameters | None = None,
    orders: OrderTables | None = None,
) -> DataProfile:
    """Profile the workspace's data as of ``as_of`` (one query; nothing is written).

    ``orders`` (the order tables of the same date, e.g. a run's) are read instead of
    aggregating the order lines again.
    """
    ctx = BuildContext(as_of=as_of, parameters=parameters or FeatureParameters())
    tables = available_tables(con)
    if orders is not None or "orders" not in tables:
        query = profile_query(con, as_of, tables, parameters=parameters, orders=orders)
        if query is None:
            return DataProfile(as_of=as_of)
        return profile_of_row(as_of, _one_row([query]), tables)
    parts = _fill_parts(con, ctx, tables)
    # Two small tables computed once (orders, purchase days), then one query reads them.
    totals = _order_nets(order_lines(con, ctx)).cache()
    days = purchase_days(totals, ctx).cache()
    try:
        parts.append(_order_part(con, ctx, tables, totals, days))
        row = _one_row(parts)
    finally:
        for table in (days, totals):
            table.release()
    return profile_of_row(as_of, row, tables)


def profile_query(
    con: BaseBackend,
    as_of: date,
    tables: set[str],
    *,
    parameters: FeatureParameters | None = None,
    orders: OrderTables | None = None,
) -> ir.Table | None:
    """The profile's one-row query, reading ``orders`` (needed when the orders table is among
    ``tables``, the workspace's input tables); None when no input table is present.

    It uses ``as_of`` only through date literals of the date and of the activity window's
    start, so a series compiles it once (:mod:`custseg.dated_sql`).
    """
    ctx = BuildContext(as_of=as_of, parameters=parameters or FeatureParameters())
    parts = _fill_parts(con, ctx, tables)
    if not parts:
        return None
    if "orders" in tables:
        if orders is None:
            raise ValueError("the profile query of a workspace with orders reads its order tables")
        parts.append(_order_part(con, ctx, tables, orders.totals, orders.days, orders.rhythm))
    return _cross(parts)


def profile_of_row(as_of: date, row: dict[str, Any], tables: set[str]) -> DataProfile:
    """The profile from the row of :func:`profile_query` (``tables``: the input tables)."""
    return DataProfile(
        as_of=as_of,
        inputs={name: _inputs_of(row, name) for name in DATE_COLUMNS if name in tables},
        rhythm=_rhythm_of(row) if "orders" in tables else {},
        history=_history_of(row) if "orders" in tables else {},
        activity=_activity_of(row, tables),
    )


def _fill_parts(con: BaseBackend, ctx: BuildContext, tables: set[str]) -> list[ir.Table]:
    """The fill counts of every input table present, one one-row table each."""
    return [_fill_part(con, name, ctx) for name in DATE_COLUMNS if name in tables]  # type: ignore[arg-type]


def _fill_part(con: BaseBackend, name: TableName, ctx: BuildContext) -> ir.Table:
    """Rows of one table dated on or before as_of and the non-null count of each column."""
    table = con.table(name)
    dated = DATE_COLUMNS[name]
    if name == "customers":
        keep = table.created_date.isnull() | (table.created_date <= ctx.as_of_literal())
        table = table.filter(keep)
    elif dated is not None:
        table = table.filter(table[dated] <= ctx.as_of_literal())
    optional = [c.name for c in SCHEMAS[name] if not c.required and c.name in table.columns]
    counts = {f"{name}__{c}": _filled(table[c]) for c in optional}
    return table.aggregate(**{f"{name}__rows": table.count()}, **counts)


def _filled(value: ir.Value) -> ir.IntegerScalar:
    """Rows where the column holds a value (blank text counts as empty)."""
    if value.type().is_string():
        return (value.notnull() & (value.strip() != "")).sum().cast("int64")
    return value.count()


def _order_nets(lines: ir.Table) -> ir.Table:
    """One row per (customer, order): its date and net total (as in ``order_totals``)."""
    return lines.group_by(["customer_id", "order_id"]).aggregate(
        order_date=lines.order_date.min(), net=lines.amount.sum()
    )


def _order_part(
    con: BaseBackend,
    ctx: BuildContext,
    tables: set[str],
    totals: ir.Table,
    days: ir.Table,
    rhythm: ir.Table | None = None,
) -> ir.Table:
    """Rhythm, history and activity of the orders as one row (``rhythm``: already computed)."""
    lines = order_lines(con, ctx)
    per_customer = days.group_by("customer_id").aggregate(n_days=days.count())
    buyers = per_customer.aggregate(
        purchasers=per_customer.count(), one_time=per_customer.count(where=per_customer.n_days == 1)
    )
    window = totals.filter(ctx.in_window(totals.order_date))
    revenue = window.group_by("customer_id").aggregate(net=window.net.sum())
    recent = revenue.aggregate(with_revenue_12m=revenue.count(where=revenue.net > 0))
    ids = totals.select("customer_id")
    if "customers" in tables:
        from custseg.features.attributes import known_customer_ids

        ids = ibis.union(ids, known_customer_ids(con, ctx), distinct=False)
    customers = ids.distinct().aggregate(customers=ibis._.count())
    span = lines.aggregate(
        first_order_date=lines.order_date.min(), last_order_date=lines.order_date.max()
    )
    if rhythm is None:
        rhythm = base_rhythm(days, lines, ctx)
    return _cross([rhythm, buyers, recent, customers, span])


def _cross(parts: list[ir.Table]) -> ir.Table:
    """One-row tables side by side."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.cross_join(part)
    return joined


def _one_row(parts: list[ir.Table]) -> dict[str, Any]:
    """Cross-join one-row tables and execute them as one query."""
    return dict(_cross(parts).to_pyarrow().to_pylist()[0])


def _inputs_of(row: dict[str, Any], name: str) -> dict[str, Any]:
    rows = int(row.get(f"{name}__rows") or 0)
    prefix = f"{name}__"
    columns = {
        key.removeprefix(prefix): round(int(value or 0) / rows, 4) if rows else 0.0
        for key, value in row.items()
        if key.startswith(prefix) and key != f"{name}__rows"
    }
    return {"rows": rows, "columns": columns}


def _num(value: Any, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _rhythm_of(row: dict[str, Any]) -> dict[str, Any]:
    purchasers = int(row.get("purchasers") or 0)
    one_time = int(row.get("one_time") or 0)
    rhythm: dict[str, Any] = {
        "measured": bool(row["measured"]),
        "repeat_buyers": int(row["repeat_buyers"] or 0),
        "gaps": int(row["gaps"] or 0),
        "one_time_buyers": one_time,
        "one_time_share": round(one_time / purchasers, 4) if purchasers else None,
    }
    for q in QUANTILES:
        rhythm[f"gap_{q}_days"] = _num(row[f"base_gap_{q}_days"])
        rhythm[f"measured_gap_{q}_days"] = _num(row[f"measured_gap_{q}_days"])
    return rhythm


def _history_of(row: dict[str, Any]) -> dict[str, Any]:
    first, last = row.get("first_order_date"), row.get("last_order_date")
    return {
        "first_order_date": first.isoformat() if first else None,
        "last_order_date": last.isoformat() if last else None,
        "span_days": int(row["history_days"]) if row.get("history_days") is not None else None,
    }


def _activity_of(row: dict[str, Any], tables: set[str]) -> dict[str, Any]:
    if "orders" not in tables:
        return {"customers": int(row.get("customers__rows") or 0)}
    customers = int(row.get("customers") or 0)
    recent = int(row.get("with_revenue_12m") or 0)
    return {
        "customers": customers,
        "purchasers": int(row.get("purchasers") or 0),
        "with_revenue_12m": recent,
        "revenue_12m_share": round(recent / customers, 4) if customers else None,
    }
