"""Turning result frames into JSON-ready rows."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of JSON values (NaN and NaT as null, dates in ISO form)."""
    if frame.empty:
        return []
    text = frame.to_json(orient="records", date_format="iso", force_ascii=False)
    return json.loads(text)  # type: ignore[no-any-return]


def page_of(frame: pd.DataFrame, offset: int, limit: int) -> dict[str, Any]:
    """A page of a frame: columns, rows, total, offset, limit."""
    part = frame.iloc[offset : offset + limit]
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": records(part),
        "total": len(frame),
        "offset": offset,
        "limit": limit,
    }
