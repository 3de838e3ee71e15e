"""The classification-system YAML: validation errors point at file:line and the key, hash, defaults."""

from __future__ import annotations

import pytest

from custseg.errors import ConfigError
from custseg.schemes import load_system, parse_system, system_hash
from custseg.schemes.loader import dump_system

HEAD = "version: 1\nname: test\nschemes:\n"
CLASSES = """\
    classes:
      - {key: high, labels: {zh_CN: 高, en: High}}
      - {key: low, labels: {zh_CN: 低, en: Low}}
"""


def system(body: str) -> str:
    return HEAD + body


TIERS = system("""\
  - name: power
    kind: tiers
    labels: {zh_CN: 购买力, en: Power}
    feature: avg_order_value
    cuts: [0.5]
""") + CLASSES


def test_valid_tiers_scheme_loads_and_gets_a_none_class_for_missing_values() -> None:
    loaded = parse_system(TIERS)
    scheme = loaded.schemes[0]
    assert scheme.kind == "tiers"
    assert scheme.class_keys == ["high", "low", "none"]
    assert scheme.missing_class == "none"
    assert all(c.colour and c.colour.startswith("#") for c in scheme.classes)


def test_bad_kind_lists_the_allowed_kinds_with_the_line() -> None:
    text = TIERS.replace("kind: tiers", "kind: tier")
    with pytest.raises(ConfigError) as info:
        parse_system(text, source_name="system.yaml")
    message = str(info.value)
    assert "system.yaml:5 schemes[0].kind" in message
    assert "kind must be one of ['attribute', 'cluster', 'learned', 'matrix', 'pareto', 'rules', 'score', 'tiers']; got 'tier'" in message
    assert info.value.line == 5


def test_tiers_rejects_descending_cuts() -> None:
    text = TIERS.replace("cuts: [0.5]", "cuts: [0.8, 0.5]")
    with pytest.raises(ConfigError, match=r"system.yaml:8 schemes\[0\]\.cuts: must be strictly ascending, got \[0.8, 0.5\]"):
        parse_system(text, source_name="system.yaml")


def test_quantile_cuts_must_lie_inside_zero_and_one() -> None:
    with pytest.raises(ConfigError, match=r"strictly between 0 and 1"):
        parse_system(TIERS.replace("cuts: [0.5]", "cuts: [50]"))


def test_rules_with_an_unknown_class_point_at_the_rule() -> None:
    text = system("""\
  - name: life
    kind: rules
    labels: {zh_CN: 生命周期, en: Life}
    rules:
      - {when: "recency_days <= 30", class: high}
      - {when: "recency_days <= 90", class: hihg}
    default: low
""") + CLASSES
    with pytest.raises(ConfigError) as info:
        parse_system(text, source_name="s.yaml")
    assert "s.yaml:9 schemes[0].rules[1].class: unknown class 'hihg'; did you mean 'high'?" in str(info.value)
    assert info.value.key_path == "schemes[0].rules[1].class"


def test_bad_condition_syntax_is_reported_at_the_rule() -> None:
    text = system("""\
  - name: life
    kind: rules
    labels: {zh_CN: 生命周期, en: Life}
    rules:
      - {when: "recency_days <=", class: high}
    default: low
""") + CLASSES
    with pytest.raises(ConfigError, match=r"s.yaml:8 schemes\[0\]\.rules\[0\]\.when"):
        parse_system(text, source_name="s.yaml")


def test_several_problems_are_reported_together() -> None:
    second = TIERS.split("schemes:\n", 1)[1].replace("name: power", "name: other")
    text = TIERS.replace("kind: tiers", "kind: tier") + second.replace("cuts: [0.5]", "cuts: [0.5, 0.2]")
    with pytest.raises(ConfigError) as info:
        parse_system(text, source_name="s.yaml")
    message = str(info.value)
    assert message.startswith("2 problems in s.yaml:")
    assert "s.yaml:5 schemes[0].kind: kind must be one of" in message
    assert "s.yaml:16 schemes[1].cuts: must be strictly ascending, got [0.5, 0.2]" in message


def test_duplicate_class_keys() -> None:
    text = TIERS.replace("{key: low,", "{key: high,")
    with pytest.raises(ConfigError, match=r"s.yaml:11 schemes\[0\]\.classes\[1\]\.key: duplicate class key 'high'"):
        parse_system(text, source_name="s.yaml")


def test_duplicate_scheme_names() -> None:
    text = TIERS + TIERS.split("schemes:\n", 1)[1]
    with pytest.raises(ConfigError, match=r"s.yaml:12 schemes\[1\]\.name: duplicate scheme name 'power'"):
        parse_system(text, source_name="s.yaml")


def test_missing_english_label_is_required_at_its_line() -> None:
    text = TIERS.replace("{zh_CN: 低, en: Low}", "{zh_CN: 低}")
    with pytest.raises(ConfigError, match=r"s.yaml:11 schemes\[0\]\.classes\[1\]\.labels\.en: is required"):
        parse_system(text, source_name="s.yaml")


