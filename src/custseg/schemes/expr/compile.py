"""Compile a condition's syntax tree to an Ibis expression over a feature table.

Only Ibis operations are used (never SQL text). Semantics:

- comparisons follow SQL three-valued logic inside the expression, and
  :func:`compile_predicate` turns a null result into ``False``: a null feature never satisfies
  a rule (``not (x > 1)`` is false when ``x`` is null);
- arithmetic (``+ - * /``, unary minus of a feature) is computed in float64, so it never
  overflows; a result that is infinite or not a number is null (exact for integers up to 2**53);
- ``a / b`` is null when ``b`` is 0; ``ln``/``log10`` of a value <= 0 and ``sqrt`` of a negative
  value are null;
- integers and floats mix freely; a date (or timestamp) feature compared with a string literal
  reads the literal as ``'YYYY-MM-DD'``;
- ``coalesce``/``least``/``greatest`` follow the backend (DuckDB's ``least`` ignores nulls).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from custseg.errors import ConfigError, UnknownNameError
from custseg.schemes.expr.ast import (
    And,
    Between,
    BinOp,
    Bool,
    Call,
    Compare,
    In,
    IsNull,
    Name,
    Neg,
    Node,
    Not,
    Null,
    Number,
    Or,
    String,
)
from custseg.schemes.expr.parser import parse
from custseg.schemes.expr.render import render

_INT64_MAX = 2**63 - 1
_COMPARE: dict[str, Callable[[Any, Any], ir.Value]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_ARITH: dict[str, Callable[[Any, Any], ir.Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}


def compile_condition(node: Node | str, table: ir.Table, *, where: str = "") -> ir.Value:
    """Return the Ibis expression of ``node`` (or of the condition text) over ``table``.

    Raises
    ------
    UnknownNameError
        when a feature is not a column of ``table`` (the message suggests close names).
    ConfigError
        when types do not fit (a string compared with a number, arithmetic on strings,
        ``and`` of non-booleans, ...); the message names the feature and its type.
    """
    tree = parse(node, where=where) if isinstance(node, str) else node
    return _Compiler(table, where).compile(tree)


def compile_predicate(node: Node | str, table: ir.Table, where: str = "") -> ir.BooleanValue:
    """Return ``node`` as a boolean Ibis expression that is never null (null becomes false).

    Use this for rules: a condition that evaluates to null (e.g. on a null feature) is false.

    Raises
    ------
    ConfigError
        when the condition is not a true/false condition (e.g. ``orders_12m + 1``).
    """
    tree = parse(node, where=where) if isinstance(node, str) else node
    value = compile_condition(tree, table, where=where)
    dtype = value.type()
    if not dtype.is_boolean():
        prefix = f"{where}: " if where else ""
        raise ConfigError(
            f"{prefix}a condition must be true or false, but {render(tree)!r} is {dtype}; "
            f"compare it with something, e.g. '{render(tree)} > 0'",
            key_path=where or None,
        )
    return value.fill_null(False)


def _kind(dtype: Any) -> str:
    """Return the family of an Ibis type: number, string, boolean, date, timestamp, null."""
    for name, test in (
        ("number", dtype.is_numeric),
        ("string", dtype.is_string),
        ("boolean", dtype.is_boolean),
        ("date", dtype.is_date),
        ("timestamp", dtype.is_timestamp),
        ("null", dtype.is_null),
    ):
        if test():
            return name
    return str(dtype)


class _Compiler:
    def __init__(self, table: ir.Table, where: str) -> None:
        self.table = table
        self.where = where
        self.columns = tuple(table.columns)
        self.handlers: dict[type, Callable[[Any], ir.Value]] = {
            Number: self.number,
            String: self.string,
            Bool: self.boolean,
            Null: self.null,
            Name: self.name,
            Neg: self.neg,
            Not: self.not_,
            BinOp: self.binop,
            Compare: self.compare,
            And: self.and_,
            Or: self.or_,
            Between: self.between,
            In: self.in_,
            IsNull: self.is_null,
            Call: self.call,
        }

    def compile(self, node: Node) -> ir.Value:
        return self.handlers[type(node)](node)

    def fail(self, problem: str, advice: str = "") -> ConfigError:
        text = (
            (f"{self.where}: " if self.where else "") + problem + (f"; {advice}" if advice else "")
        )
        return ConfigError(text, key_path=self.where or None)

    def describe(self, node: Node, value: ir.Value) -> str:
        if isinstance(node, Name):
            return f"feature {node.name!r} ({value.type()})"
        if isinstance(node, Number | String | Bool | Null):
            return render(node)
        return f"{render(node)!r} ({value.type()})"

    # -- atoms -------------------------------------------------------------------------------
    def number(self, node: Number) -> ir.Value:
        if isinstance(node.value, int) and node.value <= _INT64_MAX:
            return ibis.literal(node.value, type="int64")
        return ibis.literal(float(node.value), type="float64")

    def string(self, node: String) -> ir.Value:
        return ibis.literal(node.value, type="string")

    def boolean(self, node: Bool) -> ir.Value:
        return ibis.literal(node.value, type="boolean")

    def null(self, node: Null) -> ir.Value:
        return ibis.null()

    def name(self, node: Name) -> ir.Value:
        if node.name not in self.columns:
            raise UnknownNameError(node.name, self.columns, what="feature", where=self.where)
        return self.table[node.name]

    # -- type helpers ------------------------------------------------------------------------
    def numeric(self, node: Node, what: str) -> ir.Value:
        value = self.compile(node)
        kind = _kind(value.type())
        if kind == "number":
            return value
        if kind == "null" and not isinstance(node, Null):
            return value.cast("float64")
        raise self.fail(
            f"{what} needs numbers, but {self.describe(node, value)} is not a number",
            "use a numeric feature or convert the condition",
        )

    def condition(self, node: Node, what: str) -> ir.Value:
        value = self.compile(node)
        kind = _kind(value.type())
        if kind == "boolean" or (kind == "null" and not isinstance(node, Null)):
            return value
        example = f"{render(node)} > 0" if kind == "number" else f"{render(node)} = '...'"
        raise self.fail(
            f"{what} needs true/false conditions, but {self.describe(node, value)} is not one",
            f"compare it, e.g. '{example}'",
        )

    def pair(self, left: Node, right: Node, verb: str) -> tuple[ir.Value, ir.Value]:
        """Compile two operands that must be comparable; read date strings as dates."""
        if isinstance(left, Null) or isinstance(right, Null):
            shown = render(right if isinstance(right, Null) else left)
            raise self.fail(
                f"cannot {verb} with {shown}: a comparison with null is never true",
                "write 'x is null' or 'x is not null'",
            )
        lv, rv = self.compile(left), self.compile(right)
        lk, rk = _kind(lv.type()), _kind(rv.type())
        if lk in ("date", "timestamp") and isinstance(right, String):
            return lv, self.date_literal(right, lk, lv, left)
        if rk in ("date", "timestamp") and isinstance(left, String):
            return self.date_literal(left, rk, rv, right), rv
        temporal = {"date", "timestamp"}
        if lk == rk or "null" in (lk, rk) or {lk, rk} <= temporal:
            return lv, rv
        raise self.fail(
            f"cannot {verb} {self.describe(left, lv)} with {self.describe(right, rv)}",
            "both sides must be numbers, strings, dates or booleans "
            "(quote a string: region = '广东'; do not quote a number: orders_12m >= 3)",
        )

    def date_literal(self, node: String, kind: str, other: ir.Value, other_node: Node) -> Any:
        try:
            if kind == "date":
                return ibis.literal(dt.date.fromisoformat(node.value), type="date")
            return ibis.literal(dt.datetime.fromisoformat(node.value), type="timestamp")
        except ValueError:
            raise self.fail(
                f"{render(node)} is not a date, so it cannot be compared with "
                f"{self.describe(other_node, other)}",
                "write dates as 'YYYY-MM-DD', e.g. '2024-01-31'",
            ) from None

    # -- operators ---------------------------------------------------------------------------
    def neg(self, node: Neg) -> ir.Value:
        if isinstance(node.operand, Number):  # a negative literal keeps its type
            value = node.operand.value
            return ibis.literal(-value, type="int64" if isinstance(value, int) else "float64")
        return _finite(-self.numeric(node.operand, "unary minus").cast("float64"))

    def binop(self, node: BinOp) -> ir.Value:
        """Arithmetic in float64: no integer overflow; an infinite or NaN result is null."""
        what = f"arithmetic ('{node.op}')"
        left = self.numeric(node.left, what).cast("float64")
        right = self.numeric(node.right, what).cast("float64")
        if node.op != "/":
            return _finite(_ARITH[node.op](left, right))
        if isinstance(node.right, Number) and node.right.value != 0:
            return _finite(left / right)
        return _finite(left / right.nullif(0))

    def compare(self, node: Compare) -> ir.Value:
        left, right = self.pair(node.left, node.right, "compare")
        return _COMPARE[node.op](left, right)

    def between(self, node: Between) -> ir.Value:
        value, low = self.pair(node.operand, node.low, "compare")
        _, high = self.pair(node.operand, node.high, "compare")
        result = value.between(low, high)
        return ~result if node.negated else result

    def in_(self, node: In) -> ir.Value:
        value = self.compile(node.operand)
        options: list[ir.Value] = []
        for option in node.options:
            if isinstance(option, Null):
                raise self.fail(
                    "null in an 'in (...)' list never matches",
                    "test for missing values with 'x is null'",
                )
            options.append(self.pair(node.operand, option, "compare")[1])
        return value.notin(options) if node.negated else value.isin(options)

    def is_null(self, node: IsNull) -> ir.Value:
        value = self.compile(node.operand)
        return value.notnull() if node.negated else value.isnull()

    def not_(self, node: Not) -> ir.Value:
        return ~self.condition(node.operand, "'not'")

    def and_(self, node: And) -> ir.Value:
        values = [self.condition(o, "'and'") for o in node.operands]
        result = values[0]
        for value in values[1:]:
            result = result & value
        return result

    def or_(self, node: Or) -> ir.Value:
        values = [self.condition(o, "'or'") for o in node.operands]
        result = values[0]
        for value in values[1:]:
            result = result | value
        return result

    # -- functions ---------------------------------------------------------------------------
    def call(self, node: Call) -> ir.Value:
        if node.func in _DOMAIN:
            value = self.numeric(node.args[0], f"{node.func}()")
            lowest, inclusive = _DOMAIN[node.func]
            ok = value >= lowest if inclusive else value > lowest
            guarded = ibis.ifelse(ok, value, ibis.null(value.type()))
            return getattr(guarded, node.func)()
        if node.func == "abs":
            return self.numeric(node.args[0], "abs()").abs()
        return self.variadic(node.func, node.args)

    def variadic(self, func: str, args: Sequence[Node]) -> ir.Value:
        present = [a for a in args if not isinstance(a, Null)]
        if not present:
            raise self.fail(f"{func}() needs at least one argument that is not null")
        first = present[0]
        values = [self.compile(first)] + [
            self.pair(first, a, f"mix in {func}()")[1] for a in present[1:]
        ]
        if len(values) == 1:
            return values[0]
        return {"coalesce": ibis.coalesce, "least": ibis.least, "greatest": ibis.greatest}[func](
            *values
        )


def _finite(value: ir.Value) -> ir.Value:
    """``value`` (float64), with inf, -inf and NaN replaced by null."""
    return ibis.ifelse(value.isinf() | value.isnan(), ibis.null("float64"), value)


# Functions defined on part of the line: name -> (lowest value, lowest included); null outside.
_DOMAIN: dict[str, tuple[int, bool]] = {"ln": (0, False), "log10": (0, False), "sqrt": (0, True)}
