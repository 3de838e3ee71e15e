"""``matrix`` on DuckDB: four quadrants, x first; missing and outside customers."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from custseg.schemes import MatrixScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.reasons import render_reason

KEYS = ["treasure", "dangerous", "rising_star", "drop", "prospect", "no_recent"]


def scheme(**kw: object) -> MatrixScheme:
    return MatrixScheme.model_validate({
        "name": "sales_loyalty", "kind": "matrix", "labels": {"zh_CN": "矩阵", "en": "Matrix"},
        "x": {"feature": "sales", "split": 0.5}, "y": {"feature": "loyal", "split": 50, "method": "fixed"},
        "cells": {"high_high": "treasure", "high_low": "dangerous", "low_high": "rising_star",
                  "low_low": "drop"},
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in KEYS], **kw})


def test_quadrants_missing_and_outside() -> None:
    frame = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "sales": pd.array([10, 1, 8, 2, None, 0], dtype="Float64"),
        "loyal": pd.array([90, 80, 10, 20, 60, None], dtype="Float64"),
        "bought": [True, True, True, True, True, False],
    })
    s = scheme(where="bought", outside_class="prospect")
    result = ASSIGNERS["matrix"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    # median of sales among buyers with a value (10, 1, 8, 2) = 5
    assert result.thresholds["x"]["value"] == 5.0
    assert out.class_key.to_dict() == {"a": "treasure", "b": "rising_star", "c": "dangerous",
                                       "d": "drop", "e": "none", "f": "prospect"}
    assert render_reason(out.loc["c", "reason"], "en") == (
        "sales 8 ≥ P50 5 (high); loyal 10 < 50 (low)"
    )
    assert render_reason(out.loc["c", "reason"], "zh") == (
        "sales 8 ≥ P50 5（高）；loyal 10 < 50（低）")
    assert render_reason(out.loc["e", "reason"], "en") == "sales or loyal has no value"
    assert result.diagnostics == []


def zero_inflated() -> pd.DataFrame:
    """60 % of the buyers have no sales in the window (sales 0) and loyalty 0: CDNOW's shape."""
    n = 20
    sales = [0.0] * 12 + [float(v) for v in range(1, 9)]
    loyal = [0.0] * 12 + [10, 80, 20, 70, 30, 60, 40, 90]
    return pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(n)],
                         "sales": pd.array(sales, dtype="Float64"),
                         "loyal": pd.array(loyal, dtype="Float64"), "bought": [True] * n})


def test_a_median_of_zero_no_longer_makes_everyone_high() -> None:
    s = scheme(where="bought", outside_class="prospect",
               y={"feature": "loyal", "split": 0.5, "method": "quantile"})
    result = ASSIGNERS["matrix"](ibis.memtable(zero_inflated()), s)
    counts = result.table.to_pandas().class_key.value_counts().to_dict()
    # the medians are taken among positive values (4.5 and 50), zeros are low on both axes
    assert result.thresholds["x"]["value"] == 4.5 and result.thresholds["y"]["value"] == 50
    assert counts["drop"] == 12 + 2 and counts.get("treasure", 0) < 20 * 0.5
    keys = [d.key for d in result.diagnostics]
    assert keys.count("schemes_d_zero_excluded") == 2


def test_population_puts_customers_without_the_measure_in_their_own_class() -> None:
    s = scheme(where="bought", outside_class="prospect", population="sales > 0",
               unplaced_class="no_recent",
               y={"feature": "loyal", "split": 0.5, "method": "quantile"})
    result = ASSIGNERS["matrix"](ibis.memtable(zero_inflated()), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    assert (out.class_key.iloc[:12] == "no_recent").all()
    assert out.class_key.iloc[12:].value_counts().to_dict() == {
        "treasure": 2, "dangerous": 2, "rising_star": 2, "drop": 2}
    assert render_reason(out.loc["c00", "reason"], "en") == (
        "not among the customers the split is made among: not (sales > 0)")
    assert "不在划分范围内" in render_reason(out.loc["c00", "reason"], "zh")
    assert result.thresholds["population"] == "sales > 0"


def test_population_needs_its_class() -> None:
    with pytest.raises(ValueError, match="unplaced_class"):
        scheme(population="sales > 0")
