"""Inputs read where they are on Spark: canonical types, category words, rejected rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_orders_and_customers_are_checked_on_spark(spark_engine: Any, tmp_path: Path) -> None:
    from custseg.compute.inputs import register_inputs
    from custseg.compute.settings import SparkSettings

    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", None],
            "customer_id": ["C1", "C2", "", "C4", "C5"],
            "order_date": ["2026-01-05", "2026-02-30", "2026-03-01", "2026-03-02", "2026-03-03"],
            "amount": ["100.5", "20", "30", "abc", "50"],
            "discount": [0.0, 0.0, 0.0, 0.0, -1.0],
            "status": ["已完成", "open", "completed", "completed", "completed"],
        }
    )
    customers = pd.DataFrame(
        {"customer_id": ["C1", "C2"], "nature": ["政府", "Individual"], "age": [40, 200]}
    )
    orders.to_parquet(tmp_path / "orders.parquet")
    customers.to_parquet(tmp_path / "customers.parquet")
    settings = SparkSettings(
        inputs={
            "orders": f"parquet:{tmp_path / 'orders.parquet'}",
            "customers": f"parquet:{tmp_path / 'customers.parquet'}",
        }
    )
    con = spark_engine.con
    try:
        found = register_inputs(con, settings)
        # orders and customers from the files; payments and opportunities are the session's
        # views of those names (an input without a path is the table of its name)
        assert set(found) == {"orders", "customers", "payments", "opportunities"}
        assert found["orders"].source == f"parquet:{tmp_path / 'orders.parquet'}"
        assert found["payments"].source == "table:payments"
        good = found["orders"].accepted.order_by("order_id").to_pandas()
        assert good.order_id.tolist() == ["O1"]
        assert good.amount.tolist() == [100.5]
        assert good.status.tolist() == ["completed"]  # 已完成 -> completed
        assert str(good.order_date.iloc[0])[:10] == "2026-01-05"
        bad = found["orders"].rejected.order_by("source_file", "customer_id").to_pandas()
        reasons = dict(zip(bad.customer_id.fillna(""), bad.reason, strict=True))
        assert reasons == {
            "C2": "order_date: not a date",
            "": "customer_id: missing",
            "C4": "amount: not a float",
            "C5": "order_id: missing",
        }
        people = found["customers"].accepted.to_pandas()
        assert people.nature.tolist() == ["government"]
        assert found["customers"].rejected.to_pandas().reason.tolist() == ["age: above 130"]
        assert con.table("orders").count().execute() == 1  # the run reads the accepted rows
    finally:
        register_inputs(con, spark_engine.settings)  # the session's sample inputs again
