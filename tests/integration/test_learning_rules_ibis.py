"""Exported learned rules, compiled by custseg's condition language on DuckDB, equal the tree."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from custseg.learning import LearnedClassifier, cluster_customers, make_planted_features
from custseg.schemes.config_kinds import RulesScheme
from custseg.schemes.expr import compile_condition, parse


def _first_match(table: ibis.Table, scheme: dict[str, object]) -> pd.Series:
    """Assign classes with the rules in order (first match wins), then the default."""
    rules = scheme["rules"]
    assert isinstance(rules, list)
    case = ibis.cases(*[(compile_condition(parse(r["when"]), table), r["class"]) for r in rules],
                      else_=scheme["default"])
    out = table.select("customer_id", class_key=case).execute()
    return out.set_index("customer_id")["class_key"]


def test_learned_rules_reproduce_the_tree_in_duckdb() -> None:
    rng = np.random.default_rng(4)
    table = make_planted_features(3000, seed=4)
    table.loc[rng.choice(3000, 200, replace=False), "margin"] = np.nan
    table.loc[rng.choice(3000, 100, replace=False), "gap_cv"] = np.nan
    # classes to learn: clusters of a different seed, so thresholds fall anywhere
    known = cluster_customers(table, n_clusters=3, random_state=9).labels.map(
        {0: "gold", 1: "silver", 2: "bronze"}).sample(frac=0.6, random_state=2)
    learned = LearnedClassifier(max_depth=5).fit(table, known)
    scheme = learned.to_scheme(name="learned_value")
    RulesScheme.model_validate(scheme)
    con = ibis.duckdb.connect()
    features = con.create_table("features", table.drop(columns=["group"]))
    by_rules = _first_match(features, scheme)
    by_tree = learned.predict(table).set_index("customer_id")["class"]
    agree = (by_rules.loc[by_tree.index] == by_tree).mean()
    assert agree >= 0.999
