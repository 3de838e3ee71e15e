"""The canonical input tables a workspace holds, and their columns.

Every source (CSV, Excel, Parquet, database) is mapped onto these columns at ingestion.
Values are already clean when stored: dates are dates, amounts are floats, category-like
attributes are normalised to the keys listed in :data:`VOCABULARIES` where recognised.
Each stored row also carries ``source_file`` and ``source_row`` (the row number the user sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TableName = Literal["customers", "orders", "payments", "opportunities"]
TABLE_NAMES: tuple[TableName, ...] = ("customers", "orders", "payments", "opportunities")

ColumnType = Literal["string", "date", "float", "int"]


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column: its name, type, whether a row needs it, and what it means."""

    name: str
    type: ColumnType
    required: bool
    meaning: str
    minimum: float | None = None
    maximum: float | None = None


CUSTOMERS: tuple[Column, ...] = (
    Column("customer_id", "string", True, "customer identifier"),
    Column("name", "string", False, "customer name"),
    Column("created_date", "date", False, "date the customer was created / first contacted"),
    Column("nature", "string", False, "nature 性质 (government, special_company, ...)"),
    Column(
        "business_type",
        "string",
        False,
        "business type 业务类型 (enterprise, individual, government)",
    ),
    Column("industry", "string", False, "industry 行业"),
    Column("region", "string", False, "province or region 地区"),
    Column("city", "string", False, "city 城市"),
    Column("age", "int", False, "age in years (individuals)", minimum=0, maximum=130),
    Column("gender", "string", False, "gender"),
    Column("occupation", "string", False, "occupation"),
    Column(
        "decision_factor",
        "string",
        False,
        "main purchase-decision factor (quality, price, service)",
    ),
    Column(
        "satisfaction",
        "float",
        False,
        "satisfaction survey score, 1 (worst) to 5 (best)",
        minimum=1,
        maximum=5,
    ),
    Column(
        "prospect_score",
        "float",
        False,
        "salesperson's development-prospect score 0-100",
        minimum=0,
        maximum=100,
    ),
    Column("owner", "string", False, "responsible salesperson or account manager"),
)

ORDERS: tuple[Column, ...] = (
    Column("order_id", "string", True, "order number"),
    Column("line_no", "int", False, "line number within the order"),
    Column("customer_id", "string", True, "customer identifier"),
    Column("order_date", "date", True, "order date"),
    Column("amount", "float", True, "net line amount after discount; negative for returns"),
    Column("cost", "float", False, "cost of the line (same sign as amount)"),
    Column("quantity", "float", False, "quantity"),
    Column("category", "string", False, "product category 产品类别"),
    Column("product", "string", False, "product name or code"),
    Column("discount", "float", False, "discount amount granted on the line (positive)", minimum=0),
    Column("status", "string", False, "order status: open (not yet fulfilled) or completed"),
)

PAYMENTS: tuple[Column, ...] = (
    Column("invoice_id", "string", True, "invoice or receivable number"),
    Column("customer_id", "string", True, "customer identifier"),
    Column("invoice_date", "date", False, "invoice date"),
    Column("due_date", "date", True, "due date 到期日"),
    Column("paid_date", "date", False, "date paid 付款日期; empty if unpaid"),
    Column("amount", "float", True, "amount due", minimum=0),
)

OPPORTUNITIES: tuple[Column, ...] = (
    Column("opportunity_id", "string", True, "opportunity or quote number"),
    Column("customer_id", "string", True, "customer identifier"),
    Column("created_date", "date", True, "date the opportunity was opened"),
    Column("expected_amount", "float", False, "expected order value", minimum=0),
    Column("stage", "string", False, "open, won or lost"),
    Column("expected_close_date", "date", False, "expected close date"),
)

SCHEMAS: dict[TableName, tuple[Column, ...]] = {
    "customers": CUSTOMERS,
    "orders": ORDERS,
    "payments": PAYMENTS,
    "opportunities": OPPORTUNITIES,
}

# Natural key of each table: re-ingesting a row with the same key replaces it (upsert mode),
# and two rows with the same key in one file are duplicates.
KEYS: dict[TableName, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "orders": ("order_id", "line_no"),
    "payments": ("invoice_id",),
    "opportunities": ("opportunity_id",),
}

# Recognised values of category-like attributes, normalised to these keys at ingestion.
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "nature": {
        "government": ("government", "政府", "政府机构", "政府机关", "事业单位"),
        "special_company": (
            "special_company",
            "special company",
            "特殊公司",
            "国企",
            "国有企业",
            "央企",
        ),
        "ordinary_company": (
            "ordinary_company",
            "ordinary company",
            "company",
            "普通公司",
            "公司",
            "企业",
            "民营企业",
            "私营企业",
        ),
        "individual": ("individual", "person", "个人", "自然人", "个体"),
        "partner": ("partner", "伙伴", "合作伙伴", "渠道伙伴", "代理商", "经销商"),
    },
    "business_type": {
        "enterprise": ("enterprise", "company", "business", "企业", "公司", "b2b"),
        "individual": ("individual", "person", "consumer", "个人", "b2c"),
        "government": ("government", "政府", "政府机构", "b2g"),
    },
    "decision_factor": {
        "quality": ("quality", "品质", "质量", "注重品质"),
        "price": ("price", "价格", "注重价格", "性价比"),
        "service": ("service", "服务", "注重服务"),
    },
    "stage": {
        "open": ("open", "进行中", "跟进中", "报价", "报价中", "商机", "pending"),
        "won": ("won", "赢单", "成交", "已成交", "closed won"),
        "lost": ("lost", "输单", "丢单", "失败", "closed lost"),
    },
    "status": {
        "open": ("open", "未完成", "进行中", "待发货", "未发货", "pending"),
        "completed": ("completed", "done", "已完成", "完成", "已发货", "closed"),
    },
}

# Text values of satisfaction surveys, mapped to the 1-5 score.
SATISFACTION_WORDS: dict[str, float] = {
    "非常满意": 5,
    "very satisfied": 5,
    "满意": 4,
    "satisfied": 4,
    "一般": 3,
    "neutral": 3,
    "不满意": 2,
    "dissatisfied": 2,
    "非常不满意": 1,
    "very dissatisfied": 1,
}


def column_names(table: TableName) -> tuple[str, ...]:
    """Return the canonical column names of ``table``, in order."""
    return tuple(c.name for c in SCHEMAS[table])
