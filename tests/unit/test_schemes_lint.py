"""Static checks: shadowed rules, unreachable classes, unknown names, requirements."""

from __future__ import annotations

import pytest

from custseg.errors import UnknownNameError
from custseg.schemes import ClassificationSystem, RulesScheme, lint_system, missing_requirements
from custseg.schemes.shadowing import Interval, read
from custseg.schemes.expr import parse

FEATURES = {"r_score", "f_score", "m_score", "recency_days", "is_prospect", "segment", "revenue_12m"}


def rules_scheme(rules: list[tuple[str, str]], default: str, keys: list[str] | None = None) -> RulesScheme:
    wanted = keys or list(dict.fromkeys([c for _, c in rules] + [default]))
    return RulesScheme.model_validate({
        "name": "rfm", "kind": "rules", "labels": {"zh_CN": "RFM", "en": "RFM"},
        "rules": [{"when": w, "class": c} for w, c in rules], "default": default,
        "classes": [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in wanted],
    })


def lint(scheme: RulesScheme) -> list[str]:
    system = ClassificationSystem(name="t", schemes=[scheme])
    return [w.render("en") for w in lint_system(system, FEATURES)]


def test_warnings_read_in_both_languages() -> None:
    scheme = rules_scheme([("r_score >= 3", "loyal"), ("r_score >= 4", "champions")], "other")
    system = ClassificationSystem(name="t", schemes=[scheme])
    warnings = lint_system(system, FEATURES)
    assert {w.key for w in warnings} == {
        "schemes_d_rule_shadowed", "schemes_d_class_unreachable"
    }
    zh = [w.render("zh") for w in warnings]
    assert any("rfm：规则 rules[1]" in w and "被 rules[0]" in w and "遮蔽" in w for w in zh), zh
    assert any("类别 'champions' 永远不会被赋予" in w for w in zh), zh


def test_champions_under_loyal_is_shadowed_and_unreachable() -> None:
    scheme = rules_scheme([
        ("r_score >= 3 and f_score >= 3", "loyal"),
        ("r_score >= 4 and f_score >= 4 and m_score >= 4", "champions"),
    ], "other")
    warnings = lint(scheme)
    assert any("rules[1]" in w and "shadowed by rules[0]" in w for w in warnings)
    assert any("class 'champions' can never be assigned" in w for w in warnings)


def test_champions_before_loyal_is_clean() -> None:
    scheme = rules_scheme([
        ("r_score >= 4 and f_score >= 4 and m_score >= 4", "champions"),
        ("r_score >= 3 and f_score >= 3", "loyal"),
    ], "other")
    assert lint(scheme) == []


@pytest.mark.parametrize(("first", "second"), [
    ("recency_days <= 30", "recency_days <= 30"),
    ("true", "recency_days <= 30"),
    ("r_score >= 4", "r_score >= 5"),
    ("r_score >= 4", "r_score >= 5 and f_score = 2"),
    ("r_score between 2 and 5", "r_score = 3"),
    ("segment in ('a', 'b')", "segment = 'a' and r_score > 1"),
    ("is_prospect", "is_prospect and revenue_12m > 0"),
    ("recency_days is not null", "recency_days < 10"),
    ("(r_score >= 4) and coalesce(m_score, 0) > 1", "coalesce(m_score, 0) > 1 and r_score = 5"),
])
def test_later_rule_narrower_than_an_earlier_one_is_shadowed(first: str, second: str) -> None:
    warnings = lint(rules_scheme([(first, "a"), (second, "b")], "c"))
    assert any("shadowed by rules[0]" in w for w in warnings), warnings
    assert any("class 'b' can never be assigned" in w for w in warnings)


@pytest.mark.parametrize(("first", "second"), [
    ("r_score >= 5", "r_score >= 4"),
    ("r_score > 4", "r_score >= 4"),
    ("r_score >= 4 and f_score >= 4", "r_score >= 5"),
    ("segment = 'a'", "segment = 'b'"),
    ("r_score >= 4 or f_score >= 4", "r_score >= 5"),  # not analysed: never claimed shadowed
    ("coalesce(m_score, 0) > 1", "m_score > 2"),
])
def test_rules_not_implied_by_an_earlier_one_are_not_reported(first: str, second: str) -> None:
    assert lint(rules_scheme([(first, "a"), (second, "b")], "c")) == []


def test_a_contradictory_rule_can_never_match() -> None:
    warnings = lint(rules_scheme([("r_score > 4 and r_score < 2", "a")], "c"))
    assert any("can never match" in w for w in warnings)
    assert any("class 'a' can never be assigned" in w for w in warnings)


def test_an_early_true_makes_the_default_unreachable() -> None:
    warnings = lint(rules_scheme([("true", "a")], "c"))
    assert any("class 'c' can never be assigned" in w for w in warnings)


def test_a_listed_class_that_no_rule_gives_is_unreachable() -> None:
    warnings = lint(rules_scheme([("r_score >= 4", "a")], "c", keys=["a", "b", "c"]))
    assert warnings == ["rfm: class 'b' can never be assigned: no rule that can match gives it"]


def test_unknown_feature_suggests_the_known_name() -> None:
    scheme = rules_scheme([("recency <= 30", "a")], "c")
    with pytest.raises(UnknownNameError, match=r"unknown feature 'recency' in schemes\.rfm\.rules\[0\]\.when; did you mean 'recency_days'\?") as info:
        lint(scheme)
    assert "revenue_12m" in info.value.known


def test_unknown_requirement_is_an_error() -> None:
    scheme = rules_scheme([("r_score >= 4", "a")], "c").model_copy(update={"requires": ["paymnets"]})
    with pytest.raises(UnknownNameError, match="did you mean 'payments'"):
        lint(scheme)


def test_missing_requirements_give_reasons() -> None:
    scheme = rules_scheme([("r_score >= 4", "a")], "c").model_copy(
        update={"requires": ["payments", "satisfaction", "orders"]})
    reasons = missing_requirements(scheme, {"orders", "customers"}, {"r_score"})
    assert len(reasons) == 2
    assert "payments" in reasons[0].render("en") and "ingest" in reasons[0].render("en")
    assert "导入" in reasons[0].render("zh")
    assert reasons[1].params["feature"] == "satisfaction" and "满意度" in reasons[1].render("zh")
    assert missing_requirements(scheme, {"orders", "payments"}, {"satisfaction"}) == []


def test_interval_reading() -> None:
    conj = read(parse("r_score >= 2 and r_score < 4 and -1 < f_score"))
    assert conj.constraints["r_score"] == Interval(2, 4, True, False)
    assert conj.constraints["f_score"] == Interval(lo=-1)
    assert not conj.opaque and not conj.never
