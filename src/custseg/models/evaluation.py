"""Holdout validation of the transaction models, as in Fader, Hardie & Lee (2005, section 4).

Fit on the calibration period, predict the holdout period, and compare with what happened:
aggregate repeat purchases, per-customer correlation and mean absolute error, the cumulative
tracking curve (the paper's Figure 2) and the conditional expectations by number of calibration
repeat purchases (Figure 4). Same-day purchases are merged, as in fitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from custseg.errors import ModelError, UnknownNameError
from custseg.models.base import TransactionModel
from custseg.models.bgnbd import BetaGeo
from custseg.models.mbgnbd import ModifiedBetaGeo
from custseg.models.pareto_nbd import ParetoNBD
from custseg.models.summary import _summarise, daily_transactions

DateLike = str | date | datetime | pd.Timestamp

MODELS: dict[str, type[TransactionModel]] = {
    "bgnbd": BetaGeo,
    "mbgnbd": ModifiedBetaGeo,
    "pareto_nbd": ParetoNBD,
}

_TOP_BIN = 7  # conditional expectations for 0..6 and "7+" calibration repeat purchases


@dataclass(frozen=True)
class HoldoutReport:
    """Calibration fit versus holdout reality (see :func:`holdout_evaluation`).

    ``customers`` has one row per customer (frequency, recency, T, ``actual`` holdout repeat
    purchases and one column of predictions per model); ``tracking`` one row per period with
    cumulative repeat purchases (``actual`` and one column per model); ``conditional_expectation``
    one row per number of calibration repeat purchases (``"0"`` .. ``"6"``, ``"7+"``) with the
    mean holdout purchases, actual and predicted.
    """

    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp
    holdout_periods: float
    calibration_periods: int
    models: dict[str, TransactionModel]
    customers: pd.DataFrame
    tracking: pd.DataFrame
    conditional_expectation: pd.DataFrame
    actual_repeat_purchases: float = field(init=False)
    predicted_repeat_purchases: dict[str, float] = field(init=False)
    correlation: dict[str, float] = field(init=False)
    mean_absolute_error: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        actual = self.customers["actual"].to_numpy(dtype=float)
        preds = {name: self.customers[name].to_numpy(dtype=float) for name in self.models}
        object.__setattr__(self, "actual_repeat_purchases", float(actual.sum()))
        object.__setattr__(
            self, "predicted_repeat_purchases", {k: float(v.sum()) for k, v in preds.items()}
        )
        object.__setattr__(
            self, "correlation", {k: float(np.corrcoef(v, actual)[0, 1]) for k, v in preds.items()}
        )
        object.__setattr__(
            self,
            "mean_absolute_error",
            {k: float(np.mean(np.abs(v - actual))) for k, v in preds.items()},
        )

    @property
    def n_customers(self) -> int:
        """Number of customers in the calibration cohort."""
        return int(len(self.customers))

    def cumulative_error(self, model: str) -> float:
        """Relative error of the model's cumulative repeat purchases at the last period."""
        last = self.tracking.iloc[-1]
        return float((last[model] - last["actual"]) / last["actual"])


