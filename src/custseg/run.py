"""One classification run: features as of a date, every scheme of the system, one snapshot.

A run is a pure function of (input data, as-of date, classification system, overrides in
force): the same inputs give the same snapshot id and the same assignments, and a second run
with the same inputs returns the stored snapshot instead of writing another.

Overrides (``custseg.governance``) in force at the run's clock time for its as-of date are part
of the snapshot id (only when there are any, so ids without overrides are unchanged), are stored
with the snapshot, and the run's ``run`` audit entry is written in the snapshot's transaction. A
re-run that finds its snapshot already stored writes nothing but a ``run_reused`` audit entry
(in a transaction of its own), so the log shows every run someone asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from custseg import __version__
from custseg.dated_sql import PLACEHOLDER, DatedQuery, RenderedQuery
from custseg.dates import check_date
from custseg.engine import create_table_from, transaction
from custseg.errors import ModelError, WorkspaceError
from custseg.features import FeatureParameters, available_tables, build_feature_table
from custseg.features._context import BuildContext
from custseg.features._orders import OrderTables, order_tables
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
from custseg.health.checks import scheme_class_counts
from custseg.profile import DataProfile, profile_data
from custseg.profile.compute import profile_of_row, profile_query
from custseg.schemes import ClassificationSystem, missing_requirements, system_hash
from custseg.schemes.kinds import (
    ASSIGNERS,
    Assignment,
    quantile_requests,
    table_only,
    wants_context,
)
from custseg.schemes.kinds.context import RunContext, key_lineage, lineage_digest, run_context
from custseg.schemes.kinds.splits import prefetched_cuts
from custseg.snapshots.fingerprint import (
    data_fingerprint,
    overrides_fingerprint,
    snapshot_fingerprint,
)
from custseg.snapshots.model import SchemeOutcome, SnapshotInfo, join_messages
from custseg.snapshots.store import SnapshotStore, features_table_name
from custseg.sql_templates import SqlTemplates, compiled_once
from custseg.workspace_schema.indexes import index_features

STAGED_SCHEMA = ibis.schema(
    {
        "snapshot_id": "string",
        "customer_id": "string",
        "scheme": "string",
        "class_key": "string",
        "score": "float64",
        "reason": "string",
    }
)

SNAPSHOTS_LISTED = "snapshots listed"
"""The key, in a series' memo, of the stored snapshots the series listed just before a run
(:func:`custseg.history.series.run_series`); the run takes them once instead of listing again."""

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(step_description, steps_done, steps_total)``."""


def classify(
    con: BaseBackend,
    *,
    system: ClassificationSystem,
    as_of: date,
    created_at: datetime,
    progress: ProgressCallback | None = None,
    user: str | None = None,
    data_memo: dict[str, Any] | None = None,
) -> SnapshotInfo:
    """Classify every customer under every scheme of ``system`` as of ``as_of``; store a snapshot.

    ``user`` is recorded in the audit log (default: $CUSTSEG_USER or the login name).
    ``data_memo`` (a series of runs over data that does not change between them) keeps what
    the first run worked out for the next ones: the data fingerprint, and the SQL of the order
    tables, the purchase statistics and the feature table, compiled once at a placeholder date
    (:mod:`custseg.dated_sql`; on DuckDB), and the SQL of every other expression of the run,
    compiled once per shape (:mod:`custseg.sql_templates`).
    """
    run = partial(
        _classify, con, system=system, as_of=as_of, created_at=created_at, progress=progress,
        user=user, data_memo=data_memo,
    )  # fmt: skip
    if data_memo is None:
        return run()
    if "sql templates" not in data_memo:
        data_memo["sql templates"] = SqlTemplates(con)
    with compiled_once(con, data_memo["sql templates"]):
        return run()


