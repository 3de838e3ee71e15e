"""Overrides, the audit chain, settings, users and tokens on DuckDB and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sample_dates import FIXED_NOW

from custseg import open_workspace
from custseg.errors import GovernanceError
from custseg.governance.accounts import AuthenticationError

PASSWORD = "correct horse battery"  # noqa: S105 - a test account


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sample_ws(sample_workspace_url: str, clock: Clock) -> Iterator[object]:
    ws = open_workspace(sample_workspace_url, clock=clock)
    yield ws
    ws.close()


def test_override_proposed_approved_applied_and_audited(
    sample_ws: object, sample_workspace_url: str, clock: Clock
) -> None:
    ws = sample_ws
    ws.settings.set("require_override_approval", True, user="root")  # type: ignore[attr-defined]
    snap = ws.snapshot()  # type: ignore[attr-defined]
    frame = snap.to_frame()
    customer = str(frame[frame.abc == "C"].customer_id.iloc[0])

    pending = ws.overrides.add(  # type: ignore[attr-defined]
        customer, scheme="abc", class_key="A", reason="framework contract", user="ann",
        expires_on=date(2026, 12, 31),
    )
    assert pending.status == "pending" and pending.decided_by is None
    with pytest.raises(GovernanceError):
        ws.overrides.approve(pending.override_id, user="ann")  # type: ignore[attr-defined]
    clock.now += timedelta(minutes=5)
    approved = ws.overrides.approve(pending.override_id, user="mia")  # type: ignore[attr-defined]
    assert (approved.status, approved.decided_by) == ("active", "mia")

    second = ws.overrides.add(  # type: ignore[attr-defined]
        customer, scheme="abc", class_key="B", reason="smaller contract", user="ann"
    )
    ws.overrides.approve(second.override_id, user="mia")  # type: ignore[attr-defined]
    first_now = ws.overrides.get(pending.override_id)  # type: ignore[attr-defined]
    assert first_now.status == "removed" and first_now.superseded_by == second.override_id

    clock.now += timedelta(minutes=5)
    rerun = ws.run(as_of=snap.as_of, user="ann")  # type: ignore[attr-defined]
    after = rerun.to_frame()
    assert after.set_index("customer_id").loc[customer, "abc"] == "B"
    ws.close()

    again = open_workspace(sample_workspace_url, clock=clock)
    try:
        assert again.audit.verify() == []
        actions = list(again.audit.entries().action)
        assert actions.count("override_add") == 2 and actions.count("override_approve") == 2
        assert "override_supersede" in actions and actions[-1] == "run"
    finally:
        again.close()


def test_rejected_and_removed_overrides_keep_their_notes(sample_ws: object) -> None:
    ws = sample_ws
    ws.settings.set("require_override_approval", True, user="root")  # type: ignore[attr-defined]
    customer = str(ws.snapshot().to_frame().customer_id.iloc[0])  # type: ignore[attr-defined]
    proposal = ws.overrides.add(  # type: ignore[attr-defined]
        customer, scheme="abc", class_key="A", reason="why not", user="ann"
    )
    rejected = ws.overrides.reject(  # type: ignore[attr-defined]
        proposal.override_id, user="mia", reason="no contract"
    )
    assert (rejected.status, rejected.decision_note) == ("rejected", "no contract")
    other = ws.overrides.add(  # type: ignore[attr-defined]
        customer, scheme="abc", class_key="B", reason="second try", user="ann"
    )
    removed = ws.overrides.remove(  # type: ignore[attr-defined]
        other.override_id, user="ann", reason="withdrawn"
    )
    assert (removed.status, removed.removal_reason) == ("removed", "withdrawn")
    listed = ws.overrides.list("all")  # type: ignore[attr-defined]
    assert list(listed.status) == ["rejected", "removed"]
    assert ws.audit.verify() == []  # type: ignore[attr-defined]


def test_users_tokens_and_their_audit(workspace_url: str, clock: Clock) -> None:
    ws = open_workspace(workspace_url, clock=clock)
    try:
        accounts = ws.accounts
        accounts.add_user("root", role="admin", password=PASSWORD, by="setup")
        accounts.add_user("sam", role="sales", owner="李娜", password=PASSWORD, by="root")
        assert [u.name for u in accounts.users()] == ["root", "sam"]
        sam = accounts.authenticate("sam", PASSWORD)
        assert (sam.role, sam.owner_scope) == ("sales", "李娜")
        with pytest.raises(AuthenticationError):
            accounts.authenticate("sam", "wrong password")

        session = accounts.create_token("sam", kind="session", ttl=timedelta(hours=1), by="sam")
        api = accounts.create_token("root", kind="api", ttl=None, label="ci", by="root")
        assert accounts.principal_for_token(session.secret).name == "sam"
        assert accounts.principal_for_token(api.secret).name == "root"
        clock.now += timedelta(hours=2)
        with pytest.raises(AuthenticationError):
            accounts.principal_for_token(session.secret)  # expired
        accounts.revoke(api.token_id, by="root")
        with pytest.raises(AuthenticationError):
            accounts.principal_for_token(api.secret)
        tokens = accounts.tokens()
        assert len(tokens) == 2 and "token_hash" not in tokens.columns

        accounts.set_password("sam", "another long passphrase", by="root")
        accounts.disable("sam", by="root")
        with pytest.raises(AuthenticationError):
            accounts.authenticate("sam", "another long passphrase")
        assert ws.audit.verify() == []
        actions = list(ws.audit.entries().action)
        assert actions[:2] == ["user_add", "user_add"]
        assert {"token_create", "token_revoke", "user_password", "user_disable"} <= set(actions)
    finally:
        ws.close()
