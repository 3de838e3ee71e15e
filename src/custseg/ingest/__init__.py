"""Ingestion of customer, order, payment and opportunity data into a workspace.

``ingest`` reads a CSV / text / Excel / Parquet file or a database table, recognises its headers
(English and Chinese), coerces messy dates and amounts, rejects bad rows with a reason
(:class:`custseg.errors.RejectedRow`) and stores the rest. See ``docs/contracts.md`` section 1.

Names are imported on first use, so that ``custseg.ingest.options`` (the limits the CLI shows in
its help) can be read without loading the readers, pandas or the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custseg.ingest.aliases import recognise_columns
    from custseg.ingest.options import ReadOptions, render_error
    from custseg.ingest.pipeline import PreparedSource, ingest, prepare, rejects_frame
    from custseg.ingest.report import IngestReport
    from custseg.ingest.sources import resolve_source
    from custseg.ingest.store import read_rejects, write_rejects, write_rejects_frame

_EXPORTS = {
    "IngestReport": "custseg.ingest.report",
    "PreparedSource": "custseg.ingest.pipeline",
    "ReadOptions": "custseg.ingest.options",
    "ingest": "custseg.ingest.pipeline",
    "prepare": "custseg.ingest.pipeline",
    "read_rejects": "custseg.ingest.store",
    "recognise_columns": "custseg.ingest.aliases",
    "rejects_frame": "custseg.ingest.pipeline",
    "render_error": "custseg.ingest.options",
    "resolve_source": "custseg.ingest.sources",
    "write_rejects": "custseg.ingest.store",
    "write_rejects_frame": "custseg.ingest.store",
}

__all__ = [
    "IngestReport",
    "PreparedSource",
    "ReadOptions",
    "ingest",
    "prepare",
    "read_rejects",
    "recognise_columns",
    "rejects_frame",
    "render_error",
    "resolve_source",
    "write_rejects",
    "write_rejects_frame",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'custseg.ingest' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
