"""Make the stored old workspace that tests/integration/test_workspace_schema.py upgrades.

The file ``tests/data/workspaces/v0.duckdb.gz`` was written by this script with the code of
commit c7e39a5 (before the workspace had a schema version): a small seeded sample, two snapshots
(month ends 2026-05-31 and 2026-06-30), a changed setting, an activated system, an override, an
admin and a sales user, and an API token. Run it again only to make a workspace of another
release (name it after that release)::

    PYTHONPATH=src python scripts/make_old_workspace.py tests/data/workspaces/v0.duckdb.gz

It uses only the public façade, so it also runs on later code (which writes a newer workspace).
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from custseg.sample import generate_sample, write_sample
from custseg.schemes import load_default_system
from custseg.workspace import open_workspace

AS_OF = (date(2026, 5, 31), date(2026, 6, 30))
PASSWORDS = {"admin": "old-admin-pass-1", "li.na": "old-sales-pass-1"}  # test accounts only
NOW = datetime(2026, 7, 1, 9, 0, 0)


def make(out: Path) -> None:
    """Write the gzipped DuckDB workspace to ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_sample(generate_sample(60, seed=7), folder / "sample", headers="en")
        db = folder / "old.duckdb"
        ticks = iter(NOW + timedelta(minutes=i) for i in range(10_000))
        ws = open_workspace(db, clock=lambda: next(ticks))
        for table, path in files.items():
            ws.ingest(table, path)
        ws.settings.set("require_override_approval", True, user="admin")
        ws.active_system.activate(load_default_system(), by="admin")
        ws.run(as_of=AS_OF[0], user="admin")
        snap = ws.run(as_of=AS_OF[1], user="admin")
        customer = str(snap.to_frame().customer_id.iloc[0])
        pending = ws.overrides.add(
            customer, scheme="abc", class_key="A", reason="framework contract", user="analyst"
        )
        ws.overrides.approve(pending.override_id, user="manager")
        ws.accounts.add_user("admin", role="admin", password=PASSWORDS["admin"], by="setup")
        ws.accounts.add_user(
            "li.na", role="sales", password=PASSWORDS["li.na"], owner="Li Na", by="admin"
        )
        ws.accounts.create_token("admin", kind="api", ttl=None, label="old", by="admin")
        ws.close()
        with db.open("rb") as src, gzip.open(out, "wb", compresslevel=9) as dst:
            shutil.copyfileobj(src, dst)


if __name__ == "__main__":
    make(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/workspaces/v0.duckdb.gz"))
