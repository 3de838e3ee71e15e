"""Regenerate the bundled sample in ``src/custseg/sample/data/`` (Chinese headers, UTF-8 with BOM).

Usage: ``python scripts/make_sample.py [--customers 2500] [--seed 20261123]``.
The files are deterministic: running this twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from custseg.sample import generate_sample, write_sample

BUNDLED_CUSTOMERS = 2500
DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "custseg" / "sample" / "data"


def main() -> None:
    """Parse the arguments and write the four CSV files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=BUNDLED_CUSTOMERS)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    sample = generate_sample(args.customers, seed=args.seed)
    for name, path in write_sample(sample, args.out, headers="zh", format="csv").items():
        rows, size = len(sample.tables()[name]), path.stat().st_size / 1e6
        print(f"{name:14s} {rows:7d} rows  {size:5.2f} MB  {path}")  # noqa: T201


if __name__ == "__main__":
    main()
