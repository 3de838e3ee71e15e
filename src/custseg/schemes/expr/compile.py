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
from custseg.i18n import Message
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
        text = render(tree)
        problem = {"where": prefix, "text": text, "quoted": repr(text), "dtype": str(dtype)}
        raise ConfigError(Message("expr_not_a_condition", problem), key_path=where or None)
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

    def fail(self, problem: Message, advice: Message | None = None) -> ConfigError:
        where = f"{self.where}: " if self.where else ""
        text = (
            Message("expr_failure", {"where": where, "problem": problem, "advice": advice})
            if advice is not None
            else Message("expr_failure_plain", {"where": where, "problem": problem})
        )
        return ConfigError(text, key_path=self.where or None)

    def describe(self, node: Node, value: ir.Value) -> str | Message:
        if isinstance(node, Name):
            return Message(
                "expr_feature_typed", {"name": repr(node.name), "dtype": str(value.type())}
            )
        if isinstance(node, Number | String | Bool | Null):
            return render(node)
        return Message("expr_value_typed", {"text": repr(render(node)), "dtype": str(value.type())})

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
    def numeric(self, node: Node, what: str | Message) -> ir.Value:
        value = self.compile(node)
        kind = _kind(value.type())
        if kind == "number":
            return value
        if kind == "null" and not isinstance(node, Null):
            return value.cast("float64")
        raise self.fail(
            Message("expr_needs_numbers", {"what": what, "subject": self.describe(node, value)}),
            Message("expr_advice_numeric"),
        )

    def condition(self, node: Node, what: str) -> ir.Value:
        value = self.compile(node)
        kind = _kind(value.type())
        if kind == "boolean" or (kind == "null" and not isinstance(node, Null)):
            return value
        example = f"{render(node)} > 0" if kind == "number" else f"{render(node)} = '...'"
        subject = self.describe(node, value)
        raise self.fail(
            Message("expr_needs_conditions", {"what": what, "subject": subject}),
            Message("expr_advice_compare", {"example": example}),
        )

    def pair(self, left: Node, right: Node, verb: Message) -> tuple[ir.Value, ir.Value]:
        """Compile two operands that must be comparable; read date strings as dates."""
        if isinstance(left, Null) or isinstance(right, Null):
            shown = render(right if isinstance(right, Null) else left)
            raise self.fail(
                Message("expr_null_comparison", {"verb": verb, "shown": shown}),
                Message("expr_advice_is_null"),
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
        sides = {"verb": verb, "left": self.describe(left, lv), "right": self.describe(right, rv)}
        raise self.fail(Message("expr_incomparable", sides), Message("expr_advice_types"))

    def date_literal(self, node: String, kind: str, other: ir.Value, other_node: Node) -> Any:
        try:
            if kind == "date":
                return ibis.literal(dt.date.fromisoformat(node.value), type="date")
            return ibis.literal(dt.datetime.fromisoformat(node.value), type="timestamp")
        except ValueError:
            shown = {"text": render(node), "other": self.describe(other_node, other)}
            raise self.fail(
                Message("expr_not_a_date", shown), Message("expr_advice_date")
            ) from None

    # -- operators ---------------------------------------------------------------------------
    def neg(self, node: Neg) -> ir.Value:
        if isinstance(node.operand, Number):  # a negative literal keeps its type
            value = node.operand.value
            return ibis.literal(-value, type="int64" if isinstance(value, int) else "float64")
        return _finite(-self.numeric(node.operand, Message("expr_op_unary_minus")).cast("float64"))

    def binop(self, node: BinOp) -> ir.Value:
        """Arithmetic in float64: no integer overflow; an infinite or NaN result is null."""
        what = Message("expr_op_arithmetic", {"op": node.op})
        left = self.numeric(node.left, what).cast("float64")
        right = self.numeric(node.right, what).cast("float64")
        if node.op != "/":
            return _finite(_ARITH[node.op](left, right))
        if isinstance(node.right, Number) and node.right.value != 0:
            return _finite(left / right)
        return _finite(left / right.nullif(0))

    def compare(self, node: Compare) -> ir.Value:
        left, right = self.pair(node.left, node.right, _COMPARE_VERB)
        return _COMPARE[node.op](left, right)

    def between(self, node: Between) -> ir.Value:
        value, low = self.pair(node.operand, node.low, _COMPARE_VERB)
        _, high = self.pair(node.operand, node.high, _COMPARE_VERB)
        result = value.between(low, high)
        return ~result if node.negated else result

    def in_(self, node: In) -> ir.Value:
        value = self.compile(node.operand)
        options: list[ir.Value] = []
        for option in node.options:
            if isinstance(option, Null):
                raise self.fail(Message("expr_null_in_list"), Message("expr_advice_missing"))
            options.append(self.pair(node.operand, option, _COMPARE_VERB)[1])
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
            raise self.fail(Message("expr_all_null", {"func": func}))
        first = present[0]
        values = [self.compile(first)] + [
            self.pair(first, a, Message("expr_verb_mix", {"func": func}))[1] for a in present[1:]
        ]
        if len(values) == 1:
            return values[0]
        return {"coalesce": ibis.coalesce, "least": ibis.least, "greatest": ibis.greatest}[func](
            *values
        )


def _finite(value: ir.Value) -> ir.Value:
    """``value`` (float64), with inf, -inf and NaN replaced by null."""
    return ibis.ifelse(value.isinf() | value.isnan(), ibis.null("float64"), value)


_COMPARE_VERB = Message("expr_verb_compare")

# Functions defined on part of the line: name -> (lowest value, lowest included); null outside.
_DOMAIN: dict[str, tuple[int, bool]] = {"ln": (0, False), "log10": (0, False), "sqrt": (0, True)}
