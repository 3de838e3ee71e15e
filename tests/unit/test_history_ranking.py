"""Ranking of classes (best first) for up / down moves: validation and defaults per kind."""

from __future__ import annotations

import pytest

from custseg.errors import ConfigError
from custseg.schemes import load_default_system, parse_system

HEAD = "version: 1\nname: test\nschemes:\n"

TIERS = HEAD + """\
  - name: power
    kind: tiers
    labels: {zh_CN: 购买力, en: Power}
    feature: avg_order_value
    cuts: [0.3, 0.8]
    classes:
      - {key: high, labels: {zh_CN: 高, en: High}}
      - {key: medium, labels: {zh_CN: 中, en: Medium}}
      - {key: low, labels: {zh_CN: 低, en: Low}}
"""

RULES = HEAD + """\
  - name: life
    kind: rules
    labels: {zh_CN: 生命周期, en: Life}
    rules:
      - {when: "recency_days <= 90", class: active}
      - {when: "recency_days <= 365", class: dormant}
    default: churned
    ranking: [active, dormant, churned]
    classes:
      - {key: active, labels: {zh_CN: 活跃, en: Active}}
      - {key: prospect, labels: {zh_CN: 潜在, en: Prospect}}
      - {key: dormant, labels: {zh_CN: 滞留, en: Dormant}}
      - {key: churned, labels: {zh_CN: 流失, en: Churned}}
"""


def test_tiers_are_ranked_by_class_order_without_the_added_missing_class() -> None:
    scheme = parse_system(TIERS).schemes[0]
    assert scheme.class_keys == ["high", "medium", "low", "none"]
    assert scheme.ranking is None
    assert scheme.ranked_keys() == ["high", "medium", "low"]


def test_an_explicit_empty_ranking_makes_a_tiers_scheme_unranked() -> None:
    text = TIERS.replace("    cuts: [0.3, 0.8]\n", "    cuts: [0.3, 0.8]\n    ranking: []\n")
    assert parse_system(text).schemes[0].ranked_keys() == []


def test_an_explicit_ranking_wins_and_may_leave_classes_unranked() -> None:
    scheme = parse_system(RULES).schemes[0]
    assert scheme.ranked_keys() == ["active", "dormant", "churned"]
    assert "prospect" not in scheme.ranked_keys()


def test_rules_without_ranking_are_unranked() -> None:
    text = RULES.replace("    ranking: [active, dormant, churned]\n", "")
    assert parse_system(text).schemes[0].ranked_keys() == []


def test_ranking_with_an_unknown_class_names_the_place_and_the_closest_class() -> None:
    text = RULES.replace("[active, dormant, churned]", "[active, dormnt, churned]")
    with pytest.raises(ConfigError) as info:
        parse_system(text, source_name="system.yaml")
    message = str(info.value)
    assert "system.yaml:11 schemes[0].ranking[1]" in message
    assert "unknown class 'dormnt'; did you mean 'dormant'?" in message


def test_ranking_a_class_twice_is_an_error() -> None:
    text = RULES.replace("[active, dormant, churned]", "[active, dormant, active]")
    twice = r"schemes\[0\]\.ranking\[2\]: class 'active' is ranked twice"
    with pytest.raises(ConfigError, match=twice):
        parse_system(text)


def test_default_catalogue_rankings() -> None:
    system = load_default_system()
    ranked = {s.name: s.ranked_keys() for s in system.schemes}
    assert ranked["abc"] == ["A", "B", "C"]
    assert ranked["composite"] == ["A", "B", "C", "D"]
    assert ranked["credit"] == ["A", "B", "C", "D"]  # no_history is not a grade
    assert ranked["lifecycle"] == ["active", "dormant", "churned"]
    assert ranked["value"] == ["high_value", "low_value"]  # no_purchase left out
    assert ranked["revenue_percentile"] == ["top_10", "middle_80", "bottom_10"]
    assert ranked["purchasing_power"] == ["high", "medium", "low"]
    assert ranked["satisfaction"] == ["satisfied", "neutral", "dissatisfied"]
    assert ranked["sales_loyalty"][0] == "treasure" and ranked["sales_loyalty"][-1] == "drop"
    for unranked in ("nature", "rfm_segments", "natural_groups", "transaction_process"):
        assert ranked[unranked] == [], unranked
    for scheme in system.schemes:
        assert set(scheme.ranked_keys()) <= set(scheme.class_keys), scheme.name
