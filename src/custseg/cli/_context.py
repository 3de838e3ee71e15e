"""Options shared by every command: where the workspace is, the language, JSON output."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from custseg.engine import DEFAULT_WORKSPACE
from custseg.errors import CustsegError
from custseg.i18n import Lang
from custseg.workspace import Workspace, open_workspace

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]

stdout = Console()
stderr = Console(stderr=True)


@dataclass
class CliState:
    """Global options, resolved once in the root callback."""

    workspace: str = DEFAULT_WORKSPACE
    lang: Lang = "en"
    debug: bool = False


STATE = CliState()


def default_workspace() -> str:
    """The workspace location from CUSTSEG_WORKSPACE, else ./custseg.duckdb."""
    return os.environ.get("CUSTSEG_WORKSPACE") or DEFAULT_WORKSPACE


def default_lang() -> Lang:
    """Zh when CUSTSEG_LANG or LANG says Chinese, else en."""
    value = (os.environ.get("CUSTSEG_LANG") or os.environ.get("LANG") or "").lower()
    return "zh" if value.startswith("zh") else "en"


def workspace() -> Workspace:
    """Open the workspace the global options point at."""
    return open_workspace(STATE.workspace)


def emit_json(payload: Any) -> None:
    """Write ``payload`` as JSON to stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


F = TypeVar("F", bound=Callable[..., Any])


def guarded(command: F) -> F:
    """The CLI's error boundary: a custseg error becomes a red message on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CustsegError as exc:
            if STATE.debug:
                raise
            stderr.print(f"[bold red]Error:[/] {escape(exc.message)}", highlight=False)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]
