"""Words of the shared-server reads (the read connection pool)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "server_read_busy": {
        "zh": "服务器繁忙：{seconds} 秒内没有空闲的数据库连接可供读取",
        "en": "the server is busy: no database connection for reading became free within "
        "{seconds} s",
    },
    "server_hint_read_busy": {
        "zh": "请稍后重试；管理员可调大读取连接数（ServerSettings.read_connections）",
        "en": "try again in a moment; an administrator can raise the number of read "
        "connections (ServerSettings.read_connections)",
    },
}
