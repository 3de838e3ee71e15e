"""Syntax tree of the condition language: small frozen dataclasses.

Nodes validate their own invariants on construction, so any tree that can be built can also be
rendered to text and parsed back to an equal tree (``parse(render(n)) == n``):

- :class:`Number` holds a finite, non-negative ``int`` or ``float`` (``-1`` is ``Neg(Number(1))``);
- :class:`Name` holds an identifier that is not a keyword;
- :class:`And` / :class:`Or` hold two or more operands (``a and b and c`` is one ``And``);
- :class:`Call` holds a whitelisted function with a valid number of arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeAlias

#: Reserved words (compared case-insensitively); they cannot be feature names.
KEYWORDS: frozenset[str] = frozenset(
    {"and", "or", "not", "between", "in", "is", "null", "true", "false"}
)

#: Whitelisted functions: name -> (minimum, maximum or None for unbounded) number of arguments.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "coalesce": (1, None),
    "greatest": (2, None),
    "least": (2, None),
    "ln": (1, 1),
    "log10": (1, 1),
    "sqrt": (1, 1),
}

ArithOp: TypeAlias = Literal["+", "-", "*", "/"]
CompareOp: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]


def is_identifier(text: str) -> bool:
    """Return whether ``text`` is a valid feature name (letters incl. CJK, digits, underscore)."""
    if not text or not (text[0].isalpha() or text[0] == "_"):
        return False
    return all(is_identifier_char(ch) for ch in text) and text.lower() not in KEYWORDS


def is_identifier_char(ch: str) -> bool:
    """Return whether ``ch`` may appear inside an identifier."""
    return ch.isalpha() or ch == "_" or ch in "0123456789"


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal (``3``, ``0.5``, ``1e3``)."""

    value: int | float

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise TypeError(f"Number needs an int or float, got {self.value!r}")
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise ValueError(f"Number must be finite, got {self.value!r}")
        if self.value < 0 or math.copysign(1, self.value) < 0:
            raise ValueError(f"Number must be >= 0 (use Neg for negatives), got {self.value!r}")


@dataclass(frozen=True, slots=True)
class String:
    """A string literal (``'广东'``)."""

    value: str


@dataclass(frozen=True, slots=True)
class Bool:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class Null:
    """The ``null`` literal."""


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a feature (a column of the feature table)."""

    name: str

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if not is_identifier(self.name):
            raise ValueError(f"not a valid feature name: {self.name!r}")


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Not:
    """Logical negation."""

    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    """Arithmetic: ``left op right`` with op one of ``+ - * /``."""

    op: ArithOp
    left: Node
    right: Node

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if self.op not in ("+", "-", "*", "/"):
            raise ValueError(f"unknown arithmetic operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison; ``==`` is stored as ``=`` and ``<>`` as ``!=``."""

    op: CompareOp
    left: Node
    right: Node

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if self.op not in ("=", "!=", "<", "<=", ">", ">="):
            raise ValueError(f"unknown comparison operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class And:
    """Conjunction of two or more operands."""

    operands: tuple[Node, ...]

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if len(self.operands) < 2:
            raise ValueError("And needs at least two operands")


@dataclass(frozen=True, slots=True)
class Or:
    """Disjunction of two or more operands."""

    operands: tuple[Node, ...]

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if len(self.operands) < 2:
            raise ValueError("Or needs at least two operands")


@dataclass(frozen=True, slots=True)
class Between:
    """``operand [not] between low and high`` (bounds included)."""

    operand: Node
    low: Node
    high: Node
    negated: bool = False


@dataclass(frozen=True, slots=True)
class In:
    """``operand [not] in (option, ...)``."""

    operand: Node
    options: tuple[Node, ...]
    negated: bool = False

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if not self.options:
            raise ValueError("In needs at least one option")


@dataclass(frozen=True, slots=True)
class IsNull:
    """``operand is [not] null``."""

    operand: Node
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a whitelisted function (see :data:`FUNCTIONS`)."""

    func: str
    args: tuple[Node, ...]

    def __post_init__(self) -> None:
        """Check the node's invariants."""
        if self.func not in FUNCTIONS:
            raise ValueError(f"unknown function {self.func!r}; allowed: {sorted(FUNCTIONS)}")
        low, high = FUNCTIONS[self.func]
        if len(self.args) < low or (high is not None and len(self.args) > high):
            raise ValueError(f"wrong number of arguments for {self.func}: {len(self.args)}")


Node: TypeAlias = (
    Number
    | String
    | Bool
    | Null
    | Name
    | Neg
    | Not
    | BinOp
    | Compare
    | And
    | Or
    | Between
    | In
    | IsNull
    | Call
)


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-nodes of ``node``, left to right."""
    match node:
        case Neg(operand) | Not(operand) | IsNull(operand):
            return (operand,)
        case BinOp(_, left, right) | Compare(_, left, right):
            return (left, right)
        case And(operands) | Or(operands):
            return operands
        case Between(operand, low, high):
            return (operand, low, high)
        case In(operand, options):
            return (operand, *options)
        case Call(_, args):
            return args
        case _:
            return ()


def names(node: Node) -> set[str]:
    """Return the feature names referenced anywhere in ``node``."""
    found: set[str] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            found.add(current.name)
        stack.extend(children(current))
    return found


def depth(node: Node) -> int:
    """Return the height of the tree (a literal or name has depth 1); iterative, never recurses."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest
