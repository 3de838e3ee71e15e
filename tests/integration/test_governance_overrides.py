"""Overrides: validation, approval, expiry, removal, and how runs apply them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from custseg import open_workspace
from custseg.errors import ConfigError, GovernanceError, UnknownNameError
from custseg.governance import OverrideStore, normalise_id
from custseg.governance.apply import partition_overrides
from custseg.sample import sample_data_dir
from custseg.snapshots.model import SchemeOutcome

FIXED_NOW = datetime(2026, 7, 1, 9, 0, 0)
JUNE_1 = datetime(2026, 6, 1, 9, 0, 0)
MAY, JUNE = date(2026, 5, 31), date(2026, 6, 30)


# -- adding, deciding, removing (no run needed) --------------------------------------------------
@pytest.fixture
def ws(make_workspace: Callable[..., Any]) -> Any:
    ws = make_workspace()
    ws.ingest("customers", sample_data_dir() / "customers.csv")
    return ws


def test_add_validates_scheme_class_customer_reason_and_expiry(ws: Any) -> None:
    add = ws.overrides.add
    with pytest.raises(UnknownNameError, match=r"unknown scheme 'abcc'.*did you mean 'abc'"):
        add("C000001", scheme="abcc", class_key="A", reason="r", user="alice")
    with pytest.raises(
        UnknownNameError, match=r"unknown class 'D' in scheme 'abc'.*Known: A, B, C"
    ):
        add("C000001", scheme="abc", class_key="D", reason="r", user="alice")
    with pytest.raises(GovernanceError, match="customer 'C999999' is neither in the customers"):
        add("C999999", scheme="abc", class_key="A", reason="r", user="alice")
    with pytest.raises(ConfigError, match="needs a reason"):
        add("C000001", scheme="abc", class_key="A", reason="  ", user="alice")
    with pytest.raises(
        ConfigError, match=r"expiry date 2026-07-01 is not after today \(2026-07-01\)"
    ):
        add(
            "C000001",
            scheme="abc",
            class_key="A",
            reason="r",
            user="alice",
            expires_on=date(2026, 7, 1),
        )
    assert ws.overrides.list("all").empty
    assert ws.audit.entries().empty


def test_add_is_active_at_once_and_audited(ws: Any) -> None:
    o = ws.overrides.add(
        "C000001",
        scheme="abc",
        class_key="A",
        reason="framework contract",
        user="alice",
        expires_on=date(2026, 12, 31),
    )
    assert (o.override_id, o.status, o.active_from) == ("OV-000001", "active", FIXED_NOW)
    entry = ws.audit.entries().iloc[-1]
    assert (entry.actor, entry.action, entry.subject) == ("alice", "override_add", "OV-000001")
    assert entry.detail["reason"] == "framework contract"
    assert entry.detail["expires_on"] == "2026-12-31"
    in_force = ws.overrides.in_force(MAY, FIXED_NOW)
    assert list(in_force.override_id) == ["OV-000001"]
    assert ws.overrides.in_force(date(2026, 12, 31), FIXED_NOW).empty  # expired by then
    assert ws.overrides.in_force(MAY, datetime(2026, 6, 30)).empty  # not added yet then


def test_a_second_override_supersedes_the_first(ws: Any) -> None:
    ws.overrides.add("C000001", scheme="abc", class_key="A", reason="one", user="alice")
    ws.overrides.add("C000001", scheme="abc", class_key="B", reason="two", user="bob")
    first = ws.overrides.get("OV-000001")
    assert (first.status, first.superseded_by, first.removed_by) == ("removed", "OV-000002", "bob")
    assert list(ws.overrides.list().override_id) == ["OV-000002"]
    assert list(ws.overrides.in_force(MAY, FIXED_NOW).class_key) == ["B"]
    actions = list(ws.audit.entries().action)
    assert actions == ["override_add", "override_add", "override_supersede"]


def test_approval_setting_makes_overrides_pending_until_another_user_approves(ws: Any) -> None:
    ws.settings.set("require_override_approval", True, user="admin")
    o = ws.overrides.add(
        "C000002", scheme="credit", class_key="A", reason="guarantee", user="alice"
    )
    assert o.status == "pending" and o.active_from is None
    assert ws.overrides.in_force(MAY, FIXED_NOW).empty
    with pytest.raises(
        GovernanceError, match="'alice' created override OV-000001 and cannot approve it"
    ):
        ws.overrides.approve(o.override_id, user="alice")
    approved = ws.overrides.approve("1", user="bob")
    assert (approved.status, approved.decided_by) == ("active", "bob")
    assert list(ws.overrides.in_force(MAY, FIXED_NOW).override_id) == ["OV-000001"]
    with pytest.raises(GovernanceError, match="is active, not pending"):
        ws.overrides.approve("OV-000001", user="carol")
    actions = list(ws.audit.entries().action)
    # the creator's refused attempt to approve is on the record
    assert actions == ["setting_change", "override_add", "override_refused", "override_approve"]
    assert ws.audit.verify() == []


def test_reject_and_remove(ws: Any) -> None:
    ws.settings.set("require_override_approval", "on", user="admin")
    ws.overrides.add("C000003", scheme="abc", class_key="A", reason="r", user="alice")
    with pytest.raises(ConfigError, match="reason is required to reject"):
        ws.overrides.reject("OV-000001", user="bob", reason="")
    with pytest.raises(GovernanceError, match=r"override remove"):
        ws.overrides.reject("OV-000001", user="alice", reason="changed my mind")
    rejected = ws.overrides.reject("OV-000001", user="bob", reason="no evidence")
    assert (rejected.status, rejected.decision_note) == ("rejected", "no evidence")
    with pytest.raises(GovernanceError, match="is rejected; only active or pending"):
        ws.overrides.remove("OV-000001", user="alice", reason="x")
    ws.overrides.add("C000003", scheme="abc", class_key="B", reason="r2", user="alice")
    removed = ws.overrides.remove("ov-2", user="alice", reason="withdrawn")
    assert (removed.status, removed.removed_by, removed.removal_reason) == (
        "removed",
        "alice",
        "withdrawn",
    )
    with pytest.raises(
        GovernanceError, match=r"no override OV-000009; ids run from OV-000001 to OV-000002"
    ):
        ws.overrides.get("9")
    assert ws.overrides.list("all").status.tolist() == ["rejected", "removed"]
    assert ws.audit.verify() == []


def test_override_ids_accept_short_forms() -> None:
    assert normalise_id("12") == normalise_id("ov-12") == normalise_id("OV-000012") == "OV-000012"
    with pytest.raises(ConfigError, match="ids look like OV-000012"):
        normalise_id("X-1")


# -- runs ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scenario(
    history_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Overrides added on June 1 and applied by runs on July 1 (two computed runs in all)."""
    path = tmp_path_factory.mktemp("overrides") / "ws.duckdb"
    shutil.copyfile(history_workspace_file, path)
    ws = open_workspace(path, clock=lambda: FIXED_NOW)
    before = {s.as_of: s.snapshot_id for s in ws.snapshots()}
    may = ws.snapshot(before[MAY])
    june = ws.snapshot(before[JUNE])
    abc = may.assignments("abc").merge(june.assignments("abc"), on="customer_id")
    x = abc[(abc.class_key_x == "C") & (abc.class_key_y == "C")].customer_id.iloc[0]
    credit = may.assignments("credit").merge(june.assignments("credit"), on="customer_id")
    y = credit[(credit.class_key_x != "A") & (credit.class_key_y != "A")].customer_id.iloc[0]
    early = OverrideStore(ws._con, lambda: JUNE_1)  # added on June 1, so June 15 is in the future
    ox = early.add(
        x,
        scheme="abc",
        class_key="A",
        reason="key account from July",
        user="alice",
        expires_on=date(2026, 6, 15),
    )
    oy = early.add(y, scheme="credit", class_key="A", reason="parent company guarantee", user="bob")
    s_may = ws.run(as_of=MAY, user="carol")
    s_june = ws.run(as_of=JUNE, user="carol")
    s_may_again = ws.run(as_of=MAY, user="dave")
    ws.overrides.remove(oy.override_id, user="alice", reason="guarantee ended")
    s_june_after_removal = ws.run(as_of=JUNE, user="carol")
    yield {
        "ws": ws,
        "before": before,
        "x": x,
        "y": y,
        "ox": ox,
        "oy": oy,
        "may": may,
        "june": june,
        "s_may": s_may,
        "s_june": s_june,
        "s_may_again": s_may_again,
        "s_june_after_removal": s_june_after_removal,
    }
    ws.close()


