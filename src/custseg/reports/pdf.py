"""The report as PDF: the HTML report laid out by WeasyPrint."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from custseg.errors import CustsegError
from custseg.reports.content import ReportContent
from custseg.reports.html import render_html


def write_pdf(content: ReportContent, path: Path) -> Path:
    """Write the PDF report of ``content`` to ``path``."""
    try:
        with warnings.catch_warnings():
            # Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools (slower) and
            # warns that a future version will need the library; the output is the same.
            warnings.filterwarnings(
                "ignore", message="HarfBuzz-Subset", category=DeprecationWarning
            )
            import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango or cairo libraries missing
        raise CustsegError(
            f"cannot write PDF reports: WeasyPrint is not usable ({exc}). Install it with "
            "`pip install weasyprint` (it needs the pango library, e.g. `apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0`), or write --format html and print it to PDF."
        ) from exc
    document = weasyprint.HTML(string=render_html(content), base_url=str(path.parent))
    log = logging.getLogger("weasyprint")
    level = log.level
    log.setLevel(logging.ERROR)  # its warnings are about system libraries, not the report
    try:
        document.write_pdf(path)
    finally:
        log.setLevel(level)
    return path
