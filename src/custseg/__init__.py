"""custseg: classify and grade an enterprise's customers (客户分类分级) as of any date.

The public API is a few entry points::

    from custseg import open_workspace
    ws = open_workspace("custseg.duckdb")
    ws.ingest("orders", "orders.csv")
    snapshot = ws.run()                      # as of the latest order date, built-in catalogue
    snapshot.to_frame(lang="zh")             # one row per customer, one column per scheme
    snapshot.explain("C000123")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from custseg.errors import CustsegError
    from custseg.schemes import ClassificationSystem
    from custseg.snapshots.view import Snapshot
    from custseg.workspace import Workspace, open_workspace

_EXPORTS = {
    "ClassificationSystem": "custseg.schemes",
    "CustsegError": "custseg.errors",
    "Snapshot": "custseg.snapshots.view",
    "Workspace": "custseg.workspace",
    "open_workspace": "custseg.workspace",
}

__all__ = [
    "ClassificationSystem",
    "CustsegError",
    "Snapshot",
    "Workspace",
    "__version__",
    "open_workspace",
]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import custseg.errors` (and the CLI's --help) stay fast.
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'custseg' has no attribute {name!r}")
