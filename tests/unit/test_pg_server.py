"""The test PostgreSQL server helper: where it looks for the server programs, what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import ENV_OPT_OUT, ENV_URL, PgUnavailable, find_bindir


def test_without_server_programs_the_message_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pg_server.shutil.which", lambda name: None)
    monkeypatch.setattr("pg_server.glob.glob", lambda pattern: [])
    with pytest.raises(PgUnavailable) as missing:
        find_bindir()
    message = str(missing.value)
    assert "postgresql" in message and ENV_URL in message and ENV_OPT_OUT in message


def test_the_newest_debian_version_is_preferred(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for version in ("13", "15", "9.6"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        for name in ("initdb", "pg_ctl", "postgres"):
            (folder / name).write_text("")
    monkeypatch.setattr("pg_server.shutil.which", lambda name: None)
    monkeypatch.setattr(
        "pg_server.glob.glob", lambda pattern: [str(p) for p in tmp_path.glob("*/bin")]
    )
    assert find_bindir() == tmp_path / "15" / "bin"
