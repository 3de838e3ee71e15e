"""Writers at once on one PostgreSQL workspace: they serialise (or fail clearly), never interleave.

Each writer has its own connection (as two processes or a server and a CLI would), on a copy of
the sample workspace on the test server. Checked every time: the audit chain verifies, every
stored snapshot has its feature table and its assignments, no feature table without a snapshot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sample_dates import FIXED_NOW, SAMPLE_AS_OFS

from custseg import open_workspace
from custseg.engine import WRITER_WAIT_ENV
from custseg.errors import WorkspaceError
from custseg.sample import sample_data_dir

pytestmark = pytest.mark.postgres


@pytest.fixture
def url(pg_server: object, sample_pg_template: str) -> Iterator[str]:
    import uuid

    name = "conc_" + uuid.uuid4().hex[:12]
    yield pg_server.copy_database(sample_pg_template, name)  # type: ignore[attr-defined]
    pg_server.drop_database(name)  # type: ignore[attr-defined]


class Timed(threading.Thread):
    """Runs ``work(ws)`` on its own connection; keeps the result, the error and when it ran."""

    def __init__(self, url: str, work: Callable[[Any, Callable[..., None]], Any]) -> None:
        super().__init__(daemon=True)
        self.url, self.work = url, work
        self.started_writing = threading.Event()
        self.first_step: float | None = None
        self.finished: float | None = None
        self.result: Any = None
        self.error: BaseException | None = None

    def progress(self, *_: Any) -> None:
        if self.first_step is None:
            self.first_step = time.monotonic()
            self.started_writing.set()

    def run(self) -> None:
        ws = open_workspace(self.url, clock=lambda: FIXED_NOW)
        try:
            self.result = self.work(ws, self.progress)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.finished = time.monotonic()
            self.started_writing.set()
            ws.close()


def assert_consistent(url: str) -> None:
    """Audit chain intact, every snapshot complete, no orphan feature table."""
    from custseg.snapshots.cleanup import orphan_feature_tables

    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        assert ws.audit.verify() == []
        seqs = list(ws.audit.entries().seq)
        assert seqs == list(range(1, len(seqs) + 1))
        for info in ws.snapshots():
            snap = ws.snapshot(info.snapshot_id)
            assert len(snap.features()) == info.customers
            frame = snap.to_frame()
            assert len(frame) == info.customers
        con = ws._con  # noqa: SLF001 - the test looks at the tables themselves
        assert orphan_feature_tables(con) == []
    finally:
        ws.close()


def test_two_runs_at_once_run_one_after_the_other(url: str) -> None:
    def run(as_of: date) -> Callable[[Any, Callable[..., None]], Any]:
        return lambda ws, progress: ws.run(as_of=as_of, progress=progress, user="ann")

    first = Timed(url, run(date(2026, 3, 31)))
    second = Timed(url, run(date(2026, 4, 30)))
    first.start()
    second.start()
    first.join(600)
    second.join(600)
    assert first.error is None and second.error is None, (first.error, second.error)
    assert first.first_step and second.first_step and first.finished and second.finished
    spans = sorted([(first.first_step, first.finished), (second.first_step, second.finished)])
    assert spans[0][1] <= spans[1][0], "the two runs wrote at the same time"

    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        as_ofs = [i.as_of.isoformat() for i in ws.snapshots()]
        assert as_ofs == ["2026-03-31", "2026-04-30", *SAMPLE_AS_OFS]
        runs = ws.audit.entries(action="run")
        assert len(runs) == len(SAMPLE_AS_OFS) + 2
    finally:
        ws.close()
    assert_consistent(url)


def test_a_run_and_an_ingest_at_once_see_one_state_of_the_data(url: str, tmp_path: Path) -> None:
    lines = (sample_data_dir() / "orders.csv").read_text(encoding="utf-8-sig").splitlines()
    smaller = tmp_path / "orders.csv"
    smaller.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    as_of = date.fromisoformat(SAMPLE_AS_OFS[-1])
    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    before = ws.snapshot().snapshot_id  # the run on the data as it is now
    ws.close()

    running = Timed(url, lambda ws, progress: ws.run(as_of=as_of, progress=progress,
                                                     user="ann"))
    ingesting = Timed(url, lambda ws, _progress: ws.ingest("orders", smaller))
    running.start()
    ingesting.start()
    running.join(600)
    ingesting.join(600)
    assert running.error is None and ingesting.error is None, (running.error, ingesting.error)
    assert ingesting.result.rows_accepted == len(lines) // 2 - 1

    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        after = ws.run(as_of=as_of, user="ann").snapshot_id  # the run on the new data
    finally:
        ws.close()
    assert before != after
    assert running.result.snapshot_id in (before, after)
    assert_consistent(url)


def test_an_override_while_a_run_writes_waits_for_it(url: str) -> None:
    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    customer = str(ws.snapshot().to_frame().customer_id.iloc[0])
    ws.close()
    running = Timed(url, lambda ws, progress: ws.run(as_of=date(2026, 4, 30), progress=progress,
                                                     user="ann"))
    running.start()
    assert running.started_writing.wait(300)
    other = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        override = other.overrides.add(
            customer, scheme="abc", class_key="A", reason="framework contract", user="mia"
        )
        added_at = time.monotonic()
    finally:
        other.close()
    running.join(600)
    assert running.error is None, running.error
    assert running.finished is not None and added_at >= running.finished - 0.5

    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        log = ws.audit.entries()
        run_seq = int(log[log.action == "run"].seq.max())
        add_seq = int(log[(log.action == "override_add")
                          & (log.subject == override.override_id)].seq.iloc[0])
        assert run_seq < add_seq
    finally:
        ws.close()
    assert_consistent(url)


def test_a_writer_that_waits_too_long_fails_with_a_clear_message(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    customer = str(ws.snapshot().to_frame().customer_id.iloc[0])
    ws.close()
    monkeypatch.setenv(WRITER_WAIT_ENV, "0.5")
    running = Timed(url, lambda ws, progress: ws.run(as_of=date(2026, 4, 30), progress=progress,
                                                     user="ann"))
    running.start()
    assert running.started_writing.wait(300)
    other = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        with pytest.raises(WorkspaceError, match="one writer at a time") as refused:
            other.overrides.add(
                customer, scheme="abc", class_key="A", reason="framework contract", user="mia"
            )
        assert "CUSTSEG_WRITER_WAIT" in str(refused.value)
        with pytest.raises(WorkspaceError, match="another custseg process"):
            other.ingest("customers", sample_data_dir() / "customers.csv")
    finally:
        other.close()
    running.join(600)
    assert running.error is None, running.error
    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        assert ws.overrides.list("all").empty
    finally:
        ws.close()
    assert_consistent(url)


def test_a_killed_runs_leftover_table_is_swept_by_the_next_run(url: str) -> None:
    import ibis

    from custseg.snapshots.store import features_table_name

    leftover = features_table_name("00000000deadbeef")
    raw = ibis.connect(url)
    try:  # what a run killed before its snapshot row was written leaves behind
        raw.create_table(leftover, ibis.memtable({"customer_id": ["C1"]}))
    finally:
        raw.disconnect()
    ws = open_workspace(url, clock=lambda: FIXED_NOW)
    try:
        ws.run(as_of=date(2026, 4, 30), user="ann")
    finally:
        ws.close()
    assert_consistent(url)
