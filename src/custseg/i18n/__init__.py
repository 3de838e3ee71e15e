"""Labels shown to users, in zh-CN and English."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    "failed": {"zh": "无法计算", "en": "failed"},
    "as_of": {"zh": "截至日期", "en": "As of"},
    "snapshot": {"zh": "快照", "en": "Snapshot"},
    "rows_read": {"zh": "读取行数", "en": "Rows read"},
    "rows_accepted": {"zh": "接受行数", "en": "Accepted"},
    "rows_rejected": {"zh": "拒绝行数", "en": "Rejected"},
    # -- governance: overrides, audit log, settings (custseg.governance, `override` / `audit`) --
    "gov_override": {"zh": "人工调整", "en": "Override"},
    "gov_overrides": {"zh": "人工调整", "en": "Overrides"},
    "gov_id": {"zh": "编号", "en": "ID"},
    "gov_customer": {"zh": "客户", "en": "Customer"},
    "gov_status": {"zh": "状态", "en": "Status"},
    "gov_status_pending": {"zh": "待批准", "en": "pending"},
    "gov_status_active": {"zh": "生效中", "en": "active"},
    "gov_status_rejected": {"zh": "已驳回", "en": "rejected"},
    "gov_status_removed": {"zh": "已撤销", "en": "removed"},
    "gov_expires": {"zh": "到期日", "en": "Expires"},
    "gov_never": {"zh": "长期", "en": "never"},
    "gov_created_by": {"zh": "创建人", "en": "By"},
    "gov_created_at": {"zh": "创建时间", "en": "Created"},
    "gov_decided_by": {"zh": "审批人", "en": "Decided by"},
    "gov_computed": {"zh": "计算类别", "en": "Computed"},
    "gov_added": {
        "zh": "已添加人工调整 {id}：客户 {customer} 在 {scheme} 中设为 {cls}（{status}）",
        "en": "Added override {id}: customer {customer} set to {cls} in {scheme} ({status})",
    },
    "gov_needs_approval": {
        "zh": "需另一位用户批准后才生效：custseg override approve {id} --user <用户名>",
        "en": "It takes effect once another user approves it: "
        "custseg override approve {id} --user <name>",
    },
    "gov_next_run": {
        "zh": "从下一次运行分类（custseg run）起生效；已有快照不变。",
        "en": "It applies from the next run (custseg run); existing snapshots do not change.",
    },
    "gov_superseded": {"zh": "替代了 {ids}", "en": "supersedes {ids}"},
    "gov_approved": {"zh": "已批准人工调整 {id}", "en": "Approved override {id}"},
    "gov_rejected": {"zh": "已驳回人工调整 {id}", "en": "Rejected override {id}"},
    "gov_removed": {"zh": "已撤销人工调整 {id}", "en": "Removed override {id}"},
    "gov_none": {"zh": "没有人工调整。", "en": "No overrides."},
    "gov_audit": {"zh": "审计日志", "en": "Audit log"},
    "gov_seq": {"zh": "序号", "en": "#"},
    "gov_at": {"zh": "时间", "en": "When"},
    "gov_actor": {"zh": "操作人", "en": "Who"},
    "gov_action": {"zh": "操作", "en": "Action"},
    "gov_subject": {"zh": "对象", "en": "Subject"},
    "gov_detail": {"zh": "详情", "en": "Detail"},
    "gov_audit_empty": {"zh": "审计日志中没有记录。", "en": "The audit log has no entries."},
    "gov_audit_ok": {
        "zh": "审计日志完整：共 {n} 条记录，哈希链校验通过。",
        "en": "Audit log intact: {n} entries, hash chain verified.",
    },
    "gov_audit_bad": {
        "zh": "审计日志校验发现 {n} 个问题：",
        "en": "The audit log check found {n} problem(s):",
    },
    "gov_action_run": {"zh": "运行分类", "en": "run"},
    "gov_action_run_reused": {"zh": "重复运行（沿用已有快照）", "en": "run (snapshot reused)"},
    "gov_action_override_add": {"zh": "新增人工调整", "en": "override added"},
    "gov_action_override_approve": {"zh": "批准人工调整", "en": "override approved"},
    "gov_action_override_reject": {"zh": "驳回人工调整", "en": "override rejected"},
    "gov_action_override_remove": {"zh": "撤销人工调整", "en": "override removed"},
    "gov_action_override_supersede": {"zh": "人工调整被替代", "en": "override superseded"},
    "gov_action_setting_change": {"zh": "修改设置", "en": "setting changed"},
    "gov_settings": {"zh": "工作区设置", "en": "Workspace settings"},
    "gov_setting": {"zh": "设置项", "en": "Setting"},
    "gov_value": {"zh": "当前值", "en": "Value"},
    "gov_default": {"zh": "默认值", "en": "Default"},
    "gov_changed": {"zh": "最近修改", "en": "Last changed"},
    "gov_meaning": {"zh": "说明", "en": "Meaning"},
    "gov_setting_set": {"zh": "已设置 {key} = {value}", "en": "Set {key} = {value}"},
    "gov_setting_same": {
        "zh": "{key} 已经是 {value}，未做修改。",
        "en": "{key} is already {value}; nothing changed.",
    },
    "gov_overridden_mark": {"zh": "人工调整", "en": "override"},
    "gov_override_line": {
        "zh": "人工调整 {id} · {by}：{reason} · 计算类别 {computed}",
        "en": "override {id} by {by}: {reason}; computed class {computed}",
    },
    "gov_until": {"zh": "有效至 {date}", "en": "until {date}"},
    "gov_show_applied": {
        "zh": "本快照应用了 {n} 项人工调整；各类别客户数按调整后的类别统计。",
        "en": "{n} override(s) applied in this snapshot; class counts use the overridden classes.",
    },
    "gov_show_ignored": {
        "zh": "{n} 项生效中的人工调整未能应用：",
        "en": "{n} override(s) in force could not be applied:",
    },
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
    "hist_more": {
        "zh": "… 另有 {n} 条未显示：使用 --limit 0 或 --json 查看全部",
        "en": "… {n} more not shown: use --limit 0 or --json for all",
    },
    "hist_no_previous": {
        "zh": "快照 {snapshot}（截至 {as_of}）之前没有更早的快照可以比较；请先运行更早日期的分类，"
        "例如 `custseg run --as-of 2026-05-31`。",
        "en": "snapshot {snapshot} (as of {as_of}) has no earlier snapshot to compare with; run "
        "an earlier date first, e.g. `custseg run --as-of 2026-05-31`.",
    },
    "hist_trend": {"zh": "趋势", "en": "Trend"},
    "hist_version": {"zh": "体系版本", "en": "System"},
    "hist_exited": {"zh": "流出", "en": "Exited"},
    "hist_change": {"zh": "环比变化", "en": "Change"},
    "hist_last_year": {"zh": "去年同期", "en": "Last year"},
    "hist_in_out": {"zh": "流入 / 流出", "en": "In / out"},
    "hist_trend_caption": {
        "zh": "环比：与上一期相比；流入 / 流出：与上一期相比新进入、离开该类别的客户数；同比：与一年前同期相比",
        "en": "change: against the previous period; in / out: customers who entered / left the "
        "class since then; YoY: against the same date a year earlier",
    },
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


WORD_AREAS = (
    "cli",
    "clusters",
    "config",
    "expr",
    "facade",
    "health",
    "ingest",
    "learn",
    "perf",
    "postgres",
    "resources",
    "safety",
    "schemes",
    "server",
    "spark",
)
"""The areas with a words module of their own, ``custseg/i18n/words_<area>.py``."""


def _merge_word_modules() -> None:
    """Add the words of each area's module (``words_*.py``) to the one catalogue.

    Each area keeps its words in a module of its own so that areas never edit one shared dict;
    a key defined twice is a programming error.
    """
    for area in WORD_AREAS:
        module = importlib.import_module(f"custseg.i18n.words_{area}")
        for key, entry in module.WORDS.items():
            if key in _UI:
                raise RuntimeError(f"i18n key {key!r} is defined twice ({module.__name__})")
            _UI[key] = entry


def t(key: str, lang: Lang) -> str:
    """The UI string ``key`` in ``lang`` (the key itself if it is not translated)."""
    entry = _UI.get(key)
    return entry[lang] if entry else key


def has_word(key: str) -> bool:
    """Whether ``key`` is in the catalogue (in both languages)."""
    entry = _UI.get(key)
    return bool(entry and entry.get("zh") and entry.get("en"))


def all_words() -> dict[str, dict[Lang, str]]:
    """A copy of the whole catalogue: key -> {"zh": ..., "en": ...}."""
    return {key: dict(entry) for key, entry in _UI.items()}


@dataclass(frozen=True)
class Message:
    """A user-facing sentence kept as a catalogue key plus parameters, rendered per language.

    Stored forms (snapshot metadata, findings, skip reasons) keep the key and parameters so the
    same record reads in zh-CN or en: ``Message("health_class_holds_all", {"n": 5}).render("zh")``.
    Parameter values that are themselves ``Message`` objects are rendered in the same language.
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang) -> str:
        """The sentence in ``lang``."""
        values = {
            name: value.render(lang) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return t(self.key, lang).format(**values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "key": self.key,
            "params": {
                name: value.to_dict() if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """Inverse of :meth:`to_dict`."""
        params = {
            name: cls.from_dict(value) if isinstance(value, dict) and "key" in value else value
            for name, value in dict(data.get("params") or {}).items()
        }
        return cls(str(data["key"]), params)


def label_of(labels: Any, lang: Lang) -> str:
    """Pick the ``lang`` text from a labels object or dict with ``zh_CN`` and ``en`` entries."""
    field = "zh_CN" if lang == "zh" else "en"
    if labels is None:
        return ""
    if isinstance(labels, dict):
        return str(labels.get(field) or labels.get("en") or "")
    return str(getattr(labels, field, None) or getattr(labels, "en", "") or "")


_merge_word_modules()
