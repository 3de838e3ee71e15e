"""Header recognition and explicit mappings."""

from __future__ import annotations

import pytest

from custseg.errors import ErrorCode, InputDataError, UnknownNameError
from custseg.ingest import recognise_columns
from custseg.ingest.aliases import alias_index, normalise_header
from custseg.ingest.headers import missing_columns_error
from custseg.tables import TABLE_NAMES, column_names


def test_recognises_chinese_order_headers() -> None:
    headers = ["订单编号", "行号", "客户ID", "订单日期", "含税金额", "成本", "数量", "品类", "商品",
               "折扣金额", "状态", "备注"]
    assert recognise_columns(headers, "orders") == {
        "订单编号": "order_id", "行号": "line_no", "客户ID": "customer_id", "订单日期": "order_date",
        "含税金额": "amount", "成本": "cost", "数量": "quantity", "品类": "category",
        "商品": "product", "折扣金额": "discount", "状态": "status",
    }


def test_recognises_english_headers_ignoring_case_spaces_and_underscores() -> None:
    headers = ["Customer ID", "ORDER_NO", "order-date", "  Amount ", "Qty"]
    assert recognise_columns(headers, "orders") == {
        "ORDER_NO": "order_id", "Customer ID": "customer_id", "order-date": "order_date",
        "  Amount ": "amount", "Qty": "quantity",
    }


def test_recognises_customer_attribute_headers() -> None:
    headers = ["客户代码", "客户名称", "建档日期", "客户性质", "客户类型", "行业", "省份", "城市", "年龄",
               "性别", "职业", "购买决策因素", "满意度", "发展前景", "业务员"]
    mapped = recognise_columns(headers, "customers")
    assert list(mapped.values()) == list(column_names("customers"))


def test_recognises_payment_and_opportunity_headers() -> None:
    assert recognise_columns(["单据号", "客户编号", "开票日期", "到期日", "回款日期", "金额"],
                             "payments") == {
        "单据号": "invoice_id", "客户编号": "customer_id", "开票日期": "invoice_date",
        "到期日": "due_date", "回款日期": "paid_date", "金额": "amount"}
    assert recognise_columns(["商机编号", "客户编号", "创建日期", "预计金额", "阶段", "预计成交日期"],
                             "opportunities") == {
        "商机编号": "opportunity_id", "客户编号": "customer_id", "创建日期": "created_date",
        "预计金额": "expected_amount", "阶段": "stage", "预计成交日期": "expected_close_date"}


def test_header_with_unit_in_brackets_is_recognised() -> None:
    assert recognise_columns(["金额（元）", "单号"], "orders") == {"单号": "order_id", "金额（元）": "amount"}


def test_more_specific_alias_wins_when_two_headers_match() -> None:
    mapped = recognise_columns(["日期", "下单日期"], "orders")
    assert mapped == {"下单日期": "order_date"}


def test_explicit_mapping_wins_over_recognition() -> None:
    mapped = recognise_columns(["Kunden-Nr", "客户编号", "日期"], "orders",
                               {"Kunden-Nr": "customer_id"})
    assert mapped == {"Kunden-Nr": "customer_id", "日期": "order_date"}


def test_mapping_to_unknown_column_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'customer_id'"):
        recognise_columns(["X"], "orders", {"X": "customer_idd"})


def test_mapping_of_absent_header_lists_headers_found() -> None:
    with pytest.raises(InputDataError, match=r"Headers found: 'Kunde'"):
        recognise_columns(["Kunde"], "orders", {"Kunden": "customer_id"})


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_aliases_of_a_table_are_unambiguous(table: str) -> None:
    index = alias_index(table)  # type: ignore[arg-type]
    for column in column_names(table):  # type: ignore[arg-type]
        assert index[normalise_header(column)][0] == column


def test_missing_columns_error_lists_missing_and_found() -> None:
    error = missing_columns_error("o.csv", "orders", ["Foo", "Bar"], ["order_date", "amount"])
    assert error.code == ErrorCode.INPUT_MISSING_COLUMNS
    assert "order_date" in error.message and "amount" in error.message
    assert "'Foo', 'Bar'" in error.message and "--map HEADER=FIELD" in error.message
