"""Group profiles: sizes, revenue shares, traits in plain words, unique readable names."""

from __future__ import annotations

import pandas as pd
import pytest

from custseg.i18n import Message
from custseg.learning import cluster_customers, make_planted_features, profile_groups


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return make_planted_features(1500, seed=7)


def test_profiles_describe_planted_groups(planted: pd.DataFrame) -> None:
    result = cluster_customers(planted, n_clusters=4)
    profiles = profile_groups(planted, result)
    assert [p.key for p in profiles] == ["g1", "g2", "g3", "g4"]
    assert sum(p.size for p in profiles) == len(planted)
    assert sum(p.revenue_share or 0 for p in profiles) == pytest.approx(1.0)
    assert profiles[0].revenue_feature == "revenue_12m"
    names = {p.name["en"]: p.name["zh_CN"] for p in profiles}
    assert names["large, frequent buyers"] == "大额·高频客户"
    assert names["small new customers"] == "小额·新客户"
    assert any("lapsed" in en and "流失" in zh for en, zh in names.items())
    lapsed = next(p for p in profiles if "lapsed" in p.name["en"])
    top = lapsed.traits[0]
    assert top.feature == "recency_days" and top.direction == "high"
    en, zh = top.text.render("en"), top.text.render("zh")
    assert en.startswith("days since last purchase") and "× the median" in en
    assert zh.startswith("距上次购买天数") and "倍" in zh
    # a stored trait renders in either language
    stored = Message.from_dict(top.text.to_dict())
    assert stored.render("zh") == zh and stored.render("en") == en
    assert all(len(p.traits) == 3 for p in profiles)


def test_profile_names_are_unique_even_when_groups_look_alike(planted: pd.DataFrame) -> None:
    result = cluster_customers(planted, n_clusters=8)
    profiles = profile_groups(planted, result, keys={0: "g9"})
    en = [p.name["en"] for p in profiles]
    zh = [p.name["zh_CN"] for p in profiles]
    assert len(set(en)) == 8 and len(set(zh)) == 8
    assert profiles[0].key == "g9" and profiles[1].key == "g2"


def test_profile_uses_monetary_when_no_revenue_12m(planted: pd.DataFrame) -> None:
    table = planted.drop(columns=["revenue_12m"])
    profiles = profile_groups(table, cluster_customers(table, n_clusters=3))
    assert {p.revenue_feature for p in profiles} == {"monetary_total"}
