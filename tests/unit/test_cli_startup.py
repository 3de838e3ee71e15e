"""`custseg --help` starts fast: the CLI loads heavy libraries only in commands.

Run in a fresh interpreter (this test process has long loaded pandas and the rest).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

HEAVY = ("pandas", "sklearn", "scipy", "matplotlib", "weasyprint", "openpyxl", "ibis", "duckdb")
"""Libraries that cost a second or more to import together; none is needed to show help."""

_PROBE = """
import json, sys
from custseg.cli.app import main
sys.argv = ["custseg", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(HEAVY)))
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def _probe(*args: str) -> tuple[dict[str, object], str]:
    """Run the CLI with ``args`` in a fresh interpreter: its exit code, heavy modules, stdout."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "100"}
    code = _PROBE.replace("HEAVY", repr(json.dumps(HEAVY)))
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE ")), done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("show", "--help"),
        ("evaluate", "--help"),
        ("ingest", "--help"),
    ],
)
def test_help_loads_no_heavy_library(args: tuple[str, ...]) -> None:
    outcome, out = _probe(*args)
    assert outcome["code"] == 0
    assert "Usage" in out
    assert outcome["heavy"] == [], f"`custseg {' '.join(args)}` imported {outcome['heavy']}"


def test_python_dash_m_custseg_runs_the_cli() -> None:
    for module in ("custseg", "custseg.cli.app"):
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-m", module, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"python -m {module}" in done.stdout
        assert "explain" in done.stdout


def test_constants_written_out_for_speed_match_their_sources() -> None:
    from custseg.cli import _context
    from custseg.cli.commands_models import MODEL_NAMES
    from custseg.engine import DEFAULT_WORKSPACE
    from custseg.public import PURCHASE_MODELS

    assert _context.DEFAULT_WORKSPACE == DEFAULT_WORKSPACE
    assert MODEL_NAMES == tuple(PURCHASE_MODELS)


def test_opening_the_workspace_modules_hashes_no_password() -> None:
    # An Argon2 hash costs tens of milliseconds by design; commands that log nobody in
    # (all but the server's) must not pay it at import.
    code = (
        "import argon2\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, p, **k: calls.append(p) or real(self, p, **k)\n"
        "import custseg.workspace, custseg.governance.accounts\n"
        "print('HASHES', len(calls))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "HASHES 0" in done.stdout


def test_the_action_list_does_not_load_the_report_charts() -> None:
    """Action lists (`custseg actions`) need neither matplotlib nor WeasyPrint (seconds)."""
    code = (
        "import json, sys\n"
        "import custseg.reports, custseg.reports.actions\n"
        "from custseg.reports import build_actions, write_actions\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules}"
        " & {'matplotlib', 'weasyprint'})))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == []
    from custseg.reports import ReportContent, build_content  # still there, when asked for

    assert callable(build_content) and ReportContent.__name__ == "ReportContent"
