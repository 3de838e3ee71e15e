"""Chart data of one scheme (the chart that fits its kind), and the filtered customer export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from custseg.api.deps import LangDep, WorkspaceDep, require
from custseg.api.downloads import TABLE_CONTENT, table_download
from custseg.api.routers.customers import class_filters
from custseg.public import Permission, Principal

router = APIRouter(tags=["dashboard"])
Summary = Annotated[Principal, Depends(require(Permission.READ_SUMMARY))]
Reader = Annotated[Principal, Depends(require(Permission.READ_CUSTOMERS))]
SnapshotQuery = Annotated[
    str | None, Query(max_length=64, description="Snapshot id or prefix (default: latest).")
]


class ChartPublic(BaseModel):
    """Chart data of a scheme; ``chart`` depends on its ``type``, None for bars only.

    Types: ``pareto`` (points of cumulative customer share against cumulative measure share,
    and the cuts), ``quadrant`` (a sample of at most 3,000 points per class and the split
    values), ``histogram`` (bins [low, high, customers] and the cut values), ``rf_grid`` (per R
    and F score: customers and the most frequent class), ``profiles`` (natural groups' traits).
    """

    scheme: str
    kind: str
    chart: dict[str, Any] | None


@router.get("/snapshots/{snapshot_id}/schemes/{scheme}/chart", response_model=ChartPublic)
def chart(snapshot_id: str, scheme: str, ws: WorkspaceDep, user: Summary, lang: LangDep) -> Any:
    """The data of the chart that fits the scheme's kind (aggregates and a bounded sample)."""
    return ws.scheme_chart(scheme, snapshot_id, lang=lang)


@router.get(
    "/exports/customers/filtered",
    response_class=Response,
    responses=TABLE_CONTENT,
)
def export_filtered(
    ws: WorkspaceDep,
    user: Reader,
    lang: LangDep,
    snapshot: SnapshotQuery = None,
    class_: Annotated[
        list[str],
        Query(alias="class", max_length=50, description="SCHEME:CLASS; repeat to combine"),
    ] = [],  # noqa: B006
    q: Annotated[str | None, Query(max_length=200, description="Search id or name")] = None,
    sort: Annotated[str, Query(max_length=64)] = "customer_id",
    desc: bool = False,
    format: Literal["csv", "xlsx"] = "csv",  # noqa: A002
) -> Response:
    """The customer list as filtered on the page (a sales user: their own), class labels."""
    frame = ws.customers_for_export(
        class_filters(class_),
        search=q,
        sort=sort,
        descending=desc,
        snapshot_id=snapshot,
        principal=user,
        lang=lang,
    )
    return table_download(frame, f"customers-filtered.{format}", format)
