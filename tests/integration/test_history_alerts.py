"""Alerts: each built-in fires on its move and not on others; custom alerts; validation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from _history_cases import grade_system, write_snapshot

from custseg.errors import ConfigError
from custseg.history import effective_alerts, evaluate_alerts
from custseg.schemes import load_default_system
from custseg.schemes.alerts_in_force import builtin_alerts

MAY, JUNE = date(2026, 5, 31), date(2026, 6, 30)
ABSENT = None

# (alert, scheme, [(customer, old class or None, new class, tenure_days, fires)])
BUILT_IN_CASES: list[tuple[str, str, list[tuple[str, str | None, str, int, bool]]]] = [
    ("key_customer_down", "abc", [
        ("a1", "A", "B", 900, True), ("a2", "A", "C", 900, True), ("a3", "B", "C", 900, False),
        ("a4", "A", "A", 900, False), ("a5", "B", "A", 900, False)]),
    ("grade_a_down", "composite", [
        ("b1", "A", "C", 900, True), ("b2", "B", "D", 900, False), ("b3", "C", "A", 900, False)]),
    ("high_power_down", "purchasing_power", [
        ("c1", "high", "medium", 900, True), ("c2", "medium", "low", 900, False),
        ("c3", "high", "no_purchase", 900, False), ("c4", "low", "high", 900, False)]),
    ("high_value_down", "value", [
        ("d1", "high_value", "low_value", 900, True),
        ("d2", "high_value", "no_purchase", 900, False),
        ("d3", "low_value", "high_value", 900, False)]),
    ("active_lapsed", "lifecycle", [
        ("e1", "active", "dormant", 900, True), ("e2", "active", "churned", 900, True),
        ("e3", "dormant", "churned", 900, False), ("e4", "potential", "active", 900, False),
        ("e5", "active", "active", 900, False)]),
    ("turned_dangerous", "sales_loyalty", [
        ("f1", "treasure", "dangerous", 900, True), ("f2", "rising_star", "dangerous", 900, True),
        ("f3", ABSENT, "dangerous", 900, True), ("f4", "dangerous", "dangerous", 900, False),
        ("f5", "treasure", "rising_star", 900, False)]),
    ("small_customer_grew", "revenue_contribution", [
        ("g1", "low", "medium", 900, True), ("g2", "low", "high", 900, True),
        ("g3", "medium", "high", 900, False), ("g4", "high", "low", 900, False)]),
    ("purchasing_power_grew", "purchasing_power", [
        ("h1", "low", "high", 900, True), ("h2", "no_purchase", "high", 900, False),
        ("h3", "medium", "high", 900, False)]),
    ("credit_down", "credit", [
        ("i1", "A", "B", 900, True), ("i2", "B", "D", 900, True),
        ("i3", "no_history", "D", 900, False),
        ("i4", "D", "C", 900, False)]),
    ("new_key_customer", "abc", [
        ("j1", ABSENT, "A", 30, True), ("j2", "C", "A", 60, True), ("j3", "C", "A", 400, False),
        ("j4", ABSENT, "B", 30, False), ("j5", "A", "A", 20, False)]),
]


def _pair(ws: object, system: object, scheme: str, cases: list[tuple]) -> tuple[object, object]:
    old = {c: o for c, o, _, _, _ in cases if o is not None}
    new = {c: n for c, _, n, _, _ in cases}
    features = pd.DataFrame(
        {
            "customer_id": [c for c, *_ in cases],
            "revenue_12m": [float(1000 * (i + 1)) for i in range(len(cases))],
            "tenure_days": [t for _, _, _, t, _ in cases],
        }
    )
    before = write_snapshot(ws, system, MAY, {scheme: old}, features)
    after = write_snapshot(ws, system, JUNE, {scheme: new}, features)
    return before, after


def test_every_built_in_alert_is_covered_by_a_case() -> None:
    assert {a.key for a in builtin_alerts()} == {key for key, _, _ in BUILT_IN_CASES}
    assert len(builtin_alerts()) == len(BUILT_IN_CASES)


@pytest.mark.parametrize(
    ("alert", "scheme", "cases"), BUILT_IN_CASES, ids=[c[0] for c in BUILT_IN_CASES]
)
def test_built_in_alert_fires_on_its_move_and_not_otherwise(  # type: ignore[no-untyped-def]
    make_workspace, alert, scheme, cases
) -> None:
    ws = make_workspace()
    old, new = _pair(ws, load_default_system(), scheme, cases)
    fired = evaluate_alerts(old, new)
    mine = fired[fired.alert == alert]
    assert set(mine.customer_id) == {c for c, _, _, _, fires in cases if fires}
    assert set(fired.scheme) <= {scheme}
    row = mine.iloc[0]
    built_in = next(a for a in builtin_alerts() if a.key == alert)
    assert row.severity == built_in.severity and row.label == built_in.labels.en
    assert row.reason == built_in.description.en
    zh = evaluate_alerts(old, new, lang="zh")
    assert set(zh[zh.alert == alert].label) == {built_in.labels.zh_CN}


def test_alerts_are_sorted_by_severity_then_revenue(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    old, new = _pair(ws, load_default_system(), "abc", BUILT_IN_CASES[0][2] + BUILT_IN_CASES[-1][2])
    fired = evaluate_alerts(old, new)
    assert fired.severity.tolist() == sorted(fired.severity, key=["high", "medium", "low"].index)
    high = fired[fired.severity == "high"]
    assert high.revenue_12m.is_monotonic_decreasing
    assert list(fired.columns[:11]) == [
        "customer_id", "name", "alert", "label", "severity", "scheme", "old_class", "new_class",
        "old_label", "new_label", "reason"]
    entered = fired[fired.customer_id == "j1"].iloc[0]
    assert entered.old_class is None and entered.old_label is None
    assert entered.new_label == "A - key customers"


def test_no_previous_snapshot_means_no_alert(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    _, new = _pair(ws, load_default_system(), "abc", BUILT_IN_CASES[0][2])
    assert evaluate_alerts(None, new).empty


# -- configuration -----------------------------------------------------------------------------
CUSTOM = """\
alerts:
  - key: gold_lost
    labels: {zh_CN: 金牌客户降级, en: Gold customer lost}
    severity: high
    scheme: grade
    from: [gold]
    direction: down
  - key: big_lapsed
    labels: {zh_CN: 大客户沉睡, en: Big customer lapsed}
    scheme: status
    from: [active]
    to: [lapsed]
    when: "revenue_12m >= 500"
    description: {zh_CN: 收入高的客户不再活跃, en: A big customer stopped buying}