def test_an_override_changes_the_snapshot_id_and_is_applied(scenario: dict[str, Any]) -> None:
    s_may, x = scenario["s_may"], scenario["x"]
    assert s_may.snapshot_id != scenario["before"][MAY]
    row = s_may.assignments("abc").set_index("customer_id").loc[x]
    assert (row.class_key, row.computed_class_key, row.override_id) == ("A", "C", "OV-000001")
    assert s_may.to_frame().set_index("customer_id").loc[x, "abc"] == "A"
    plain = s_may.assignments("lifecycle")
    assert plain.override_id.isna().all()
    assert (plain.class_key == plain.computed_class_key).all()
    old, new = (
        scenario["may"].summary("abc").set_index("class_key"),
        s_may.summary("abc").set_index("class_key"),
    )
    assert new.loc["A", "customers"] == old.loc["A", "customers"] + 1
    assert new.loc["C", "customers"] == old.loc["C", "customers"] - 1
    stored = s_may.overrides()
    assert sorted(stored.override_id) == ["OV-000001", "OV-000002"]
    assert stored.set_index("override_id").loc["OV-000001", "computed_class_key"] == "C"
    assert s_may.info.extra["overrides_applied"] == 2
    assert s_may.info.extra["overrides_ignored"] == []


def test_explain_shows_the_override_beside_the_computed_class(scenario: dict[str, Any]) -> None:
    rows = {r.scheme: r for r in scenario["s_may"].explain(scenario["x"], lang="zh")}
    abc = rows["abc"]
    assert abc.overridden and abc.class_key == "A" and abc.class_label == "关键客户"
    assert (abc.computed_class_key, abc.computed_class_label) == ("C", "普通客户")
    assert (abc.override_id, abc.override_by, abc.override_reason, abc.override_expires_on) == (
        "OV-000001",
        "alice",
        "key account from July",
        "2026-06-15",
    )
    assert not rows["lifecycle"].overridden


