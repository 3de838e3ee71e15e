"""The `cluster` and `learned` scheme kinds through a workspace run on the sample data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.errors import ConfigError
from custseg.sample import sample_data_dir
from custseg.schemes import ClassificationSystem, parse_system
from custseg.tables import TABLE_NAMES

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)
MAY, JUNE = date(2026, 5, 31), date(2026, 6, 30)
LABELS = {"zh_CN": "测试", "en": "Test"}


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ws = open_workspace(tmp_path_factory.mktemp("cl") / "ws.duckdb", clock=lambda: FIXED_NOW)
    for table in TABLE_NAMES:
        ws.ingest(table, sample_data_dir() / f"{table}.csv")
    return ws, ws.run(as_of=MAY), ws.run(as_of=JUNE)


def _outcome(snap, name: str = "natural_groups"):  # type: ignore[no-untyped-def]
    return next(o for o in snap.info.outcomes if o.name == name)


def test_sample_run_has_natural_groups_named_in_both_languages(two_months) -> None:  # type: ignore
    _, may, _ = two_months
    outcome = _outcome(may)
    assert outcome.status == "computed"
    th = outcome.thresholds
    assert 2 <= th["k"] <= 8
    groups = {k: v for k, v in th["classes"].items() if k != "prospect"}
    assert len(groups) == th["k"] == len(th["profiles"])
    for name in groups.values():
        assert name["zh_CN"] and name["en"]
    assert sum(p["size"] for p in th["profiles"]) + th["prospects"] == may.info.customers
    a = may.assignments("natural_groups", lang="en")
    assert set(a.class_key) <= set(th["classes"])
    buyers = a[a.class_key != "prospect"]
    assert buyers.score.notna().all() and buyers.reason.str.startswith("group g").all()
    first = buyers.iloc[0]
    assert f"'{groups[first.class_key]['en']}'" in first.reason
    assert a[a.class_key == "prospect"].score.isna().all()
    prospects = a[a.class_key == "prospect"].reason
    assert (prospects == "no purchase as of the date: not clustered").all()
    zh = may.assignments("natural_groups", lang="zh").set_index("customer_id").reason
    why = zh[first.customer_id]
    assert why.startswith(f"第 {first.class_key} 组“{groups[first.class_key]['zh_CN']}”")
    assert "the median" not in why and "overall" not in why
    labels = may.class_labels("natural_groups", "zh")
    assert all(labels[k] == v["zh_CN"] for k, v in groups.items())


def test_group_keys_persist_from_one_month_to_the_next(two_months) -> None:  # type: ignore
    _, may, june = two_months
    matching = _outcome(june).thresholds["matching"]
    assert matching["previous_snapshot"] == may.snapshot_id
    # Groups split on recency: a month moves some customers from active to lapsed for real;
    # a relabelling would keep far fewer (about one in k).
    assert matching["kept_share"] >= 0.8
    before = may.assignments("natural_groups").set_index("customer_id").class_key
    after = june.assignments("natural_groups").set_index("customer_id").class_key
    both = before.index.intersection(after.index)
    both = both[(before[both] != "prospect").to_numpy() & (after[both] != "prospect").to_numpy()]
    assert (before[both] == after[both]).mean() >= 0.8
    kept = set(_outcome(may).thresholds["classes"]) & set(_outcome(june).thresholds["classes"])
    for key in kept:  # generated names carry over with the key
        assert _outcome(may).thresholds["classes"][key] == _outcome(june).thresholds["classes"][key]


def test_renames_and_learned_schemes_in_a_custom_system(  # type: ignore[no-untyped-def]
        two_months, tmp_path: Path) -> None:
    ws, _, june = two_months
    f = june.features()
    buyers = f[~f.is_prospect.astype(bool)]
    labels = pd.DataFrame({"customer_id": buyers.customer_id,
                           "class": (buyers.monetary_total >= buyers.monetary_total.median())
                           .map({True: "big", False: "small"})}).iloc[::3]
    labels.to_csv(tmp_path / "labels.csv", index=False)
    system = ClassificationSystem.model_validate({"name": "custom", "schemes": [
        {"name": "natural_groups", "kind": "cluster", "labels": LABELS, "classes": "auto",
         "k_min": 3, "names": {"g1": {"zh_CN": "主力客户", "en": "Core buyers"}}},
        {"name": "spend_learned", "kind": "learned", "labels": LABELS,
         "labels_file": str(tmp_path / "labels.csv")},
        {"name": "no_labels", "kind": "learned", "labels": LABELS,
         "labels_file": str(tmp_path / "missing.csv")},
        {"name": "one_class", "kind": "learned", "labels": LABELS,
         "labels_file": str(tmp_path / "one_class.csv")},
    ]})
    labels.assign(**{"class": "big"}).to_csv(tmp_path / "one_class.csv", index=False)
    snap = ws.run(as_of=JUNE, system=system)
    assert "labels file" in snap.info.skipped_schemes["no_labels"]
    # Known customers of a single class cannot be learned from: that scheme fails with the
    # reason, the others are computed.
    assert "at least 2 classes" in snap.info.skipped_schemes["one_class"]
    assert _outcome(snap, "one_class").status == "failed"
    assert set(snap.info.computed_schemes) == {"natural_groups", "spend_learned"}
    renamed = {"zh_CN": "主力客户", "en": "Core buyers"}
    assert _outcome(snap).thresholds["classes"]["g1"] == renamed
    learned = _outcome(snap, "spend_learned").thresholds
    assert learned["cv"]["accuracy"] >= 0.95 and set(learned["classes"]) == {"big", "small"}
    a = snap.assignments("spend_learned", lang="en")
    assert len(a) == snap.info.customers and a.score.between(0, 1).all()
    assert a.reason.str.contains("confidence").all()


def test_models_validate_the_learning_kinds() -> None:
    head = "version: 1\nname: t\nschemes:\n  - name: s\n    labels: {zh_CN: 测, en: T}\n"
    assert parse_system(head + "    kind: cluster\n").schemes[0].class_keys == ["prospect"]
    with pytest.raises(ConfigError, match="k_max"):
        parse_system(head + "    kind: cluster\n    k_min: 5\n    k_max: 3\n")
    with pytest.raises(ConfigError, match="labels_column"):
        parse_system(head + "    kind: learned\n")
    learned = parse_system(head + "    kind: learned\n    labels_column: nature\n").schemes[0]
    assert learned.requires == ["nature"] and learned.classes == []
