"""The feature table on a tiny hand-built workspace, with hand-computed expected values.

as_of = 2024-06-30; the activity window is (2023-07-01, 2024-06-30], the previous window
(2022-07-01, 2023-07-01]. Home: 广东 / 深圳.

Customers (see the order, payment and opportunity rows below):
- C01 regular buyer: 5 orders on 4 days (two on 2024-01-10), a return line, costs on every line,
  a discount, one open order, payments on time / late / unpaid / paid after as_of / old unpaid,
  an open, a won and a future opportunity.
- C02 two orders on the same day, no cost, no payments.
- C03 one purchase and a later pure return order (not a purchase; reduces revenue_12m);
  cost on some lines only.
- C04 prospect with an opportunity without stage or amount.
- C05 in customers, only orders after as_of: a prospect.
- C06 not in customers; two purchase days, the last on as_of itself.
- C07 only orders after as_of, not in customers: absent.  C08 created after as_of: absent.
- C09 created after as_of but ordered before it: present; its line has no category.
- C10 only an invoice.
"""

from __future__ import annotations

from datetime import date
from statistics import pstdev
from typing import Any

import ibis
import pytest

from custseg.errors import UnknownNameError
from custseg.features import FEATURE_NAMES, FeatureParameters, build_category_shares
from custseg.features import build_feature_table as build
from custseg.tables import SCHEMAS, TableName

AS_OF = date(2024, 6, 30)
HOME = FeatureParameters(home_region="广东", home_city="深圳")
_TYPES = {"string": "string", "date": "date", "float": "float64", "int": "int64"}

D = date.fromisoformat

CUSTOMERS = [
    # customer_id, name, created_date, region, city
    ("C01", "Alpha", D("2022-01-15"), "广东", "深圳"),
    ("C02", "Beta", D("2024-03-01"), "广西", "南宁"),
    ("C03", "Gamma", D("2020-06-01"), "北京市", "北京"),
    ("C04", "Delta", D("2024-01-01"), "广东省", "广州"),
    ("C05", "Eps", D("2024-02-01"), None, None),
    ("C08", "Late", D("2024-08-01"), "广东", "深圳"),
    ("C09", "Iota", D("2024-07-01"), "Guangdong", "Shenzhen"),
]
ORDERS = [
    # order_id, customer_id, order_date, amount, cost, category, discount, status
    ("O101", "C01", D("2023-01-10"), 100.0, 60.0, "A", 10.0, "completed"),
    ("O101", "C01", D("2023-01-10"), 50.0, 30.0, "B", None, "completed"),
    ("O102", "C01", D("2023-07-10"), 200.0, 120.0, "A", None, "completed"),
    ("O103", "C01", D("2024-01-10"), 300.0, 200.0, "A", None, "completed"),
    ("O103", "C01", D("2024-01-10"), -50.0, -30.0, "A", None, "completed"),
    ("O104", "C01", D("2024-01-10"), 100.0, 70.0, "B", None, "completed"),
    ("O105", "C01", D("2024-06-10"), 120.0, 80.0, "A", None, "open"),
    ("O201", "C02", D("2024-03-15"), 80.0, None, "C", None, "completed"),
    ("O202", "C02", D("2024-03-15"), 40.0, None, "C", None, None),
    ("O301", "C03", D("2023-05-01"), 500.0, 300.0, "A", None, "completed"),
    ("O301", "C03", D("2023-05-01"), 100.0, None, "D", None, "completed"),
    ("O302", "C03", D("2023-08-01"), -200.0, -120.0, "A", None, "completed"),
    ("O501", "C05", D("2024-07-15"), 100.0, None, "A", None, "open"),
    ("O601", "C06", D("2024-06-30"), 70.0, None, "B", None, "completed"),
    ("O602", "C06", D("2024-04-01"), 30.0, None, "B", None, "completed"),
    ("O701", "C07", D("2024-08-01"), 100.0, None, "A", None, "completed"),
    ("O901", "C09", D("2024-02-01"), 200.0, None, None, None, "completed"),
]
PAYMENTS = [
    # invoice_id, customer_id, invoice_date, due_date, paid_date, amount
    ("I1", "C01", D("2024-01-01"), D("2024-01-31"), D("2024-01-20"), 100.0),
    ("I2", "C01", D("2024-03-01"), D("2024-03-31"), D("2024-04-10"), 200.0),
    ("I3", "C01", D("2024-05-01"), D("2024-05-31"), None, 500.0),
    ("I4", "C01", D("2024-05-15"), D("2024-06-15"), D("2024-07-05"), 300.0),
    ("I5", "C01", D("2022-12-01"), D("2022-12-31"), None, 1000.0),
    ("I6", "C01", D("2024-06-20"), D("2024-08-31"), None, 50.0),
    ("I7", "C01", D("2024-07-05"), D("2024-08-05"), None, 70.0),
    ("I8", "C10", None, D("2024-06-01"), D("2024-06-01"), 100.0),
]
OPPORTUNITIES = [
    # opportunity_id, customer_id, created_date, expected_amount, stage, expected_close_date
    ("P1", "C01", D("2024-05-01"), 5000.0, "open", D("2024-05-31")),
    ("P2", "C01", D("2024-01-01"), 800.0, "won", D("2024-02-01")),
    ("P3", "C01", D("2024-07-10"), 900.0, "open", D("2024-09-01")),
    ("P4", "C04", D("2024-06-01"), None, None, None),
]