def test_unknown_key_suggests_the_closest() -> None:
    text = TIERS.replace("cuts: [0.5]", "cuts: [0.5]\n    methd: fixed")
    with pytest.raises(ConfigError, match=r"s.yaml:9 schemes\[0\]\.methd: unknown key 'methd'; did you mean 'method'\?"):
        parse_system(text, source_name="s.yaml")


def test_class_keys_must_be_ascii_slugs() -> None:
    with pytest.raises(ConfigError, match=r"classes\[0\]\.key: '高' is not a valid key"):
        parse_system(TIERS.replace("{key: high,", "{key: 高,"))


def test_where_needs_an_outside_class() -> None:
    text = TIERS.replace("cuts: [0.5]", "cuts: [0.5]\n    where: 'has_purchase'")
    with pytest.raises(ConfigError, match=r"outside_class: is required when `where` is given"):
        parse_system(text)


def test_yaml_syntax_error_and_duplicate_yaml_keys_have_lines() -> None:
    with pytest.raises(ConfigError, match=r"s.yaml:\d+: not valid YAML"):
        parse_system(HEAD + "  - name: [unclosed\n", source_name="s.yaml")
    with pytest.raises(ConfigError, match=r"s.yaml:2 name: duplicate key 'name'"):
        parse_system("name: a\nname: b\nschemes: []\n", source_name="s.yaml")


def test_hash_ignores_key_order_and_changes_with_content() -> None:
    reordered = TIERS.replace("    feature: avg_order_value\n    cuts: [0.5]\n",
                              "    cuts: [0.5]\n    feature: avg_order_value\n")
    assert system_hash(parse_system(TIERS)) == system_hash(parse_system(reordered))
    changed = TIERS.replace("cuts: [0.5]", "cuts: [0.6]")
    assert system_hash(parse_system(TIERS)) != system_hash(parse_system(changed))


def test_dumped_system_loads_back_identically(tmp_path) -> None:  # type: ignore[no-untyped-def]
    loaded = parse_system(TIERS)
    path = tmp_path / "system.yaml"
    path.write_text(dump_system(loaded), encoding="utf-8")
    again = load_system(path)
    assert system_hash(again) == system_hash(loaded)
    revalidated = type(loaded).model_validate(loaded.model_dump(mode="json"))
    assert system_hash(revalidated) == system_hash(loaded)


def test_score_grades_must_descend_and_weights_are_normalised() -> None:
    text = system("""\
  - name: grade
    kind: score
    labels: {zh_CN: 评分, en: Grade}
    indicators:
      - {feature: revenue_12m, weight: 3}
      - {feature: on_time_share, weight: 1, normalise: fixed, min: 0, max: 1}
    grades:
      - {min: 60, class: high}
      - {min: 0, class: low}
""") + CLASSES
    scheme = parse_system(text).schemes[0]
    assert scheme.weights == [0.75, 0.25]
    bad = text.replace("min: 60", "min: -1")
    with pytest.raises(ConfigError, match=r"grades\[0\]\.min"):
        parse_system(bad)
    with pytest.raises(ConfigError, match="strictly descending"):
        parse_system(text.replace("min: 0,", "min: 70,"))


def test_unreferenced_extra_class_in_tiers_is_an_error() -> None:
    text = TIERS.replace("      - {key: low, labels: {zh_CN: 低, en: Low}}\n",
                         "      - {key: low, labels: {zh_CN: 低, en: Low}}\n"
                         "      - {key: extra, labels: {zh_CN: 多, en: Extra}}\n")
    with pytest.raises(ConfigError, match="class 'extra' can never be assigned"):
        parse_system(text)


def _with_model_parameters(models: str) -> str:
    return (
        "version: 1\nname: t\nparameters:\n  models: " + models + "\nschemes:\n"
        "  - name: s\n    kind: attribute\n    labels: {zh_CN: 测, en: T}\n"
        "    feature: industry\n    auto: true\n"
    )


def test_model_parameters_are_validated_with_their_path() -> None:
    from custseg.schemes import parse_system

    system = parse_system(_with_model_parameters("{margin: 0.3, annual_discount_rate: 0.08}"))
    settings = system.model_parameters()
    assert (settings.margin, settings.annual_discount_rate, settings.min_purchasers) == (
        0.3,
        0.08,
        50,
    )
    with pytest.raises(
        ConfigError, match=r":4 parameters\.models\.margin: must be at most 1\.0; got 1\.5"
    ) as info:
        parse_system(_with_model_parameters("{margin: 1.5}"))
    assert info.value.render("zh") == (
        "<system> 第 4 行 parameters.models.margin：必须小于或等于 1.0；实际为 1.5"
    )
    with pytest.raises(ConfigError, match=r"parameters\.models\.marjin: unknown key.*'margin'"):
        parse_system(_with_model_parameters("{marjin: 0.3}"))


def test_default_model_parameters_leave_the_system_hash_alone() -> None:
    from custseg.schemes import load_default_system, system_hash

    system = load_default_system()
    assert "models" not in system.parameters
    assert system.model_parameters().annual_discount_rate == 0.10
    same = system.model_copy(update={"parameters": {**system.parameters}})
    assert system_hash(same) == system_hash(system)
