"""Which named columns a feature build computes, so that a build of a few features is cheap.

A build runs twice when only some features are asked for: the first time it computes
everything and records, for every named column it creates (an aggregate, a derived column),
the names of the columns that column is computed from; the closure of that record over the
requested features is what the second build keeps. Everything else is replaced by a typed
null, so that every table keeps its columns and the code that derives features is the same in
both builds (a null placeholder is never read by a kept column: the closure says so).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir


def referenced_names(value: ir.Value) -> set[str]:
    """Names of the table columns ``value`` reads directly (not those its tables are made of)."""
    fields = value.op().find(ops.Field, filter=lambda node: not isinstance(node, ops.Relation))
    return {field.name for field in fields}


class Pruning:
    """The names a build keeps (None: all), and what each named column is computed from."""

    def __init__(self, keep: Collection[str] | None = None) -> None:
        self.keep = None if keep is None else frozenset(keep)
        self.sources: dict[str, set[str]] = {}

    def split(
        self, values: Mapping[str, ir.Value], always: Collection[str] = ()
    ) -> tuple[dict[str, ir.Value], dict[str, ir.Value]]:
        """Record the sources of ``values``; return (kept, left out).

        The names in ``always`` are kept whatever is asked for (e.g. the columns that decide
        which rows a table has).
        """
        self.record(values)
        if self.keep is None:
            return dict(values), {}
        kept = {k: v for k, v in values.items() if k in self.keep or k in always}
        left_out = {k: v for k, v in values.items() if k not in kept}
        return kept, left_out

    def record(self, values: Mapping[str, ir.Value]) -> None:
        """Record what each of ``values`` is computed from (for columns always computed)."""
        for name, value in values.items():
            self.sources.setdefault(name, set()).update(referenced_names(value))

    def aggregate(
        self,
        table: ir.Table,
        by: str | Sequence[str],
        metrics: Mapping[str, ir.Value],
        always: Collection[str] = (),
    ) -> ir.Table:
        """``table.group_by(by).aggregate(metrics)`` computing only the kept metrics."""
        kept, left_out = self.split(metrics, always)
        return _with_nulls(table.group_by(by).aggregate(**kept), left_out)

    def mutate(self, table: ir.Table, values: Mapping[str, ir.Value]) -> ir.Table:
        """``table.mutate(values)`` computing only the kept values."""
        kept, left_out = self.split(values)
        return _with_nulls(table.mutate(**kept) if kept else table, left_out)

    def needs(self, part: ir.Table, key: str = "customer_id") -> bool:
        """True when a column of ``part`` other than ``key`` is kept."""
        return self.keep is None or any(c in self.keep for c in part.columns if c != key)

    def closure(self, names: Iterable[str]) -> frozenset[str]:
        """``names`` and, transitively, every name they are computed from."""
        needed: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in needed:
                needed.add(name)
                todo.extend(self.sources.get(name, ()))
        return frozenset(needed)


def null_columns(part: ir.Table, key: str = "customer_id") -> dict[str, ir.Value]:
    """Typed nulls standing for the columns of ``part`` other than ``key``."""
    return {name: ibis.null(dtype) for name, dtype in part.schema().items() if name != key}


def _with_nulls(table: ir.Table, left_out: Mapping[str, ir.Value]) -> ir.Table:
    if not left_out:
        return table
    return table.mutate(**{name: ibis.null(value.type()) for name, value in left_out.items()})
