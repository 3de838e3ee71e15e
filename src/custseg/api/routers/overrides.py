"""Manual class overrides: propose (analyst), approve and reject (manager), remove, list."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from custseg.api.deps import LimitDep, OffsetDep, PrincipalDep, SingleWriter, WorkspaceDep, require
from custseg.api.frames import records
from custseg.api.schemas import OverrideCreate, OverridePublic, Page, ReasonCreate
from custseg.public import Permission, Principal

router = APIRouter(prefix="/overrides", tags=["overrides"])
Reader = Annotated[Principal, Depends(require(Permission.READ_CUSTOMERS))]
Proposer = Annotated[Principal, Depends(require(Permission.PROPOSE_OVERRIDE))]
Decider = Annotated[Principal, Depends(require(Permission.DECIDE_OVERRIDE))]


@router.get("", response_model=Page[OverridePublic])
def list_overrides(
    ws: WorkspaceDep,
    user: Reader,
    limit: LimitDep,
    offset: OffsetDep = 0,
    status: Literal["open", "active", "pending", "all"] = "open",
    scheme: Annotated[str | None, Query(max_length=200)] = None,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Overrides by id (a sales user: those of their own customers)."""
    frame = ws.visible_overrides(status, scheme=scheme, customer_id=customer_id, principal=user)
    part = frame.iloc[offset : offset + limit]
    return {"items": records(part), "total": len(frame), "offset": offset, "limit": limit}


@router.post("", response_model=OverridePublic, status_code=201, dependencies=[SingleWriter])
def propose(body: OverrideCreate, ws: WorkspaceDep, user: Proposer) -> dict[str, Any]:
    """Set a customer's class in a scheme by hand (pending when approval is required)."""
    made = ws.overrides.add(
        body.customer_id,
        scheme=body.scheme,
        class_key=body.class_key,
        reason=body.reason,
        user=user.name,
        expires_on=body.expires_on,
    )
    return made.to_dict()


@router.post("/{override_id}/approve", response_model=OverridePublic, dependencies=[SingleWriter])
def approve(override_id: str, ws: WorkspaceDep, user: Decider) -> dict[str, Any]:
    """Approve a pending override (by another user than the one who proposed it)."""
    return ws.overrides.approve(override_id, user=user.name).to_dict()


@router.post("/{override_id}/reject", response_model=OverridePublic, dependencies=[SingleWriter])
def reject(override_id: str, body: ReasonCreate, ws: WorkspaceDep, user: Decider) -> dict[str, Any]:
    """Reject a pending override, with a reason."""
    return ws.overrides.reject(override_id, user=user.name, reason=body.reason).to_dict()


@router.post("/{override_id}/remove", response_model=OverridePublic, dependencies=[SingleWriter])
def remove(
    override_id: str, body: ReasonCreate, ws: WorkspaceDep, user: PrincipalDep
) -> dict[str, Any]:
    """Remove an active or pending override (analyst or manager), with a reason."""
    if not user.can(Permission.DECIDE_OVERRIDE):
        user.require(Permission.PROPOSE_OVERRIDE)
    return ws.overrides.remove(override_id, user=user.name, reason=body.reason).to_dict()
