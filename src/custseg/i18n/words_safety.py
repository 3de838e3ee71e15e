"""Words of output files, spreadsheet safety, terminal safety, identity, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "safety_out_is_workspace": {
        "zh": "{option} {target} 是当前打开的工作区；写入会毁掉所有快照和审计日志。"
        "请换一个文件名。",
        "en": "{option} {target} is the open workspace; writing there would destroy every "
        "snapshot and the audit log. Choose another file name.",
    },
    "safety_out_no_folder": {
        "zh": "{option} {target}：文件夹 {folder} 不存在。"
        "请先创建（mkdir -p {folder}）或换一个路径。",
        "en": "{option} {target}: the folder {folder} does not exist. Create it first "
        "(mkdir -p {folder}) or choose another path.",
    },
    "safety_out_parent_not_folder": {
        "zh": "{option} {target}：{folder} 不是文件夹。请换一个路径。",
        "en": "{option} {target}: {folder} is not a folder. Choose another path.",
    },
    "safety_out_is_folder": {
        "zh": "{option} {target} 是一个文件夹；请给出其中的文件名，例如 {example}。",
        "en": "{option} {target} is a folder; give a file name inside it, e.g. {example}.",
    },
    "safety_out_not_regular": {
        "zh": "{option} {target} 不是普通文件（设备、管道或套接字）；请写入普通文件。",
        "en": "{option} {target} is not a regular file (a device, pipe or socket); "
        "write to a regular file instead.",
    },
    "safety_out_exists": {
        "zh": "{option} {target} 已存在；如要替换请加 --force，或换一个文件名。",
        "en": "{option} {target} already exists; add --force to replace it, "
        "or choose another file name.",
    },
    "safety_out_not_writable": {
        "zh": "{option} {target}：没有写入文件夹 {folder} 的权限。请换一个可写的文件夹。",
        "en": "{option} {target}: the folder {folder} is not writable. "
        "Choose a folder you can write to.",
    },
    "safety_out_write_failed": {
        "zh": "{option} {target} 无法写入：{reason}。原文件未作任何改动；"
        "请释放磁盘空间或换一个文件夹。",
        "en": "{option} {target} could not be written: {reason}. Nothing was changed; "
        "free some space or choose another folder.",
    },
    "safety_out_suffix": {
        "zh": "{option} {target} 的扩展名必须是 {suffixes}（现在是 {got}）。"
        "请修改文件名，例如 {example}。",
        "en": "{option} {target} must end in {suffixes} (got {got}). "
        "Change the file name, e.g. {example}.",
    },
    "safety_out_dir_failed": {
        "zh": "{option} {target} 无法创建：{reason}。请换一个文件夹。",
        "en": "{option} {target} cannot be created: {reason}. Choose another folder.",
    },
    "safety_or": {"zh": " 或 ", "en": " or "},
    "safety_no_extension": {"zh": "无扩展名", "en": "no extension"},
    "safety_force_help": {
        "zh": "替换已存在的输出文件（工作区文件永远不会被替换）。",
        "en": "Replace an existing output file (the workspace file is never replaced).",
    },
    "safety_wrote_catalogue": {
        "zh": "已将内置分类体系写入 {out}；修改后用 --system {out} 使用它",
        "en": "Wrote the built-in catalogue to {out}; edit it and pass --system {out}",
    },
    "safety_wrote_export": {
        "zh": "已将 {rows} 个客户 × {columns} 列写入 {out}",
        "en": "Wrote {rows} customers × {columns} columns to {out}",
    },
    "safety_wrote_rejects": {
        "zh": "已将 {rows} 条拒绝行写入 {out}",
        "en": "Wrote {rows} rejected rows to {out}",
    },
}
