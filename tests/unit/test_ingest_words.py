"""Every ingest word exists in zh and en with the same placeholders; every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from custseg.i18n import has_word, words_ingest

SRC = Path(__file__).resolve().parents[2] / "src" / "custseg"
USED = re.compile(r'"(ingest_[a-z_0-9]+)"')


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_word_has_both_languages_and_the_same_placeholders() -> None:
    for key, entry in words_ingest.WORDS.items():
        assert key.startswith("ingest_")
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]) or key.startswith("ingest_reason_also") \
            or key == "ingest_reason_column", key


def test_every_key_the_code_uses_exists() -> None:
    files = [*(SRC / "ingest").glob("*.py"), SRC / "cli" / "commands_data.py"]
    used = {key for path in files for key in USED.findall(path.read_text(encoding="utf-8"))}
    dynamic = {"ingest_reason_at_least", "ingest_reason_at_most"}  # built from the bound's word
    assert used, "no keys found"
    missing = sorted(k for k in used - {"ingest_id"} if not has_word(k))  # ingest_id: a column
    assert missing == []
    assert dynamic <= set(words_ingest.WORDS)
