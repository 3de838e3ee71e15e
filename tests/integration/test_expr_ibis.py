"""Conditions compiled to Ibis and executed on DuckDB: rows selected, null handling, type errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest

from custseg.errors import ConfigError, UnknownNameError
from custseg.schemes.expr import compile_condition, compile_predicate, parse

WHERE = "schemes.lifecycle.rules[0].when"


@pytest.fixture(scope="module")
def features() -> Iterator[ir.Table]:
    con = ibis.duckdb.connect()
    frame = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5"],
            "recency_days": pd.array([10, None, 50, 5, 400], dtype="Int64"),
            "gap_mean_days": [10.0, 20.0, 20.0, 0.0, None],
            "orders_12m": pd.array([5, 0, 3, 12, 1], dtype="Int64"),
            "discount_share": [0.1, None, 0.3, 0.0, 0.25],
            "margin": [0.2, None, -0.1, 0.5, 0.05],
            "region": ["广东", None, "北京", "广东", "上海"],
            "nature": ["government", "private", "special_company", None, "private"],
            "is_prospect": [False, True, None, False, False],
            "revenue_growth": [0.1, None, 0.5, 0.51, -0.2],
            "last_purchase_date": [
                dt.date(2024, 5, 1),
                None,
                dt.date(2024, 1, 1),
                dt.date(2024, 6, 1),
                dt.date(2023, 1, 1),
            ],
        }
    )
    frame["last_purchase_date"] = pd.to_datetime(frame["last_purchase_date"]).dt.date
    table = con.create_table("features", frame)
    assert table.schema()["last_purchase_date"].is_date()
    yield table
    con.disconnect()


def selected(table: ir.Table, text: str) -> list[str]:
    predicate = compile_predicate(parse(text), table, WHERE)
    result = table.filter(predicate).order_by("customer_id").customer_id.to_list()
    return [str(v) for v in result]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recency_days <= 2 * gap_mean_days and orders_12m >= 3", ["c1"]),
        ("orders_12m >= 3", ["c1", "c3", "c4"]),
        ("nature in ('government', 'special_company')", ["c1", "c3"]),
        ("nature not in ('private')", ["c1", "c3"]),
        ("revenue_growth between 0.1 and 0.5", ["c1", "c3"]),
        ("revenue_growth not between 0.1 and 0.5", ["c4", "c5"]),
        ("margin is not null and not (discount_share > 0.2)", ["c1", "c4"]),
        ("margin is null", ["c2"]),
        ("region = '广东'", ["c1", "c4"]),
        ("region != '广东'", ["c3", "c5"]),
        ("is_prospect", ["c2"]),
        ("not is_prospect", ["c1", "c4", "c5"]),
        ("is_prospect = false", ["c1", "c4", "c5"]),
        ("is_prospect or region = '北京'", ["c2", "c3"]),
        ("coalesce(discount_share, 1) > 0.2", ["c2", "c3", "c5"]),
        ("recency_days / gap_mean_days > 1", ["c3"]),
        ("recency_days / gap_mean_days is null", ["c2", "c4", "c5"]),
        ("recency_days / (gap_mean_days - 10) >= 5", ["c3"]),
        ("-recency_days < -40", ["c3", "c5"]),
        ("recency_days - 5 * 2 = 0", ["c1"]),
        ("abs(revenue_growth) >= 0.2", ["c3", "c4", "c5"]),
        ("sqrt(margin) > 0.4", ["c1", "c4"]),
        ("ln(gap_mean_days) > 2.9", ["c2", "c3"]),
        ("log10(recency_days) >= 1", ["c1", "c3", "c5"]),
        ("least(recency_days, gap_mean_days) < 6", ["c4"]),
        ("greatest(orders_12m, 4) = 4", ["c2", "c3", "c5"]),
        ("last_purchase_date >= '2024-02-01'", ["c1", "c4"]),
        ("last_purchase_date between '2024-01-01' and '2024-05-01'", ["c1", "c3"]),
        ("'2024-01-01' > last_purchase_date", ["c5"]),
        ("orders_12m >= 1 and discount_share < 0.26 or region = '北京'", ["c1", "c3", "c4", "c5"]),
        (
            "orders_12m >= 1 and (discount_share < 0.26 or region = '北京')",
            ["c1", "c3", "c4", "c5"],
        ),
        ("orders_12m > 3 and (discount_share < 0.05 or region = '北京')", ["c4"]),
        ("true", ["c1", "c2", "c3", "c4", "c5"]),
        ("1 > 2", []),
    ],
)
def test_predicate_selects_expected_rows(
    features: ir.Table, text: str, expected: list[str]
) -> None:
    assert selected(features, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "not (recency_days > 20)",
        "not (recency_days > 20) or discount_share > 1",
        "recency_days not between 30 and 60",
        "recency_days not in (50, 400)",
        "coalesce(recency_days, gap_mean_days) < 100 and not (recency_days > 20)",
    ],
)
def test_null_feature_never_satisfies_a_rule(features: ir.Table, text: str) -> None:
    # c2 has a null recency_days; under plain SQL 'not (null > 20)' is null, never true.
    assert "c2" not in selected(features, text)
    assert selected(features, text)  # but other customers do match


def test_predicate_is_never_null(features: ir.Table) -> None:
    predicate = compile_predicate("not (discount_share > 0.2)", features, WHERE)
    values = features.select(p=predicate).p.to_list()
    assert values.count(None) == 0
    assert sorted(values) == [False, False, False, True, True]


def test_compile_condition_returns_values(features: ir.Table) -> None:
    value = compile_condition(parse("orders_12m * 2 + 1"), features, where=WHERE)
    assert value.type().is_floating()  # arithmetic is float64: it cannot overflow
    assert features.select(v=value).v.to_list() == [11, 1, 7, 25, 3]
    ratio = compile_condition("orders_12m / 2", features)
    assert ratio.type().is_floating()


def test_compile_uses_no_sql_strings(features: ir.Table) -> None:
    predicate = compile_predicate("region = 'x'' or ''1''=''1'", features, WHERE)
    assert selected(features, "region = 'x'' or ''1''=''1'") == []
    sql = ibis.to_sql(features.filter(predicate), dialect="duckdb")
    assert "'x'' or ''1''=''1'" in sql


def test_unknown_feature_suggests_close_names(features: ir.Table) -> None:
    with pytest.raises(UnknownNameError) as info:
        compile_predicate(parse("recency > 30"), features, WHERE)
    err = info.value
    assert err.name == "recency"
    assert "recency_days" in err.known and "orders_12m" in err.known
    assert "did you mean 'recency_days'" in err.message
    assert WHERE in err.message
    assert "Known: customer_id, discount_share" in err.message


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("region = 3", r"cannot compare feature 'region' \(string\) with 3"),
        ("orders_12m = '3'", r"cannot compare feature 'orders_12m' \(int64\) with '3'"),
        ("region > orders_12m", r"cannot compare feature 'region' \(string\) with feature"),
        ("region + 1 > 2", r"arithmetic \('\+'\) needs numbers, but feature 'region' \(string\)"),
        ("-region = 'a'", r"unary minus needs numbers"),
        (
            "orders_12m and is_prospect",
            r"'and' needs true/false.*'orders_12m' \(int64\).*orders_12m > 0",
        ),
        ("is_prospect or region", r"'or' needs true/false.*feature 'region'"),
        ("not orders_12m", r"'not' needs true/false"),
        ("sqrt(region) > 1", r"sqrt\(\) needs numbers"),
        ("abs(nature) > 1", r"abs\(\) needs numbers"),
        ("nature in ('a', 1)", r"cannot compare feature 'nature' \(string\) with 1"),
        ("orders_12m between 'a' and 3", r"cannot compare"),
        ("coalesce(region, 0) = 'x'", r"cannot mix in coalesce\(\) feature 'region'"),
        ("orders_12m = null", r"never true.*is null"),
        ("nature not in ('a', null)", r"null in an 'in \(...\)' list never matches"),
        ("last_purchase_date > '2024-13-01'", r"'2024-13-01' is not a date.*YYYY-MM-DD"),
        ("last_purchase_date > 3", r"cannot compare feature 'last_purchase_date' \(date\)"),
        ("orders_12m + 1", r"must be true or false, but 'orders_12m \+ 1' is float64"),
        ("region", r"must be true or false"),
    ],
)
def test_type_errors_name_the_feature_and_type(features: ir.Table, text: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern) as info:
        compile_predicate(parse(text), features, WHERE)
    assert info.value.message.startswith(WHERE) or WHERE in info.value.message
    assert not isinstance(info.value, UnknownNameError)


LATIN_SENTENCE = re.compile(r"\b(needs|cannot|must|expected|allowed|unknown|Known|write)\b")


@pytest.mark.parametrize(
    "text",
    [
        "region = 3",
        "region + 1 > 2",
        "orders_12m and is_prospect",
        "orders_12m = null",
        "nature not in ('a', null)",
        "last_purchase_date > '2024-13-01'",
        "orders_12m + 1",
        "recency > 30",
        "orders_12m >",
        "orders_12m >= 3 ; drop",
        "orders_12m （ 3",
        "foo(orders_12m) > 1",
        "sqrt(1, 2) > 1",
        "'unterminated",
        "3abc > 1",
        "a < b < c",
        "",
    ],
)
def test_condition_errors_read_in_chinese(features: ir.Table, text: str) -> None:
    """Every condition error has a zh-CN sentence: no English prose left under --lang zh."""
    with pytest.raises(ConfigError) as info:
        compile_predicate(text, features, WHERE)
    zh = info.value.render("zh")
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    assert not LATIN_SENTENCE.search(zh), zh
    assert WHERE in zh
    assert info.value.render("en") == info.value.message


def test_compile_accepts_text_and_reports_syntax_where(features: ir.Table) -> None:
    with pytest.raises(ConfigError, match="in " + re.escape(WHERE)):
        compile_predicate("orders_12m >", features, WHERE)
