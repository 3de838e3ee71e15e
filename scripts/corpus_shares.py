"""Print the class shares of lifecycle, ABC, composite grade and sales x loyalty on the corpus.

Usage: PYTHONPATH=src python scripts/corpus_shares.py [DATASET ...] [--findings]
Datasets: sample, cdnow_master and the generated businesses of tests/corpus/generators.py.
Each run builds a fresh workspace in a temporary folder with the built-in catalogue.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custseg import open_workspace  # noqa: E402
from custseg.i18n import Message  # noqa: E402
from custseg.sample import sample_data_dir  # noqa: E402
from custseg.tables import TABLE_NAMES  # noqa: E402
from tests.corpus.generators import GENERATED, cdnow_master, load_business  # noqa: E402

SCHEMES = ("lifecycle", "abc", "composite", "sales_loyalty")
NOW = datetime(2026, 7, 1, 9, 0)


def _workspace(name: str, folder: Path):  # noqa: ANN202
    ws = open_workspace(folder / f"{name}.duckdb", clock=lambda: NOW)
    if name == "sample":
        for table in TABLE_NAMES:
            source = sample_data_dir() / f"{table}.csv"
            if source.exists():
                ws.ingest(table, source)
        return ws, None
    business = cdnow_master() if name == "cdnow_master" else GENERATED[name]()
    load_business(ws, business, folder)
    return ws, business.as_of


def shares(name: str, findings: bool = False) -> tuple[dict[str, str], float]:
    """Scheme -> "class share, ..." on one dataset, and the run's seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        ws, as_of = _workspace(name, Path(tmp))
        started = time.perf_counter()
        snap = ws.run(as_of=as_of)
        seconds = time.perf_counter() - started
        out = {}
        for scheme in SCHEMES:
            if scheme not in snap.info.computed_schemes:
                out[scheme] = "(skipped)"
                continue
            table = snap.summary(scheme, lang="en")
            parts = [
                f"{row['class_key']} {100 * row['share']:.1f}%"
                for row in table.to_dict("records")
                if row["customers"] > 0
            ]
            out[scheme] = ", ".join(parts)
        if findings:
            for item in snap.info.extra.get("health", []):
                text = Message.from_dict(item["message"]).render("en")
                print(f"  {name} {item['level']}: {text}")
        ws.close()
    return out, seconds


def main(argv: list[str]) -> None:
    names = [a for a in argv if not a.startswith("--")] or [
        "sample",
        "cdnow_master",
        *GENERATED,
    ]
    print("| dataset | run s | " + " | ".join(SCHEMES) + " |")
    print("|---|---|" + "---|" * len(SCHEMES))
    for name in names:
        result, seconds = shares(name, findings="--findings" in argv)
        cells = " | ".join(result[s] for s in SCHEMES)
        print(f"| {name} | {seconds:.1f} | {cells} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
