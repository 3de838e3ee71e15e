"""Words of classification-system files and the CLI error boundary, in zh-CN and English.

Loading and validating systems, the condition language, identity (user names).
"""

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
WORDS.update(
    {
        # -- reading system files (custseg.schemes.yaml_bounded) -------------------------------
        "config_cannot_read": {
            "zh": "无法读取分类体系文件 {file}：{reason}",
            "en": "cannot read the classification system {file}: {reason}",
        },
        "config_not_regular_file": {
            "zh": "{file} 不是普通文件（而是{kind}），未读取；请给出 YAML 文件的路径",
            "en": "{file} is not a regular file (it is a {kind}) and was not read; give the "
            "path of a YAML file",
        },
        "config_yaml_too_large": {
            "zh": "{file} 有 {size} 字节，超过分类体系文件的上限 {limit} 字节，未读取；"
            "如确需更大的文件，请设置环境变量 {env}（字节数）",
            "en": "{file} is {size} bytes, more than the limit of {limit} bytes for a "
            "classification system, and was not read; to allow a larger file set the "
            "environment variable {env} (bytes)",
        },
        "config_bad_env_limit": {
            "zh": "环境变量 {name}={value!r} 不是正整数（字节数）；例如 {name}=5000000",
            "en": "the environment variable {name}={value!r} is not a positive whole number of "
            "bytes; e.g. {name}=5000000",
        },
        "config_not_utf8": {
            "zh": "{file}:{line}：第 {byte} 字节不是 UTF-8 文本；请将文件另存为 UTF-8",
            "en": "{file}:{line}: byte {byte} is not UTF-8 text; save the file as UTF-8",
        },
        "config_yaml_depth": {
            "zh": "{file}:{line}：嵌套超过 {limit} 层；分类体系远不需要这么深，请检查括号是否配对",
            "en": "{file}:{line}: nested more than {limit} levels deep; a classification "
            "system needs far fewer, check that brackets are balanced",
        },
        "config_yaml_aliases": {
            "zh": "{file}:{line}：别名（*name）超过 {limit} 个；请直接写出内容或减少别名",
            "en": "{file}:{line}: more than {limit} aliases (*name); write the values out or "
            "use fewer aliases",
        },
        "config_yaml_expands": {
            "zh": "{file}：展开别名后文档超过 {limit} 个值（可能是别名炸弹），未处理；"
            "请减少嵌套的别名",
            "en": "{file}: with its aliases expanded the document has more than {limit} values "
            "(an alias bomb?) and was not processed; use fewer nested aliases",
        },
        "config_yaml_recursive": {
            "zh": "{file}:{line}：别名引用了包含它自身的节点（递归）；请去掉这个别名",
            "en": "{file}:{line}: an alias refers to the node that contains it (recursive); "
            "remove that alias",
        },
        "config_yaml_big_int": {
            "zh": "{file}:{line}：数字 {shown} 有 {digits} 位，最多允许 {limit} 位",
            "en": "{file}:{line}: the number {shown} has {digits} digits; at most {limit} are "
            "allowed",
        },
        # -- validating a system (custseg.schemes.validate) -----------------------------------
        "config_problems": {
            "zh": "{file} 中有 {n} 个问题：",
            "en": "{n} problems in {file}:",
        },
        "config_bad_version": {
            "zh": "{at} version：不支持的格式版本 {value}；本程序读取的版本为 {supported}"
            "（写 version: 1，或删去该行）",
            "en": "{at} version: unsupported format version {value}; this custseg reads "
            "version {supported} (write version: 1, or leave the key out)",
        },
        "config_not_finite": {
            "zh": "{at} {key}：{value} 不是有限数；请写一个普通数字，例如 0.5（不允许 .inf、.nan）",
            "en": "{at} {key}: {value} is not a finite number; write an ordinary number such "
            "as 0.5 (.inf and .nan are not allowed)",
        },
        "config_unknown_feature": {
            "zh": "{at} {key}：未知特征 '{name}'{hint}",
            "en": "{at} {key}: unknown feature '{name}'{hint}",
        },
        "config_did_you_mean": {
            "zh": "；您是不是想写 {names}？（`custseg features` 列出所有特征）",
            "en": "; did you mean {names}? (`custseg features` lists them all)",
        },
        "config_see_features": {
            "zh": "；`custseg features` 列出所有特征",
            "en": "; `custseg features` lists them all",
        },
        "config_feature_not_numeric": {
            "zh": "{at} {key}：特征 '{name}' 的类型是 {dtype}，而 {kind} 方案需要数值特征，"
            "例如 {examples}",
            "en": "{at} {key}: feature '{name}' is {dtype}, but a {kind} scheme needs a "
            "numeric feature, e.g. {examples}",
        },
    }
)
WORDS.update(
    {
        # -- the condition language (custseg.schemes.expr) -------------------------------------
        "config_condition_invalid": {
            "zh": "条件无效{location}，{at}：{problem}\n  {shown}\n  {caret}",
            "en": "invalid condition{location} at {at}: {problem}\n  {shown}\n  {caret}",
        },
        "config_number_too_large": {
            "zh": "数字 {number}（{length} 个字符）太大：数字最多 {chars} 个字符，"
            "整数最大为 {largest}",
            "en": "the number {number} ({length} characters) is too large: a number has at "
            "most {chars} characters and an integer is at most {largest}",
        },
    }
)
WORDS.update(
    {
        # -- identity (custseg.governance.users) -----------------------------------------------
        "config_user_refused": {
            "zh": "用户名 {name!r}（来自 {source}）不可用：{reason}",
            "en": "the user name {name!r} (from {source}) cannot be used: {reason}",
        },
        "config_user_empty": {"zh": "用户名为空", "en": "it is empty"},
        "config_user_too_long": {
            "zh": "超过 {limit} 个字符",
            "en": "it is longer than {limit} characters",
        },
        "config_user_control": {
            "zh": "含有控制字符或不可见字符 {code}",
            "en": "it contains the control or invisible character {code}",
        },
        "config_user_mixed": {
            "zh": "混用了多种文字（{scripts}），可能是形近字冒充；请只用一种文字书写用户名",
            "en": "it mixes scripts ({scripts}), which can imitate another user's name; write "
            "it in one script",
        },
        # the audit log's label of the refusal action (looked up as gov_action_<action>)
        "gov_action_override_refused": {"zh": "人工调整操作被拒绝", "en": "override refused"},
    }
)
WORDS.update(
    {
        # -- validation problems of a system file (custseg.schemes.loader) --------------------
        "config_problem": {
            "zh": "{source} 第 {line} 行 {where}：{msg}",
            "en": "{source}:{line} {where}: {msg}",
        },
        "config_top_level": {"zh": "（顶层）", "en": "(top level)"},
        "config_unknown_key": {
            "zh": "未知的键 {key}。允许的键：{allowed}",
            "en": "unknown key {key} Allowed keys: {allowed}",
        },
        "config_unknown_key_close": {
            "zh": "未知的键 {key}；是否想写 {close}？允许的键：{allowed}",
            "en": "unknown key {key}; did you mean {close}? Allowed keys: {allowed}",
        },
        "config_not_ascending_strict": {
            "zh": "必须严格递增，实际为 {values}",
            "en": "must be strictly ascending, got {values}",
        },
        "config_not_ascending": {
            "zh": "必须递增，实际为 {values}",
            "en": "must be ascending, got {values}",
        },
        "config_p_missing": {"zh": "必须填写", "en": "is required"},
        "config_p_kind_invalid": {
            "zh": "kind 必须是 {allowed} 之一；实际为 {got}",
            "en": "kind must be one of {allowed}; got {got}",
        },
        "config_p_kind_missing": {
            "zh": "必须填写 kind，取 {allowed} 之一",
            "en": "kind is required; one of {allowed}",
        },
        "config_p_literal": {
            "zh": "必须是 [{expected}] 之一；实际为 {got}",
            "en": "must be one of [{expected}]; got {got}",
        },
        "config_p_key_pattern": {
            "zh": "{got} 不是有效的键：只能用 ASCII 字母、数字和 _，以字母开头"
            "（方案名用小写），例如 'key_account'",
            "en": "{got} is not a valid key: use ASCII letters, digits and _ , starting with a "
            "letter (scheme names in lower case), e.g. 'key_account'",
        },
        "config_p_int": {
            "zh": "必须是整数；实际为 {got}",
            "en": "must be a whole number; got {got}",
        },
        "config_p_number": {
            "zh": "必须是（有限的）数字；实际为 {got}",
            "en": "must be a (finite) number; got {got}",
        },
        "config_p_bool": {
            "zh": "必须是 true 或 false；实际为 {got}",
            "en": "must be true or false; got {got}",
        },
        "config_p_text": {"zh": "必须是文本；实际为 {got}", "en": "must be text; got {got}"},
        "config_p_list": {
            "zh": "必须是列表（- 项）；实际为 {got}",
            "en": "must be a list (- items); got {got}",
        },
        "config_p_mapping": {
            "zh": "必须是映射（键: 值）；实际为 {got}",
            "en": "must be a mapping (key: value); got {got}",
        },
        "config_p_gt": {
            "zh": "必须大于 {gt}；实际为 {got}",
            "en": "must be greater than {gt}; got {got}",
        },
        "config_p_ge": {
            "zh": "必须大于或等于 {ge}；实际为 {got}",
            "en": "must be at least {ge}; got {got}",
        },
        "config_p_lt": {
            "zh": "必须小于 {lt}；实际为 {got}",
            "en": "must be less than {lt}; got {got}",
        },
        "config_p_le": {
            "zh": "必须小于或等于 {le}；实际为 {got}",
            "en": "must be at most {le}; got {got}",
        },
        "config_p_text_short": {
            "zh": "至少需要 {min_length} 个字符；实际为 {got}",
            "en": "needs at least {min_length} character(s); got {got}",
        },
        "config_p_list_short": {
            "zh": "至少需要 {min_length} 项",
            "en": "needs at least {min_length} item(s)",
        },
        "config_p_list_long": {
            "zh": "至多 {max_length} 项",
            "en": "takes at most {max_length} item(s)",
        },
        "config_p_other": {"zh": "取值无效（{msg}）；实际为 {got}", "en": "{msg}; got {got}"},
        "config_p_other_nogot": {"zh": "取值无效（{msg}）", "en": "{msg}"},
    }
)
WORDS.update(
    {
        # -- validators of a system's schemes, alerts and exclusions (custseg.schemes.config*) -
        "config_v_type": {
            "zh": "类型必须是 {types}；实际为 {got}",
            "en": "must be {types}, got {got}",
        },
        "config_v_duplicate_scheme": {
            "zh": "方案名 {name} 重复（另见 schemes[{other}]）；方案名必须唯一",
            "en": "duplicate scheme name {name} (also schemes[{other}]); scheme names must be "
            "unique",
        },
        "config_v_entered_from": {
            "zh": "`entered` 预警关注的是上一快照中没有的客户，他们没有 `from` 类别；"
            "请删去 `from`，或把 direction 改为 any / up / down",
            "en": "an `entered` alert watches customers who were not in the previous snapshot, "
            "so they have no `from` class; remove `from` or use direction any / up / down",
        },
        "config_v_duplicate_alert": {
            "zh": "预警键 {key} 重复（另见 alerts[{other}]）；预警键必须唯一",
            "en": "duplicate alert key {key} (also alerts[{other}]); alert keys must be unique",
        },
        "config_v_alert_scheme": {
            "zh": "预警 {key} 关注的方案 {scheme} 不存在。本体系的方案：{schemes}",
            "en": "alert {key} watches unknown scheme {scheme}. Schemes of this system: {schemes}",
        },
        "config_v_in_alert": {"zh": "预警 {key}：{msg}", "en": "alert {key}: {msg}"},
        "config_v_alert_unranked": {
            "zh": "预警 {key} 关注 {direction} 方向的变动，但方案 {scheme} 的类别没有排序；"
            "请在方案中加 `ranking: [最好, ..., 最差]`，或用 `from` / `to` 并设 direction any",
            "en": "alert {key} watches {direction} moves, but scheme {scheme} has no ranking of "
            "its classes; add `ranking: [best, ..., worst]` to the scheme, or use `from` / `to` "
            "with direction any",
        },
        "config_v_duplicate_exclusion": {
            "zh": "互斥规则键 {key} 重复（另见 exclusions[{other}]）",
            "en": "duplicate exclusion key {key} (also exclusions[{other}])",
        },
        "config_v_exclusion_scheme": {
            "zh": "互斥规则 {key} 引用的方案 {scheme} 不存在。本体系的方案：{schemes}",
            "en": "exclusion {key} names unknown scheme {scheme}. Schemes of this system: "
            "{schemes}",
        },
        "config_v_in_exclusion": {"zh": "互斥规则 {key}：{msg}", "en": "exclusion {key}: {msg}"},
        "config_v_feature_name": {
            "zh": "必须是特征名（字母、数字、_）；实际为 {got}",
            "en": "must be a feature name (letters, digits, _), got {got}",
        },
        "config_v_class_unused": {
            "zh": "类别 {cls} 永远不会被赋予：它既不是分档，也未被 missing_class / "
            "outside_class / zero_class 引用",
            "en": "class {cls} can never be assigned: it is not a bin and not named by "
            "missing_class / outside_class / zero_class",
        },
        "config_v_outside_class": {
            "zh": "给出 `where` 时必须填写：适用范围以外客户的类别",
            "en": "is required when `where` is given: the class of customers outside the "
            "population",
        },
        "config_v_quantile_cuts": {
            "zh": "分位数分界必须严格介于 0 与 1 之间；实际为 {got}",
            "en": "quantile cuts must lie strictly between 0 and 1, got {got}",
        },
        "config_v_tier_classes": {
            "zh": "{cuts} 个分界形成 {bins} 档，至少需要 {bins} 个类别（最好的在前）；实际为 {got}",
            "en": "{cuts} cuts make {bins} tiers, so at least {bins} classes are needed (best "
            "first); got {got}",
        },
        "config_v_share_cuts": {
            "zh": "累计占比分界必须在 (0, 1] 之内；实际为 {got}",
            "en": "cumulative-share cuts must lie in (0, 1], got {got}",
        },
        "config_v_pareto_classes": {
            "zh": "{cuts} 个分界形成 {bins} 个类别（A 在前）；实际为 {got}",
            "en": "{cuts} cuts make {bins} classes (A first); got {got}",
        },
        "config_v_quantile_split": {
            "zh": "分位数分界必须严格介于 0 与 1 之间；实际为 {got}",
            "en": "a quantile split must lie strictly between 0 and 1, got {got}",
        },
        "config_v_unplaced_class": {
            "zh": "给出 `population` 时必须填写：在 `where` 之内、但不适合参与划分的客户"
            "（例如窗口内没有购买）的类别",
            "en": "is required when `population` is given: the class of customers in `where` "
            "for whom the split is not meaningful (e.g. no purchase in the window)",
        },
        "config_v_fixed_bounds": {
            "zh": "`fixed` 需要同时给出 `min` 和 `max`",
            "en": "`fixed` needs both `min` and `max`",
        },
        "config_v_max_above_min": {
            "zh": "必须大于 min（{min}）；实际为 {got}",
            "en": "must be greater than min ({min}), got {got}",
        },
        "config_v_missing_score": {
            "zh": "必须是 'mean' 或 0-100 之间的分数；实际为 {got}",
            "en": "must be 'mean' or a score in 0-100, got {got}",
        },
        "config_v_grades_descending": {
            "zh": "各等级的最低分必须严格递减（最好的等级在前）；实际为 {got}",
            "en": "grade minimums must be strictly descending (best grade first), got {got}",
        },
        "config_v_mapped_twice": {
            "zh": "取值 {value} 也被映射到了 {other}",
            "en": "value {value} is also mapped to {other}",
        },
        "config_v_auto_and_mapping": {
            "zh": "`classes: auto` 与 mapping 只能二选一",
            "en": "give either `classes: auto` or a mapping, not both",
        },
        "config_v_no_features": {
            "zh": "至少给出一个特征，或删去 `features` 使用默认特征",
            "en": "give at least one feature, or leave `features` out for the defaults",
        },
        "config_v_k_max": {
            "zh": "必须不小于 k_min（{k_min}）；实际为 {got}",
            "en": "must be at least k_min ({k_min}), got {got}",
        },
        "config_v_labels_source": {
            "zh": "`labels_column`（存放已知类别的客户属性）与 `labels_file`"
            "（CSV：customer_id,class）必须且只能给出一个",
            "en": "give exactly one of `labels_column` (a customer attribute holding the known "
            "classes) or `labels_file` (CSV customer_id,class)",
        },
        "config_v_no_classes": {
            "zh": "一个方案至少需要一个类别",
            "en": "a scheme needs at least one class",
        },
        "config_v_duplicate_class": {
            "zh": "类别键 {key} 重复（另见 classes[{other}]）；类别键必须唯一",
            "en": "duplicate class key {key} (also classes[{other}]); class keys must be unique",
        },
        "config_v_ranked_twice": {
            "zh": "类别 {cls} 在排序中出现了两次（另见 ranking[{other}]）；"
            "每个类别只列一次，最好的在前",
            "en": "class {cls} is ranked twice (also ranking[{other}]); list each class once, "
            "best first",
        },
        "config_v_unknown_class": {
            "zh": "未知的类别 {cls}。本方案的类别：{known}",
            "en": "unknown class {cls} Classes of this scheme: {known}",
        },
        "config_v_unknown_class_close": {
            "zh": "未知的类别 {cls}；是否想写 {close}？本方案的类别：{known}",
            "en": "unknown class {cls}; did you mean {close}? Classes of this scheme: {known}",
        },
    }
)
