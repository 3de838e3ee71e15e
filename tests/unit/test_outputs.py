import errno
import os
import stat
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


def test_refusals_are_in_chinese_too(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("keep")
    with pytest.raises(OutputError, match="已存在；如要替换请加 --force"):
        check_output_path(target, lang="zh")
    with pytest.raises(OutputError, match="工作区"):
        check_output_path(target, force=True, protected=[target], lang="zh")
    with pytest.raises(OutputError, match="不存在"):
        check_output_path(tmp_path / "nope" / "x.csv", lang="zh")


def test_wrong_suffix_is_refused_with_an_example(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"must end in \.xlsx or \.csv .* e\.g\. r\.xlsx"):
        check_output_path(tmp_path / "r.pdf", suffixes=(".xlsx", ".csv"))
    assert check_output_path(tmp_path / "R.XLSX", suffixes=(".xlsx",)).name == "R.XLSX"


def test_symlink_to_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "w.duckdb"
    workspace.write_bytes(b"db")
    link = tmp_path / "innocent.csv"
    link.symlink_to(workspace)
    with pytest.raises(OutputError, match="open workspace"):
        check_output_path(link, force=True, protected=[workspace])


def test_written_files_get_normal_permissions(tmp_path: Path) -> None:
    fresh = tmp_path / "new.csv"
    with atomic_output(fresh) as temporary:
        temporary.write_text("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o640)
    with atomic_output(kept) as temporary:
        temporary.write_text("new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_full_disk_is_a_message_and_the_old_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")
    with pytest.raises(OutputError, match="could not be written: No space left") as caught:
        with atomic_output(target) as temporary:
            temporary.write_text("half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert "Nothing was changed" in caught.value.message
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_folder_that_cannot_hold_a_temporary_file_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="could not be written"):
        with atomic_output(tmp_path / "missing" / "x.csv"):
            pass
