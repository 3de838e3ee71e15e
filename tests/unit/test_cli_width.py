"""Each in-process invocation of the CLI prints at the width it is given."""

from __future__ import annotations

import pytest
from rich.console import Console
from typer.testing import CliRunner

from custseg.cli import _context as ctx
from custseg.cli.app import app


def _widest(output: str) -> int:
    return max(len(line) for line in output.splitlines())


def test_a_later_invocation_is_not_held_to_the_width_of_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As when the CLI module is first imported inside a run with COLUMNS=80 (pytest-xdist's
    # workers export it): Rich fixes that width in the console it makes.
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(ctx, "stdout", Console(emoji=False))
    runner = CliRunner()
    narrow = runner.invoke(app, ["features"], env={"COLUMNS": "80"})
    wide = runner.invoke(app, ["features"], env={"COLUMNS": "300"})
    assert narrow.exit_code == 0 and wide.exit_code == 0, narrow.output + wide.output
    assert _widest(narrow.output) <= 80
    assert _widest(wide.output) > 120
