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

CLUSTER_SAMPLE_SIZE = 200_000
"""Above this many buyers, the groups are fitted on a seeded sample of this many."""


def assign(
    features: ir.Table, scheme: ClusterScheme, *, context: RunContext | None = None
) -> Assignment:
    """Cluster the buyers of ``features``; prospects get ``scheme.prospect_class``."""
    from custseg.learning import CustomerClusterer, group_set, profile_groups

    prospect_flag = _prospect_expr(features)
    buyers_table = features.filter(~prospect_flag)
    counts = (
        features.aggregate(n=features.count(), buyers=(~prospect_flag).cast("int64").sum())
        .to_pyarrow()
        .to_pylist()[0]
    )
    n_buyers = int(counts["buyers"] or 0)
    sampled = n_buyers > CLUSTER_SAMPLE_SIZE
    if sampled:
        buyers_table = _seeded_sample(buyers_table, n_buyers, scheme.seed)
    buyers = _numeric_frame(buyers_table)
    bounds = _finite_bounds(buyers, scheme)
    buyers, notes = _finite(buyers, scheme)
    if sampled:
        notes.append(
            Message(
                "clusters_note_sampled",
                {"n": CLUSTER_SAMPLE_SIZE, "total": n_buyers, "seed": scheme.seed},
            )
        )
    prospect = scheme.prospect_class or "prospect"
    clusterer = CustomerClusterer(
        scheme.method,
        n_clusters=scheme.k,
        k_min=scheme.k_min,
        k_max=scheme.k_max,
        features=scheme.features,
        random_state=scheme.seed,
    ).fit(buyers)
    result = clusterer.result_
    notes += result.notes
    previous, matching, prev_set = _match(
        context, scheme, result, prospect, buyers["customer_id"] if sampled else None
    )
    notes += matching.notes
    profiles = profile_groups(buyers, result, keys=matching.keys)
    auto_names = _auto_names(profiles, matching.names)
    names = {
        k: scheme.names[k].model_dump() if k in scheme.names else v for k, v in auto_names.items()
    }
    unknown = sorted(set(scheme.names) - set(names))
    if unknown:
        notes.append(Message("clusters_note_unknown_names", {"keys": ", ".join(unknown)}))
    n_prospects = int(counts["n"]) - n_buyers
    if n_prospects:
        notes.append(Message("clusters_note_prospects", {"n": n_prospects}))
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
            **(
                {"sample": {"customers": CLUSTER_SAMPLE_SIZE, "of": n_buyers, "seed": scheme.seed}}
                if sampled
                else {}
            ),
            "notes": [m.to_dict() for m in notes],
        }
    )
    table = _assigned(features, prospect_flag, clusterer, bounds, matching.keys, profiles, prospect)
    return Assignment(table=table, diagnostics=list(notes), thresholds=thresholds)


def _prospect_expr(features: ir.Table) -> ir.BooleanValue:
    """True for customers with no purchase (not clustered)."""
    if "is_prospect" in features.columns:
        return features.is_prospect.cast("boolean").fill_null(True)
    if "orders_count" in features.columns:
        return features.orders_count.cast("float64").fill_null(0.0) <= 0
    return ibis.literal(True)


def _seeded_sample(buyers: ir.Table, n: int, seed: int) -> ir.Table:
    """:data:`CLUSTER_SAMPLE_SIZE` buyers drawn with ``seed`` by rank in customer id order.

    The positions are drawn in Python, so every engine picks the same customers.
    """
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(n, CLUSTER_SAMPLE_SIZE, replace=False)).astype(np.int64)
    ranked = buyers.mutate(_rank=ibis.row_number().over(order_by=buyers.customer_id.cast("string")))
    keep = ibis.memtable(pd.DataFrame({"_picked": picked}), schema={"_picked": "int64"})
    return ranked.join(keep, ranked._rank == keep._picked).drop("_rank", "_picked")


