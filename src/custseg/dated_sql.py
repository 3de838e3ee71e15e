"""SQL compiled once for a placeholder as-of date and rendered for any other date.

An expression that depends on its as-of date only through date literals at fixed offsets from
it (the as-of date, the start of the activity window, the start of the window before) compiles
to the same SQL at every date but for those literals. Compiling it once at an improbable
placeholder date and putting each real date's literal where the placeholder's stands gives
the SQL that compiling it at that date gives (the tests compare the two texts), without
building and compiling the expression again: a monthly series compiles its feature table once.

Names may be swapped the same way (a run's scratch tables carry its snapshot id). Rendering
is one pass over the text, so a replacement is never replaced again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
from ibis.backends import BaseBackend

PLACEHOLDER = date(1001, 2, 3)
"""The as-of date a template is compiled at. Real as-of dates are 1900 or later
(:func:`custseg.dates.check_date`) and windows at most 3,660 days long, so no literal of a real
date can be one of the placeholder's."""


@dataclass(frozen=True)
class RenderedQuery:
    """A query's SQL text in the backend's dialect and the schema of its rows."""

    sql: str
    schema: ibis.Schema


@dataclass(frozen=True)
class DatedQuery:
    """A query compiled at :data:`PLACEHOLDER`; :meth:`render` gives its SQL at another date."""

    sql: str
    schema: ibis.Schema
    offsets: tuple[int, ...]
    dialect: str
    _literals: tuple[str, ...]

    @classmethod
    def compile(
        cls, con: BaseBackend, build: Callable[[date], ibis.Table], offsets: Sequence[int]
    ) -> DatedQuery:
        """Build the expression at the placeholder date and compile it.

        ``build(as_of)`` must use ``as_of`` only through date literals of ``as_of`` minus each
        of ``offsets`` days (0 is the as-of date itself).
        """
        return cls.of(con, build(PLACEHOLDER), offsets)

    @classmethod
    def of(cls, con: BaseBackend, expr: ibis.Table, offsets: Sequence[int]) -> DatedQuery:
        """Compile ``expr``, built at the placeholder date (see :meth:`compile`)."""
        con._run_pre_execute_hooks(expr)  # type: ignore[attr-defined]  # in-memory tables
        compiler = con.compiler  # type: ignore[attr-defined]
        sql = compiler.to_sqlglot(expr).sql(dialect=compiler.dialect, copy=False)
        offsets = tuple(dict.fromkeys(offsets))
        literals = tuple(date_literal(con, PLACEHOLDER - timedelta(days=o)) for o in offsets)
        _check_offsets(sql, literals)
        return cls(sql, expr.schema(), offsets, compiler.dialect, literals)

    def render(self, con: BaseBackend, as_of: date, names: Mapping[str, str]) -> RenderedQuery:
        """The SQL at ``as_of``, every key of ``names`` in it replaced by its value."""
        swaps = dict(names)
        for offset, literal in zip(self.offsets, self._literals, strict=True):
            swaps[literal] = date_literal(con, as_of - timedelta(days=offset))
        pattern = re.compile("|".join(re.escape(k) for k in sorted(swaps, key=len, reverse=True)))
        return RenderedQuery(pattern.sub(lambda m: swaps[m.group(0)], self.sql), self.schema)


def date_literal(con: BaseBackend, value: date) -> str:
    """How the backend's compiler writes the date literal ``value`` in SQL."""
    compiler = con.compiler  # type: ignore[attr-defined]
    query = compiler.to_sqlglot(ibis.literal(value, type="date").name("d").as_table())
    return str(query.selects[0].unalias().sql(dialect=compiler.dialect))


def _check_offsets(sql: str, literals: Sequence[str]) -> None:
    """Fail if ``sql`` holds a date near the placeholder that is none of ``literals``: the
    expression used the as-of date at an offset the caller did not declare, which rendering
    would leave at the placeholder's date (a wrong query, not a failing one)."""
    known = set(literals)
    for found in _DATE.finditer(sql):
        year, month, day = (int(g) for g in found.groups())
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        near = abs((value - PLACEHOLDER).days) <= _FURTHEST
        if near and found.group(0) not in known:
            raise ValueError(
                f"the query compiled at the placeholder as-of date {PLACEHOLDER} uses the date "
                f"{value}, at none of the declared offsets from it: declare every offset of "
                "the as-of date the expression uses"
            )


_FURTHEST = 2 * 3660 + 366
"""Days from the placeholder within which a date can only come from it (real dates are 1900
or later, windows at most 3,660 days long)."""

_DATE = re.compile(r"MAKE_DATE\((\d+), (\d+), (\d+)\)")
