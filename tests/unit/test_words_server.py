"""Every word of the server exists in both languages, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from custseg.governance.access import Permission, Role
from custseg.i18n import has_word
from custseg.i18n.words_server import WORDS

SRC = Path(__file__).resolve().parents[2] / "src" / "custseg"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_server_word_has_zh_and_en_with_the_same_placeholders() -> None:
    for key, entry in WORDS.items():
        assert key.startswith("server_"), key
        assert has_word(key), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key
        assert entry["zh"] != entry["en"], key


def test_every_key_the_server_code_uses_exists() -> None:
    files = [
        *(SRC / "api").rglob("*.py"),
        SRC / "cli" / "commands_server.py",
        *(SRC / "governance" / n for n in ("access.py", "accounts.py")),
        SRC / "snapshots" / "customers.py",
    ]
    used = {k for f in files for k in re.findall(r'"(server_[a-z_]+)"', f.read_text("utf-8"))}
    used |= {f"server_role_{r.value}" for r in Role}
    used |= {f"server_perm_{p.value}" for p in Permission}
    assert len(used) > 40
    assert sorted(k for k in used if not has_word(k)) == []
