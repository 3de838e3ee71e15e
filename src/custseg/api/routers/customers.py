"""Customers of a snapshot: paginated, sorted, filtered; one customer in full. Owner-scoped."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from custseg.api.deps import LangDep, LimitDep, OffsetDep, WorkspaceDep, require
from custseg.api.errors import ApiError
from custseg.api.frames import records
from custseg.api.schemas import CustomerPublic, CustomerRowPublic, Page
from custseg.i18n import Message
from custseg.public import SORTABLE, CustomerQuery, Permission, Principal

router = APIRouter(prefix="/customers", tags=["customers"])
Reader = Annotated[Principal, Depends(require(Permission.READ_CUSTOMERS))]
SnapshotQuery = Annotated[
    str | None, Query(max_length=64, description="Snapshot id or prefix (default: latest).")
]


def class_filters(values: list[str]) -> dict[str, list[str]]:
    """``scheme:class`` pairs grouped by scheme (classes of one scheme are alternatives)."""
    out: dict[str, list[str]] = {}
    for value in values:
        scheme, sep, key = value.partition(":")
        if not sep or not scheme or not key:
            raise ApiError(
                422,
                "request.invalid",
                Message("server_class_filter", {"value": value}),
                where="class",
                hint="?class=abc:A&class=lifecycle:active",
            )
        out.setdefault(scheme, []).append(key)
    return out


@router.get("", response_model=Page[CustomerRowPublic])
def list_customers(
    ws: WorkspaceDep,
    user: Reader,
    lang: LangDep,
    limit: LimitDep,
    offset: OffsetDep = 0,
    snapshot: SnapshotQuery = None,
    class_: Annotated[
        list[str],
        Query(alias="class", max_length=50, description="SCHEME:CLASS; repeat to combine"),
    ] = [],  # noqa: B006
    owner: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search id or name")] = None,
    sort: Annotated[str, Query(description=f"One of {', '.join(SORTABLE)}")] = "customer_id",
    desc: bool = False,
) -> dict[str, Any]:
    """A page of customers with their class in every scheme; a sales user sees their own only."""
    query = CustomerQuery(
        classes=class_filters(class_),
        owner=owner,
        search=q,
        sort=sort,
        descending=desc,
        offset=offset,
        limit=limit,
    )
    frame, total = ws.customers(query, snapshot_id=snapshot, principal=user, lang=lang)
    return {"items": records(frame), "total": total, "offset": offset, "limit": limit}


@router.get("/{customer_id}", response_model=CustomerPublic)
def one_customer(
    customer_id: str, ws: WorkspaceDep, user: Reader, lang: LangDep, snapshot: SnapshotQuery = None
) -> dict[str, Any]:
    """Every class with reason and strategy, features, model scores and class history."""
    return ws.customer(customer_id, snapshot_id=snapshot, principal=user, lang=lang)
