"""Recursive-descent parser of the condition language (no ``eval``, no Python ``compile``).

Precedence, lowest to highest::

    or  <  and  <  not  <  comparison  <  + -  <  * /  <  unary -  <  atom

A comparison is one of ``= == != <> < <= > >=``, ``[not] between a and b``,
``[not] in (v, ...)`` and ``is [not] null``; comparisons do not chain (``a < b < c`` is an
error). Atoms are numbers, quoted strings, ``true``/``false``/``null``, feature names,
parenthesised expressions and calls of the functions in :data:`~.ast.FUNCTIONS`.
"""

from __future__ import annotations

import functools

from typing import cast

from custseg.i18n import Message
from custseg.schemes.expr.ast import (
    FUNCTIONS,
    And,
    BinOp,
    Bool,
    Call,
    Compare,
    CompareOp,
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
    depth,
)
from custseg.schemes.expr.ast import Between as BetweenNode
from custseg.schemes.expr.tokens import ConditionSyntaxError, Token, iter_tokens

#: Deepest nesting of parentheses, ``not`` and unary minus accepted.
MAX_NESTING = 50
#: Tallest syntax tree accepted (keeps rendering and compiling far from Python's recursion limit).
MAX_DEPTH = 200

_COMPARE_OPS: dict[str, CompareOp] = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}


def parse(text: str, *, where: str = "") -> Node:
    """Parse a condition into its syntax tree.

    Parameters
    ----------
    text
        The condition, e.g. ``"recency_days <= 2 * gap_mean_days and orders_12m >= 3"``.
    where
        Where the text comes from (e.g. ``"schemes.lifecycle.rules[0].when"``), for messages.

    Raises
    ------
    ConditionSyntaxError
        (a :class:`~custseg.errors.ConfigError`) showing the text with a caret at the problem and
        saying what was expected.
    """
    return _parsed(text, where)


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, where: str) -> Node:
    """The tree of ``text`` (trees are frozen: a system's conditions are parsed once a process,
    not once per run of a series)."""
    return _Parser(text, where).parse()


