"""Options shared by every command: where the workspace is, the language, JSON output."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from custseg.dates import check_date
from custseg.errors import ConfigError, CustsegError
from custseg.i18n import Lang, Message, t
from custseg.terminal import shown

if TYPE_CHECKING:
    from custseg.workspace import Workspace

# Commands import the workspace (pandas, Ibis, DuckDB) when they run, so that `custseg --help`
# and option errors start in a fraction of a second (tests/unit/test_cli_startup.py).
DEFAULT_WORKSPACE = "custseg.duckdb"
"""Same as ``custseg.engine.DEFAULT_WORKSPACE`` (a test checks), without importing the engine."""

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]

# Emoji codes such as :smile: in data must print as typed.
stdout = Console(emoji=False)
stderr = Console(stderr=True, emoji=False)


def new_consoles() -> None:
    """Make the consoles again for one invocation.

    Rich fixes a console's width from COLUMNS when it is made; in-process callers (tests,
    notebooks) run many commands with different widths in one interpreter.
    """
    global stdout, stderr
    stdout = Console(emoji=False)
    stderr = Console(stderr=True, emoji=False)


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


_OPENED: list[Workspace] = []
"""Workspaces the running command opened; ``guarded`` closes them when the command ends."""


def workspace() -> Workspace:
    """Open the workspace the global options point at (closed when the command ends)."""
    from custseg.workspace import open_workspace

    ws = open_workspace(STATE.workspace)
    _OPENED.append(ws)
    return ws


def close_workspaces() -> None:
    """Close the workspaces the command opened (a server connection must not be left open)."""
    while _OPENED:
        with contextlib.suppress(Exception):  # closing never hides the command's own outcome
            _OPENED.pop().close()


def _forget_resources() -> None:
    """Drop the command's --memory-limit / --temp-dir / --threads (in-process callers, tests)."""
    if "custseg.resources" in sys.modules:  # chosen only if the root callback ran
        from custseg.public import choose_resources

        choose_resources(None)


def emit_json(payload: Any) -> None:
    """Write ``payload`` as JSON to stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


F = TypeVar("F", bound=Callable[..., Any])
_DEPTH = [0]
"""How many guarded commands are running (commands call one another, e.g. demo calls show)."""

EXIT_ERROR = 1
"""Exit status of a failure the user can fix (bad input, bad configuration, missing data)."""
EXIT_INTERNAL = 2
"""Exit status of an unexpected failure (a bug): the message asks to rerun with --debug."""
EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C."""


def parse_date(text: str, option: str) -> date:
    """Parse YYYY-MM-DD within the accepted range, or fail with a message naming the option."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            Message("config_not_a_date", {"option": option, "value": text}), key_path=option
        ) from None
    return check_date(value, option)


def report_error(exc: BaseException) -> int:
    """Print ``exc`` as a short message on stderr (never a traceback); return the exit status."""
    lang = STATE.lang
    if isinstance(exc, CustsegError):
        text, status = exc.render(lang), EXIT_ERROR
    elif isinstance(exc, KeyboardInterrupt):
        text, status = t("config_interrupted", lang), EXIT_INTERRUPTED
    else:
        detail = str(exc).splitlines()[0][:300] if str(exc) else ""
        kind = type(exc).__name__
        text = Message("config_internal_error", {"kind": kind, "detail": detail}).render(lang)
        status = EXIT_INTERNAL
    label = t("config_error_label", lang)
    stderr.print(
        f"[bold red]{escape(label)}[/] {shown(text, keep_newlines=True)}",
        highlight=False,
        soft_wrap=True,
    )
    return status


PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.Abort,
    typer.exceptions.TyperException,
    SystemExit,
    GeneratorExit,
)
"""Exceptions that already are an orderly exit (Typer's own usage errors keep their message)."""


def guarded(command: F) -> F:
    """The CLI's error boundary: any failure becomes a short message and a non-zero exit.

    A custseg error (the user can fix it) exits 1 with its message in the CLI's language; any
    other exception exits 2 with ``internal error: <type>: <message>; rerun with --debug``;
    Ctrl-C exits 130. ``--debug`` re-raises, so the traceback is shown. Click's own usage
    errors (``typer.BadParameter`` ...) pass through and keep their usage message.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _DEPTH[0] += 1
        try:
            return command(*args, **kwargs)
        except PASS_THROUGH:
            raise
        except BaseException as exc:
            if STATE.debug:
                raise
            raise typer.Exit(report_error(exc)) from exc
        finally:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:  # a command may call others (demo calls show): close at the end
                close_workspaces()
                _forget_resources()

    wrapper.custseg_guarded = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]

