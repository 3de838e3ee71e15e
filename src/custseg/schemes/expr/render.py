r"""Canonical text of a condition's syntax tree, such that ``parse(render(n)) == n``.

Keywords are lower case, ``==`` is written ``=`` and ``<>`` ``!=``, strings use single quotes
(a quote is doubled, a backslash written ``\\\\``), and parentheses appear only where the
tree needs them.
"""

from __future__ import annotations

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

# Binding strength, loosest first.
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG, _ATOM = range(1, 9)


def render(node: Node) -> str:
    """Return the canonical text of ``node``."""
    return _render(node)[0]


def render_string(value: str) -> str:
    """Return ``value`` as a single-quoted string literal of the condition language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _wrap(node: Node, minimum: int) -> str:
    text, strength = _render(node)
    return text if strength >= minimum else f"({text})"


def _render(node: Node) -> tuple[str, int]:
    match node:
        case Number(value):
            return (repr(value) if isinstance(value, float) else str(value)), _ATOM
        case String(value):
            return render_string(value), _ATOM
        case Bool(value):
            return ("true" if value else "false"), _ATOM
        case Null():
            return "null", _ATOM
        case Name(name):
            return name, _ATOM
        case Call(func, args):
            return f"{func}({', '.join(render(a) for a in args)})", _ATOM
        case Neg(operand):
            text = _wrap(operand, _NEG)
            return ("-" + (f"({text})" if text.startswith("-") else text)), _NEG
        case BinOp(op, left, right):
            strength = _ADD if op in ("+", "-") else _MUL
            return f"{_wrap(left, strength)} {op} {_wrap(right, strength + 1)}", strength
        case Compare(op, left, right):
            return f"{_wrap(left, _ADD)} {op} {_wrap(right, _ADD)}", _COMPARE
        case Between(operand, low, high, negated):
            keyword = "not between" if negated else "between"
            text = f"{_wrap(operand, _ADD)} {keyword} {_wrap(low, _ADD)} and {_wrap(high, _ADD)}"
            return text, _COMPARE
        case In(operand, options, negated):
            keyword = "not in" if negated else "in"
            items = ", ".join(render(o) for o in options)
            return f"{_wrap(operand, _ADD)} {keyword} ({items})", _COMPARE
        case IsNull(operand, negated):
            return f"{_wrap(operand, _ADD)} is {'not ' if negated else ''}null", _COMPARE
        case Not(operand):
            return f"not {_wrap(operand, _NOT)}", _NOT
        case And(operands):
            return " and ".join(_wrap(o, _AND + 1) for o in operands), _AND
        case Or(operands):
            return " or ".join(_wrap(o, _OR + 1) for o in operands), _OR
    raise TypeError(f"not a condition node: {node!r}")