def test_an_expired_override_is_not_applied(scenario: dict[str, Any]) -> None:
    s_june, x, y = scenario["s_june"], scenario["x"], scenario["y"]
    abc = s_june.assignments("abc").set_index("customer_id").loc[x]
    assert abc.class_key == "C" and pd.isna(abc.override_id)
    credit = s_june.assignments("credit").set_index("customer_id").loc[y]
    assert (credit.class_key, credit.override_id) == ("A", "OV-000002")  # survives later runs
    assert s_june.snapshot_id != scenario["before"][JUNE]


def test_rerun_with_the_same_overrides_reuses_the_snapshot(scenario: dict[str, Any]) -> None:
    ws = scenario["ws"]
    assert scenario["s_may_again"].snapshot_id == scenario["s_may"].snapshot_id
    ids = [s.snapshot_id for s in ws.snapshots()]
    assert len(ids) == len(set(ids)) == 6  # 4 from the history + 2 with overrides
    reused = ws.audit.entries(action="run_reused")
    assert list(reused.subject) == [scenario["s_may"].snapshot_id, scenario["before"][JUNE]]
    assert reused.actor.iloc[0] == "dave"


def test_a_removed_override_stops_applying_but_earlier_snapshots_keep_it(
    scenario: dict[str, Any],
) -> None:
    ws, y = scenario["ws"], scenario["y"]
    # Without overrides in force the June run is the original June snapshot again.
    assert scenario["s_june_after_removal"].snapshot_id == scenario["before"][JUNE]
    earlier = ws.snapshot(scenario["s_june"].snapshot_id)
    credit = earlier.assignments("credit").set_index("customer_id").loc[y]
    assert (credit.class_key, credit.override_id) == ("A", "OV-000002")


def test_each_new_snapshot_has_one_run_entry_naming_its_overrides(scenario: dict[str, Any]) -> None:
    ws = scenario["ws"]
    runs = ws.audit.entries(action="run").set_index("subject")
    assert runs.loc[scenario["s_may"].snapshot_id, "detail"]["overrides_applied"] == [
        "OV-000001",
        "OV-000002",
    ]
    assert runs.loc[scenario["s_june"].snapshot_id, "detail"]["overrides_applied"] == ["OV-000002"]
    assert runs.loc[scenario["s_may"].snapshot_id, "actor"] == "carol"
    assert ws.audit.verify() == []


def test_overrides_a_run_cannot_apply_are_ignored_with_the_reason(scenario: dict[str, Any]) -> None:
    s_may = scenario["s_may"]
    features = s_may._store.features(s_may.snapshot_id)
    in_force = pd.DataFrame(
        [
            {
                "override_id": "OV-1",
                "customer_id": scenario["x"],
                "scheme": "abc",
                "class_key": "A",
            },
            {
                "override_id": "OV-2",
                "customer_id": scenario["x"],
                "scheme": "credit",
                "class_key": "A",
            },
            {
                "override_id": "OV-3",
                "customer_id": scenario["x"],
                "scheme": "abc",
                "class_key": "Z",
            },
            {"override_id": "OV-4", "customer_id": "C999999", "scheme": "abc", "class_key": "A"},
            {
                "override_id": "OV-5",
                "customer_id": scenario["x"],
                "scheme": "gone",
                "class_key": "A",
            },
        ]
    )
    outcomes = [o for o in s_may.info.outcomes if o.name != "credit"]
    outcomes.append(SchemeOutcome("credit", "rules", "skipped", reason="no payments table"))
    applied, ignored = partition_overrides(
        in_force, system=s_may.system, outcomes=outcomes, features=features
    )
    assert list(applied.override_id) == ["OV-1"]
    why = {i["override_id"]: i["why"] for i in ignored}
    assert why == {
        "OV-2": "scheme 'credit' was skipped in this run: no payments table",
        "OV-3": "class 'Z' is not a class of scheme 'abc' in this run",
        "OV-4": "customer 'C999999' is not in this run",
        "OV-5": "scheme 'gone' is not in this run's classification system",
    }
