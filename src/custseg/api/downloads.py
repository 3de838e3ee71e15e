"""Downloads: media types, the attachment header and a table written as CSV or xlsx."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd
from fastapi.responses import Response

from custseg.spreadsheet import write_csv, write_xlsx

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
"""Media type of each download format."""

TABLE_CONTENT = {200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}}}}
"""OpenAPI ``responses`` of an endpoint answering a table as CSV or xlsx."""


def attachment(name: str) -> dict[str, str]:
    """The header that makes a browser save the body as ``name``."""
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def table_download(frame: pd.DataFrame, name: str, format: Literal["csv", "xlsx"]) -> Response:  # noqa: A002
    """``frame`` as a formula-safe CSV or xlsx file named ``name``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if format == "csv":
            write_csv(frame, path)
        else:
            write_xlsx(frame, path, "customers")
        body = path.read_bytes()
    return Response(body, media_type=MEDIA[format], headers=attachment(name))
