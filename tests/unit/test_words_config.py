"""Every word of the config area exists in both languages with the same placeholders."""

from __future__ import annotations

import string

from custseg.i18n import has_word, t
from custseg.i18n.words_config import WORDS


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_config_word_has_zh_and_en_with_the_same_placeholders() -> None:
    assert len(WORDS) >= 30
    for key, entry in WORDS.items():
        assert key.startswith(("config_", "gov_action_")), key
        assert has_word(key), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key
        assert entry["zh"] != entry["en"], key


def test_the_refused_action_has_an_audit_label() -> None:
    assert t("gov_action_override_refused", "zh") == "人工调整操作被拒绝"
