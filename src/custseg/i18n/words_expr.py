"""Words of the condition language's errors (syntax, types, functions) and of unknown names."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

_EXPECTED_TOKEN = {
    "zh": "。此处应为特征名、数字、'带引号的文本'、运算符（= != < <= > >= + - * /）、"
    "and、or、not、括号或函数调用",
    "en": ". Expected a feature name, a number, a 'quoted string', an operator "
    "(= != < <= > >= + - * /), 'and', 'or', 'not', parentheses or a function call",
}

WORDS: dict[str, dict[Lang, str]] = {
    # -- what a token is, in messages --------------------------------------------------------
    "expr_token_end": {"zh": "条件的结尾", "en": "the end of the condition"},
    "expr_token_string": {"zh": "文本 {text}", "en": "string {text}"},
    "expr_token_number": {"zh": "数字 {text}", "en": "number {text}"},
    "expr_token_other": {"zh": "{text}", "en": "{text}"},
    # -- characters typed by mistake ---------------------------------------------------------
    "expr_hint_dot": {
        "zh": "不允许用 '.' 访问属性；请直接写特征名",
        "en": "attribute access ('.') is not allowed; refer to features by name",
    },
    "expr_hint_semicolon": {
        "zh": "不允许使用 ';'：一个条件只能是一个表达式",
        "en": "';' is not allowed: a condition is a single expression",
    },
    "expr_hint_index": {
        "zh": "不允许用 ('{char}') 取下标",
        "en": "indexing ('{char}') is not allowed",
    },
    "expr_hint_not_allowed": {"zh": "不允许使用 '{char}'", "en": "'{char}' is not allowed"},
    "expr_hint_backtick": {
        "zh": "不允许使用反引号；文本请用 ' 或 \" 括起来",
        "en": "backticks are not allowed; quote strings with ' or \"",
    },
    "expr_hint_hash": {"zh": "不允许写注释", "en": "comments are not allowed"},
    "expr_hint_bang": {
        "zh": "'!' 只能用在 '!=' 中；取反请用 'not'",
        "en": "'!' is only valid in '!='; use 'not' for negation",
    },
    "expr_hint_use_word": {
        "zh": "请用 '{word}' 代替 '{char}'",
        "en": "use '{word}' instead of '{char}'",
    },
    "expr_hint_percent": {
        "zh": "不允许使用 '%'；运算符只有 + - * /",
        "en": "'%' is not allowed; operators are + - * /",
    },
    "expr_hint_fullwidth": {
        "zh": "全角字符 '{char}'；请改用半角 '{ascii}'",
        "en": "full-width '{char}'; use ASCII '{ascii}'",
    },
    "expr_hint_curly_quote": {
        "zh": "中文引号 '{char}'；请改用半角 ' 或 \"",
        "en": "curly quote '{char}'; use ASCII ' or \"",
    },
    "expr_hint_unexpected": {"zh": "意外的字符 {char}", "en": "unexpected character {char}"},
    "expr_bad_character": {
        "zh": "{hint}" + _EXPECTED_TOKEN["zh"],
        "en": "{hint}" + _EXPECTED_TOKEN["en"],
    },
    "expr_location": {"zh": "（{where}）", "en": " in {where}"},
    "expr_at_line_column": {
        "zh": "第 {line} 行第 {column} 列",
        "en": "line {line}, column {column}",
    },
    "expr_at_column": {"zh": "第 {column} 列", "en": "column {column}"},
    # -- tokenizer ---------------------------------------------------------------------------
    "expr_too_long": {
        "zh": "条件长 {length} 个字符，上限为 {limit}。请拆成几条规则，或增加一个特征。",
        "en": "condition is {length} characters long; the limit is {limit}. "
        "Split it into several rules or add a feature.",
    },
    "expr_empty": {
        "zh": "条件为空；请写一个表达式，例如 'orders_12m >= 3'",
        "en": "condition is empty; write an expression such as 'orders_12m >= 3'",
    },
    "expr_comment": {
        "zh": "不允许写注释（'--'、'/*'）",
        "en": "comments ('--', '/*') are not allowed",
    },
    "expr_malformed_number": {
        "zh": "数字 {text} 格式不对；数字形如 3、0.25 或 1e3，特征名不能以数字开头",
        "en": "malformed number {text}; a number is like 3, 0.25 or 1e3 and a feature name "
        "cannot start with a digit",
    },
    "expr_unterminated_string": {
        "zh": "文本没有结束：缺少收尾的 {quote}（文本中的引号写作 {quote}{quote} 或 \\{quote}）",
        "en": "unterminated string: no closing {quote} (write {quote}{quote} or \\{quote} for a "
        "quote inside a string)",
    },
    # -- parser ------------------------------------------------------------------------------
    "expr_expected": {"zh": "此处应为 {what}，实际是 {got}", "en": "expected {what}, got {got}"},
    "expr_what_between_and": {
        "zh": "'between' 两个边界之间的 'and'",
        "en": "'and' between the bounds of 'between'",
    },
    "expr_what_null_after_is": {
        "zh": "'is' 之后的 'null'（写作 'is null' 或 'is not null'）",
        "en": "'null' after 'is' (write 'is null' or 'is not null')",
    },
    "expr_what_open_after": {"zh": "{after} 之后的 '('", "en": "'(' after {after}"},
    "expr_what_list_next": {"zh": "列表中的 ',' 或 ')'", "en": "',' or ')' in the list"},
    "expr_what_close_paren": {"zh": "闭合括号的 ')'", "en": "')' to close the parenthesis"},
    "expr_too_deep": {
        "zh": "条件嵌套超过 {limit} 层；请简化",
        "en": "condition is nested more than {limit} levels deep; simplify it",
    },
    "expr_expected_end": {
        "zh": "此处应为 'and'、'or'、运算符或条件结尾，实际是 {got}",
        "en": "expected 'and', 'or', an operator or the end of the condition, got {got}",
    },
    "expr_too_complex": {
        "zh": "条件太复杂（超过 {limit} 层）；请拆成几条规则或使用 'in (...)'",
        "en": "condition is too complex (more than {limit} levels); split it into several "
        "rules or use 'in (...)'",
    },
    "expr_chained": {
        "zh": "比较不能连写；请用 'and' 连接（例如 'a < b and b < c'）或使用 'between'",
        "en": "comparisons cannot be chained; combine them with 'and' (e.g. 'a < b and b < c') "
        "or use 'between'",
    },
    "expr_empty_list": {
        "zh": "{after} 之后的列表中至少要有一个值",
        "en": "expected at least one value in the list after {after}",
    },
    "expr_expected_atom": {
        "zh": "此处应为特征名、数字、'带引号的文本'、true/false/null、'(' 或函数调用，实际是 {got}",
        "en": "expected a feature name, a number, a 'quoted string', true/false/null, '(' or a "
        "function call, got {got}",
    },
    "expr_unknown_function": {
        "zh": "未知函数 {name}；可用的函数有 {allowed}",
        "en": "unknown function {name}; allowed functions are {allowed}",
    },
    "expr_argument_count": {
        "zh": "{func}() 需要 {count} 个参数，实际给了 {got} 个",
        "en": "{func}() takes {count} argument{plural}, got {got}",
    },
    "expr_at_least": {"zh": "至少 {n}", "en": "at least {n}"},
    # -- types (compiling a condition against the feature table) -----------------------------
    "expr_not_a_condition": {
        "zh": "{where}条件必须是真或假，但 {text} 的类型是 {dtype}；"
        "请与某个值比较，例如 '{text} > 0'",
        "en": "{where}a condition must be true or false, but {quoted} is {dtype}; compare it "
        "with something, e.g. '{text} > 0'",
    },
    "expr_failure": {"zh": "{where}{problem}；{advice}", "en": "{where}{problem}; {advice}"},
    "expr_failure_plain": {"zh": "{where}{problem}", "en": "{where}{problem}"},
    "expr_feature_typed": {"zh": "特征 {name}（{dtype}）", "en": "feature {name} ({dtype})"},
    "expr_value_typed": {"zh": "{text}（{dtype}）", "en": "{text} ({dtype})"},
    "expr_needs_numbers": {
        "zh": "{what} 需要数字，但 {subject} 不是数字",
        "en": "{what} needs numbers, but {subject} is not a number",
    },
    "expr_advice_numeric": {
        "zh": "请使用数值型特征，或改写条件",
        "en": "use a numeric feature or convert the condition",
    },
    "expr_needs_conditions": {
        "zh": "{what} 需要真/假条件，但 {subject} 不是条件",
        "en": "{what} needs true/false conditions, but {subject} is not one",
    },
    "expr_advice_compare": {
        "zh": "请加上比较，例如 '{example}'",
        "en": "compare it, e.g. '{example}'",
    },
    "expr_null_comparison": {
        "zh": "不能与 {shown} {verb}：与 null 的比较永远不成立",
        "en": "cannot {verb} with {shown}: a comparison with null is never true",
    },
    "expr_advice_is_null": {
        "zh": "请写 'x is null' 或 'x is not null'",
        "en": "write 'x is null' or 'x is not null'",
    },
    "expr_incomparable": {
        "zh": "不能将 {left} 与 {right} {verb}",
        "en": "cannot {verb} {left} with {right}",
    },
    "expr_advice_types": {
        "zh": "两边必须同为数字、文本、日期或布尔值（文本要加引号：region = '广东'；数字不加引号："
        "orders_12m >= 3）",
        "en": "both sides must be numbers, strings, dates or booleans (quote a string: "
        "region = '广东'; do not quote a number: orders_12m >= 3)",
    },
    "expr_not_a_date": {
        "zh": "{text} 不是日期，不能与 {other} 比较",
        "en": "{text} is not a date, so it cannot be compared with {other}",
    },
    "expr_advice_date": {
        "zh": "日期写作 'YYYY-MM-DD'，例如 '2024-01-31'",
        "en": "write dates as 'YYYY-MM-DD', e.g. '2024-01-31'",
    },
    "expr_null_in_list": {
        "zh": "'in (...)' 列表中的 null 永远不会匹配",
        "en": "null in an 'in (...)' list never matches",
    },
    "expr_advice_missing": {
        "zh": "判断缺失值请用 'x is null'",
        "en": "test for missing values with 'x is null'",
    },
    "expr_all_null": {
        "zh": "{func}() 至少需要一个不为 null 的参数",
        "en": "{func}() needs at least one argument that is not null",
    },
    "expr_verb_compare": {"zh": "比较", "en": "compare"},
    "expr_verb_mix": {"zh": "在 {func}() 中混用", "en": "mix in {func}()"},
    "expr_op_unary_minus": {"zh": "负号", "en": "unary minus"},
    "expr_op_arithmetic": {"zh": "算术运算（'{op}'）", "en": "arithmetic ('{op}')"},
    # -- unknown names (any "unknown scheme / class / feature / setting") --------------------
    "unknown_name": {
        "zh": "未知的{what} {name}{location}{hint}可用：{known}",
        "en": "unknown {what} {name}{location}{hint} Known: {known}",
    },
    "unknown_name_location": {"zh": "（{where}）", "en": " in {where}"},
    "unknown_name_close": {"zh": "；是否想写 {close}？", "en": "; did you mean {close}?"},
    "unknown_name_none_close": {"zh": "。", "en": "."},
    "unknown_where_any_snapshot": {"zh": "任何快照", "en": "any snapshot"},
    "unknown_where_any_snapshot_of": {
        "zh": "体系 {system} 的任何快照",
        "en": "any snapshot of system {system}",
    },
    "unknown_where_scheme": {"zh": "方案 {scheme}", "en": "scheme {scheme}"},
    "unknown_where_settings": {"zh": "工作区设置", "en": "the workspace settings"},
    "unknown_where_this_snapshot": {"zh": "本快照", "en": "this snapshot"},
    "unknown_what_name": {"zh": "名称", "en": "name"},
    "unknown_what_scheme": {"zh": "方案", "en": "scheme"},
    "unknown_what_class": {"zh": "类别", "en": "class"},
    "unknown_what_feature": {"zh": "特征", "en": "feature"},
    "unknown_what_setting": {"zh": "设置项", "en": "setting"},
}
