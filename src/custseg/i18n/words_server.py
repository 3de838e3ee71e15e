"""Words of the server: users, roles, tokens and the REST API, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "server_error_auth_required": {
        "zh": "需要登录：请求中没有访问令牌",
        "en": "login required: the request carries no access token",
    },
    "server_hint_login": {
        "zh": "先向 /api/v1/auth/token 提交用户名和密码，再以 Authorization: Bearer <令牌> 调用",
        "en": "post your user name and password to /api/v1/auth/token, then send "
        "Authorization: Bearer <token>",
    },
    "server_error_rate_limited": {
        "zh": "登录失败次数过多，已暂时锁定",
        "en": "too many failed logins; login is locked for a while",
    },
    "server_hint_rate_limited": {
        "zh": "请 {seconds} 秒后再试；忘记密码请联系管理员",
        "en": "try again in {seconds} s; if you forgot the password, ask an admin",
    },
    "server_hint_request_invalid": {
        "zh": "按 /api/docs 中的说明修改请求参数",
        "en": "fix the request as described at /api/docs",
    },
    "server_error_http": {"zh": "请求无法处理", "en": "the request cannot be handled"},
    "server_error_no_route": {
        "zh": "没有这个地址；接口列表见 /api/docs",
        "en": "no such address; the endpoints are listed at /api/docs",
    },
    "server_error_internal": {
        "zh": "服务器内部错误，请求未完成",
        "en": "internal server error; the request was not completed",
    },
    "server_hint_internal": {
        "zh": "稍后重试；若仍出错，请管理员查看服务器日志",
        "en": "try again later; if it persists, an admin can read the server log",
    },
    "server_role_viewer": {"zh": "查看者", "en": "viewer"},
    "server_role_sales": {"zh": "销售", "en": "sales"},
    "server_role_analyst": {"zh": "分析员", "en": "analyst"},
    "server_role_manager": {"zh": "经理", "en": "manager"},
    "server_role_admin": {"zh": "管理员", "en": "admin"},
    "server_user_added": {
        "zh": "已创建用户 {name}（角色：{role}）",
        "en": "user {name} created (role: {role})",
    },
    "server_user_disabled": {
        "zh": "已停用用户 {name}，其令牌均已撤销",
        "en": "user {name} disabled; their tokens are revoked",
    },
    "server_password_changed": {
        "zh": "已修改 {name} 的密码，其登录会话均已撤销",
        "en": "password of {name} changed; their login sessions are revoked",
    },
    "server_password_prompt": {"zh": "密码", "en": "Password"},
    "server_token_created": {
        "zh": "令牌 {token_id}（用户 {name}）：下面的令牌只显示这一次，请妥善保存",
        "en": "token {token_id} (user {name}): the token below is shown this once; keep it safe",
    },
    "server_token_revoked": {"zh": "已撤销令牌 {token_id}", "en": "token {token_id} revoked"},
    "server_users_none": {
        "zh": "还没有用户；用 `custseg user add 名称 --role admin` 创建第一个管理员",
        "en": "no users yet; create the first admin with `custseg user add NAME --role admin`",
    },
    "server_serving": {
        "zh": "custseg 服务运行于 http://{host}:{port}（接口文档 /api/docs；Ctrl+C 停止）",
        "en": "custseg server on http://{host}:{port} (API docs at /api/docs; Ctrl+C stops)",
    },
    "server_no_admin": {
        "zh": "提示：工作区还没有管理员；先运行 `custseg user add 名称 --role admin`",
        "en": "note: the workspace has no admin yet; run `custseg user add NAME --role admin`",
    },
    "server_col_name": {"zh": "用户", "en": "user"},
    "server_col_role": {"zh": "角色", "en": "role"},
    "server_col_owner": {"zh": "负责人键", "en": "owner key"},
    "server_col_status": {"zh": "状态", "en": "status"},
    "server_status_active": {"zh": "启用", "en": "active"},
    "server_status_disabled": {"zh": "停用", "en": "disabled"},
    "server_sales_needs_owner": {
        "zh": "销售用户只能看到负责人为其负责人键的客户；请用 --owner 指定（例如 --owner {name}）",
        "en": "a sales user sees only the customers whose owner is their owner key; give one "
        "with --owner (e.g. --owner {name})",
    },
    "server_user_exists": {
        "zh": "用户 {name!r} 已存在；请换一个名称",
        "en": "user {name!r} already exists; choose another name",
    },
    "server_user_unknown": {
        "zh": "没有用户 {name!r}；现有用户：{known}。用 `custseg user add 名称 --role 角色` 创建",
        "en": "no user {name!r}; known users: {known}. Create one with "
        "`custseg user add NAME --role ROLE`",
    },
    "server_login_refused": {
        "zh": "用户名或密码错误，或该用户已停用",
        "en": "wrong user name or password, or the user is disabled",
    },
    "server_user_is_disabled": {"zh": "用户 {name!r} 已停用", "en": "user {name!r} is disabled"},
    "server_token_unknown": {
        "zh": "没有令牌 {token!r}；用 `custseg token list` 查看",
        "en": "no token {token!r}; list them with `custseg token list`",
    },
    "server_token_refused": {
        "zh": "令牌无效、已过期或已撤销；请重新登录",
        "en": "the token is unknown, expired or revoked; log in again",
    },
    "server_password_short": {
        "zh": "密码太短：至少 {n} 个字符（几个词组成的短语最好记）",
        "en": "the password is too short: at least {n} characters (a passphrase of a few "
        "words is easiest)",
    },
    "server_name_space": {
        "zh": "用户名 {name!r} 含空格；请用不含空格的名称（例如 {example}）",
        "en": "user name {name!r} has a space; use a name without spaces (e.g. {example})",
    },
    "server_role_unknown": {
        "zh": "未知角色 {role!r}；可选：{known}",
        "en": "unknown role {role!r}; choose one of {known}",
    },
    "server_forbidden": {
        "zh": "用户 {name!r}（角色：{role}）无权{permission}；请管理员授予相应角色",
        "en": "user {name!r} (role {role}) may not {permission}; ask an admin for a role "
        "that allows it",
    },
    "server_perm_read_summary": {"zh": "查看汇总", "en": "read summaries"},
    "server_perm_read_customers": {"zh": "查看客户明细", "en": "read customer-level rows"},
    "server_perm_read_all_customers": {
        "zh": "查看所有负责人的客户明细",
        "en": "read every owner's customer rows",
    },
    "server_perm_ingest": {"zh": "导入数据", "en": "ingest data"},
    "server_perm_run": {"zh": "运行分类", "en": "run classifications"},
    "server_perm_edit_system": {"zh": "修改分类体系", "en": "edit the classification system"},
    "server_perm_propose_override": {"zh": "提出人工调整", "en": "propose overrides"},
    "server_perm_decide_override": {
        "zh": "批准或驳回人工调整",
        "en": "approve or reject overrides",
    },
    "server_perm_manage_users": {"zh": "管理用户", "en": "manage users"},
    "server_perm_manage_settings": {"zh": "修改设置", "en": "change settings"},
    "server_perm_read_audit": {"zh": "查看审计日志", "en": "read the audit log"},
    "server_sort_unknown": {
        "zh": "不能按 {sort!r} 排序；可选：{known}",
        "en": "cannot sort by {sort!r}; sort by one of {known}",
    },
    "server_customer_not_found": {
        "zh": "快照 {snapshot}（截至 {as_of}）中没有客户 {id!r}；请在客户列表中搜索正确的编号",
        "en": "customer {id!r} is not in snapshot {snapshot} (as of {as_of}); search the "
        "customer list for the right id",
    },
    "server_page_too_large": {
        "zh": "limit {limit} 超过每页上限 {max}",
        "en": "limit {limit} is above the maximum page size {max}",
    },
    "server_hint_page": {
        "zh": "每页最多请求 {max} 行",
        "en": "ask for at most {max} rows per page",
    },
    "server_class_filter": {
        "zh": "类别筛选 {value!r} 不是“方案:类别”形式",
        "en": "class filter {value!r} is not SCHEME:CLASS",
    },
    "server_no_previous": {
        "zh": "快照 {snapshot} 之前没有可比较的快照",
        "en": "snapshot {snapshot} has no earlier snapshot to compare with",
    },
    "server_hint_no_previous": {
        "zh": "先运行更早日期的快照（例如按月序列）",
        "en": "run a snapshot of an earlier date (a series)",
    },
    "server_table_unknown": {"zh": "未知的数据表 {table!r}", "en": "unknown table {table!r}"},
    "server_write_busy": {
        "zh": "正在运行的任务在写入工作区；同一时间只允许一个写入者，请待其完成后再试",
        "en": "a job is writing to the workspace; one writer at a time, try again when it is done",
    },
    "server_ingest_busy": {
        "zh": "正在运行的任务在写入工作区；请待其完成后再导入",
        "en": "a job is writing to the workspace; ingest when it is done",
    },
    "server_upload_type": {
        "zh": "无法读取 {name!r}：未知的文件类型",
        "en": "cannot read {name!r}: unknown file type",
    },
    "server_job_busy": {
        "zh": "任务 {job}（{kind}，由 {user} 启动）仍在写入工作区；同一时间只运行一个任务，"
        "请在 /api/v1/jobs/{job} 查看进度，完成后再启动",
        "en": "job {job} ({kind}, started by {user}) is still writing to the workspace; one job "
        "runs at a time. Follow it at /api/v1/jobs/{job} and start yours when it is done",
    },
    "server_hint_busy": {"zh": "同一时间只有一个任务写入", "en": "one job writes at a time"},
    "server_job_unknown": {"zh": "没有任务 {job!r}", "en": "no job {job!r}"},
}
