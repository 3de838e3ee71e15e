"""Words of the progress shown while a source is ingested."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "ingest_step_reading": {"zh": "读取 {file}", "en": "reading {file}"},
    "ingest_step_validating": {"zh": "校验 {rows} 行", "en": "checking {rows} rows"},
    "ingest_step_storing": {"zh": "写入 {rows} 行", "en": "storing {rows} rows"},
    "ingest_step_done": {"zh": "完成", "en": "done"},
}
