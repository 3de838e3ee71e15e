"""A classification run whose data is computed on Spark and whose state stays in the workspace.

Same steps and same Ibis expressions as :func:`custseg.run.classify`; what differs is where
things are:

- inputs, the feature table and every scheme's assignments: Spark (the storage folders of
  :mod:`custseg.compute.storage`);
- systems, the snapshot's row, the overrides it applied and the audit entry: the workspace
  (state) database, written in one transaction *after* the data is written. A run whose data
  write fails commits nothing: the snapshot does not exist.

The snapshot's ``extra["engine"]`` records ``{"name": "spark", "storage": root}``; readers
use it to find the data (:mod:`custseg.compute.reads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from custseg import __version__
from custseg.compute.engine import SparkEngine
from custseg.compute.reads import ENGINE_KEY
from custseg.dates import check_date
from custseg.engine import transaction
from custseg.errors import WorkspaceError
from custseg.features import build_feature_table
from custseg.features._orders import OrderTables, order_tables
from custseg.features._context import BuildContext
from custseg.features.model_features import (
    ModelSettings,
    add_model_features,
    purchase_statistics,
)
from custseg.governance.apply import partition_overrides
from custseg.governance.audit import AuditAction, AuditLog
from custseg.governance.overrides import OverrideStore
from custseg.governance.users import current_user
from custseg.health import check_health
from custseg.profile import profile_data
from custseg.run import (
    ProgressCallback,
    add_notes_and_thresholds,
    assign_every_scheme,
    _non_null_columns,
    _run_detail,
    _tagged,
    feature_parameters,
)
from custseg.schemes import ClassificationSystem, system_hash
from custseg.schemes.kinds import ASSIGNERS, wants_context
from custseg.schemes.kinds.context import RunContext, key_lineage, lineage_digest, run_context
from custseg.snapshots.fingerprint import (
    data_fingerprint,
    overrides_fingerprint,
    snapshot_fingerprint,
)
from custseg.snapshots.model import SnapshotInfo
from custseg.snapshots.store import SnapshotStore, _as_date, _info_row
from custseg.workspace_schema.tables import SNAPSHOT_OVERRIDES, SNAPSHOTS, TABLES


def engine_of(info: SnapshotInfo) -> dict[str, Any] | None:
    """Where a snapshot's data lives when not in the workspace: ``{"name", "storage"}``."""
    found = info.extra.get(ENGINE_KEY)
    return found if isinstance(found, dict) else None


@dataclass(frozen=True)
class EngineRunContext(RunContext):
    """A run context whose earlier assignments are read on the engine."""

    engine: SparkEngine | None = None
    state: BaseBackend | None = None
    infos: tuple[SnapshotInfo, ...] = ()

    def previous_assignment(self, scheme: str) -> ir.Table | None:
        """``customer_id, class_key`` of ``scheme`` in the predecessor, as an engine table."""
        prev = self.previous(scheme)
        if prev is None or self.engine is None or self.state is None:
            return None
        info = next((i for i in self.infos if i.snapshot_id == prev.snapshot_id), None)
        if info is not None and engine_of(info):
            t = self.engine.storage.assignments(prev.snapshot_id)
            return t.filter(t.scheme == scheme).select("customer_id", "class_key")
        t = SnapshotStore(self.state).assignments(prev.snapshot_id)
        frame = t.filter(t.scheme == scheme).select("customer_id", "class_key").to_pandas()
        return ibis.memtable(frame, schema={"customer_id": "string", "class_key": "string"})


