"""Period ends of a series: weeks end on Sunday, months and quarters on their last day."""

from __future__ import annotations

from datetime import date

import pytest

from custseg.errors import ConfigError
from custseg.history.series import period_ends


def test_month_ends_include_leap_day_and_both_bounds() -> None:
    ends = period_ends("month", date(2024, 1, 31), date(2024, 4, 30))
    assert ends == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


def test_month_ends_skip_an_incomplete_last_month() -> None:
    assert period_ends("month", date(2026, 5, 1), date(2026, 6, 29)) == [date(2026, 5, 31)]


def test_week_ends_are_sundays() -> None:
    ends = period_ends("week", date(2026, 6, 1), date(2026, 6, 30))
    assert ends == [date(2026, 6, 7), date(2026, 6, 14), date(2026, 6, 21), date(2026, 6, 28)]
    assert all(d.weekday() == 6 for d in ends)


def test_quarter_ends() -> None:
    ends = period_ends("quarter", date(2025, 2, 1), date(2026, 6, 30))
    assert ends == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31),
                    date(2026, 3, 31), date(2026, 6, 30)]  # fmt: skip


def test_unknown_period_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"--every must be one of \['week', 'month', 'quarter'\]"):
        period_ends("fortnight", date(2026, 1, 1), date(2026, 6, 30))


def test_reversed_dates_are_rejected() -> None:
    with pytest.raises(ConfigError, match="starts after it ends"):
        period_ends("month", date(2026, 6, 30), date(2026, 1, 1))


def test_absurdly_long_series_is_rejected() -> None:
    with pytest.raises(ConfigError, match="limit"):
        period_ends("week", date(1026, 1, 1), date(2026, 1, 1))
