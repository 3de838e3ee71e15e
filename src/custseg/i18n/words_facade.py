"""Words of the workspace schema (versions, migrations) and the server's job record."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "workspace_schema_newer": {
        "zh": "工作区 {location} 的结构版本是 {version}，比本版 custseg {release} 认识的版本 "
        "{latest} 更新：它由更新的版本写入。请升级 custseg（pip install -U custseg）后再打开；"
        "本版本不会写入它，以免丢失内容。",
        "en": "workspace {location} has schema version {version}, newer than this custseg "
        "{release} knows (version {latest}): it was written by a later release. Upgrade custseg "
        "(pip install -U custseg) to open it; this version does not write to it so that nothing "
        "in it is lost.",
    },
    "jobs_failed_unexpectedly": {
        "zh": "任务意外失败；请查看服务器日志",
        "en": "the job failed unexpectedly; see the server log",
    },
    "jobs_abandoned": {
        "zh": "该任务运行时服务器停止了；请重新启动任务（未完成的运行不会写入任何内容）。",
        "en": "the server stopped while this job was running; start it again (a run that did "
        "not finish wrote nothing)",
    },
}
