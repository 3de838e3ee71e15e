"""Sufficient statistics from transactions, holdout evaluation on a tiny table, public API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custseg.models as models
from custseg.errors import ModelError, UnknownNameError
from custseg.models import (
    holdout_evaluation,
    plot_conditional_expectation,
    plot_tracking,
    summary_from_transactions,
)
from custseg.models.simulate import simulate_beta_geo


def _table() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-01 09:00", 10.0),
        ("a", "2024-01-01 17:00", 5.0),  # same day: merged with the first
        ("a", "2024-01-08", 20.0),
        ("a", "2024-01-22", 40.0),
        ("b", "2024-01-15", 7.0),
        ("c", "2024-02-01", 0.0),  # after the calibration end
    ]
    return pd.DataFrame(rows, columns=["cust", "when", "amount"])


def test_summary_merges_same_day_purchases_and_measures_in_weeks() -> None:
    out = summary_from_transactions(_table(), "cust", "when", "amount", "2024-01-29")
    assert list(out.index) == ["a", "b"]
    a, b = out.loc["a"], out.loc["b"]
    assert (a.frequency, a.recency, a["T"], a.monetary_value) == (2, 3.0, 4.0, 30.0)
    assert (b.frequency, b.recency, b["T"], b.monetary_value) == (0, 0.0, 2.0, 0.0)
    days = summary_from_transactions(_table(), "cust", "when", "amount", "2024-01-29", freq_days=1)
    assert days.loc["a", "T"] == 28.0


def test_summary_observation_start_drops_customers_seen_before() -> None:
    out = summary_from_transactions(
        _table(), "cust", "when", "amount", "2024-01-29", observation_start="2024-01-05"
    )
    assert list(out.index) == ["b"]


def test_summary_reports_missing_columns_and_bad_dates() -> None:
    with pytest.raises(ModelError, match=r"lacks column\(s\) \['date'\]"):
        summary_from_transactions(_table(), "cust", "date", "amount", "2024-01-29")
    bad = _table()
    bad.loc[2, "when"] = "not a date"
    with pytest.raises(ModelError, match="unreadable dates.*position 2"):
        summary_from_transactions(bad, "cust", "when", "amount", "2024-01-29")


def _simulated_transactions(n: int = 3000) -> pd.DataFrame:
    """Daily purchases of n BG/NBD customers born in January 2024, as a transaction table."""
    rng = np.random.default_rng(7)
    horizon = 300
    x, t_x, _ = simulate_beta_geo(n, r=0.5, alpha=30.0, a=0.8, b=3.0, T=horizon, seed=8)
    birth = rng.integers(0, 31, n)
    rows = []
    for i in range(n):
        days = {0}
        if x[i] > 0:
            days |= set(rng.integers(1, max(int(t_x[i]), 2), int(x[i]) - 1).tolist())
            days.add(max(int(t_x[i]), 1))
        rows += [(i, birth[i] + d, 25.0) for d in days if birth[i] + d <= horizon]
    frame = pd.DataFrame(rows, columns=["cust", "day", "amount"])
    frame["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["day"], unit="D")
    return frame


def test_holdout_evaluation_reports_and_plots(tmp_path: Path) -> None:
    tx = _simulated_transactions()
    report = holdout_evaluation(
        tx, customer_col="cust", date_col="date", amount_col="amount",
        calibration_end="2024-06-30", holdout_end="2024-10-27",
        models=("bgnbd", "mbgnbd"),
    )  # fmt: skip
    assert report.n_customers == 3000 and report.holdout_periods == pytest.approx(119 / 7)
    assert report.actual_repeat_purchases == report.customers["actual"].sum()
    assert set(report.correlation) == {"bgnbd", "mbgnbd"}
    assert all(0 < c <= 1 for c in report.correlation.values())
    table = report.conditional_expectation
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["n_customers"].sum() == 3000
    assert report.tracking["actual"].is_monotonic_increasing
    assert report.tracking["bgnbd"].is_monotonic_increasing
    for plot in (plot_tracking, plot_conditional_expectation):
        path = plot(report, tmp_path / f"{plot.__name__}.png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_holdout_evaluation_suggests_known_model_names() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'bgnbd'"):
        holdout_evaluation(
            _table(), customer_col="cust", date_col="when", amount_col="amount",
            calibration_end="2024-01-29", holdout_end="2024-02-28", models=("bgndb",),
        )  # fmt: skip


def test_public_api_is_sorted_and_importable() -> None:
    assert models.__all__ == sorted(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is not None
