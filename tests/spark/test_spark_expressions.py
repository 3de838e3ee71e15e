"""The Spark compiler fixes: each expression gives DuckDB's value on Spark."""

from __future__ import annotations

import math
from typing import Any

import ibis
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

VALUES = [262.775, -262.775, 2604.095, 0.0000125, 41131.715, 1e300, None, float("inf"), 7.0]


def _both(spark_engine: Any, build: Any) -> tuple[list[Any], list[Any]]:
    frame = pd.DataFrame({"i": range(len(VALUES)), "x": VALUES, "n": list(range(len(VALUES)))})
    duck = ibis.duckdb.connect()
    out = []
    for con in (duck, spark_engine.con):
        t = con.create_table("_expr_values", frame, overwrite=True)
        out.append(t.select("i", v=build(t)).order_by("i").to_pandas().v.tolist())
        con.drop_table("_expr_values")
    return out[0], out[1]


def _same(a: list[Any], b: list[Any]) -> bool:
    def norm(v: Any) -> Any:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    return [norm(v) for v in a] == [norm(v) for v in b]


def test_rounding_matches_duckdb(spark_engine: Any) -> None:
    duck, spark = _both(spark_engine, lambda t: t.x.round(2))
    assert _same(duck, spark), (duck, spark)
    assert duck[0] == 262.77  # the double 262.775 is 262.77499…: DuckDB's rounding, on Spark too
    duck, spark = _both(spark_engine, lambda t: t.x.round(6))
    assert _same(duck, spark), (duck, spark)


def test_reason_numbers_match_duckdb(spark_engine: Any) -> None:
    from custseg.schemes.kinds.base import number_text

    duck, spark = _both(spark_engine, lambda t: number_text(t.x))
    assert duck[:3] == spark[:3] == ["262.77", "-262.77", "2604.09"]  # binary value below .xx5
    finite = [0, 1, 2, 3, 4, 6, 8]  # inf and 1e300 are written differently (inf / Infinity)
    assert [duck[i] for i in finite] == [spark[i] for i in finite]
    assert duck[6] == spark[6] == "null"


def test_float_literals_are_doubles(spark_engine: Any) -> None:
    # Spark reads 0.5 as DECIMAL(2,1): 0.5 * 7 / 12 would be 0.291667
    duck, spark = _both(spark_engine, lambda t: 0.5 * t.n / 12)
    assert duck == spark
    assert spark[7] == 0.5 * 7 / 12


def test_bit_xor_aggregate(spark_engine: Any) -> None:
    frame = pd.DataFrame({"h": [5, 3, 9, 12]})
    values = []
    for con in (ibis.duckdb.connect(), spark_engine.con):
        t = con.create_table("_xor_values", frame, overwrite=True)
        values.append(int(t.h.bit_xor().execute()))
        con.drop_table("_xor_values")
    assert values == [5 ^ 3 ^ 9 ^ 12] * 2
