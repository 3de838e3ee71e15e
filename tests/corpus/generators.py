"""Generated businesses of different shapes, and the loaders of the real ones (sample, CDNOW).

Each generator returns a :class:`Business`: order lines (``order_id, customer_id, order_date,
amount``) and the as-of date to classify at. They are small (2-5 k customers) and deterministic
(a fixed seed). ``load_business`` ingests one into a workspace the way a user would: a CSV file
through ``Workspace.ingest``.

CDNOW master (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base
analysis", Journal of Marketing Research 42(4); the file as shipped in ``lifetimes`` 0.11.3) is
ingested as it comes, with zero options: whitespace-separated, no order number (one order per
customer and day).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CDNOW_MASTER = Path(__file__).resolve().parents[1] / "data" / "cdnow" / "CDNOW_master.txt.gz"
LAST_SALE = date(2025, 6, 30)
"""Every generated business's orders end on this date (ingest refuses dates after today)."""


def _start(days: int) -> date:
    """The first day of a history of ``days`` days that ends on LAST_SALE."""
    return LAST_SALE - timedelta(days=days)


@dataclass(frozen=True)
class Business:
    """Order lines of one business and the date to classify it at."""

    name: str
    orders: pd.DataFrame | None
    as_of: date
    customers: pd.DataFrame | None = None
    orders_file: Path | None = None
    """A source file ingested as it is instead of ``orders`` (real data)."""


def _frame(rows: list[tuple[str, int, float]], start: date) -> pd.DataFrame:
    """Order lines from (customer id, day number, amount) tuples; one order per row."""
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    frame["order_date"] = [start + timedelta(days=int(d)) for d in frame["day"]]
    frame["order_id"] = [f"O{i:07d}" for i in range(len(frame))]
    frame["amount"] = frame["amount"].round(2)
    return frame[["order_id", "customer_id", "order_date", "amount"]]


def _walk(
    rng: np.random.Generator, first: int, end: int, gap: Callable[[], float], stop: int
) -> list[int]:
    """Purchase days from ``first``, each ``gap()`` days after the previous, before ``stop``."""
    days = [first]
    while True:
        nxt = days[-1] + max(1, round(gap()))
        if nxt > min(end, stop):
            return days
        days.append(nxt)


def one_time_retail(seed: int = 1) -> Business:
    """A retailer where most customers (about 75 %) buy once; two years of history."""
    rng = np.random.default_rng(seed)
    end, rows = 730, []
    for i in range(4000):
        cid, first = f"R{i:05d}", int(rng.integers(0, end))
        value = rng.lognormal(3.5, 0.8)
        if rng.random() < 0.75:
            days = [first]
        else:
            life = first + int(rng.exponential(300))
            mean_gap = rng.uniform(30, 120)
            days = _walk(rng, first, end, lambda m=mean_gap: rng.exponential(m), life)
        rows += [(cid, d, value * rng.lognormal(0, 0.3)) for d in days]
    return Business("one_time_retail", _frame(rows, _start(end)), LAST_SALE)


def subscription(seed: int = 2) -> Business:
    """A subscription-like business: customers buy every month until they cancel."""
    rng = np.random.default_rng(seed)
    end, rows = 730, []
    for i in range(2500):
        cid, first = f"S{i:05d}", int(rng.integers(0, end - 20))
        plan = float(rng.choice([19.0, 49.0, 99.0], p=[0.6, 0.3, 0.1]))
        life = first + int(rng.exponential(400))
        days = _walk(rng, first, end, lambda: rng.normal(30, 2), life)
        rows += [(cid, d, plan) for d in days]
    return Business("subscription", _frame(rows, _start(end)), LAST_SALE)


def b2b_yearly(seed: int = 3) -> Business:
    """B2B: a few large accounts, most customers order about once a year; six years of history."""
    rng = np.random.default_rng(seed)
    end, rows = 6 * 365, []
    for i in range(2000):
        cid = f"B{i:05d}"
        large = i < 20
        first = int(rng.integers(0, 400)) if large else int(rng.integers(0, end - 30))
        size = rng.lognormal(12, 0.3) if large else rng.lognormal(8, 1.0)
        life = end + 1 if large or rng.random() < 0.5 else first + int(rng.exponential(3 * 365))
        days = _walk(rng, first, end, lambda: rng.normal(365, 30), life)
        rows += [(cid, d, size * rng.lognormal(0, 0.2)) for d in days]
    return Business("b2b_yearly", _frame(rows, _start(end)), LAST_SALE)


