"""``tiers`` on DuckDB: quantile and fixed cuts, ties, degenerate bins, nulls, where/outside."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.schemes import TiersScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.reasons import render_reason

KEYS = ["top", "middle", "bottom"]


def scheme(**kw: Any) -> TiersScheme:
    extra = kw.pop("extra_classes", [])
    data = {"name": "power", "kind": "tiers", "labels": {"zh_CN": "购买力", "en": "Power"},
            "feature": "x", "cuts": [0.1, 0.9],
            "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in KEYS + extra], **kw}
    return TiersScheme.model_validate(data)


def run(frame: pd.DataFrame, s: TiersScheme) -> tuple[pd.DataFrame, Any]:
    result = ASSIGNERS["tiers"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    out["text"] = [render_reason(r, "en") for r in out.reason]
    return out, result


def frame_of(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(len(values))],
                         "x": pd.array(values, dtype="Float64")})


def test_quantile_tiers_top_middle_bottom_with_nulls() -> None:
    # 1..10: P10 = 1.9 and P90 = 9.1 (linear interpolation); c10 is null.
    out, result = run(frame_of([float(v) for v in range(1, 11)] + [None]), scheme())
    assert result.thresholds["values"] == [1.9, 9.1]
    assert out.class_key.tolist() == ["bottom"] + ["middle"] * 8 + ["top", "none"]
    assert out.loc["c09", "text"] == "x 10 ≥ P90 9.1"
    assert out.loc["c00", "text"] == "x 1 < P10 1.9"
    assert out.loc["c10", "text"] == "x has no value"
    assert render_reason(out.loc["c10", "reason"], "zh") == "x 无数据"
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
    assert out.loc["c04", "text"] == "outside the population: not (x > 0)"


def test_zeros_of_a_non_negative_measure_fall_below_cuts_taken_among_positive_values() -> None:
    # 80 % zeros: the old rule cut at P10 = P50 = 0 and put everybody in the top tier.
    values = [0.0] * 8 + [5.0, 7.0, 9.0]
    out, result = run(frame_of(values), scheme(cuts=[0.1, 0.5]))
    assert result.thresholds["zeros_excluded"] is True
    assert result.thresholds["values"] == [5.4, 7.0]  # among 5, 7, 9
    # 7 sits on the P50 cut: sent up it would leave "middle" empty, so it stays below.
    assert out.class_key.tolist() == ["bottom"] * 9 + ["middle", "top"]
    assert out.loc["c00", "text"] == "x is 0, below every cut among positive values"
    zero = next(d for d in result.diagnostics if d.key == "schemes_d_zero_excluded")
    assert zero.params["customers"] == 8 and zero.params["feature"] == "x"
    assert "不参与分界计算" in zero.render("zh")


def test_tied_values_stay_together_on_the_side_nearest_the_designed_share() -> None:
    values = [1.0] * 8 + [5.0, 7.0]  # P10 = P50 = 1, shared by 8 of 10 customers
    out, result = run(frame_of(values), scheme(cuts=[0.1, 0.5]))
    # P10: ties down, since up would leave nobody below the cut; P50 lands on the same value,
    # so one class is empty either way and the side nearer the design wins (8 below beats 0).
    assert result.thresholds["ties_up"] == [False, False]
    assert out.class_key.tolist() == ["bottom"] * 8 + ["top", "top"]
    assert out.loc["c00", "text"] == "x 1 ≤ P10 1"
    tied = [d for d in result.diagnostics if d.key == "schemes_d_tied_split"]
    assert [d.params["customers"] for d in tied] == [8, 8]
    assert tied[1].params == {**tied[1].params, "scheme": "power", "feature": "x", "value": "1",
                              "designed": "50%", "actual": "20%"}
    assert "8 customers share the value 1 of x" in tied[1].render("en")
    empty = [d for d in result.diagnostics if d.key == "schemes_d_empty_classes"]
    assert empty and empty[0].params["classes"] == "middle"


def test_a_degenerate_cut_is_diagnosed_not_fatal() -> None:
    values = [-1.0] * 8 + [5.0, 7.0]  # negative values: no zero rule; P30 = P40 = -1
    out, result = run(frame_of(values), scheme(cuts=[0.3, 0.4]))
    assert result.thresholds["values"] == [-1.0, -1.0]
    # Sent up, the tie would leave "bottom" empty; both cuts send it down, "middle" is empty.
    assert result.thresholds["ties_up"] == [False, False]
    same = [d for d in result.diagnostics if d.key == "schemes_d_same_cut"]
    assert len(same) == 1 and same[0].params["cls"] == "middle"
    assert out.groupby("class_key").size().to_dict() == {"bottom": 8, "top": 2}
    # a later cut at the same value never sends the tie up after an earlier one sent it down
    other_out, other = run(frame_of(values), scheme(cuts=[0.1, 0.5]))
    assert other.thresholds["ties_up"] == [False, False]
    assert other_out.groupby("class_key").size().to_dict() == {"bottom": 8, "top": 2}


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


def test_a_tied_block_at_the_bottom_does_not_empty_the_lowest_tier() -> None:
    # The cheapest plan (19) is bought by 60 % of the customers: sending the tie above the
    # 30 % cut would leave "bottom" empty and put 90 % in "middle".
    values = [19.0] * 60 + [29.0] * 25 + [49.0] * 15
    out, result = run(frame_of(values), scheme(cuts=[0.3, 0.7]))
    counts = out.class_key.value_counts().to_dict()
    assert counts == {"bottom": 60, "middle": 25, "top": 15}
