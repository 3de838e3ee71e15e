"""Describe each group of a clustering: size, revenue share, distinctive traits, readable name.

A trait compares the group's median with the whole base's median. Traits are ranked by the
standardised difference of medians in the scaled space (log1p + robust scaling, so "IQR units
of the log"); the text gives the plain ratio of medians ("spend 5.0× the median") for amounts,
counts and durations, and the two values for margin-like features. Besides the clustering
features, the profile describes the groups on :data:`DESCRIBE_FEATURES` (total spend), which
are not clustered on (they would count frequency twice) but are what a manager calls "large".
Trait texts are :class:`custseg.i18n.Message` objects (render in zh or en). Names are generated
from the strongest traits (``"large, lapsed buyers"`` / ``"大额·流失客户"``) and are unique
within a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg.i18n import Message, has_word
from custseg.learning.clustering import ClusterResult
from custseg.learning.preprocess import LOG_FEATURES, ScalingParams, prepare_features

Text = dict[str, str]

DESCRIBE_FEATURES: tuple[str, ...] = ("monetary_total",)
"""Features that describe the groups (traits, names) without being clustered on."""

#: feature -> ((high en, high zh), (low en, low zh)) adjectives used in generated names.
TRAIT_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "monetary_total": (("large", "大额"), ("small", "小额")),
    "avg_order_value": (("big-ticket", "大单"), ("small-ticket", "小单")),
    "revenue_12m": (("high-revenue", "高收入"), ("low-revenue", "低收入")),
    "orders_count": (("frequent", "高频"), ("occasional", "低频")),
    "frequency": (("frequent", "高频"), ("occasional", "低频")),
    "recency_days": (("lapsed", "流失"), ("active", "活跃")),
    "tenure_days": (("long-standing", "老"), ("new", "新")),
    "margin": (("high-margin", "高毛利"), ("low-margin", "低毛利")),
    "gap_cv": (("irregular", "不规律"), ("regular", "规律")),
}

NAME_THRESHOLD = 0.5
"""A trait names a group when its strength is at least this: half a doubling (ratio 1.41× or
0.71×) of the median for amounts, counts and durations, half an IQR for the others."""

CORE_FEATURES: frozenset[str] = frozenset(
    {
        "recency_days",
        "orders_count",
        "frequency",
        "monetary_total",
        "revenue_12m",
        "tenure_days",
    }
)
"""Features preferred for names (recency, frequency, spend, tenure) over secondary ones."""


@dataclass(frozen=True)
class Trait:
    """How a group differs from the whole base on one feature."""

    feature: str
    direction: str  # "high" or "low"
    score: float  # standardised difference of medians (scaled space)
    group_median: float
    base_median: float
    ratio: float | None  # group median / base median, for amounts, counts and durations
    text: Message  # renders in zh or en

    @property
    def strength(self) -> float:
        """Doublings of the median (|log2 ratio|) when there is a ratio, else ``|score|``."""
        if self.ratio is not None and self.ratio > 0:
            return abs(float(np.log2(self.ratio)))
        return abs(self.score)


@dataclass(frozen=True)
class GroupProfile:
    """One group: key, size, shares, top traits and generated name."""

    key: str
    group: int
    size: int
    customer_share: float
    revenue_share: float | None
    revenue_feature: str | None
    traits: tuple[Trait, ...]
    name: Text  # {"zh_CN": ..., "en": ...}


def profile_groups(
    table: pd.DataFrame,
    result: ClusterResult,
    *,
    keys: Mapping[int, str] | None = None,
    top: int = 3,
) -> list[GroupProfile]:
    """Profile every group of ``result`` on ``table`` (the feature table it was fitted on).

    ``keys`` maps group number -> stable key (from :func:`~custseg.learning.match_groups`);
    by default group ``i`` gets ``g{i+1}``.
    """
    labels = result.labels.reindex(pd.Index(table["customer_id"])).to_numpy()
    present = ~pd.isna(labels)
    table = table.loc[present]
    groups = labels[present].astype(np.int64)
    scaling = _describing_scaling(table, result.scaling)
    features = list(scaling.features)
    original = table[features].astype("float64")
    original = original.fillna(dict(zip(features, scaling.medians, strict=True)))
    original = original.clip(-_BIG, _BIG)
    scaled = pd.DataFrame(scaling.transform(table), columns=features, index=table.index)
    base_orig, base_scaled = original.median(), scaled.median()
    med_orig = original.groupby(groups).median()
    med_scaled = scaled.groupby(groups).median()
    revenue_feature, revenue = _revenue(table)
    total = float(revenue.sum()) if revenue is not None else 0.0
    total = total if np.isfinite(total) else 0.0
    sizes = np.bincount(groups, minlength=result.k)
    profiles, naming = [], []
    for g in range(result.k):
        traits = tuple(
            _trait(
                f,
                float(med_scaled.at[g, f] - base_scaled[f]),
                float(med_orig.at[g, f]),
                float(base_orig[f]),
            )
            for f in features
        )
        ranked = tuple(sorted(traits, key=lambda t: (-abs(t.score), t.feature)))
        share = (
            float(revenue[groups == g].sum()) / total if revenue is not None and total > 0 else None
        )
        profiles.append(
            GroupProfile(
                key=(keys or {}).get(g, f"g{g + 1}"),
                group=g,
                size=int(sizes[g]),
                customer_share=float(sizes[g] / max(len(groups), 1)),
                revenue_share=share,
                revenue_feature=revenue_feature if share is not None else None,
                traits=ranked[:top],
                name={"zh_CN": "", "en": ""},
            )
        )
        naming.append(ranked)
    return _with_unique_names(profiles, naming)


_BIG = 1e300
"""Original values are clipped to ±this for medians (finite inputs only, see preprocess)."""


def _describing_scaling(table: pd.DataFrame, clustered: ScalingParams) -> ScalingParams:
    """The clustering scaling extended with :data:`DESCRIBE_FEATURES` present in ``table``."""
    extra = [
        f
        for f in DESCRIBE_FEATURES
        if f not in clustered.features and f in table.columns and table[f].notna().any()
    ]
    if not extra:
        return clustered
    more = prepare_features(table[["customer_id", *extra]], features=extra).scaling
    return ScalingParams(
        clustered.features + more.features,
        clustered.log_features + more.log_features,
        clustered.medians + more.medians,
        clustered.center + more.center,
        clustered.scale + more.scale,
    )


def _revenue(table: pd.DataFrame) -> tuple[str | None, pd.Series | None]:
    for name in ("revenue_12m", "monetary_total"):
        if name in table.columns and table[name].notna().any():
            values = pd.to_numeric(table[name], errors="coerce").astype("float64")
            return name, values.where(np.isfinite(values), np.nan).fillna(0.0).clip(-_BIG, _BIG)
    return None, None


def feature_word(feature: str) -> Message | str:
    """The feature's name in words (a Message), or the feature name itself when it has none."""
    key = f"clusters_feature_{feature}"
    return Message(key) if has_word(key) else feature


