"""Learned classes: known threshold rules are learned back and exported as exact rules."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from custseg.errors import ConfigError, ModelError, NotFittedError
from custseg.learning import LearnedClassifier, apply_rules, class_keys, scheme_yaml
from custseg.learning.rules_export import format_number, round_threshold
from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.expr import names, parse


def make_customers(n: int, seed: int = 0) -> pd.DataFrame:
    """Customers with independent features; classes from known threshold rules."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({
        "customer_id": [f"K{i:05d}" for i in range(n)],
        "recency_days": rng.uniform(0, 720, n).round(),
        "orders_count": rng.integers(1, 60, n).astype(float),
        "monetary_total": np.exp(rng.uniform(np.log(100), np.log(50_000), n)).round(2),
        "tenure_days": rng.uniform(30, 3000, n).round(),
        "margin": rng.normal(0.25, 0.08, n),
        "gap_cv": rng.uniform(0, 2, n),
    })
    table.loc[rng.choice(n, n // 20, replace=False), "margin"] = np.nan
    gold = (table["monetary_total"] > 5000) & (table["recency_days"] < 120)
    table["truth"] = np.where(gold, "gold", np.where(table["monetary_total"] > 1000,
                                                      "silver", "bronze"))
    return table


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return make_customers(4000)


def known_of(table: pd.DataFrame, frac: float = 0.5) -> pd.Series:
    return table.set_index("customer_id")["truth"].sample(frac=frac, random_state=1)


@pytest.mark.parametrize("model", ["tree", "boosting"])
def test_known_rules_are_learned_back(customers: pd.DataFrame, model: str) -> None:
    known = known_of(customers)
    learned = LearnedClassifier(model).fit(customers, known)
    predicted = learned.predict(customers).set_index("customer_id")
    held_out = customers.set_index("customer_id").index.difference(known.index)
    truth = customers.set_index("customer_id")["truth"]
    accuracy = (predicted.loc[held_out, "class"] == truth.loc[held_out]).mean()
    assert accuracy >= 0.95
    report = learned.report_
    assert report.accuracy >= 0.95 and report.n_splits == 5 and report.n_labelled == 2000
    assert report.confusion.to_numpy().sum() == 2000
    assert list(report.per_class.columns) == ["precision", "recall", "f1", "support"]
    assert set(predicted.columns) == {"class", "confidence", "low_confidence"}
    assert predicted["confidence"].between(0, 1).all()
    assert (predicted["low_confidence"] == (predicted["confidence"] < 0.6)).all()


def test_exported_rules_name_the_generating_features_and_reproduce_the_tree(
        customers: pd.DataFrame) -> None:
    learned = LearnedClassifier().fit(customers, known_of(customers))
    scheme = learned.to_scheme(name="value_learned")
    used = set().union(*(names(parse(rule["when"])) for rule in scheme["rules"]))
    assert {"monetary_total", "recency_days"} <= used
    assert scheme["default"] == "silver"
    RulesScheme.model_validate(scheme)
    assert learned.rules_ is not None
    ruled = apply_rules(learned.rules_, customers, learned.default_class_)
    tree = learned.predict(customers)["class"]
    assert (ruled.to_numpy() == tree.to_numpy()).mean() >= 0.999
    for rule in learned.rules_:
        assert rule.support >= 20 and 0.0 < rule.purity <= 1.0
        assert not re.search(r"\d[eE][+-]?\d", rule.when)  # no scientific notation


def test_rules_scheme_dumps_as_yaml_with_unicode_labels(customers: pd.DataFrame) -> None:
    learned = LearnedClassifier(max_depth=2).fit(customers, known_of(customers))
    scheme = learned.to_scheme(labels={"zh_CN": "价值等级", "en": "Value grade"},
                               class_labels={"gold": {"zh_CN": "金牌", "en": "Gold"}})
    text = scheme_yaml(scheme)
    assert "价值等级" in text and "金牌" in text
    assert yaml.safe_load(text) == scheme


def test_thresholds_are_rounded_without_changing_the_split() -> None:
    assert round_threshold(4999.5, 4999.0, 5000.0) == 4999.5
    assert round_threshold(4999.6, 4000.0, 6000.0) == 5000.0
    assert round_threshold(90.50001, 90.0, 91.0) == 90.5
    assert format_number(1234567.0) == "1234567"
    assert format_number(0.00001234) == "0.00001234"
    assert format_number(-3.5) == "-3.5"


def test_class_keys_are_valid_slugs() -> None:
    assert class_keys(["gold", "金牌", "A-1", "gold "]) == {
        "gold": "gold", "金牌": "class_2", "A-1": "A_1", "gold ": "gold_4"}


def test_classifier_reports_unusable_labels(customers: pd.DataFrame) -> None:
    one_class = pd.Series("gold", index=customers["customer_id"][:50])
    with pytest.raises(ModelError, match="at least 2 classes"):
        LearnedClassifier().fit(customers, one_class)
    lonely = pd.Series(["a"] * 30 + ["b"], index=customers["customer_id"][:31])
    with pytest.raises(ModelError, match=r"\['b'\] have a single known customer"):
        LearnedClassifier().fit(customers, lonely)
    with pytest.raises(ConfigError, match=r"model must be one of \['tree', 'boosting'\]"):
        LearnedClassifier("forest").fit(customers, known_of(customers))
    with pytest.raises(NotFittedError, match="call .fit"):
        LearnedClassifier().predict(customers)


def test_classifier_notes_unknown_ids_and_small_classes(customers: pd.DataFrame) -> None:
    known = known_of(customers, 0.1)
    small = customers["customer_id"][customers["truth"] == "gold"].iloc[:3]
    known = known[known != "gold"]
    known = pd.concat([known, pd.Series("gold", index=small), pd.Series("gold", index=["ZZZ"])])
    learned = LearnedClassifier().fit(customers, known)
    assert learned.report_.n_splits == 3
    notes = [n.render("en") for n in learned.notes_]
    assert any("not in the feature table" in n for n in notes)
    assert any("3 folds instead of 5" in n for n in notes)
    assert any("3 折而不是 5 折" in n.render("zh") for n in learned.notes_)


def test_boosting_has_no_rule_export(customers: pd.DataFrame) -> None:
    learned = LearnedClassifier("boosting", max_depth=3).fit(customers.head(600),
                                                             known_of(customers.head(600)))
    with pytest.raises(ModelError, match="only model='tree'"):
        learned.to_scheme()
