"""Baseline: RFM-style features per customer with plain pandas, as a competent analyst writes it.

The lead's benchmark times :func:`pandas_rfm` against custseg's feature table. Definitions (the
same as ``docs/contracts.md``), using only order lines dated on or before ``as_of``:

- an *order* is an ``order_id``; its value is the sum of its lines (returns are negative lines);
  a *purchase* is an order with a positive value;
- ``recency_days``: days from the last purchase date to ``as_of``;
- ``orders_count`` / ``purchase_days``: distinct purchases / distinct dates with a purchase;
- ``monetary_total``: net amount of all lines (returns net off);
- ``avg_order_value``: ``monetary_total / orders_count``; ``max_order_value``: largest order value;
- ``revenue_12m``: net amount of lines with ``as_of - 365 days < order_date <= as_of``;
  ``revenue_prev_12m``: ``as_of - 730 days < order_date <= as_of - 365 days``.

One row per customer with at least one line (index ``customer_id``). A customer with only returns
has ``orders_count`` 0 and null recency and averages.

Run directly to time it on the generated data::

    python benchmarks/pandas_rfm_baseline.py benchmarks/_data/orders.parquet --as-of 2026-06-30
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

COLUMNS = ["order_id", "customer_id", "order_date", "amount"]
# The features the baseline computes (the same names as custseg's feature table).
RFM_FEATURES = (
    "recency_days",
    "orders_count",
    "purchase_days",
    "monetary_total",
    "avg_order_value",
    "max_order_value",
    "revenue_12m",
    "revenue_prev_12m",
)


def load_orders(path: str | Path) -> pd.DataFrame:
    """Read the columns the baseline needs from an orders Parquet file (dates as datetime64)."""
    return pq.read_table(path, columns=COLUMNS).to_pandas(date_as_object=False)


def pandas_rfm(orders_df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the RFM-style features of each customer as of ``as_of`` (see the module docstring)."""
    as_of_ts = pd.Timestamp(as_of)
    df = orders_df[COLUMNS]
    dates = pd.to_datetime(df["order_date"])  # no-op for datetime64; converts Python dates
    df = df.assign(order_date=dates)[dates <= as_of_ts]

    orders = (
        df.groupby(["customer_id", "order_id"], sort=False, observed=True)
        .agg(order_date=("order_date", "min"), value=("amount", "sum"))
        .reset_index()
    )
    purchases = orders[orders["value"] > 0]
    per_purchase = purchases.groupby("customer_id", sort=False, observed=True).agg(
        last_purchase=("order_date", "max"),
        orders_count=("order_id", "size"),
        purchase_days=("order_date", "nunique"),
    )
    per_customer = orders.groupby("customer_id", sort=False, observed=True).agg(
        monetary_total=("value", "sum"), max_order_value=("value", "max")
    )

    days_back = (as_of_ts - df["order_date"]).dt.days
    windows = (
        df.assign(
            revenue_12m=df["amount"].where(days_back < 365, 0.0),
            revenue_prev_12m=df["amount"].where((days_back >= 365) & (days_back < 730), 0.0),
        )
        .groupby("customer_id", sort=False, observed=True)[["revenue_12m", "revenue_prev_12m"]]
        .sum()
    )

    out = per_customer.join(per_purchase, how="left").join(windows, how="left")
    out["orders_count"] = out["orders_count"].fillna(0).astype("int64")
    out["purchase_days"] = out["purchase_days"].fillna(0).astype("int64")
    out["recency_days"] = (as_of_ts - out["last_purchase"]).dt.days
    out["avg_order_value"] = out["monetary_total"] / out["orders_count"].replace(0, np.nan)
    out["max_order_value"] = out["max_order_value"].where(out["orders_count"] > 0)
    return out[list(RFM_FEATURES)].sort_index()


def main() -> None:
    """Time the baseline on an orders Parquet file."""
    parser = argparse.ArgumentParser(description="Time the pandas RFM baseline.")
    parser.add_argument("orders", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 30))
    args = parser.parse_args()
    t0 = time.perf_counter()
    orders = load_orders(args.orders)
    t1 = time.perf_counter()
    features = pandas_rfm(orders, args.as_of)
    t2 = time.perf_counter()
    print(  # noqa: T201
        f"read {len(orders):,} lines in {t1 - t0:.1f} s; features of {len(features):,} customers "
        f"in {t2 - t1:.1f} s"
    )


if __name__ == "__main__":
    main()