class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where
        self._source = iter_tokens(text, where=where)
        self.tokens: list[Token] = []
        self.index = 0
        self.nesting = 0

    # -- helpers -----------------------------------------------------------------------------
    def lookahead(self, offset: int) -> Token:
        while len(self.tokens) <= self.index + offset and (
            not self.tokens or self.tokens[-1].kind != "end"
        ):
            self.tokens.append(next(self._source))
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    @property
    def current(self) -> Token:
        return self.lookahead(0)

    def advance(self) -> Token:
        token = self.current
        if token.kind != "end":
            self.index += 1
        return token

    def at(self, kind: str, *values: str) -> bool:
        token = self.current
        return token.kind == kind and (not values or token.value in values)

    def peek_is(self, offset: int, kind: str, value: str) -> bool:
        token = self.lookahead(offset)
        return token.kind == kind and token.value == value

    def error(self, problem: Message, token: Token | None = None) -> ConditionSyntaxError:
        token = token or self.current
        return ConditionSyntaxError(problem, self.text, token.position, where=self.where)

    def expect(self, kind: str, value: str, what: Message) -> Token:
        if not self.at(kind, value):
            raise self.error(
                Message("expr_expected", {"what": what, "got": self.current.describe()})
            )
        return self.advance()

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(Message("expr_too_deep", {"limit": MAX_NESTING}))

    # -- grammar -----------------------------------------------------------------------------
    def parse(self) -> Node:
        node = self.parse_or()
        if not self.at("end"):
            raise self.error(Message("expr_expected_end", {"got": self.current.describe()}))
        if depth(node) > MAX_DEPTH:
            raise self.error(Message("expr_too_complex", {"limit": MAX_DEPTH}), self.tokens[0])
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.at("keyword", "or"):
            self.advance()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.at("keyword", "and"):
            self.advance()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_not(self) -> Node:
        if self.at("keyword", "not"):
            self.advance()
            self.enter()
            operand = self.parse_not()
            self.nesting -= 1
            return Not(operand)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_additive()
        node = self.parse_comparison_tail(left)
        if node is not left and self.starts_comparison():
            raise self.error(Message("expr_chained"))
        return node

    def starts_comparison(self) -> bool:
        if self.at("op", *_COMPARE_OPS) or self.at("keyword", "between", "in", "is"):
            return True
        return self.at("keyword", "not") and (
            self.peek_is(1, "keyword", "between") or self.peek_is(1, "keyword", "in")
        )

    def parse_comparison_tail(self, left: Node) -> Node:
        if self.at("op", *_COMPARE_OPS):
            op = _COMPARE_OPS[cast(str, self.advance().value)]
            return Compare(op, left, self.parse_additive())
        negated = False
        if self.at("keyword", "not") and (
            self.peek_is(1, "keyword", "between") or self.peek_is(1, "keyword", "in")
        ):
            self.advance()
            negated = True
        if self.at("keyword", "between"):
            self.advance()
            low = self.parse_additive()
            self.expect("keyword", "and", Message("expr_what_between_and"))
            return BetweenNode(left, low, self.parse_additive(), negated)
        if self.at("keyword", "in"):
            self.advance()
            return In(left, self.parse_list("'in'"), negated)
        if self.at("keyword", "is"):
            self.advance()
            is_not = self.at("keyword", "not")
            if is_not:
                self.advance()
            self.expect("keyword", "null", Message("expr_what_null_after_is"))
            return IsNull(left, is_not)
        return left

    def parse_list(self, after: str) -> tuple[Node, ...]:
        self.expect("punct", "(", Message("expr_what_open_after", {"after": after}))
        self.enter()
        if self.at("punct", ")"):
            raise self.error(Message("expr_empty_list", {"after": after}))
        items = [self.parse_or()]
        while self.at("punct", ","):
            self.advance()
            items.append(self.parse_or())
        self.expect("punct", ")", Message("expr_what_list_next"))
        self.nesting -= 1
        return tuple(items)

    def parse_additive(self) -> Node:
        node = self.parse_multiplicative()
        while self.at("op", "+", "-"):
            op = cast(str, self.advance().value)
            node = BinOp("+" if op == "+" else "-", node, self.parse_multiplicative())
        return node

    def parse_multiplicative(self) -> Node:
        node = self.parse_unary()
        while self.at("op", "*", "/"):
            op = cast(str, self.advance().value)
            node = BinOp("*" if op == "*" else "/", node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        if self.at("op", "-"):
            self.advance()
            self.enter()
            operand = self.parse_unary()
            self.nesting -= 1
            return Neg(operand)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Number(cast(int | float, token.value))
        if token.kind == "string":
            self.advance()
            return String(str(token.value))
        if token.kind == "keyword" and token.value in ("true", "false", "null"):
            self.advance()
            return Null() if token.value == "null" else Bool(token.value == "true")
        if token.kind == "name":
            self.advance()
            if self.at("punct", "("):
                return self.parse_call(token)
            return Name(str(token.value))
        if self.at("punct", "("):
            self.advance()
            self.enter()
            node = self.parse_or()
            self.expect("punct", ")", Message("expr_what_close_paren"))
            self.nesting -= 1
            return node
        raise self.error(Message("expr_expected_atom", {"got": token.describe()}))

    def parse_call(self, name: Token) -> Node:
        func = str(name.value).lower()
        if func not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise self.error(
                Message("expr_unknown_function", {"name": repr(name.text), "allowed": allowed}),
                name,
            )
        args = self.parse_list(f"{func}")
        low, high = FUNCTIONS[func]
        if len(args) < low or (high is not None and len(args) > high):
            count: str | Message = str(low) if low == high else Message("expr_at_least", {"n": low})
            plural = "s" if low != 1 else ""
            problem = {"func": func, "count": count, "plural": plural, "got": len(args)}
            raise self.error(Message("expr_argument_count", problem), name)
        return Call(func, args)
