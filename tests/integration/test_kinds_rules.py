"""``rules`` on DuckDB: first match wins, default for the rest, exactly one class per customer."""

from __future__ import annotations

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.schemes import RulesScheme
from custseg.schemes.kinds import ASSIGNERS
from custseg.schemes.kinds.reasons import render_reason


def scheme(rules: list[tuple[str, str]], default: str) -> RulesScheme:
    keys = list(dict.fromkeys([c for _, c in rules] + [default]))
    return RulesScheme.model_validate({
        "name": "life", "kind": "rules", "labels": {"zh_CN": "周期", "en": "Life"},
        "rules": [{"when": w, "class": c} for w, c in rules], "default": default,
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in keys],
    })


def run(frame: pd.DataFrame, s: RulesScheme) -> tuple[pd.DataFrame, list[str]]:
    result = ASSIGNERS["rules"](ibis.memtable(frame), s)
    return result.table.to_pandas().set_index("customer_id").sort_index(), result.diagnostics


def test_first_matching_rule_wins_and_nulls_never_match() -> None:
    frame = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c5"],
        "is_prospect": [True, False, False, False, None],
        "overdue_ratio": [None, 1.5, 3.0, None, 9.0],
        "recency_days": [None, 10, 200, 100, 500],
    })
    s = scheme([("is_prospect", "potential"), ("overdue_ratio <= 2", "active"),
                ("recency_days <= 365", "dormant")], "churned")
    out, notes = run(frame, s)
    assert out.class_key.to_dict() == {"c1": "potential", "c2": "active", "c3": "dormant",
                                       "c4": "dormant", "c5": "churned"}
    assert render_reason(out.loc["c2", "reason"], "en") == 'rule 2 "overdue_ratio <= 2" matched'
    assert render_reason(out.loc["c2", "reason"], "zh") == "符合规则 2：overdue_ratio <= 2"
    assert render_reason(out.loc["c5", "reason"], "en") == (
        "no rule matched; default class 'churned'")
    assert render_reason(out.loc["c5", "reason"], "zh", {"churned": "流失客户"}) == (
        "未符合任何规则，归入默认类别“流失客户”"
    )
    assert out.score.isna().all()
    assert notes == []


def test_classes_that_receive_nobody_are_reported() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b"], "recency_days": [10, 20]})
    _, notes = run(frame, scheme([("recency_days > 100", "old")], "recent"))
    assert [n.key for n in notes] == ["schemes_d_empty_classes"]
    assert notes[0].params["classes"] == "old"
    assert notes[0].render("en") == "life: 1 class(es) received no customer: old"


OPS = st.sampled_from(["<", "<=", ">", ">=", "=", "!="])


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=1, max_size=12),
    conditions=st.lists(st.tuples(OPS, st.integers(-3, 3)), min_size=1, max_size=4),
)
def test_every_customer_gets_exactly_the_first_matching_class(values, conditions) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(len(values))],
                          "x": pd.array(values, dtype="Int64")})
    rules = [(f"x {op} {n}", f"k{i}") for i, (op, n) in enumerate(conditions)]
    out, _ = run(frame, scheme(rules, "fallback"))
    assert len(out) == len(values) and out.index.is_unique and out.class_key.notna().all()
    checks = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__,
              "=": int.__eq__, "!=": int.__ne__}
    for i, value in enumerate(values):
        expected = next((f"k{j}" for j, (op, n) in enumerate(conditions)
                         if value is not None and checks[op](value, n)), "fallback")
        assert out.loc[f"c{i:02d}", "class_key"] == expected


def test_notes_from_counts_made_elsewhere_equal_the_schemes_own_count() -> None:
    # A run counts every scheme's classes in one query and hands the counts over; the notes
    # must be exactly those the scheme makes when it counts its own classes.
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "recency_days": [10, 20, 500]})
    rules = [("recency_days > 100", "old"), ("recency_days > 1000", "gone")]
    result = ASSIGNERS["rules"](ibis.memtable(frame), scheme(rules, "recent"))
    out = result.table.to_pandas()
    counts = out.class_key.value_counts().to_dict()
    assert result.notes(counts) == result.diagnostics

    def empty(notes: list) -> list[str]:  # type: ignore[type-arg]
        return [n.params["classes"] for n in notes if n.key == "schemes_d_empty_classes"]

    assert empty(result.notes(counts)) == ["gone"]
    assert empty(result.notes({})) == ["old, gone, recent"]