def _assigned(
    features: ir.Table,
    prospect_flag: ir.BooleanValue,
    clusterer: Any,
    bounds: dict[str, tuple[float, float]],
    keys: dict[int, str],
    profiles: list[Any],
    prospect: str,
) -> ir.Table:
    """Every customer's class, distance and reason, computed in the engine.

    Buyers go to the fitted model's group (:mod:`custseg.learning.cluster_expr`), renumbered
    canonically and keyed as matched; the score is the RMS distance to the group's centre
    (scaled space), the reason names the group and its strongest trait.
    """
    from custseg.learning.cluster_expr import model_group, pick, rms_distances, scaled_columns
    from custseg.schemes.kinds.reasons import encode

    result = clusterer.result_
    scaled = scaled_columns(features, result.scaling, bounds)
    raw = model_group(clusterer.model_, scaled)
    size = max(clusterer.relabel_) + 1
    canonical = [clusterer.relabel_.get(r, -1) for r in range(size)]
    group = pick(raw, canonical).cast("int64")
    reasons = {p.key: _reason(p.key, p.traits) for p in profiles}
    ordered_keys = [keys[g] for g in range(result.k)]
    distance = pick(group, rms_distances(scaled, result.centroids_scaled.to_numpy()))
    return features.select(
        customer_id=features.customer_id.cast("string"),
        class_key=ibis.ifelse(prospect_flag, prospect, pick(group, ordered_keys)).cast("string"),
        score=ibis.ifelse(prospect_flag, ibis.null("float64"), distance.round(6)).cast("float64"),
        reason=ibis.ifelse(
            prospect_flag,
            encode("clusters_r_prospect"),
            pick(group, [reasons[k] for k in ordered_keys]),
        ).cast("string"),
    )


def _numeric_frame(features: ir.Table) -> pd.DataFrame:
    """``customer_id`` and the numeric / flag columns of ``features``, as pandas.

    Only numbers and flags take part in clustering and profiles: the text columns stay in the
    engine (pulling them costs more than the clustering itself on a million customers).
    """
    wanted = [
        c
        for c, dtype in features.schema().items()
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


def _finite_bounds(buyers: pd.DataFrame, scheme: ClusterScheme) -> dict[str, tuple[float, float]]:
    """Each clustering feature's finite min and max among ``buyers`` (where ``±inf`` goes)."""
    from custseg.learning.preprocess import CLUSTER_FEATURES

    bounds: dict[str, tuple[float, float]] = {}
    for name in scheme.features or CLUSTER_FEATURES:
        if name in buyers.columns:
            values = pd.to_numeric(buyers[name], errors="coerce").astype("float64")
            finite = values[np.isfinite(values)]
            if len(finite):
                bounds[name] = (float(finite.min()), float(finite.max()))
    return bounds


def _match(
    context: RunContext | None,
    scheme: ClusterScheme,
    result: Any,
    prospect: str,
    sample_ids: pd.Series | None = None,
) -> tuple[Any, Any, Any]:
    """Key the new groups against the predecessor's (see :mod:`.context` for the rule)."""
    from custseg.learning import GroupSet, match_groups

    previous = context.previous(scheme.name) if context is not None else None
    prev_set = None
    if previous is not None and previous.thresholds.get("group_set"):
        prev_set = GroupSet.from_dict(previous.thresholds["group_set"])
    prev_assignment = _previous_assignment(context, scheme.name, prospect, sample_ids)
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
    context: RunContext | None, scheme: str, prospect: str, sample_ids: pd.Series | None = None
) -> pd.Series | None:
    """The predecessor's groups (customer id -> key); of the sampled customers only, if any."""
    if context is None:
        return None
    t = context.previous_assignment(scheme)
    if t is None:
        return None
    t = t.filter(t.class_key != prospect)
    if sample_ids is not None:
        ids = ibis.memtable(
            pd.DataFrame({"_id": sample_ids.astype(str).to_numpy()}), schema={"_id": "string"}
        )
        t = t.join(ids, t.customer_id.cast("string") == ids._id).drop("_id")
    frame = t.to_pandas()
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
    """A frame as a table of the features' backend (a temporary table where it has them).

    Used by the learned kind (:mod:`.learned`), whose classes are computed in pandas.
    """
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
