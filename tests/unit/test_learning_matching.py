"""Group keys stay stable across runs; really new groups get new keys; renames carry over."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from custseg.errors import ModelError
from custseg.learning import (
    PLANTED_GROUPS,
    GroupSet,
    cluster_customers,
    group_set,
    make_planted_features,
    match_groups,
)

VIP = {"recency_days": 3, "orders_count": 200, "monetary_total": 900_000,
       "tenure_days": 3_000, "margin": 0.45, "gap_cv": 0.1}


@pytest.fixture(scope="module")
def month1() -> tuple[pd.DataFrame, object]:
    table = make_planted_features(2000, seed=11)
    return table, cluster_customers(table, random_state=0)


def _month2(table: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kept = table.sample(frac=0.95, random_state=seed).copy()
    for column in ("recency_days", "monetary_total", "tenure_days", "orders_count"):
        kept[column] = kept[column] * np.exp(rng.normal(0, 0.05, len(kept)))
    added = make_planted_features(100, seed=seed + 1, id_offset=50_000)
    return pd.concat([kept, added]).sample(frac=1.0, random_state=seed)


def test_keys_are_kept_for_most_common_customers(month1) -> None:  # type: ignore[no-untyped-def]
    table, result = month1
    previous = group_set(result, names={"g2": {"zh_CN": "沉睡大客户", "en": "sleeping giants"}})
    assignment = result.labels.map(lambda g: f"g{g + 1}")
    again = cluster_customers(_month2(table), random_state=1)
    matching = match_groups(previous, again.centroids, previous_assignment=assignment,
                            new_labels=again.labels)
    assert matching.kept_share is not None and matching.kept_share >= 0.9
    assert matching.n_common == 1900
    assert sorted(matching.keys.values()) == ["g1", "g2", "g3", "g4"]
    assert all(not m.is_new and m.distance is not None and m.distance < 0.1
               for m in matching.matches)
    assert matching.names == {"g2": {"zh_CN": "沉睡大客户", "en": "sleeping giants"}}
    assert matching.retired == ()


def test_a_new_planted_group_gets_a_new_key(month1) -> None:  # type: ignore[no-untyped-def]
    table, result = month1
    vips = make_planted_features(500, groups={"vip": VIP}, seed=3, id_offset=90_000)
    again = cluster_customers(pd.concat([_month2(table), vips]), random_state=0)
    assert again.k == 5
    matching = match_groups(group_set(result), again.centroids, used_keys=["g7"])
    new = [m for m in matching.matches if m.is_new]
    assert len(new) == 1 and new[0].key == "g8" and new[0].previous_key is None
    vip_group = int(again.labels.loc["C0090001"])
    assert matching.keys[vip_group] == "g8"


def test_a_vanished_group_is_retired(month1) -> None:  # type: ignore[no-untyped-def]
    table, result = month1
    rest = table[table["group"] != "new"]
    again = cluster_customers(rest, n_clusters=3)
    matching = match_groups(group_set(result), again.centroids)
    assert len(matching.retired) == 1
    assert len(set(matching.keys.values())) == 3


def test_first_run_keys_are_g1_to_gk() -> None:
    centroids = pd.DataFrame({"recency_days": [1.0, 2.0]})
    matching = match_groups(None, centroids)
    assert matching.keys == {0: "g1", 1: "g2"} and matching.kept_share is None


def test_group_set_round_trips_through_json(month1) -> None:  # type: ignore[no-untyped-def]
    _, result = month1
    stored = group_set(result, names={"g1": {"zh_CN": "核心", "en": "core"}})
    back = GroupSet.from_dict(json.loads(json.dumps(stored.to_dict())))
    pd.testing.assert_frame_equal(back.centroids_scaled, stored.centroids_scaled)
    assert back.scaling == stored.scaling and back.names == stored.names


def test_matching_needs_common_features(month1) -> None:  # type: ignore[no-untyped-def]
    _, result = month1
    with pytest.raises(ModelError, match="shares no feature"):
        match_groups(group_set(result), pd.DataFrame({"other": [1.0]}))


def test_a_run_matches_itself_at_zero_distance() -> None:
    table = make_planted_features(1000, seed=2)
    result = cluster_customers(table, n_clusters=len(PLANTED_GROUPS))
    matching = match_groups(group_set(result), result.centroids)
    assert matching.keys == {g: f"g{g + 1}" for g in range(result.k)}
    assert all(m.distance == pytest.approx(0.0, abs=1e-9) for m in matching.matches)
