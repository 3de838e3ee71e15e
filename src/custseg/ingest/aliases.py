"""Recognition of source headers: which column of a file holds which canonical column.

Headers are compared after normalisation (Unicode NFKC, case-folded, spaces, underscores and
punctuation removed, a trailing unit in brackets such as ``金额(元)`` ignored), so ``Customer ID``,
``customer_id`` and ``CUSTOMER-ID`` are the same header. An explicit mapping always wins.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from custseg.errors import UnknownNameError
from custseg.tables import SCHEMAS, TableName, column_names

# Aliases per canonical column, most specific first: when two headers of one file are
# recognised as the same column, the one matching an earlier alias wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer_id",
        "customer no",
        "customer number",
        "customer code",
        "cust id",
        "client id",
        "client no",
        "account id",
        "account number",
        "客户编号",
        "客户ID",
        "客户代码",
        "客户编码",
        "客户号",
        "客户代号",
    ),
    "name": (
        "name",
        "customer name",
        "client name",
        "company name",
        "account name",
        "customer",
        "客户名称",
        "客户名",
        "客户全称",
        "公司名称",
        "单位名称",
        "名称",
    ),
    "created_date": (
        "created_date",
        "created",
        "create date",
        "creation date",
        "created at",
        "created on",
        "date created",
        "customer since",
        "signup date",
        "创建日期",
        "建档日期",
        "创建时间",
        "建档时间",
        "注册日期",
        "开户日期",
    ),
    "nature": (
        "nature",
        "customer nature",
        "ownership",
        "性质",
        "客户性质",
        "企业性质",
        "单位性质",
    ),
    "business_type": (
        "business_type",
        "customer type",
        "client type",
        "type",
        "segment",
        "业务类型",
        "客户类型",
        "类型",
    ),
    "industry": ("industry", "sector", "行业", "所属行业"),
    "region": ("region", "province", "state", "area", "地区", "省份", "区域", "所在地区", "省"),
    "city": ("city", "town", "城市", "所在城市", "市"),
    "age": ("age", "年龄"),
    "gender": ("gender", "sex", "性别"),
    "occupation": ("occupation", "job", "profession", "职业"),
    "decision_factor": (
        "decision_factor",
        "purchase decision factor",
        "buying factor",
        "key buying factor",
        "购买决策因素",
        "决策因素",
        "购买因素",
    ),
    "satisfaction": ("satisfaction", "satisfaction score", "csat", "满意度", "客户满意度"),
    "prospect_score": (
        "prospect_score",
        "prospect",
        "prospects",
        "potential",
        "发展前景",
        "前景",
        "前景评分",
    ),
    "owner": (
        "owner",
        "account manager",
        "sales rep",
        "salesperson",
        "sales person",
        "salesman",
        "负责人",
        "销售员",
        "业务员",
        "客户经理",
        "销售代表",
    ),
    "order_id": (
        "order_id",
        "order no",
        "order number",
        "order",
        "so number",
        "订单号",
        "订单编号",
        "单号",
        "销售单号",
        "订单",
    ),
    "line_no": ("line_no", "line", "line number", "order line", "行号", "明细行号", "行项目"),
    "order_date": (
        "order_date",
        "order date",
        "date",
        "sales date",
        "下单日期",
        "订单日期",
        "销售日期",
        "日期",
    ),
    "amount": (
        "amount",
        "net amount",
        "line amount",
        "sales",
        "sales amount",
        "revenue",
        "value",
        "金额",
        "销售额",
        "销售金额",
        "含税金额",
        "成交金额",
        "实收金额",
        "应收金额",
        "dollar_value",
        "dollar value",
    ),
    "cost": ("cost", "cogs", "cost amount", "成本", "成本金额"),
    "quantity": ("quantity", "qty", "units", "number_of_cds", "number of items", "数量", "销量"),
    "category": (
        "category",
        "product category",
        "product group",
        "产品类别",
        "品类",
        "类别",
        "产品分类",
        "商品类别",
    ),
    "product": (
        "product",
        "product name",
        "product code",
        "item",
        "sku",
        "产品",
        "商品",
        "产品名称",
        "商品名称",
        "物料",
    ),
    "discount": ("discount", "discount amount", "折扣", "折扣金额", "优惠金额", "优惠"),
    "status": ("status", "order status", "状态", "订单状态"),
    "invoice_id": (
        "invoice_id",
        "invoice",
        "invoice no",
        "invoice number",
        "document no",
        "receivable id",
        "发票号",
        "单据号",
        "发票号码",
        "单据编号",
        "应收单号",
    ),
    "invoice_date": (
        "invoice_date",
        "invoice date",
        "billing date",
        "document date",
        "开票日期",
        "发票日期",
        "单据日期",
    ),
    "due_date": (
        "due_date",
        "due date",
        "due",
        "应收日期",
        "到期日",
        "到期日期",
        "账期到期日",
    ),
    "paid_date": (
        "paid_date",
        "paid date",
        "payment date",
        "date paid",
        "paid on",
        "付款日期",
        "回款日期",
        "收款日期",
        "到账日期",
    ),
    "opportunity_id": (
        "opportunity_id",
        "opportunity",
        "opportunity no",
        "deal id",
        "quote id",
        "商机编号",
        "商机号",
        "商机ID",
        "机会编号",
        "报价单号",
    ),
    "expected_amount": (
        "expected_amount",
        "expected value",
        "deal value",
        "amount",
        "预计金额",
        "预计成交金额",
        "商机金额",
        "金额",
    ),
    "stage": ("stage", "deal stage", "status", "阶段", "商机阶段", "状态"),
    "expected_close_date": (
        "expected_close_date",
        "expected close",
        "close date",
        "预计成交日期",
        "预计签单日期",
        "预计结束日期",
    ),
}

# Extra aliases that only make sense in one table.
TABLE_ALIASES: dict[TableName, dict[str, tuple[str, ...]]] = {
    "payments": {"invoice_date": ("date", "日期")},
    "opportunities": {"created_date": ("date", "日期")},
}

_BRACKETED = re.compile(r"[(\[【（].*?[)\]】）]")
_NON_WORD = re.compile(r"[\W_]+")


def normalise_header(header: str) -> str:
    """Return the comparison form of a header (NFKC, case-folded, no spaces or punctuation)."""
    text = unicodedata.normalize("NFKC", str(header)).casefold()
    return _NON_WORD.sub("", text)


def header_keys(header: str) -> list[str]:
    """Return the lookup forms of ``header``: whole, then without a bracketed unit."""
    full = normalise_header(header)
    text = unicodedata.normalize("NFKC", str(header))
    bare = normalise_header(_BRACKETED.sub("", text))
    return [full] if bare in ("", full) else [full, bare]


def alias_index(table: TableName) -> dict[str, tuple[str, int]]:
    """Return normalised alias -> (canonical column, priority) for the columns of ``table``."""
    index: dict[str, tuple[str, int]] = {}
    extra = TABLE_ALIASES.get(table, {})
    for column in column_names(table):
        aliases = (column, *ALIASES.get(column, ()), *extra.get(column, ()))
        for priority, alias in enumerate(aliases):
            index.setdefault(normalise_header(alias), (column, priority))
    return index


def recognise_columns(
    headers: Sequence[str],
    table: TableName,
    mapping: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return source header -> canonical column for the headers of a file of ``table``.

    ``mapping`` (source header -> canonical column) wins over recognition. Headers that match
    nothing are left out. Raises :class:`UnknownNameError` when ``mapping`` names a column the table
    does not have, and :class:`InputDataError` when it names a header the file does not have.
    """
    known = column_names(table)
    explicit = _explicit_mapping(headers, table, mapping or {})
    taken = set(explicit.values())
    index = alias_index(table)
    best: dict[str, tuple[int, int, str]] = {}  # canonical -> (priority, position, header)
    for position, header in enumerate(headers):
        if header in explicit:
            continue
        for key in header_keys(header):
            if key in index:
                column, priority = index[key]
                rank = (priority, position)
                if column not in taken and (column not in best or rank < best[column][:2]):
                    best[column] = (priority, position, header)
                break
    recognised = {header: column for column, (_, _, header) in best.items()}
    result = {**explicit, **recognised}
    order = {name: i for i, name in enumerate(known)}
    return dict(sorted(result.items(), key=lambda item: order[item[1]]))


