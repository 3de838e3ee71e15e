"""The data profile and the health check of a snapshot (aggregates: every role that reads)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from custseg.api.deps import LangDep, WorkspaceDep, require
from custseg.public import Permission

router = APIRouter(
    prefix="/snapshots",
    tags=["snapshots"],
    dependencies=[Depends(require(Permission.READ_SUMMARY))],
)


class ProfilePublic(BaseModel):
    """What the data held as of the snapshot's date: inputs, rhythm, history, activity."""

    as_of: date
    inputs: dict[str, Any]
    rhythm: dict[str, Any]
    history: dict[str, Any]
    activity: dict[str, Any]


class FindingPublic(BaseModel):
    """One health finding, in the request's language."""

    check: str
    level: str
    scheme: str
    customers: int
    message: str
    advice: str | None = None


class HealthPublic(BaseModel):
    """The health check of a snapshot; ``stored``: computed by its run (else checked now)."""

    snapshot_id: str
    stored: bool
    findings: list[FindingPublic]


@router.get("/{snapshot_id}/profile", response_model=ProfilePublic)
def profile(snapshot_id: str, ws: WorkspaceDep) -> dict[str, Any]:
    """The data profile as of the snapshot's date, under the snapshot's system."""
    snap = ws.snapshot(snapshot_id)
    return ws.profile(as_of=snap.as_of, system=snap.system).to_dict()


@router.get("/{snapshot_id}/check", response_model=HealthPublic)
def check(snapshot_id: str, ws: WorkspaceDep, lang: LangDep) -> HealthPublic:
    """Whether every scheme of the snapshot is meaningful: findings with advice."""
    snap = ws.snapshot(snapshot_id)
    findings, stored = ws.check(snap.snapshot_id)
    return HealthPublic(
        snapshot_id=snap.snapshot_id,
        stored=stored,
        findings=[
            FindingPublic(
                check=f.check,
                level=str(f.level),
                scheme=f.scheme,
                customers=f.customers,
                message=f.message.render(lang),
                advice=f.advice.render(lang) if f.advice else None,
            )
            for f in findings
        ],
    )
