"""Duplicate rows and line numbers of orders, vectorised (hashes first, exact check on suspects)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from custseg.errors import ErrorCode
from custseg.i18n import Lang, t
from custseg.ingest.checks import Check
from custseg.tables import KEYS, TableName


def number_lines(frame: pd.DataFrame, copies: np.ndarray | None) -> None:
    """Number the lines of each order 1, 2, ... in file order, skipping exact copies."""
    counted = frame["order_id"].notna()
    if copies is not None:
        counted &= ~copies
    numbers = frame.loc[counted].groupby("order_id", sort=False).cumcount() + 1
    frame["line_no"] = numbers.astype("float64").reindex(frame.index)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _maybe_duplicated(subset: pd.DataFrame) -> np.ndarray:
    """Return rows whose values might repeat another row's (a superset of the true duplicates).

    Each row is hashed (strings by dictionary code, numbers and dates by their bits); rows whose
    hash occurs twice are suspects. Much faster than ``DataFrame.duplicated`` on millions of rows;
    the caller confirms the suspects exactly.
    """
    hashes = np.zeros(len(subset), dtype=np.uint64)
    for name in subset.columns:
        hashes = (hashes ^ _column_codes(subset[name])) * _MIX
    ordered = np.sort(hashes)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated) == 0:
        return np.zeros(len(subset), dtype=bool)
    return np.isin(hashes, repeated)


def _column_codes(values: pd.Series) -> np.ndarray:
    """Return a uint64 per value, equal for equal values (nulls included)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.to_numpy(dtype="datetime64[s]").view(np.int64).view(np.uint64)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan) + 0.0  # -0.0 -> 0.0
        numbers[np.isnan(numbers)] = np.inf
        return numbers.view(np.uint64)
    encoded = pc.dictionary_encode(pa.array(values, from_pandas=True))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return np.where(np.isnan(codes.astype("float64")), -1, codes).astype(np.int64).view(np.uint64)


def duplicate_checks(
    table: TableName,
    frame: pd.DataFrame,
    rows: np.ndarray,
    failed: np.ndarray,
    header_of: Mapping[str, str],
    lang: Lang = "en",
) -> list[Check]:
    """Rows repeating the key of an earlier valid row (orders without line numbers: full copies)."""
    if table == "orders" and "line_no" not in header_of:
        key = [c for c in frame.columns if c in header_of]
        what = t("ingest_reason_copy", lang)
    else:
        key = list(KEYS[table])
        what = t("ingest_reason_same_key", lang)
    candidates = ~failed & frame[KEYS[table][0]].notna().to_numpy()
    subset = frame.loc[candidates, key]
    suspects = _maybe_duplicated(subset)
    if not suspects.any():
        return []
    maybe = subset[suspects]
    dup = maybe.duplicated(keep="first")
    positions = np.flatnonzero(candidates)[suspects]
    first_pos = maybe.groupby(key, sort=False, dropna=False).ngroup()
    first_row = pd.Series(rows[positions]).groupby(first_pos.to_numpy()).transform("first")
    mask = np.zeros(len(frame), dtype=bool)
    mask[positions[dup.to_numpy()]] = True
    shown = pd.Series(None, index=frame.index, dtype="str")
    shown.iloc[positions] = frame[KEYS[table][0]].iloc[positions].to_numpy()
    firsts = np.zeros(len(frame), dtype=np.int64)
    firsts[positions] = first_row.to_numpy()
    message = what.replace("{key}", ", ".join(KEYS[table]))
    return [Check(mask, ErrorCode.DUPLICATE, header_of.get(KEYS[table][0]), message, shown, firsts)]