def _classify(
    con: BaseBackend,
    *,
    system: ClassificationSystem,
    as_of: date,
    created_at: datetime,
    progress: ProgressCallback | None,
    user: str | None,
    data_memo: dict[str, Any] | None,
) -> SnapshotInfo:
    """:func:`classify`, its compiles already routed as the series wants."""
    check_date(as_of, "as_of")
    report = progress or (lambda _step, _done, _total: None)
    actor = current_user(user)
    tables = set(_memoised(data_memo, "input tables", lambda: frozenset(available_tables(con))))
    if not tables & {"orders", "customers"}:
        raise WorkspaceError(
            "the workspace holds no customers and no orders. Ingest data first, e.g. "
            "`custseg ingest orders orders.csv`, or try `custseg demo`."
        )
    store = SnapshotStore(con)
    audit = AuditLog(con, lambda: created_at)
    total = len(system.schemes) + 3
    report("fingerprinting input data", 0, total)
    fingerprint = (data_memo or {}).get("fingerprint") or data_fingerprint(con, tables)
    if data_memo is not None:
        data_memo["fingerprint"] = fingerprint
    data_hash, counts = fingerprint
    sys_hash = system_hash(system)
    in_force = OverrideStore(con, lambda: created_at).in_force(as_of, created_at)
    overrides_hash = overrides_fingerprint(in_force.to_dict("records"))
    # a series lists the stored snapshots just before each run (custseg.history.series)
    listed = data_memo.pop(SNAPSHOTS_LISTED, None) if data_memo is not None else None
    context = run_context(con, as_of, store.list() if listed is None else listed,
                          system_hash=sys_hash)  # fmt: skip
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
        with transaction(con):
            audit.append(actor, AuditAction.RUN_REUSED, snapshot_id, detail)
        return existing

    parameters, inferred = _memoised(
        data_memo,
        f"feature parameters {json.dumps(system.parameters, sort_keys=True, default=str)}",
        lambda: feature_parameters(con, system, tables),
    )
    settings = ModelSettings(**system.model_parameters().model_dump())
    scratch = _Scratch(con, snapshot_id)
    try:
        orders = None
        if "orders" in tables:
            report("aggregating the orders", 1, total)
            dated = BuildContext(as_of=as_of, parameters=parameters)
            orders = scratch.order_tables(dated, data_memo)
        report("profiling the data", 1, total)
        profile = _profile(con, as_of, parameters, tables, orders, scratch, data_memo)
        report("building the feature table", 1, total)
        features, models = _materialise_features(
            con, parameters, as_of, snapshot_id, settings, orders, scratch, data_memo
        )
    finally:
        scratch.drop()
    try:
        non_null, customers = _non_null_columns(features, data_memo)
        outcomes, computed = assign_every_scheme(
            features, system, tables, non_null, context, report, total, reuse=data_memo
        )

        report("checking the health of every scheme", total - 1, total)
        # Without the snapshot's id, one constant the store adds when it appends the rows:
        # each scheme's rows stay one input of the union (rendered input by input in a series).
        parts = [
            _tagged(assignment.table, None, outcomes[at].name)
            for at, assignment in computed.items()
        ]
        audit_detail: dict[str, Any] = {}

        def header(stored: ibis.Table) -> tuple[SnapshotInfo, pd.DataFrame]:
            """The snapshot's header from its stored assignments; the overrides it applies."""
            per_class = add_notes_and_thresholds(outcomes, computed, stored)
            findings = check_health(system, outcomes, stored, features, counts=per_class)
            report("writing the snapshot", total - 1, total)
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
                    **({"inferred_parameters": inferred} if inferred else {}),
                    **({"key_lineage": lineage} if lineage else {}),
                    **({"key_lineage_digest": lineage_digests} if lineage_digests else {}),
                    "models": models,
                    **overrides_extra,
                    "profile": profile.to_dict(),
                    "health": [finding.to_dict() for finding in findings],
                },
            )
            audit_detail.update(_run_detail(info, list(applied.override_id), ignored))
            return info, applied

        info = store.write(
            snapshot_id,
            features=features,
            assignments=_union(parts, with_id=False),
            schemes=[outcomes[at].name for at in computed],
            finish=header,
            within=lambda _info: _stored(con, snapshot_id, audit, actor, audit_detail),
        )
    except BaseException:
        # No snapshot row was written; remove the feature table so nothing half-made remains.
        con.drop_table(features_table_name(snapshot_id), force=True)
        raise
    report("done", total, total)
    return info


