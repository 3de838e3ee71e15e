"""Natural groups' words in both languages, finite features, and the key lineage rule."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from custseg.i18n import words_clusters
from custseg.learning import cluster_customers, make_planted_features, prepare_features
from custseg.learning.preprocess import clip_non_finite
from custseg.schemes.kinds.context import key_lineage, run_context


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_clusters_word_exists_in_both_languages_with_the_same_fields() -> None:
    assert words_clusters.WORDS
    for key, entry in words_clusters.WORDS.items():
        assert key.startswith("clusters_"), key
        zh, en = entry["zh"], entry["en"]
        assert zh and en, key
        assert _fields(zh) == _fields(en), key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), key
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), key


def test_infinite_values_are_clipped_to_the_finite_range_with_a_note() -> None:
    table = make_planted_features(300, seed=5)
    table.loc[0, "avg_order_value"] = np.inf
    table.loc[1, "recency_days"] = -np.inf
    clipped, notes = clip_non_finite(table, ["avg_order_value", "recency_days", "tenure_days"])
    assert clipped.loc[0, "avg_order_value"] == table.avg_order_value.iloc[1:].max()
    assert clipped.loc[1, "recency_days"] == table.drop(index=1).recency_days.min()
    assert [n.params["feature"] for n in notes] == ["avg_order_value", "recency_days"]
    assert np.isinf(table.loc[0, "avg_order_value"])  # the input is not changed
    prepared = prepare_features(table)
    assert np.isfinite(prepared.scaled).all()
    assert {n.key for n in prepared.notes} >= {"clusters_note_clipped"}
    result = cluster_customers(table)  # crashed before: "Input X contains infinity"
    assert result.labels.notna().all() and np.isfinite(result.centroids.to_numpy()).all()


def test_a_feature_without_any_finite_value_is_dropped_with_notes() -> None:
    table = make_planted_features(100, seed=6)
    table["margin"] = np.inf
    prepared = prepare_features(table)
    assert "margin" not in prepared.scaling.features
    keys = [n.key for n in prepared.notes]
    assert "clusters_note_no_finite" in keys and "clusters_note_all_null" in keys


def test_extreme_finite_values_stay_finite_after_scaling() -> None:
    table = make_planted_features(100, seed=7)
    table.loc[0, "margin"] = 1e300
    assert np.isfinite(prepare_features(table).scaled).all()


@dataclass
class _Outcome:
    name: str
    status: str = "computed"
    thresholds: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Info:
    snapshot_id: str
    as_of: date
    system_hash: str
    created_at: datetime
    outcomes: tuple[_Outcome, ...] = (_Outcome("natural_groups"),)


def test_the_predecessor_is_the_nearest_earlier_as_of_not_the_latest_written() -> None:
    infos = [
        _Info("june_single", date(2026, 6, 30), "s", datetime(2026, 7, 1, 9)),
        _Info("april", date(2026, 4, 30), "s", datetime(2026, 7, 1, 10)),
        _Info("may_other_system", date(2026, 5, 31), "t", datetime(2026, 7, 1, 12)),
        _Info("may", date(2026, 5, 31), "s", datetime(2026, 7, 1, 11)),
        _Info("may_skipped", date(2026, 5, 31), "s", datetime(2026, 7, 1, 13),
              (_Outcome("natural_groups", "skipped"),)),
    ]
    june = run_context(None, date(2026, 6, 30), infos, system_hash="s")  # type: ignore[arg-type]
    assert june.previous("natural_groups").snapshot_id == "may"  # type: ignore[union-attr]
    assert key_lineage(june, ["natural_groups", "abc"]) == {"natural_groups": "may"}
    other = run_context(None, date(2026, 6, 30), infos, system_hash="t")  # type: ignore[arg-type]
    assert key_lineage(other, ["natural_groups"]) == {"natural_groups": "may_other_system"}
    april = run_context(None, date(2026, 4, 30), infos, system_hash="s")  # type: ignore[arg-type]
    assert key_lineage(april, ["natural_groups"]) == {}


def test_snapshot_ids_depend_on_the_lineage_only_when_there_is_one() -> None:
    from custseg.snapshots.fingerprint import snapshot_fingerprint

    base = (date(2026, 6, 30), "sys", "data", "1.0")
    assert snapshot_fingerprint(*base) == snapshot_fingerprint(*base, lineage={})
    after_may = snapshot_fingerprint(*base, lineage={"natural_groups": "may"})
    after_april = snapshot_fingerprint(*base, lineage={"natural_groups": "april"})
    assert len({snapshot_fingerprint(*base), after_may, after_april}) == 3
    assert pd.Series([after_may]).str.fullmatch("[0-9a-f]{16}").all()
