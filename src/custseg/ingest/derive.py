"""Keys derived when a file has none (also in the README, "Data in"; the ingest report says so).

* **Orders without an order number**: one order per customer and date, ``order_id`` =
  ``<customer_id>-<yyyymmdd>``; the lines of that customer and day are its lines, numbered in
  file order. Lines that repeat another line of the same order exactly are kept (without an order
  number nothing tells a double export from two equal purchases) and counted in the report.
* **Payments without an invoice number**: ``invoice_id`` = ``<order number>-<due yyyymmdd>``
  when the file has an order number column (订单号, order no …), else
  ``<customer_id>-<due yyyymmdd>``; a second, third … row with the same id gets ``-2``, ``-3`` in
  file order. Stable as long as the file's rows keep their order.

Each is an engine expression over the whole table (the numbering is a window in file order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir


def _day(dates: ir.Value) -> ir.StringValue:
    return dates.strftime("%Y%m%d")  # type: ignore[attr-defined,no-any-return]


def order_ids(customer: ir.StringValue, order_date: ir.Value) -> ir.StringValue:
    """Return ``<customer>-<yyyymmdd>`` where both are present, else missing."""
    both = customer.notnull() & order_date.notnull()
    return ibis.ifelse(both, customer + "-" + _day(order_date), ibis.null(dt.string))


def invoice_ids(
    customer: ir.StringValue,
    due: ir.Value,
    order_key: ir.StringValue | None,
    row: ir.IntegerValue,
    apart: Sequence[ir.Value] = (),
) -> ir.StringValue:
    """Return the derived invoice ids (the module's rule); missing where no basis is present.

    ``row`` orders the rows (file order); rows differing in ``apart`` are numbered apart.
    """
    base = customer if order_key is None else order_key.coalesce(customer)
    ids = ibis.ifelse(base.notnull() & due.notnull(), base + "-" + _day(due),
                      ibis.null(dt.string))
    seen = ibis.row_number().over(group_by=[ids, *apart], order_by=row) + 1
    suffix = ibis.ifelse(seen > 1, "-" + seen.cast(dt.string), "")
    return ids + suffix  # type: ignore[no-any-return]


def derive_keys(
    source: ir.Table,
    columns: dict[str, ir.Value],
    derived: Mapping[str, str | None],
    row: ir.IntegerValue,
    apart: Sequence[ir.Value] = (),
) -> None:
    """Fill the ``derived`` key columns of ``columns`` (``source``: the file's own columns)."""
    if "order_id" in derived:
        columns["order_id"] = order_ids(columns["customer_id"], columns["order_date"])
    if "invoice_id" in derived:
        key = source["__order_key"] if derived["invoice_id"] is not None else None
        columns["invoice_id"] = invoice_ids(columns["customer_id"], columns["due_date"], key,
                                            row, apart)
