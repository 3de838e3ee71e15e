"""Killing a run (SIGKILL, no chance to clean up) leaves the record whole.

Each test runs the classification in a child process against a copy of the shared history
workspace, kills it, and then checks from the parent that every stored snapshot is complete,
that no half-written rows exist, and that the next run repairs what the killed one left.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import ibis
import pytest

from custseg import open_workspace
from custseg.governance.audit import AUDIT_LOG, AuditLog
from custseg.snapshots.cleanup import orphan_feature_tables
from custseg.snapshots.store import ASSIGNMENTS, SNAPSHOTS, features_table_name

pytestmark = pytest.mark.slow


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "killed.duckdb"
    shutil.copyfile(source, target)
    return target


def _run_child(script: str, workspace: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    code = textwrap.dedent(script)
    return subprocess.run(
        [sys.executable, "-c", code, str(workspace)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_record_is_whole(path: Path) -> set[str]:
    """Every snapshot row has its full assignments and feature table; nothing else is stored."""
    con = ibis.duckdb.connect(str(path))
    try:
        snapshots = con.table(SNAPSHOTS).to_pandas()
        assignments = con.table(ASSIGNMENTS)
        per_snapshot = (
            assignments.group_by("snapshot_id").aggregate(rows=assignments.count()).to_pandas()
        )
        stored = dict(zip(per_snapshot.snapshot_id, per_snapshot.rows, strict=True))
        ids = set(snapshots.snapshot_id)
        assert set(stored) <= ids, f"assignments of unwritten snapshots: {set(stored) - ids}"
        import json

        for row in snapshots.itertuples():
            computed = [o for o in json.loads(row.outcomes) if o["status"] == "computed"]
            assert stored.get(row.snapshot_id, 0) == row.customers * len(computed)
            features = con.table(features_table_name(row.snapshot_id))
            assert features.count().execute() == row.customers
        # One `run` audit entry per snapshot, written in the snapshot's own transaction, and
        # the hash chain intact.
        audit = con.table(AUDIT_LOG)
        runs = audit.filter(audit.action == "run").subject.to_pyarrow().to_pylist()
        assert sorted(runs) == sorted(ids)
        assert AuditLog(con).verify() == []
        return ids
    finally:
        con.disconnect()


def test_kill_while_classifying_leaves_no_snapshot_and_the_next_run_cleans_up(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    path = _copy(history_workspace_file, tmp_path)
    before = assert_record_is_whole(path)
    result = _run_child(
        """
        import os, signal, sys
        from datetime import date
        from custseg import open_workspace

        ws = open_workspace(sys.argv[1])

        def progress(step, done, total):
            if step == "scheme composite":
                os.kill(os.getpid(), signal.SIGKILL)

        ws.run(as_of=date(2026, 3, 31), progress=progress)
        """,
        path,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert assert_record_is_whole(path) == before

    ws = open_workspace(path)
    try:
        leftovers = orphan_feature_tables(ws._con)
        assert len(leftovers) == 1  # the killed run's feature table, unreferenced
        snapshot = ws.run(as_of=date(2026, 3, 31))
        assert orphan_feature_tables(ws._con) == []
        assert features_table_name(snapshot.snapshot_id) == leftovers[0]  # same inputs, same id
    finally:
        ws.close()
    assert assert_record_is_whole(path) == before | {snapshot.snapshot_id}


def test_kill_inside_the_snapshot_transaction_rolls_it_back(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    path = _copy(history_workspace_file, tmp_path)
    before = assert_record_is_whole(path)
    result = _run_child(
        """
        import os, signal, sys
        from datetime import date
        from custseg import open_workspace

        import custseg.snapshots.ordered_write as ordered_write

        ws = open_workspace(sys.argv[1])
        real_insert = ordered_write.insert_from

        def insert(con, name, obj):
            # Die inside the snapshot's transaction: the assignments are inserted (the run
            # stages every scheme's classes first and appends them sorted), the snapshot row
            # is not.
            result = real_insert(con, name, obj)
            if name == "assignments":
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        ordered_write.insert_from = insert
        ws.run(as_of=date(2026, 3, 31))
        sys.exit("the run ended without inserting its assignments")
        """,
        path,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert assert_record_is_whole(path) == before


def test_kill_at_an_arbitrary_moment_of_a_series_then_resume(
    history_workspace_file: Path, tmp_path: Path
) -> None:
    path = _copy(history_workspace_file, tmp_path)
    before = assert_record_is_whole(path)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from custseg.cli.app import main; main()",
            "-w",
            str(path),
            "run",
            "--every",
            "month",
            "--from",
            "2025-07-01",
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(8)  # a few periods in: long enough to be mid-series, not long enough to finish
    child.kill()
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    partial = assert_record_is_whole(path)
    assert before <= partial

    ws = open_workspace(path)
    try:
        report = ws.run_series("month", date(2025, 7, 1), date(2026, 6, 30))
    finally:
        ws.close()
    assert [i.as_of.month for i in report.items] == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    written_before_the_kill = partial - before
    assert written_before_the_kill <= {i.snapshot_id for i in report.kept}
    assert assert_record_is_whole(path) >= {i.snapshot_id for i in report.items}