def _records(table: TableName, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = {
        "customers": ("customer_id", "name", "created_date", "region", "city"),
        "orders": ("order_id", "customer_id", "order_date", "amount", "cost", "category",
                   "discount", "status"),
        "payments": ("invoice_id", "customer_id", "invoice_date", "due_date", "paid_date",
                     "amount"),
        "opportunities": ("opportunity_id", "customer_id", "created_date", "expected_amount",
                          "stage", "expected_close_date"),
    }[table]
    records = []
    for number, row in enumerate(rows, start=2):
        record: dict[str, Any] = {c.name: None for c in SCHEMAS[table]}
        record.update(zip(names, row, strict=True))
        if table == "orders":
            record["line_no"] = number
        record["source_file"] = f"{table}.csv"
        record["source_row"] = number
        records.append(record)
    return records


def make_workspace(
    tables: dict[TableName, list[tuple[Any, ...]]] | None = None,
) -> ibis.BaseBackend:
    """An in-memory workspace holding the given canonical tables (default: all four)."""
    if tables is None:
        tables = {"customers": CUSTOMERS, "orders": ORDERS, "payments": PAYMENTS,
                  "opportunities": OPPORTUNITIES}
    con = ibis.duckdb.connect()
    for table, rows in tables.items():
        schema = ibis.schema(
            {c.name: _TYPES[c.type] for c in SCHEMAS[table]}
            | {"source_file": "string", "source_row": "int64"}
        )
        records = _records(table, rows)
        data = {name: [r[name] for r in records] for name in schema.names}
        con.create_table(table, ibis.memtable(data, schema=schema))
    return con


def feature_rows(
    con: ibis.BaseBackend, as_of: date = AS_OF, **kw: Any
) -> dict[str, dict[str, Any]]:
    """The feature table as {customer_id: {feature: python value}}."""
    rows = build(con, as_of, **kw).to_pyarrow().to_pylist()
    return {row["customer_id"]: row for row in rows}


# ---- expected values --------------------------------------------------------------------------
NO_ORDERS: dict[str, Any] = {
    "has_purchase": False, "is_prospect": True, "orders_count": 0, "purchase_days": 0,
    "orders_12m": 0, "purchase_days_12m": 0, "active_months_12m": 0, "monetary_total": 0.0,
    "revenue_12m": 0.0, "revenue_prev_12m": 0.0, "return_amount": 0.0, "category_count": 0,
    "open_orders": 0, "invoices_12m": 0, "overdue_balance": 0.0, "overdue_invoices": 0,
    "open_opportunities": 0, "open_opportunity_amount": 0.0,
}
C01_GAPS = (181, 184, 152)
EXPECTED: dict[str, dict[str, Any]] = {
    "C01": {
        "name": "Alpha", "region_scope": "local", "has_purchase": True, "is_prospect": False,
        "first_purchase_date": D("2023-01-10"), "last_purchase_date": D("2024-06-10"),
        "recency_days": 20, "tenure_days": 537, "relationship_days": 897,
        "orders_count": 5, "purchase_days": 4, "orders_12m": 4, "purchase_days_12m": 3,
        "active_months_12m": 3, "monetary_total": 820.0, "revenue_12m": 670.0,
        "revenue_prev_12m": 150.0, "revenue_growth": (670 - 150) / 150,
        "avg_order_value": 820 / 5, "max_order_value": 250.0, "return_amount": 50.0,
        "return_share": 50 / 870, "profit_total": 290.0, "profit_12m": 230.0,
        "margin": 290 / 820, "gap_mean_days": 517 / 3,
        "gap_cv": pstdev(C01_GAPS) / (517 / 3), "overdue_ratio": 20 / (517 / 3),
        "top_category": "A", "top_category_share": 670 / 820, "category_count": 2,
        "discount_share": 10 / 110, "open_orders": 1, "invoices_12m": 4,
        "on_time_share": 0.25, "mean_days_late": (0 + 10 + 30 + 15) / 4, "max_days_late": 30,
        "overdue_balance": 1800.0, "overdue_invoices": 3, "open_opportunities": 1,
        "open_opportunity_amount": 5000.0, "r_score": 5, "f_score": 5, "m_score": 5,
        "rfm_score": 555,
        "loyalty_score": 100 * (
            0.3 * 0.9 + 0.3 * 0.9 + 0.4 * (0.5 * 3 / 12 + 0.5 / (1 + pstdev(C01_GAPS) / (517 / 3)))
        ),
    },
    "C02": {
        "name": "Beta", "region_scope": "regional", "has_purchase": True, "is_prospect": False,
        "first_purchase_date": D("2024-03-15"), "last_purchase_date": D("2024-03-15"),
        "recency_days": 107, "tenure_days": 107, "relationship_days": 121,
        "orders_count": 2, "purchase_days": 1, "orders_12m": 2, "purchase_days_12m": 1,
        "active_months_12m": 1, "monetary_total": 120.0, "revenue_12m": 120.0,
        "revenue_prev_12m": 0.0, "avg_order_value": 60.0, "max_order_value": 80.0,
        "return_amount": 0.0, "return_share": 0.0, "top_category": "C",
        "top_category_share": 1.0, "category_count": 1, "open_orders": 0,
        "invoices_12m": 0, "overdue_balance": 0.0, "overdue_invoices": 0,
        "open_opportunities": 0, "open_opportunity_amount": 0.0,
        "r_score": 4, "f_score": 3, "m_score": 1, "rfm_score": 431,
        "loyalty_score": 100 * (0.3 * 0.6 + 0.4 * 0.5 * 1 / 12),
    },
    "C03": {
        "name": "Gamma", "region_scope": "national", "has_purchase": True,
        "is_prospect": False, "first_purchase_date": D("2023-05-01"),
        "last_purchase_date": D("2023-05-01"), "recency_days": 426, "tenure_days": 426,
        "relationship_days": 1490, "orders_count": 1, "purchase_days": 1, "orders_12m": 0,
        "purchase_days_12m": 0, "active_months_12m": 0, "monetary_total": 400.0,
        "revenue_12m": -200.0, "revenue_prev_12m": 600.0, "revenue_growth": -800 / 600,
        "avg_order_value": 400.0, "max_order_value": 600.0, "return_amount": 200.0,
        "return_share": 200 / 600, "profit_total": 120.0, "profit_12m": -80.0,
        "margin": 0.4, "top_category": "A", "top_category_share": 0.75, "category_count": 2,
        "open_orders": 0, "invoices_12m": 0, "overdue_balance": 0.0, "overdue_invoices": 0,
        "open_opportunities": 0, "open_opportunity_amount": 0.0,
        "r_score": 1, "f_score": 1, "m_score": 4, "rfm_score": 114, "loyalty_score": 0.0,
    },
    "C04": NO_ORDERS | {"name": "Delta", "region_scope": "regional", "relationship_days": 181,
                        "open_opportunities": 1, "open_opportunity_amount": 0.0},
    "C05": NO_ORDERS | {"name": "Eps", "relationship_days": 150},
    "C06": {
        "has_purchase": True, "is_prospect": False, "first_purchase_date": D("2024-04-01"),
        "last_purchase_date": D("2024-06-30"), "recency_days": 0, "tenure_days": 90,
        "relationship_days": 90, "orders_count": 2, "purchase_days": 2, "orders_12m": 2,
        "purchase_days_12m": 2, "active_months_12m": 2, "monetary_total": 100.0,
        "revenue_12m": 100.0, "revenue_prev_12m": 0.0, "avg_order_value": 50.0,
        "max_order_value": 70.0, "return_amount": 0.0, "return_share": 0.0,
        "gap_mean_days": 90.0, "overdue_ratio": 0.0, "top_category": "B",
        "top_category_share": 1.0, "category_count": 1, "open_orders": 0, "invoices_12m": 0,
        "overdue_balance": 0.0, "overdue_invoices": 0, "open_opportunities": 0,
        "open_opportunity_amount": 0.0, "r_score": 5, "f_score": 3, "m_score": 1,
        "rfm_score": 531, "loyalty_score": 100 * (0.3 * 0.7 + 0.3 * 0.6 + 0.4 * 0.5 * 2 / 12),
    },
    "C09": {
        "name": "Iota", "region_scope": "regional", "has_purchase": True, "is_prospect": False,
        "first_purchase_date": D("2024-02-01"), "last_purchase_date": D("2024-02-01"),
        "recency_days": 150, "tenure_days": 150, "relationship_days": 150,
        "orders_count": 1, "purchase_days": 1, "orders_12m": 1, "purchase_days_12m": 1,
        "active_months_12m": 1, "monetary_total": 200.0, "revenue_12m": 200.0,
        "revenue_prev_12m": 0.0, "avg_order_value": 200.0, "max_order_value": 200.0,
        "return_amount": 0.0, "return_share": 0.0, "category_count": 0, "open_orders": 0,
        "invoices_12m": 0, "overdue_balance": 0.0, "overdue_invoices": 0,
        "open_opportunities": 0, "open_opportunity_amount": 0.0,
        "r_score": 3, "f_score": 1, "m_score": 3, "rfm_score": 313,
        "loyalty_score": 100 * 0.4 * 0.5 * 1 / 12,
    },
    "C10": NO_ORDERS | {"invoices_12m": 1, "on_time_share": 1.0, "mean_days_late": 0.0,
                        "max_days_late": 0},
}

# The base's rhythm is the same on every row: two customers bought on two days (< 30), so the
# fixed fallbacks; the history starts with the first order line, 2023-01-10.
BASE_RHYTHM = {
    "base_gap_median_days": 60.0, "base_gap_p75_days": 120.0, "base_gap_p90_days": 180.0,
    "history_days": 537,
}
EXPECTED = {customer: values | BASE_RHYTHM for customer, values in EXPECTED.items()}


@pytest.fixture(scope="module")
def features() -> dict[str, dict[str, Any]]:
    return feature_rows(make_workspace(), parameters=HOME)


def test_feature_table_has_one_row_per_customer_known_as_of() -> None:
    con = make_workspace()
    table = build(con, AS_OF, parameters=HOME)
    assert tuple(table.columns) == FEATURE_NAMES
    ids = table.customer_id.to_pyarrow().to_pylist()
    assert sorted(ids) == sorted(EXPECTED)


@pytest.mark.parametrize("customer", sorted(EXPECTED))
def test_feature_values_match_hand_computed(
    features: dict[str, dict[str, Any]], customer: str
) -> None:
    row = features[customer]
    expected = EXPECTED[customer]
    for name in FEATURE_NAMES:
        if name in ("customer_id", "created_date", "region", "city"):
            continue
        want = expected.get(name)
        got = row[name]
        if isinstance(want, float) and got is not None:
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), name
        else:
            assert got == want, f"{customer}.{name}: got {got!r}, expected {want!r}"


