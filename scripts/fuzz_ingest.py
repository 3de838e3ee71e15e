"""The long fuzz run of `custseg ingest` (tests/integration/test_ingest_fuzz.py, many examples).

    PYTHONPATH=src python scripts/fuzz_ingest.py [EXAMPLES]     # default 500 per strategy

Random examples (not the fixed seed of the CI run); failures are shrunk by Hypothesis and printed
with the input that caused them. Exit status is pytest's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


def main(argv: list[str]) -> int:
    """Run the fuzz tests with ``argv[0]`` examples per strategy."""
    examples = argv[0] if argv else "500"
    if not examples.isdigit() or int(examples) < 1:
        print(f"usage: fuzz_ingest.py [EXAMPLES]; got {examples!r}", file=sys.stderr)
        return 2
    os.environ["CUSTSEG_FUZZ_EXAMPLES"] = examples
    test = Path(__file__).resolve().parents[1] / "tests" / "integration" / "test_ingest_fuzz.py"
    return int(pytest.main([str(test), "-q", "-p", "no:cacheprovider",
                            "--hypothesis-show-statistics"]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
