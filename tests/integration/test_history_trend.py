"""Trend per period and class: counts, inflow / outflow, period and year-on-year changes."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from _history_cases import GRADE_SYSTEM, grade_system, write_snapshot

from custseg.errors import UnknownNameError
from custseg.history import trend
from custseg.history.trend import COLUMNS, series
from custseg.schemes import parse_system

DATES = [date(2025, 6, 30), date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30)]


@pytest.fixture
def abc_trend(history_workspace: object) -> pd.DataFrame:
    return trend(history_workspace, "abc", lang="zh")


def _snap(ws: object, day: date) -> object:
    info = next(i for i in ws.snapshots() if i.as_of == day)  # type: ignore[attr-defined]
    return ws.snapshot(info.snapshot_id)  # type: ignore[attr-defined]


def test_counts_and_revenue_equal_the_snapshot_summaries(history_workspace, abc_trend) -> None:  # type: ignore[no-untyped-def]
    frame = abc_trend
    assert list(frame.columns) == list(COLUMNS)
    assert sorted(set(frame.as_of)) == DATES
    for day in DATES:
        summary = _snap(history_workspace, day).summary("abc", lang="zh")
        rows = frame[frame.as_of == day]
        assert rows.class_key.tolist() == summary.class_key.tolist()
        assert rows.customers.tolist() == summary.customers.tolist()
        assert rows.label.tolist() == summary.label.tolist()
        assert rows.revenue_12m.to_numpy() == pytest.approx(summary.revenue.to_numpy())
    assert set(frame.system_version) == {1}


def test_entered_and_exited_are_set_differences(history_workspace, abc_trend) -> None:  # type: ignore[no-untyped-def]
    frame = abc_trend.set_index(["as_of", "class_key"])
    for before, after in zip(DATES, DATES[1:], strict=False):
        a = _snap(history_workspace, before).assignments("abc").groupby("class_key").customer_id
        b = _snap(history_workspace, after).assignments("abc").groupby("class_key").customer_id
        old = {k: set(v) for k, v in a}
        new = {k: set(v) for k, v in b}
        for key in ("A", "B", "C"):
            row = frame.loc[(after, key)]
            assert row.entered == len(new.get(key, set()) - old.get(key, set()))
            assert row.exited == len(old.get(key, set()) - new.get(key, set()))
            assert row.customers_change == len(new.get(key, set())) - len(old.get(key, set()))
    first = abc_trend[abc_trend.as_of == DATES[0]]
    assert first.entered.isna().all() and first.customers_change.isna().all()


def test_change_pct_and_year_on_year(abc_trend) -> None:  # type: ignore[no-untyped-def]
    frame = abc_trend.set_index(["as_of", "class_key"])
    june, may = frame.loc[(DATES[3], "A")], frame.loc[(DATES[2], "A")]
    growth = (june.customers - may.customers) / may.customers
    assert june.customers_change_pct == pytest.approx(growth)
    last_year = frame.loc[(DATES[0], "A")].customers
    assert june.customers_last_year == last_year
    assert june.customers_yoy_pct == pytest.approx((june.customers - last_year) / last_year)
    # 2026-05-31 and 2026-04-30 have no snapshot a year earlier
    assert frame.loc[(DATES[2], "A")].customers_last_year is pd.NA
    assert pd.isna(frame.loc[(DATES[1], "B")].customers_yoy_pct)


def test_series_keeps_the_latest_created_snapshot_per_date(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system()
    write_snapshot(ws, system, DATES[2], {"grade": {"c1": "gold", "c2": "gold"}})
    later = write_snapshot(ws, system, DATES[2], {"grade": {"c1": "gold", "c2": "silver"}},
                           created_at=datetime(2026, 7, 2, 9, 0))
    write_snapshot(ws, system, DATES[3], {"status": {"c1": "active"}})  # grade not computed
    assert [i.snapshot_id for i in series(ws, "grade")] == [later.snapshot_id]
    frame = trend(ws, "grade")
    assert frame.set_index("class_key").customers.to_dict() == {
        "gold": 1, "silver": 1, "bronze": 0, "none": 0}
    # one snapshot only: no change can be computed
    assert frame[["entered", "exited", "customers_change", "customers_change_pct",
                  "customers_last_year", "customers_yoy_pct"]].isna().all().all()


def test_system_versions_and_filter_by_system(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    first = grade_system()
    second = parse_system(GRADE_SYSTEM.replace("cuts: [100, 1000]", "cuts: [200, 1000]"))
    write_snapshot(ws, first, DATES[1], {"grade": {"c1": "gold", "c2": "bronze"}})
    write_snapshot(ws, second, DATES[2], {"grade": {"c1": "silver", "c2": "bronze", "c3": "gold"}})
    frame = trend(ws, "grade")
    versions = frame.drop_duplicates("as_of").set_index("as_of").system_version.to_dict()
    assert versions == {DATES[1]: 1, DATES[2]: 2}
    may = frame[frame.as_of == DATES[2]].set_index("class_key")
    assert may.loc["gold", "entered"] == 1 and may.loc["gold", "exited"] == 1
    assert may.loc["silver", "entered"] == 1 and may.loc["bronze", "customers_change"] == 0
    digest = ws.snapshots()[-1].system_hash
    only = trend(ws, "grade", system_hash=digest[:12])
    assert set(only.as_of) == {DATES[2]}


def test_unknown_scheme_says_which_are_known(history_workspace) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="did you mean 'abc'"):
        trend(history_workspace, "abd")
