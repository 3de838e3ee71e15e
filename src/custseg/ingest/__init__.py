"""Ingestion of customer, order, payment and opportunity data into a workspace.

``ingest`` reads a CSV / Excel / Parquet file or a database table, recognises its headers
(English and Chinese), coerces messy dates and amounts, rejects bad rows with a reason
(:class:`custseg.errors.RejectedRow`) and stores the rest. See ``docs/contracts.md`` section 1.
"""

from custseg.ingest.aliases import recognise_columns
from custseg.ingest.pipeline import ingest
from custseg.ingest.report import IngestReport
from custseg.ingest.store import read_rejects, write_rejects, write_rejects_frame

__all__ = ["IngestReport", "ingest", "read_rejects", "recognise_columns",
           "write_rejects", "write_rejects_frame"]
