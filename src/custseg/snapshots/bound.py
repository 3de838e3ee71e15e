"""An Ibis query compiled once and run many times with one value bound (a customer's id).

Ibis compiles an expression to SQL every time it runs it, which for a small lookup (one
customer's rows) costs more than the lookup itself. A :class:`BoundQuery` asks Ibis for the SQL
of the expression once, with the parameter left as a placeholder of the driver, and then hands
that text and the value to the backend's driver (DuckDB: ``?``; PostgreSQL through psycopg:
``%s``). The SQL is still Ibis's; only the value is bound. On other backends (PySpark) it runs
the expression through Ibis with the parameter, as before.
"""

from __future__ import annotations

import secrets
from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

_MARKS = {"duckdb": "?", "postgres": "%s"}
"""The placeholder of each driver this module binds values through."""


class BoundQuery:
    """The SQL of ``expr`` with ``param`` left to bind; :meth:`rows` runs it for one value."""

    def __init__(self, con: BaseBackend, expr: ibis.Table, param: ibis.Scalar) -> None:
        self._con = con
        self.expr = expr
        self._param = param
        self.sql: str | None = None
        """The compiled text (None: this backend runs the expression through Ibis)."""
        self.slots = 0
        """How many times the parameter occurs in :attr:`sql` (each gets the same value)."""
        schema = expr.schema()
        self._struct = schema.as_struct().to_pyarrow()
        self._names = tuple(schema.names)
        # DuckDB's driver gives these types as Ibis reads them (str, int, float, bool, date):
        # its tuples need no conversion. Others (timestamps, decimals, ...) go through Arrow.
        self._plain = con.name == "duckdb" and all(
            t.is_string() or t.is_integer() or t.is_float64() or t.is_boolean() or t.is_date()
            for t in schema.types
        )
        mark = _MARKS.get(con.name)
        if mark is not None and not expr.op().find(ops.InMemoryTable):
            self.sql, self.slots = _compile(con, expr, param, mark)

    def rows(self, value: Any) -> list[dict[str, Any]]:
        """The query's rows for ``value``: column name -> Python value, as Ibis reads them."""
        if self.sql is None or self.slots == 0:
            return self.expr.to_pyarrow(params={self._param: value}).to_pylist()
        values = [value] * self.slots
        raw = self._con.con  # type: ignore[attr-defined]
        if self._con.name == "duckdb":
            found = raw.execute(self.sql, values).fetchall()
            if self._plain:
                return [dict(zip(self._names, row, strict=True)) for row in found]
        else:
            with raw.cursor() as cursor, raw.transaction():
                found = cursor.execute(self.sql, values).fetchall()
        # The driver's tuples as Ibis's PostgreSQL backend reads them: into Arrow, typed by the
        # expression's schema (cheaper than Arrow from DuckDB for one wide row).
        return pa.array(found, type=self._struct).to_pylist()  # type: ignore[no-any-return]


def _compile(con: BaseBackend, expr: ibis.Table, param: ibis.Scalar, mark: str) -> tuple[str, int]:
    """Ibis's SQL of ``expr`` with every use of ``param`` as the driver's placeholder ``mark``."""
    sentinel = f"custseg-param-{secrets.token_hex(8)}"
    tree = con.compiler.to_sqlglot(expr, params={param: sentinel})  # type: ignore[attr-defined]
    token = f"custseg_slot_{secrets.token_hex(8)}"
    slots = 0

    def swap(node: sge.Expression) -> sge.Expression:
        nonlocal slots
        if isinstance(node, sge.Literal) and node.is_string and node.this == sentinel:
            slots += 1
            return sge.Var(this=token)
        return node

    text = tree.transform(swap).sql(dialect=con.dialect)  # type: ignore[attr-defined]
    if sentinel in text or text.count(token) != slots:
        return text, 0  # the value did not end up as plain literals: let Ibis bind it
    if mark == "%s":  # psycopg's format style: a literal percent sign is written twice
        text = text.replace("%", "%%")
    return text.replace(token, mark), slots
