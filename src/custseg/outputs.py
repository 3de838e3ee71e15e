"""Files custseg writes for the user: never overwrite by accident, write atomically.

Every command that writes a file the user named (export, actions, reports, rejects, catalogue,
charts) goes through :func:`check_output_path` before it computes anything and writes through
:func:`atomic_output`, so that:

- an existing file is refused unless the user says ``--force``;
- the open workspace (and its ``.wal``) is never a valid output, even with ``--force``;
- a missing folder, a directory or a non-regular file (``/dev/full``, a FIFO) is refused with a
  message that says how to fix it;
- a failed write leaves the previous file untouched: the data goes to a temporary file in the
  target folder, which is renamed over the target only when it is complete.

Messages are in ``lang`` (zh or en).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from custseg.errors import OutputError
from custseg.i18n import Lang, t


def _say(key: str, lang: Lang, **params: Any) -> str:
    return t(key, lang).format(**params)


def check_output_path(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    protected: Iterable[str | os.PathLike[str]] = (),
    option: str = "--out",
    suffixes: Iterable[str] = (),
    lang: Lang = "en",
) -> Path:
    """``path`` made absolute, or :class:`OutputError` when writing there would do harm.

    ``protected`` are files that must never be written over (the workspace file); their
    ``.wal`` companions are protected too. ``option`` names the command-line option in messages;
    ``suffixes`` (e.g. ``(".csv", ".xlsx")``), when given, are the file name endings accepted.
    """
    target = Path(path).expanduser()
    resolved = target.resolve()
    where = {"option": option, "target": target}
    for guarded in protected:
        base = Path(guarded).expanduser().resolve()
        if resolved in (base, Path(f"{base}.wal")):
            raise OutputError(_say("safety_out_is_workspace", lang, **where))
    _check_suffix(target, tuple(suffixes), where, lang)
    folder = resolved.parent
    if not folder.exists():
        raise OutputError(_say("safety_out_no_folder", lang, folder=folder, **where))
    if not folder.is_dir():
        raise OutputError(_say("safety_out_parent_not_folder", lang, folder=folder, **where))
    if resolved.exists() or resolved.is_symlink():
        mode = resolved.stat().st_mode if resolved.exists() else 0
        if stat.S_ISDIR(mode):
            example = target / f"output{target.suffix or next(iter(suffixes), '')}"
            raise OutputError(_say("safety_out_is_folder", lang, example=example, **where))
        if resolved.exists() and not stat.S_ISREG(mode):
            raise OutputError(_say("safety_out_not_regular", lang, **where))
        if not force:
            raise OutputError(_say("safety_out_exists", lang, **where))
    if not os.access(folder, os.W_OK):
        raise OutputError(_say("safety_out_not_writable", lang, folder=folder, **where))
    return resolved


def _check_suffix(
    target: Path, suffixes: tuple[str, ...], where: dict[str, Any], lang: Lang
) -> None:
    if not suffixes or target.suffix.lower() in suffixes:
        return
    got = repr(target.suffix) if target.suffix else t("safety_no_extension", lang)
    raise OutputError(
        _say(
            "safety_out_suffix", lang, suffixes=t("safety_or", lang).join(suffixes), got=got,
            example=target.with_suffix(suffixes[0]).name, **where,
        )
    )


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, option: str = "--out", lang: Lang = "en"
) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it over ``path``.

    On any failure (including a full disk) the temporary file is removed, the target is left as
    it was, and the error is raised as :class:`OutputError` for ``OSError``. The written file
    gets the permissions a new file would get (the umask), or those of the file it replaces.
    """
    target = Path(path)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise _write_failed(target, exc, option, lang) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise _write_failed(target, exc, option, lang) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_failed(target: Path, exc: OSError, option: str, lang: Lang) -> OutputError:
    return OutputError(
        _say("safety_out_write_failed", lang, option=option, target=target,
             reason=exc.strerror or exc)
    )


def _mode_for(target: Path) -> int:
    """Permissions for ``target``: those of the file it replaces, else 0666 minus the umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
