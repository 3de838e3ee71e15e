"""Labels shown to users, in zh-CN and English."""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_UI: dict[str, dict[Lang, str]] = {
    "scheme": {"zh": "分类方案", "en": "Scheme"},
    "class": {"zh": "类别", "en": "Class"},
    "customers": {"zh": "客户数", "en": "Customers"},
    "share": {"zh": "占比", "en": "Share"},
    "revenue_12m": {"zh": "近12个月收入", "en": "Revenue (12m)"},
    "revenue_share": {"zh": "收入占比", "en": "Revenue share"},
    "reason": {"zh": "原因", "en": "Why"},
    "score": {"zh": "得分", "en": "Score"},
    "strategy": {"zh": "策略", "en": "Strategy"},
    "skipped": {"zh": "已跳过", "en": "skipped"},
    "as_of": {"zh": "截至日期", "en": "As of"},
    "snapshot": {"zh": "快照", "en": "Snapshot"},
    "rows_read": {"zh": "读取行数", "en": "Rows read"},
    "rows_accepted": {"zh": "接受行数", "en": "Accepted"},
    "rows_rejected": {"zh": "拒绝行数", "en": "Rejected"},
    # -- history: migrations, alerts, trend (custseg.history, `diff` / `alerts` / `trend`) --
    "hist_old_class": {"zh": "原类别", "en": "From"},
    "hist_new_class": {"zh": "新类别", "en": "To"},
    "hist_matrix": {"zh": "迁移矩阵", "en": "Migration matrix"},
    "hist_matrix_rows": {
        "zh": "行：原类别，列：新类别；每格为客户数 / 近12个月收入",
        "en": "rows: from, columns: to; each cell is customers / revenue (12m)",
    },
    "hist_overview": {"zh": "各分类方案的客户变动", "en": "Moves per scheme"},
    "hist_movers": {"zh": "变动客户", "en": "Movers"},
    "hist_top_up": {"zh": "升级客户（按收入排序）", "en": "Moved up (by revenue)"},
    "hist_top_down": {"zh": "降级客户（按收入排序）", "en": "Moved down (by revenue)"},
    "hist_top_other": {"zh": "其他变动客户（按收入排序）", "en": "Other moves (by revenue)"},
    "hist_up": {"zh": "升级", "en": "Up"},
    "hist_down": {"zh": "降级", "en": "Down"},
    "hist_changed": {"zh": "变更", "en": "Changed"},
    "hist_entered": {"zh": "新进入", "en": "Entered"},
    "hist_left": {"zh": "离开", "en": "Left"},
    "hist_unchanged": {"zh": "未变", "en": "Unchanged"},
    "hist_absent": {"zh": "（不在快照中）", "en": "(not in snapshot)"},
    "hist_customer": {"zh": "客户", "en": "Customer"},
    "hist_name": {"zh": "名称", "en": "Name"},
    "hist_move": {"zh": "变动", "en": "Move"},
    "hist_alert": {"zh": "预警", "en": "Alert"},
    "hist_alerts": {"zh": "客户预警", "en": "Alerts"},
    "hist_severity": {"zh": "级别", "en": "Severity"},
    "hist_high": {"zh": "高", "en": "High"},
    "hist_medium": {"zh": "中", "en": "Medium"},
    "hist_low": {"zh": "低", "en": "Low"},
    "hist_no_alerts": {"zh": "没有触发任何预警。", "en": "No alert fired."},
    "hist_no_previous": {
        "zh": "快照 {snapshot}（截至 {as_of}）之前没有更早的快照可以比较；请先运行更早日期的分类，"
        "例如 `custseg run --as-of 2026-05-31`。",
        "en": "snapshot {snapshot} (as of {as_of}) has no earlier snapshot to compare with; run "
        "an earlier date first, e.g. `custseg run --as-of 2026-05-31`.",
    },
    "hist_trend": {"zh": "月度趋势", "en": "Trend"},
    "hist_version": {"zh": "体系版本", "en": "System"},
    "hist_exited": {"zh": "流出", "en": "Exited"},
    "hist_change": {"zh": "环比变化", "en": "Change"},
    "hist_last_year": {"zh": "去年同期", "en": "Last year"},
    "hist_yoy": {"zh": "同比", "en": "YoY"},
    "hist_total": {"zh": "合计", "en": "Total"},
    "hist_note": {"zh": "注意", "en": "Note"},
    "hist_note_not_earlier": {
        "zh": "旧快照（{old}）并不早于新快照（{new}）。",
        "en": "the old snapshot ({old}) is not earlier than the new one ({new}).",
    },
    "hist_note_system": {
        "zh": "两个快照使用了不同版本的分类体系（{old} → {new}）；部分变动可能来自体系的修改，而非客户本身的变化。",
        "en": "the two snapshots were computed under different classification systems ({old} -> "
        "{new}); some moves may come from the changed system, not from the customers.",
    },
    "hist_note_scheme_changed": {
        "zh": "分类方案 {scheme} 在两个体系中的定义不同（规则、阈值或类别），请谨慎比较。",
        "en": "scheme {scheme} is defined differently in the two systems (rules, thresholds or "
        "classes); compare with care.",
    },
    "hist_note_only_old": {
        "zh": "仅在旧快照中出现的类别：{keys}。",
        "en": "classes only in the old snapshot: {keys}.",
    },
    "hist_note_only_new": {
        "zh": "仅在新快照中出现的类别：{keys}。",
        "en": "classes only in the new snapshot: {keys}.",
    },
    "hist_note_unranked": {
        "zh": "分类方案 {scheme} 的类别没有排序，变动只记为“变更”而非升级或降级（可在方案中设置 ranking）。",
        "en": "scheme {scheme} has no ranking of its classes, so moves are 'changed' rather than "
        "up or down (add `ranking:` to the scheme).",
    },
    "status": {"zh": "状态", "en": "Status"},
    "computed": {"zh": "已计算", "en": "computed"},
    "kept": {"zh": "已存在，保留", "en": "kept"},
    "week": {"zh": "周", "en": "week"},
    "month": {"zh": "月", "en": "month"},
    "quarter": {"zh": "季度", "en": "quarter"},
}


def t(key: str, lang: Lang) -> str:
    """The UI string ``key`` in ``lang`` (the key itself if it is not translated)."""
    entry = _UI.get(key)
    return entry[lang] if entry else key


def label_of(labels: Any, lang: Lang) -> str:
    """Pick the ``lang`` text from a labels object or dict with ``zh_CN`` and ``en`` entries."""
    field = "zh_CN" if lang == "zh" else "en"
    if labels is None:
        return ""
    if isinstance(labels, dict):
        return str(labels.get(field) or labels.get("en") or "")
    return str(getattr(labels, field, None) or getattr(labels, "en", "") or "")
