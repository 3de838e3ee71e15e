"""Migrations between snapshots: matrix, movers, directions, notes, previous snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from _history_cases import GRADE_SYSTEM, grade_system, write_snapshot

from custseg.errors import UnknownNameError
from custseg.history import ABSENT, compare, compare_all, previous_snapshot
from custseg.schemes import parse_system

MAY, JUNE = date(2026, 5, 31), date(2026, 6, 30)


def _by_date(ws: object, day: date) -> object:
    info = next(i for i in ws.snapshots() if i.as_of == day)  # type: ignore[attr-defined]
    return ws.snapshot(info.snapshot_id)  # type: ignore[attr-defined]


@pytest.fixture
def may_june(history_workspace: object) -> tuple[object, object]:
    return _by_date(history_workspace, MAY), _by_date(history_workspace, JUNE)


# -- on the sample history ------------------------------------------------------------------
def test_matrix_adds_up_to_both_snapshots_class_counts(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    m = compare(old, new, "abc")
    before = m.matrix.groupby("old_class").customers.sum()
    after = m.matrix.groupby("new_class").customers.sum()
    old_summary = old.summary("abc").set_index("class_key").customers
    new_summary = new.summary("abc").set_index("class_key").customers
    assert before.to_dict() == {k: v for k, v in old_summary.items() if v}
    assert after.to_dict() == {k: v for k, v in new_summary.items() if v}
    assert m.matrix.customers.sum() == old.info.customers == new.info.customers
    revenue = m.matrix.groupby("new_class").revenue_12m.sum()
    for key, value in new.summary("abc").set_index("class_key").revenue.items():
        assert revenue.get(key, 0.0) == pytest.approx(value)


def test_movers_agree_with_a_pandas_recomputation(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    for scheme in ("abc", "lifecycle", "nature", "rfm_segments"):
        m = compare(old, new, scheme)
        a = old.assignments(scheme)[["customer_id", "class_key"]]
        b = new.assignments(scheme)[["customer_id", "class_key"]]
        both = a.merge(b, on="customer_id", how="outer", suffixes=("_old", "_new"))
        changed = both[both.class_key_old != both.class_key_new]
        rank = {k: i for i, k in enumerate(new.scheme(scheme).ranked_keys())}

        def direction(old_key: str, new_key: str, rank: dict[str, int] = rank) -> str:
            o, n = rank.get(old_key), rank.get(new_key)
            if o is None or n is None:
                return "changed"
            return "up" if n < o else "down"

        expected = {
            (r.customer_id, r.class_key_old, r.class_key_new,
             direction(r.class_key_old, r.class_key_new))
            for r in changed.itertuples(index=False)
        }
        got = set(m.movers[["customer_id", "old_class", "new_class", "direction"]].itertuples(
            index=False, name=None))
        assert got == expected, scheme
        unchanged = int((both.class_key_old == both.class_key_new).sum())
        assert len(m.movers) + unchanged == len(both)
    features = new.features().set_index("customer_id")
    m = compare(old, new, "abc")
    for row in m.movers.head(20).itertuples():
        assert row.revenue_12m == pytest.approx(features.loc[row.customer_id, "revenue_12m"])
        assert row.name == features.loc[row.customer_id, "name"]


def test_abc_moves_have_directions_and_pivot_in_rank_order(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    m = compare(old, new, "abc")
    counts = m.counts_by_direction()
    assert counts["up"] > 0 and counts["down"] > 0 and counts["changed"] == 0
    assert set(m.movers.direction) <= {"up", "down"}
    pivot = m.pivot()
    assert list(pivot.index) == ["A", "B", "C"] and list(pivot.columns) == ["A", "B", "C"]
    assert int(pivot.values.sum()) == new.info.customers
    assert pivot.loc["A", "B"] == len(m.movers.query("old_class == 'A' and new_class == 'B'"))
    assert m.labels("zh")["A"] == "关键客户" and m.labels("en")["A"] == "A - key customers"
    assert m.notes == []  # same system, same classes


def test_compare_all_covers_the_schemes_computed_in_both(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    every = compare_all(old, new)
    assert list(every) == [s for s in new.info.computed_schemes if s in old.info.computed_schemes]
    assert every["nature"].movers.empty  # attributes do not move


def test_compare_all_gives_what_compare_gives_for_each_scheme(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    every = compare_all(old, new)
    assert every
    for scheme, batched in every.items():
        single = compare(old, new, scheme)
        for frame in ("movers", "matrix"):
            got, want = getattr(batched, frame), getattr(single, frame)
            assert list(got.columns) == list(want.columns), (scheme, frame)
            keys = [c for c in ("customer_id", "old_class", "new_class") if c in want.columns]
            pd.testing.assert_frame_equal(
                got.sort_values(keys, ignore_index=True),
                want.sort_values(keys, ignore_index=True),
                obj=f"{scheme}.{frame}",
            )
        pd.testing.assert_frame_equal(batched.movers, single.movers, obj=f"{scheme} order")
        assert batched.notes == single.notes and batched.note_items == single.note_items
        assert batched.ranking == single.ranking and batched.class_order == single.class_order
        assert batched.labels("zh") == single.labels("zh"), scheme


def test_unknown_scheme_lists_the_computed_ones(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    with pytest.raises(UnknownNameError, match="did you mean 'abc'"):
        compare(old, new, "abd")


def test_previous_snapshot_is_the_latest_earlier_one(history_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = history_workspace
    june, may = _by_date(ws, JUNE), _by_date(ws, MAY)
    assert previous_snapshot(ws, june).as_of == MAY
    assert previous_snapshot(ws, may).as_of == date(2026, 4, 30)
    assert previous_snapshot(ws, _by_date(ws, date(2026, 4, 30))).as_of == date(2025, 6, 30)
    assert previous_snapshot(ws, _by_date(ws, date(2025, 6, 30))) is None


# -- hand-made snapshots ---------------------------------------------------------------------
def test_directions_on_a_hand_made_case(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system()
    old = write_snapshot(
        ws, system, MAY,
        {"grade": {"c1": "gold", "c2": "bronze", "c3": "bronze", "c5": "silver", "c6": "silver"}},
        pd.DataFrame({"customer_id": ["c5"], "revenue_12m": [55.0]}),
    )
    new = write_snapshot(
        ws, system, JUNE,
        {"grade": {"c1": "silver", "c2": "gold", "c3": "none", "c4": "gold", "c6": "silver"}},
        pd.DataFrame({"customer_id": ["c1", "c2", "c4"], "name": ["一", "二", "四"],
                      "revenue_12m": [500.0, 5000.0, 2000.0]}),
    )
    m = compare(old, new, "grade")
    moves = m.movers.set_index("customer_id")
    assert moves.direction.to_dict() == {
        "c1": "down", "c2": "up", "c3": "changed", "c4": "entered", "c5": "left"}
    assert moves.loc["c4", "old_class"] is None and moves.loc["c5", "new_class"] is None
    assert moves.loc["c5", "revenue_12m"] == 55.0  # who left keeps the old snapshot's revenue
    assert moves.loc["c2", "name"] == "二" and moves.loc["c2", "revenue_12m"] == 5000.0
    assert "c6" not in moves.index
    assert m.counts_by_direction() == {"up": 1, "down": 1, "changed": 1, "entered": 1, "left": 1}
    pivot = m.pivot()
    assert list(pivot.index) == ["gold", "silver", "bronze", ABSENT]
    assert list(pivot.columns) == ["gold", "silver", "none", ABSENT]
    assert pivot.loc[ABSENT, "gold"] == 1 and pivot.loc["silver", ABSENT] == 1
    assert pivot.loc["silver", "silver"] == 1
    assert m.pivot("revenue_12m").loc["bronze", "gold"] == 5000.0
    entered = m.matrix[m.matrix.old_class.isna()]
    assert entered.to_dict("records") == [
        {"old_class": None, "new_class": "gold", "customers": 1, "revenue_12m": 2000.0}]


def test_overridden_classes_are_the_ones_compared_and_flagged(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system()
    old = write_snapshot(ws, system, MAY, {"grade": {"c1": "gold", "c2": "silver", "c3": "gold"}})
    new = write_snapshot(
        ws, system, JUNE, {"grade": {"c1": "bronze", "c2": "silver", "c3": "silver"}},
        overrides={("grade", "c1"): "gold", ("grade", "c2"): "gold"},
    )
    m = compare(old, new, "grade")
    moves = m.movers.set_index("customer_id")
    assert "c1" not in moves.index  # overridden back to gold: no move
    assert moves.loc["c2", "direction"] == "up" and bool(moves.loc["c2", "overridden"])
    assert moves.loc["c2", "override_id"] == "ov-grade-c2"
    assert moves.loc["c3", "direction"] == "down" and not bool(moves.loc["c3", "overridden"])


def test_different_systems_and_classes_are_noted(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    first = grade_system()
    changed = parse_system(
        GRADE_SYSTEM.replace("cuts: [100, 1000]", "cuts: [100, 1000, 5000]").replace(
            "      - {key: gold,",
            "      - {key: platinum, labels: {zh_CN: 白金, en: Platinum}}\n      - {key: gold,",
        )
    )
    old = write_snapshot(ws, first, MAY, {"grade": {"c1": "gold", "c2": "silver"}})
    new = write_snapshot(ws, changed, JUNE, {"grade": {"c1": "platinum", "c2": "silver"}})
    m = compare(old, new, "grade")
    assert m.movers.direction.tolist() == ["up"]  # the new system ranks platinum first
    text = " ".join(m.notes)
    assert "different classification systems" in text
    assert "scheme grade is defined differently" in text
    assert "classes only in the new snapshot: platinum" in text
    assert any("不同版本的分类体系" in n for n in m.notes_in("zh"))


def test_unranked_scheme_moves_are_changes_with_a_note(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace()
    system = grade_system()
    old = write_snapshot(ws, system, MAY, {"status": {"c1": "active", "c2": "lapsed"}})
    new = write_snapshot(ws, system, JUNE, {"status": {"c1": "lapsed", "c2": "lapsed"}})
    m = compare(old, new, "status")
    assert m.movers.direction.tolist() == ["changed"]
    assert any("no ranking" in n for n in m.notes)
    with pytest.raises(UnknownNameError):
        compare(old, new, "grade")  # not computed in these snapshots


def test_a_real_run_on_small_data_moves_customers_up_and_down(  # type: ignore[no-untyped-def]
    make_workspace, tmp_path: Path
) -> None:
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5"],
            "customer_id": ["P", "Q", "Q", "S", "R"],
            "order_date": ["2025-01-10", "2025-06-01", "2026-03-01", "2025-06-10", "2026-02-01"],
            "amount": [2000.0, 50.0, 5000.0, 500.0, 3000.0],
        }
    )
    source = tmp_path / "orders.csv"
    orders.to_csv(source, index=False)
    ws = make_workspace()
    ws.ingest("orders", source)
    system = grade_system()
    old = ws.run(as_of=date(2025, 6, 30), system=system)
    new = ws.run(as_of=date(2026, 3, 31), system=system)
    assert old.assignments("grade").set_index("customer_id").class_key.to_dict() == {
        "P": "gold", "Q": "bronze", "S": "silver"}
    m = compare(old, new, "grade")
    moves = m.movers.set_index("customer_id")
    assert moves.loc["P", "direction"] == "down"  # its order is over 12 months old
    assert moves.loc["Q", "direction"] == "up"
    assert moves.loc["R", "direction"] == "entered"
    assert moves.loc["Q", "revenue_12m"] == pytest.approx(5050.0)
    assert "S" not in moves.index  # 500 in both 12-month windows
    assert previous_snapshot(ws, new).snapshot_id == old.snapshot_id


def test_direction_counts_agree_with_the_full_migrations(history_workspace: object) -> None:
    from custseg.history import direction_counts

    ws = history_workspace
    infos = ws.snapshots()  # type: ignore[attr-defined]
    old = ws.snapshot(infos[-2].snapshot_id)  # type: ignore[attr-defined]
    new = ws.snapshot(infos[-1].snapshot_id)  # type: ignore[attr-defined]
    counted = direction_counts(old, new).set_index("scheme")
    full = compare_all(old, new)
    assert list(counted.index) == list(full)
    for name, migration in full.items():
        expected = migration.counts_by_direction()
        same = migration.matrix[migration.matrix.old_class == migration.matrix.new_class]
        expected["unchanged"] = int(same.customers.sum())
        assert counted.loc[name].to_dict() == expected, name
        assert sum(expected.values()) == int(migration.matrix.customers.sum())


def test_limited_movers_are_the_first_of_each_direction(may_june) -> None:  # type: ignore[no-untyped-def]
    old, new = may_june
    for scheme in ("abc", "lifecycle", "rfm_segments"):
        full = compare(old, new, scheme)
        for limit in (1, 3):
            part = compare(old, new, scheme, movers=limit)
            expected = full.movers.groupby("direction", sort=False).head(limit)
            pd.testing.assert_frame_equal(part.movers, expected.reset_index(drop=True))
            assert part.counts_by_direction() == full.counts_by_direction()
            assert part.movers_total == full.movers_total == len(full.movers)
            pd.testing.assert_frame_equal(part.matrix, full.matrix)
            assert part.notes == full.notes
    with pytest.raises(ValueError, match="at least 1"):
        compare(old, new, "abc", movers=0)


# -- move counts stored by the run (custseg.snapshots.moves) ---------------------------------
def test_each_run_stored_its_moves_against_the_snapshot_before_it(history_workspace) -> None:  # type: ignore[no-untyped-def]
    from custseg.history.recorded import record_moves
    from custseg.snapshots.moves import stored_pairs

    ws = history_workspace
    ids = [i.snapshot_id for i in ws.snapshots()]
    every = [(a, b) for a in ids for b in ids if a != b]
    assert stored_pairs(ws._con, every) == set(zip(ids, ids[1:], strict=False))
    assert record_moves(ws._con, ids[0]) is None  # nothing before the first
    assert record_moves(ws._con, ids[-1]) is None  # stored once, by its run


def test_a_pair_the_run_did_not_store_is_counted_from_the_join(history_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = history_workspace
    infos = ws.snapshots()
    first, last = ws.snapshot(infos[0].snapshot_id), ws.snapshot(infos[-1].snapshot_id)
    m = compare(first, last, "abc")
    a = first.assignments("abc")[["customer_id", "class_key"]]
    b = last.assignments("abc")[["customer_id", "class_key"]]
    both = a.merge(b, on="customer_id", how="outer", suffixes=("_old", "_new"))
    expected = both.groupby(["class_key_old", "class_key_new"], dropna=False).size()
    got = m.matrix.set_index(["old_class", "new_class"]).customers

    def keyed(counts: pd.Series) -> dict[tuple[str | None, str | None], int]:
        return {tuple(k if isinstance(k, str) else None for k in key): int(v)
                for key, v in counts.items()}

    assert keyed(expected) == keyed(got) and (None, "A") in keyed(got)


# -- movers stored by the run (custseg.snapshots.movers) -------------------------------------
def _sorted_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    frame = frame.sort_values(["scheme", "customer_id"], ignore_index=True)
    frame["revenue_12m"] = frame.revenue_12m.round(6)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_each_run_stored_its_movers_as_the_join_gives_them(history_workspace) -> None:  # type: ignore[no-untyped-def]
    from custseg.history._moves import described, joined_movers
    from custseg.snapshots.movers import MOVER_COLUMNS, has_movers, movers_of

    ws = history_workspace
    con = ws._con
    ids = [i.snapshot_id for i in ws.snapshots()]
    assert [has_movers(con, pair) for pair in zip(ids, ids[1:], strict=False)] == [True] * 3
    assert not has_movers(con, (ids[0], ids[-1])) and not has_movers(con, (ids[-1], ids[-2]))
    old, new = ws.snapshot(ids[-2]), ws.snapshot(ids[-1])
    schemes = [s for s in new.info.computed_schemes if s in old.info.computed_schemes]
    stored = movers_of(con, (ids[-2], ids[-1]), schemes).to_pandas()
    joined = described(joined_movers(old, new, schemes), old, new).to_pandas()
    assert len(stored) > 100 and set(stored.scheme) == set(joined.scheme)
    assert _sorted_records(stored) == _sorted_records(joined[list(MOVER_COLUMNS)])


def test_movers_are_read_from_the_stored_rows_of_a_stored_pair_only(history_workspace) -> None:  # type: ignore[no-untyped-def]
    from custseg.history._moves import moves

    ws = history_workspace
    ids = [i.snapshot_id for i in ws.snapshots()]
    old, new, first = ws.snapshot(ids[-2]), ws.snapshot(ids[-1]), ws.snapshot(ids[0])
    stored = str(ws._con.compile(moves(old, new, ["abc", "lifecycle"], movers_only=True)))
    assert "snapshot_movers" in stored and '"assignments"' not in stored
    joined = str(ws._con.compile(moves(first, new, ["abc"], movers_only=True)))
    assert "snapshot_movers" not in joined and '"assignments"' in joined
    # Same movers either way: `diff` of a stored pair and of the same pair from the join.
    m = compare(old, new, "abc")
    a = old.assignments("abc")[["customer_id", "class_key"]]
    b = new.assignments("abc")[["customer_id", "class_key"]]
    both = a.merge(b, on="customer_id", how="outer", suffixes=("_old", "_new"))
    changed = both[both.class_key_old.ne(both.class_key_new)]
    assert sorted(m.movers.customer_id) == sorted(changed.customer_id)


def test_the_stored_matrix_counts_the_kept_classes_from_the_summary(history_workspace) -> None:  # type: ignore[no-untyped-def]
    from custseg.history._moves import joined_matrix, stored_matrix

    ws = history_workspace
    ids = [i.snapshot_id for i in ws.snapshots()]
    old, new = ws.snapshot(ids[-2]), ws.snapshot(ids[-1])
    schemes = [s for s in new.info.computed_schemes if s in old.info.computed_schemes]
    keys = ["scheme", "old_class", "new_class"]

    def rows(table) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
        frame = table.to_pandas().sort_values(keys, na_position="first", ignore_index=True)
        frame["revenue_12m"] = frame.revenue_12m.round(6)
        return frame[[*keys, "customers", "revenue_12m"]].astype(object).to_dict("records")

    stored = rows(stored_matrix(ws._con, (ids[-2], ids[-1]), schemes))
    kept = [r for r in stored if r["old_class"] == r["new_class"]]
    assert kept and all(r["customers"] > 0 for r in stored)
    assert stored == rows(joined_matrix(old, new, schemes))
