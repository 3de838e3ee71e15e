"""Ingest by upload (multipart), and the rejected rows of the latest ingest as a download."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response

from custseg.api.deps import HandleDep, SingleWriter, WorkspaceDep, require
from custseg.api.errors import ApiError
from custseg.api.schemas import IngestPublic
from custseg.i18n import Message
from custseg.public import TABLE_NAMES, Permission, Principal
from custseg.spreadsheet import write_csv

router = APIRouter(prefix="/ingest", tags=["ingest"])
Ingester = Annotated[Principal, Depends(require(Permission.INGEST))]
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet", ".json", ".gz")


def _table(table: str) -> str:
    if table not in TABLE_NAMES:
        raise ApiError(
            404,
            "not_found",
            Message("server_table_unknown", {"table": table}),
            where="table",
            hint=", ".join(TABLE_NAMES),
        )
    return table


@router.post("/{table}", response_model=IngestPublic, dependencies=[SingleWriter])
def upload(
    table: str,
    ws: WorkspaceDep,
    user: Ingester,
    workspaces: HandleDep,
    file: Annotated[UploadFile, File(description="CSV, Excel, Parquet or JSON file")],
    mode: Annotated[Literal["replace", "upsert"], Form()] = "replace",
) -> dict[str, Any]:
    """Validate and load an uploaded file into ``table``; bad rows are kept as rejects."""
    _table(table)
    name = PurePath(file.filename or "upload.csv").name
    if not name.lower().endswith(SUFFIXES):
        raise ApiError(
            422,
            "input.unreadable",
            Message("server_upload_type", {"name": name}),
            where="file",
            hint=", ".join(SUFFIXES),
        )
    with tempfile.TemporaryDirectory(prefix="custseg-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
        with workspaces.writing():  # every DuckDB thread while the rows are checked and stored
            report = ws.ingest(table, path, mode=mode)  # type: ignore[arg-type]
    return {
        "table": report.table,
        "file": name,
        "mode": report.mode,
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "column_mapping": report.column_mapping,
        "rejected": [
            {
                "row": r.row,
                "column": r.column,
                "code": str(r.code),
                "value": None if r.value is None else str(r.value),
                "message": r.message,
            }
            for r in report.rejected[:1000]
        ],
        "rejects_url": f"/api/v1/ingest/{table}/rejects",
    }


@router.get(
    "/{table}/rejects", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def rejects(table: str, ws: WorkspaceDep, user: Ingester) -> Response:
    """The rejected rows of the latest ingest of ``table`` as CSV."""
    frame = ws.rejects(_table(table))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rejects.csv"
        write_csv(frame, path)
        body = path.read_bytes()
    headers = {"Content-Disposition": f'attachment; filename="{table}-rejects.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