def test_feature_types_follow_the_registry() -> None:
    from custseg.features import FEATURES

    schema = build(make_workspace(), AS_OF).schema()
    for spec in FEATURES:
        assert str(schema[spec.name]).rstrip("!") == spec.dtype, spec.name


def test_rows_after_as_of_change_nothing() -> None:
    before = feature_rows(make_workspace(), parameters=HOME)
    later = {
        "customers": [*CUSTOMERS, ("C11", "Later", D("2024-07-01"), "广东", "深圳")],
        "orders": [
            *ORDERS,
            ("O199", "C01", D("2024-07-01"), 999.0, 1.0, "Z", 5.0, "open"),
            ("O298", "C11", D("2024-07-02"), 10.0, None, "A", None, "completed"),
        ],
        "payments": [*PAYMENTS, ("I9", "C02", D("2024-07-01"), D("2024-07-02"), None, 9.0)],
        "opportunities": [*OPPORTUNITIES, ("P9", "C03", D("2024-07-01"), 1.0, "open", None)],
    }
    after = feature_rows(make_workspace(later), parameters=HOME)
    assert after == before


def test_only_orders_gives_null_attributes_credit_and_pipeline() -> None:
    rows = feature_rows(make_workspace({"orders": ORDERS}), parameters=HOME)
    assert sorted(rows) == ["C01", "C02", "C03", "C06", "C09"]
    c01 = rows["C01"]
    assert c01["monetary_total"] == 820.0 and c01["rfm_score"] == 555
    for name in ("name", "region", "region_scope", "invoices_12m", "overdue_balance",
                 "open_opportunities", "relationship_days"):
        assert c01[name] is None or (name == "relationship_days" and c01[name] == 537), name


