"""``engine.insert_from``: rows of an Ibis expression appended to a table, on both backends."""

from __future__ import annotations

import ibis
import pandas as pd

from custseg.engine import connect, insert_from


def test_insert_from_appends_rows_matched_by_column_name(workspace_url: str) -> None:
    con = connect(workspace_url)
    try:
        con.raw_sql('CREATE TABLE "target" ("id" INTEGER, "label" VARCHAR, "score" DOUBLE PRECISION)')
        con.raw_sql("""INSERT INTO "target" VALUES (1, 'kept', 0.5)""")
        # columns in another order than the table's, a name needing quotes in the frame
        source = ibis.memtable(
            pd.DataFrame({"score": [1.25, 2.5], "label": ["新客", "O'Brien"], "id": [2, 3]})
        )
        insert_from(con, "target", source.filter(source.score > 1))
        rows = con.table("target").order_by("id").to_pandas()
        assert rows.to_dict("records") == [
            {"id": 1, "label": "kept", "score": 0.5},
            {"id": 2, "label": "新客", "score": 1.25},
            {"id": 3, "label": "O'Brien", "score": 2.5},
        ]
        # a query over a stored table, a subset of the columns (the rest stay NULL)
        t = con.table("target")
        insert_from(con, "target", t.filter(t.id == 1).select(id=t.id + 10, label=t.label))
        added = con.table("target").filter(lambda r: r.id == 11).to_pandas()
        assert added["label"].tolist() == ["kept"]
        assert added["score"].isna().all()
    finally:
        con.disconnect()
