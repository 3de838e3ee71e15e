"""Reports of a snapshot (xlsx, html, pdf) and action lists per owner role (管理措施).

>>> write_report(ws.snapshot(), "report.pdf", format="pdf", lang="zh")   # doctest: +SKIP
>>> frame = build_actions(ws.snapshot(), previous, lang="zh")            # doctest: +SKIP
>>> write_actions(frame, "actions.xlsx", by="owner")                    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from custseg.errors import ConfigError
from custseg.history.migrations import previous_snapshot
from custseg.i18n import Lang
from custseg.reports.actions import build_actions, write_actions
from custseg.snapshots.view import Snapshot

if TYPE_CHECKING:
    from custseg.reports.content import ReportContent

ReportFormat = Literal["xlsx", "html", "pdf"]
FORMATS: tuple[ReportFormat, ...] = ("xlsx", "html", "pdf")


def write_report(
    snapshot: Snapshot,
    path: str | Path,
    *,
    format: ReportFormat,  # noqa: A002 - the public name of the option
    lang: Lang,
    previous: Snapshot | None = None,
    schemes: Sequence[str] | None = None,
) -> Path:
    """Write the report of ``snapshot`` (migrations since ``previous``) as xlsx, html or pdf."""
    if format not in FORMATS:
        raise ConfigError(f"report format must be one of {list(FORMATS)}; got {format!r}")
    target = Path(path)
    if not target.parent.is_dir():
        raise ConfigError(
            f"cannot write the report to {target}: folder {target.parent} does not exist. "
            "Create it or choose another --out."
        )
    from custseg.reports.content import build_content  # charts: matplotlib, only for reports

    content = build_content(snapshot, previous, lang=lang, schemes=schemes,
                            images=format != "xlsx")
    return _writer(format)(content, target)


def _writer(fmt: ReportFormat) -> Callable[[ReportContent, Path], Path]:
    if fmt == "xlsx":
        from custseg.reports.xlsx import write_xlsx

        return write_xlsx
    if fmt == "html":
        from custseg.reports.html import write_html

        return write_html
    from custseg.reports.pdf import write_pdf

    return write_pdf


def __getattr__(name: str) -> Any:
    """``ReportContent`` and ``build_content``, imported when first asked for (they load charts)."""
    if name in ("ReportContent", "build_content"):
        from custseg.reports import content

        return getattr(content, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "ReportContent",
    "build_actions",
    "build_content",
    "previous_snapshot",
    "write_actions",
    "write_report",
]
