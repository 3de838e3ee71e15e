"""Customers of a snapshot: paginated, sorted, filtered; one customer in full. Owner-scoped."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from custseg.api.deps import LangDep, LimitDep, OffsetDep, ReadCacheDep, WorkspaceDep, require
from custseg.api.encoded import snapshot_json
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
    cache: ReadCacheDep,
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
) -> Response:
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
    snap = ws.snapshot(snapshot)

    def page() -> dict[str, Any]:
        frame, total = ws.customers(query, snapshot_id=snap.snapshot_id, principal=user, lang=lang)
        return {"items": records(frame), "total": total, "offset": offset, "limit": limit}

    # Kept per owner scope: a sales user's page is never handed to a reader of another scope.
    key = ("customers", ("owner", user.owner_scope), *query.key(), lang)
    return snapshot_json(cache, snap.snapshot_id, key, Page[CustomerRowPublic], page)


@router.get("/{customer_id}", response_model=CustomerPublic)
def one_customer(
    customer_id: str, ws: WorkspaceDep, user: Reader, lang: LangDep, snapshot: SnapshotQuery = None
) -> dict[str, Any]:
    """Every class with reason and strategy, features, model scores and class history."""
    return ws.customer(customer_id, snapshot_id=snapshot, principal=user, lang=lang)
