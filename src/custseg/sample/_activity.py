"""Orders, returns, payments and opportunities of the sample company, drawn from the profiles.

Day numbers are epoch days (``numpy.datetime64(..., 'D')`` as int64) until the frames are built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.sample import _catalogue as cat
from custseg.sample._customers import Profiles

_LINES_PER_ORDER_P = (0.45, 0.25, 0.15, 0.10, 0.05)
_DISCOUNT_RATES = np.array([0.03, 0.05, 0.08, 0.10, 0.15])
RETURN_SHARE = 0.025
_OPEN_ORDER_DAYS = 10


def _to_dates(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(days.astype("datetime64[D]")))


def _day_weights(d0: int, d1: int, *, weekend: float) -> np.ndarray:
    days = np.arange(d0, d1 + 1).astype("datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64) % 12
    weights = np.asarray(cat.MONTH_FACTOR)[months]
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday
    weights = np.where(weekday >= 5, weights * weekend, weights)
    for festival in cat.SPRING_FESTIVALS:
        offset = np.datetime64(festival, "D").astype(np.int64) - d0
        weights[max(offset - 7, 0) : max(offset + 11, 0)] *= 0.15  # 春节 dip
    return weights


def _seasonal_days(
    rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, d0: int, weights: np.ndarray
) -> np.ndarray:
    """Draw one day in ``[lo, hi]`` (inclusive) per element, following the seasonal weights."""
    cdf = np.concatenate([[0.0], np.cumsum(weights)])
    a, b = cdf[lo - d0], cdf[hi - d0 + 1]
    v = a + rng.random(lo.size) * (b - a)
    return np.searchsorted(cdf, v, side="right") - 1 + d0


def _numbered(prefix: str, days: np.ndarray, width: int = 6) -> np.ndarray:
    """Ids like ``SO2024000123``: numbered by date within each year (``days`` must be sorted)."""
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    first = np.searchsorted(years, years, side="left")
    seq = np.arange(days.size) - first + 1
    return np.array(
        [f"{prefix}{y}{s:0{width}d}" for y, s in zip(years, seq, strict=True)], dtype=object
    )


def _products() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    names = [p for c in cat.CATEGORIES for p, _ in c.products]
    prices = [price for c in cat.CATEGORIES for _, price in c.products]
    counts = np.array([len(c.products) for c in cat.CATEGORIES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.array(names, dtype=object), np.array(prices), counts, offsets


def draw_orders(
    rng: np.random.Generator, customer_ids: np.ndarray, prof: Profiles, d0: int, d1: int
) -> pd.DataFrame:
    """Draw every sales order line, then add returns."""
    lo, hi = prof.active_from, np.minimum(prof.active_to, d1)
    buyer = ~prof.is_prospect & (lo <= hi)
    years = np.where(buyer, (hi - lo + 1) / 365.0, 0.0)
    n_orders = np.where(buyer, np.maximum(rng.poisson(prof.rate * years), 1), 0)
    cust = np.repeat(np.arange(customer_ids.size), n_orders)
    weights = {w: _day_weights(d0, d1, weekend=w) for w in (0.15, 1.2)}
    consumer = prof.nature[cust] == "个人"
    day = np.empty(cust.size, dtype=np.int64)
    for w, mask in ((1.2, consumer), (0.15, ~consumer)):
        day[mask] = _seasonal_days(rng, lo[cust[mask]], hi[cust[mask]], d0, weights[w])
    order = np.lexsort((cust, day))
    cust, day = cust[order], day[order]
    order_ids = _numbered("SO", day)
    is_open = (day > d1 - _OPEN_ORDER_DAYS) & (rng.random(day.size) < 0.5)
    factor = prof.size[cust] * np.exp(prof.growth[cust] * (day - lo[cust]) / 365.0)

    n_lines = rng.choice(np.arange(1, 6), size=day.size, p=_LINES_PER_ORDER_P)
    o = np.repeat(np.arange(day.size), n_lines)
    line_no = np.arange(o.size) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines) + 1
    lines = _draw_lines(rng, cust[o], factor[o], day[o], prof, d0)
    frame = pd.DataFrame(
        {
            "order_id": order_ids[o],
            "line_no": line_no,
            "customer_id": customer_ids[cust[o]],
            "order_date": day[o],
            **lines,
            "status": np.where(is_open[o], cat.ORDER_STATUS[1], cat.ORDER_STATUS[0]).astype(object),
        }
    )
    returns = _draw_returns(rng, frame, hi[cust[o]], d1)
    frame = pd.concat([frame, returns], ignore_index=True)
    frame = frame.sort_values(
        ["order_date", "order_id", "line_no"], kind="stable", ignore_index=True
    )
    frame["order_date"] = _to_dates(frame["order_date"].to_numpy())
    return frame


def _draw_lines(
    rng: np.random.Generator,
    cust: np.ndarray,
    factor: np.ndarray,
    day: np.ndarray,
    prof: Profiles,
    d0: int,
) -> dict[str, np.ndarray]:
    n = cust.size
    category = (rng.random(n)[:, None] > prof.taste_cdf[cust]).sum(axis=1)
    names, prices, counts, offsets = _products()
    product = offsets[category] + (rng.random(n) * counts[category]).astype(np.int64)
    inflation = 1 + 0.02 * (day - d0) / 365.0
    unit = np.round(prices[product] * inflation * rng.uniform(0.97, 1.03, n), 2)
    base_qty = np.array([c.base_qty for c in cat.CATEGORIES])[category]
    elastic = np.where(category >= 6, 0.3, 1.0)  # collectibles and gold: one or two pieces
    qty = np.maximum(1, np.round(base_qty * factor**elastic * rng.lognormal(0, 0.5, n))).astype(
        np.int64
    )
    gross = qty * unit
    has_discount = rng.random(n) < prof.discount_prone[cust]
    rate = np.where(has_discount, _DISCOUNT_RATES[rng.integers(0, 5, n)], 0.0)
    discount = np.round(gross * rate, 2)
    margin = np.array([c.margin for c in cat.CATEGORIES])[category] * rng.uniform(0.7, 1.3, n)
    return {
        "amount": np.round(gross - discount, 2),
        "cost": np.round(gross * (1 - margin), 2),
        "quantity": qty,
        "category": np.array([c.name for c in cat.CATEGORIES], dtype=object)[category],
        "product": names[product],
        "discount": discount,
    }


def _draw_returns(
    rng: np.random.Generator, lines: pd.DataFrame, last_day: np.ndarray, d1: int
) -> pd.DataFrame:
    """Return part of earlier completed lines: same customer, product and net unit price."""
    day = lines["order_date"].to_numpy()
    eligible = np.flatnonzero(
        (lines["status"].to_numpy() == cat.ORDER_STATUS[0]) & (day + 3 <= np.minimum(last_day, d1))
    )
    k = min(eligible.size, round(len(lines) * RETURN_SHARE / (1 - RETURN_SHARE)))
    picked = np.sort(rng.choice(eligible, size=k, replace=False))
    src = lines.iloc[picked]
    ret_day = np.minimum(day[picked] + rng.integers(3, 46, k), np.minimum(last_day[picked], d1))
    qty = src["quantity"].to_numpy()
    back = np.maximum(1, np.round(qty * rng.uniform(0.2, 1.0, k))).astype(np.int64)
    share = back / qty
    order = np.argsort(ret_day, kind="stable")
    src, ret_day, back, share = src.iloc[order], ret_day[order], back[order], share[order]
    return pd.DataFrame(
        {
            "order_id": _numbered("SR", ret_day),
            "line_no": 1,
            "customer_id": src["customer_id"].to_numpy(),
            "order_date": ret_day,
            "amount": -np.round(src["amount"].to_numpy() * share, 2),
            "cost": -np.round(src["cost"].to_numpy() * share, 2),
            "quantity": -back,
            "category": src["category"].to_numpy(),
            "product": src["product"].to_numpy(),
            "discount": 0.0,
            "status": cat.ORDER_STATUS[0],
        }
    )


def draw_payments(
    rng: np.random.Generator,
    orders: pd.DataFrame,
    customer_ids: np.ndarray,
    prof: Profiles,
    d1: int,
) -> pd.DataFrame:
    """One invoice per completed sales order; paid according to the customer's habit."""
    sales = orders[
        (orders["status"] == cat.ORDER_STATUS[0]) & orders["order_id"].str.startswith("SO")
    ]
    inv = sales.groupby("order_id", sort=True).agg(
        customer_id=("customer_id", "first"),
        order_date=("order_date", "first"),
        amount=("amount", "sum"),
    )
    idx = np.searchsorted(customer_ids, inv["customer_id"].to_numpy())
    n = len(inv)
    day = inv["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    invoice = day + np.where(prof.nature[idx] == "个人", 0, rng.integers(0, 4, n))
    terms = prof.terms[idx]
    due = invoice + terms
    habit = prof.pay_habit[idx]
    on_time_p = np.array([0.95, 0.7, 0.25, 0.3])[habit]
    late_max = np.array([10, 30, 120, 180])[habit]
    late_min = np.array([1, 1, 10, 30])[habit]
    u = rng.random(n)
    early = invoice + (rng.random(n) * (terms + 1)).astype(np.int64)
    late = due + late_min + (rng.random(n) * (late_max - late_min + 1)).astype(np.int64)
    never = (habit == 3) & (u > 0.7)
    paid = np.where(u < on_time_p, early, late).astype("datetime64[D]")
    paid[never | (paid.astype(np.int64) > d1)] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "invoice_id": ["INV" + x[2:] for x in inv.index],
            "customer_id": inv["customer_id"].to_numpy(),
            "invoice_date": _to_dates(invoice),
            "due_date": _to_dates(due),
            "paid_date": pd.Series(pd.to_datetime(paid)),
            "amount": np.round(inv["amount"].to_numpy(), 2),
        }
    )


