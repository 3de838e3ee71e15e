"""A seeded generator of a realistic trading company's data, and writers for it.

The company (a 深圳-based trading company) sells office supplies, electronics, industrial
consumables, safety gear, food and drink, furniture, collectibles and precious metals to
customers of every nature (政府机构, 特殊公司, 普通公司, 个人, 伙伴). Over the window it sees:

- customers who existed before the window and new ones arriving at a rising pace;
- prospects (about 12%) who never buy, some with open or lost opportunities;
- churners (about 22% of buyers) who stop buying at some point, growers (about 15%) whose
  order values rise, and seasonality (春节 dip, Q4 peak, fewer weekend orders for businesses);
- orders of 1-5 lines (``SO2024000123``), margins by category, discounts, and returns
  (about 2.5% of lines; ``SR2024000045``, negative, of an earlier line of the same customer);
- one invoice per completed order (``INV2024000123``) paid on time, late or never according to
  the customer's habit; invoices not paid by the end of the window have no paid date;
- opportunities (``OP202400012``) open, won (赢单) or lost (输单).

Values are written the way the company's system holds them (Chinese), e.g. nature ``政府机构``,
stage ``进行中``; satisfaction mixes scores (``"4"``) and words (``"满意"``). The frames use the
canonical English column names of :mod:`custseg.tables`; :func:`write_sample` can write Chinese
headers. Same arguments, same frames, same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from custseg.sample._activity import draw_opportunities, draw_orders, draw_payments
from custseg.sample._customers import generate_customers
from custseg.tables import TABLE_NAMES, TableName

__all__ = ["ZH_HEADERS", "SampleData", "generate_sample", "write_sample"]

# Chinese header of each written column, per table (the order is the order written).
ZH_HEADERS: dict[TableName, dict[str, str]] = {
    "customers": {
        "customer_id": "客户编号",
        "name": "客户名称",
        "created_date": "创建日期",
        "nature": "性质",
        "business_type": "业务类型",
        "industry": "行业",
        "region": "地区",
        "city": "城市",
        "decision_factor": "购买决策因素",
        "satisfaction": "满意度",
        "prospect_score": "发展前景",
        "owner": "负责人",
    },
    "orders": {
        "order_id": "订单号",
        "line_no": "行号",
        "customer_id": "客户编号",
        "order_date": "下单日期",
        "amount": "金额",
        "cost": "成本",
        "quantity": "数量",
        "category": "产品类别",
        "product": "产品",
        "discount": "折扣",
        "status": "状态",
    },
    "payments": {
        "invoice_id": "发票号",
        "customer_id": "客户编号",
        "invoice_date": "开票日期",
        "due_date": "到期日",
        "paid_date": "付款日期",
        "amount": "金额",
    },
    "opportunities": {
        "opportunity_id": "商机编号",
        "customer_id": "客户编号",
        "created_date": "创建日期",
        "expected_amount": "预计金额",
        "stage": "阶段",
        "expected_close_date": "预计成交日期",
    },
}


@dataclass(frozen=True)
class SampleData:
    """The four tables of a generated company, with canonical English column names."""

    customers: pd.DataFrame
    orders: pd.DataFrame
    payments: pd.DataFrame
    opportunities: pd.DataFrame

    def tables(self) -> dict[TableName, pd.DataFrame]:
        """Return the frames by table name."""
        return {name: getattr(self, name) for name in TABLE_NAMES}


def generate_sample(
    n_customers: int = 3000,
    *,
    start: date = date(2023, 7, 1),
    end: date = date(2026, 6, 30),
    seed: int = 20261123,
) -> SampleData:
    """Generate the data of a trading company with ``n_customers`` customers.

    Orders fall between ``start`` and ``end`` (inclusive).

    Parameters
    ----------
    n_customers : int
        Number of customers, prospects included (at least 1).
    start, end : date
        The window of orders; ``end`` is the day the data was extracted.
    seed : int
        Seed of the random generator; the same arguments always give the same data.

    Returns
    -------
    SampleData

    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1; got {n_customers}")
    if end <= start + pd.Timedelta(days=180):
        raise ValueError(f"end must be at least 181 days after start; got start={start}, end={end}")
    rng = np.random.default_rng(seed)
    d0 = int(np.datetime64(start, "D").astype(np.int64))
    d1 = int(np.datetime64(end, "D").astype(np.int64))
    customers, profiles = generate_customers(rng, n_customers, start, end)
    ids = customers["customer_id"].to_numpy().astype(object)
    orders = draw_orders(rng, ids, profiles, d0, d1)
    payments = draw_payments(rng, orders, ids, profiles, d1)
    opportunities = draw_opportunities(rng, customers, profiles, d0, d1)
    return SampleData(customers, orders, payments, opportunities)


def write_sample(
    sample: SampleData,
    directory: str | Path,
    *,
    headers: Literal["zh", "en"] = "zh",
    format: Literal["csv", "parquet"] = "csv",  # noqa: A002 - mirrors the CLI option name
) -> dict[TableName, Path]:
    """Write the four tables into ``directory`` (created if needed).

    Files are ``<table>.csv`` (UTF-8 with BOM, as Excel writes) or ``<table>.parquet``
    (dates as ``date32``).

    Returns the path written for each table.
    """
    if headers not in ("zh", "en"):
        raise ValueError(f"headers must be one of ['en', 'zh']; got {headers!r}")
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be one of ['csv', 'parquet']; got {format!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[TableName, Path] = {}
    for name, frame in sample.tables().items():
        mapping = ZH_HEADERS[name] if headers == "zh" else {c: c for c in ZH_HEADERS[name]}
        path = out / f"{name}.{format}"
        if format == "csv":
            _write_csv(frame, mapping, path)
        else:
            _write_parquet(frame, mapping, path)
        written[name] = path
    return written


def _date_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]


def _write_csv(frame: pd.DataFrame, mapping: Mapping[str, str], path: Path) -> None:
    text = frame[list(mapping)].rename(columns=dict(mapping))
    text.to_csv(
        path,
        index=False,
        encoding="utf-8-sig",
        float_format="%.2f",
        date_format="%Y-%m-%d",
        lineterminator="\n",
    )


def _write_parquet(frame: pd.DataFrame, mapping: Mapping[str, str], path: Path) -> None:
    table = pa.Table.from_pandas(frame[list(mapping)], preserve_index=False)
    for column in _date_columns(frame):
        i = table.schema.get_field_index(column)
        table = table.set_column(i, column, table.column(i).cast(pa.date32()))
    table = table.rename_columns([mapping[c] for c in table.column_names])
    pq.write_table(table.replace_schema_metadata(None), path)
