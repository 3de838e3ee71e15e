"""A system is validated fully before any data is read (issue 10, cases 5 and 8)."""

from __future__ import annotations

import re

import pytest

from custseg.errors import ConfigError, UnknownNameError
from custseg.schemes import parse_system
from custseg.schemes.catalogue import load_default_system

TWO = """\
    classes:
      - {key: a, labels: {zh_CN: 甲, en: A}}
      - {key: b, labels: {zh_CN: 乙, en: B}}
"""
HEAD = "name: v\nschemes:\n"

TIERS = (
    HEAD
    + """\
  - name: val
    kind: tiers
    labels: {zh_CN: 价值, en: Value}
    feature: FEATURE
    cuts: [0.5]
"""
    + TWO
)
PARETO = (
    HEAD
    + """\
  - name: abc
    kind: pareto
    labels: {zh_CN: 分级, en: ABC}
    measure: FEATURE
    cuts: [0.8]
"""
    + TWO
)
MATRIX = (
    HEAD
    + """\
  - name: quad
    kind: matrix
    labels: {zh_CN: 矩阵, en: Matrix}
    x: {feature: revenue_12m, split: 0.5}
    y: {feature: FEATURE, split: 0.5}
    cells: {high_high: a, high_low: a, low_high: b, low_low: b}
"""
    + TWO
)
SCORE = (
    HEAD
    + """\
  - name: comp
    kind: score
    labels: {zh_CN: 综合, en: Composite}
    indicators:
      - {feature: revenue_12m, weight: 1}
      - {feature: FEATURE, weight: 2}
    grades:
      - {min: 50, class: a}
      - {min: 0, class: b}
"""
    + TWO
)
CLUSTER = (
    HEAD
    + """\
  - name: groups
    kind: cluster
    labels: {zh_CN: 分群, en: Groups}
    features: [recency_days, FEATURE]
"""
)
RULES = (
    HEAD
    + """\
  - name: r
    kind: rules
    labels: {zh_CN: 规则, en: Rules}
    rules:
      - {when: "FEATURE > 3", class: a}
    default: b
"""
    + TWO
)
ALERT = (
    RULES.replace("FEATURE", "orders_12m")
    + """\
alerts:
  - key: moved
    labels: {zh_CN: 变动, en: Moved}
    scheme: r
    when: "FEATURE > 1"
"""
)

KIND_LINES = [
    (TIERS, 6, "schemes[0].feature"),
    (PARETO, 6, "schemes[0].measure"),
    (MATRIX, 7, "schemes[0].y.feature"),
    (SCORE, 8, "schemes[0].indicators[1].feature"),
    (CLUSTER, 6, "schemes[0].features[1]"),
    (RULES, 7, "schemes[0].rules[0].when"),
    (ALERT, 16, "alerts[0].when"),
]


@pytest.mark.parametrize(("template", "line", "key"), KIND_LINES)
def test_unknown_feature_in_every_kind_names_file_line_and_close_names(
    template: str, line: int, key: str
) -> None:
    with pytest.raises(UnknownNameError) as info:
        parse_system(template.replace("FEATURE", "revenu_12m"), source_name="s.yaml")
    error = info.value
    assert (error.path, error.line, error.key_path) == ("s.yaml", line, key)
    assert error.render("en").startswith(f"s.yaml:{line} {key}: unknown feature 'revenu_12m'")
    assert "did you mean 'revenue_12m'" in error.render("en")
    assert "未知特征 'revenu_12m'" in error.render("zh") and "revenue_12m" in error.render("zh")


@pytest.mark.parametrize(("template", "line", "key"), KIND_LINES[:5])
def test_a_text_feature_cannot_be_tiered_split_scored_or_clustered(
    template: str, line: int, key: str
) -> None:
    with pytest.raises(
        ConfigError,
        match=rf"s.yaml:{line} {re.escape(key)}: feature 'industry' "
        r"is string, but a \w+ scheme needs a numeric feature",
    ):
        parse_system(template.replace("FEATURE", "industry"), source_name="s.yaml")


