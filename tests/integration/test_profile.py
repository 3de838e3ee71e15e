"""The data profile (custseg.profile) and the base-rhythm features it shares with the run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.features import FeatureParameters, build_feature_table
from custseg.profile import DataProfile, profile_data

AS_OF = date(2025, 12, 31)


def small_business(folder: Path, repeaters: int = 40) -> Any:
    """``repeaters`` customers buying on 2025-10-01, -11 and -31 (gaps 10 and 20 days), 10
    one-time buyers (5 in June 2025, 5 in June 2024), 10 prospects; industry for half of the
    60 customers, a cost on the repeaters' first orders only."""
    ws = open_workspace(":memory:")
    rows = []
    for i in range(repeaters):
        for day in ("2025-10-01", "2025-10-11", "2025-10-31"):
            cost = 10.0 if day == "2025-10-01" else None
            rows.append((f"O{len(rows)}", f"R{i:02d}", day, 100.0 + i, cost))
    for i in range(10):
        day = "2025-06-01" if i < 5 else "2024-06-01"
        rows.append((f"O{len(rows)}", f"S{i:02d}", day, 50.0, None))
    orders = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "cost"])
    ids = [f"R{i:02d}" for i in range(repeaters)] + [f"S{i:02d}" for i in range(10)]
    ids += [f"P{i:02d}" for i in range(10)]
    customers = pd.DataFrame(
        {"customer_id": ids, "industry": ["retail" if n % 2 else "" for n in range(len(ids))]}
    )
    for name, frame in (("customers", customers), ("orders", orders)):
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        ws.ingest(name, path)
    return ws


def test_profile_reports_inputs_rhythm_history_and_activity(tmp_path: Path) -> None:
    ws = small_business(tmp_path)
    profile = profile_data(ws._con, AS_OF)
    assert profile.inputs["customers"]["rows"] == 60
    assert profile.fill_share("customers", "industry") == 0.5
    assert profile.fill_share("customers", "satisfaction") == 0.0
    assert profile.inputs["orders"]["rows"] == 130
    assert profile.fill_share("orders", "cost") == pytest.approx(40 / 130, abs=1e-4)
    assert profile.fill_share("orders", "category") == 0.0
    assert "payments" not in profile.inputs and profile.fill_share("payments", "paid_date") is None
    rhythm = profile.rhythm
    assert rhythm["measured"] is True and rhythm["repeat_buyers"] == 40 and rhythm["gaps"] == 80
    assert (rhythm["gap_median_days"], rhythm["gap_p75_days"], rhythm["gap_p90_days"]) == (
        15.0,
        20.0,
        20.0,
    )
    assert rhythm["one_time_buyers"] == 10 and rhythm["one_time_share"] == 0.2
    assert profile.history == {
        "first_order_date": "2024-06-01",
        "last_order_date": "2025-10-31",
        "span_days": 578,
    }
    assert profile.activity == {
        "customers": 60,
        "purchasers": 50,
        "with_revenue_12m": 45,
        "revenue_12m_share": 0.75,
    }


def test_profile_is_json_and_round_trips(tmp_path: Path) -> None:
    profile = profile_data(small_business(tmp_path)._con, AS_OF)
    text = json.dumps(profile.to_dict())
    assert DataProfile.from_dict(json.loads(text)) == profile


def test_profile_ignores_rows_after_the_as_of_date(tmp_path: Path) -> None:
    profile = profile_data(small_business(tmp_path)._con, date(2025, 10, 15))
    assert profile.inputs["orders"]["rows"] == 90
    assert profile.history["last_order_date"] == "2025-10-11"
    assert profile.rhythm["gaps"] == 40 and profile.rhythm["gap_p90_days"] == 10.0


def test_too_few_repeat_buyers_give_the_documented_fallbacks(tmp_path: Path) -> None:
    ws = small_business(tmp_path, repeaters=5)
    profile = profile_data(ws._con, AS_OF)
    assert profile.rhythm["measured"] is False
    assert profile.rhythm["measured_gap_p90_days"] == 20.0
    assert (profile.rhythm["gap_median_days"], profile.rhythm["gap_p90_days"]) == (60.0, 180.0)
    features = build_feature_table(ws._con, AS_OF).to_pandas()
    assert set(features.base_gap_p90_days) == {180.0}
    lowered = FeatureParameters(rhythm_min_repeat_buyers=5, fallback_gap_p90_days=90)
    assert profile_data(ws._con, AS_OF, parameters=lowered).rhythm["gap_p90_days"] == 20.0


def test_rhythm_features_equal_the_profile_on_every_row(tmp_path: Path) -> None:
    ws = small_business(tmp_path)
    features = build_feature_table(ws._con, AS_OF).to_pandas()
    assert len(features) == 60
    for q in ("median", "p75", "p90"):
        assert set(features[f"base_gap_{q}_days"]) == {
            profile_data(ws._con, AS_OF).rhythm[f"gap_{q}_days"]
        }
    assert set(features.history_days) == {578}


def test_rhythm_thresholds_are_usable_in_rule_conditions(tmp_path: Path) -> None:
    ws = small_business(tmp_path)
    snap = ws.run(as_of=AS_OF)
    classes = snap.assignments("lifecycle").set_index("customer_id").class_key
    # recency 61 days > 2 x 20: churned, although they bought three times two months ago
    assert classes["R00"] == "churned" and classes["S00"] == "churned"
    assert classes["P00"] == "potential"
    assert snap.info.extra["profile"]["rhythm"]["gap_p90_days"] == 20.0
    assert snap.profile == profile_data(ws._con, AS_OF)
    assert snap.findings is not None and all(f.level in ("warning", "note") for f in snap.findings)


def test_workspace_profile_uses_the_systems_parameters(tmp_path: Path) -> None:
    ws = small_business(tmp_path, repeaters=5)
    system = tmp_path / "system.yaml"
    system.write_text(
        "version: 1\nname: tiny\nparameters: {rhythm_min_repeat_buyers: 5}\nschemes:\n"
        "  - {name: s, kind: rules, labels: {zh_CN: 方案, en: S},\n"
        "     rules: [{when: has_purchase, class: a}], default: b,\n"
        "     classes: [{key: a, labels: {zh_CN: 甲, en: A}},\n"
        "               {key: b, labels: {zh_CN: 乙, en: B}}]}\n",
        encoding="utf-8",
    )
    assert ws.profile(as_of=AS_OF).rhythm["measured"] is False
    assert ws.profile(as_of=AS_OF, system=system).rhythm["measured"] is True


def test_profile_from_stored_order_tables_equals_the_profile_from_the_lines(
    tmp_path: Path,
) -> None:
    from custseg.features._context import BuildContext
    from custseg.features._orders import order_tables

    ws = small_business(tmp_path)
    con = ws._con
    ctx = BuildContext(as_of=AS_OF, parameters=FeatureParameters())
    stored = order_tables(
        con, ctx, store=lambda name, expr: con.create_table(f"_t_{name}", expr, temp=True)
    )
    profile = profile_data(con, AS_OF, orders=stored)
    assert profile.to_dict() == profile_data(con, AS_OF).to_dict()
    assert profile.activity["purchasers"] == 50 and profile.rhythm["gaps"] == 80
