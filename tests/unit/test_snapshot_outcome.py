"""SchemeOutcome keeps skip reasons and diagnostics as messages, and reads older snapshots."""

from __future__ import annotations

import json

from custseg.i18n import Message
from custseg.snapshots.model import SchemeOutcome, join_messages


def test_messages_round_trip_through_json_and_render_per_language() -> None:
    label = Message("schemes_feat_satisfaction")
    why = join_messages([Message("schemes_skip_table", {"table": "payments"}),
                         Message("schemes_skip_feature", {"feature": "satisfaction",
                                                          "label": label})])
    note = Message("schemes_d_tied_split", {
        "scheme": "value", "feature": "clv_12m", "feature_label": Message("schemes_feat_clv_12m"),
        "value": "0", "customers": 120, "side": Message("schemes_side_high"),
        "designed": "20%", "actual": "31%"})
    outcome = SchemeOutcome("credit", "rules", "skipped", reason=why, diagnostics=(note,))
    again = SchemeOutcome.from_dict(json.loads(json.dumps(outcome.to_dict())))
    assert again == outcome
    assert again.reason_text("en") == (
        "needs the payments table, which has not been ingested (custseg ingest payments <file>); "
        "needs feature satisfaction (Satisfaction), which is empty for every customer")
    assert again.reason_text("zh").startswith("需要 payments 表，但尚未导入")
    assert "满意度" in again.reason_text("zh")
    assert again.diagnostics[0].params["customers"] == 120
    assert again.diagnostic_texts("zh") == [
        "value：未来12个月客户价值在分界值 0 处有 120 位客户取值相同，"
        "他们整体归入较高一侧（设计占比 20%，实际 31%）"]


def test_a_snapshot_stored_with_english_strings_still_reads() -> None:
    old = {"name": "credit", "kind": "rules", "status": "skipped",
           "reason": "needs the payments table",
           "diagnostics": ["1 class(es) received no customer"],
           "thresholds": {}}
    outcome = SchemeOutcome.from_dict(old)
    assert outcome.reason_text("zh") == "needs the payments table"
    assert outcome.diagnostic_texts("en") == ["1 class(es) received no customer"]
    assert SchemeOutcome("x", "rules", "computed").reason_text("zh") == ""
