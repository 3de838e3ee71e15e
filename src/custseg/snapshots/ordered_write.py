"""A run's assignments appended in customer order on DuckDB, within the engine's memory limit.

The assignments of every scheme (customers × schemes rows) are written sorted by customer and
scheme: DuckDB keeps no index on ``assignments``; its min-max zone maps skip every row group
whose customer_id range misses the one asked for, which makes one customer's detail and history
cheap only when each snapshot's rows are written in customer order (PostgreSQL uses its index,
migration 3, and is not written this way). One
statement that computed every scheme and sorted the result held the schemes' whole-base
windows (percentile ranks) and the sort at once: at 1,000,000 customers it needed more than
4 GB, at 10,000,000 it ran out of a 10 GB limit. Here the rows are first computed into a
temporary staging table (the windows alone, in any order: insertion order is not kept, so
DuckDB may spill), then appended from it sorted, one range of customers at a time (each sort
bounded by :data:`BATCH_CUSTOMERS` customers' rows). The stored rows and their order are the
same as the one statement's: the ranges are consecutive and ``(customer_id, scheme)`` is
unique. The run stages its rows before its snapshot's transaction begins and reads the class
counts, the health check and the summary from the staged table (see
:meth:`custseg.snapshots.store.SnapshotStore.write`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from custseg.engine import create_table_from, fsst_disabled, insert_from, insertion_order_relaxed

BATCH_CUSTOMERS = 1_000_000
"""Customers whose assignments are sorted and appended by one statement."""

RangeFilter = Callable[[ir.StringValue], ir.BooleanValue]
"""Given the ``customer_id`` column, whether a row lies in one range of customers."""


def insert_in_customer_order(
    con: BaseBackend,
    table: str,
    rows: ibis.Table,
    *,
    staging: str,
    customers: ibis.Table,
    batch: int | None = None,
) -> int:
    """Append ``rows`` to ``table`` sorted by customer and scheme; the number of statements.

    ``rows`` go through the temporary table ``staging`` (:func:`stage`, dropped afterwards);
    ``customers`` (one row per customer, its ``customer_id``) gives the ranges of ``batch``
    customers each (default :data:`BATCH_CUSTOMERS`).
    """
    staged = stage(con, staging, rows)
    try:
        return append_in_customer_order(con, table, staged, customers=customers, batch=batch)
    finally:
        con.drop_table(staging, force=True)


def stage(con: BaseBackend, staging: str, rows: ibis.Table) -> ibis.Table:
    """``rows`` computed, in any order, into the temporary table ``staging``; that table.

    Temporary: its rows are read a few times and then dropped, so compressing them for the
    database file (most of what writing a persistent table costs) would be wasted; DuckDB
    spills it to its temporary directory when it outgrows the memory limit. The caller drops it.
    """
    with insertion_order_relaxed(con):
        return create_table_from(con, staging, rows, temp=True)


def append_in_customer_order(
    con: BaseBackend,
    table: str,
    staged: ibis.Table,
    *,
    customers: ibis.Table,
    batch: int | None = None,
    schemes: Collection[str] | None = None,
) -> int:
    """Append the rows of ``staged`` to ``table`` sorted by customer and scheme, range by range.

    ``customers`` (one row per customer, its ``customer_id``) gives the ranges of ``batch``
    customers each (default :data:`BATCH_CUSTOMERS`); the number of statements is returned.
    ``schemes`` names every scheme in ``staged`` (found in it when not given). The strings are
    stored without FSST compression (:func:`custseg.engine.fsst_disabled`).
    """
    ranges = customer_ranges(customers, BATCH_CUSTOMERS if batch is None else batch)
    if schemes is None:
        schemes = staged.select("scheme").distinct().scheme.to_pyarrow().to_pylist()
    within = scheme_position(staged.scheme, schemes)
    with fsst_disabled(con):
        for keep in ranges:
            part = staged.filter(keep(staged.customer_id)) if keep is not None else staged
            insert_from(con, table, part.order_by([part.customer_id, within]))
    return len(ranges)


def scheme_position(scheme: ir.StringValue, schemes: Collection[str | None]) -> ir.IntegerValue:
    """A scheme's place among ``schemes`` sorted as the engine sorts text; nulls last.

    Sorting by it gives the order of sorting by the name, at a fraction of the cost: at
    1,000,000 customers the sort of the 28,000,000 rows took 31–32 s of CPU by this number
    against 38–42 s by the name (scheme names share long prefixes such as ``purchase_``).
    """
    # Python orders str by code point, as UTF-8 bytes (DuckDB's and PostgreSQL's "C" order) do.
    names = sorted(name for name in set(schemes) if name is not None)
    positions = {name: number for number, name in enumerate(names)}
    return scheme.substitute(positions, else_=ibis.null("int16")).cast("int16")


def customer_ranges(customers: ibis.Table, batch: int) -> list[RangeFilter | None]:
    """Consecutive ranges of at most ``batch`` customer ids (as strings), in ascending order.

    ``[None]`` (everything at once) when there are no more than ``batch`` customers. The last
    range also holds a null id (sorted last, as a sort of everything would place it).
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    ids = customers.select(customer_id=customers.customer_id.cast("string"))
    ids = ids.filter(ids.customer_id.notnull())
    ranked = ids.mutate(_n=ibis.row_number().over(order_by=ids.customer_id))
    ends = ranked.filter((ranked._n + 1) % batch == 0).order_by("customer_id")
    bounds: list[str] = ends.customer_id.to_pyarrow().to_pylist()
    if not bounds:
        return [None]
    ranges: list[RangeFilter | None] = [lambda c, hi=bounds[0]: c <= hi]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        ranges.append(lambda c, lo=lo, hi=hi: (c > lo) & (c <= hi))
    ranges.append(lambda c, lo=bounds[-1]: (c > lo) | c.isnull())
    return ranges
