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
}
