"""Sufficient statistics of the buy-till-you-die models from a transaction table.

For each customer, over the calibration period (first purchase up to ``calibration_end``,
both days included), with all purchases of one day merged into one transaction:

* ``frequency`` ``x``: number of *repeat* purchase days (purchase days minus one);
* ``recency`` ``t_x``: time from the first to the last purchase day;
* ``T``: time from the first purchase day to ``calibration_end``;
* ``monetary_value``: mean value of the ``x`` repeat transactions, excluding the first purchase,
  as Fader, Hardie & Lee (2005, "RFM and CLV") define it for the Gamma-Gamma model; 0 when
  ``x = 0``.

Times are in days divided by ``freq_days`` (7: weeks, the papers' unit).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from custseg.errors import ModelError

DateLike = str | date | datetime | pd.Timestamp


def daily_transactions(
    df: pd.DataFrame, customer_col: str, date_col: str, amount_col: str
) -> pd.DataFrame:
    """Return one row per customer and purchase day: columns ``customer``, ``day``, ``amount``.

    Same-day purchases are merged (amounts summed). Raises ModelError on missing columns,
    unreadable dates or amounts.
    """
    missing = [c for c in (customer_col, date_col, amount_col) if c not in df.columns]
    if missing:
        raise ModelError(
            f"transaction table lacks column(s) {missing}; found {list(df.columns)}. "
            "Pass customer_col=, date_col= and amount_col= naming existing columns."
        )
    days = _to_days(df[date_col])
    amounts = pd.to_numeric(df[amount_col], errors="coerce")
    customers = df[customer_col]
    for bad, what in (
        (days.isna(), f"date column {date_col!r} has empty or unreadable dates"),
        (amounts.isna(), f"amount column {amount_col!r} has empty or non-numeric values"),
        (customers.isna(), f"customer column {customer_col!r} has empty values"),
    ):
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise ModelError(f"{what}: {int(bad.sum())} row(s), first at position {pos}")
    table = pd.DataFrame(
        {"customer": customers.to_numpy(), "day": days.to_numpy(), "amount": amounts.to_numpy()}
    )
    return table.groupby(["customer", "day"], as_index=False, sort=True)["amount"].sum()


def _to_days(values: pd.Series) -> pd.Series:
    """Parse dates (one format inferred; mixed formats as a fallback), truncated to the day."""
    days = pd.to_datetime(values, errors="coerce")
    if days.isna().any() and not pd.api.types.is_datetime64_any_dtype(values):
        days = pd.to_datetime(values, errors="coerce", format="mixed")
    return days.dt.normalize()


def summary_from_transactions(
    df: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str,
    calibration_end: DateLike,
    observation_start: DateLike | None = None,
    freq_days: float = 7,
) -> pd.DataFrame:
    """Return frequency, recency, T and monetary_value per customer.

    Parameters
    ----------
    df : DataFrame
        One row per purchase (several rows per day are merged).
    customer_col, date_col, amount_col : str
        Column names of the customer id, purchase date and amount.
    calibration_end : date-like
        Last day of the calibration period (included).
    observation_start : date-like, optional
        Cohort start: customers with any purchase before this day are left out (their first
        purchase, hence their age, is unknown). Default: keep everyone.
    freq_days : float, default 7
        Days per time unit (7 = weeks).

    Returns
    -------
    DataFrame indexed by customer id with columns ``frequency`` (int), ``recency``, ``T``,
    ``monetary_value``; customers whose first purchase is after ``calibration_end`` are absent.
    """
    if not freq_days > 0:
        raise ModelError(f"freq_days must be positive; got {freq_days!r}")
    end = pd.Timestamp(calibration_end).normalize()
    daily = daily_transactions(df, customer_col, date_col, amount_col)
    if observation_start is not None:
        start = pd.Timestamp(observation_start).normalize()
        early = daily.loc[daily["day"] < start, "customer"].unique()
        daily = daily[~daily["customer"].isin(early)]
    daily = daily[daily["day"] <= end]
    if daily.empty:
        raise ModelError(f"no purchase on or before calibration_end {end.date()}")
    return _summarise(daily, end, freq_days)


def _summarise(daily: pd.DataFrame, end: pd.Timestamp, freq_days: float) -> pd.DataFrame:
    grouped = daily.groupby("customer", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    n_days = grouped["day"].size()
    total = grouped["amount"].sum()
    first_amount = daily.loc[grouped["day"].idxmin(), ["customer", "amount"]].set_index("customer")[
        "amount"
    ]
    frequency = (n_days - 1).astype(int)
    repeat_total = total - first_amount.reindex(total.index)
    monetary = np.where(frequency > 0, repeat_total / frequency.where(frequency > 0, 1), 0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days / freq_days,
            "T": (end - first).dt.days / freq_days,
            "monetary_value": monetary,
        }
    )
    out.index.name = "customer"
    return out
