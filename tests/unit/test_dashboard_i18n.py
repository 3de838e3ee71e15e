"""The dashboard's words (web/src/i18n.js): both languages for every key, every key used exists."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "web" / "src"
_ENTRY = re.compile(
    r'^\s*"([a-z0-9_]+\.[a-z0-9_]+)":\s*\["((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\],\s*$'
)
_LITERAL = re.compile(r'"([a-z]+\.[a-z0-9_]+)"')
_HAN = re.compile(r"[\u4e00-\u9fff]")


def words() -> dict[str, tuple[str, str]]:
    """Key -> (zh, en) from the dictionary; fails on a line of the table that does not parse."""
    text = (SRC / "i18n.js").read_text(encoding="utf-8")
    body = text[text.index("export const WORDS = {") : text.index("\n};")]
    out: dict[str, tuple[str, str]] = {}
    for line in body.splitlines()[1:]:
        if not line.strip():
            continue
        match = _ENTRY.match(line)
        assert match, f"i18n.js line does not parse as an entry: {line!r}"
        key, zh, en = match.groups()
        assert key not in out, f"duplicate key {key}"
        out[key] = (zh, en)
    return out


def sources() -> dict[str, str]:
    return {
        p.relative_to(SRC).as_posix(): p.read_text(encoding="utf-8")
        for p in SRC.rglob("*.js")
        if p.name != "i18n.js"
    }


def test_every_key_has_both_languages() -> None:
    table = words()
    assert len(table) > 200
    for key, (zh, en) in table.items():
        assert zh.strip() and en.strip(), key
        assert _HAN.search(zh) or not _HAN.search(en), f"{key}: the zh text is not Chinese"
        assert not _HAN.search(en), f"{key}: the en text holds Chinese"


def test_placeholders_match_between_languages() -> None:
    for key, (zh, en) in words().items():
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), key


def test_every_key_used_in_the_sources_exists() -> None:
    table = words()
    namespaces = {k.split(".")[0] for k in table}
    used = {
        (name, key)
        for name, text in sources().items()
        for key in _LITERAL.findall(text)
        if key.split(".")[0] in namespaces
    }
    assert used, "no key found in the sources"
    missing = sorted(f"{name}: {key}" for name, key in used if key not in table)
    assert not missing, missing


def test_dynamic_key_families_cover_the_server_values() -> None:
    """Keys built at run time (role., status., direction., …) exist for every value they take."""
    from custseg.governance.access import Role
    from custseg.governance.audit import AuditAction

    table = words()
    expected = [f"role.{r.value}" for r in Role]
    expected += [f"audit.{a.value}" for a in AuditAction]
    expected += [f"status.{s}" for s in ("pending", "active", "rejected", "removed")]
    expected += [f"direction.{d}" for d in ("up", "down", "changed", "entered", "left")]
    expected += [f"jobstatus.{s}" for s in ("running", "done", "failed")]
    expected += [f"level.{x}" for x in ("warning", "note")]
    from custseg.tables import TABLE_NAMES

    expected += [f"table.{x}" for x in TABLE_NAMES]
    missing = [k for k in expected if k not in table]
    assert not missing, missing


def test_no_text_is_written_as_html() -> None:
    """Data reaches the page as text nodes only: no innerHTML, outerHTML or insertAdjacentHTML."""
    for name, text in sources().items():
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in text, f"{name} uses {sink}"
