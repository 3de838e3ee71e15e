"""Words of scheme kinds: reasons, notes, skip reasons, feature names, in zh-CN and English.

``schemes_r_*`` are reason templates (positional fields, rendered by
:mod:`custseg.schemes.kinds.reasons`; ``!f`` = feature label, ``!w`` = word, ``!F`` = list of
features); ``schemes_d_*`` diagnostics and ``schemes_skip_*`` skip reasons (named fields,
:class:`custseg.i18n.Message`); ``schemes_w_*`` single words; ``schemes_feat_*`` feature names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

_REASONS: dict[str, dict[Lang, str]] = {
    "schemes_r_outside": {
        "zh": "不在适用范围内：不满足 {0}",
        "en": "outside the population: not ({0})",
    },
    "schemes_r_unplaced": {
        "zh": "不在划分范围内：不满足 {0}",
        "en": "not among the customers the split is made among: not ({0})",
    },
    "schemes_r_null": {"zh": "{0!f} 无数据", "en": "{0!f} has no value"},
    "schemes_r_null2": {"zh": "{0!f} 或 {1!f} 无数据", "en": "{0!f} or {1!f} has no value"},
    "schemes_r_cmp": {"zh": "{0!f} {1!n} {2} {3}", "en": "{0!f} {1!n} {2} {3}"},
    "schemes_r_zero": {
        "zh": "{0!f} 为 {1!n}，低于所有正值的分界",
        "en": "{0!f} is {1!n}, below every cut among positive values",
    },
    "schemes_r_matrix": {
        "zh": "{0!f} {1!n} {2} {3}（{4!w}）；{5!f} {6!n} {7} {8}（{9!w}）",
        "en": "{0!f} {1!n} {2} {3} ({4!w}); {5!f} {6!n} {7} {8} ({9!w})",
    },
    "schemes_r_pareto": {
        "zh": "按{0!f}从高到低，排在前面的客户累计占比 {1!n}% {2} {3}%",
        "en": "by {0!f}: cumulative share before {1!n}% {2} {3}%",
    },
    "schemes_r_not_positive": {"zh": "{0!f} {1!n} 不为正", "en": "{0!f} {1!n} is not positive"},
    "schemes_r_score": {
        "zh": "得分 {0!n} {1} {2}；加权：{terms}",
        "en": "score {0!n} {1} {2}; weighted: {terms}",
    },
    "schemes_r_score_dropped": {
        "zh": "得分 {0!n} {1} {2}；加权：{terms}；"
        "未使用（无数据）：{3!F}，权重已按其余指标重新分配",
        "en": "score {0!n} {1} {2}; weighted: {terms}; not used (no data): {3!F}, weights "
        "spread over the others",
    },
    "schemes_r_fallback": {
        "zh": "得分 {0!n} {1} {2}；按备用规则（{3}）：{4!f} {5!n}",
        "en": "score {0!n} {1} {2}; fallback ({3}): {4!f} {5!n}",
    },
    "schemes_r_rule": {"zh": "符合规则 {0}：{1}", "en": 'rule {0} "{1}" matched'},
    "schemes_r_default": {
        "zh": "未符合任何规则，归入默认类别“{0!c}”",
        "en": "no rule matched; default class '{0!c}'",
    },
    "schemes_r_attr_empty": {"zh": "{0!f} 为空", "en": "{0!f} is empty"},
    "schemes_r_attr_mapped": {"zh": "{0!f}“{1}” → {2!c}", "en": "{0!f} '{1}' -> {2!c}"},
    "schemes_r_attr_unmapped": {
        "zh": "{0!f}“{1}”不在映射中",
        "en": "{0!f} '{1}' is not mapped",
    },
    "schemes_r_attr_rare": {
        "zh": "{0!f}“{1}”不在出现最多的 {2} 个取值中",
        "en": "{0!f} '{1}' is not among the {2} most frequent values",
    },
    "schemes_r_learned": {
        "zh": "预测为“{0!c}”，置信度 {1}{2!w}",
        "en": "predicted '{0!c}' with confidence {1}{2!w}",
    },
    "schemes_w_high": {"zh": "高", "en": "high"},
    "schemes_w_low": {"zh": "低", "en": "low"},
    "schemes_w_low_confidence": {"zh": "（置信度低）", "en": " (low confidence)"},
}

_NOTES: dict[str, dict[Lang, str]] = {
    "schemes_text": {"zh": "{text}", "en": "{text}"},
    "schemes_join": {"zh": "{a}；{b}", "en": "{a}; {b}"},
    "schemes_d_rule_never": {
        "zh": "{scheme}：规则 rules[{rule}]（“{when}” → {cls}）永远不会命中：其条件互相矛盾",
        "en": "{scheme}: rules[{rule}] (\"{when}\" -> {cls}) can never match: its constraints "
        "contradict each other",
    },
    "schemes_d_rule_shadowed": {
        "zh": "{scheme}：规则 rules[{rule}]（“{when}” → {cls}）被 rules[{earlier}]"
        "（“{earlier_when}” → {earlier_cls}）遮蔽：它能匹配的客户都已被前面的规则匹配；"
        "请把它移到前面，或收窄前面的规则",
        "en": "{scheme}: rules[{rule}] (\"{when}\" -> {cls}) is shadowed by rules[{earlier}] "
        "(\"{earlier_when}\" -> {earlier_cls}): every customer it matches is matched earlier; "
        "move it above or narrow the earlier rule",
    },
    "schemes_d_class_unreachable": {
        "zh": "{scheme}：类别 '{cls}' 永远不会被赋予：没有能命中的规则给出它",
        "en": "{scheme}: class '{cls}' can never be assigned: no rule that can match gives it",
    },
    "schemes_d_class_unreachable_all": {
        "zh": "{scheme}：类别 '{cls}' 永远不会被赋予：没有能命中的规则给出它"
        "（前面的某条规则匹配所有客户）",
        "en": "{scheme}: class '{cls}' can never be assigned: no rule that can match gives it "
        "(an earlier rule matches everyone)",
    },
    "schemes_d_empty_classes": {
        "zh": "{scheme}：{n} 个类别没有客户：{classes}",
        "en": "{scheme}: {n} class(es) received no customer: {classes}",
    },
    "schemes_d_tied_split": {
        "zh": "{scheme}：{feature_label}在分界值 {value} 处有 {customers} 位客户取值相同，"
        "他们整体归入{side}一侧（设计占比 {designed}，实际 {actual}）",
        "en": "{scheme}: {customers} customers share the value {value} of {feature} at a cut; "
        "they all go to the {side} side (designed share {designed}, actual {actual})",
    },
    "schemes_d_zero_excluded": {
        "zh": "{scheme}：{feature_label}为 0 的 {customers} 位客户不参与分界计算"
        "（只在正值中计算分位数）",
        "en": "{scheme}: the {customers} customers whose {feature} is 0 are left out of the "
        "cut (quantiles are taken among positive values)",
    },
    "schemes_d_same_cut": {
        "zh": "{scheme}：分位 {cut_a} 与 {cut_b} 得到相同的 {feature} 值 {value}，类别 {cls} 为空",
        "en": "{scheme}: cuts {cut_a} and {cut_b} give the same {feature} value {value}: "
        "class {cls} is empty",
    },
    "schemes_d_all_null": {
        "zh": "{scheme}：所有客户的 {feature} 均无数据，全部归入 {cls}",
        "en": "{scheme}: {feature} is null for the whole population: everyone is {cls}",
    },
    "schemes_d_indicator_dropped": {
        "zh": "{scheme}：指标“{feature_label}”对所有客户均无数据，已不参与评分；"
        "其余指标的权重重新归一：{weights}",
        "en": "{scheme}: indicator {feature} has no data for any customer and is not used; "
        "the other indicators' weights are scaled to sum 1: {weights}",
    },
    "schemes_d_empty_mapping": {
        "zh": "{scheme}：映射为空，所有非空的 {feature} 都归入 {cls}",
        "en": "{scheme}: the mapping is empty: every non-empty {feature} is {cls}",
    },
    "schemes_d_low_confidence": {
        "zh": "{scheme}：{customers} 位客户的预测置信度低于 {limit}",
        "en": "{scheme}: {customers} customer(s) predicted with confidence below {limit}",
    },
    "schemes_skip_table": {
        "zh": "需要 {table} 表，但尚未导入（custseg ingest {table} <文件>）",
        "en": "needs the {table} table, which has not been ingested "
        "(custseg ingest {table} <file>)",
    },
    "schemes_skip_feature": {
        "zh": "需要特征 {feature}（{label}），但所有客户的该项均为空",
        "en": "needs feature {feature} ({label}), which is empty for every customer",
    },
    "schemes_skip_no_indicator": {
        "zh": "所有评分指标都没有数据（{features}），无法评分",
        "en": "no indicator has data ({features}); nothing to score on",
    },
    "schemes_n_computed": {"zh": "已计算 {n} 个分类方案", "en": "{n} schemes computed"},
    "schemes_n_skipped": {"zh": "跳过 {n} 个", "en": "{n} skipped"},
    "schemes_note": {"zh": "提示", "en": "note"},
    "schemes_more_notes": {
        "zh": "… 另有 {n} 条提示（见 --json）",
        "en": "… and {n} more notes (see --json)",
    },
    "schemes_home_inferred": {
        "zh": "按客户所在地推断本企业所在地：{shown}"
        "（可在体系中设置 parameters.home_region / home_city）",
        "en": "home inferred from the customers: {shown} (set parameters.home_region / "
        "home_city in the system to change)",
    },
    "schemes_side_high": {"zh": "较高", "en": "higher"},
    "schemes_side_low": {"zh": "较低", "en": "lower"},
}

_FEATURES: dict[str, tuple[str, str]] = {
    "customer_id": ("客户编号", "Customer id"),
    "name": ("客户名称", "Name"),
    "created_date": ("建档日期", "Created"),
    "nature": ("客户性质", "Nature"),
    "business_type": ("业务类型", "Business type"),
    "industry": ("行业", "Industry"),
    "region": ("地区", "Region"),
    "city": ("城市", "City"),
    "age": ("年龄", "Age"),
    "gender": ("性别", "Gender"),
    "occupation": ("职业", "Occupation"),
    "decision_factor": ("购买决策因素", "Decision factor"),
    "satisfaction": ("满意度", "Satisfaction"),
    "prospect_score": ("发展前景评分", "Prospect score"),
    "owner": ("负责人", "Owner"),
    "has_purchase": ("有购买", "Has purchased"),
    "is_prospect": ("未购买", "No purchase yet"),
    "first_purchase_date": ("首次购买日期", "First purchase"),
    "last_purchase_date": ("最近购买日期", "Last purchase"),
    "recency_days": ("距最近购买天数", "Days since last purchase"),
    "tenure_days": ("距首次购买天数", "Days since first purchase"),
    "relationship_days": ("合作天数", "Relationship days"),
    "orders_count": ("订单数", "Orders"),
    "purchase_days": ("购买天数", "Purchase days"),
    "orders_12m": ("近12个月订单数", "Orders (12m)"),
    "purchase_days_12m": ("近12个月购买天数", "Purchase days (12m)"),
    "active_months_12m": ("近12个月有购买的月数", "Active months (12m)"),
    "monetary_total": ("累计消费金额", "Total spend"),
    "revenue_12m": ("近12个月收入", "Revenue (12m)"),
    "revenue_prev_12m": ("上一个12个月收入", "Revenue (previous 12m)"),
    "revenue_growth": ("收入增长率", "Revenue growth"),
    "avg_order_value": ("平均订单金额", "Average order value"),
    "max_order_value": ("最大订单金额", "Largest order"),
    "return_amount": ("退货金额", "Returns"),
    "return_share": ("退货占比", "Return share"),
    "profit_total": ("累计利润", "Total profit"),
    "profit_12m": ("近12个月利润", "Profit (12m)"),
    "margin": ("毛利率", "Margin"),
    "gap_mean_days": ("平均购买间隔天数", "Mean gap (days)"),
    "gap_cv": ("购买间隔变异系数", "Gap variation"),
    "overdue_ratio": ("超期比", "Overdue ratio"),
    "top_category": ("主要消费类别", "Top category"),
    "top_category_share": ("主要类别占比", "Top category share"),
    "category_count": ("购买类别数", "Categories bought"),
    "discount_share": ("折扣占比", "Discount share"),
    "open_orders": ("未完成订单数", "Open orders"),
    "invoices_12m": ("近12个月到期发票数", "Invoices due (12m)"),
    "on_time_share": ("按时付款占比", "On-time share"),
    "mean_days_late": ("平均逾期天数", "Mean days late"),
    "max_days_late": ("最长逾期天数", "Worst days late"),
    "overdue_balance": ("逾期余额", "Overdue balance"),
    "overdue_invoices": ("逾期发票数", "Overdue invoices"),
    "open_opportunities": ("进行中的商机数", "Open opportunities"),
    "open_opportunity_amount": ("进行中的商机金额", "Open opportunity amount"),
    "region_scope": ("地域范围", "Region scope"),
    "r_score": ("R 得分（最近购买）", "R score (recency)"),
    "f_score": ("F 得分（购买频次）", "F score (frequency)"),
    "m_score": ("M 得分（消费金额）", "M score (monetary)"),
    "rfm_score": ("RFM 得分", "RFM score"),
    "loyalty_score": ("忠诚度指数", "Loyalty index"),
    "p_alive": ("仍在购买的概率", "Probability still buying"),
    "expected_purchases_90d": ("预计未来90天购买天数", "Expected purchases (90d)"),
    "expected_purchases_365d": ("预计未来12个月购买天数", "Expected purchases (12m)"),
    "p_no_purchase_90d": ("未来90天不购买的概率", "Probability of no purchase (90d)"),
    "expected_spend": ("预计单次消费金额", "Expected spend"),
    "clv_12m": ("未来12个月客户价值", "Customer value (12m)"),
}

WORDS: dict[str, dict[Lang, str]] = {
    **_REASONS,
    **_NOTES,
    **{f"schemes_feat_{k}": {"zh": zh, "en": en} for k, (zh, en) in _FEATURES.items()},
}
