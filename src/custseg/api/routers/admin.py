"""Administration: users, settings and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from custseg.api.deps import LangDep, LimitDep, OffsetDep, SingleWriter, WorkspaceDep, require
from custseg.api.frames import records
from custseg.api.schemas import AuditEntryPublic, Page, UserCreate, UserPublic
from custseg.public import Permission, Principal

router = APIRouter(tags=["admin"])
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


@router.get("/users", response_model=list[UserPublic])
def list_users(ws: WorkspaceDep, user: Admin) -> list[dict[str, Any]]:
    """Every user (never a password)."""
    return [u.to_dict() for u in ws.accounts.users()]


@router.post("/users", response_model=UserPublic, status_code=201, dependencies=[SingleWriter])
def add_user(body: UserCreate, ws: WorkspaceDep, user: Admin) -> dict[str, Any]:
    """Create a user with a role (and an owner key for sales)."""
    made = ws.accounts.add_user(
        body.name, role=body.role, password=body.password, owner=body.owner, by=user.name
    )
    return made.to_dict()


@router.post("/users/{name}/disable", response_model=UserPublic, dependencies=[SingleWriter])
def disable_user(name: str, ws: WorkspaceDep, user: Admin) -> dict[str, Any]:
    """Disable a user and revoke their tokens."""
    return ws.accounts.disable(name, by=user.name).to_dict()


@router.get("/settings", response_model=list[dict[str, Any]])
def settings(
    ws: WorkspaceDep,
    lang: LangDep,
    user: Annotated[Principal, Depends(require(Permission.MANAGE_SETTINGS))],
) -> list[dict[str, Any]]:
    """The workspace settings with their values and help."""
    return ws.settings.describe(lang)


@router.get("/audit", response_model=Page[AuditEntryPublic])
def audit(
    ws: WorkspaceDep,
    user: Auditor,
    limit: LimitDep,
    offset: OffsetDep = 0,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Audit log entries, newest first."""
    frame = ws.audit.entries(action=action)
    frame = frame.iloc[::-1]
    part = frame.iloc[offset : offset + limit]
    return {"items": records(part), "total": len(frame), "offset": offset, "limit": limit}
