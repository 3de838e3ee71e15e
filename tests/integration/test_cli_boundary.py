"""The CLI's one error boundary: a message and a non-zero exit, never a traceback (issue 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from _config_cases import TIERS_SYSTEM, invoke, record_counts, small_workspace

from custseg.cli import _context as ctx
from custseg.cli import app as app_module
from custseg.cli.app import app


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_workspace(tmp_path_factory.mktemp("boundary"))


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[tuple[str, Any]]:
    found = [(prefix + (c.name or ""), c.callback) for c in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        found += _commands(group.typer_instance, f"{prefix}{group.name} ")
    return found


def test_every_registered_command_is_guarded() -> None:
    commands = _commands(app)
    assert len(commands) >= 25
    unguarded = [name for name, callback in commands if not getattr(callback, "custseg_guarded", 0)]
    assert unguarded == []


def test_an_unexpected_exception_is_a_short_message_exit_2(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> str:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("custseg.public.default_catalogue_text", boom)
    result = invoke(ws, "catalogue")
    assert result.exit_code == ctx.EXIT_INTERNAL
    assert "internal error: RuntimeError: boom; rerun with --debug and report it" in result.stderr
    assert "Traceback" not in result.output and "second line" not in result.output
    result = invoke(ws, "--lang", "zh", "catalogue")
    assert "内部错误：RuntimeError: boom" in result.stderr
    result = invoke(ws, "--debug", "catalogue")
    assert isinstance(result.exception, RuntimeError)  # --debug lets the traceback through


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        (KeyboardInterrupt(), ctx.EXIT_INTERRUPTED, "interrupted."),
        (MemoryError(), ctx.EXIT_INTERNAL, "internal error: MemoryError"),
        (RecursionError("too deep"), ctx.EXIT_INTERNAL, "RecursionError: too deep"),
        (OSError(28, "No space left on device"), ctx.EXIT_INTERNAL, "No space left"),
    ],
)
def test_every_kind_of_exception_is_caught(
    ws: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, status: int, text: str
) -> None:
    def fail() -> str:
        raise error

    monkeypatch.setattr("custseg.public.default_catalogue_text", fail)
    result = invoke(ws, "catalogue")
    assert result.exit_code == status
    assert text in result.stderr and "Traceback" not in result.output


def test_main_is_a_boundary_too(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    def broken() -> None:
        raise ValueError("outside any command")

    monkeypatch.setattr(app_module, "app", broken)
    monkeypatch.setattr(ctx.STATE, "debug", False)
    with pytest.raises(SystemExit) as info:
        app_module.main()
    assert info.value.code == ctx.EXIT_INTERNAL
    assert "internal error: ValueError: outside any command" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (
            ["run", "--as-of", "0001-01-01"],
            "--as-of 0001-01-01 is out of range; give a date from 1900-01-01 to 2199-12-31",
        ),
        (["run", "--as-of", "9999-12-31"], "--as-of 9999-12-31 is out of range"),
        (["run", "--as-of", "1899-12-31"], "out of range"),
        (["run", "--every", "month", "--from", "0001-01-01"], "--from 0001-01-01 is out of range"),
        (["run", "--as-of", "2026-02-30"], "--as-of '2026-02-30' is not a date"),
        (
            [
                "override",
                "add",
                "C001",
                "--scheme",
                "abc",
                "--class",
                "A",
                "--reason",
                "r",
                "--expires",
                "9999-12-31",
            ],
            "--expires 9999-12-31 is out of range",
        ),
    ],
)
def test_absurd_dates_are_messages(ws: Path, args: list[str], text: str) -> None:
    before = record_counts(ws)
    result = invoke(ws, *args)
    assert result.exit_code == 1, result.output
    assert text in result.stderr and "Traceback" not in result.output
    assert record_counts(ws) == before


def test_absurd_dates_in_chinese(ws: Path) -> None:
    result = invoke(ws, "--lang", "zh", "run", "--as-of", "0001-01-01")
    assert result.exit_code == 1
    assert "超出可接受的范围" in result.stderr


def test_bad_lang_is_still_a_usage_error(ws: Path) -> None:
    result = invoke(ws, "--lang", "xx", "snapshots")
    assert result.exit_code == 2
    assert "--lang must be one of ['en', 'zh']" in result.output


def test_feature_typo_in_a_tiers_scheme_is_a_message_with_file_and_line(
    ws: Path, tmp_path: Path
) -> None:
    system = tmp_path / "typo.yaml"
    system.write_text(TIERS_SYSTEM.replace("revenue_12m", "revenu_12m"), encoding="utf-8")
    before = record_counts(ws)
    result = invoke(ws, "run", "--system", str(system))
    assert result.exit_code == 1
    assert "typo.yaml:6 schemes[0].feature: unknown feature 'revenu_12m'; did you mean" in (
        result.stderr
    )
    result = invoke(ws, "--lang", "zh", "run", "--system", str(system))
    assert "未知特征" in result.stderr
    assert record_counts(ws) == before


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "folder"])
def test_run_system_refuses_non_regular_files(ws: Path, tmp_path: Path, target: str) -> None:
    import os

    if target == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    elif target == "folder":
        path = tmp_path
    else:
        path = Path(target)
    result = invoke(ws, "run", "--system", str(path))
    assert result.exit_code == 1
    assert "is not a regular file" in result.stderr


def test_overflowing_condition_runs_on_data(ws: Path, tmp_path: Path) -> None:
    from _config_cases import ONE_RULE_SYSTEM

    system = tmp_path / "overflow.yaml"
    when = '"recency_days * 9223372036854775807 > 1"'
    system.write_text(ONE_RULE_SYSTEM.format(when=when), encoding="utf-8")
    result = invoke(ws, "run", "--system", str(system), "--json")
    assert result.exit_code == 0, result.output
    assert '"computed"' in result.stdout


def test_a_refused_system_does_not_even_create_the_workspace(tmp_path: Path) -> None:
    system = tmp_path / "bad.yaml"
    system.write_text("version: 2\n" + TIERS_SYSTEM, encoding="utf-8")
    fresh = tmp_path / "never.duckdb"
    result = invoke(fresh, "run", "--system", str(system))
    assert result.exit_code == 1 and "unsupported format version 2" in result.stderr
    assert not fresh.exists()
    result = invoke(
        fresh, "run", "--every", "month", "--from", "2025-01-01", "--system", str(system)
    )
    assert result.exit_code == 1 and not fresh.exists()
