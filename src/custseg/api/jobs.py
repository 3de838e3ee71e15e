"""Background jobs (runs and series): one writer at a time, each recorded in the workspace.

The live progress is kept in memory; each job is also recorded in the workspace's ``jobs`` table
(through ``Workspace.jobs``) so the job list survives a restart.

A second job while one is running is refused with 409 (not queued): the client shows the running
job and tries again when it is done. The table gets a job's row when it starts, its progress at
most every few seconds while it runs, and its end; a job a stopped server left ``running`` is
marked failed when the next server starts (:meth:`JobRunner.fail_abandoned`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from custseg.errors import CustsegError
from custseg.i18n import Lang, Message
from custseg.public import JobRecord, job_error
from custseg.workspace import Workspace

JobWork = Callable[[Workspace, Callable[[str, int, int], None]], dict[str, Any]]
Journal = Callable[[bool], contextlib.AbstractContextManager[Workspace | None]]
"""``journal(wait)`` holds the workspace that records jobs (None when ``wait`` is False and it
is busy)."""
PROGRESS_EVERY_SECONDS = 3.0


@dataclass
class Job:
    """A background job's live state."""

    job_id: str
    kind: str
    started_by: str
    started_at: datetime
    status: str = "running"
    finished_at: datetime | None = None
    step: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    thread: threading.Thread | None = field(default=None, repr=False)

    def record(self) -> JobRecord:
        """The job as the workspace records it."""
        return JobRecord(
            job_id=self.job_id,
            kind=self.kind,
            started_by=self.started_by,
            status=self.status,
            step=self.step,
            done=self.done,
            total=self.total,
            result=self.result,
            error=self.error,
            started_at=self.started_at,
            finished_at=self.finished_at,
        )

    def public(self, lang: Lang = "en") -> dict[str, Any]:
        """The job as the API shows it, its error message in ``lang``."""
        return self.record().public(lang)


class JobBusyError(CustsegError):
    """A job is already writing to the workspace."""


class JobRunner:
    """Starts jobs on their own thread and connection; refuses a second writer."""

    def __init__(
        self,
        open_writer: Callable[[], Workspace],
        shared: Callable[[], Any] | None,
        clock: Callable[[], datetime],
        journal: Journal | None = None,
        writing: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
    ) -> None:
        self._open_writer, self._shared, self._clock = open_writer, shared, clock
        self._journal = journal or _no_journal
        self._writing = writing
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, user: str, work: JobWork, ws: Workspace) -> Job:
        """Start ``work`` in the background; JobBusyError while another job runs.

        ``ws`` is the workspace the request holds: the job is recorded there first.
        """
        with self._lock:
            running = [j for j in self._jobs.values() if j.status == "running"]
            if running:
                first = running[0]
                raise JobBusyError(
                    Message(
                        "server_job_busy",
                        {"job": first.job_id, "kind": first.kind, "user": first.started_by},
                    )
                )
            job = Job(ws.jobs.next_id(), kind, user, self._clock())
            ws.jobs.record(job.record())
            self._jobs[job.job_id] = job
        job.thread = threading.Thread(target=self._run, args=(job, work), daemon=True)
        job.thread.start()
        return job

    def busy(self) -> bool:
        """Whether a job is running."""
        return any(j.status == "running" for j in self._jobs.values())

    def get(self, job_id: str, ws: Workspace) -> Job | JobRecord | None:
        """A job by id: live in this process, or recorded in the workspace ``ws``."""
        if job_id in self._jobs:
            return self._jobs[job_id]
        return ws.jobs.get(job_id)

    def list(self, ws: Workspace) -> list[Job | JobRecord]:
        """Every job, newest first: this process's, and those recorded in ``ws`` before."""
        known: dict[str, Job | JobRecord] = {r.job_id: r for r in ws.jobs.list()}
        known.update(self._jobs)
        return sorted(known.values(), key=lambda j: (j.started_at, j.job_id), reverse=True)

    def fail_abandoned(self) -> list[str]:
        """Mark jobs left ``running`` by a stopped server as failed; return their ids."""
        with self._journal(True) as ws:
            return ws.jobs.fail_abandoned() if ws is not None else []

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every running job (tests, shutdown)."""
        for job in list(self._jobs.values()):
            if job.thread is not None:
                job.thread.join(timeout)

    def _run(self, job: Job, work: JobWork) -> None:
        last = [time.monotonic()]

        def progress(step: str, done: int, total: int) -> None:
            job.step, job.done, job.total = step, done, total
            # A job on the shared connection (in-memory workspace) records only its end.
            if self._shared is None and time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
                last[0] = time.monotonic()
                self._record(job, wait=False)

        try:
            if self._shared is not None:
                with self._shared() as ws, self._writing():
                    job.result = work(ws, progress)
            else:
                ws = self._open_writer()
                try:
                    with self._writing():
                        job.result = work(ws, progress)
                finally:
                    ws.close()
            job.status = "done"
        except CustsegError as exc:
            job.status, job.error = "failed", job_error(str(exc.code), exc.msg or exc.message)
        except Exception:  # the job's own failure is reported, never its traceback
            logging.getLogger("custseg.api").exception("job %s failed", job.job_id)
            job.status = "failed"
            job.error = job_error("internal", Message("jobs_failed_unexpectedly"))
        finally:
            job.finished_at = self._clock()
            self._record(job, wait=True)

    def _record(self, job: Job, *, wait: bool) -> None:
        """Write the job's row; progress is skipped while the workspace is busy."""
        try:
            with self._journal(wait) as ws:
                if ws is not None:
                    ws.jobs.record(job.record())
        except Exception:  # a record that fails must not fail the job; the log says why
            logging.getLogger("custseg.api").exception("job %s not recorded", job.job_id)


@contextlib.contextmanager
def _no_journal(wait: bool) -> Iterator[Workspace | None]:
    yield None
