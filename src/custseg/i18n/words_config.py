"""Words of classification-system files: loading, validation, the condition language, the CLI error boundary, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    # -- the CLI's error boundary ------------------------------------------------------------
    "config_error_label": {"zh": "错误：", "en": "Error:"},
    "config_internal_error": {
        "zh": "内部错误：{kind}: {detail}；请加 --debug 重新运行，并把输出报告给维护者",
        "en": "internal error: {kind}: {detail}; rerun with --debug and report it",
    },
    "config_interrupted": {"zh": "已中断。", "en": "interrupted."},
    "config_not_a_date": {
        "zh": "{option} {value!r} 不是日期；请写成 YYYY-MM-DD，例如 2026-06-30",
        "en": "{option} {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-06-30",
    },
    "config_date_out_of_range": {
        "zh": "{option} {value} 超出可接受的范围；日期须在 {low} 与 {high} 之间",
        "en": "{option} {value} is out of range; give a date from {low} to {high}",
    },
}
