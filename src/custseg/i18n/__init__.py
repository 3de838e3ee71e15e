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