def _trait(feature: str, score: float, group: float, base: float) -> Trait:
    word = feature_word(feature)
    ratio = group / base if feature in LOG_FEATURES and base > 0 and group >= 0 else None
    if ratio is not None:
        text = Message("clusters_trait_ratio", {"feature": word, "ratio": _format_ratio(ratio)})
    else:
        text = Message(
            "clusters_trait_values",
            {"feature": word, "group": f"{group:.3g}", "base": f"{base:.3g}"},
        )
    return Trait(
        feature=feature,
        direction="high" if score >= 0 else "low",
        score=score,
        group_median=group,
        base_median=base,
        ratio=ratio,
        text=text,
    )


def _format_ratio(ratio: float) -> str:
    if ratio >= 10:
        return f"{ratio:.0f}"
    if ratio >= 0.1:
        return f"{ratio:.1f}"
    return f"{ratio:.2g}"


def generate_name(
    traits: tuple[Trait, ...], *, max_traits: int = 2, threshold: float = NAME_THRESHOLD
) -> Text:
    """A readable zh-CN / en name from the strongest traits (at least :data:`NAME_THRESHOLD`).

    Traits of :data:`CORE_FEATURES` come first, then the others, each by strength. Recency is
    what a manager acts on first, so a strong recency trait ("lapsed" / "active") always takes
    a place in the name (the last one, if the others are stronger).
    """
    ranked = sorted(
        (t for t in traits if t.strength >= threshold),
        key=lambda t: (t.feature not in CORE_FEATURES, -t.strength),
    )
    strong = ranked[:max_traits]
    recency = next((t for t in ranked if t.feature == "recency_days"), None)
    if recency is not None and recency not in strong and max_traits > 0:
        strong = [*strong[: max_traits - 1], recency]
    is_new = any(t.feature == "tenure_days" and t.direction == "low" for t in strong)
    words = [_adjective(t) for t in strong if not (t.feature == "tenure_days" and is_new)]
    if not strong:
        return {"en": "typical customers", "zh_CN": "普通客户"}
    en_noun, zh_noun = ("new customers", "新客户") if is_new else ("buyers", "客户")
    en = ", ".join(w[0] for w in words)
    zh = "·".join(w[1] for w in words)
    zh_sep = "·" if is_new and zh else ""
    return {"en": f"{en} {en_noun}".strip(), "zh_CN": f"{zh}{zh_sep}{zh_noun}"}


def _adjective(trait: Trait) -> tuple[str, str]:
    high, low = TRAIT_WORDS.get(
        trait.feature,
        (
            (f"high {trait.feature}", f"高{trait.feature}"),
            (f"low {trait.feature}", f"低{trait.feature}"),
        ),
    )
    return high if trait.direction == "high" else low


def _with_unique_names(
    profiles: list[GroupProfile], naming: list[tuple[Trait, ...]]
) -> list[GroupProfile]:
    """Name each profile; a clash first gets one more trait, then the group key appended."""
    taken: set[str] = set()
    named = []
    for p, traits in zip(profiles, naming, strict=True):
        name = generate_name(traits)
        if name["en"] in taken or name["zh_CN"] in taken:
            name = generate_name(traits, max_traits=3, threshold=0.0)
        if name["en"] in taken or name["zh_CN"] in taken:
            name = {"en": f"{name['en']} ({p.key})", "zh_CN": f"{name['zh_CN']}({p.key})"}
        taken.update(name.values())
        named.append(
            GroupProfile(
                p.key,
                p.group,
                p.size,
                p.customer_share,
                p.revenue_share,
                p.revenue_feature,
                p.traits,
                name,
            )
        )
    return named


__all__ = [
    "CORE_FEATURES",
    "DESCRIBE_FEATURES",
    "NAME_THRESHOLD",
    "TRAIT_WORDS",
    "GroupProfile",
    "Trait",
    "feature_word",
    "generate_name",
    "profile_groups",
]
