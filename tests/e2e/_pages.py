"""Helpers of the dashboard tests: facts read from the workspace, page checks."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

# A word key shown instead of its text, e.g. "nav.overview" or "feature.revenue_12m".
RAW_KEY = re.compile(
    r"\b(?:app|nav|login|role|common|error|empty|overview|level|scheme|kind|chart|unit|feature|"
    r"customers|customer|override|status|movement|direction|work|severity|governance|audit|"
    r"data|job|jobstatus|table)\.[a-z][a-z0-9_]+\b"
)


def latest_facts(path: Path) -> dict[str, Any]:
    """From a copy of the workspace: latest snapshot's classes and owners per customer."""
    from custseg import open_workspace

    copy = Path(tempfile.mkdtemp(prefix="custseg-facts-")) / "facts.duckdb"
    shutil.copyfile(path, copy)
    ws = open_workspace(copy)
    snap = ws.snapshot()
    wide = snap.to_frame()
    features = snap.features()
    facts = {
        "snapshot_id": snap.snapshot_id,
        "customers": len(wide),
        "classes": wide.set_index("customer_id").to_dict("index"),
        "owner": dict(zip(features.customer_id.astype(str), features.owner, strict=True)),
        "name": dict(zip(features.customer_id.astype(str), features["name"], strict=True)),
        "abc_label": snap.class_labels("abc", "en"),
        "abc_title": "ABC grading",
        "snapshots": len(ws.snapshots()),
    }
    ws.close()
    return facts


def settle(page: Any, timeout: float = 30_000) -> None:
    """Wait until the main area has a heading and nothing is loading any more."""
    page.wait_for_selector("main h1")
    page.wait_for_function(
        "() => !document.querySelector('main .loading, main .pending-value')",
        timeout=timeout,
        polling=100,
    )


def assert_clean(page: Any) -> None:
    """No raw word key and no error box on the page."""
    text = page.inner_text("body")
    keys = RAW_KEY.findall(text)
    assert not keys, f"raw keys on the page: {keys[:10]}"
    errors = page.locator("main .error")
    assert errors.count() == 0, errors.first.inner_text()


def number(text: str) -> int:
    """The integer in a formatted figure such as "2,500" or "2,500 customers"."""
    digits = re.search(r"\d[\d,]*", text)
    assert digits, text
    return int(digits.group(0).replace(",", ""))