def test_the_same_systems_with_known_numeric_features_load() -> None:
    for template, _, _ in KIND_LINES:
        assert parse_system(template.replace("FEATURE", "orders_12m")).schemes


def test_an_ill_typed_condition_is_found_before_any_data_with_its_line() -> None:
    with pytest.raises(
        ConfigError,
        match=r"s.yaml:7 schemes\[0\].rules\[0\].when: .*cannot "
        r"compare feature 'region' \(string\) with 3",
    ):
        parse_system(RULES.replace("FEATURE", "region"), source_name="s.yaml")


@pytest.mark.parametrize(
    ("template", "old", "new", "line", "key"),
    [
        (SCORE, "weight: 2", "weight: .inf", 8, r"schemes\[0\].indicators\[1\].weight"),
        (
            TIERS.replace("FEATURE", "revenue_12m"),
            "cuts: [0.5]",
            "cuts: [.nan, 100]",
            7,
            r"schemes\[0\].cuts\[0\]",
        ),
        (
            MATRIX,
            "y: {feature: FEATURE, split: 0.5}",
            "y: {feature: orders_12m, split: .nan}",
            7,
            r"schemes\[0\].y.split",
        ),
        (
            RULES.replace("FEATURE", "orders_12m"),
            "name: v",
            "name: v\nparameters: {x: -.inf}",
            2,
            r"parameters.x",
        ),
    ],
)
def test_non_finite_numbers_are_refused_with_line_and_key(
    template: str, old: str, new: str, line: int, key: str
) -> None:
    text = template.replace(old, new).replace("FEATURE", "orders_12m")
    with pytest.raises(
        ConfigError,
        match=rf"s.yaml:{line} {key}: -?(inf|nan) is not a finite "
        r"number",
    ) as info:
        parse_system(text, source_name="s.yaml")
    assert "不是有限数" in info.value.render("zh")


def test_all_non_finite_numbers_are_listed_at_once() -> None:
    text = SCORE.replace("FEATURE", "orders_12m").replace("weight: 1", "weight: .inf")
    text = text.replace("weight: 2", "weight: .nan")
    with pytest.raises(ConfigError, match=r"2 problems in s.yaml:\n  s.yaml:7 .*\n  s.yaml:8 "):
        parse_system(text, source_name="s.yaml")


def test_value_ranges() -> None:
    score = SCORE.replace("FEATURE", "orders_12m")
    with pytest.raises(ConfigError, match=r"s.yaml:8 schemes\[0\].indicators\[1\].weight"):
        parse_system(score.replace("weight: 2", "weight: 0"), source_name="s.yaml")
    tiers = TIERS.replace("FEATURE", "revenue_12m")
    with pytest.raises(ConfigError, match=r"s.yaml:7 schemes\[0\].cuts: quantile cuts must lie"):
        parse_system(tiers.replace("cuts: [0.5]", "cuts: [1.5]"), source_name="s.yaml")
    with pytest.raises(ConfigError, match=r"strictly ascending"):
        parse_system(tiers.replace("cuts: [0.5]", "cuts: [0.6, 0.2]"), source_name="s.yaml")


@pytest.mark.parametrize("version", ["2", "0", "'1'", "true", "9" * 30])
def test_only_the_supported_version_is_accepted(version: str) -> None:
    text = "version: " + version + "\n" + RULES.replace("FEATURE", "orders_12m")
    with pytest.raises(ConfigError, match=r"s.yaml:1 version: unsupported format version") as e:
        parse_system(text, source_name="s.yaml")
    assert "不支持的格式版本" in e.value.render("zh")


def test_version_one_and_no_version_load() -> None:
    rules = RULES.replace("FEATURE", "orders_12m")
    assert parse_system("version: 1\n" + rules).version == 1
    assert parse_system(rules).version == 1


def test_the_catalogue_passes_every_check() -> None:
    assert len(load_default_system().schemes) >= 20