def _explicit_mapping(
    headers: Sequence[str], table: TableName, mapping: Mapping[str, str]
) -> dict[str, str]:
    """Resolve a user mapping against the file's headers (exact match first, then normalised)."""
    known = column_names(table)
    by_key = {normalise_header(h): h for h in reversed(headers)}
    resolved: dict[str, str] = {}
    for source, target in mapping.items():
        if target not in known:
            raise UnknownNameError(
                target, known, what=f"column of table {table!r}", where=f"mapping {source}={target}"
            )
        header = source if source in headers else by_key.get(normalise_header(source))
        if header is None:
            from custseg.ingest.options import ingest_error

            close = difflib.get_close_matches(source, list(headers), n=3)
            raise ingest_error("ingest_map_unknown_header", source=source, target=target,
                               close=", ".join(repr(c) for c in close) or "-",
                               headers=quote_all(headers))
        resolved[header] = target
    return resolved


def quote_all(headers: Iterable[str]) -> str:
    """Return the headers quoted and comma-separated (``(none)`` for none)."""
    listed = ", ".join(repr(h) for h in headers)
    return listed or "(none)"


# Columns that ingest derives when the file lacks them (see custseg.ingest.derive).
DERIVABLE: dict[TableName, tuple[str, ...]] = {"orders": ("order_id",), "payments": ("invoice_id",)}


def required_columns(table: TableName) -> tuple[str, ...]:
    """Return the canonical columns a file of ``table`` must have (derivable ones excepted)."""
    derivable = DERIVABLE.get(table, ())
    return tuple(c.name for c in SCHEMAS[table] if c.required and c.name not in derivable)
