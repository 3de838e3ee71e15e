"""Words of the engine's resources: memory limit, spill folder, threads (custseg.resources)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "resources_bad_memory": {
        "zh": "内存上限 {value!r}（{where}）无效：请写数字加单位，如 8GB、6GiB、500MB，"
        "或本机内存的百分比，如 60%（至少 1 MiB）。",
        "en": "memory limit {value!r} ({where}) is not a size: give a number with a unit, e.g. "
        "8GB, 6GiB, 500MB, or a share of this machine's memory such as 60% (at least 1 MiB).",
    },
    "resources_bad_threads": {
        "zh": "线程数 {value!r}（{where}）无效：请写不小于 1 的整数，如 2；不设置则每个 CPU 核一个线程。",
        "en": "threads {value!r} ({where}) is not a whole number of at least 1: give e.g. 2, or "
        "leave it unset for one thread per core.",
    },
    "resources_bad_temp_dir": {
        "zh": "无法使用 {value!r}（{where}）作为 DuckDB 的溢写目录：{detail}。"
        "请选择一个可写、且所在磁盘有足够空闲空间的目录。",
        "en": "cannot use {value!r} ({where}) as DuckDB's spill folder: {detail}. Choose a folder "
        "you can write to, on a disk with free space.",
    },
    "resources_refused": {
        "zh": "DuckDB 拒绝了设置 {setting}（{where}）：{detail}。请检查该值，"
        "或不设置它以使用 DuckDB 的默认值。",
        "en": "DuckDB refused the setting {setting} ({where}): {detail}. Check the value, or "
        "leave it unset to use DuckDB's default.",
    },
}
