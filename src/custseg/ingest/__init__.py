"""Ingestion of customer, order, payment and opportunity data into a workspace.

``ingest`` reads a CSV / text / Excel / Parquet file or a database table, recognises its headers
(English and Chinese), coerces messy dates and amounts, rejects bad rows with a reason
(:class:`custseg.errors.RejectedRow`) and stores the rest. See ``docs/contracts.md`` section 1.
"""

from custseg.ingest.aliases import recognise_columns
from custseg.ingest.options import ReadOptions, render_error
from custseg.ingest.pipeline import PreparedSource, ingest, prepare, rejects_frame
from custseg.ingest.report import IngestReport
from custseg.ingest.sources import resolve_source
from custseg.ingest.store import read_rejects, write_rejects, write_rejects_frame

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
