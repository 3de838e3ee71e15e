"""``cluster``: natural groups of the buying customers (自然分群), with stable keys and names.

The feature table is pulled to pandas; customers with no purchase (``is_prospect``) get
``prospect_class`` and are not clustered. The buyers are clustered (:mod:`custseg.learning`),
profiled, and their groups matched to the group set of the predecessor snapshot (the nearest
earlier as-of date that computed this scheme, see :mod:`.context` for the rule and why it is part
of the snapshot id), so a group keeps its key ``gN`` and its name from one month to the next.
``names`` in the scheme rename groups by key. Infinite feature values are clipped to the finite
range (noted) before anything else sees them.

``Assignment.thresholds`` holds ``classes`` (key -> {zh_CN, en}, like the attribute kind's
generated classes), ``group_set`` (to match the next run against), ``profiles`` (traits as
:class:`~custseg.i18n.Message` dicts), ``matching`` (predecessor snapshot and as-of, kept share,
new and retired groups), the choice of k and ``notes`` (Message dicts, the same notes as the
``diagnostics`` Messages). The score is the customer's RMS distance to its group centre (scaled
space); the reason names the group and its strongest trait.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from custseg.i18n import Message
from custseg.schemes.config_learning import ClusterScheme
from custseg.schemes.kinds.base import Assignment
from custseg.schemes.kinds.context import RunContext


def assign(
    features: ir.Table, scheme: ClusterScheme, *, context: RunContext | None = None
) -> Assignment:
    """Cluster the buyers of ``features``; prospects get ``scheme.prospect_class``."""
    from custseg.learning import cluster_customers, group_set, profile_groups

    df = _numeric_frame(features)
    buyers = df.loc[~_prospects(df)].reset_index(drop=True)
    buyers, notes = _finite(buyers, scheme)
    prospect = scheme.prospect_class or "prospect"
    params: dict[str, Any] = {
        "method": scheme.method,
        "n_clusters": scheme.k,
        "k_min": scheme.k_min,
        "k_max": scheme.k_max,
        "features": scheme.features,
        "random_state": scheme.seed,
    }
    result = cluster_customers(buyers, **params)
    notes += result.notes
    previous, matching, prev_set = _match(context, scheme, result, prospect)
    notes += matching.notes
    profiles = profile_groups(buyers, result, keys=matching.keys)
    auto_names = _auto_names(profiles, matching.names)
    names = {
        k: scheme.names[k].model_dump() if k in scheme.names else v for k, v in auto_names.items()
    }
    unknown = sorted(set(scheme.names) - set(names))
    if unknown:
        notes.append(Message("clusters_note_unknown_names", {"keys": ", ".join(unknown)}))
    n_prospects = int(len(df) - len(buyers))
    if n_prospects:
        notes.append(Message("clusters_note_prospects", {"n": n_prospects}))
    out = _rows(df, buyers, result, matching.keys, profiles, prospect)
    stored = group_set(result, matching.keys, names=auto_names)
    prospect_labels = next((c.labels for c in scheme.classes if c.key == prospect), None)
    classes = {k: names[k] for k in sorted(names, key=_key_order)}
    if prospect_labels is not None:
        classes[prospect] = prospect_labels.model_dump()
    thresholds = _jsonable(
        {
            "classes": classes,
            "group_set": stored.to_dict(),
            "profiles": [_profile_dict(p, names[p.key]) for p in profiles],
            "matching": _matching_record(previous, matching, prev_set is not None),
            "k": result.k,
            "method": result.method,
            "criterion": result.criterion,
            "scores": {str(k): v for k, v in result.scores.items()},
            "features": list(result.features),
            "prospects": n_prospects,
            "notes": [m.to_dict() for m in notes],
        }
    )
    table = _to_table(features, out)
    return Assignment(table=table, diagnostics=list(notes), thresholds=thresholds)


def _numeric_frame(features: ir.Table) -> pd.DataFrame:
    """``customer_id`` and the numeric / flag columns of ``features``, as pandas.

    Only numbers and flags take part in clustering and profiles: the text columns stay in the
    engine (pulling them costs more than the clustering itself on a million customers).
    """
    wanted = [
        c for c, dtype in features.schema().items()
        if c != "customer_id" and (dtype.is_numeric() or dtype.is_boolean())
    ]
    # In customer order: the seeded samples of the clustering pick rows by position, and an
    # engine that computes in parallel (Spark) returns rows in no fixed order.
    df = features.select("customer_id", *wanted).order_by("customer_id").to_pandas()
    df["customer_id"] = df["customer_id"].astype(str)
    # The clustering depends on the row order, which no engine promises (DuckDB and PostgreSQL
    # return the same table in different orders); sorted here, by code point, not by collation.
    df = df.sort_values("customer_id", ignore_index=True)
    return df


def _finite(buyers: pd.DataFrame, scheme: ClusterScheme) -> tuple[pd.DataFrame, list[Message]]:
    """The buyers with ``±inf`` clipped in every clustering and describing feature (noted)."""
    from custseg.learning.preprocess import CLUSTER_FEATURES, clip_non_finite
    from custseg.learning.profiles import DESCRIBE_FEATURES

    wanted = [*(scheme.features or CLUSTER_FEATURES), *DESCRIBE_FEATURES, "revenue_12m"]
    present = [c for c in dict.fromkeys(wanted) if c in buyers.columns]
    clipped, notes = clip_non_finite(buyers, present)
    return clipped, list(notes)


def _match(
    context: RunContext | None, scheme: ClusterScheme, result: Any, prospect: str
) -> tuple[Any, Any, Any]:
    """Key the new groups against the predecessor's (see :mod:`.context` for the rule)."""
    from custseg.learning import GroupSet, match_groups

    previous = context.previous(scheme.name) if context is not None else None
    prev_set = None
    if previous is not None and previous.thresholds.get("group_set"):
        prev_set = GroupSet.from_dict(previous.thresholds["group_set"])
    prev_assignment = _previous_assignment(context, scheme.name, prospect)
    matching = match_groups(
        prev_set,
        result.centroids,
        max_distance=scheme.max_distance,
        used_keys=_used_keys(context, scheme.name),
        previous_assignment=prev_assignment,
        new_labels=result.labels if prev_assignment is not None else None,
    )
    return previous, matching, prev_set


