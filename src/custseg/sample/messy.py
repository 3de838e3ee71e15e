"""A small, deliberately messy set of input files, for demos and ingest tests.

:func:`write_messy_sample` writes three files with Chinese headers:

- ``customers.xlsx`` (sheet ``客户资料``): dates as real Excel dates and as text in several formats;
- ``orders.csv`` and ``payments.csv``: encoded in GBK (as Chinese Excel saves CSV), CRLF line ends,
  dates as ``2024-03-05``, ``2024/3/5``, ``2024年3月5日``, ``20240305``, amounts as ``￥1,234.50``,
  ``(120.00)`` (accounting negative), full-width digits ``１２３４.５０``, cells padded with spaces.

Row numbers are the ones a user sees: the header is row 1, the first data row is row 2.
Every row not listed below is good and must be accepted. The bad rows (one defect each) are:

============== ==== ================ ====================== =====================================
file           row  column           code                   why
============== ==== ================ ====================== =====================================
customers.xlsx 7    customer_id      row.missing_value      the customer id cell is empty
customers.xlsx 8    customer_id      row.duplicate          C000003 again (row 4 is kept)
customers.xlsx 9    created_date     row.not_a_date         ``2024-02-30`` does not exist
customers.xlsx 10   satisfaction     row.impossible_value   satisfaction 7 is outside 1-5
orders.csv     8    order_date       row.not_a_date         ``2024-13-45``
orders.csv     9    customer_id      row.missing_value      the customer id is empty
orders.csv     10   order_id         row.duplicate          SO2024000001 line 2 again (row 3 kept)
orders.csv     11   customer_id      row.unknown_customer   C999999 is not in customers.xlsx
orders.csv     12   quantity         row.impossible_value   quantity -5 with a positive amount
orders.csv     13   amount           row.not_a_number       ``12,3O`` (a letter O, not a zero)
payments.csv   6    due_date         row.missing_value      the due date is empty
payments.csv   7    amount           row.impossible_value   an invoice amount of -980.00
payments.csv   8    invoice_id       row.duplicate          INV2024000001 again (row 2 kept)
============== ==== ================ ====================== =====================================

Good rows worth noting: orders row 7 is a return (``(120.00)``, quantity -1); payments row 5 is
unpaid (empty paid date); orders row 14 has spaces around its date; orders row 15 is open (待发货).
The same list is available as :data:`MESSY_REJECTS`.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook

from custseg.errors import ErrorCode

__all__ = ["MESSY_FILES", "MESSY_REJECTS", "MessyReject", "write_messy_sample"]

MESSY_FILES = {"customers": "customers.xlsx", "orders": "orders.csv", "payments": "payments.csv"}


class MessyReject(NamedTuple):
    """One deliberately bad row of the messy sample.

    ``column`` is the canonical column name, ``header`` the header written in the file.
    """

    file: str
    row: int
    column: str
    code: ErrorCode
    header: str


MESSY_REJECTS: tuple[MessyReject, ...] = (
    MessyReject("customers.xlsx", 7, "customer_id", ErrorCode.MISSING_VALUE, "客户编号"),
    MessyReject("customers.xlsx", 8, "customer_id", ErrorCode.DUPLICATE, "客户编号"),
    MessyReject("customers.xlsx", 9, "created_date", ErrorCode.NOT_A_DATE, "创建日期"),
    MessyReject("customers.xlsx", 10, "satisfaction", ErrorCode.IMPOSSIBLE_VALUE, "满意度"),
    MessyReject("orders.csv", 8, "order_date", ErrorCode.NOT_A_DATE, "下单日期"),
    MessyReject("orders.csv", 9, "customer_id", ErrorCode.MISSING_VALUE, "客户编号"),
    MessyReject("orders.csv", 10, "order_id", ErrorCode.DUPLICATE, "订单号"),
    MessyReject("orders.csv", 11, "customer_id", ErrorCode.UNKNOWN_CUSTOMER, "客户编号"),
    MessyReject("orders.csv", 12, "quantity", ErrorCode.IMPOSSIBLE_VALUE, "数量"),
    MessyReject("orders.csv", 13, "amount", ErrorCode.NOT_A_NUMBER, "金额"),
    MessyReject("payments.csv", 6, "due_date", ErrorCode.MISSING_VALUE, "到期日"),
    MessyReject("payments.csv", 7, "amount", ErrorCode.IMPOSSIBLE_VALUE, "金额"),
    MessyReject("payments.csv", 8, "invoice_id", ErrorCode.DUPLICATE, "发票号"),
)

_CUSTOMER_HEADER = (
    "客户编号",
    "客户名称",
    "创建日期",
    "性质",
    "业务类型",
    "行业",
    "地区",
    "城市",
    "购买决策因素",
    "满意度",
    "发展前景",
    "负责人",
)
_CUSTOMERS: tuple[tuple[object, ...], ...] = (
    (
        "C000001",
        "深圳华鑫电子有限公司",
        date(2021, 5, 10),
        "普通公司",
        "企业",
        "制造业",
        "广东",
        "深圳",
        "品质",
        "满意",
        80,
        "张伟",
    ),
    (
        "C000002",
        "广州市教育局",
        "2022/3/15",
        "政府机构",
        "政府",
        "政府机关",
        "广东",
        "广州",
        None,
        4,
        None,
        "王芳",
    ),
    (
        "C000003",
        "李娜",
        "2023年1月8日",
        "个人",
        "个人",
        None,
        "湖南",
        "长沙",
        "价格",
        "一般",
        60,
        "刘洋",
    ),
    (
        "C000004",
        "中华集团深圳分公司",
        "20230612",
        "特殊公司",
        "企业",
        "能源",
        "广东",
        "深圳",
        "服务",
        None,
        90,
        "陈静",
    ),
    (
        "C000005",
        "东莞鑫达贸易有限公司",
        date(2020, 11, 30),
        "伙伴",
        "企业",
        "批发",
        "广东",
        "东莞",
        None,
        "非常满意",
        75,
        "杨磊",
    ),
    (
        None,
        "无编号客户",
        "2024-01-02",
        "普通公司",
        "企业",
        "零售",
        "广东",
        "深圳",
        None,
        None,
        None,
        "赵敏",
    ),
    (
        "C000003",
        "李娜（重复）",
        "2023-01-08",
        "个人",
        "个人",
        None,
        "湖南",
        "长沙",
        None,
        None,
        None,
        "刘洋",
    ),
    (
        "C000006",
        "厦门嘉禾物流有限公司",
        "2024-02-30",
        "普通公司",
        "企业",
        "物流",
        "福建",
        "厦门",
        None,
        None,
        None,
        "黄强",
    ),
    (
        "C000007",
        "北京博远信息技术有限公司",
        "2022-09-01",
        "普通公司",
        "企业",
        "信息技术",
        "北京",
        "北京",
        "服务",
        7,
        70,
        "周杰",
    ),
)

_ORDER_HEADER = (
    "订单号",
    "行号",
    "客户编号",
    "下单日期",
    "金额",
    "成本",
    "数量",
    "产品类别",
    "产品",
    "折扣",
    "状态",
)
_ORDERS: tuple[tuple[str, ...], ...] = (
    (
        "SO2024000001",
        "1",
        "C000001",
        "2024-03-05",
        "￥1,234.50",
        "900.00",
        "50",
        "办公用品",
        "A4复印纸",
        "0",
        "已完成",
    ),
    (
        "SO2024000001",
        "2",
        "C000001",
        "2024-03-05",
        "560.00",
        "400.00",
        "20",
        "劳保用品",
        "劳保手套",
        "0",
        "已完成",
    ),
    (
        "SO2024000002",
        "1",
        "C000002",
        "2024/3/5",
        "1,080.00",
        "950.00",
        "1",
        "电子产品",
        "显示器",
        "60.00",
        "已完成",
    ),
    (
        "SO2024000003",
        "1",
        "C000003",
        "2024年3月5日",
        "１２３４.５０",
        "1100.00",
        "1",
        "贵金属",
        "银条",
        "0",
        "已完成",
    ),
    (
        "SO2024000004",
        "1",
        "C000001",
        "20240305",
        "2500",
        "1800",
        "100",
        "工业耗材",
        "砂轮片",
        "0",
        "已完成",
    ),
    (
        "SR2024000001",
        "1",
        "C000001",
        "2024-03-20",
        "(120.00)",
        "-80.00",
        "-1",
        "办公用品",
        "A4复印纸",
        "0",
        "已完成",
    ),
    (
        "SO2024000005",
        "1",
        "C000004",
        "2024-13-45",
        "300.00",
        "200.00",
        "3",
        "家具",
        "办公椅",
        "0",
        "已完成",
    ),
    (
        "SO2024000006",
        "1",
        "",
        "2024-04-01",
        "200.00",
        "150.00",
        "2",
        "办公用品",
        "文件夹",
        "0",
        "已完成",
    ),
    (
        "SO2024000001",
        "2",
        "C000001",
        "2024-03-05",
        "560.00",
        "400.00",
        "20",
        "劳保用品",
        "劳保手套",
        "0",
        "已完成",
    ),
    (
        "SO2024000007",
        "1",
        "C999999",
        "2024-04-02",
        "150.00",
        "100.00",
        "1",
        "食品饮料",
        "茶叶礼盒",
        "0",
        "已完成",
    ),
    (
        "SO2024000008",
        "1",
        "C000002",
        "2024-04-03",
        "300.00",
        "210.00",
        "-5",
        "办公用品",
        "中性笔",
        "0",
        "已完成",
    ),
    (
        "SO2024000009",
        "1",
        "C000003",
        "2024-04-05",
        "12,3O",
        "10.00",
        "1",
        "食品饮料",
        "咖啡豆",
        "0",
        "已完成",
    ),
    (
        "SO2024000010",
        "1",
        "C000005",
        " 2024-04-06 ",
        " 4,200.00 ",
        "3000.00",
        "1",
        "家具",
        "会议桌",
        "0",
        "已完成",
    ),
    (
        "SO2024000011",
        "1",
        "C000005",
        "2024/04/07",
        "￥980",
        "700",
        "10",
        "电子产品",
        "无线键鼠套装",
        "0",
        "待发货",
    ),
)

_PAYMENT_HEADER = ("发票号", "客户编号", "开票日期", "到期日", "付款日期", "金额")
_PAYMENTS: tuple[tuple[str, ...], ...] = (
    ("INV2024000001", "C000001", "2024-03-05", "2024-04-04", "2024-04-01", "￥1,794.50"),
    ("INV2024000002", "C000002", "2024/3/5", "2024/6/3", "2024/6/20", "1080"),
    ("INV2024000003", "C000003", "2024年3月5日", "2024年3月5日", "2024年3月5日", "１２３４.５０"),
    ("INV2024000004", "C000001", "20240305", "20240404", "", "2500.00"),
    ("INV2024000005", "C000004", "2024-04-01", "", "", "300.00"),
    ("INV2024000006", "C000005", "2024-04-07", "2024-05-07", "2024-05-02", "-980.00"),
    ("INV2024000001", "C000001", "2024-03-05", "2024-04-04", "2024-04-01", "1794.50"),
)


def _write_gbk_csv(path: Path, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_customers_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "客户资料"
    sheet.append(_CUSTOMER_HEADER)
    for row in _CUSTOMERS:
        sheet.append(row)
    for cell in sheet["C"][1:]:
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd"
    book.properties.created = book.properties.modified = datetime(2024, 6, 30, 9, 0, 0)
    book.save(path)


def write_messy_sample(directory: str | Path) -> dict[str, Path]:
    """Write the messy files described in this module's docstring into ``directory``.

    Returns the path written for each table (``customers``, ``orders``, ``payments``).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {table: out / name for table, name in MESSY_FILES.items()}
    _write_customers_xlsx(paths["customers"])
    _write_gbk_csv(paths["orders"], _ORDER_HEADER, _ORDERS)
    _write_gbk_csv(paths["payments"], _PAYMENT_HEADER, _PAYMENTS)
    return paths
