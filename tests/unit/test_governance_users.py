"""User names are normalised before any comparison (issue 10, case 9)."""

from __future__ import annotations

import re

import pytest

from custseg.errors import GovernanceError
from custseg.governance.users import (
    MAX_USER_LENGTH,
    current_user,
    normalise_user,
    same_user,
    scripts_of,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("alice", "alice"),
        ("Alice", "alice"),
        ("ALICE", "alice"),
        ("ＡＬＩＣＥ", "alice"),  # full-width letters (NFKC)
        ("  Zhang   San ", "zhang san"),
        ("Straße", "strasse"),  # case folding, not lower()
        ("张三", "张三"),
        ("田中さん", "田中さん"),  # Han and Hiragana together are one (CJK) script
        ("o'brien-2@corp.example", "o'brien-2@corp.example"),
        ("Ωμέγα", "ωμέγα"),
    ],
)
def test_names_are_nfkc_and_case_folded(given: str, expected: str) -> None:
    assert normalise_user(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("b\u043eb", "mixes scripts (Cyrillic, Latin)"),  # Cyrillic small o
        ("\u0430lice", "mixes scripts"),  # Cyrillic a
        ("p\u0430ypal", "mixes scripts"),
        ("bob\u200b", "invisible character U+200B"),
        ("bo\u202eb", "U+202E"),
        ("   ", "it is empty"),
        ("x" * (MAX_USER_LENGTH + 1), f"longer than {MAX_USER_LENGTH}"),
    ],
)
def test_confusable_invisible_and_empty_names_are_refused(given: str, reason: str) -> None:
    with pytest.raises(GovernanceError, match=re.escape(reason)) as info:
        normalise_user(given, source="--user")
    assert "(from --user)" in info.value.render("en")
    assert "用户名" in info.value.render("zh")


def test_scripts_of() -> None:
    assert scripts_of("bob") == {"LATIN"}
    assert scripts_of("b\u043eb") == {"LATIN", "CYRILLIC"}
    assert scripts_of("田中さん 2") == {"CJK"}


def test_same_user_folds_stored_names() -> None:
    assert same_user("Alice", "alice") and same_user("ＡＬＩＣＥ", "alice")
    assert not same_user("alice", "bob") and not same_user(None, "bob")


def test_current_user_normalises_every_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTSEG_USER", "Carol")
    assert current_user() == "carol"
    assert current_user("  Dave ") == "dave"
    monkeypatch.setenv("CUSTSEG_USER", "c\u0430rol")
    with pytest.raises(GovernanceError, match=r"\(from CUSTSEG_USER\).*mixes scripts"):
        current_user()
    monkeypatch.delenv("CUSTSEG_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "Root")
    assert current_user() == "root"