def draw_opportunities(
    rng: np.random.Generator, customers: pd.DataFrame, prof: Profiles, d0: int, d1: int
) -> pd.DataFrame:
    """Open, won and lost opportunities; prospects only have open or lost ones."""
    n = len(customers)
    k = np.where(
        prof.is_prospect,
        rng.choice(3, size=n, p=[0.4, 0.45, 0.15]),
        rng.choice(4, size=n, p=[0.7, 0.18, 0.08, 0.04]),
    )
    c = np.repeat(np.arange(n), k)
    m = c.size
    created_from = np.minimum(
        np.maximum(
            customers["created_date"].to_numpy().astype("datetime64[D]").astype(np.int64)[c], d0
        ),
        d1,
    )
    created = created_from + (rng.random(m) * (d1 - created_from + 1)).astype(np.int64)
    stage = np.where(
        prof.is_prospect[c],
        rng.choice([0, 2], size=m, p=[0.45, 0.55]),
        rng.choice(3, size=m, p=[0.2, 0.5, 0.3]),
    )
    recent = np.maximum(created_from, d1 - rng.integers(0, 150, m))
    created = np.where(stage == 0, np.maximum(created, recent), created)
    close = created + rng.integers(14, 121, m)
    close = np.where(stage == 0, close, np.minimum(close, d1))
    amount = np.maximum(500, np.round(prof.size[c] * 2500 * rng.uniform(0.5, 4, m), -2))
    order = np.lexsort((c, created))
    c, created, stage, close, amount = (
        c[order],
        created[order],
        stage[order],
        close[order],
        amount[order],
    )
    return pd.DataFrame(
        {
            "opportunity_id": _numbered("OP", created, width=5),
            "customer_id": customers["customer_id"].to_numpy()[c],
            "created_date": _to_dates(created),
            "expected_amount": amount.astype(float),
            "stage": np.asarray(cat.STAGES, dtype=object)[stage],
            "expected_close_date": _to_dates(close),
        }
    )
