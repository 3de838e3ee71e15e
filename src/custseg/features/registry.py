"""The catalogue of features: every column of the feature table, its type, unit and meaning.

The names are a contract (``docs/contracts.md`` section 2): classification schemes refer to
them. ``docs/features.md`` is generated from :data:`FEATURES` by :func:`render_feature_docs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from custseg.errors import UnknownNameError
from custseg.tables import TableName

FeatureType = Literal["string", "date", "int64", "float64", "boolean"]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One feature: its name, Ibis type, unit, meaning and the input table it needs.

    ``requires`` is the input table the feature is computed from (None: always present). When
    that table does not exist in the workspace the feature is null for every customer.
    """

    name: str
    dtype: FeatureType
    unit: str
    meaning: str
    requires: TableName | None


def _spec(
    name: str, dtype: FeatureType, unit: str, requires: TableName | None, meaning: str
) -> FeatureSpec:
    return FeatureSpec(name=name, dtype=dtype, unit=unit, meaning=meaning, requires=requires)


_C: TableName = "customers"
_O: TableName = "orders"
_P: TableName = "payments"
_Q: TableName = "opportunities"
_MONEY = "currency"
_SHARE = "share 0-1"

FEATURES: tuple[FeatureSpec, ...] = (
    _spec(
        "customer_id",
        "string",
        "id",
        None,
        "customer identifier (customers table ∪ ids seen in orders, payments, "
        "opportunities on or before as_of)",
    ),
    _spec("name", "string", "text", _C, "customer name"),
    _spec("created_date", "date", "date", _C, "date the customer was created / first contacted"),
    _spec(
        "nature",
        "string",
        "key",
        _C,
        "nature 性质 (government, special_company, ordinary_company, individual, partner)",
    ),
    _spec(
        "business_type",
        "string",
        "key",
        _C,
        "business type 业务类型 (enterprise, individual, government)",
    ),
    _spec("industry", "string", "text", _C, "industry 行业"),
    _spec("region", "string", "text", _C, "province or region 地区"),
    _spec("city", "string", "text", _C, "city 城市"),
    _spec("age", "int64", "years", _C, "age (individuals)"),
    _spec("gender", "string", "text", _C, "gender"),
    _spec("occupation", "string", "text", _C, "occupation"),
    _spec(
        "decision_factor",
        "string",
        "key",
        _C,
        "main purchase-decision factor (quality, price, service)",
    ),
    _spec(
        "satisfaction",
        "float64",
        "score 1-5",
        _C,
        "satisfaction survey score, 1 (worst) to 5 (best)",
    ),
    _spec(
        "prospect_score", "float64", "score 0-100", _C, "salesperson's development-prospect score"
    ),
    _spec("owner", "string", "text", _C, "responsible salesperson or account manager"),
    _spec(
        "has_purchase",
        "boolean",
        "flag",
        _O,
        "at least one purchase (an order with net total > 0) on or before as_of",
    ),
    _spec(
        "is_prospect",
        "boolean",
        "flag",
        _O,
        "no purchase yet (潜在客户); the negation of has_purchase",
    ),
    _spec("first_purchase_date", "date", "date", _O, "date of the first purchase"),
    _spec("last_purchase_date", "date", "date", _O, "date of the last purchase"),
    _spec("recency_days", "int64", "days", _O, "days from the last purchase to as_of"),
    _spec("tenure_days", "int64", "days", _O, "days from the first purchase to as_of"),
    _spec(
        "relationship_days",
        "int64",
        "days",
        _O,
        "days from the earlier of created_date (if on or before as_of) and the first "
        "purchase to as_of; null when neither is known",
    ),
    _spec(
        "orders_count",
        "int64",
        "count",
        _O,
        "distinct orders with a positive net total (purchases)",
    ),
    _spec("purchase_days", "int64", "count", _O, "distinct days with a purchase"),
    _spec(
        "orders_12m",
        "int64",
        "count",
        _O,
        "purchases in the activity window (365 days up to as_of)",
    ),
    _spec(
        "purchase_days_12m", "int64", "count", _O, "distinct purchase days in the activity window"
    ),
    _spec(
        "active_months_12m",
        "int64",
        "count 0-12",
        _O,
        "months of the activity window with a purchase; months are twelve equal slices "
        "counted back from as_of",
    ),
    _spec(
        "monetary_total",
        "float64",
        _MONEY,
        _O,
        "net revenue, all time up to as_of (returns net off)",
    ),
    _spec("revenue_12m", "float64", _MONEY, _O, "net revenue in the activity window"),
    _spec(
        "revenue_prev_12m",
        "float64",
        _MONEY,
        _O,
        "net revenue in the window of the same length before it",
    ),
    _spec(
        "revenue_growth",
        "float64",
        "ratio",
        _O,
        "(revenue_12m - revenue_prev_12m) / revenue_prev_12m; null when revenue_prev_12m <= 0",
    ),
    _spec(
        "avg_order_value",
        "float64",
        _MONEY,
        _O,
        "monetary_total / orders_count; null without purchases",
    ),
    _spec(
        "max_order_value", "float64", _MONEY, _O, "largest net order total; null without purchases"
    ),
    _spec(
        "return_amount",
        "float64",
        _MONEY,
        _O,
        "absolute value of negative (return) lines, all time",
    ),
    _spec(
        "return_share",
        "float64",
        _SHARE,
        _O,
        "return_amount / gross sales (sum of positive lines); null when no sales",
    ),
    _spec(
        "profit_total",
        "float64",
        _MONEY,
        _O,
        "net amount - cost over the lines that carry a cost, all time; null when no line "
        "has a cost",
    ),
    _spec(
        "profit_12m",
        "float64",
        _MONEY,
        _O,
        "profit of the costed lines in the activity window; null when the customer has no"
        " costed line",
    ),
    _spec(
        "margin",
        "float64",
        _SHARE,
        _O,
        "profit_total / net revenue of the costed lines (= profit_total / monetary_total "
        "when every line has a cost); null when that revenue <= 0",
    ),
    _spec(
        "gap_mean_days",
        "float64",
        "days",
        _O,
        "mean gap between consecutive purchase days = (last - first) / (purchase_days - "
        "1); needs 2 purchase days",
    ),
    _spec(
        "gap_cv",
        "float64",
        "ratio",
        _O,
        "coefficient of variation (population std / mean) of the gaps; needs 3 purchase days",
    ),
    _spec(
        "overdue_ratio",
        "float64",
        "ratio",
        _O,
        "recency_days / gap_mean_days: > 1 means later than the customer's own rhythm",
    ),
    _spec(
        "top_category",
        "string",
        "text",
        _O,
        "category with the largest net spend, all time (ties: alphabetically first); "
        "lines without category ignored",
    ),
    _spec(
        "top_category_share",
        "float64",
        _SHARE,
        _O,
        "top category's share of spend (each category's net spend floored at 0)",
    ),
    _spec(
        "category_count",
        "int64",
        "count",
        _O,
        "distinct categories bought (with positive net spend)",
    ),
    _spec(
        "discount_share",
        "float64",
        _SHARE,
        _O,
        "discount / (net amount + discount) over the lines that record a discount, all "
        "time; null when no line records one",
    ),
    _spec("open_orders", "int64", "count", _O, "orders dated on or before as_of with status open"),
    _spec(
        "invoices_12m",
        "int64",
        "count",
        _P,
        "invoices due in the activity window (and issued by as_of)",
    ),
    _spec(
        "on_time_share",
        "float64",
        _SHARE,
        _P,
        "share of invoices_12m not late: paid by the due date, or unpaid and due on "
        "as_of; a payment after as_of counts as unpaid",
    ),
    _spec(
        "mean_days_late",
        "float64",
        "days",
        _P,
        "mean days late over invoices_12m: paid late = paid_date - due_date, unpaid = "
        "as_of - due_date, on time = 0",
    ),
    _spec("max_days_late", "int64", "days", _P, "worst days late over invoices_12m"),
    _spec(
        "overdue_balance",
        "float64",
        _MONEY,
        _P,
        "amount of invoices past due (due before as_of) and unpaid as of as_of, whatever "
        "their due date",
    ),
    _spec("overdue_invoices", "int64", "count", _P, "number of those invoices"),
    _spec(
        "open_opportunities",
        "int64",
        "count",
        _Q,
        "opportunities created on or before as_of whose stage is not won or lost (stage "
        "is current state)",
    ),
    _spec("open_opportunity_amount", "float64", _MONEY, _Q, "sum of their expected amounts"),
    _spec(
        "region_scope",
        "string",
        "key",
        _C,
        "local / regional / national relative to home_city and home_region; null without "
        "home or region",
    ),
    _spec(
        "base_gap_median_days",
        "float64",
        "days",
        _O,
        "the base's usual gap: median of the days between consecutive purchase days, pooled "
        "over all customers (same on every row); 60 when fewer than 30 customers bought twice",
    ),
    _spec(
        "base_gap_p75_days",
        "float64",
        "days",
        _O,
        "75th percentile of the base's gaps between purchase days (fallback 120)",
    ),
    _spec(
        "base_gap_p90_days",
        "float64",
        "days",
        _O,
        "90th percentile of the base's gaps between purchase days: 9 in 10 returns come "
        "sooner (fallback 180); the catalogue's active / churned thresholds are based on it",
    ),
    _spec(
        "history_days",
        "int64",
        "days",
        _O,
        "span of the order history: days from the first order line to as_of (same on every row)",
    ),
    _spec(
        "r_score",
        "int64",
        "score 1-5",
        _O,
        "recency score among purchasers (5 = most recent; see custseg.features.rfm)",
    ),
    _spec(
        "f_score",
        "int64",
        "score 1-5",
        _O,
        "frequency (orders_count) score among purchasers (5 = most)",
    ),
    _spec(
        "m_score",
        "int64",
        "score 1-5",
        _O,
        "monetary (monetary_total) score among purchasers (5 = most)",
    ),
    _spec("rfm_score", "int64", "code", _O, "r_score*100 + f_score*10 + m_score"),
    _spec(
        "loyalty_score",
        "float64",
        "score 0-100",
        _O,
        "100 * (0.3 span + 0.3 repeat + 0.4 regularity) among purchasers (span and repeat"
        " as percentiles); null for prospects",
    ),
    _spec(
        "p_alive",
        "float64",
        "probability 0-1",
        _O,
        "probability that the customer is still active (MBG/NBD model fitted in the run); "
        "null for prospects and when the model cannot be fitted",
    ),
    _spec(
        "expected_purchases_90d",
        "float64",
        "count",
        _O,
        "expected purchase days in the 90 days after as_of (MBG/NBD)",
    ),
    _spec(
        "expected_purchases_365d",
        "float64",
        "count",
        _O,
        "expected purchase days in the 365 days after as_of (MBG/NBD)",
    ),
    _spec(
        "p_no_purchase_90d",
        "float64",
        "probability 0-1",
        _O,
        "probability of no purchase in the 90 days after as_of (MBG/NBD)",
    ),
    _spec(
        "expected_spend",
        "float64",
        _MONEY,
        _O,
        "expected value of one future purchase day (Gamma-Gamma model)",
    ),
    _spec(
        "clv_12m",
        "float64",
        _MONEY,
        _O,
        "customer lifetime value over the next 52 weeks: margin x expected_spend x "
        "expected purchases, discounted weekly at 10 % a year; >= 0",
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in FEATURES)
_BY_NAME: dict[str, FeatureSpec] = {spec.name: spec for spec in FEATURES}


def get_feature(name: str) -> FeatureSpec:
    """Return the spec of feature ``name``; UnknownNameError with suggestions if none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownNameError(name, FEATURE_NAMES, what="feature") from None