"""


def test_custom_alerts_from_yaml(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system(CUSTOM)
    assert [a.key for a in effective_alerts(system)] == ["gold_lost", "big_lapsed"]
    features = pd.DataFrame(
        {"customer_id": ["c1", "c2", "c3", "c4"], "revenue_12m": [900.0, 80.0, 700.0, 100.0]}
    )
    old = write_snapshot(ws, system, MAY, {
        "grade": {"c1": "gold", "c2": "gold", "c3": "silver", "c4": "gold"},
        "status": {"c1": "active", "c2": "active", "c3": "active", "c4": "active"}}, features)
    new = write_snapshot(ws, system, JUNE, {
        "grade": {"c1": "silver", "c2": "bronze", "c3": "gold", "c4": "gold"},
        "status": {"c1": "lapsed", "c2": "lapsed", "c3": "active", "c4": "active"}}, features)
    fired = evaluate_alerts(old, new, lang="zh")
    got = list(fired[["customer_id", "alert", "severity"]].itertuples(index=False, name=None))
    assert got == [("c1", "gold_lost", "high"), ("c2", "gold_lost", "high"),
                   ("c1", "big_lapsed", "medium")]
    first = fired.iloc[0]
    assert first.label == "金牌客户降级" and first.old_label == "金牌" and first.new_label == "银牌"
    assert first.reason == "等级: 金牌 → 银牌"  # no description: the move is the reason
    assert fired.iloc[2].reason == "收入高的客户不再活跃"


def test_alerts_empty_list_disables_and_absent_key_gives_fitting_built_ins() -> None:
    assert effective_alerts(grade_system("alerts: []\n")) == []
    assert effective_alerts(grade_system()) == []  # no built-in fits grade / status
    default = load_default_system()
    assert [a.key for a in effective_alerts(default)] == [a.key for a in builtin_alerts()]
    bare = default.model_copy(update={"alerts": None})
    assert [a.key for a in effective_alerts(bare)] == [a.key for a in builtin_alerts()]
    few = default.model_copy(
        update={"alerts": None, "schemes": [default.scheme("lifecycle"), default.scheme("credit")]}
    )
    assert {a.key for a in effective_alerts(few)} == {"active_lapsed", "credit_down"}


def test_alerts_empty_list_fires_nothing(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system("alerts: []\n")
    old = write_snapshot(ws, system, MAY, {"grade": {"c1": "gold"}})
    new = write_snapshot(ws, system, JUNE, {"grade": {"c1": "bronze"}})
    assert evaluate_alerts(old, new).empty
    assert not evaluate_alerts(old, new, rules=effective_alerts(grade_system(CUSTOM))).empty


def _alert(**fields: str) -> str:
    body = {"key": "watch", "labels": "{zh_CN: 预警, en: Watch}", "scheme": "grade", **fields}
    lines = "\n".join(f"    {k}: {v}" for k, v in body.items())
    return "alerts:\n  - " + lines.lstrip() + "\n"


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"scheme": "grad"}, "alerts[0].scheme", "alert 'watch' watches unknown scheme 'grad'"),
        ({"from": "[golden]"}, "alerts[0].from[0]", "unknown class 'golden'; did you mean 'gold'?"),
        ({"to": "[gold, silvr]"}, "alerts[0].to[1]", "did you mean 'silver'?"),
        ({"scheme": "status", "direction": "up"}, "alerts[0].direction", "has no ranking"),
        ({"direction": "entered", "from": "[gold]"}, "alerts[0].from", "no `from` class"),
        ({"when": '"revenue_12m >>= 5"'}, "alerts[0].when", "watch"),
        ({"severity": "urgent"}, "alerts[0].severity", "must be one of"),
        ({"direction": "sideways"}, "alerts[0].direction", "must be one of"),
    ],
)
def test_alert_validation_names_the_alert_and_the_line(fields, where, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        grade_system(_alert(**fields))
    text = str(info.value)
    assert where in text and message in text
    assert info.value.line is not None and info.value.line > 25


def test_duplicate_alert_keys_are_an_error() -> None:
    twice = CUSTOM.replace("key: big_lapsed", "key: gold_lost")
    with pytest.raises(ConfigError, match=r"alerts\[1\]\.key: duplicate alert key 'gold_lost'"):
        grade_system(twice)


def test_when_on_a_missing_feature_names_the_alert(make_workspace) -> None:  # type: ignore[no-untyped-def]
    # A name no feature has is refused when the system is loaded, before any data is read.
    with pytest.raises(ConfigError, match="margin_pct"):
        grade_system(_alert(when='"margin_pct > 0.2"'))
    # A real feature that the stored snapshot does not hold names the alert when evaluated.
    ws = make_workspace()
    system = grade_system(_alert(when='"margin > 0.2"'))
    old = write_snapshot(ws, system, MAY, {"grade": {"c1": "gold"}})
    new = write_snapshot(ws, system, JUNE, {"grade": {"c1": "bronze"}})
    with pytest.raises(ConfigError, match="alert 'watch'.*margin"):
        evaluate_alerts(old, new)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_reads_the_first_rows_and_counts_all(history_workspace, lang) -> None:  # type: ignore[no-untyped-def]
    from custseg.history.alerts import overview_alerts
    from custseg.schemes.config_alerts import SEVERITY_ORDER

    infos = history_workspace.snapshots()
    old, new = (history_workspace.snapshot(i.snapshot_id) for i in infos[-2:])
    full = evaluate_alerts(old, new, lang=lang)
    assert len(full) > 50
    for severity in ("low", "medium", "high"):
        kept = full[full.severity.map(SEVERITY_ORDER) <= SEVERITY_ORDER[severity]]
        kept = kept.reset_index(drop=True)
        counts = kept.alert.value_counts()
        alerts = [
            (r.alert, r.label, r.severity, int(counts[r.alert]),
             r.reason if kept[kept.alert == r.alert].reason.nunique() == 1 else "")
            for r in kept.drop_duplicates("alert").itertuples()
        ]
        for limit in (0, 1, 7, 50):
            view = overview_alerts(old, new, lang=lang, severity=severity, limit=limit)
            expected = kept if limit == 0 else kept.head(limit)
            pd.testing.assert_frame_equal(view.rows, expected.reset_index(drop=True))
            assert view.total == len(kept)
            assert view.alerts == alerts
