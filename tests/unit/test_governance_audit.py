"""The audit log: appends in the caller's transaction, a verifiable chain, filters; settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis
import pytest

from custseg.engine import transaction
from custseg.errors import ConfigError, UnknownNameError
from custseg.governance import AuditLog, Settings
from custseg.governance.audit import GENESIS_HASH
from custseg.workspace_schema import upgrade


class Clock:
    """A clock that moves one minute per reading, from 2026-07-01 09:00."""

    def __init__(self) -> None:
        self.now = datetime(2026, 7, 1, 9, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def con():  # type: ignore[no-untyped-def]
    con = ibis.duckdb.connect()
    upgrade(con)  # the workspace's own tables, as opening a workspace makes them
    return con


@pytest.fixture
def log(con) -> AuditLog:  # type: ignore[no-untyped-def]
    log = AuditLog(con, Clock())
    for i, (actor, action, subject) in enumerate(
        [
            ("alice", "override_add", "OV-000001"),
            ("bob", "override_approve", "OV-000001"),
            ("carol", "run", "abc123"),
            ("alice", "override_remove", "OV-000001"),
        ]
    ):
        with transaction(con):
            log.append(actor, action, subject, {"n": i, "reason": "客户签了框架协议"})
    return log


def test_entries_form_a_chain_that_verifies(log: AuditLog) -> None:
    df = log.entries()
    assert list(df.seq) == [1, 2, 3, 4]
    assert df.prev_hash.iloc[0] == GENESIS_HASH
    assert list(df.prev_hash.iloc[1:]) == list(df.hash.iloc[:-1])
    assert df.detail.iloc[0] == {"n": 0, "reason": "客户签了框架协议"}
    assert log.verify() == []
    assert log.last().subject == "OV-000001" and log.last().seq == 4  # type: ignore[union-attr]


def test_append_is_part_of_the_callers_transaction(con, log: AuditLog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction(con):
        log.append("mallory", "run", "x", {})
        raise RuntimeError("the change failed")
    assert len(log.entries()) == 4
    assert log.verify() == []


def test_an_edited_entry_is_detected(con, log: AuditLog) -> None:  # type: ignore[no-untyped-def]
    con.raw_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    problems = log.verify()
    assert len(problems) == 1
    assert "entry 2" in problems[0] and "edited" in problems[0]


def test_an_edit_with_a_recomputed_hash_breaks_the_chain(con, log: AuditLog) -> None:  # type: ignore[no-untyped-def]
    from custseg.governance.audit import entry_hash

    row = log.entries(subject="abc123").iloc[0]
    at = row["at"].to_pydatetime()
    forged = entry_hash(3, at, "mallory", "run", "abc123", "{}", row["prev_hash"])
    sql = "UPDATE audit_log SET actor = 'mallory', detail = '{}', hash = ? WHERE seq = 3"
    con.con.execute(sql, [forged])
    problems = log.verify()
    assert any("entry 4" in p and "chain is broken" in p for p in problems)


def test_a_deleted_entry_is_detected(con, log: AuditLog) -> None:  # type: ignore[no-untyped-def]
    con.raw_sql("DELETE FROM audit_log WHERE seq = 2")
    problems = log.verify()
    assert any("entry 3" in p and "entry 2 is missing" in p for p in problems)
    assert any("entry 3" in p and "chain is broken" in p for p in problems)


def test_a_deleted_first_entry_is_detected(con, log: AuditLog) -> None:  # type: ignore[no-untyped-def]
    con.raw_sql("DELETE FROM audit_log WHERE seq = 1")
    assert any("expected seq 1" in p for p in log.verify())


def test_entries_filters(log: AuditLog) -> None:
    assert list(log.entries(action="override_add").subject) == ["OV-000001"]
    assert list(log.entries(subject="OV-000001").action) == [
        "override_add",
        "override_approve",
        "override_remove",
    ]
    assert list(log.entries(limit=2).seq) == [3, 4]
    assert list(log.entries(since=datetime(2026, 7, 1, 9, 3)).seq) == [3, 4]
    assert len(log.entries(since=date(2026, 7, 2))) == 0


def test_an_aware_clock_is_stored_as_utc(con) -> None:  # type: ignore[no-untyped-def]
    from datetime import timezone

    tz = timezone(timedelta(hours=8))
    log = AuditLog(con, lambda: datetime(2026, 7, 1, 17, 0, tzinfo=tz))
    entry = log.append("alice", "run", "x", {})
    assert entry.at == datetime(2026, 7, 1, 9, 0)
    assert log.entries()["at"].iloc[0].to_pydatetime() == datetime(2026, 7, 1, 9, 0)
    assert log.verify() == []


def test_settings_have_defaults_are_validated_and_audited(con) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(con, Clock())
    assert settings.get("require_override_approval") is False
    assert settings.set("require_override_approval", "yes", user="alice") is True
    assert settings.get("require_override_approval") is True
    settings.set("require_override_approval", "是", user="bob")  # unchanged: nothing recorded
    entries = AuditLog(con).entries(action="setting_change")
    assert len(entries) == 1
    assert entries.actor.iloc[0] == "alice"
    assert entries.detail.iloc[0] == {"old": False, "new": True}
    row = settings.describe("zh")[0]
    assert row["changed_by"] == "alice" and row["value"] is True and "批准" in row["help"]
    with pytest.raises(ConfigError, match="takes true or false"):
        settings.set("require_override_approval", "maybe", user="alice")
    with pytest.raises(UnknownNameError, match="did you mean 'require_override_approval'"):
        settings.get("require_override_aproval")
