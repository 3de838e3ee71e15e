"""The dashboard's overview of a snapshot: headline figures and every scheme's class counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from custseg.api.deps import LangDep, WorkspaceDep, require
from custseg.public import Permission, Principal

router = APIRouter(tags=["dashboard"])
Summary = Annotated[Principal, Depends(require(Permission.READ_SUMMARY))]


class ClassCountPublic(BaseModel):
    """One class of a scheme: customers and share of customers."""

    key: str
    label: str
    customers: int
    share: float


class SchemeCountsPublic(BaseModel):
    """A computed scheme with its classes' counts."""

    name: str
    label: str
    kind: str
    classes: list[ClassCountPublic]


class SkippedPublic(BaseModel):
    """A scheme the run skipped, with the reason in the request's language."""

    name: str
    label: str
    reason: str


class OverviewPublic(BaseModel):
    """Headline figures of a snapshot (aggregates only: every role that reads summaries).

    ``a_revenue_share``: share of 12-month revenue from ABC class A (None without ABC);
    ``findings``: health findings per level (None for snapshots older than the health check);
    ``pending_overrides``: None for roles that do not read customer-level data;
    ``own_customers``: a sales user's own customers (None for other roles).
    """

    snapshot_id: str
    as_of: str
    customers: int
    buying_12m: int
    revenue_12m: float
    a_revenue_share: float | None
    findings: dict[str, int] | None
    pending_overrides: int | None
    own_customers: int | None = None
    schemes: list[SchemeCountsPublic]
    skipped: list[SkippedPublic]


@router.get("/overview", response_model=OverviewPublic)
def overview(
    ws: WorkspaceDep,
    user: Summary,
    lang: LangDep,
    snapshot: Annotated[
        str | None, Query(max_length=64, description="Snapshot id or prefix (default: latest).")
    ] = None,
) -> dict[str, Any]:
    """Customers, buying in the last 12 months, revenue, A share, findings, class counts."""
    return ws.overview(snapshot, principal=user, lang=lang)
