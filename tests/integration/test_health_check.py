"""The health check of every scheme (custseg.health): each check on data made to trigger it."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pytest

from custseg.health import Finding, check_health
from custseg.i18n import Message
from custseg.schemes import ClassificationSystem
from custseg.snapshots.model import SchemeOutcome

N = 100


def _labels(key: str) -> dict[str, str]:
    return {"zh_CN": f"类{key}", "en": f"Class {key}"}


def _classes(*keys: str) -> list[dict[str, Any]]:
    return [{"key": k, "labels": _labels(k)} for k in keys]


def _system(*schemes: dict[str, Any], **extra: Any) -> ClassificationSystem:
    full = [{"labels": _labels(s["name"]), **s} for s in schemes]
    return ClassificationSystem.model_validate({"name": "t", "schemes": full, **extra})


def _features(**columns: list[Any]) -> ibis.Table:
    base: dict[str, list[Any]] = {
        "customer_id": [f"C{i:03d}" for i in range(N)],
        "has_purchase": [True] * N,
        "recency_days": list(range(N)),
        "revenue_12m": [float(i + 1) for i in range(N)],
        "last_purchase_date": [date(2025, 1, 1)] * N,
        "on_time_share": [None] * N,
    }
    frame = {**base, **columns}
    schema = {"on_time_share": "float64", "revenue_12m": "float64"}
    return ibis.memtable(frame, schema={**{k: _type(v) for k, v in frame.items()}, **schema})


def _type(values: list[Any]) -> str:
    sample = next((v for v in values if v is not None), 0)
    return {bool: "boolean", int: "int64", float: "float64", str: "string"}.get(
        type(sample), "date"
    )


def _assign(**schemes: list[str]) -> ibis.Table:
    rows = {"customer_id": [], "scheme": [], "class_key": []}
    for scheme, classes in schemes.items():
        rows["customer_id"] += [f"C{i:03d}" for i in range(N)]
        rows["scheme"] += [scheme] * N
        rows["class_key"] += classes
    return ibis.memtable(rows)


def _computed(name: str, kind: str, **thresholds: Any) -> SchemeOutcome:
    return SchemeOutcome(name, kind, "computed", thresholds=thresholds)


def _by_check(findings: list[Finding], check: str) -> list[Finding]:
    return [f for f in findings if f.check == check]


TIERS = {
    "name": "q",
    "kind": "tiers",
    "feature": "revenue_12m",
    "method": "quantile",
    "cuts": [0.5],
    "classes": _classes("high", "low"),
}


def test_a_quantile_split_holding_nearly_everyone_is_a_warning_with_counts() -> None:
    system = _system(TIERS)
    outcome = _computed("q", "tiers", method="quantile", feature="revenue_12m", values=[1.0])
    findings = check_health(system, [outcome], _assign(q=["high"] * 95 + ["low"] * 5), _features())
    (dominant,) = _by_check(findings, "dominant_class")
    assert (dominant.level, dominant.scheme, dominant.customers) == ("warning", "q", 95)
    assert dominant.message.params["share"] == "95.0%"
    assert "95.0%" in dominant.render("en") and "cuts" in dominant.render("en")
    assert "分档点" in dominant.render("zh")
    loose = _system(TIERS, parameters={"health": {"dominant_share": 0.99}})
    assert not _by_check(
        check_health(loose, [outcome], _assign(q=["high"] * 95 + ["low"] * 5), _features()),
        "dominant_class",
    )


def test_fixed_cuts_the_data_all_fall_under_give_notes_not_warnings() -> None:
    fixed = {**TIERS, "method": "fixed", "cuts": [1000]}
    outcome = _computed("q", "tiers", method="fixed", feature="revenue_12m", values=[1000.0])
    findings = check_health(_system(fixed), [outcome], _assign(q=["low"] * N), _features())
    assert {(f.check, f.level) for f in findings} == {
        ("dominant_class", "note"),
        ("empty_class", "note"),
    }


def test_a_split_at_a_value_shared_at_the_end_of_the_population_is_a_tie() -> None:
    zeros = [0.0] * 60 + [float(i) for i in range(1, 41)]
    outcome = _computed("q", "tiers", method="quantile", feature="revenue_12m", values=[0.0])
    findings = check_health(
        _system(TIERS), [outcome], _assign(q=["high"] * N), _features(revenue_12m=zeros)
    )
    (tie,) = _by_check(findings, "tied_split")
    assert (tie.level, tie.customers, tie.message.params["value"]) == ("warning", 60, "0")
    # Plan prices 19 / 49 / 99: the cut at 49 has customers on both sides; not a tie finding.
    plans = [19.0] * 60 + [49.0] * 30 + [99.0] * 10
    cut = _computed("q", "tiers", method="quantile", feature="revenue_12m", values=[49.0])
    classes = ["low"] * 60 + ["high"] * 40
    assert not check_health(_system(TIERS), [cut], _assign(q=classes), _features(revenue_12m=plans))


RULES = {
    "name": "r",
    "kind": "rules",
    "rules": [
        {"when": "recency_days <= 1000", "class": "a"},
        {"when": "recency_days <= 10", "class": "b"},
    ],
    "default": "c",
    "ranking": ["a", "b", "c"],
    "classes": _classes("a", "b", "c"),
}


def test_a_broad_rule_that_takes_another_classs_customers_is_reported() -> None:
    findings = check_health(
        _system(RULES), [_computed("r", "rules")], _assign(r=["a"] * N), _features()
    )
    (dominant,) = _by_check(findings, "dominant_class")
    assert dominant.level == "warning" and dominant.message.params["moved"] == 11
    (empty,) = _by_check(findings, "empty_class")
    assert (empty.level, empty.message.params["cls"], empty.customers) == ("warning", "b", 11)
    assert "earlier rules" in empty.render("en")


def test_a_class_the_data_leaves_as_the_only_choice_is_a_note() -> None:
    forced = {**RULES, "rules": [{"when": "recency_days > 5000", "class": "a"}]}
    findings = check_health(
        _system(forced), [_computed("r", "rules")], _assign(r=["c"] * N), _features()
    )
    (dominant,) = _by_check(findings, "dominant_class")
    assert dominant.level == "note" and "no other class" in dominant.render("en")
    # ...but the best class of a ranked scheme left empty is a warning
    (best,) = _by_check(findings, "empty_class")
    assert (best.level, best.message.key) == ("warning", "health_empty_best")


def test_customers_breaking_a_declared_exclusion_are_counted() -> None:
    one = {
        "name": "one",
        "kind": "rules",
        "rules": [{"when": "recency_days <= 30", "class": "x"}],
        "default": "z",
        "classes": _classes("x", "z"),
    }
    two = {
        "name": "two",
        "kind": "rules",
        "rules": [{"when": "recency_days >= 20", "class": "y"}],
        "default": "w",
        "classes": _classes("y", "w"),
    }
    rule = {
        "key": "no_xy",
        "if": {"scheme": "one", "classes": ["x"]},
        "then_not": {"scheme": "two", "classes": ["y"]},
    }
    system = _system(one, two, exclusions=[rule])
    classes = {"one": ["x"] * 31 + ["z"] * 69, "two": ["w"] * 20 + ["y"] * 80}
    outcomes = [_computed("one", "rules"), _computed("two", "rules")]
    (found,) = _by_check(
        check_health(system, outcomes, _assign(**classes), _features()), "exclusion"
    )
    assert (found.level, found.customers) == ("warning", 11)
    assert "no_xy" in found.render("en") and "互斥" in found.render("zh")


def test_exclusions_must_name_existing_schemes_and_classes() -> None:
    one = {
        "name": "one",
        "kind": "rules",
        "rules": [{"when": "has_purchase", "class": "x"}],
        "default": "z",
        "classes": _classes("x", "z"),
    }
    bad_class = {
        "key": "k",
        "if": {"scheme": "one", "classes": ["q"]},
        "then_not": {"scheme": "one", "classes": ["z"]},
    }
    with pytest.raises(ValueError, match="unknown class 'q'"):
        _system(one, exclusions=[bad_class])
    bad_scheme = {**bad_class, "if": {"scheme": "nope", "classes": ["x"]}}
    with pytest.raises(ValueError, match="unknown scheme 'nope'"):
        _system(one, exclusions=[bad_scheme])
    with pytest.raises(ValueError, match="dominant_share"):
        _system(one, parameters={"health": {"dominant_share": 0.2}})


SCORE = {
    "name": "s",
    "kind": "score",
    "indicators": [
        {
            "feature": "on_time_share",
            "weight": 30,
            "normalise": "fixed",
            "min": 0,
            "max": 1,
            "missing": "mean",
        },
        {"feature": "revenue_12m", "weight": 70, "normalise": "rank", "missing": 0},
    ],
    "grades": [{"min": 50, "class": "A"}, {"min": 0, "class": "B"}],
    "classes": _classes("A", "B"),
}


def test_score_indicators_without_data_warn_unless_dropped() -> None:
    classes = _assign(s=["A"] * 50 + ["B"] * 50)
    free = _computed("s", "score", weights={"on_time_share": 0.3, "revenue_12m": 0.7})
    (found,) = check_health(_system(SCORE), [free], classes, _features())
    assert (found.check, found.level, found.message.params["weight"]) == (
        "missing_indicator",
        "warning",
        "0.30",
    )
    dropped = _computed("s", "score", weights={"on_time_share": 0.0, "revenue_12m": 1.0})
    (note,) = check_health(_system(SCORE), [dropped], classes, _features())
    assert (note.check, note.level) == ("dropped_indicator", "note")


def test_an_attribute_missing_for_nearly_everyone_is_a_warning() -> None:
    attribute = {
        "name": "nat",
        "kind": "attribute",
        "feature": "top_category",
        "mapping": {"gold": ["gold"]},
        "other_class": "rest",
        "missing_class": "none",
        "classes": _classes("gold", "rest", "none"),
    }
    findings = check_health(
        _system(attribute),
        [_computed("nat", "attribute")],
        _assign(nat=["none"] * N),
        _features(top_category=[None] * N),
    )
    (found,) = findings
    assert (
        found.level == "warning" and found.customers == N and "top_category" in found.render("en")
    )


def test_no_recent_activity_explains_concentration_and_says_so() -> None:
    old = _features(revenue_12m=[0.0] * N)
    outcome = _computed("q", "tiers", method="quantile", feature="revenue_12m", values=[0.0])
    findings = check_health(_system(TIERS), [outcome], _assign(q=["high"] * N), old)
    assert findings and all(f.level == "note" for f in findings)
    assert findings[0].check == "inactive_data" and "2025-01-01" in findings[0].render("en")


def test_skipped_schemes_and_assigner_notes_are_notes_that_round_trip() -> None:
    skipped = SchemeOutcome("q", "tiers", "skipped", reason="needs the payments table")
    noted = SchemeOutcome("r", "rules", "computed", diagnostics=("a note",))
    system = _system(
        TIERS,
        {
            **RULES,
            "rules": [
                {"when": "recency_days >= 0", "class": "a"},
                {"when": "recency_days <= 49", "class": "b"},
            ],
        },
    )
    classes = _assign(r=["a"] * 40 + ["b"] * 30 + ["c"] * 30)
    findings = check_health(system, [skipped, noted], classes, _features())
    assert [(f.check, f.level) for f in findings] == [
        ("skipped_scheme", "note"),
        ("scheme_note", "note"),
    ]
    assert "payments" in findings[0].render("zh")
    for finding in findings:
        assert Finding.from_dict(finding.to_dict()) == finding
    restored = Finding.from_dict(
        {**findings[0].to_dict(), "advice": Message("health_empty_advice").to_dict()}
    )
    assert restored.render("en").endswith("can be reached.")