def assign_every_scheme(
    features: ibis.Table,
    system: ClassificationSystem,
    tables: set[str],
    non_null: set[str],
    context: RunContext,
    report: ProgressCallback,
    total: int,
    *,
    reuse: dict[str, Any] | None = None,
) -> tuple[list[SchemeOutcome], dict[int, Assignment]]:
    """Each scheme's outcome, in the system's order, and the assignment of each computed one.

    A scheme whose inputs are missing is skipped, one the data cannot support fails with its
    reason; the other schemes still run. Shared by the DuckDB/PostgreSQL and the Spark run.
    ``reuse`` (a series' memo) keeps the assignments that depend on the data only through the
    feature table (:func:`~custseg.schemes.kinds.table_only`), built once and re-pointed at
    each later run's feature table of the same columns: the expression building them gives.
    """
    outcomes: list[SchemeOutcome] = []
    computed: dict[int, Assignment] = {}
    # Every quantile cut of the schemes that can run, computed in three queries.
    ready = [s for s in system.schemes if not missing_requirements(s, tables, non_null)]
    columns = ""  # the feature table's columns and types, for the reused assignments' keys
    with prefetched_cuts(features, quantile_requests(features, ready)):
        for i, scheme in enumerate(system.schemes):
            report(f"scheme {scheme.name}", 2 + i, total)
            missing = missing_requirements(scheme, tables, non_null)
            if missing:
                why = join_messages(missing)
                outcomes.append(SchemeOutcome(scheme.name, scheme.kind, "skipped", reason=why))
                continue
            assigner = ASSIGNERS[scheme.kind]
            try:
                if wants_context(assigner):
                    assignment = assigner(features, scheme, context=context)
                elif reuse is not None and table_only(scheme):
                    columns = columns or repr(features.schema())
                    assignment = _reused(reuse, features, columns, scheme, assigner)
                else:
                    assignment = assigner(features, scheme)
            except ModelError as exc:
                # The data cannot support this scheme (e.g. a learned scheme whose known
                # customers are all of one class): the other schemes still run.
                failed = SchemeOutcome(scheme.name, scheme.kind, "failed", reason=str(exc))
                outcomes.append(failed)
                continue
            computed[len(outcomes)] = assignment
            outcomes.append(SchemeOutcome(scheme.name, scheme.kind, "computed"))
    return outcomes, computed


def _reused(
    memo: dict[str, Any], features: ibis.Table, columns: str, scheme: Any, assigner: Any
) -> Assignment:
    """The assignment of a :func:`~custseg.schemes.kinds.table_only` scheme: built on the first
    feature table of these ``columns`` (the text of its schema), re-pointed at ``features``
    later."""
    key = f"assignment {type(scheme).__name__} {scheme.model_dump_json()} {columns}"
    found = memo.get(key)
    if found is None:
        assignment = assigner(features, scheme)
        memo[key] = (features.op(), assignment)
        return assignment
    built_on, first = found
    return first.on(first.table.op().replace({built_on: features.op()}).to_expr())


def add_notes_and_thresholds(
    outcomes: list[SchemeOutcome], computed: dict[int, Assignment], stored: ibis.Table
) -> dict[str, dict[str, int]]:
    """Each computed scheme's notes and cuts put into its outcome; every class's count.

    The classes of every scheme are counted in one query over the stored assignments; the
    counts also feed the health check.
    """
    per_class = scheme_class_counts(stored)
    for at, assignment in computed.items():
        outcomes[at] = replace(
            outcomes[at],
            diagnostics=tuple(assignment.notes(per_class.get(outcomes[at].name, {}))),
            thresholds=dict(assignment.thresholds),
        )
    return per_class


def _stored(
    con: BaseBackend, snapshot_id: str, audit: AuditLog, actor: str, detail: dict[str, Any]
) -> None:
    """In the snapshot's transaction: its features indexed, the audit entry, its moves stored.

    The moves are counted against the snapshot before it (:mod:`custseg.snapshots.moves`).
    """
    index_features(con, features_table_name(snapshot_id))
    audit.append(actor, AuditAction.RUN, snapshot_id, detail)
    from custseg.history.recorded import record_moves

    record_moves(con, snapshot_id)


