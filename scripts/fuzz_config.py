"""The long version of the configuration fuzz test (tests/integration/test_config_fuzz.py).

    python scripts/fuzz_config.py [SCALE]

SCALE (default 50) multiplies every test's number of examples (8 x SCALE random system files per
test, 300 x SCALE random conditions for the parser), with fresh random examples each time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the fuzz test file with the examples scaled; return pytest's exit status."""
    scale = sys.argv[1] if len(sys.argv) > 1 else "50"
    env = {**os.environ, "CUSTSEG_FUZZ_EXAMPLES": scale}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "tests" / "integration" / "test_config_fuzz.py"),
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
    ]
    return subprocess.call(command, env=env, cwd=ROOT)  # noqa: S603 (fixed arguments)


if __name__ == "__main__":
    raise SystemExit(main())
