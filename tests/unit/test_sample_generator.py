"""The seeded sample generator: determinism, shape, realism and the bundled copy."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from custseg.sample import ZH_HEADERS, SampleData, generate_sample, sample_data_dir, write_sample
from custseg.sample import _catalogue as cat
from custseg.tables import SCHEMAS, TABLE_NAMES

END = pd.Timestamp(2026, 6, 30)


@pytest.fixture(scope="module")
def sample() -> SampleData:
    return generate_sample()


def _read_header(path: Path, encoding: str = "utf-8-sig") -> list[str]:
    with path.open(encoding=encoding, newline="") as handle:
        return next(csv.reader(handle))


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = write_sample(generate_sample(300, seed=7), tmp_path / "a")
    second = write_sample(generate_sample(300, seed=7), tmp_path / "b")
    for name in TABLE_NAMES:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_other_seed_gives_other_data() -> None:
    a, b = generate_sample(300, seed=1), generate_sample(300, seed=2)
    assert not a.orders["amount"].equals(b.orders["amount"])


def test_columns_are_canonical_names(sample: SampleData) -> None:
    for name, frame in sample.tables().items():
        canonical = {c.name for c in SCHEMAS[name]}
        assert set(frame.columns) <= canonical, name
        assert list(frame.columns) == list(ZH_HEADERS[name]), name


def test_counts_are_in_range(sample: SampleData) -> None:
    assert len(sample.customers) == 3000
    assert sample.customers["customer_id"].is_unique
    assert 25_000 < len(sample.orders) < 80_000
    lines_per_order = len(sample.orders) / sample.orders["order_id"].nunique()
    assert 1.5 < lines_per_order < 2.8
    assert 0.2 < len(sample.opportunities) / len(sample.customers) < 1.0


def test_ids_have_the_documented_formats(sample: SampleData) -> None:
    assert sample.customers["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert sample.orders["order_id"].str.fullmatch(r"S[OR]20\d{2}\d{6}").all()
    assert sample.payments["invoice_id"].str.fullmatch(r"INV20\d{8}").all()
    assert sample.opportunities["opportunity_id"].str.fullmatch(r"OP20\d{7}").all()


def test_order_lines_are_numbered_one_to_five_without_duplicates(sample: SampleData) -> None:
    orders = sample.orders
    assert not orders.duplicated(["order_id", "line_no"]).any()
    n = orders.groupby("order_id")["line_no"].agg(["min", "max", "size"])
    assert (n["min"] == 1).all() and (n["max"] == n["size"]).all() and n["max"].le(5).all()
    assert orders.groupby("order_id")["order_date"].nunique().eq(1).all()


def test_every_nature_industry_and_category_is_present(sample: SampleData) -> None:
    assert set(sample.customers["nature"]) == set(cat.NATURES)
    industries = set(cat.INDUSTRIES) | set(cat.GOVERNMENT_INDUSTRIES)
    assert set(sample.customers["industry"].dropna()) == industries
    assert set(sample.customers["business_type"]) == {"企业", "个人", "政府"}
    assert set(sample.orders["category"]) == {c.name for c in cat.CATEGORIES}
    assert set(sample.customers["owner"]) == set(cat.OWNERS)


def test_home_city_is_most_common_then_home_region(sample: SampleData) -> None:
    cities = sample.customers["city"].value_counts()
    assert cities.index[0] == cat.HOME_CITY
    regions = sample.customers["region"].value_counts(normalize=True)
    assert regions.index[0] == cat.HOME_REGION and 0.4 < regions.iloc[0] < 0.8
    assert sample.customers["region"].nunique() >= 15


def test_returns_are_negative_and_follow_a_purchase(sample: SampleData) -> None:
    orders = sample.orders
    returns = orders[orders["amount"] < 0]
    assert 0.02 <= len(returns) / len(orders) <= 0.03
    assert (returns["quantity"] < 0).all() and (returns["cost"] < 0).all()
    assert returns["order_id"].str.startswith("SR").all()
    sales = orders[orders["amount"] > 0]
    first_buy = sales.groupby(["customer_id", "product"])["order_date"].min()
    keys = pd.MultiIndex.from_frame(returns[["customer_id", "product"]])
    assert (first_buy.reindex(keys).to_numpy() < returns["order_date"].to_numpy()).all()


def test_amounts_have_two_decimals_and_margins_vary_by_category(sample: SampleData) -> None:
    orders = sample.orders
    for column in ("amount", "cost", "discount"):
        cents = orders[column] * 100
        assert (cents - cents.round()).abs().max() < 1e-6, column
    totals = orders.groupby("category")[["amount", "cost"]].sum()
    margin = 1 - totals["cost"] / totals["amount"]
    assert margin["收藏品"] > 0.25 and margin["贵金属"] < 0.08
    assert (orders["discount"] > 0).mean() > 0.1


def test_prospects_churners_and_newcomers_are_present(sample: SampleData) -> None:
    orders, customers = sample.orders, sample.customers
    prospects = set(customers["customer_id"]) - set(orders["customer_id"])
    assert 0.05 < len(prospects) / len(customers) < 0.25
    last_buy = orders[orders["amount"] > 0].groupby("customer_id")["order_date"].max()
    churners = last_buy < END - pd.DateOffset(months=9)
    assert 0.1 < churners.mean() < 0.45
    new = customers["created_date"] > pd.Timestamp(2025, 7, 1)
    assert new.mean() > 0.1


def test_growers_raise_their_order_values(sample: SampleData) -> None:
    per_order = (
        sample.orders[sample.orders["amount"] > 0]
        .groupby(["customer_id", "order_id"])
        .agg(day=("order_date", "first"), value=("amount", "sum"))
    )
    year = per_order["day"].dt.year
    early = per_order[year == 2024].groupby("customer_id")["value"].mean()
    late = per_order[year == 2026].groupby("customer_id")["value"].mean()
    ratio = (late / early).dropna()
    assert (ratio > 1.5).mean() > 0.1


def test_orders_show_spring_festival_dip_and_q4_peak(sample: SampleData) -> None:
    monthly = sample.orders.groupby(sample.orders["order_date"].dt.to_period("M"))[
        "order_id"
    ].nunique()
    assert monthly[pd.Period("2024-02")] < 0.6 * monthly[pd.Period("2024-03")]
    assert monthly[pd.Period("2024-12")] > monthly[pd.Period("2024-09")]


def test_payments_are_mostly_on_time_with_a_few_unpaid(sample: SampleData) -> None:
    payments = sample.payments
    assert (payments["due_date"] >= payments["invoice_date"]).all()
    due = payments[payments["due_date"] <= END]
    on_time = (due["paid_date"] <= due["due_date"]).mean()
    assert 0.6 <= on_time <= 0.9
    overdue = due["paid_date"].isna().mean()
    assert 0.002 < overdue < 0.05
    assert (payments["paid_date"].dropna() <= END).all()
    assert set(payments["customer_id"]) <= set(sample.orders["customer_id"])


def test_opportunities_have_every_stage(sample: SampleData) -> None:
    opp = sample.opportunities
    assert set(opp["stage"]) == set(cat.STAGES)
    assert (opp["expected_close_date"] >= opp["created_date"]).all()
    prospects = set(sample.customers["customer_id"]) - set(sample.orders["customer_id"])
    assert opp["customer_id"].isin(prospects).any()


def test_survey_fields_are_partly_filled(sample: SampleData) -> None:
    customers = sample.customers
    for column in ("decision_factor", "satisfaction", "prospect_score"):
        filled = customers[column].notna().mean()
        assert 0.2 < filled < 0.8, column
    values = set(customers["satisfaction"].dropna())
    assert {"满意", "一般"} <= values and {"4", "5"} <= values


@pytest.mark.parametrize("headers", ["zh", "en"])
def test_csv_headers(tmp_path: Path, headers: str) -> None:
    paths = write_sample(generate_sample(100), tmp_path, headers=headers)  # type: ignore[arg-type]
    for name, path in paths.items():
        want = list(ZH_HEADERS[name].values() if headers == "zh" else ZH_HEADERS[name])
        assert _read_header(path) == want
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_parquet_has_typed_columns(tmp_path: Path) -> None:
    paths = write_sample(generate_sample(100), tmp_path, headers="en", format="parquet")
    orders = pq.read_schema(paths["orders"])
    assert str(orders.field("order_date").type) == "date32[day]"
    assert str(orders.field("amount").type) == "double"
    assert str(orders.field("line_no").type) == "int64"
    payments = pq.read_table(paths["payments"])
    assert payments.column("paid_date").null_count > 0


def test_write_sample_rejects_unknown_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"one of \['csv', 'parquet'\]"):
        write_sample(generate_sample(20), tmp_path, format="xlsx")  # type: ignore[arg-type]


def test_generate_sample_rejects_a_short_window() -> None:
    with pytest.raises(ValueError, match="181 days"):
        generate_sample(10, start=date(2024, 1, 1), end=date(2024, 3, 1))


def test_bundled_sample_matches_the_generator(tmp_path: Path) -> None:
    bundled = sample_data_dir()
    total = sum((bundled / f"{name}.csv").stat().st_size for name in TABLE_NAMES)
    assert total < 6_500_000
    fresh = write_sample(generate_sample(2500), tmp_path)
    for name in TABLE_NAMES:
        assert (bundled / f"{name}.csv").read_bytes() == fresh[name].read_bytes(), (
            f"{name}.csv is stale; run python scripts/make_sample.py"
        )
