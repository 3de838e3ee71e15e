from pathlib import Path

import pytest

from custseg.errors import OutputError
from custseg.outputs import atomic_output, check_output_path


def test_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("keep")
    with pytest.raises(OutputError, match="already exists; add --force"):
        check_output_path(target)
    assert check_output_path(target, force=True) == target.resolve()


def test_workspace_and_its_wal_are_never_outputs(tmp_path: Path) -> None:
    workspace = tmp_path / "w.duckdb"
    workspace.write_bytes(b"db")
    for candidate in (workspace, tmp_path / "w.duckdb.wal", tmp_path / "." / "w.duckdb"):
        with pytest.raises(OutputError, match="open workspace"):
            check_output_path(candidate, force=True, protected=[workspace])


def test_missing_folder_directory_and_device_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        check_output_path(tmp_path / "nope" / "x.csv")
    with pytest.raises(OutputError, match="is a folder"):
        check_output_path(tmp_path, force=True)
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_path("/dev/null", force=True)


def test_atomic_output_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_output(target) as temporary:
        temporary.write_text("new")
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]
