"""``score`` on DuckDB: normalised weighted composite, missing values, fallback, grades."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from custseg.errors import ModelError
from custseg.schemes import ScoreScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.reasons import render_reason


def scheme(**kw: object) -> ScoreScheme:
    return ScoreScheme.model_validate({
        "name": "composite", "kind": "score", "labels": {"zh_CN": "综合", "en": "Composite"},
        "indicators": [
            {"feature": "credit", "weight": 3, "normalise": "fixed", "min": 0, "max": 1},
            {"feature": "late", "weight": 1, "normalise": "minmax", "direction": "lower_is_better",
             "missing": 0},
        ],
        "grades": [{"min": 80, "class": "A"}, {"min": 50, "class": "B"}, {"min": 20, "class": "C"}],
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in "ABC"], **kw})


def test_weighted_score_grades_and_fallback() -> None:
    frame = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "credit": pd.array([1.0, 0.5, None, 0.0, None], dtype="Float64"),
        "late": pd.array([0, 10, 5, None, None], dtype="Float64"),
        "new": [False, False, False, False, True],
        "prospect": pd.array([None, None, None, None, 93.0], dtype="Float64"),
    })
    s = scheme(fallback={"when": "new", "score_feature": "prospect"})
    result = ASSIGNERS["score"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    # credit: fixed 0..1 -> 100, 50, mean(100, 50, 0)=50, 0; late: minmax 0..10 flipped -> 100, 0, 50, 0 (missing)
    expected = {"a": 0.75 * 100 + 0.25 * 100, "b": 0.75 * 50 + 0, "c": 0.75 * 50 + 0.25 * 50,
                "d": 0.0, "e": 93.0}
    assert out.score.to_dict() == pytest.approx(expected)
    assert out.class_key.to_dict() == {"a": "A", "b": "C", "c": "B", "d": "C", "e": "A"}
    reason = {k: render_reason(v, "en") for k, v in out.reason.items()}
    assert reason["a"] == "score 100 ≥ 80; weighted: credit 75 + late 25"
    assert reason["e"] == "score 93 ≥ 80; fallback (new): prospect 93"
    assert render_reason(out.loc["a", "reason"], "zh") == (
        "得分 100 ≥ 80；加权：credit 75 + late 25")
    assert result.thresholds["weights"] == {"credit": 0.75, "late": 0.25}
    assert result.thresholds["bounds"]["late"] == [0.0, 10.0]


def test_rank_normalisation_and_empty_grades() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "credit": [0.0, 0.5, 1.0],
                          "late": [1.0, 2.0, 3.0]})
    s = scheme(indicators=[{"feature": "credit", "weight": 1, "normalise": "rank"}])
    result = ASSIGNERS["score"](ibis.memtable(frame), s)
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    assert out.score.tolist() == [0.0, 50.0, 100.0]
    assert out.class_key.tolist() == ["C", "B", "A"]
    assert result.diagnostics == []


def test_an_indicator_without_data_is_dropped_and_weights_renormalised() -> None:
    # CDNOW-like: no payments (credit null for all); the old rule gave everyone 0.75 x mean
    # points for it, i.e. free points from data that does not exist.
    frame = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"],
        "credit": pd.array([None] * 4, dtype="Float64"),
        "late": pd.array([0, 5, 10, 10], dtype="Float64"),
    })
    result = ASSIGNERS["score"](ibis.memtable(frame), scheme())
    out = result.table.to_pandas().set_index("customer_id").sort_index()
    assert result.thresholds["weights"] == {"late": 1.0}
    assert result.thresholds["dropped"] == ["credit"]
    assert out.score.to_dict() == pytest.approx({"a": 100.0, "b": 50.0, "c": 0.0, "d": 0.0})
    assert out.class_key.to_dict() == {"a": "A", "b": "B", "c": "C", "d": "C"}
    note = next(d for d in result.diagnostics if d.key == "schemes_d_indicator_dropped")
    assert note.params["feature"] == "credit" and note.params["weights"] == "late 100%"
    assert render_reason(out.loc["a", "reason"], "en") == (
        "score 100 ≥ 80; weighted: late 100; not used (no data): credit, weights spread "
        "over the others")
    assert "未使用（无数据）：credit" in render_reason(out.loc["a", "reason"], "zh")


def test_no_indicator_with_data_is_a_model_error() -> None:
    frame = pd.DataFrame({"customer_id": ["a"], "credit": pd.array([None], dtype="Float64"),
                          "late": pd.array([None], dtype="Float64")})
    with pytest.raises(ModelError, match="no indicator has data"):
        ASSIGNERS["score"](ibis.memtable(frame), scheme())


def test_revenue_rank_among_buyers_in_the_window_and_zero_scores_zero() -> None:
    frame = pd.DataFrame({"customer_id": list("abcdef"),
                          "credit": [0.0, 0.0, 0.0, 10.0, 20.0, 40.0]})
    s = scheme(indicators=[{"feature": "credit", "weight": 1, "normalise": "rank"}])
    out = ASSIGNERS["score"](ibis.memtable(frame), s).table.to_pandas().set_index("customer_id")
    # zeros score 0; the positive values are ranked among themselves: 1/3, 2/3, 3/3
    assert out.sort_index().score.tolist() == pytest.approx([0, 0, 0, 100 / 3, 200 / 3, 100])
