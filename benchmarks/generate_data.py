"""Generate a large synthetic data set for benchmarks, fully vectorised with NumPy and Arrow.

Writes ``customers.parquet``, ``orders.parquet`` and ``payments.parquet`` into ``--out`` with the
canonical English column names of ``custseg.tables`` and typed columns (dates ``date32``,
amounts ``float64``, ``line_no`` ``int64``, strings ``string``; category-like values are the
canonical keys, e.g. nature ``ordinary_company``, status ``completed``)::

    python benchmarks/generate_data.py --customers 1000000 --lines 10000000 --out benchmarks/_data

Exactly ``--lines`` order lines are written. About 10% of customers never buy; the others get
lines in proportion to a gamma-distributed appetite; orders have 1-5 lines; about 2.5% of lines
are returns (single-line orders ``SR...`` with negative quantity, amount and cost). Each sales
order has one invoice, paid on time, late or never according to the customer's habit.
Customers are processed in fixed chunks (each with its own seeded stream), so memory stays
modest and the output depends only on the arguments.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CHUNK_CUSTOMERS = 100_000
START, END = date(2023, 7, 1), date(2026, 6, 30)
NATURES = ("ordinary_company", "individual", "partner", "special_company", "government")
NATURE_P = np.array([0.55, 0.17, 0.10, 0.08, 0.10])
BUSINESS_TYPE = np.array([0, 1, 0, 0, 2])  # index into BUSINESS_TYPES, per nature
BUSINESS_TYPES = ("enterprise", "individual", "government")
TERMS = np.array([30, 0, 30, 60, 90])  # payment terms in days, per nature
APPETITE = np.array([1.0, 0.3, 2.5, 1.2, 0.8])  # relative number of lines, per nature
INDUSTRIES = (
    "制造业",
    "零售",
    "建筑",
    "医疗",
    "教育",
    "物流",
    "餐饮",
    "能源",
    "金融",
    "信息技术",
    "农业",
    "政府机关",
)
PLACES = (
    ("广东", "深圳", 0.4),
    ("广东", "广州", 0.1),
    ("广东", "东莞", 0.1),
    ("广东", "佛山", 0.05),
    ("福建", "厦门", 0.05),
    ("湖南", "长沙", 0.05),
    ("广西", "南宁", 0.05),
    ("上海", "上海", 0.06),
    ("北京", "北京", 0.05),
    ("浙江", "杭州", 0.04),
    ("四川", "成都", 0.03),
    ("湖北", "武汉", 0.02),
)
OWNERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷")
# category, list unit price, margin, base quantity
CATEGORIES = (
    "办公用品",
    "电子产品",
    "工业耗材",
    "劳保用品",
    "食品饮料",
    "家具",
    "收藏品",
    "贵金属",
)
CAT_P = np.array([0.25, 0.15, 0.2, 0.15, 0.12, 0.08, 0.025, 0.025])
CAT_PRICE = np.array([30.0, 1800.0, 80.0, 40.0, 150.0, 1200.0, 8000.0, 15000.0])
CAT_MARGIN = np.array([0.26, 0.12, 0.20, 0.30, 0.18, 0.28, 0.35, 0.05])
CAT_QTY = np.array([40.0, 4.0, 60.0, 50.0, 20.0, 3.0, 1.0, 2.0])
LINES_P = np.array([0.45, 0.25, 0.15, 0.10, 0.05])
RETURN_SHARE = 0.025
ON_TIME_P = np.array([0.95, 0.7, 0.25, 0.3])  # per payment habit: good, occasional, chronic, bad
HABIT_P = np.array([0.72, 0.18, 0.08, 0.02])


def _epoch_day(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def _dict_strings(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(codes))


def _ids(prefix: str | pa.Array, parts: list[np.ndarray], widths: list[int]) -> pa.Array:
    pieces = [
        pc.utf8_lpad(pa.array(p).cast(pa.string()), w, "0")
        for p, w in zip(parts, widths, strict=True)
    ]
    return pc.binary_join_element_wise(prefix, *pieces, "")


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), type=pa.date32(), mask=mask)


def _season_cdf(d0: int, d1: int) -> np.ndarray:
    days = np.arange(d0, d1 + 1)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    w = np.array([0.95, 0.7, 1.0, 1.0, 1.0, 0.95, 0.9, 0.9, 1.0, 1.1, 1.25, 1.4])[month]
    w = np.where((days + 3) % 7 >= 5, w * 0.2, w)  # fewer weekend orders
    return np.concatenate([[0.0], np.cumsum(w)])


def make_customers(
    rng: np.random.Generator, n: int, d0: int, d1: int
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Draw customer attributes (a table) and hidden behaviour (arrays indexed by customer)."""
    nature = rng.choice(len(NATURES), size=n, p=NATURE_P)
    industry = rng.integers(0, len(INDUSTRIES) - 1, size=n)
    industry[nature == 4] = len(INDUSTRIES) - 1
    place_p = np.array([p[2] for p in PLACES])
    place = rng.choice(len(PLACES), size=n, p=place_p / place_p.sum())
    created = np.where(
        rng.random(n) < 0.4,
        d0 - rng.integers(30, 1800, n),
        d0 + ((d1 - d0) * np.sqrt(rng.random(n)) * 0.97).astype(np.int64),
    )
    width = max(6, len(str(n)))
    ids = _ids("C", [np.arange(1, n + 1)], [width])
    satisfaction = np.clip(np.round(rng.normal(3.8, 0.9, n)), 1, 5)
    prospect = np.clip(np.round(rng.normal(60, 15, n)), 0, 100)
    table = pa.table(
        {
            "customer_id": ids,
            "name": pc.binary_join_element_wise("客户", ids, ""),
            "created_date": _dates(created),
            "nature": _dict_strings(NATURES, nature),
            "business_type": _dict_strings(BUSINESS_TYPES, BUSINESS_TYPE[nature]),
            "industry": _dict_strings(INDUSTRIES, industry),
            "region": _dict_strings(tuple(p[0] for p in PLACES), place),
            "city": _dict_strings(tuple(p[1] for p in PLACES), place),
            "satisfaction": pa.array(satisfaction, mask=rng.random(n) > 0.35),
            "prospect_score": pa.array(prospect, mask=rng.random(n) > 0.55),
            "owner": _dict_strings(OWNERS, rng.integers(0, len(OWNERS), n)),
        }
    )
    buyer = rng.random(n) >= 0.10
    active_from = np.minimum(np.maximum(created, d0), d1 - 1)
    churn = rng.random(n) < 0.2
    active_to = np.where(
        churn, active_from + ((d1 - active_from) * rng.uniform(0.2, 0.8, n)).astype(np.int64), d1
    )
    behaviour = {
        "nature": nature,
        "ids": ids,
        "active_from": active_from,
        "active_to": active_to,
        "appetite": np.where(buyer, rng.gamma(0.8, 1.0, n) * APPETITE[nature], 0.0),
        "size": np.exp(rng.normal(0, 0.7, n)),
        "main_cat": rng.choice(len(CATEGORIES), size=n, p=CAT_P),
        "habit": np.where(nature == 1, 0, rng.choice(4, size=n, p=HABIT_P)),
    }
    return table, behaviour