def holdout_evaluation(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str,
    calibration_end: DateLike,
    holdout_end: DateLike,
    models: tuple[str, ...] = ("bgnbd", "pareto_nbd"),
    freq_days: float = 7,
) -> HoldoutReport:
    """Fit ``models`` on the calibration period and compare their forecasts with the holdout.

    The cohort is every customer whose first purchase is on or before ``calibration_end``;
    holdout purchases are purchase days in ``(calibration_end, holdout_end]``. Times are in
    periods of ``freq_days`` days. Model names: see :data:`MODELS`.
    """
    for name in models:
        if name not in MODELS:
            raise UnknownNameError(name, MODELS, what="model", where="holdout_evaluation(models=)")
    cal_end = pd.Timestamp(calibration_end).normalize()
    hold_end = pd.Timestamp(holdout_end).normalize()
    if hold_end <= cal_end:
        raise ModelError(
            f"holdout_end {hold_end.date()} must be after calibration_end {cal_end.date()}"
        )
    daily = daily_transactions(transactions, customer_col, date_col, amount_col)
    daily = daily[daily["day"] <= hold_end]
    summary = _summarise(daily[daily["day"] <= cal_end], cal_end, freq_days)
    daily = daily[daily["customer"].isin(summary.index)]
    holdout = daily[daily["day"] > cal_end].groupby("customer").size()
    customers = summary[["frequency", "recency", "T"]].copy()
    customers["actual"] = holdout.reindex(customers.index, fill_value=0).astype(float)
    horizon = (hold_end - cal_end).days / freq_days
    fitted: dict[str, TransactionModel] = {}
    x, t_x, age = (customers[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    for name in models:
        model = MODELS[name]().fit(x, t_x, age)
        fitted[name] = model
        customers[name] = model.expected_purchases(horizon, x, t_x, age)
    tracking, cal_periods = _tracking(daily, fitted, cal_end, hold_end, freq_days)
    return HoldoutReport(
        calibration_end=cal_end,
        holdout_end=hold_end,
        holdout_periods=horizon,
        calibration_periods=cal_periods,
        models=fitted,
        customers=customers,
        tracking=tracking,
        conditional_expectation=_conditional_table(customers, list(fitted)),
    )


def _tracking(
    daily: pd.DataFrame,
    models: dict[str, TransactionModel],
    cal_end: pd.Timestamp,
    hold_end: pd.Timestamp,
    freq_days: float,
) -> tuple[pd.DataFrame, int]:
    """Cumulative repeat purchases per period since the cohort's first purchase day."""
    first = daily.groupby("customer")["day"].transform("min")
    start = first.min()
    n_periods = int(np.ceil(((hold_end - start).days + 1) / freq_days))
    offset = (daily["day"] - start).dt.days.to_numpy()
    repeat = (daily["day"] > first).to_numpy()
    period = np.floor(offset[repeat] / freq_days).astype(int) + 1
    actual = np.cumsum(np.bincount(period, minlength=n_periods + 1)[1:])
    births = (daily.groupby("customer")["day"].min() - start).dt.days.to_numpy()
    birth_days, counts = np.unique(births, return_counts=True)
    ends = np.arange(1, n_periods + 1) * freq_days - 1.0  # last day of each period
    elapsed = np.maximum(ends[:, None] - birth_days[None, :], 0.0) / freq_days
    table = pd.DataFrame({"actual": actual[:n_periods].astype(float)})
    for name, model in models.items():
        expected = model.expected_purchases_new_customer(elapsed.ravel()).reshape(elapsed.shape)
        table[name] = expected @ counts
    table.index = pd.RangeIndex(1, n_periods + 1, name="period")
    cal_periods = int(np.ceil(((cal_end - start).days + 1) / freq_days))
    return table, cal_periods


def _conditional_table(customers: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    bins = np.minimum(customers["frequency"].to_numpy(dtype=int), _TOP_BIN)
    labels = [str(i) for i in range(_TOP_BIN)] + [f"{_TOP_BIN}+"]
    grouped = customers.assign(bin=bins).groupby("bin")
    table = pd.DataFrame({"n_customers": grouped.size()})
    for col in ["actual", *names]:
        table[col] = grouped[col].mean()
    table = table.reindex(range(_TOP_BIN + 1))
    table["n_customers"] = table["n_customers"].fillna(0).astype(int)
    table.index = pd.Index(labels, name="calibration_repeat_purchases")
    return table


def plot_tracking(report: HoldoutReport, path: str | Path) -> Path:
    """Save the cumulative repeat purchases, actual vs each model, as a PNG; return the path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(report.tracking.index, report.tracking["actual"], "k-", label="actual", lw=2)
    for name in report.models:
        ax.plot(report.tracking.index, report.tracking[name], "--", label=name)
    ax.axvline(report.calibration_periods, color="grey", ls=":", label="end of calibration")
    ax.set_xlabel("period")
    ax.set_ylabel("cumulative repeat purchases")
    ax.legend()
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, format="png")
    return out


def plot_conditional_expectation(report: HoldoutReport, path: str | Path) -> Path:
    """Save mean holdout purchases by calibration repeat purchases, actual vs models, as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    table = report.conditional_expectation
    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = np.arange(len(table))
    ax.plot(positions, table["actual"], "k-o", label="actual", lw=2)
    for name in report.models:
        ax.plot(positions, table[name], "--o", label=name)
    ax.set_xticks(positions, list(table.index))
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout period")
    ax.legend()
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, format="png")
    return out
