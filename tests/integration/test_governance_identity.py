"""An override cannot be approved by its creator under another spelling; refusals are audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from custseg.cli.app import app
from custseg.errors import GovernanceError
from custseg.sample import sample_data_dir

runner = CliRunner()


@pytest.fixture
def ws(make_workspace: Callable[..., Any]) -> Any:
    ws = make_workspace("identity.duckdb")
    ws.ingest("customers", sample_data_dir() / "customers.csv")
    ws.settings.set("require_override_approval", True, user="admin")
    return ws


def _add(ws: Any, user: str) -> str:
    o = ws.overrides.add("C000002", scheme="credit", class_key="A", reason="guarantee", user=user)
    assert o.status == "pending"
    return str(o.override_id)


@pytest.mark.parametrize("spelling", ["alice", "Alice", "ALICE", "ＡＬＩＣＥ", " alice "])
def test_the_creator_cannot_approve_under_another_spelling_and_the_attempt_is_audited(
    ws: Any, spelling: str
) -> None:
    override_id = _add(ws, "alice")
    with pytest.raises(GovernanceError, match="'alice' created override OV-000001 and cannot"):
        ws.overrides.approve(override_id, user=spelling)
    assert ws.overrides.get(override_id).status == "pending"
    last = ws.audit.last()
    assert (last.action, last.actor, last.subject) == ("override_refused", "alice", override_id)
    assert last.detail == {"attempt": "approve", "reason": "creator_cannot_decide"}
    assert ws.audit.verify() == []


def test_an_old_record_with_a_capitalised_creator_is_still_the_same_user(ws: Any) -> None:
    override_id = _add(ws, "Alice")
    assert ws.overrides.get(override_id).created_by == "alice"  # stored normalised
    with pytest.raises(GovernanceError, match="cannot reject it"):
        ws.overrides.reject(override_id, user="alice", reason="no")
    approved = ws.overrides.approve(override_id, user="Bob")
    assert (approved.status, approved.decided_by) == ("active", "bob")
    actions = list(ws.audit.entries().action)
    assert actions[-3:] == ["override_add", "override_refused", "override_approve"]
    assert ws.audit.verify() == []


def test_a_homoglyph_name_is_refused_not_a_second_user(ws: Any) -> None:
    override_id = _add(ws, "bob")
    with pytest.raises(GovernanceError, match=r"mixes scripts \(Cyrillic, Latin\)"):
        ws.overrides.approve(override_id, user="b\u043eb")
    assert ws.overrides.get(override_id).status == "pending"


def test_custseg_user_goes_through_the_same_rules_in_the_cli(ws: Any, tmp_path: Path) -> None:
    override_id = _add(ws, "alice")
    ws.close()
    workspace = str(tmp_path / "identity.duckdb")

    def invoke(*args: str, user: str) -> Any:
        return runner.invoke(app, ["--workspace", workspace, *args], env={"CUSTSEG_USER": user})

    result = invoke("override", "approve", override_id, user="ALICE")
    assert result.exit_code == 1 and "cannot approve it" in result.stderr
    assert "Traceback" not in result.output
    result = invoke("--lang", "zh", "override", "approve", override_id, user="b\u043eb")
    assert result.exit_code == 1 and "混用了多种文字" in result.stderr
    result = invoke("audit", "--json", user="carol")
    assert result.exit_code == 0, result.output
    assert '"override_refused"' in result.stdout
    assert invoke("audit", "--verify", user="carol").exit_code == 0
    result = invoke("override", "approve", override_id, user="Carol")
    assert result.exit_code == 0, result.output