def classify_on_spark(
    state: BaseBackend,
    engine: SparkEngine,
    *,
    system: ClassificationSystem,
    as_of: date,
    created_at: datetime,
    progress: ProgressCallback | None = None,
    user: str | None = None,
) -> SnapshotInfo:
    """Classify every customer as of ``as_of`` on Spark; commit the snapshot in ``state``."""
    check_date(as_of, "as_of")
    report = progress or (lambda _step, _done, _total: None)
    actor = current_user(user)
    con = engine.con
    tables = set(engine.inputs)
    if not tables & {"orders", "customers"}:
        raise WorkspaceError(
            "Spark holds no customers and no orders input: set CUSTSEG_SPARK_INPUT_ORDERS "
            "(e.g. parquet:/data/orders) or create the table `orders` in the Spark database "
            f"{engine.settings.database!r}."
        )
    store = SnapshotStore(state)
    audit = AuditLog(state, lambda: created_at)
    total = len(system.schemes) + 3
    report("fingerprinting input data", 0, total)
    data_hash, counts = data_fingerprint(con, tables)
    sys_hash = system_hash(system)
    in_force = OverrideStore(state, lambda: created_at).in_force(as_of, created_at)
    overrides_hash = overrides_fingerprint(in_force.to_dict("records"))
    infos = store.list()
    base_context = run_context(state, as_of, infos, system_hash=sys_hash)
    context = EngineRunContext(
        base_context.con, as_of, base_context.history, engine, state, tuple(infos)
    )
    with_history = [s.name for s in system.schemes if wants_context(ASSIGNERS[s.kind])]
    lineage = key_lineage(context, with_history)
    lineage_digests = lineage_digest(context, with_history)
    snapshot_id = snapshot_fingerprint(
        as_of, sys_hash, data_hash, __version__, overrides_hash, lineage=lineage_digests
    )
    if store.exists(snapshot_id):
        report("snapshot already computed", total, total)
        existing = store.get(snapshot_id)
        detail = {"as_of": as_of.isoformat(), "system_hash": sys_hash}
        with transaction(state):
            audit.append(actor, AuditAction.RUN_REUSED, snapshot_id, detail)
        return existing

    parameters, inferred = feature_parameters(con, system, tables)
    settings = ModelSettings(**system.model_parameters().model_dump())
    storage = engine.storage
    try:
        rejects = {
            name: storage.write_rejects(snapshot_id, name, source.rejected)
            for name, source in engine.inputs.items()
        }
        try:
            orders = None
            if "orders" in tables:
                report("aggregating the orders", 1, total)
                ctx = BuildContext(as_of=as_of, parameters=parameters)
                orders = order_tables(
                    con, ctx, store=lambda name, expr: storage.scratch(snapshot_id, name, expr)
                )
            report("profiling the data", 1, total)
            profile = profile_data(con, as_of, parameters=parameters, orders=orders)
            report("building the feature table", 1, total)
            features, models = _features(engine, parameters, as_of, snapshot_id, settings, orders)
        finally:
            storage.remove_scratch(snapshot_id)
        non_null, customers = _non_null_columns(features)
        outcomes, computed = assign_every_scheme(
            features, system, tables, non_null, context, report, total
        )
        report("writing the assignments", total - 1, total)
        parts = [
            _tagged(assignment.table, snapshot_id, outcomes[at].name)
            for at, assignment in computed.items()
        ]
        storage.write_assignments(snapshot_id, _union(parts))
        staged = storage.assignments(snapshot_id)
        report("checking the health of every scheme", total - 1, total)
        per_class = add_notes_and_thresholds(outcomes, computed, staged)
        findings = check_health(system, outcomes, staged, features, counts=per_class)
        applied, ignored = partition_overrides(
            in_force, system=system, outcomes=outcomes, features=features
        )
        overrides_extra: dict[str, Any] = {}
        if not in_force.empty:
            overrides_extra = {"overrides_applied": len(applied), "overrides_ignored": ignored}
        info = SnapshotInfo(
            snapshot_id=snapshot_id,
            as_of=as_of,
            system_name=system.name,
            system_hash=sys_hash,
            data_hash=data_hash,
            code_version=__version__,
            created_at=created_at,
            customers=customers,
            input_counts=counts,
            outcomes=tuple(outcomes),
            extra={
                ENGINE_KEY: {"name": "spark", "storage": storage.root},
                "rejects": rejects,
                **({"inferred_parameters": inferred} if inferred else {}),
                **({"key_lineage": lineage} if lineage else {}),
                **({"key_lineage_digest": lineage_digests} if lineage_digests else {}),
                "models": models,
                **overrides_extra,
                "profile": profile.to_dict(),
                "health": [finding.to_dict() for finding in findings],
            },
        )
        detail = _run_detail(info, list(applied.override_id), ignored)
        rows = _override_rows(info, applied, staged)
        report("committing the snapshot", total - 1, total)
        with transaction(state):
            if len(rows):
                state.insert(SNAPSHOT_OVERRIDES, rows)
            state.insert(SNAPSHOTS, pd.DataFrame([_info_row(info)]))
            audit.append(actor, AuditAction.RUN, snapshot_id, detail)
    except BaseException:
        # Nothing was committed: the folders, if written, belong to no snapshot.
        storage.remove(snapshot_id)
        raise
    report("done", total, total)
    return info


def _features(
    engine: SparkEngine,
    parameters: Any,
    as_of: date,
    snapshot_id: str,
    settings: ModelSettings,
    orders: OrderTables | None = None,
) -> tuple[ir.Table, dict[str, Any]]:
    """The feature table with the model features, written to the storage and read back.

    ``orders``: the order tables of the same date, stored once (read instead of the order
    lines by the features and the purchase statistics of the models).
    """
    con = engine.con
    expr = build_feature_table(con, as_of, parameters=parameters, orders=orders)
    expr = expr.mutate(
        **{c: expr[c].round(6) for c, dtype in expr.schema().items() if dtype.is_floating()}
    )
    base = expr.cache()
    try:
        statistics = None
        if orders is not None:
            statistics = engine.storage.scratch(
                snapshot_id, "statistics", purchase_statistics(con, as_of, days=orders.days)
            )
        with_models, models = add_model_features(
            con, base, as_of, settings=settings, statistics=statistics
        )
        engine.storage.write_features(snapshot_id, with_models)
    finally:
        base.release()
    return engine.storage.features(snapshot_id), models


def _union(parts: list[ir.Table]) -> ir.Table:
    if not parts:
        return ibis.memtable(
            pd.DataFrame(columns=list(_ASSIGNMENT_COLUMNS)), schema=_ASSIGNMENT_COLUMNS
        )
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


_ASSIGNMENT_COLUMNS = {
    "snapshot_id": "string",
    "customer_id": "string",
    "scheme": "string",
    "class_key": "string",
    "score": "float64",
    "reason": "string",
}


def _override_rows(info: SnapshotInfo, applied: pd.DataFrame, staged: ir.Table) -> pd.DataFrame:
    """The ``snapshot_overrides`` rows, each beside the class the run computed on Spark."""
    columns = list(TABLES[SNAPSHOT_OVERRIDES].names)
    if applied is None or not len(applied):
        return pd.DataFrame(columns=columns)
    ids = sorted(set(applied.customer_id.astype(str)))
    computed = (
        staged.filter(staged.customer_id.isin(ids))
        .select("customer_id", "scheme", computed_class_key=staged.class_key)
        .to_pandas()
    )
    rows = applied.assign(customer_id=applied.customer_id.astype(str)).merge(
        computed, on=["customer_id", "scheme"], how="left"
    )
    rows = rows.assign(snapshot_id=info.snapshot_id)[columns]
    rows["expires_on"] = [_as_date(v) for v in rows["expires_on"]]
    return rows.astype({n: "object" for n in columns})