def test_only_customers_gives_null_order_features() -> None:
    rows = feature_rows(make_workspace({"customers": CUSTOMERS}), parameters=HOME)
    assert sorted(rows) == ["C01", "C02", "C03", "C04", "C05"]  # C09 is created after as_of
    assert rows["C01"]["name"] == "Alpha"
    for name in ("has_purchase", "is_prospect", "orders_count", "monetary_total", "r_score",
                 "loyalty_score", "invoices_12m", "open_opportunities", "relationship_days"):
        assert rows["C01"][name] is None, name
    assert rows["C01"]["region_scope"] == "local"


def test_empty_workspace_gives_empty_table_with_all_columns() -> None:
    table = build(ibis.duckdb.connect(), AS_OF)
    assert tuple(table.columns) == FEATURE_NAMES
    assert table.count().execute() == 0


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (FeatureParameters(), {"C01": None, "C02": None, "C04": None}),
        (FeatureParameters(home_region="广东省"),
         {"C01": "local", "C02": "regional", "C03": "national", "C04": "local", "C05": None,
          "C09": "regional"}),  # names compare as written: Guangdong is not 广东, same macro
        (FeatureParameters(home_city="深圳市"), {"C01": "local", "C02": None, "C09": None}),
        (FeatureParameters(home_region="Beijing"),
         {"C01": "national", "C03": "regional", "C09": "national"}),
        (FeatureParameters(home_region="华南"), {"C01": "regional", "C03": "national"}),
    ],
)
def test_region_scope_relative_to_home(
    parameters: FeatureParameters, expected: dict[str, str | None]
) -> None:
    rows = feature_rows(make_workspace(), parameters=parameters)
    assert {c: rows[c]["region_scope"] for c in expected} == expected


