"""CDNOW sample (Fader, Hardie & Lee 2005): published parameters and holdout figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from custseg.models import (
    BetaGeo,
    GammaGamma,
    HoldoutReport,
    ModifiedBetaGeo,
    ParetoNBD,
    holdout_evaluation,
    summary_from_transactions,
)

pytestmark = pytest.mark.reference

DATA = Path(__file__).resolve().parents[1] / "data" / "cdnow" / "CDNOW_sample.txt"
CAL_END, HOLD_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    names = ["master_id", "customer", "date", "cds", "amount"]
    frame = pd.read_csv(DATA, sep=r"\s+", header=None, names=names, dtype={"date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


@pytest.fixture(scope="module")
def summary(transactions: pd.DataFrame) -> pd.DataFrame:
    return summary_from_transactions(transactions, "customer", "date", "amount", CAL_END)


@pytest.fixture(scope="module")
def report(transactions: pd.DataFrame) -> HoldoutReport:
    return holdout_evaluation(
        transactions, customer_col="customer", date_col="date", amount_col="amount",
        calibration_end=CAL_END, holdout_end=HOLD_END, models=("bgnbd", "pareto_nbd"),
    )  # fmt: skip


def _rfm(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return tuple(summary[c].to_numpy() for c in ("frequency", "recency", "T"))


def test_summary_keeps_all_2357_customers_and_946_repeaters(summary: pd.DataFrame) -> None:
    assert len(summary) == 2357
    assert int((summary["frequency"] > 0).sum()) == 946
    first = summary.loc[1]  # customer 1: x=2, t_x=30.43, T=38.86 in the paper's spreadsheet
    assert (first.frequency, round(first.recency, 2), round(first["T"], 2)) == (2, 30.43, 38.86)


def test_bgnbd_matches_published_fit(summary: pd.DataFrame) -> None:
    model = BetaGeo().fit(*_rfm(summary))
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in model.params_.items()} == published
    assert round(model.log_likelihood_, 1) == -9582.4
    assert model.converged_
    # FHL (2005) spreadsheet: E[X(t)] at t = 1, 78 weeks; E[Y(39) | x=2, t_x=30.43, T=38.86]
    np.testing.assert_allclose(model.expected_purchases_new_customer([1.0, 78.0]),
                               [0.0532, 1.8576], atol=5e-4)  # fmt: skip
    assert model.expected_purchases(39, 2, 30.43, 38.86)[0] == pytest.approx(1.226, abs=5e-4)


def test_pareto_nbd_matches_published_fit(summary: pd.DataFrame) -> None:
    model = ParetoNBD().fit(*_rfm(summary))
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert {k: round(v, 3) for k, v in model.params_.items()} == published
    assert round(model.log_likelihood_, 1) == -9595.0


def test_mbgnbd_matches_published_fit(summary: pd.DataFrame) -> None:
    model = ModifiedBetaGeo().fit(*_rfm(summary))
    published = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    assert {k: round(v, 3) for k, v in model.params_.items()} == published


def test_gamma_gamma_matches_published_fit(summary: pd.DataFrame) -> None:
    model = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    assert model.n_customers_ == 946
    published = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert {k: round(v, 2) for k, v in model.params_.items()} == published


def test_bgnbd_published_log_likelihood_stress_values() -> None:
    model = BetaGeo.from_params({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5})
    np.testing.assert_allclose(
        model.log_likelihood([0, 200], [0, 38], [40, 40]), [-0.59947382, 100.7957], rtol=1e-6
    )


def test_holdout_aggregate_and_correlations(report: HoldoutReport) -> None:
    assert report.n_customers == 2357 and report.holdout_periods == 39
    assert report.actual_repeat_purchases == 1882
    assert round(report.correlation["bgnbd"], 3) == 0.626
    assert round(report.correlation["pareto_nbd"], 3) == 0.630


def test_holdout_conditional_expectation_of_zero_repeaters(report: HoldoutReport) -> None:
    zero = report.conditional_expectation.loc["0"]
    assert zero["n_customers"] == 1411
    assert (round(zero["actual"], 2), round(zero["bgnbd"], 2), round(zero["pareto_nbd"], 2)) == (
        0.24, 0.23, 0.14,
    )  # fmt: skip


def test_holdout_cumulative_tracking_at_week_78(report: HoldoutReport) -> None:
    assert len(report.tracking) == 78
    assert report.calibration_periods == 39
    # published: about 4% (BG/NBD) and 2% (Pareto/NBD) under the actual at week 78
    assert round(report.cumulative_error("bgnbd"), 2) == -0.04
    assert round(report.cumulative_error("pareto_nbd"), 2) == -0.02