def young_business(seed: int = 4) -> Business:
    """A business three months old: customers arrive over 90 days and some come back."""
    rng = np.random.default_rng(seed)
    end, rows = 90, []
    for i in range(2500):
        cid, first = f"Y{i:05d}", int(rng.integers(0, end))
        value = rng.lognormal(4, 0.7)
        mean_gap = rng.uniform(10, 40)
        life = first + int(rng.exponential(60))
        days = _walk(rng, first, end, lambda m=mean_gap: rng.exponential(m), life)
        rows += [(cid, d, value * rng.lognormal(0, 0.3)) for d in days]
    return Business("young_business", _frame(rows, _start(end)), LAST_SALE)


def stopped_business(seed: int = 5) -> Business:
    """A business that sold for two years and stopped a year before the as-of date."""
    rng = np.random.default_rng(seed)
    end, rows = 730, []
    for i in range(2500):
        cid, first = f"X{i:05d}", int(rng.integers(0, end))
        value = rng.lognormal(4, 0.8)
        mean_gap = rng.uniform(20, 120)
        days = _walk(rng, first, end, lambda m=mean_gap: rng.exponential(m), end)
        rows += [(cid, d, value * rng.lognormal(0, 0.3)) for d in days]
    return Business("stopped_business", _frame(rows, _start(end)), LAST_SALE + timedelta(days=365))


def heavy_returns(seed: int = 6) -> Business:
    """A retailer whose customers return a lot: partial returns in 30 % of orders, full in 10 %."""
    rng = np.random.default_rng(seed)
    end, lines = 730, []
    for i in range(3000):
        cid, first = f"H{i:05d}", int(rng.integers(0, end))
        value = rng.lognormal(4, 0.8)
        mean_gap = rng.uniform(20, 150)
        life = first + int(rng.exponential(365))
        for d in _walk(rng, first, end, lambda m=mean_gap: rng.exponential(m), life):
            amount = value * rng.lognormal(0, 0.3)
            order = f"H{len(lines):07d}"
            lines.append((order, cid, d, amount))
            draw = rng.random()
            if draw < 0.1:  # returned in full, a separate return order days later
                lines.append((f"{order}R", cid, min(end, d + int(rng.integers(1, 20))), -amount))
            elif draw < 0.4:  # part of the order returned in the same order
                lines.append((order, cid, d, -amount * rng.uniform(0.1, 0.6)))
    frame = pd.DataFrame(lines, columns=["order_id", "customer_id", "day", "amount"])
    frame["order_date"] = [_start(end) + timedelta(days=int(d)) for d in frame["day"]]
    frame["line_no"] = frame.groupby("order_id").cumcount() + 1
    frame["amount"] = frame["amount"].round(2)
    orders = frame[["order_id", "line_no", "customer_id", "order_date", "amount"]]
    return Business("heavy_returns", orders, LAST_SALE)


GENERATED: dict[str, Callable[[], Business]] = {
    "one_time_retail": one_time_retail,
    "subscription": subscription,
    "b2b_yearly": b2b_yearly,
    "young_business": young_business,
    "stopped_business": stopped_business,
    "heavy_returns": heavy_returns,
}


def cdnow_master() -> Business:
    """CDNOW master: 23,570 real customers, order lines of 1997-01 to 1998-06, as shipped."""
    return Business("cdnow_master", None, date(1998, 6, 30), orders_file=CDNOW_MASTER)


def load_business(ws: Any, business: Business, folder: Path) -> None:
    """Ingest a business's tables into the workspace ``ws`` from CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if business.orders_file is not None:
        report = ws.ingest("orders", business.orders_file)
        assert report.rows_rejected == 0, (business.name, report)
    tables = {"orders": business.orders, "customers": business.customers}
    for table, frame in tables.items():
        if frame is None:
            continue
        path = folder / f"{business.name}_{table}.csv"
        frame.to_csv(path, index=False)
        report = ws.ingest(table, path)
        assert report.rows_rejected == 0, (business.name, table, report)
