"""Words of `custseg learn` (learning known classes) and of the classifier's notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "learn_bad_model": {
        "zh": "--model 必须是 {allowed} 之一；收到的是 {got}",
        "en": "--model must be one of {allowed}; got {got}",
    },
    "learn_report_header": {
        "zh": "{model}：{labelled} 位已知类别的客户 · 交叉验证准确率 {accuracy} ± {std}"
        "（{folds} 折）",
        "en": "{model} on {labelled} labelled customers · cross-validated accuracy {accuracy} ± "
        "{std} ({folds} folds)",
    },
    "learn_confusion_corner": {"zh": "已知 \\ 预测", "en": "known \\ predicted"},
    "learn_col_class": {"zh": "类别", "en": "class"},
    "learn_col_precision": {"zh": "精确率", "en": "precision"},
    "learn_col_recall": {"zh": "召回率", "en": "recall"},
    "learn_col_f1": {"zh": "F1 值", "en": "f1"},
    "learn_col_support": {"zh": "样本数", "en": "support"},
    "learn_predicted": {
        "zh": "已预测 {predicted} 位客户；其中 {low} 位的置信度低于 {limit}",
        "en": "{predicted} customers predicted; {low} with confidence below {limit}",
    },
    "learn_note": {"zh": "提示", "en": "note"},
    "learn_boosting_no_rules": {
        "zh": "梯度提升模型无法导出为规则；请使用 --model tree",
        "en": "gradient boosting cannot be exported as rules; use --model tree",
    },
    "learn_rules_written": {
        "zh": "规则方案已写入 {path}",
        "en": "rules scheme written to {path}",
    },
    "learn_note_all_null": {
        "zh": "特征 {feature} 对所有已知类别的客户都为空；已用 0 填补",
        "en": "feature {feature} is null for every labelled customer; imputed with 0",
    },
    "learn_note_fewer_folds": {
        "zh": "交叉验证使用 {splits} 折而不是 {cv} 折：最小的类别（{cls}）只有 {n} 个样本",
        "en": "cross-validation uses {splits} folds instead of {cv}: the smallest class ({cls}) "
        "has {n} examples",
    },
    "learn_note_not_in_features": {
        "zh": "{n} 位已知类别的客户不在特征表中，已忽略（例如 {sample}）",
        "en": "{n} customer(s) with a known class are not in the feature table and were "
        "ignored (e.g. {sample})",
    },
}
