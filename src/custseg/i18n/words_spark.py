"""Words of the engine-side models and clusters (large bases, Spark)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "clusters_note_sampled": {
        "zh": "分组在 {total} 位购买客户中按固定种子 {seed} 抽取的 {n} 位上拟合，"
        "再在数据引擎中把每位客户分到最近的组",
        "en": "the groups were fitted on {n} of the {total} buyers, drawn with seed {seed}; "
        "every customer was then assigned to the nearest group in the engine",
    },
}
