"""SQL compiled once per expression shape: the text a direct compile gives, for any values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import ibis
import pandas as pd
import pytest

from custseg.sql_templates import SqlTemplates, compiled_once


@pytest.fixture
def con() -> ibis.BaseBackend:
    backend = ibis.duckdb.connect()
    backend.raw_sql("CREATE TABLE features_aaaa (customer_id VARCHAR, x DOUBLE, d DATE)")
    backend.raw_sql("CREATE TABLE features_bbbb (customer_id VARCHAR, x DOUBLE, d DATE)")
    backend.raw_sql(
        "INSERT INTO features_aaaa VALUES ('c1', 1.5, '2026-01-31'), ('c2', -3.0, '2026-05-31'),"
        " ('c''3', NULL, NULL)"
    )
    backend.raw_sql("INSERT INTO features_bbbb SELECT * FROM features_aaaa")
    return backend


def _expr(con: ibis.BaseBackend, table: str, cut: float, low: float, label: str, day: date,
          digits: int = 6) -> ibis.Table:  # fmt: skip
    """An assigner-like expression: float cuts, string labels, a date, a table name."""
    t = con.table(table)
    klass = ibis.cases((t.x >= cut, ibis.literal(label)), (t.x < low, "low"), else_="mid")
    return t.select(
        customer_id=t.customer_id,
        class_key=klass,
        score=(t.x * cut - low).round(digits),
        recent=t.d >= ibis.literal(day),
        snapshot=ibis.literal(f"snap {label}"),
    )


def _direct(con: ibis.BaseBackend, expr: ibis.Table) -> str:
    return str(con.compile(expr))


VALUES = [
    ("features_aaaa", 1.0, 0.5, "high", date(2026, 6, 30)),
    ("features_bbbb", 2.75, -1.25, "it's \"top\"", date(1900, 1, 1)),
    ("features_aaaa", 1e300, 1e-12, "高", date(2199, 12, 31)),
    ("features_bbbb", 0.1 + 0.2, 0.0, "", date(2024, 2, 29)),
    ("features_aaaa", 123456789.123, 3.0, "__custseg_value_0__", date(2026, 1, 31)),
]


def test_one_shape_is_compiled_once_and_rendered_as_a_direct_compile_at_every_value(
    con: ibis.BaseBackend,
) -> None:
    templates = SqlTemplates(con)
    for values in VALUES:
        expr = _expr(con, *values)
        assert templates.sql(expr, partial(_direct, con)) == _direct(con, expr)
    # the sign of a float is part of the shape (a negative literal may be written apart)
    assert templates.compiled == 2
    assert templates.rendered == len(VALUES)


def test_a_changed_integer_or_a_repeated_value_is_another_shape(con: ibis.BaseBackend) -> None:
    templates = SqlTemplates(con)
    direct = partial(_direct, con)
    cases = [
        _expr(con, "features_aaaa", 1.0, 0.5, "high", date(2026, 6, 30)),
        _expr(con, "features_aaaa", 1.0, 0.5, "high", date(2026, 6, 30), digits=2),
        # the same value twice is one literal node: not the shape of two different values
        _expr(con, "features_aaaa", 0.5, 0.5, "high", date(2026, 6, 30)),
        _expr(con, "features_aaaa", 0.75, 0.75, "top", date(2026, 6, 30)),
        _expr(con, "features_aaaa", float("nan"), 0.5, "high", date(2026, 6, 30)),
    ]
    for expr in cases:
        assert templates.sql(expr, direct) == direct(expr)
    assert templates.compiled == 4


def test_rendered_sql_gives_the_rows_of_the_expression(con: ibis.BaseBackend) -> None:
    templates = SqlTemplates(con)
    for values in VALUES:
        expr = _expr(con, *values)
        expected = expr.to_pandas()
        with compiled_once(con, templates):
            rendered = expr.to_pandas()
        pd.testing.assert_frame_equal(rendered, expected)
    assert templates.compiled == 2
    assert templates.rendered == len(VALUES)
    assert "compile" not in vars(con)  # the backend's own compile again


def test_a_union_all_is_rendered_input_by_input_with_the_same_rows(
    con: ibis.BaseBackend,
) -> None:
    templates = SqlTemplates(con, check=True)
    first = [_expr(con, "features_aaaa", c, 0.5, "high", date(2026, 6, 30)) for c in (1.0, 2.0)]
    second = [
        _expr(con, "features_bbbb", 1.0, -0.5, "top", date(2026, 1, 31)),
        _expr(con, "features_bbbb", 3.0, -0.5, "top", date(2026, 1, 31), digits=3),
    ]
    with compiled_once(con, templates):
        for parts in (first, second):
            union = ibis.union(*parts)
            sql = con.compile(union)
            assert sql.count("UNION ALL") == 1
            raw = con.con  # type: ignore[attr-defined]
            got = raw.sql(sql).df().sort_values(["customer_id", "score"])
            expected = raw.sql(_direct(con, union)).df().sort_values(["customer_id", "score"])
            pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                          expected.reset_index(drop=True))  # fmt: skip
    # the first union's inputs share a shape; the second's have a negative cut, and its second
    # input rounds to other digits
    assert templates.compiled == 3


def test_in_memory_tables_are_rendered_under_their_own_names(con: ibis.BaseBackend) -> None:
    templates = SqlTemplates(con, check=True)
    with compiled_once(con, templates):
        for rows in ([("c1", 0.5)], [("c2", 1.5), ("c3", 2.5)]):
            scores = ibis.memtable(pd.DataFrame(rows, columns=["customer_id", "p"]))
            t = con.table("features_aaaa")
            joined = t.join(scores, "customer_id").select("customer_id", "p")
            assert sorted(joined.to_pandas().p) == [p for _, p in rows if _ != "c3"]
    assert templates.compiled == 1


def test_a_compile_with_a_limit_or_another_backend_is_left_alone(con: ibis.BaseBackend) -> None:
    templates = SqlTemplates(con)
    expr = _expr(con, "features_aaaa", 1.0, 0.5, "high", date(2026, 6, 30))
    with compiled_once(con, templates):
        assert len(expr.to_pandas(limit=1)) == 1
        assert templates.compiled == 0
        assert len(expr.execute()) == 3  # execute's "default" limit: none
        assert templates.rendered == 1
    sqlite = ibis.sqlite.connect()
    with compiled_once(sqlite, SqlTemplates(sqlite)):
        assert "compile" not in vars(sqlite)


def test_a_series_renders_every_statement_as_a_direct_compile_would_write_it(
    sample_tables_workspace: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every expression of a three-month series of the sample, rendered from a template, is
    checked against its direct compile (``check``); later runs compile little."""
    import custseg.run as run

    made: list[SqlTemplates] = []

    def checking(con: ibis.BaseBackend) -> SqlTemplates:
        made.append(SqlTemplates(con, check=True))
        return made[-1]

    monkeypatch.setattr(run, "SqlTemplates", checking)
    ws = sample_tables_workspace()
    report = ws.run_series("month", date(2026, 4, 1))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"] * 3
    assert len(made) == 1  # one set of templates for the whole series
    templates = made[0]
    assert templates.rendered > 150
    assert templates.compiled < templates.rendered / 2


def test_nested_templates_restore_the_enclosing_ones(con: ibis.BaseBackend) -> None:
    outer, inner = SqlTemplates(con), SqlTemplates(con)
    expr = _expr(con, "features_aaaa", 1.0, 0.5, "high", date(2026, 6, 30))
    with compiled_once(con, outer):
        with compiled_once(con, inner):
            expr.to_pyarrow()
        expr.to_pyarrow()
    expr.to_pyarrow()
    assert (outer.rendered, inner.rendered) == (1, 1)
    assert "compile" not in vars(con)