def _matching_record(previous: Any, matching: Any, had_groups: bool) -> dict[str, Any]:
    """What the snapshot records about the key lineage of this scheme."""
    return {
        "previous_snapshot": previous.snapshot_id if previous else None,
        "previous_as_of": str(previous.as_of) if previous else None,
        "rule": "nearest_earlier_as_of",
        "kept_share": matching.kept_share,
        "n_common": matching.n_common,
        "new_groups": [m.key for m in matching.matches if m.is_new and had_groups],
        "retired": list(matching.retired),
    }


def _rows(
    df: pd.DataFrame,
    buyers: pd.DataFrame,
    result: Any,
    keys: dict[int, str],
    profiles: list[Any],
    prospect: str,
) -> pd.DataFrame:
    """One row per customer: class key, distance to the group centre, reason (a code)."""
    from custseg.schemes.kinds.reasons import encode

    labels = result.labels.reindex(pd.Index(buyers["customer_id"])).astype("int64")
    row_keys = labels.map(keys)
    x = result.scaling.transform(buyers)
    centres = result.centroids_scaled.to_numpy()[labels.to_numpy()]
    distance = np.sqrt(((x - centres) ** 2).mean(axis=1))
    reasons = {p.key: _reason(p.key, p.traits) for p in profiles}
    out = pd.DataFrame(
        {
            "customer_id": df["customer_id"],
            "class_key": prospect,
            "score": np.nan,
            "reason": encode("clusters_r_prospect"),
        }
    )
    rows = out.set_index("customer_id")
    rows.loc[buyers["customer_id"], "class_key"] = row_keys.to_numpy()
    rows.loc[buyers["customer_id"], "score"] = np.round(distance, 6)
    rows.loc[buyers["customer_id"], "reason"] = row_keys.map(reasons).to_numpy()
    return rows.reset_index()


