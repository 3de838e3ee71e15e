"""The deliberately messy sample: every documented bad row is rejected, the rest classify."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from custseg.sample.messy import MESSY_FILES, MESSY_REJECTS, write_messy_sample


def test_messy_files_reject_exactly_the_documented_rows_and_classify(make_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = write_messy_sample(tmp_path / "messy")
    ws = make_workspace()
    found = set()
    for table in ("customers", "orders", "payments"):
        report = ws.ingest(table, files[table])
        assert report.rows_read == report.rows_accepted + report.rows_rejected
        for r in report.rejected:
            found.add((MESSY_FILES[table], r.row, str(r.code)))
    expected = {(m.file, m.row, str(m.code)) for m in MESSY_REJECTS}
    assert found == expected

    snap = ws.run(as_of=date(2024, 12, 31))
    # No opportunities and no surveys in the messy set: those schemes may be skipped, with reasons;
    # too few purchasers for the purchase models, so value (which needs the CLV) is skipped too.
    assert set(snap.info.skipped_schemes) <= {"satisfaction", "abc_profit", "value"}
    assert snap.info.extra["models"]["status"] != "fitted" or "value" not in snap.info.skipped_schemes
    assert all(reason for reason in snap.info.skipped_schemes.values())
    long = snap.assignments()
    assert long.groupby(["scheme", "customer_id"]).size().max() == 1
    assert set(long.customer_id) == set(snap.features().customer_id)
