"""Keys derived when a file has none (also in the README, "Data in"; the ingest report says so).

* **Orders without an order number**: one order per customer and date, ``order_id`` =
  ``<customer_id>-<yyyymmdd>``; the lines of that customer and day are its lines, numbered in
  file order. Lines that repeat another line of the same order exactly are kept (without an order
  number nothing tells a double export from two equal purchases) and counted in the report.
* **Payments without an invoice number**: ``invoice_id`` = ``<order number>-<due yyyymmdd>``
  when the file has an order number column (订单号, order no …), else
  ``<customer_id>-<due yyyymmdd>``; a second, third … row with the same id gets ``-2``, ``-3`` in
  file order. Stable as long as the file's rows keep their order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from custseg.ingest import parse


def _day(dates: pd.Series) -> pd.Series:
    """Return ``yyyymmdd`` per date, formatting each distinct date once."""
    codes, uniques = pd.factorize(dates)
    text = pd.Series(uniques).dt.strftime("%Y%m%d").to_numpy(dtype=object)
    days = np.where(codes >= 0, text[np.maximum(codes, 0)] if len(text) else None, None)
    return pd.Series(days, index=dates.index, dtype="str").where(codes >= 0)


def order_ids(customer: pd.Series, order_date: pd.Series) -> pd.Series:
    """Return ``<customer>-<yyyymmdd>`` where both are present, else missing."""
    ids = customer + "-" + _day(order_date)
    return ids.where(customer.notna() & order_date.notna()).astype("str")


def invoice_ids(
    customer: pd.Series, due: pd.Series, order_key: pd.Series | None
) -> pd.Series:
    """Return the derived invoice ids (the module's rule); missing where no basis is present."""
    base = customer
    if order_key is not None:
        key = parse.parse_string(order_key, is_id=True)
        base = key.where(key.notna(), customer)
    ids = (base + "-" + _day(due)).where(base.notna() & due.notna())
    present = ids.notna()
    if present.any():
        seen = ids[present].groupby(ids[present], sort=False).cumcount() + 1
        suffix = pd.Series("", index=ids.index, dtype="str")
        repeat = seen[seen > 1]
        suffix[repeat.index] = "-" + repeat.astype("str")
        ids = ids.where(~present, ids + suffix)
    return ids.astype("str")


def repeated_lines(frame: pd.DataFrame, columns: list[str], valid: np.ndarray) -> int:
    """Count valid rows that repeat an earlier valid row exactly on ``columns``."""
    if not valid.any():
        return 0
    return int(frame.loc[valid, columns].duplicated(keep="first").sum())


def derive_keys(
    source: pd.DataFrame, columns: dict[str, pd.Series], derived: Mapping[str, str | None]
) -> None:
    """Fill the ``derived`` key columns of ``columns`` (``source``: the file's own columns)."""
    if "order_id" in derived:
        columns["order_id"] = order_ids(columns["customer_id"], columns["order_date"])
    if "invoice_id" in derived:
        header = derived["invoice_id"]
        key = source[header] if header is not None else None
        columns["invoice_id"] = invoice_ids(columns["customer_id"], columns["due_date"], key)
