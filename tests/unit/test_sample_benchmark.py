"""The benchmark data generator and the pandas RFM baseline, at a tiny size."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow.parquet as pq
import pytest

from custseg.features import FEATURE_NAMES

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    counts = _load("generate_data").main(
        ["--customers", "1000", "--lines", "10000", "--out", str(out), "--seed", "3"]
    )
    assert counts["orders"] == 10_000
    return out


def test_row_counts(bench_dir: Path) -> None:
    assert pq.read_metadata(bench_dir / "customers.parquet").num_rows == 1000
    assert pq.read_metadata(bench_dir / "orders.parquet").num_rows == 10_000
    orders = pq.read_table(bench_dir / "orders.parquet").to_pandas()
    payments = pq.read_table(bench_dir / "payments.parquet").to_pandas()
    sales = orders[orders["order_id"].str.startswith("SO") & (orders["status"] == "completed")]
    assert len(payments) == sales["order_id"].nunique()
    assert not orders.duplicated(["order_id", "line_no"]).any()
    assert orders.groupby("order_id")["line_no"].max().le(5).all()
    assert 0.015 < (orders["amount"] < 0).mean() < 0.04


def test_column_types(bench_dir: Path) -> None:
    orders = pq.read_schema(bench_dir / "orders.parquet")
    types = {f.name: str(f.type) for f in orders}
    assert types == {
        "order_id": "string",
        "line_no": "int64",
        "customer_id": "string",
        "order_date": "date32[day]",
        "amount": "double",
        "cost": "double",
        "quantity": "double",
        "category": "string",
        "discount": "double",
        "status": "string",
    }
    payments = {f.name: str(f.type) for f in pq.read_schema(bench_dir / "payments.parquet")}
    assert payments["paid_date"] == "date32[day]" and payments["amount"] == "double"
    customers = {f.name: str(f.type) for f in pq.read_schema(bench_dir / "customers.parquet")}
    assert customers["created_date"] == "date32[day]" and customers["satisfaction"] == "double"


def test_same_seed_same_data(bench_dir: Path, tmp_path: Path) -> None:
    _load("generate_data").main(
        ["--customers", "1000", "--lines", "10000", "--out", str(tmp_path), "--seed", "3"]
    )
    for name in ("customers", "orders", "payments"):
        assert pq.read_table(tmp_path / f"{name}.parquet").equals(
            pq.read_table(bench_dir / f"{name}.parquet")
        ), name


def _reference(orders: pd.DataFrame, customer: str, as_of: date) -> dict[str, float]:
    """Plain-Python features of one customer, for comparison with the baseline."""
    rows = [r for r in orders.itertuples() if r.customer_id == customer and r.order_date <= as_of]
    totals: dict[str, list] = {}
    for r in rows:
        totals.setdefault(r.order_id, [r.order_date, 0.0])[1] += r.amount
    buys = [(d, v) for d, v in totals.values() if v > 0]
    year_ago, two_years_ago = as_of - timedelta(days=365), as_of - timedelta(days=730)
    return {
        "recency_days": (as_of - max(d for d, _ in buys)).days,
        "orders_count": len(buys),
        "purchase_days": len({d for d, _ in buys}),
        "monetary_total": sum(r.amount for r in rows),
        "max_order_value": max(v for _, v in totals.values()),
        "revenue_12m": sum(r.amount for r in rows if r.order_date > year_ago),
        "revenue_prev_12m": sum(r.amount for r in rows if two_years_ago < r.order_date <= year_ago),
    }


def test_pandas_baseline_matches_a_plain_reference(bench_dir: Path) -> None:
    baseline = _load("pandas_rfm_baseline")
    orders = pd.read_parquet(bench_dir / "orders.parquet")  # dates as datetime.date
    as_of = date(2025, 12, 31)
    features = baseline.pandas_rfm(baseline.load_orders(bench_dir / "orders.parquet"), as_of)
    assert features.equals(baseline.pandas_rfm(orders, as_of))
    assert list(features.columns) == list(baseline.RFM_FEATURES)
    # Like for like: every baseline column is a feature custseg computes under the same name.
    assert set(baseline.RFM_FEATURES) <= set(FEATURE_NAMES)
    busy = features[features["orders_count"] >= 3].index[:5]
    for customer in busy:
        want = _reference(orders, customer, as_of)
        got = features.loc[customer]
        for key, value in want.items():
            assert got[key] == pytest.approx(value, abs=0.01), (customer, key)
        assert got["avg_order_value"] == pytest.approx(
            want["monetary_total"] / want["orders_count"]
        )
