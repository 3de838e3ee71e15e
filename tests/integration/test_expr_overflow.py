"""Condition literals are bounded; arithmetic never overflows (issue 10, case 5), on real data."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from custseg.errors import ConfigError
from custseg.schemes.expr import compile_condition, compile_predicate, parse
from custseg.schemes.expr.tokens import MAX_INTEGER, MAX_NUMBER_LENGTH

CDNOW = Path(__file__).parents[1] / "data" / "cdnow" / "CDNOW_master.txt.gz"


@pytest.fixture(scope="module")
def cdnow_features() -> ibis.Table:
    """recency_days, orders_count and monetary_total of the 23,570 CDNOW customers."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=0, names=["customer_id", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    as_of = raw["date"].max()
    per = raw.groupby("customer_id").agg(
        last=("date", "max"), orders_count=("date", "size"), monetary_total=("amount", "sum")
    )
    per["recency_days"] = (as_of - per["last"]).dt.days.astype("int64")
    frame = per.reset_index()[["customer_id", "recency_days", "orders_count", "monetary_total"]]
    return ibis.memtable(frame)


def test_int64_overflow_in_a_condition_is_null_not_a_duckdb_error(
    cdnow_features: ibis.Table,
) -> None:
    con = ibis.duckdb.connect()
    table = con.create_table("f", cdnow_features.to_pyarrow())
    predicate = compile_predicate("recency_days * 9223372036854775807 > 1", table, "r.when")
    counts = table.select(p=predicate).p.value_counts().to_pandas()
    matched = dict(zip(counts.p, counts.iloc[:, 1], strict=True))
    assert sum(matched.values()) == 23_570
    # recency_days > 0 times 2**63 - 1 is about 1e20 in float64: true, never an overflow error
    positive = int(table.filter(table.recency_days > 0).count().execute())
    assert matched.get(True, 0) == positive
    value = compile_condition("monetary_total * 1e308 * 1e308", table)
    zero = int(table.filter(table.monetary_total == 0).count().execute())
    # every non-zero total overflows to inf, which becomes null; 0 * 1e308 * 1e308 stays 0
    assert table.select(v=value).v.notnull().sum().execute() == zero
    small = compile_predicate("recency_days * 2 + orders_count - 1 >= 3", table)
    assert 0 < int(table.filter(small).count().execute()) < 23_570


def test_a_309_digit_literal_names_the_condition_and_the_limit() -> None:
    with pytest.raises(ConfigError) as info:
        parse("recency_days * " + "9" * 309 + " > 1", where="lifecycle.rules[0].when")
    text = info.value.render("en")
    assert "lifecycle.rules[0].when" in text and "column 16" in text
    assert f"at most {MAX_NUMBER_LENGTH} characters" in text and str(MAX_INTEGER) in text
    assert "太大" in info.value.render("zh")


def test_literals_up_to_the_limits_parse() -> None:
    assert parse(f"orders_count < {MAX_INTEGER}")
    assert parse("monetary_total < 1.7976931348623157e308")
    with pytest.raises(ConfigError, match="too large"):
        parse(f"orders_count < {MAX_INTEGER + 1}")
    with pytest.raises(ConfigError, match="too large"):
        parse("monetary_total < 1e309")
