"""Quantile cuts of several schemes computed together equal the cuts computed one by one."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
import pytest

from custseg.schemes import MatrixScheme, TiersScheme
from custseg.schemes.kinds import ASSIGNERS, quantile_requests, splits
from custseg.schemes.kinds.splits import prefetched_cuts

TIER_KEYS = ["top", "middle", "bottom", "none"]
CELL_KEYS = ["hh", "hl", "lh", "ll", "none"]


def classes(keys: list[str], kw: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [*keys, *(["outside"] if "outside_class" in kw else [])]
    return [{"key": k, "labels": {"zh_CN": k, "en": k}} for k in keys]


def tiers(name: str, feature: str, **kw: Any) -> TiersScheme:
    return TiersScheme.model_validate({
        "name": name, "kind": "tiers", "labels": {"zh_CN": name, "en": name},
        "feature": feature, "cuts": [0.3, 0.8], "missing_class": "none",
        "classes": classes(TIER_KEYS, kw), **kw})


def matrix(name: str, **kw: Any) -> MatrixScheme:
    return MatrixScheme.model_validate({
        "name": name, "kind": "matrix", "labels": {"zh_CN": name, "en": name},
        "x": {"feature": "spend", "split": 0.5}, "y": {"feature": "tied", "split": 0.6},
        "cells": {"high_high": "hh", "high_low": "hl", "low_high": "lh", "low_low": "ll"},
        "missing_class": "none",
        "classes": classes(CELL_KEYS, kw), **kw})


def features() -> ibis.Table:
    n = 60
    return ibis.memtable(pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(n)],
        # zero-inflated, non-negative: the quantiles are taken among the positive values
        "spend": pd.array([0.0 if i % 3 == 0 else float(i * 7 % 23) for i in range(n)],
                          dtype="Float64"),
        # a value shared by most customers: ties placed on one side, a tied-split note
        "tied": pd.array([5.0 if i % 5 else float(i) for i in range(n)], dtype="Float64"),
        "signed": pd.array([float(i - 30) if i % 7 else None for i in range(n)],
                           dtype="Float64"),
        "empty": pd.array([None] * n, dtype="Float64"),
        "bought": [i % 4 != 0 for i in range(n)],
    }))


SCHEMES = [
    tiers("spend_tiers", "spend"),
    tiers("tied_tiers", "tied", cuts=[0.1, 0.5]),
    tiers("signed_tiers", "signed", where="bought", outside_class="outside"),
    tiers("empty_tiers", "empty"),
    tiers("fixed_tiers", "spend", method="fixed", cuts=[3, 10]),
    matrix("both_axes", where="bought", outside_class="outside"),
    matrix("one_axis", y={"feature": "signed", "split": 0, "method": "fixed"}),
]


def outcome(table: ibis.Table, scheme: Any) -> tuple[Any, ...]:
    result = ASSIGNERS[scheme.kind](table, scheme)
    rows = result.table.to_pandas().sort_values("customer_id")
    return (result.thresholds, result.diagnostics, rows.class_key.tolist(),
            rows.reason.tolist())


def test_prefetched_cuts_equal_the_cuts_computed_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    table = features()
    alone = [outcome(table, s) for s in SCHEMES]
    requests = quantile_requests(table, SCHEMES)
    # one request per quantile split: 4 tiers at quantiles, two axes + one axis
    assert len(requests) == 7
    with prefetched_cuts(table, requests):

        def no_query(*_args: object) -> None:
            raise AssertionError("a prefetched cut was computed again")

        monkeypatch.setattr(splits, "_batched_cuts", no_query)
        together = [outcome(table, s) for s in SCHEMES]
    assert together == alone
    # what the cases cover: zeros left out, ties kept on one side, no value at all
    spend, tied, _, empty = (alone[i][0] for i in range(4))
    assert spend["zeros_excluded"] is True
    assert tied["ties_up"] != [True, True]
    assert empty["values"] == [None, None]


def test_the_batch_is_three_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    table = features()
    queries: list[int] = []
    real = splits._one_row

    def counted(t: ibis.Table, aggregates: dict[str, Any]) -> dict[str, Any]:
        queries.append(len(aggregates))
        return real(t, aggregates)

    monkeypatch.setattr(splits, "_one_row", counted)
    with prefetched_cuts(table, quantile_requests(table, SCHEMES)):
        pass
    assert len(queries) == 3
