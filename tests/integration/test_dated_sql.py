"""SQL compiled once at a placeholder date: the same text, and the same rows, as compiling again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest

from custseg.dated_sql import PLACEHOLDER, DatedQuery, date_literal
from custseg.engine import create_table_from
from custseg.features import FeatureParameters
from custseg.features._context import BuildContext
from custseg.features._orders import order_tables
from custseg.run import _rounded_features

DATES = (date(2026, 6, 30), date(2024, 2, 29), date(1900, 1, 1), date(2199, 12, 31))


def _sql(con: object, expr: object) -> str:
    compiler = con.compiler  # type: ignore[attr-defined]
    return str(compiler.to_sqlglot(expr).sql(dialect=compiler.dialect, copy=False))


def _windows(parameters: FeatureParameters) -> tuple[int, int, int]:
    return (0, parameters.active_window_days, 2 * parameters.active_window_days)


@pytest.mark.parametrize("window", [365, 90, 3660])
def test_feature_table_sql_rendered_at_a_date_is_what_compiling_at_that_date_gives(
    sample_tables_workspace: Callable[[], object], window: int
) -> None:
    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    parameters = FeatureParameters(active_window_days=window)
    template = DatedQuery.compile(
        con, lambda d: _rounded_features(con, d, parameters, None), _windows(parameters)
    )
    assert date_literal(con, PLACEHOLDER) in template.sql
    for as_of in DATES:
        direct = _sql(con, _rounded_features(con, as_of, parameters, None))
        assert template.render(con, as_of, {}).sql == direct


def test_order_tables_and_scratch_names_are_swapped_too(
    sample_tables_workspace: Callable[[], object],
) -> None:
    """The feature table read from one run's scratch tables, rendered for another run's."""
    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    parameters = FeatureParameters()

    def stored(prefix: str, as_of: date) -> object:
        ctx = BuildContext(as_of=as_of, parameters=parameters)
        return order_tables(
            con, ctx, store=lambda n, e: con.create_table(f"{prefix}{n}", e, temp=True)
        )

    first, second = stored("_run_aaaa_", DATES[0]), stored("_run_bbbb_", DATES[1])
    template = DatedQuery.compile(
        con, lambda d: _rounded_features(con, d, parameters, first), _windows(parameters)
    )
    rendered = template.render(con, DATES[1], {"_run_aaaa_": "_run_bbbb_"})
    assert rendered.sql == _sql(con, _rounded_features(con, DATES[1], parameters, second))
    assert "_run_aaaa_" not in rendered.sql


def test_a_rendered_query_gives_the_rows_of_the_expression_at_another_date(
    sample_tables_workspace: Callable[[], object],
) -> None:
    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    parameters = FeatureParameters()
    template = DatedQuery.compile(
        con, lambda d: _rounded_features(con, d, parameters, None), _windows(parameters)
    )
    as_of = date(2025, 12, 31)
    cached = create_table_from(con, "cached", template.render(con, as_of, {}), temp=True)
    direct = con.create_table("direct", _rounded_features(con, as_of, parameters, None))
    assert cached.schema() == direct.schema()
    left = cached.to_pandas().sort_values("customer_id").reset_index(drop=True)
    right = direct.to_pandas().sort_values("customer_id").reset_index(drop=True)
    assert len(left) > 2000  # the sample's customers known on that date
    pd.testing.assert_frame_equal(left, right)



def test_a_series_scratch_tables_rendered_from_the_first_run_hold_each_date_rows(
    sample_tables_workspace: Callable[[], object],
) -> None:
    """The second run of a series renders the first one's templates with its own names."""
    from custseg.features._orders import order_lines, order_totals
    from custseg.features.model_features import purchase_statistics
    from custseg.run import _Scratch

    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    parameters = FeatureParameters()
    memo: dict[str, object] = {}
    first = _Scratch(con, "aaaa")
    first.order_tables(BuildContext(as_of=DATES[0], parameters=parameters), memo)
    assert any(key.startswith("order tables") for key in memo)
    second = _Scratch(con, "bbbb")
    ctx = BuildContext(as_of=DATES[1], parameters=parameters)
    made = second.order_tables(ctx, memo)
    days = made.days
    stats = second.dated("statistics", lambda d: purchase_statistics(con, d, days=days),
                         ctx.as_of, memo)  # fmt: skip
    first.dated("statistics", lambda d: purchase_statistics(con, d, days=days), ctx.as_of, memo)

    def rows(table: object, key: list[str]) -> pd.DataFrame:
        frame = table.to_pandas()  # type: ignore[attr-defined]
        return frame.sort_values(key).reset_index(drop=True)

    direct = order_tables(con, ctx)
    assert made.totals.get_name().endswith("_run_bbbb_orders")
    totals = rows(made.totals, ["customer_id", "order_id"])
    assert len(totals) > 1000
    assert totals.equals(rows(direct.totals, ["customer_id", "order_id"]))
    assert rows(made.days, ["customer_id", "order_date"]).equals(
        rows(direct.days, ["customer_id", "order_date"])
    )
    assert rows(made.rhythm, list(made.rhythm.columns)).equals(
        rows(direct.rhythm, list(direct.rhythm.columns))
    )
    expected = purchase_statistics(con, ctx.as_of, days=direct.days)
    assert rows(stats, ["customer_id"]).equals(rows(expected, ["customer_id"]))
    assert order_totals(order_lines(con, ctx)).count().execute() == len(totals)
    second.drop()
    first.drop()


def test_a_date_at_an_offset_not_declared_is_refused(
    sample_tables_workspace: Callable[[], object],
) -> None:
    """Rendering would leave such a date at the placeholder's: the compile fails instead."""
    from datetime import timedelta

    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    orders = con.table("orders")

    def build(as_of: date) -> object:
        return orders.filter(orders.order_date > as_of - timedelta(days=30))

    with pytest.raises(ValueError, match="none of the declared offsets"):
        DatedQuery.compile(con, build, (0, 365))
    assert DatedQuery.compile(con, build, (0, 30)).render(con, DATES[0], {}).sql == _sql(
        con, build(DATES[0])
    )


def test_the_profile_query_rendered_for_another_date_and_run_is_what_compiling_it_gives(
    sample_tables_workspace: Callable[[], object],
) -> None:
    """A series compiles the data profile's query once, reading the first run's order tables,
    and renders it for each later run (its date, its scratch tables)."""
    from custseg.features import available_tables
    from custseg.profile.compute import profile_of_row, profile_query
    from custseg.profile import profile_data
    from custseg.run import _fetch_row

    con = sample_tables_workspace()._con  # type: ignore[attr-defined]
    tables = available_tables(con)
    parameters = FeatureParameters(active_window_days=90)

    def stored(prefix: str, as_of: date) -> object:
        ctx = BuildContext(as_of=as_of, parameters=parameters)
        return order_tables(
            con, ctx, store=lambda n, e: con.create_table(f"{prefix}{n}", e, temp=True)
        )

    first = stored("_run_aaaa_", PLACEHOLDER)
    second = stored("_run_bbbb_", DATES[1])
    query = profile_query(con, PLACEHOLDER, tables, parameters=parameters, orders=first)
    template = DatedQuery.of(con, query, _windows(parameters))
    rendered = template.render(con, DATES[1], {"_run_aaaa_": "_run_bbbb_"})
    direct = profile_query(con, DATES[1], tables, parameters=parameters, orders=second)
    assert rendered.sql == _sql(con, direct)
    profile = profile_of_row(DATES[1], _fetch_row(con, rendered), tables)
    assert profile.activity["customers"] > 1000
    assert profile == profile_data(con, DATES[1], parameters=parameters)
