"""Parity: the same data and system give the same classes (and features) on DuckDB and PostgreSQL.

Both workspaces are built the same way from the bundled sample (conftest.build_sample_workspace:
ingest every table, then one run per SAMPLE_AS_OFS date with the built-in system).

Classes must be identical for every customer and scheme. Numeric features may differ in the last
bits: the two engines add floating-point values in different orders (DuckDB aggregates in
parallel), so a sum differs by a few units of double rounding (relative 1e-16 per addition; the
largest difference seen on the sample is 1.4e-11 relative). Some amounts are rounded to six
decimals after summing (the purchase models' inputs), where such a difference can flip the
sixth decimal: one unit there is 1e-6 absolute. Hence rtol 1e-9 and atol 1e-6 (the sixth
decimal of money amounts is a millionth of a yuan, below any class boundary's resolution; the
classes being identical shows that no boundary was crossed). Whole numbers, dates and text must
be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sample_dates import FIXED_NOW, SAMPLE_AS_OFS

from custseg import open_workspace

RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-6


@pytest.fixture
def both(
    sample_duckdb_file: Path, sample_pg_template: str, pg_server: object, tmp_path: Path
) -> Iterator[tuple[object, object]]:
    import shutil

    copy = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_duckdb_file, copy)
    name = "parity_" + tmp_path.name[-20:].replace("-", "_").lower()
    url = pg_server.copy_database(sample_pg_template, name)  # type: ignore[attr-defined]
    duck = open_workspace(copy, clock=lambda: FIXED_NOW)
    pg = open_workspace(url, clock=lambda: FIXED_NOW)
    yield duck, pg
    duck.close()
    pg.close()
    pg_server.drop_database(name)  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_same_snapshots_classes_and_features(both: tuple[object, object]) -> None:
    duck, pg = both
    duck_infos = duck.snapshots()  # type: ignore[attr-defined]
    pg_infos = pg.snapshots()  # type: ignore[attr-defined]
    assert [i.as_of.isoformat() for i in pg_infos] == list(SAMPLE_AS_OFS)
    assert [i.as_of for i in duck_infos] == [i.as_of for i in pg_infos]
    for d_info, p_info in zip(duck_infos, pg_infos, strict=True):
        assert d_info.computed_schemes == p_info.computed_schemes
        assert d_info.customers == p_info.customers == 2500
        d_snap = duck.snapshot(d_info.snapshot_id)  # type: ignore[attr-defined]
        p_snap = pg.snapshot(p_info.snapshot_id)  # type: ignore[attr-defined]

        d_classes = d_snap.to_frame().set_index("customer_id").sort_index()
        p_classes = p_snap.to_frame().set_index("customer_id").sort_index()
        assert list(d_classes.columns) == list(p_classes.columns)
        assert len(d_classes.columns) >= 25
        for scheme in d_classes.columns:
            differ = d_classes[scheme].fillna("∅") != p_classes[scheme].fillna("∅")
            assert not differ.any(), (
                f"{d_info.as_of} {scheme}: {int(differ.sum())} customers differ, e.g. "
                f"{d_classes[differ].index[:5].tolist()}"
            )
        assert_same_features(d_snap.features(), p_snap.features(), str(d_info.as_of))


def assert_same_features(duck: pd.DataFrame, pg: pd.DataFrame, label: str) -> None:
    assert list(duck.columns) == list(pg.columns)
    duck = duck.set_index("customer_id").sort_index()
    pg = pg.set_index("customer_id").sort_index()
    assert list(duck.index) == list(pg.index)
    for column in duck.columns:
        d, p = duck[column], pg[column]
        if pd.api.types.is_float_dtype(d) or pd.api.types.is_float_dtype(p):
            d_values, p_values = d.to_numpy(dtype=float), p.to_numpy(dtype=float)
            assert (np.isnan(d_values) == np.isnan(p_values)).all(), f"{label} {column}: nulls"
            np.testing.assert_allclose(
                p_values, d_values, rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE,
                equal_nan=True, err_msg=f"{label} feature {column}",
            )
        else:
            same = (d.astype(object).where(d.notna(), None).tolist()
                    == p.astype(object).where(p.notna(), None).tolist())
            assert same, f"{label} feature {column}: values differ"
