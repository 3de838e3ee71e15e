"""Duplicate rows and line numbers of orders, as engine queries over the whole table.

Each valid row's key is hashed into one integer; one aggregation over the hashes finds those
that occur more than once (almost always none). Only the rows with such a hash are then grouped
on the key itself (count and first row number) and joined back with null-safe equality (two
missing values are equal, as in an exact copy).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

FIRST = "__first"


HASH = "__hash"


def duplicate_rows(valid: ir.Table, key: Sequence[str], row: str) -> ir.Table:
    """Rows of ``valid`` repeating the ``key`` of an earlier row: their ``row`` and ``FIRST``."""
    combined = ibis.struct({f"k{i}": valid[name] for i, name in enumerate(key)}).hash()
    hashed = valid.mutate(**{HASH: combined})
    repeated = (hashed.group_by(HASH).aggregate(__n=ibis._.count())
                .filter(ibis._.__n > 1).select(HASH))
    suspects = hashed.semi_join(repeated, HASH).drop(HASH)
    return _exact_duplicates(suspects, key, row)


def _exact_duplicates(valid: ir.Table, key: Sequence[str], row: str) -> ir.Table:
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
