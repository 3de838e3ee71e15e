"""Words of natural groups: profiles, names, headers, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    # -- `custseg clusters` ----------------------------------------------------------------
    "clusters_header": {
        "zh": "{scheme}（{key}）· 快照 {snapshot} · 截至 {as_of} · {k} 组",
        "en": "{scheme} ({key}) · snapshot {snapshot} · as of {as_of} · {k} groups",
    },
    "clusters_key": {"zh": "组编号", "en": "Key"},
    "clusters_name": {"zh": "组名", "en": "Name"},
    "clusters_customers": {"zh": "客户数", "en": "Customers"},
    "clusters_share": {"zh": "占比", "en": "Share"},
    "clusters_revenue_share": {"zh": "收入占比", "en": "Revenue share"},
    "clusters_traits": {"zh": "特征", "en": "Traits"},
    "clusters_matched": {
        "zh": "与快照 {snapshot}（截至 {as_of}）匹配：{kept} 的客户保持原组；新出现的组：{new}",
        "en": "matched to snapshot {snapshot} ({as_of}): {kept} of customers kept their "
        "group; new groups: {new}",
    },
    "clusters_none": {"zh": "无", "en": "none"},
    "clusters_not_cluster": {
        "zh": "分类方案 {scheme} 的类型是 {kind}，不是 cluster；"
        "`custseg clusters` 只显示聚类方案的分组",
        "en": "scheme {scheme!r} is of kind {kind!r}, not cluster; `custseg clusters` shows the "
        "groups of a cluster scheme",
    },
    "clusters_lineage_none": {
        "zh": "没有更早的快照：组编号按本次结果重新编排（g1 为平均消费最高的组）",
        "en": "no earlier snapshot: keys numbered afresh (g1 = the group with the highest mean "
        "spend)",
    },
    # -- notes stored with the snapshot (Message keys) ---------------------------------------
    "clusters_note_prospects": {
        "zh": "{n} 位尚无购买的客户未参与聚类",
        "en": "{n} customers with no purchase are not clustered",
    },
    "clusters_note_substituted": {
        "zh": "特征 '{feature}' 不存在，改用 '{used}'",
        "en": "feature '{feature}' is absent; using '{used}' instead",
    },
    "clusters_note_all_null": {
        "zh": "特征 '{feature}' 对所有客户都为空，已舍弃",
        "en": "feature '{feature}' is null for every customer and was dropped",
    },
    "clusters_note_imputed": {
        "zh": "特征 '{feature}'：{total} 个值中有 {n} 个为空，已用中位数 {median} 填补",
        "en": "feature '{feature}': {n} null value(s) of {total} imputed with the median {median}",
    },
    "clusters_note_clipped": {
        "zh": "特征 '{feature}'：{n} 个非有限值（无穷大）已截断到有限值范围 [{low}, {high}]",
        "en": "feature '{feature}': {n} non-finite (infinite) value(s) clipped to the finite "
        "range [{low}, {high}]",
    },
    "clusters_note_no_finite": {
        "zh": "特征 '{feature}' 没有任何有限值，按空值处理",
        "en": "feature '{feature}' has no finite value and is treated as null",
    },
    "clusters_note_not_converged": {
        "zh": "{what}：拟合未完全收敛",
        "en": "{what}: the fit did not fully converge",
    },
    "clusters_note_common_features": {
        "zh": "仅按共同特征与上一快照的分组匹配；本次缺少：{missing}",
        "en": "groups matched on the common features only; missing now: {missing}",
    },
    "clusters_note_unknown_names": {
        "zh": "为本次不存在的组指定了名称：{keys}",
        "en": "names given for groups that do not exist in this run: {keys}",
    },
    # -- profiles: features and traits -----------------------------------------------------
    "clusters_trait_ratio": {
        "zh": "{feature}为整体中位数的{ratio}倍",
        "en": "{feature} {ratio}× the median",
    },
    "clusters_trait_values": {
        "zh": "{feature}{group}（整体{base}）",
        "en": "{feature} {group} vs {base} overall",
    },
    "clusters_feature_recency_days": {"zh": "距上次购买天数", "en": "days since last purchase"},
    "clusters_feature_orders_count": {"zh": "订单数", "en": "orders"},
    "clusters_feature_frequency": {"zh": "订单数", "en": "orders"},
    "clusters_feature_monetary_total": {"zh": "累计消费", "en": "spend"},
    "clusters_feature_avg_order_value": {"zh": "平均订单金额", "en": "average order value"},
    "clusters_feature_revenue_12m": {"zh": "近12个月收入", "en": "12-month revenue"},
    "clusters_feature_tenure_days": {"zh": "合作时长", "en": "tenure"},
    "clusters_feature_margin": {"zh": "毛利率", "en": "margin"},
    "clusters_feature_gap_cv": {"zh": "购买间隔波动", "en": "purchase irregularity"},
    # reason codes (see custseg.schemes.kinds.reasons): {0} group key, {0!c} its name
    "clusters_r_group": {"zh": "第 {0} 组“{0!c}”", "en": "group {0} '{0!c}'"},
    "clusters_r_ratio": {
        "zh": "第 {0} 组“{0!c}”：{1!f}为整体中位数的{2}倍",
        "en": "group {0} '{0!c}': {1!f} {2}× the median",
    },
    "clusters_r_values": {
        "zh": "第 {0} 组“{0!c}”：{1!f}{2}（整体{3}）",
        "en": "group {0} '{0!c}': {1!f} {2} vs {3} overall",
    },
    "clusters_r_prospect": {
        "zh": "截至该日期尚无购买：未参与聚类",
        "en": "no purchase as of the date: not clustered",
    },
}
"""Labels shown to users, in zh-CN and English."""