def make_chunk(
    rng: np.random.Generator,
    cust_lines: np.ndarray,
    first_cust: int,
    order_offset: int,
    beh: dict[str, np.ndarray],
    cdf: np.ndarray,
    d0: int,
    d1: int,
) -> tuple[pa.Table, pa.Table]:
    """Draw the order lines and invoices of customers from ``first_cust`` on."""
    cust = np.repeat(np.arange(first_cust, first_cust + cust_lines.size), cust_lines)
    n = cust.size
    starts = np.zeros(n, dtype=bool)
    starts[(np.cumsum(cust_lines) - cust_lines)[cust_lines > 0]] = (
        True  # each customer's first line
    )
    sizes = np.cumsum(rng.choice(np.arange(1, 6), size=n // 2 + 1, p=LINES_P))
    starts[np.concatenate([[0], sizes[sizes < n]]) if n else []] = True
    order = np.cumsum(starts) - 1
    start_pos = np.flatnonzero(starts)
    line_no = np.arange(n) - start_pos[order] + 1
    o_cust = cust[start_pos]
    n_orders = start_pos.size

    lo, hi = beh["active_from"][o_cust], beh["active_to"][o_cust]
    v = cdf[lo - d0] + rng.random(n_orders) * (cdf[hi - d0 + 1] - cdf[lo - d0])
    o_day = np.searchsorted(cdf, v, side="right") - 1 + d0
    o_day = o_day[np.lexsort((o_day, o_cust))]  # a customer's orders in date order
    first_of_cust = np.r_[True, o_cust[1:] != o_cust[:-1]]
    single = np.diff(np.r_[start_pos, n]) == 1
    eligible = single & ~first_of_cust
    o_return = eligible & (rng.random(n_orders) < RETURN_SHARE * n / max(eligible.sum(), 1))

    category = np.where(
        rng.random(n) < 0.5, beh["main_cat"][cust], rng.choice(len(CATEGORIES), size=n, p=CAT_P)
    )
    unit = np.round(CAT_PRICE[category] * rng.lognormal(0, 0.4, n), 2)
    qty = np.maximum(1, np.round(CAT_QTY[category] * beh["size"][cust] * rng.lognormal(0, 0.5, n)))
    gross = qty * unit
    discount = np.round(
        gross * np.where(rng.random(n) < 0.3, rng.choice([0.03, 0.05, 0.1], size=n), 0.0), 2
    )
    cost = np.round(gross * (1 - CAT_MARGIN[category] * rng.uniform(0.7, 1.3, n)), 2)
    amount = np.round(gross - discount, 2)
    sign = np.where(o_return[order], -1.0, 1.0)
    discount = np.where(sign < 0, 0.0, discount)

    year = o_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    seq = order_offset + np.arange(1, n_orders + 1)
    order_ids = _ids(pa.array(np.where(o_return, "SR", "SO")), [year, seq], [4, 8])
    line_day = o_day[order]
    status_open = (o_day > d1 - 10) & (rng.random(n_orders) < 0.5) & ~o_return
    lines = pa.table(
        {
            "order_id": order_ids.take(pa.array(order)),
            "line_no": pa.array(line_no, pa.int64()),
            "customer_id": beh["ids"].take(pa.array(cust)),
            "order_date": _dates(line_day),
            "amount": sign * amount,
            "cost": sign * cost,
            "quantity": sign * qty,
            "category": _dict_strings(CATEGORIES, category),
            "discount": discount,
            "status": _dict_strings(("completed", "open"), status_open[order].astype(np.int8)),
        }
    )
    return lines, _invoices(
        rng,
        beh,
        o_cust,
        o_day,
        np.add.reduceat(amount, start_pos) if n else amount,
        ~o_return & ~status_open,
        year,
        seq,
        d1,
    )


def _invoices(
    rng: np.random.Generator,
    beh: dict[str, np.ndarray],
    o_cust: np.ndarray,
    o_day: np.ndarray,
    totals: np.ndarray,
    keep: np.ndarray,
    year: np.ndarray,
    seq: np.ndarray,
    d1: int,
) -> pa.Table:
    cust, day, totals = o_cust[keep], o_day[keep], totals[keep]
    m = cust.size
    terms = TERMS[beh["nature"][cust]]
    due = day + terms
    habit = beh["habit"][cust]
    u = rng.random(m)
    late_by = np.array([10, 30, 120, 180])[habit] * rng.random(m)
    paid = np.where(
        u < ON_TIME_P[habit],
        day + (rng.random(m) * (terms + 1)).astype(np.int64),
        due + 1 + late_by.astype(np.int64),
    )
    unpaid = ((habit == 3) & (u > 0.7)) | (paid > d1)
    return pa.table(
        {
            "invoice_id": _ids("INV", [year[keep], seq[keep]], [4, 8]),
            "customer_id": beh["ids"].take(pa.array(cust)),
            "invoice_date": _dates(day),
            "due_date": _dates(due),
            "paid_date": _dates(paid, unpaid),
            "amount": np.round(totals, 2),
        }
    )


def generate(n_customers: int, n_lines: int, out: Path, seed: int) -> dict[str, int]:
    """Write the three Parquet files into ``out``; return the row count of each."""
    out.mkdir(parents=True, exist_ok=True)
    d0, d1 = _epoch_day(START), _epoch_day(END)
    streams = np.random.SeedSequence(seed).spawn(1 + -(-n_customers // CHUNK_CUSTOMERS))
    rng = np.random.default_rng(streams[0])
    customers, beh = make_customers(rng, n_customers, d0, d1)
    pq.write_table(customers, out / "customers.parquet")
    p = beh["appetite"] / beh["appetite"].sum()
    lines_per_customer = rng.multinomial(n_lines, p)
    cdf = _season_cdf(d0, d1)
    counts = {"customers": n_customers, "orders": 0, "payments": 0}
    writers: dict[str, pq.ParquetWriter] = {}
    order_offset = 0
    try:
        for k, first in enumerate(range(0, n_customers, CHUNK_CUSTOMERS)):
            chunk = lines_per_customer[first : first + CHUNK_CUSTOMERS]
            lines, invoices = make_chunk(
                np.random.default_rng(streams[k + 1]), chunk, first, order_offset, beh, cdf, d0, d1
            )
            order_offset += int(pc.count_distinct(lines["order_id"]).as_py())
            for name, table in (("orders", lines), ("payments", invoices)):
                if name not in writers:
                    writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
                writers[name].write_table(table)
                counts[name] += table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    return counts


def main(argv: list[str] | None = None) -> dict[str, int]:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Generate Parquet benchmark data for custseg.")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "_data")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    counts = generate(args.customers, args.lines, args.out, args.seed)
    if argv is None:
        print(f"{counts} in {time.perf_counter() - t0:.1f} s -> {args.out}")  # noqa: T201
    return counts


if __name__ == "__main__":
    main()
