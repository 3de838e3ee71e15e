"""Words of the data profile and the health check of every scheme, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    # -- health check findings (custseg.health) --
    "health_dominant": {
        "zh": "{scheme}：类别 {cls} 占了参与划分的 {total} 位客户中的 {share}（{n} 位），划分没有"
        "区分度。",
        "en": "{scheme}: class {cls} holds {share} of the {total} customers the scheme splits "
        "({n}); the split tells them apart from nobody.",
    },
    "health_dominant_split_advice": {
        "zh": "请调整分档点，或用 where 只划分该指标有意义的客户（例如近 12 个月有购买的客户）。",
        "en": "Change the cuts, or split only the customers the measure means something for "
        "(`where`, e.g. buyers in the last 12 months).",
    },
    "health_dominant_overlap": {
        "zh": "{scheme}：类别 {cls} 占了 {total} 位客户中的 {share}（{n} 位），其中 {moved} 位也满"
        "足其他类别的条件，"
        "但被 {cls} 的规则先取走了。",
        "en": "{scheme}: class {cls} holds {share} of {total} customers ({n}); {moved} of them "
        "also meet the condition of another class but the rule for {cls} takes them first.",
    },
    "health_dominant_overlap_advice": {
        "zh": "请收窄 {cls} 的规则条件，或把更窄的规则排在前面。",
        "en": "Narrow the rule for {cls}, or put the narrower rules before it.",
    },
    "health_dominant_forced": {
        "zh": "{scheme}：类别 {cls} 占了 {total} 位客户中的 {share}（{n} 位）；他们都不满足其他任"
        "何类别的条件，"
        "数据本身没有给他们留下别的类别。",
        "en": "{scheme}: class {cls} holds {share} of {total} customers ({n}); none of them "
        "meets the condition of any other class, so the data leaves no other class for them.",
    },
    "health_dominant_forced_advice": {
        "zh": "如果这与预期不符，请检查规则中的阈值。",
        "en": "If that is not what you expect, review the thresholds of the rules.",
    },
    "health_dominant_other": {
        "zh": "{scheme}：{share} 的客户（{n} 位）落入兜底类别 {cls}，映射没有覆盖数据中的取值。",
        "en": "{scheme}: {share} of the customers ({n}) fall into the catch-all class {cls}; "
        "the mapping does not cover the values in the data.",
    },
    "health_dominant_other_advice": {
        "zh": "请在 mapping 中加入数据中实际出现的取值（custseg explain 可查看客户的取值）。",
        "en": "Add the values that occur in the data to `mapping` (custseg explain shows a "
        "customer's value).",
    },
    "health_empty": {
        "zh": "{scheme}：类别 {cls} 为空，而该方案划分了 {total} 位客户。",
        "en": "{scheme}: class {cls} is empty although the scheme splits {total} customers.",
    },
    "health_empty_advice": {
        "zh": "请调整分档点或等级阈值，使每个类别都可能出现。",
        "en": "Adjust the cuts or grade thresholds so that every class can be reached.",
    },
    "health_empty_shadowed": {
        "zh": "{scheme}：类别 {cls} 为空，但有 {n} 位客户满足它的条件，都被前面的规则取走了。",
        "en": "{scheme}: class {cls} is empty although {n} customers meet its condition; "
        "earlier rules take them.",
    },
    "health_empty_shadowed_advice": {
        "zh": "请把 {cls} 的规则移到更宽的规则之前，或收窄那些规则。",
        "en": "Move the rule for {cls} before the broader rules, or narrow those.",
    },
    "health_empty_best": {
        "zh": "{scheme}：最好的类别 {cls} 为空，{total} 位客户中没有一位满足它的条件。",
        "en": "{scheme}: the best class, {cls}, is empty; none of the {total} customers meets "
        "its condition.",
    },
    "health_empty_best_advice": {
        "zh": "请对照数据检查 {cls} 的条件（custseg profile 显示购买节奏与历史跨度）。",
        "en": "Check the condition of {cls} against the data (custseg profile shows the purchase "
        "rhythm and the span of history).",
    },
    "health_attribute_missing": {
        "zh": "{scheme}：{share} 的客户（{n} 位）没有 {feature} 的取值，该方案对他们没有任何区分。",
        "en": "{scheme}: {share} of the customers ({n}) have no {feature}; the scheme says "
        "nothing about them.",
    },
    "health_attribute_missing_advice": {
        "zh": "请导入包含 {feature} 的数据，或从体系中删除该方案。",
        "en": "Ingest data that holds {feature}, or remove the scheme from the system.",
    },
    "health_tied": {
        "zh": "{scheme}：{feature} 的分位切分点 {value} 恰好是 {n} 位客户（{share}）共有的取值，他"
        "们全部被分到同一侧。",
        "en": "{scheme}: the quantile split of {feature} at {value} falls on a value shared by "
        "{n} customers ({share}); they all land on one side.",
    },
    "health_tied_advice": {
        "zh": "请改用固定阈值（method: fixed），或用 where 只划分 {feature} 有意义的客户。",
        "en": "Use fixed cuts (method: fixed), or split only the customers for whom {feature} "
        "means something (`where`).",
    },
    "health_exclusion": {
        "zh": "{n} 位客户在 {if_scheme} 中为 {if_classes}，同时在 {then_scheme} 中为 {then_classes"
        "}，违反互斥规则 {key}。",
        "en": "{n} customers are {if_classes} in {if_scheme} and {then_classes} in "
        "{then_scheme} at the same time, which exclusion {key} forbids.",
    },
    "health_exclusion_advice": {
        "zh": "请让两个方案的规则一致，例如在 {then_scheme} 的规则中加入与 {if_scheme} 相同的时间"
        "条件。",
        "en": "Make the two schemes agree, e.g. give the rules of {then_scheme} the same time "
        "condition as {if_scheme}.",
    },
    "health_missing_indicator": {
        "zh": "{scheme}：指标 {feature} 对所有客户都没有数据，却仍占权重 {weight}；它的分数来自缺"
        "失值的填充。",
        "en": "{scheme}: indicator {feature} has no data for any customer but still carries "
        "weight {weight}; its points come from the `missing` fill value.",
    },
    "health_missing_indicator_advice": {
        "zh": "请删除该指标，或导入它所需要的数据。",
        "en": "Remove the indicator, or ingest the data it needs.",
    },
    "health_dropped_indicator": {
        "zh": "{scheme}：指标 {feature} 没有数据，已去掉，其余指标的权重已重新归一。",
        "en": "{scheme}: indicator {feature} has no data and was dropped; the other weights "
        "were rescaled.",
    },
    "health_skipped": {
        "zh": "{scheme} 未计算：{reason}",
        "en": "{scheme} was not computed: {reason}",
    },
    "health_scheme_note": {"zh": "{scheme}：{text}", "en": "{scheme}: {text}"},
    "health_inactive": {
        "zh": "截至日期前 12 个月内没有任何客户购买（最后一次购买在 {last}）；需要近期活动的类别几"
        "乎包含所有客户，这符合数据。",
        "en": "No customer bought in the 12 months before the as-of date (the last purchase "
        "was on {last}); classes that need recent activity hold nearly everyone, as the data says.",
    },
    "health_inactive_advice": {
        "zh": "如果不是有意为之，请检查截至日期（--as-of）。",
        "en": "If that is not intended, check the as-of date (--as-of).",
    },
    # -- health check output --
    "health_title": {"zh": "分类健康检查", "en": "Health check"},
    "health_level": {"zh": "级别", "en": "Level"},
    "health_level_warning": {"zh": "警告", "en": "warning"},
    "health_level_note": {"zh": "提示", "en": "note"},
    "health_check_col": {"zh": "检查项", "en": "Check"},
    "health_finding": {"zh": "发现与建议", "en": "Finding and what to change"},
    "health_check_dominant_class": {"zh": "一类独大", "en": "one class holds all"},
    "health_check_empty_class": {"zh": "类别为空", "en": "empty class"},
    "health_check_tied_split": {"zh": "切分点并列", "en": "split at a tie"},
    "health_check_exclusion": {"zh": "互斥冲突", "en": "contradiction"},
    "health_check_missing_indicator": {"zh": "指标无数据", "en": "indicator without data"},
    "health_check_dropped_indicator": {"zh": "指标已去掉", "en": "indicator dropped"},
    "health_check_skipped_scheme": {"zh": "方案跳过", "en": "scheme skipped"},
    "health_check_scheme_note": {"zh": "方案说明", "en": "scheme note"},
    "health_check_inactive_data": {"zh": "数据无近期活动", "en": "no recent activity"},
    "health_summary_ok": {
        "zh": "健康检查：{schemes} 个方案均无问题（{notes} 条提示，custseg check 查看）",
        "en": "Health check: no warning in {schemes} schemes ({notes} notes; see custseg check)",
    },
    "health_summary_bad": {
        "zh": "健康检查：{schemes} 个方案中有 {warnings} 条警告（另有 {notes} 条提示）——运行 custs"
        "eg check 查看需要修改之处",
        "en": "Health check: {warnings} warning(s) in {schemes} schemes ({notes} notes) - run "
        "custseg check to see what to change",
    },
    "health_none": {
        "zh": "没有发现问题：每个方案在这份数据上都有区分度。",
        "en": "No finding: every scheme tells customers apart on this data.",
    },
    "health_not_stored": {
        "zh": "快照 {snapshot} 没有保存健康检查结果，已重新计算。",
        "en": "Snapshot {snapshot} holds no stored health check; it was computed now.",
    },
    # -- data profile (custseg.profile, `custseg profile`) --
    "profile_title": {"zh": "数据概况（截至 {as_of}）", "en": "Data profile as of {as_of}"},
    "profile_inputs": {"zh": "输入数据", "en": "Inputs"},
    "profile_table": {"zh": "数据表", "en": "Table"},
    "profile_rows": {"zh": "行数", "en": "Rows"},
    "profile_filled": {"zh": "已填写的字段（填充率）", "en": "Filled columns (share)"},
    "profile_empty": {"zh": "空字段", "en": "Empty columns"},
    "profile_absent": {"zh": "未导入", "en": "not ingested"},
    "profile_none": {"zh": "无", "en": "none"},
    "profile_rhythm": {"zh": "购买节奏", "en": "Purchase rhythm"},
    "profile_measure": {"zh": "指标", "en": "Measure"},
    "profile_value": {"zh": "数值", "en": "Value"},
    "profile_gap_median": {
        "zh": "复购间隔中位数（天）",
        "en": "Median gap between purchases (days)",
    },
    "profile_gap_p75": {"zh": "复购间隔 75 分位（天）", "en": "75th percentile gap (days)"},
    "profile_gap_p90": {"zh": "复购间隔 90 分位（天）", "en": "90th percentile gap (days)"},
    "profile_repeat_buyers": {
        "zh": "复购客户（至少两天购买）",
        "en": "Repeat buyers (2+ purchase days)",
    },
    "profile_one_time_share": {"zh": "只购买过一次的客户占比", "en": "Share of one-time buyers"},
    "profile_measured": {"zh": "由数据测得", "en": "measured from the data"},
    "profile_fallback": {
        "zh": "复购客户不足 {min} 位，使用固定值",
        "en": "fewer than {min} repeat buyers: fixed fallback",
    },
    "profile_history": {"zh": "历史跨度", "en": "History"},
    "profile_first_order": {"zh": "首笔订单", "en": "First order"},
    "profile_last_order": {"zh": "最后一笔订单", "en": "Last order"},
    "profile_span_days": {"zh": "跨度（天）", "en": "Span (days)"},
    "profile_customers": {"zh": "客户数", "en": "Customers"},
    "profile_purchasers": {"zh": "有购买的客户", "en": "Purchasers"},
    "profile_revenue_12m_share": {
        "zh": "近 12 个月有收入的客户占比",
        "en": "Share of customers with revenue in the last 12 months",
    },
    "profile_thresholds": {
        "zh": "内置体系据此设定：活跃 ≤ {active} 天，流失 > {churned} 天未购买。",
        "en": "The built-in catalogue derives from it: active within {active} days, churned "
        "after {churned} days without a purchase.",
    },
    "profile_no_data": {
        "zh": "工作区中没有数据；请先导入，例如 custseg ingest orders orders.csv。",
        "en": "The workspace holds no data; ingest some first, e.g. custseg ingest orders orders.c"
        "sv.",
    },
}
