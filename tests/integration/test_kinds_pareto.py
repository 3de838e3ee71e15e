"""``pareto`` on DuckDB: ABC by cumulative share; the customer who crosses a cut stays above it."""

from __future__ import annotations

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.schemes import ParetoScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.reasons import render_reason


def scheme(**kw: object) -> ParetoScheme:
    return ParetoScheme.model_validate({
        "name": "abc", "kind": "pareto", "labels": {"zh_CN": "分级", "en": "ABC"},
        "measure": "m", "cuts": [0.8, 0.95],
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in ("A", "B", "C")], **kw})


def run(frame: pd.DataFrame, s: ParetoScheme | None = None) -> pd.DataFrame:
    result = ASSIGNERS["pareto"](ibis.memtable(frame), s or scheme())
    return result.table.to_pandas().set_index("customer_id").sort_index()


def test_abc_by_cumulative_share_with_ties_zeros_and_nulls() -> None:
    frame = pd.DataFrame({"customer_id": list("abcdefgh"),
                          "m": pd.array([50, 30, 10, 5, 5, 0, None, -3], dtype="Float64")})
    out = run(frame)
    # sorted: a 50 (before 0), b 30 (0.5), c 10 (0.8 -> not < 0.8: B), d 5 (0.9: B), e 5 (0.95: C)
    assert out.class_key.to_dict() == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C",
                                       "f": "C", "g": "C", "h": "C"}
    assert out.loc["b", "score"] == 80.0 and out.loc["e", "score"] == 100.0
    assert render_reason(out.loc["b", "reason"], "en") == (
        "by m: cumulative share before 50% < 80%")
    assert render_reason(out.loc["f", "reason"], "en") == "m 0 is not positive"
    assert render_reason(out.loc["f", "reason"], "zh") == "m 0 不为正"
    assert pd.isna(out.loc["g", "score"])


def test_the_customer_who_crosses_the_cut_is_still_in_the_upper_class() -> None:
    # y brings the cumulative share from 70 % to 90 %: it crosses 80 % and is still A
    frame = pd.DataFrame({"customer_id": ["x", "y", "z"], "m": [70.0, 20.0, 10.0]})
    assert run(frame).class_key.tolist() == ["A", "A", "B"]


def test_zero_class_and_population() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "m": [10.0, 0.0, 5.0],
                          "ok": [True, True, False]})
    s = scheme(zero_class="B", where="ok", outside_class="C")
    assert run(frame, s).class_key.tolist() == ["A", "B", "C"]


@settings(max_examples=20, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(-2, 50)), min_size=1, max_size=25),
       seed=st.randoms())
def test_pareto_is_exhaustive_monotone_and_ignores_row_order(values, seed) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(len(values))],
                          "m": pd.array(values, dtype="Float64")})
    out = run(frame)
    again = run(frame.sample(frac=1, random_state=seed.randint(0, 10_000)))
    pd.testing.assert_frame_equal(out, again)
    assert len(out) == len(values) and out.class_key.isin(["A", "B", "C"]).all()
    joined = out.join(frame.set_index("customer_id"))
    joined["m"] = joined.m.fillna(-1).astype(float)
    ordered = joined.sort_values(["m", "customer_id"], ascending=[False, True])
    grades = list(ordered.class_key)
    assert grades == sorted(grades)
