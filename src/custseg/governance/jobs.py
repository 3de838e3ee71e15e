"""The record of the server's background jobs (runs, series) in the workspace's ``jobs`` table.

The server keeps the live state of a running job in memory (:mod:`custseg.api.jobs`) and records
each job here when it starts, as it progresses and when it ends, so the job list survives a
restart. A job still ``running`` when a server starts was left by a server that stopped: it is
marked failed (:meth:`JobStore.fail_abandoned`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import ibis
import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.engine import transaction
from custseg.i18n import Lang, Message
from custseg.workspace_schema.tables import JOBS, TABLES

ABANDONED = "jobs_abandoned"


@dataclass(frozen=True, slots=True)
class JobRecord:
    """A job as recorded: what, for whom, how far, how it ended."""

    job_id: str
    kind: str
    started_by: str
    status: str
    step: str
    done: int
    total: int
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    started_at: datetime
    finished_at: datetime | None

    def public(self, lang: Lang = "en") -> dict[str, Any]:
        """The job as the API shows it, its error message in ``lang``."""
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "started_by": self.started_by,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "step": self.step,
            "done": self.done,
            "total": self.total,
            "result": self.result,
            "error": _error_in(self.error, lang),
        }


class JobStore:
    """Records jobs; lists them newest first."""

    def __init__(self, con: BaseBackend, clock: Callable[[], datetime] | None = None) -> None:
        self._con = con
        self._clock = clock or datetime.now

    def next_id(self) -> str:
        """A job id not used in this workspace yet (``JOB-00001``, ``JOB-00002``...)."""
        return f"JOB-{int(self._con.table(JOBS).count().execute()) + 1:05d}"

    def record(self, job: JobRecord) -> None:
        """Insert or replace the row of ``job``."""
        row = {name: getattr(job, name) for name in TABLES[JOBS].names}
        row["result"] = _dump(job.result)
        row["error"] = _dump(job.error)
        frame = pd.DataFrame([row]).astype(
            {"started_at": "datetime64[us]", "finished_at": "datetime64[us]"}
        )
        delete = sge.delete(JOBS, where=sge.column("job_id").eq(sge.convert(job.job_id)))
        # Not serialised: the server records progress while its own run holds the writer lock.
        with transaction(self._con, serialised=False):
            self._con.raw_sql(delete.sql(dialect=self._con.name))
            self._con.insert(JOBS, ibis.memtable(frame, schema=TABLES[JOBS]))

    def get(self, job_id: str) -> JobRecord | None:
        """A job by id (None if there is none)."""
        t = self._con.table(JOBS)
        rows = t.filter(t.job_id == job_id).to_pyarrow().to_pylist()
        return _job(rows[0]) if rows else None

    def list(self, limit: int | None = None) -> list[JobRecord]:
        """Jobs, newest first."""
        t = self._con.table(JOBS).order_by([ibis.desc("started_at"), ibis.desc("job_id")])
        if limit is not None:
            t = t.limit(limit)
        return [_job(r) for r in t.to_pyarrow().to_pylist()]

    def fail_abandoned(self) -> list[str]:
        """Mark every job still ``running`` as failed (left by a server that stopped)."""
        jobs = self._con.table(JOBS)
        rows = jobs.filter(jobs.status == "running").to_pyarrow().to_pylist()
        error = job_error("job.abandoned", Message(ABANDONED))
        for row in rows:
            failed = replace(_job(row), status="failed", error=error, finished_at=self._clock())
            self.record(failed)
        return [r["job_id"] for r in rows]


def job_error(code: str, message: str | Message) -> dict[str, Any]:
    """A job's error as recorded: code, English message, and the words to show it in zh too."""
    if isinstance(message, str):
        return {"code": code, "message": message}
    return {"code": code, "message": message.render("en"), "words": message.to_dict()}


def _error_in(error: dict[str, Any] | None, lang: Lang) -> dict[str, Any] | None:
    """``{code, message}`` with the message in ``lang`` when its words were recorded."""
    if error is None:
        return None
    words = error.get("words")
    message = Message.from_dict(words).render(lang) if words else error.get("message", "")
    return {"code": error.get("code", ""), "message": message}


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)  # type: ignore[no-any-return]


def _job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(
        job_id=row["job_id"],
        kind=row["kind"],
        started_by=row["started_by"],
        status=row["status"],
        step=row["step"] or "",
        done=int(row["done"] or 0),
        total=int(row["total"] or 0),
        result=_load(row["result"]),
        error=_load(row["error"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