assign.wants_context = True  # type: ignore[attr-defined]


def _prospects(df: pd.DataFrame) -> pd.Series:
    if "is_prospect" in df.columns:
        return df["is_prospect"].fillna(True).astype(bool)
    counts = pd.to_numeric(df.get("orders_count", pd.Series(0, index=df.index)), errors="coerce")
    return counts.fillna(0) <= 0


def _used_keys(context: RunContext | None, scheme: str) -> list[str]:
    if context is None:
        return []
    used: list[str] = []
    for outcome in context.history.get(scheme, ()):
        gs = outcome.thresholds.get("group_set") or {}
        used += list(gs.get("keys", []))
        used += list((outcome.thresholds.get("matching") or {}).get("retired", []))
    return used


def _previous_assignment(
    context: RunContext | None, scheme: str, prospect: str
) -> pd.Series | None:
    if context is None:
        return None
    t = context.previous_assignment(scheme)
    if t is None:
        return None
    frame = t.filter(t.class_key != prospect).to_pandas()
    return pd.Series(frame["class_key"].to_numpy(), index=frame["customer_id"].astype(str))


def _auto_names(
    profiles: list[Any], carried: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """Generated names, a matched group keeping its previous name (unless that clashes)."""
    names: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    for p in profiles:
        name = dict(carried.get(p.key) or p.name)
        if name["en"] in taken or name["zh_CN"] in taken:
            name = dict(p.name)
        if name["en"] in taken or name["zh_CN"] in taken:
            name = {"en": f"{name['en']} ({p.key})", "zh_CN": f"{name['zh_CN']}({p.key})"}
        taken.update(name.values())
        names[p.key] = name
    return names


def _reason(key: str, traits: tuple[Any, ...]) -> str:
    """The reason code of a group: its key (shown with its name) and its strongest trait."""
    from custseg.schemes.kinds.reasons import encode

    if not traits:
        return encode("clusters_r_group", key)
    top = traits[0]
    if top.ratio is not None:
        return encode("clusters_r_ratio", key, top.feature, top.text.params["ratio"])
    params = top.text.params
    return encode("clusters_r_values", key, top.feature, params["group"], params["base"])


def _profile_dict(p: Any, name: dict[str, str]) -> dict[str, Any]:
    return {
        "key": p.key,
        "name": name,
        "size": p.size,
        "customer_share": p.customer_share,
        "revenue_share": p.revenue_share,
        "revenue_feature": p.revenue_feature,
        "traits": [
            {
                "feature": t.feature,
                "direction": t.direction,
                "score": t.score,
                "ratio": t.ratio,
                "text": t.text.to_dict(),
            }
            for t in p.traits
        ],
    }


def _key_order(key: str) -> tuple[int, str]:
    digits = key[1:]
    return (int(digits), key) if key.startswith("g") and digits.isdigit() else (10**9, key)


def _jsonable(value: Any) -> Any:
    """Plain JSON types (numpy scalars -> float/int, NaN -> None), rounded for stable storage."""

    def fix(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): fix(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [fix(x) for x in v]
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)):
            return None if np.isnan(v) else round(float(v), 10)
        return v

    return json.loads(json.dumps(fix(value)))


def _to_table(features: ir.Table, frame: pd.DataFrame) -> ir.Table:
    """The result as a table of the features' backend (a temporary table where it has them)."""
    frame = frame.astype(
        {"customer_id": "string", "class_key": "string", "score": "float64", "reason": "string"}
    )
    con = features._find_backend()
    name = f"_cluster_{uuid.uuid4().hex[:12]}"
    try:
        return con.create_table(name, frame, temp=True, overwrite=True)
    except NotImplementedError:  # PySpark: no temporary tables; an in-memory table instead
        return ibis.memtable(frame)


__all__ = ["assign"]
