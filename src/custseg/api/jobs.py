"""Background jobs (runs and series): one writer at a time; progress and result kept in memory.

A second job while one is running is refused with 409 (not queued): the client shows the running
job and tries again when it is done. Jobs are kept for the life of the server process.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from custseg.errors import CustsegError
from custseg.i18n import Message
from custseg.workspace import Workspace

JobWork = Callable[[Workspace, Callable[[str, int, int], None]], dict[str, Any]]


@dataclass
class Job:
    """A background job's state."""

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

    def public(self) -> dict[str, Any]:
        """The job as the API shows it."""
        return {
            k: getattr(self, k)
            for k in (
                "job_id",
                "kind",
                "status",
                "started_by",
                "started_at",
                "finished_at",
                "step",
                "done",
                "total",
                "result",
                "error",
            )
        }


class JobBusyError(CustsegError):
    """A job is already writing to the workspace."""


class JobRunner:
    """Starts jobs on their own thread and connection; refuses a second writer."""

    def __init__(
        self,
        open_writer: Callable[[], Workspace],
        shared: Callable[[], Any] | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._open_writer, self._shared, self._clock = open_writer, shared, clock
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def start(self, kind: str, user: str, work: JobWork) -> Job:
        """Start ``work`` in the background; JobBusyError while another job runs."""
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
            job = Job(f"JOB-{next(self._ids):05d}", kind, user, self._clock())
            self._jobs[job.job_id] = job
        job.thread = threading.Thread(target=self._run, args=(job, work), daemon=True)
        job.thread.start()
        return job

    def busy(self) -> bool:
        """Whether a job is running."""
        return any(j.status == "running" for j in self._jobs.values())

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """Every job, newest first."""
        return sorted(self._jobs.values(), key=lambda j: j.job_id, reverse=True)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every running job (tests, shutdown)."""
        for job in list(self._jobs.values()):
            if job.thread is not None:
                job.thread.join(timeout)

    def _run(self, job: Job, work: JobWork) -> None:
        def progress(step: str, done: int, total: int) -> None:
            job.step, job.done, job.total = step, done, total

        try:
            if self._shared is not None:
                with self._shared() as ws:
                    job.result = work(ws, progress)
            else:
                ws = self._open_writer()
                try:
                    job.result = work(ws, progress)
                finally:
                    ws.close()
            job.status = "done"
        except CustsegError as exc:
            job.status, job.error = "failed", {"code": str(exc.code), "message": exc.message}
        except Exception:  # the job's own failure is reported, never its traceback
            import logging

            logging.getLogger("custseg.api").exception("job %s failed", job.job_id)
            job.status = "failed"
            job.error = {
                "code": "internal",
                "message": "the job failed unexpectedly; see the server log",
            }
        finally:
            job.finished_at = self._clock()
