"""``score`` on DuckDB: normalised weighted composite, missing values, fallback, grades."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from custseg.schemes import ScoreScheme
from custseg.schemes.kinds import ASSIGNERS


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
    assert out.loc["a", "reason"] == "score 100.0 ≥ 80; weighted: credit 75.0 + late 25.0"
    assert out.loc["e", "reason"].startswith("score 93.0 ≥ 80; fallback (new): prospect 93.0")
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
