"""Duplicate rows and line numbers of orders, as engine queries over the whole table.

A key that occurs more than once among the valid rows is found by one aggregation (its count and
first row number); only the rows of those keys are joined back, with null-safe equality (two
missing values are equal, as in an exact copy).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

FIRST = "__first"


def duplicate_rows(valid: ir.Table, key: Sequence[str], row: str) -> ir.Table:
    """Rows of ``valid`` repeating the ``key`` of an earlier row: their ``row`` and ``FIRST``."""
    groups = (
        valid.group_by(list(key))
        .aggregate(__n=ibis._.count(), **{FIRST: valid[row].min()})
        .filter(ibis._.__n > 1)
    )
    joined = valid.join(groups, [valid[k].identical_to(groups[k]) for k in key])
    return joined.select(valid[row], groups[FIRST]).filter(ibis._[row] != ibis._[FIRST])


def number_lines(counted: ir.Table, order: str, row: str) -> ir.IntegerValue:
    """Line numbers 1, 2, ... of each order of ``counted`` in file order."""
    return ibis.row_number().over(group_by=counted[order], order_by=counted[row]) + 1
