"""The `custseg` command: a thin layer over :class:`custseg.Workspace`, with one error boundary."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from custseg.cli import _context as ctx
from custseg.cli.commands_data import register as register_data
from custseg.cli.commands_governance import register as register_governance
from custseg.cli.commands_health import register as register_health
from custseg.cli.commands_history import register as register_history
from custseg.cli.commands_learning import register as register_learning
from custseg.cli.commands_models import register as register_models
from custseg.cli.commands_reports import register as register_reports
from custseg.cli.commands_server import register as register_server
from custseg.cli.commands_snapshot import register as register_snapshot
from custseg.cli.commands_system import register as register_system

app = typer.Typer(
    name="custseg",
    help="Classify and grade customers (客户分类分级) from your own data, as of any date.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace DuckDB file, :memory: or database URL. "
            "Default: $CUSTSEG_WORKSPACE or ./custseg.duckdb.",
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of labels: zh or en.")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit",
            help="Most memory DuckDB may use, e.g. 8GB, 6GiB or 60% (of RAM). "
            "Default: $CUSTSEG_MEMORY_LIMIT, else DuckDB's (80% of RAM).",
        ),
    ] = None,
    temp_dir: Annotated[
        str | None,
        typer.Option(
            "--temp-dir",
            help="Folder where DuckDB spills what does not fit in memory (created if missing). "
            "Default: $CUSTSEG_TEMP_DIR, else <workspace>.tmp.",
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            help="Threads each DuckDB query may use. Default: $CUSTSEG_THREADS, else one per core.",
        ),
    ] = None,
) -> None:
    ctx.new_consoles()
    ctx.STATE.workspace = workspace or ctx.default_workspace()
    chosen = (lang or ctx.default_lang()).lower()
    if chosen not in ("zh", "en"):
        raise typer.BadParameter(f"--lang must be one of ['en', 'zh']; got {lang!r}")
    ctx.STATE.lang = "zh" if chosen == "zh" else "en"
    ctx.STATE.debug = debug
    from custseg.public import EngineResources, choose_resources

    choose_resources(EngineResources(memory_limit, temp_dir, threads, source="command line"))


register_data(app)
register_history(app)
register_learning(app)
register_snapshot(app)
register_system(app)
register_models(app)
register_reports(app)
register_governance(app)
register_health(app)
register_server(app)


def main() -> None:
    """Entry point of the `custseg` command.

    Each command is wrapped by ``guarded``; this is the outer boundary for anything raised
    outside a command (option parsing, the root callback): a short message, never a traceback
    unless ``--debug``.
    """
    try:
        app()
    except SystemExit:
        raise
    except BaseException as exc:
        if ctx.STATE.debug:
            raise
        sys.exit(ctx.report_error(exc))


if __name__ == "__main__":
    main()
