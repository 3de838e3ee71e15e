"""scripts/system-deps.sh waits for a busy package manager instead of failing (bounded)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps.sh"


def _fake_tools(folder: Path, failures: int) -> Path:
    """dpkg says fontconfig is missing; apt-get fails ``failures`` times (a held lock), then
    succeeds; id says root; sleep returns at once. Every apt-get call is logged."""
    folder.mkdir()
    tools = {
        "dpkg": '[ "$2" = fontconfig ] && exit 1; exit 0',
        "id": "echo 0",
        "sleep": "exit 0",
        "apt-get": (
            f'echo "$@" >> {folder}/apt.log\n'
            f'n=$(wc -l < {folder}/apt.log)\n'
            f'[ "$n" -le {failures} ] && {{ echo "E: Could not get lock" >&2; exit 100; }}\n'
            "exit 0"
        ),
    }
    for name, body in tools.items():
        path = folder / name
        path.write_text(f"#!/usr/bin/env bash\n{body}\n")
        path.chmod(0o755)
    return folder


def _run(fake: Path, wait: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "CUSTSEG_APT_WAIT": wait}
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [bash, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_held_lock_is_waited_for_and_retried(tmp_path: Path) -> None:
    fake = _fake_tools(tmp_path / "bin", failures=2)
    result = _run(fake, "300")
    assert result.returncode == 0, result.stderr
    calls = (fake / "apt.log").read_text().splitlines()
    assert all("-o DPkg::Lock::Timeout=300" in call for call in calls)
    assert [c.split()[2] for c in calls] == ["update", "update", "update", "install"]
    assert calls[-1].endswith("fontconfig")
    assert result.stderr.count("apt is busy") == 2


@pytest.mark.parametrize("failures", [1, 99])
def test_the_wait_is_bounded(tmp_path: Path, failures: int) -> None:
    fake = _fake_tools(tmp_path / "bin", failures=failures)
    result = _run(fake, "0")
    assert result.returncode == 1
    assert "install by hand" in result.stderr or "install them by hand" in result.stderr
