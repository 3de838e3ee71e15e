"""The built-in catalogue: loads, lints clean, and every scheme classifies every customer once."""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd
import pytest

from custseg.features import FEATURE_NAMES, FEATURES
from custseg.schemes import (
    ASSIGNERS,
    SCHEME_MODELS,
    default_catalogue_text,
    lint_system,
    load_default_system,
    parse_system,
    system_hash,
)

N = 60
CATEGORIES = ["电子产品", "贵金属", "收藏品", "办公用品", None]


def synthetic_features(seed: int = 7) -> pd.DataFrame:
    """One row per customer with every column of the feature contract; a third are prospects."""
    rng = np.random.default_rng(seed)
    buyer = np.arange(N) % 3 != 0
    columns: dict[str, object] = {}
    for spec in FEATURES:
        if spec.dtype == "float64":
            values = pd.array(rng.gamma(2.0, 50.0, N).round(2), dtype="Float64")
        elif spec.dtype == "int64":
            values = pd.array(rng.integers(0, 400, N), dtype="Int64")
        elif spec.dtype == "boolean":
            values = pd.array(buyer, dtype="boolean")
        elif spec.dtype == "date":
            values = pd.Series([date(2025, 1, 1)] * N, dtype="object")
        else:
            values = pd.array([f"v{i % 4}" for i in range(N)], dtype="string")
        columns[spec.name] = values
    frame = pd.DataFrame(columns)
    frame["customer_id"] = [f"C{i:03d}" for i in range(N)]
    frame["is_prospect"] = pd.array(~buyer, dtype="boolean")
    for name in ("r_score", "f_score", "m_score"):
        frame[name] = pd.array(rng.integers(1, 6, N), dtype="Int64")
    frame["on_time_share"] = pd.array(rng.uniform(0, 1, N), dtype="Float64")
    frame["satisfaction"] = pd.array(rng.integers(1, 6, N), dtype="Float64")
    frame["loyalty_score"] = pd.array(rng.uniform(0, 100, N), dtype="Float64")
    frame["prospect_score"] = pd.array(rng.uniform(0, 100, N), dtype="Float64")
    frame["revenue_growth"] = pd.array(rng.normal(0, 0.5, N), dtype="Float64")
    frame["nature"] = pd.array(rng.choice(["government", "individual", "partner", "x"], N), dtype="string")
    frame["region_scope"] = pd.array(rng.choice(["local", "regional", "national"], N), dtype="string")
    frame["decision_factor"] = pd.array(rng.choice(["price", "quality", "service"], N), dtype="string")
    frame["top_category"] = pd.array(rng.choice(CATEGORIES, N), dtype="string")
    purchase_only = [s.name for s in FEATURES if s.requires == "orders" and s.dtype != "boolean"]
    frame.loc[~buyer, purchase_only] = None
    return frame


@pytest.fixture(scope="module")
def features() -> ibis.Table:
    return ibis.duckdb.connect().create_table("features", synthetic_features())


def test_catalogue_has_every_scheme_with_both_languages() -> None:
    system = load_default_system()
    names = [s.name for s in system.schemes]
    for wanted in ("lifecycle", "purchasing_power", "consumption_habit", "value", "purchase_behaviour",
                   "frequency", "revenue_contribution", "revenue_percentile", "growth_potential",
                   "credit", "abc", "composite", "sales_loyalty", "transaction_process",
                   "time_sequence", "market_position", "nature", "business_type", "industry",
                   "region", "decision_factor", "loyalty", "satisfaction", "rfm_segments"):
        assert wanted in names
    assert "natural_groups" in names
    # `learned` needs the enterprise's own known classes, so the catalogue cannot hold one
    assert {s.kind for s in system.schemes} == set(SCHEME_MODELS) - {"learned"}
    for scheme in system.schemes:
        assert scheme.description is not None and scheme.requires
        for cls in scheme.classes:
            assert cls.labels.zh_CN and cls.labels.en and cls.colour
    assert system.scheme("abc").classes[0].labels.zh_CN == "关键客户"
    assert system.scheme("credit").requires == ["payments"]


def test_catalogue_lints_clean_against_the_feature_contract() -> None:
    assert lint_system(load_default_system(), FEATURE_NAMES) == []


def test_catalogue_hash_is_stable_and_text_round_trips() -> None:
    first, second = load_default_system(), parse_system(default_catalogue_text())
    assert system_hash(first) == system_hash(second)


def test_every_scheme_assigns_exactly_one_class_per_customer(features: ibis.Table) -> None:
    system = load_default_system()
    for scheme in system.schemes:
        result = ASSIGNERS[scheme.kind](features, scheme)
        out = result.table.to_pandas()
        assert list(out.columns) == ["customer_id", "class_key", "score", "reason"], scheme.name
        assert len(out) == N and out.customer_id.is_unique, scheme.name
        assert out.class_key.notna().all() and (out.reason.str.len() > 0).all(), scheme.name
        known = set(scheme.class_keys) | set(result.thresholds.get("classes", {}))
        assert set(out.class_key) <= known, scheme.name