def _run_detail(
    info: SnapshotInfo, applied: list[str], ignored: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the ``run`` audit entry records about a new snapshot."""
    return {
        "as_of": info.as_of.isoformat(),
        "system_name": info.system_name,
        "system_hash": info.system_hash,
        "data_hash": info.data_hash,
        "customers": info.customers,
        "schemes_computed": len(info.computed_schemes),
        "schemes_skipped": sorted(info.skipped_schemes),
        "overrides_applied": applied,
        "overrides_ignored": [i["override_id"] for i in ignored],
    }


def feature_parameters(
    con: BaseBackend, system: ClassificationSystem, tables: set[str]
) -> tuple[FeatureParameters, dict[str, str]]:
    """The system's feature parameters; a missing home region/city is inferred from the data.

    With zero configuration the enterprise's home is taken to be the region (and city) where
    most of its customers are; the inferred values are returned so the snapshot records them.
    """
    given = {k: v for k, v in system.parameters.items() if k in FeatureParameters.model_fields}
    inferred: dict[str, str] = {}
    if "customers" in tables and not given.get("home_region") and not given.get("home_city"):
        customers = con.table("customers")
        for column in ("region", "city"):
            value = _most_common(customers, column)
            if value is not None:
                inferred[f"home_{column}"] = value
    return FeatureParameters.model_validate({**given, **inferred}), inferred


def _most_common(table: ibis.Table, column: str) -> str | None:
    values = table[column]
    present = table.filter(values.notnull() & (values.strip() != ""))
    counts = (
        present.group_by(column)
        .aggregate(n=present.count())
        .order_by([ibis.desc("n"), column])
        .limit(1)
        .to_pyarrow()
        .to_pylist()
    )
    return str(counts[0][column]) if counts else None


class _Scratch:
    """The temporary tables of one run, dropped once the feature table is stored."""

    def __init__(self, con: BaseBackend, snapshot_id: str) -> None:
        self._con = con
        self._prefix = f"_run_{snapshot_id}"
        self._names: list[str] = []

    @property
    def prefix(self) -> str:
        """The start of every scratch table's name (``_run_<snapshot id>_``)."""
        return f"{self._prefix}_"

    def table(self, suffix: str, expr: ibis.Table | RenderedQuery) -> ibis.Table:
        """``expr`` computed into a temporary table."""
        name = f"{self._prefix}_{suffix}"
        self._names.append(name)
        return create_table_from(self._con, name, expr, temp=True)

    def order_tables(self, ctx: BuildContext, memo: dict[str, Any] | None = None) -> OrderTables:
        """The order totals, purchase days and rhythm, aggregated from the order lines once.

        On DuckDB each table's SQL is compiled at the placeholder date once per series
        (``memo``) and rendered at ``ctx``'s date with this run's names (:mod:`custseg.dated_sql`).
        """
        if self._con.name != "duckdb":
            return order_tables(self._con, ctx, store=self.table)
        key = f"order tables {ctx.parameters.model_dump_json()}"
        cached = (memo or {}).get(key)
        if cached is not None:
            compiled_prefix, templates = cached
            names = {compiled_prefix: self.prefix}
            made = {n: self.table(n, t.render(self._con, ctx.as_of, names)) for n, t in templates}
            return OrderTables(totals=made["orders"], days=made["days"], rhythm=made["rhythm"])
        templates: list[tuple[str, DatedQuery]] = []

        def store(suffix: str, expr: ibis.Table) -> ibis.Table:
            template = DatedQuery.of(self._con, expr, _windows(ctx.parameters))
            templates.append((suffix, template))
            return self.table(suffix, template.render(self._con, ctx.as_of, {}))

        tables = order_tables(self._con, replace(ctx, as_of=PLACEHOLDER), store=store)
        if memo is not None:
            memo[key] = (self.prefix, templates)
        return tables

    def dated(
        self,
        suffix: str,
        build: Callable[[date], ibis.Table],
        as_of: date,
        memo: dict[str, Any] | None = None,
    ) -> ibis.Table:
        """``build(as_of)`` computed into a temporary table; on DuckDB its SQL is compiled once
        per series (``memo``). ``build`` uses the date only as the as-of date literal."""
        if self._con.name != "duckdb":
            return self.table(suffix, build(as_of))
        key = f"scratch {suffix}"
        cached = (memo or {}).get(key)
        if cached is None:
            cached = (self.prefix, DatedQuery.compile(self._con, build, (0,)))
            if memo is not None:
                memo[key] = cached
        compiled_prefix, template = cached
        names = {compiled_prefix: self.prefix}
        return self.table(suffix, template.render(self._con, as_of, names))

    def drop(self) -> None:
        """Drop every table made so far."""
        for name in reversed(self._names):
            self._con.drop_table(name, force=True)
        self._names.clear()


def _materialise_features(
    con: BaseBackend,
    parameters: FeatureParameters,
    as_of: date,
    snapshot_id: str,
    settings: ModelSettings,
    orders: OrderTables | None = None,
    scratch: _Scratch | None = None,
    memo: dict[str, Any] | None = None,
) -> tuple[ibis.Table, dict[str, Any]]:
    """The feature table as a temp table, with the model features; and the fitted models.

    ``orders`` (stored order tables of the same date) are read instead of the order lines, and
    the purchase statistics are stored once in ``scratch`` for the models. ``memo`` (a series)
    keeps what later runs of the series reuse: the feature table's compiled SQL.
    """
    name = features_table_name(snapshot_id)
    source = _feature_source(con, parameters, as_of, orders, scratch, memo)
    base = create_table_from(con, f"{name}_base", source, temp=True)
    statistics = None
    if orders is not None and scratch is not None:
        days = orders.days
        statistics = scratch.dated(
            "statistics", lambda d: purchase_statistics(con, d, days=days), as_of, memo
        )
    with_models, models = add_model_features(
        con, base, as_of, settings=settings, statistics=statistics
    )
    # Written straight under the snapshot's feature-table name: the snapshot row, written last
    # in one transaction, is what makes it part of a snapshot.
    table = create_table_from(con, name, with_models.order_by("customer_id"))
    con.drop_table(f"{name}_base", force=True)
    return table, models


def _rounded_features(
    con: BaseBackend, as_of: date, parameters: FeatureParameters, orders: OrderTables | None
) -> ibis.Table:
    """The feature table expression, its floats rounded to 6 decimals."""
    expr = build_feature_table(con, as_of, parameters=parameters, orders=orders)
    # Sums of floats depend on the order rows are added in; rounding makes the stored features
    # (and the classes cut from them) identical however the engine scheduled the work.
    return expr.mutate(
        **{c: expr[c].round(6) for c, dtype in expr.schema().items() if dtype.is_floating()}
    )


def _feature_source(
    con: BaseBackend,
    parameters: FeatureParameters,
    as_of: date,
    orders: OrderTables | None,
    scratch: _Scratch | None,
    memo: dict[str, Any] | None,
) -> ibis.Table | RenderedQuery:
    """What the feature table is computed from: on DuckDB its SQL rendered from a template.

    The template (:mod:`custseg.dated_sql`) is compiled once per series (``memo``) for these
    parameters; each run renders it at its date with its own scratch tables' names. Elsewhere
    the expression itself.
    """
    if con.name != "duckdb":
        return _rounded_features(con, as_of, parameters, orders)
    prefix = scratch.prefix if scratch is not None and orders is not None else None
    key = f"features {parameters.model_dump_json()} {prefix is not None}"
    cached = (memo or {}).get(key)
    if cached is None:
        template = DatedQuery.compile(
            con, lambda d: _rounded_features(con, d, parameters, orders), _windows(parameters)
        )
        cached = (template, prefix)
        if memo is not None:
            memo[key] = cached
    template, compiled_prefix = cached
    names = {} if prefix is None or prefix == compiled_prefix else {compiled_prefix: prefix}
    return template.render(con, as_of, names)


def _windows(parameters: FeatureParameters) -> tuple[int, ...]:
    """Days before the as-of date of the dates a feature query uses: the date, the windows."""
    return (0, parameters.active_window_days, 2 * parameters.active_window_days)


def _union(parts: list[ibis.Table], *, with_id: bool = True) -> ibis.Table:
    """Every scheme's assignments as one table (one statement computes them all)."""
    if not parts:
        empty = ibis.memtable(STAGED_SCHEMA.to_pyarrow().empty_table())
        return empty if with_id else empty.drop("snapshot_id")
    return ibis.union(*parts)


def _non_null_columns(
    features: ibis.Table, memo: dict[str, Any] | None = None
) -> tuple[set[str], int]:
    """The columns holding a value for some customer, and the number of customers.

    ``memo`` (a series, on DuckDB): the query is compiled for the first run's feature table
    and rendered with each later run's table name (the feature tables of a series share their
    columns; a table with other columns is a new entry).
    """

    def build(table: ibis.Table) -> ibis.Table:
        return table.aggregate(
            _rows=table.count(), **{f"n{i}": table[c].count() for i, c in enumerate(table.columns)}
        )

    con = features._find_backend()
    if memo is None or con.name != "duckdb":
        counts = build(features).to_pyarrow().to_pylist()[0]
    else:
        name = features.get_name()
        key = f"non-null columns {features.schema()!r}"
        if key not in memo:
            memo[key] = (DatedQuery.of(con, build(features), ()), name)
        template, compiled_name = memo[key]
        rendered = template.render(con, PLACEHOLDER, {compiled_name: name})
        counts = _fetch_row(con, rendered)
    return {c for i, c in enumerate(features.columns) if counts[f"n{i}"] > 0}, int(counts["_rows"])


def _fetch_row(con: BaseBackend, query: RenderedQuery) -> dict[str, Any]:
    """The first row of ``query`` (DuckDB), read and typed as Ibis's ``to_pyarrow`` does."""
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    arrow = con.con.sql(query.sql).to_arrow_table()  # type: ignore[attr-defined]
    return dict(DuckDBPyArrowData.convert_table(arrow, query.schema).to_pylist()[0])


def _memoised(memo: dict[str, Any] | None, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in ``memo`` (a series over data that does not change) under ``key``."""
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _profile(
    con: BaseBackend,
    as_of: date,
    parameters: FeatureParameters,
    tables: set[str],
    orders: OrderTables | None,
    scratch: _Scratch,
    memo: dict[str, Any] | None,
) -> DataProfile:
    """The data profile as of ``as_of``; in a series on DuckDB (``memo``) its query is compiled
    once at the placeholder date (:mod:`custseg.dated_sql`) and rendered at each run's date
    with that run's scratch tables' names."""
    if memo is None or con.name != "duckdb" or (orders is None and "orders" in tables):
        return profile_data(con, as_of, parameters=parameters, orders=orders)
    key = f"profile {parameters.model_dump_json()} {sorted(tables)}"
    if key not in memo:
        query = profile_query(con, PLACEHOLDER, tables, parameters=parameters, orders=orders)
        template = None if query is None else DatedQuery.of(con, query, _windows(parameters))
        memo[key] = (template, scratch.prefix)
    template, compiled_prefix = memo[key]
    if template is None:
        return DataProfile(as_of=as_of)
    rendered = template.render(con, as_of, {compiled_prefix: scratch.prefix})
    return profile_of_row(as_of, _fetch_row(con, rendered), tables)


def _tagged(table: ibis.Table, snapshot_id: str | None, scheme: str) -> ibis.Table:
    """One scheme's rows in the stored columns; without ``snapshot_id`` (None) the snapshot's
    store adds it (:meth:`~custseg.snapshots.store.SnapshotStore.write`)."""
    tag = {} if snapshot_id is None else {"snapshot_id": ibis.literal(snapshot_id)}
    return table.select(
        **tag,
        customer_id=table.customer_id.cast("string"),
        scheme=ibis.literal(scheme),
        class_key=table.class_key.cast("string"),
        score=table.score.cast("float64"),
        reason=table.reason.cast("string"),
    )
