"""Data reaches the terminal as visible text: no markup, no control characters."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from custseg.terminal import shown, visible

HOSTILE = [
    "[/]",
    "[bold]boss[/] [/]",
    "\x1b[31mRED\x1b[0m",
    "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07",
    "a\rb\nc\td\x00e\x7ff\x9bg",
    "name\\",
    "\u202eevil",
]


def _printed(markup: str) -> str:
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    table = Table("a")
    table.add_row(markup)
    console.print(f"[bold]{markup}[/] after", highlight=False)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_print_without_error_or_escape_sequences(value: str) -> None:
    out = _printed(shown(value))
    assert "\x1b]8" not in out and "\x07" not in out and "\x00" not in out
    assert "\u202e" not in out and "\x9b" not in out
    assert visible(value).replace("\n", "") in out.replace("\n", "") or len(value) > 40


def test_visible_forms() -> None:
    assert visible("\x1b[31m") == "␛[31m"
    assert visible("a\tb\nc\x00\x7f") == "a␉b␊c␀␡"
    assert visible("\x9b") == "\\x9b"
    assert visible("\u202e") == "\\u202e"
    assert visible(None) == "" and visible(float("nan")) == ""
    assert visible(12.5) == "12.5"
    assert shown("[/]") == "\\[/]"
    assert shown("客户") == "客户"
    assert shown("a\n\x1b[/]", keep_newlines=True) == "a\n␛\\[/]"


def test_markup_of_our_own_survives_next_to_data() -> None:
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system="standard")
    console.print(f"{shown('name' + chr(92))}[red]x[/]")
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[red]" not in out and "name\\" in out