def test_category_shares_long_format() -> None:
    shares = build_category_shares(make_workspace(), AS_OF).to_pyarrow().to_pylist()
    got = {(r["customer_id"], r["category"]): (r["revenue"], r["share"]) for r in shares}
    assert got == {
        ("C01", "A"): (670.0, pytest.approx(670 / 820)),
        ("C01", "B"): (150.0, pytest.approx(150 / 820)),
        ("C02", "C"): (120.0, 1.0),
        ("C03", "A"): (300.0, 0.75),
        ("C03", "D"): (100.0, 0.25),
        ("C06", "B"): (100.0, 1.0),
    }


def test_activity_window_length_is_a_parameter() -> None:
    rows = feature_rows(make_workspace({"orders": ORDERS}),
                        parameters=FeatureParameters(active_window_days=30))
    assert rows["C01"]["orders_12m"] == 1  # only O105 (2024-06-10)
    assert rows["C01"]["revenue_12m"] == 120.0
    assert rows["C06"]["revenue_12m"] == 70.0


# ---- a build of some features only ------------------------------------------------------------
RFM_8 = ("recency_days", "orders_count", "purchase_days", "monetary_total", "avg_order_value",
         "max_order_value", "revenue_12m", "revenue_prev_12m")


@pytest.mark.parametrize("name", FEATURE_NAMES[1:])
def test_one_feature_alone_equals_its_column_of_the_whole_table(name: str) -> None:
    con = make_workspace()
    whole = feature_rows(con, parameters=HOME)
    alone = feature_rows(con, parameters=HOME, columns=[name])
    assert alone.keys() == whole.keys()
    for customer, row in alone.items():
        assert list(row) == ["customer_id", name]
        assert row[name] == whole[customer][name], (customer, name)


