"""Runs and series as background jobs: start (202), progress and result.

One writer at a time: starting a job while another runs answers 409 (it is not queued).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from custseg.api.deps import LangDep, PrincipalDep, WorkspaceDep, require
from custseg.api.errors import ApiError
from custseg.api.schemas import JobPublic, RunCreate, SeriesCreate
from custseg.i18n import Message
from custseg.public import Permission, Principal
from custseg.workspace import Workspace

router = APIRouter(tags=["jobs"])
Runner = Annotated[Principal, Depends(require(Permission.RUN))]
_BUSY = {409: {"description": "Another job is running: one writer at a time, not queued."}}


@router.post("/runs", response_model=JobPublic, status_code=202, responses=_BUSY)
def start_run(body: RunCreate, request: Request, ws: WorkspaceDep, user: Runner) -> dict[str, Any]:
    """Classify every customer as of a date under the active system, in the background."""
    system = ws.active_system.current().system
    as_of = body.as_of

    def work(writer: Workspace, progress: Callable[[str, int, int], None]) -> dict[str, Any]:
        snap = writer.run(as_of=as_of, system=system, progress=progress, user=user.name)
        return {
            "snapshot_id": snap.snapshot_id,
            "as_of": snap.as_of.isoformat(),
            "customers": snap.info.customers,
        }

    return _start(request, ws, "run", user, work)


@router.post("/series", response_model=JobPublic, status_code=202, responses=_BUSY)
def start_series(
    body: SeriesCreate, request: Request, ws: WorkspaceDep, user: Runner
) -> dict[str, Any]:
    """One snapshot per week, month or quarter end from start to end, in the background."""
    system = ws.active_system.current().system

    def work(writer: Workspace, progress: Callable[[str, int, int], None]) -> dict[str, Any]:
        def step(as_of: Any, done: int, total: int, what: str) -> None:
            progress(f"{as_of}: {what}", done, total)

        report = writer.run_series(
            body.every, body.start, body.end, system=system, progress=step, user=user.name
        )
        return report.to_dict()

    return _start(request, ws, "series", user, work)


def _start(
    request: Request, ws: Workspace, kind: str, user: Principal, work: Any
) -> dict[str, Any]:
    from custseg.api.jobs import JobBusyError

    try:
        job = request.app.state.jobs.start(kind, user.name, work, ws)
    except JobBusyError as exc:
        raise ApiError(
            409, "job.busy", exc.msg or exc.message, hint=Message("server_hint_busy")
        ) from None
    return job.public()  # type: ignore[no-any-return]


@router.get("/jobs", response_model=list[JobPublic])
def list_jobs(
    request: Request, ws: WorkspaceDep, user: PrincipalDep, lang: LangDep
) -> list[dict[str, Any]]:
    """Jobs, newest first (those of earlier server processes too)."""
    return [j.public(lang) for j in request.app.state.jobs.list(ws)]


@router.get("/jobs/{job_id}", response_model=JobPublic)
def one_job(
    job_id: str, request: Request, ws: WorkspaceDep, user: PrincipalDep, lang: LangDep
) -> dict[str, Any]:
    """A job's progress and, when done, its result (or error)."""
    job = request.app.state.jobs.get(job_id, ws)
    if job is None:
        raise ApiError(
            404,
            "not_found",
            Message("server_job_unknown", {"job": job_id}),
            where="job_id",
            hint="/api/v1/jobs",
        )
    return job.public(lang)  # type: ignore[no-any-return]
