"""Migrations between snapshots (matrix and movers), alerts and trend."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from custseg.api.deps import LangDep, LimitDep, OffsetDep, WorkspaceDep, require
from custseg.api.errors import ApiError
from custseg.api.frames import page_of, records
from custseg.api.schemas import MigrationPublic, MoverPublic, Page, RowsPublic
from custseg.i18n import Message
from custseg.public import Permission, Principal, Snapshot
from custseg.workspace import Workspace

router = APIRouter(tags=["history"])
Summary = Annotated[Principal, Depends(require(Permission.READ_SUMMARY))]
Reader = Annotated[Principal, Depends(require(Permission.READ_CUSTOMERS))]
Ref = Annotated[str | None, Query(max_length=64)]


def pair(ws: Workspace, old: str | None, new: str | None) -> tuple[Snapshot, Snapshot]:
    """The snapshots to compare: ``new`` (default latest) and ``old`` (default the one before)."""
    later = ws.snapshot(new)
    earlier = ws.snapshot(old) if old else ws.previous(later)
    if earlier is None:
        raise ApiError(
            404,
            "snapshot.not_found",
            Message("server_no_previous", {"snapshot": later.snapshot_id}),
            where="old",
            hint=Message("server_hint_no_previous"),
        )
    return earlier, later


@router.get("/migrations/{scheme}", response_model=MigrationPublic)
def migration(
    scheme: str, ws: WorkspaceDep, user: Summary, lang: LangDep, old: Ref = None, new: Ref = None
) -> MigrationPublic:
    """The migration matrix of a scheme between two snapshots (default: the latest two)."""
    earlier, later = pair(ws, old, new)
    m = ws.compare(earlier, later, scheme)
    return MigrationPublic(
        scheme=scheme,
        old_snapshot_id=earlier.snapshot_id,
        new_snapshot_id=later.snapshot_id,
        counts_by_direction=m.counts_by_direction(),
        matrix=records(m.matrix),
        labels=m.labels(lang),
        notes=m.notes_in(lang),
    )


@router.get("/migrations/{scheme}/movers", response_model=Page[MoverPublic])
def movers(
    scheme: str,
    ws: WorkspaceDep,
    user: Reader,
    limit: LimitDep,
    offset: OffsetDep = 0,
    old: Ref = None,
    new: Ref = None,
    direction: Annotated[str | None, Query(pattern="^(up|down|changed|entered|left)$")] = None,
) -> dict[str, Any]:
    """Customers whose class changed (a sales user: their own customers only)."""
    earlier, later = pair(ws, old, new)
    frame = ws.compare(earlier, later, scheme, principal=user).movers
    if direction is not None:
        frame = frame[frame.direction == direction]
    part = page_of(frame, offset, limit)
    return {"items": part["rows"], "total": part["total"], "offset": offset, "limit": limit}


@router.get("/alerts", response_model=RowsPublic)
def alerts(
    ws: WorkspaceDep,
    user: Reader,
    lang: LangDep,
    limit: LimitDep,
    offset: OffsetDep = 0,
    old: Ref = None,
    new: Ref = None,
) -> dict[str, Any]:
    """Alerts that fired between two snapshots (default: the latest two), most severe first."""
    earlier, later = pair(ws, old, new)
    return page_of(ws.alerts(earlier, later, principal=user, lang=lang), offset, limit)


@router.get("/trend/{scheme}", response_model=RowsPublic)
def trend(scheme: str, ws: WorkspaceDep, user: Summary, lang: LangDep) -> dict[str, Any]:
    """Per as-of date and class: customers, revenue, entered/exited and changes."""
    frame = ws.trend(scheme, lang=lang)
    return page_of(frame, 0, len(frame) or 1)
