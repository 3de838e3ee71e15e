"""``matrix`` on DuckDB: four quadrants, x first; missing and outside customers."""

from __future__ import annotations

import ibis
import pandas as pd

from custseg.schemes import MatrixScheme
from custseg.schemes.kinds import ASSIGNERS

KEYS = ["treasure", "dangerous", "rising_star", "drop", "prospect"]


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
    assert out.loc["c", "reason"] == "sales 8.0 ≥ P50 5 (high); loyal 10.0 < 50 (low)"
    assert out.loc["e", "reason"] == "sales or loyal is null"
    assert result.diagnostics == []
