"""Words of the CLI's model, evaluation and report commands, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "cli_report_written": {
        "zh": "已写出快照 {snapshot}（截至 {as_of}）的 {fmt} 报告（{lang}）：{n} 个分类方案，"
        "{compared} → {target}（{size} KB）",
        "en": "Wrote the {fmt} report ({lang}) of snapshot {snapshot} as of {as_of}: {n} schemes, "
        "{compared} → {target} ({size} KB)",
    },
    "cli_report_since": {"zh": "含自 {date} 以来的客户迁移", "en": "migrations since {date}"},
    "cli_report_no_earlier": {"zh": "没有更早的快照可比较", "en": "no earlier snapshot"},
    "cli_actions_written": {
        "zh": "已写出行动清单（{summary}）→ {target}",
        "en": "Wrote the action list ({summary}) to {target}",
    },
    "cli_actions_written_detail": {
        "zh": "已写出明细行动清单（{summary}）→ {target}",
        "en": "Wrote the detailed action list ({summary}) to {target}",
    },
    "cli_actions_none": {
        "zh": "所选分类方案中没有客户的类别指定了负责角色。",
        "en": "No customer has a class with an owner role in the chosen schemes.",
    },
    "cli_eval_header": {
        "zh": "校准期截至 [bold]{calibration}[/]，验证期截至 [bold]{holdout}[/]（{weeks} 周），"
        "{customers} 位客户",
        "en": "Calibration to [bold]{calibration}[/], holdout to [bold]{holdout}[/] "
        "({weeks} weeks), {customers} customers",
    },
    "cli_eval_model": {"zh": "模型", "en": "model"},
    "cli_eval_predicted": {"zh": "预测", "en": "predicted"},
    "cli_eval_actual": {"zh": "实际", "en": "actual"},
    "cli_eval_error": {"zh": "误差", "en": "error"},
    "cli_eval_correlation": {"zh": "相关系数", "en": "correlation"},
    "cli_eval_mae": {"zh": "平均绝对误差", "en": "MAE"},
    "cli_eval_title": {
        "zh": "验证期内的重复购买次数",
        "en": "Repeat purchases in the holdout period",
    },
    "cli_eval_repeat": {"zh": "校准期重复购买次数", "en": "calibration repeat purchases"},
    "cli_eval_customers": {"zh": "客户数", "en": "customers"},
    "cli_eval_conditional": {
        "zh": "按校准期重复购买次数分组的验证期平均购买次数",
        "en": "Mean holdout purchases by calibration repeat purchases",
    },
    "cli_models_header": {
        "zh": "快照 [bold]{snapshot}[/] · 截至 {as_of} · 状态 {status}",
        "en": "Snapshot [bold]{snapshot}[/] · as of {as_of} · status {status}",
    },
    "cli_models_not_fitted": {"zh": "模型未拟合：{reason}", "en": "Models not fitted: {reason}"},
    "cli_models_role_not_fitted": {
        "zh": "{role}模型未拟合：{reason}",
        "en": "{role} model not fitted: {reason}",
    },
    "cli_models_role_transaction": {"zh": "购买次数", "en": "transaction"},
    "cli_models_role_spend": {"zh": "消费金额", "en": "spend"},
    "cli_models_parameter": {"zh": "参数", "en": "parameter"},
    "cli_models_estimate": {"zh": "估计值", "en": "estimate"},
    "cli_models_std_error": {"zh": "标准误", "en": "std. error"},
    "cli_models_title": {
        "zh": "{role}模型：{model}（{customers} 位客户，已收敛：{converged}）",
        "en": "{role} model: {model} ({customers} customers, converged: {converged})",
    },
    "cli_models_settings": {"zh": "设置：", "en": "Settings: "},
    "cli_models_warning": {"zh": "警告：", "en": "warning:"},
    "cli_yes": {"zh": "是", "en": "yes"},
    "cli_no": {"zh": "否", "en": "no"},
}
