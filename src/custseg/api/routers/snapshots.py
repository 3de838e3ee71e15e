"""Snapshots, the schemes of a snapshot, and per-scheme summaries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from custseg.api.deps import LangDep, LimitDep, OffsetDep, ReadCacheDep, WorkspaceDep, require
from custseg.api.encoded import snapshot_json
from custseg.api.frames import records
from custseg.api.schemas import (
    ClassPublic,
    Page,
    SchemePublic,
    SnapshotPublic,
    SummaryPublic,
    SummaryRowPublic,
)
from custseg.i18n import Lang, label_of
from custseg.public import Permission, Snapshot, SnapshotInfo
from custseg.workspace import Workspace

router = APIRouter(
    prefix="/snapshots",
    tags=["snapshots"],
    dependencies=[Depends(require(Permission.READ_SUMMARY))],
)


def snapshot_public(ws: Workspace, info: SnapshotInfo) -> SnapshotPublic:
    """The public form of a snapshot header."""
    return SnapshotPublic(
        snapshot_id=info.snapshot_id,
        as_of=info.as_of,
        created_at=info.created_at,
        system_name=info.system_name,
        system_hash=info.system_hash,
        system_version=ws.system_version(info.system_hash),
        customers=info.customers,
        computed_schemes=info.computed_schemes,
        skipped_schemes=info.skipped_schemes,
    )


@router.get("", response_model=Page[SnapshotPublic])
def list_snapshots(ws: WorkspaceDep, limit: LimitDep, offset: OffsetDep = 0) -> dict[str, Any]:
    """Every snapshot, newest as-of date first."""
    infos = list(reversed(ws.snapshots()))
    items = [snapshot_public(ws, i) for i in infos[offset : offset + limit]]
    return {"items": items, "total": len(infos), "offset": offset, "limit": limit}


@router.get("/latest", response_model=SnapshotPublic)
def latest_snapshot(ws: WorkspaceDep) -> SnapshotPublic:
    """The latest snapshot."""
    return snapshot_public(ws, ws.snapshot().info)


@router.get("/{snapshot_id}", response_model=SnapshotPublic)
def one_snapshot(snapshot_id: str, ws: WorkspaceDep) -> SnapshotPublic:
    """One snapshot by id or unique prefix."""
    return snapshot_public(ws, ws.snapshot(snapshot_id).info)


@router.get("/{snapshot_id}/schemes", response_model=list[SchemePublic])
def schemes(snapshot_id: str, ws: WorkspaceDep, lang: LangDep) -> list[SchemePublic]:
    """The computed schemes of a snapshot with their classes, definitions and strategies."""
    snap = ws.snapshot(snapshot_id)
    return [_scheme(snap, name, lang) for name in snap.info.computed_schemes]


def _scheme(snap: Any, name: str, lang: Lang) -> SchemePublic:
    definition = snap.scheme(name)
    labels = snap.class_labels(name, lang)
    classes = []
    for cls in definition.classes:
        data = cls.model_dump(mode="json", exclude_none=True)
        strategy = data.pop("strategy", None)
        data.pop("labels", None)
        classes.append(
            ClassPublic(
                key=cls.key,
                label=labels.get(cls.key, cls.key),
                definition=data,
                strategy=label_of(getattr(cls, "strategy", None), lang) if strategy else None,
            )
        )
    known = {c.key for c in classes}
    classes += [
        ClassPublic(key=k, label=v, definition={}) for k, v in labels.items() if k not in known
    ]
    return SchemePublic(
        name=name,
        label=label_of(definition.labels, lang),
        kind=str(getattr(definition, "kind", "")),
        classes=classes,
    )


@router.get("/{snapshot_id}/schemes/{scheme}/summary", response_model=SummaryPublic)
def summary(
    snapshot_id: str, scheme: str, ws: WorkspaceDep, lang: LangDep, cache: ReadCacheDep
) -> Response:
    """Per class: customers, share, revenue, revenue share, change since the previous snapshot."""
    snap = ws.snapshot(snapshot_id)
    previous = ws.previous(snap)  # a snapshot stored later may come before this one
    key = ("summary", scheme, lang, previous.snapshot_id if previous else None)
    return snapshot_json(
        cache, snap.snapshot_id, key, SummaryPublic, lambda: _summary(snap, previous, scheme, lang)
    )


def _summary(snap: Snapshot, previous: Snapshot | None, scheme: str, lang: Lang) -> SummaryPublic:
    now = snap.summary(scheme, lang=lang)
    before: dict[str, tuple[int, float]] = {}
    if previous is not None and scheme in previous.info.computed_schemes:
        old = previous.summary(scheme, lang=lang)
        before = {r["class_key"]: (r["customers"], r["revenue"]) for r in records(old)}
    rows = []
    for r in records(now):
        prior = before.get(r["class_key"], (0, 0.0)) if before else None
        rows.append(
            SummaryRowPublic(
                **r,
                customers_change=(r["customers"] - prior[0]) if prior else None,
                revenue_change=(r["revenue"] - prior[1]) if prior else None,
            )
        )
    return SummaryPublic(
        snapshot_id=snap.snapshot_id,
        scheme=scheme,
        rows=rows,
        previous_snapshot_id=previous.snapshot_id if previous else None,
    )
