"""``tiers`` on DuckDB: quantile and fixed cuts, ties, degenerate bins, nulls, where/outside."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.schemes import TiersScheme
from custseg.schemes.kinds import ASSIGNERS

KEYS = ["top", "middle", "bottom"]


def scheme(**kw: Any) -> TiersScheme:
    extra = kw.pop("extra_classes", [])
    data = {"name": "power", "kind": "tiers", "labels": {"zh_CN": "购买力", "en": "Power"},
            "feature": "x", "cuts": [0.1, 0.9],
            "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in KEYS + extra], **kw}
    return TiersScheme.model_validate(data)


def run(frame: pd.DataFrame, s: TiersScheme) -> tuple[pd.DataFrame, Any]:
    result = ASSIGNERS["tiers"](ibis.memtable(frame), s)
    return result.table.to_pandas().set_index("customer_id").sort_index(), result


def frame_of(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(len(values))],
                         "x": pd.array(values, dtype="Float64")})


def test_quantile_tiers_top_middle_bottom_with_nulls() -> None:
    # 1..10: P10 = 1.9 and P90 = 9.1 (linear interpolation); c10 is null.
    out, result = run(frame_of([float(v) for v in range(1, 11)] + [None]), scheme())
    assert result.thresholds["values"] == [1.9, 9.1]
    assert out.class_key.tolist() == ["bottom"] + ["middle"] * 8 + ["top", "none"]
    assert out.loc["c09", "reason"] == "x 10.0 ≥ P90 9.1"
    assert out.loc["c00", "reason"] == "x 1.0 < P10 1.9"
    assert out.loc["c10", "reason"] == "x is null"
    assert out.loc["c09", "score"] == 100 and out.loc["c00", "score"] == 0
    assert pd.isna(out.loc["c10", "score"])


def test_fixed_cuts_put_a_value_equal_to_a_cut_in_the_higher_tier() -> None:
    out, _ = run(frame_of([0, 2, 5, 6, 9]), scheme(method="fixed", cuts=[2, 6]))
    assert out.class_key.tolist() == ["bottom", "middle", "middle", "top", "top"]


def test_where_sends_others_to_the_outside_class() -> None:
    frame = frame_of([1, 2, 3, 4, 0, None])
    s = scheme(cuts=[0.5], where="x > 0", outside_class="bottom", missing_class="middle")
    out, result = run(frame, s)
    # the population is 1..4 (x > 0 is false for null too), median 2.5: top, middle; others bottom
    assert result.thresholds["values"] == [2.5]
    assert out.class_key.tolist() == ["middle", "middle", "top", "top", "bottom", "bottom"]
    assert out.loc["c04", "reason"] == "outside the population: not (x > 0)"


def test_ties_and_degenerate_bins_are_diagnosed_not_fatal() -> None:
    values = [0.0] * 8 + [5.0, 7.0]
    out, result = run(frame_of(values), scheme(cuts=[0.1, 0.5]))
    assert result.thresholds["values"] == [0.0, 0.0]
    assert set(out.class_key) == {"top"}
    notes = " | ".join(result.diagnostics)
    assert "give the same x value 0: class 'middle' is empty" in notes
    assert "80% of the population share the value 0.0" in notes
    assert "received no customer" in notes


@settings(max_examples=20, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 20)), min_size=1, max_size=25),
       seed=st.randoms())
def test_tiers_are_exhaustive_monotone_and_ignore_row_order(values, seed) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of([None if v is None else float(v) for v in values])
    out, _ = run(frame, scheme(cuts=[0.3, 0.7]))
    shuffled = frame.sample(frac=1, random_state=seed.randint(0, 10_000))
    again, _ = run(shuffled, scheme(cuts=[0.3, 0.7]))
    assert len(out) == len(values) and out.class_key.notna().all()
    pd.testing.assert_frame_equal(out, again)
    rank = {"top": 0, "middle": 1, "bottom": 2}
    known = out.join(frame.set_index("customer_id")).dropna(subset=["x"])
    ordered = known.sort_values("x")
    tiers = [rank[k] for k in ordered.class_key]
    assert tiers == sorted(tiers, reverse=True)
