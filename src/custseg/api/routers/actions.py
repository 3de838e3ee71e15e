"""Action lists, exports and reports (downloads). Owner-scoped."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from fastapi.responses import FileResponse, Response

from custseg.api.deps import LangDep, LimitDep, OffsetDep, WorkspaceDep, require
from custseg.api.downloads import MEDIA, TABLE_CONTENT, attachment, table_download
from custseg.api.frames import page_of
from custseg.api.schemas import RowsPublic
from custseg.public import Permission, Principal

router = APIRouter(tags=["actions and downloads"])
Reader = Annotated[Principal, Depends(require(Permission.READ_CUSTOMERS))]
Ref = Annotated[str | None, Query(max_length=64)]


@router.get("/actions", response_model=RowsPublic)
def actions(
    ws: WorkspaceDep,
    user: Reader,
    lang: LangDep,
    limit: LimitDep,
    offset: OffsetDep = 0,
    snapshot: Ref = None,
    detail: bool = False,
) -> dict[str, Any]:
    """The action list (per owner role: whom to act on and what to do); moves first."""
    snap = ws.snapshot(snapshot)
    frame = ws.actions(snap, ws.previous(snap), principal=user, lang=lang, detail=detail)
    return page_of(frame, offset, limit)


@router.get(
    "/exports/customers",
    response_class=Response,
    responses=TABLE_CONTENT,
)
def export_customers(
    ws: WorkspaceDep,
    user: Reader,
    lang: LangDep,
    snapshot: Ref = None,
    format: Literal["csv", "xlsx"] = "csv",
    labels: bool = False,  # noqa: A002
) -> Response:
    """One row per customer (a sales user: their own), one class column per scheme."""
    snap = ws.snapshot(snapshot)
    frame = ws.export(snap, principal=user, lang=lang if labels else None)
    return table_download(frame, f"customers-{snap.as_of}-{snap.snapshot_id[:8]}.{format}", format)


@router.get(
    "/exports/actions", response_class=Response, responses={200: {"content": {MEDIA["xlsx"]: {}}}}
)
def export_actions(ws: WorkspaceDep, user: Reader, lang: LangDep, snapshot: Ref = None) -> Response:
    """The action list as an xlsx workbook, one sheet per owner role."""
    from custseg.public import write_actions

    snap = ws.snapshot(snapshot)
    frame = ws.actions(snap, ws.previous(snap), principal=user, lang=lang)
    name = f"actions-{snap.as_of}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_actions(frame, path, by="owner", lang=lang)
        return Response(path.read_bytes(), media_type=MEDIA["xlsx"], headers=attachment(name))


@router.get(
    "/reports/{format}",
    response_class=FileResponse,
    responses={200: {"content": {m: {} for k, m in MEDIA.items() if k != "csv"}}},
)
def report(
    format: Literal["xlsx", "html", "pdf"],
    ws: WorkspaceDep,  # noqa: A002
    user: Annotated[Principal, Depends(require(Permission.READ_ALL_CUSTOMERS))],
    lang: LangDep,
    tasks: BackgroundTasks,
    snapshot: Ref = None,
) -> FileResponse:
    """The report of a snapshot (it lists movers of every owner: analyst, manager, admin)."""
    snap = ws.snapshot(snapshot)
    folder = tempfile.mkdtemp(prefix="custseg-report-")
    name = f"report-{snap.as_of}.{format}"
    path = ws.report(snap, Path(folder) / name, format=format, lang=lang, principal=user)
    tasks.add_task(_remove, Path(folder))
    return FileResponse(path, media_type=MEDIA[format], filename=name)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
