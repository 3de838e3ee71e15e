"""Sample data of a trading company: a seeded generator, a bundled copy, a messy set.

The generator draws customers, orders, payments and opportunities; the bundled copy is in
``sample_data_dir()``; the messy set is for ingest demos and tests.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from custseg.sample.generator import ZH_HEADERS, SampleData, generate_sample, write_sample
from custseg.sample.messy import MESSY_FILES, MESSY_REJECTS, MessyReject, write_messy_sample

__all__ = [
    "MESSY_FILES",
    "MESSY_REJECTS",
    "MessyReject",
    "SampleData",
    "ZH_HEADERS",
    "generate_sample",
    "sample_data_dir",
    "write_messy_sample",
    "write_sample",
]


def sample_data_dir() -> Path:
    """Return the folder of the bundled sample.

    It holds ``customers.csv``, ``orders.csv``, ``payments.csv`` and ``opportunities.csv``
    (UTF-8 with BOM, Chinese headers).
    """
    with as_file(files("custseg.sample") / "data") as path:
        return Path(path)
