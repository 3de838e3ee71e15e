"""What a series builds once and reuses: assignments that depend on the feature table alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from custseg.schemes import load_default_system
from custseg.schemes.kinds import ASSIGNERS, table_only


def test_a_table_only_assignment_re_pointed_is_the_one_built_on_the_other_table(
    sample_tables_workspace: Callable[[], object],
) -> None:
    from custseg.run import _reused
    from custseg.snapshots.store import SnapshotStore

    ws = sample_tables_workspace()
    first = ws.run(as_of=date(2026, 5, 31))  # type: ignore[attr-defined]
    second = ws.run(as_of=date(2026, 6, 30))  # type: ignore[attr-defined]
    store = SnapshotStore(ws._con)  # type: ignore[attr-defined]
    tables = [store.features(s.snapshot_id) for s in (first, second)]
    system = load_default_system()
    reusable = [s for s in system.schemes if table_only(s)]
    assert {s.kind for s in reusable} == {"rules", "attribute", "pareto", "tiers"}
    assert not any(table_only(s) for s in system.schemes if s.kind in ("score", "cluster"))
    assert not any(table_only(s) for s in system.schemes if getattr(s, "auto", False))
    assert not any(table_only(s) for s in system.schemes if getattr(s, "method", "") == "quantile")
    quadrants = next(s for s in system.schemes if s.kind == "matrix")
    assert not table_only(quadrants)
    fixed = {"method": "fixed", "split": 1000.0}
    fixed_quadrants = quadrants.model_copy(update={
        "x": quadrants.x.model_copy(update=fixed), "y": quadrants.y.model_copy(update=fixed)
    })  # fmt: skip
    assert table_only(fixed_quadrants)
    reusable.append(fixed_quadrants)
    memo: dict[str, object] = {}
    for scheme in reusable:
        assigner = ASSIGNERS[scheme.kind]
        built = _reused(memo, tables[0], repr(tables[0].schema()), scheme, assigner)
        assert built.table.equals(assigner(tables[0], scheme).table)
        again = _reused(memo, tables[1], repr(tables[1].schema()), scheme, assigner)
        direct = assigner(tables[1], scheme)
        assert again.table.equals(direct.table), scheme.name
        assert not again.table.equals(built.table)
        assert again.thresholds == direct.thresholds
        assert again.notes({}) == direct.notes({})
        assert again.empty_check == direct.empty_check


def test_a_series_builds_each_table_only_assignment_once(
    sample_tables_workspace: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A three-month series builds its rules schemes once; the snapshots are those of single
    runs (test_history_series compares them whole)."""
    import custseg.run

    built: list[str] = []
    real = dict(custseg.run.ASSIGNERS)

    def counting(kind: str) -> Callable[..., object]:
        def assign(features: object, scheme: object, **kwargs: object) -> object:
            built.append(scheme.name)  # type: ignore[attr-defined]
            return real[kind](features, scheme, **kwargs)

        assign.wants_context = getattr(real[kind], "wants_context", False)  # type: ignore[attr-defined]
        return assign

    monkeypatch.setattr(custseg.run, "ASSIGNERS", {k: counting(k) for k in real})
    ws = sample_tables_workspace()
    report = ws.run_series("month", date(2026, 4, 1))  # type: ignore[attr-defined]
    assert [i.status for i in report.items] == ["computed"] * 3
    rules = [s.name for s in load_default_system().schemes if s.kind == "rules"]
    assert len(rules) > 5
    assert all(built.count(name) == 1 for name in rules)
    others = [
        s.name
        for s in load_default_system().schemes
        if s.kind in ("cluster", "score") or getattr(s, "method", "") == "quantile"
    ]
    assert all(built.count(name) == 3 for name in others)
    alone = sample_tables_workspace()
    ids = [alone.run(as_of=i.as_of).snapshot_id for i in report.items]  # type: ignore[attr-defined]
    assert ids == [i.snapshot_id for i in report.items]
