"""The CLI side of output files: the --force option, checking --out before any work, writing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer

from custseg.cli import _context as ctx
from custseg.outputs import atomic_output, check_output_path

ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing output file (the workspace file is never replaced).",
    ),
]


def checked_out(
    out: Path, *, force: bool, option: str = "--out", suffixes: Iterable[str] = ()
) -> Path:
    """``out`` checked before any work, or :class:`custseg.errors.OutputError`.

    Refused: the workspace (or its WAL), a missing folder, a directory or device, a wrong
    suffix, an existing file unless ``force``.
    """
    return check_output_path(
        out,
        force=force,
        protected=[ctx.STATE.workspace],
        option=option,
        suffixes=suffixes,
        lang=ctx.STATE.lang,
    )


def write_out(out: Path, write: Callable[[Path], object], *, option: str = "--out") -> None:
    """Run ``write(temporary)`` and rename the temporary file over ``out`` when it succeeded."""
    with atomic_output(out, option=option, lang=ctx.STATE.lang) as temporary:
        write(temporary)
