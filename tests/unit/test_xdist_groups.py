"""The test groups of tests/conftest.py reach pytest-xdist: one file's tests run on one worker.

Module and session fixtures (a Spark session, a browser, a file's shared workspace) are built
once per worker that runs them; if the groups are lost, every worker builds them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_each_file_runs_on_one_worker_under_loadgroup() -> None:
    files = ["tests/unit/test_outputs.py", "tests/unit/test_cli_width.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-v",
         "-n", "2", "--dist", "loadgroup", "--no-loadscope-reorder", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = re.findall(r"\[(gw\d+)\][^\n]*? PASSED (tests/\S+?)::\S+?@(\S+)", done.stdout)
    workers: dict[str, set[str]] = {}
    for worker, path, group in ran:
        assert group == path.removeprefix("tests/"), (path, group)
        workers.setdefault(path, set()).add(worker)
    assert set(workers) == set(files), done.stdout[-3000:]
    assert len(workers["tests/unit/test_outputs.py"]) == 1, workers
