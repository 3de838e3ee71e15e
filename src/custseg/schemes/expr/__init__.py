"""The condition language of classification systems: a small, safe expression language.

``parse`` turns text such as ``"recency_days <= 2 * gap_mean_days and orders_12m >= 3"`` into a
tree of frozen nodes (no ``eval``); ``render`` turns a tree back into canonical text;
``names`` lists the features a tree uses; ``compile_condition`` / ``compile_predicate`` build
Ibis expressions over a feature table.
"""

from custseg.schemes.expr.ast import (
    FUNCTIONS,
    KEYWORDS,
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
    names,
)
from custseg.schemes.expr.compile import compile_condition, compile_predicate
from custseg.schemes.expr.parser import MAX_DEPTH, MAX_NESTING, parse
from custseg.schemes.expr.render import render
from custseg.schemes.expr.tokens import MAX_LENGTH, ConditionSyntaxError

__all__ = [
    "And",
    "Between",
    "BinOp",
    "Bool",
    "Call",
    "Compare",
    "ConditionSyntaxError",
    "FUNCTIONS",
    "In",
    "IsNull",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NESTING",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Null",
    "Number",
    "Or",
    "String",
    "compile_condition",
    "compile_predicate",
    "names",
    "parse",
    "render",
]