def test_a_few_features_keep_the_table_order_and_skip_the_other_parts() -> None:
    con = make_workspace()
    expr = build(con, AS_OF, columns=list(reversed(RFM_8)))
    assert expr.columns == tuple(n for n in FEATURE_NAMES if n == "customer_id" or n in RFM_8)
    whole = feature_rows(con)
    rows = {row["customer_id"]: row for row in expr.to_pyarrow().to_pylist()}
    assert rows == {c: {k: v for k, v in row.items() if k in expr.columns}
                    for c, row in whole.items()}
    sql = str(ibis.to_sql(expr)).lower()
    # customers give their ids only (they decide the rows); neither the attributes, the
    # categories, the costs nor the purchase-day gaps are computed (null placeholders may
    # carry their names, nothing reads them)
    for read in ('."region"', '."category"', '."cost"', '."discount"', "lag("):
        assert read not in sql, read


def test_an_unknown_feature_name_is_refused_with_suggestions() -> None:
    with pytest.raises(UnknownNameError, match="recency_days"):
        build(make_workspace(), AS_OF, columns=["recency_day"])


def test_stored_order_tables_give_the_same_features_and_purchase_statistics() -> None:
    """A run aggregates the order lines once into stored tables and every reader reads those."""
    from custseg.features._context import BuildContext
    from custseg.features._orders import order_tables
    from custseg.features.model_features import purchase_statistics

    con = make_workspace()
    ctx = BuildContext(as_of=AS_OF, parameters=HOME)
    stored = order_tables(
        con, ctx, store=lambda name, expr: con.create_table(f"_t_{name}", expr, temp=True)
    )
    assert set(con.list_tables()) >= {"_t_orders", "_t_days"}
    assert feature_rows(con, parameters=HOME, orders=stored) == feature_rows(con, parameters=HOME)
    assert feature_rows(con, parameters=HOME, orders=stored, columns=["rfm_score"]) == (
        feature_rows(con, parameters=HOME, columns=["rfm_score"])
    )

    def rows(table: ibis.Table) -> list[dict[str, Any]]:
        return table.order_by("customer_id").to_pyarrow().to_pylist()

    from_days = rows(purchase_statistics(con, AS_OF, days=stored.days))
    assert from_days == rows(purchase_statistics(con, AS_OF))
    assert [r["customer_id"] for r in from_days] == ["C01", "C02", "C03", "C06", "C09"]
    assert from_days[0]["x"] == 3 and from_days[0]["m"] == pytest.approx((200 + 350 + 120) / 3)


@pytest.mark.parametrize("name", ["base_gap_median_days", "base_gap_p75_days", "base_gap_p90_days"])
def test_a_measured_rhythm_alone_equals_its_column_of_the_whole_table(name: str) -> None:
    """The base's gaps are measured from the purchase days' gaps, which a build of the rhythm
    alone must therefore keep (it used to leave them out and show the fallback)."""
    con = make_workspace()
    measured = FeatureParameters(home_region="广东", home_city="深圳", rhythm_min_repeat_buyers=1)
    whole = feature_rows(con, parameters=measured)
    alone = feature_rows(con, parameters=measured, columns=[name])
    values = {row[name] for row in whole.values()}
    assert len(values) == 1 and values != {BASE_RHYTHM[name]}  # measured, not the fallback
    assert {c: row[name] for c, row in alone.items()} == {c: r[name] for c, r in whole.items()}
