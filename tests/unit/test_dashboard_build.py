"""The committed dashboard build matches its sources (web/src, package-lock.json, build.mjs).

The digest is the one web/build.mjs writes into static/build.json: sorted relative paths, each
hashed as "path\\0bytes\\0". A failure means: run `bash scripts/build_web.sh` and commit
src/custseg/dashboard/static.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from custseg.api import dashboard

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def source_digest() -> str:
    """The digest of the dashboard's sources, as web/build.mjs computes it."""
    inputs = [p for p in (WEB / "src").rglob("*") if p.is_file()]
    inputs += [WEB / "package-lock.json", WEB / "build.mjs"]
    digest = hashlib.sha256()
    for name in sorted(p.relative_to(WEB).as_posix() for p in inputs):
        digest.update(name.encode() + b"\0")
        digest.update((WEB / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_committed_build_matches_the_sources() -> None:
    recorded = json.loads((dashboard.STATIC / "build.json").read_text())
    assert recorded["sources_sha256"] == source_digest(), (
        "the dashboard build is stale: run `bash scripts/build_web.sh` and commit "
        "src/custseg/dashboard/static"
    )


def test_build_uses_the_locked_echarts() -> None:
    lock = json.loads((WEB / "package-lock.json").read_text())["packages"]
    recorded = json.loads((dashboard.STATIC / "build.json").read_text())
    assert recorded["echarts"] == lock["node_modules/echarts"]["version"]


def test_page_loads_only_local_assets() -> None:
    page = (dashboard.STATIC / "index.html").read_text()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/static/") for u in urls)
    bundle = (dashboard.STATIC / "app.js").read_text()
    assert "cdn.jsdelivr" not in bundle and "fonts.googleapis" not in bundle
    assert (dashboard.STATIC / "app.css").read_text().count("@import") == 0


def test_static_files_are_package_data() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert '"dashboard/static/*"' in text
