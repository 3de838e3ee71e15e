"""Files custseg writes for the user: never overwrite by accident, write atomically.

Every command that writes a file the user named (export, actions, reports, rejects, catalogue)
goes through :func:`check_output_path` before it computes anything and writes through
:func:`atomic_output`, so that:

- an existing file is refused unless the user says ``--force``;
- the open workspace (and its ``.wal``) is never a valid output, even with ``--force``;
- a missing folder, a directory or a non-regular file (``/dev/full``, a FIFO) is refused with a
  message that says how to fix it;
- a failed write leaves the previous file untouched: the data goes to a temporary file in the
  target folder, which is renamed over the target only when it is complete.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from custseg.errors import OutputError


def check_output_path(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    protected: Iterable[str | os.PathLike[str]] = (),
    option: str = "--out",
) -> Path:
    """``path`` made absolute, or :class:`OutputError` when writing there would do harm.

    ``protected`` are files that must never be written over (the workspace file); their
    ``.wal`` companions are protected too. ``option`` names the command-line option in messages.
    """
    target = Path(path).expanduser()
    resolved = target.resolve()
    for guarded in protected:
        base = Path(guarded).expanduser().resolve()
        if resolved in (base, Path(f"{base}.wal")):
            raise OutputError(
                f"{option} {target} is the open workspace; writing there would destroy every "
                "snapshot and the audit log. Choose another file name."
            )
    folder = resolved.parent
    if not folder.exists():
        raise OutputError(
            f"{option} {target}: the folder {folder} does not exist. Create it first "
            f"(mkdir -p {folder}) or choose another path."
        )
    if not folder.is_dir():
        raise OutputError(f"{option} {target}: {folder} is not a folder. Choose another path.")
    if resolved.exists() or resolved.is_symlink():
        mode = resolved.stat().st_mode if resolved.exists() else 0
        if stat.S_ISDIR(mode):
            raise OutputError(
                f"{option} {target} is a folder; give a file name inside it, "
                f"e.g. {target / 'output'}{_suffix_hint(target)}."
            )
        if resolved.exists() and not stat.S_ISREG(mode):
            raise OutputError(
                f"{option} {target} is not a regular file (a device, pipe or socket); "
                "write to a regular file instead."
            )
        if not force:
            raise OutputError(
                f"{option} {target} already exists; add --force to replace it, "
                "or choose another file name."
            )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{option} {target}: the folder {folder} is not writable.")
    return resolved


def _suffix_hint(target: Path) -> str:
    return target.suffix or ""


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it over ``path``.

    On any failure (including a full disk) the temporary file is removed, the target is left as
    it was, and the error is raised as :class:`OutputError` for ``OSError``.
    """
    target = Path(path)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(
            f"{option} {target} could not be written: {exc.strerror or exc}. "
            "Nothing was changed; free some space or choose another folder."
        ) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
