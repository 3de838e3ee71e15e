"""Benchmark: cluster a million customers, choosing the number of groups (k = 2..8).

custseg: ``CustomerClusterer`` (candidates fitted with MiniBatchKMeans on a 100,000-row selection,
silhouette on 10,000 rows, final MiniBatchKMeans fit on everyone).
Baseline, in the same run: plain full-batch sklearn ``KMeans(n_init=10)`` fitted for each k on
all customers, silhouette on a 10,000-row sample (silhouette on all rows would need 10^12
distances). Both run on one thread (custseg's default) and the same scaled matrix; the report
gives the seconds, the chosen k, the ratio of the times and the agreement (adjusted Rand index)
of the final groupings.

    python benchmarks/bench_clustering.py                      # 1,000,000 customers
    python benchmarks/bench_clustering.py --customers 20000    # smoke size (CI)
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from custseg.learning import CustomerClusterer, make_planted_features, prepare_features

TARGET_S = 60.0


def run_custseg(table, seed: int) -> tuple[dict[str, float], np.ndarray]:  # type: ignore[no-untyped-def]
    """Fit custseg's clusterer; return its figures and labels."""
    started = time.perf_counter()
    model = CustomerClusterer(random_state=seed).fit(table)
    total = time.perf_counter() - started
    result = model.result_
    figures = {
        "k": result.k,
        "choose_k_s": round(result.timings["choose_k_s"], 2),
        "final_fit_s": round(result.timings["final_fit_s"], 2),
        "total_s": round(total, 2),
        "scores": {k: round(v, 3) for k, v in result.scores.items()},
    }
    return figures, result.labels.to_numpy()


def run_baseline(
    x: np.ndarray, sample: np.ndarray, seed: int, n_init: int, ks: range
) -> tuple[dict[str, float], np.ndarray]:
    """Full-batch KMeans for each k on all rows, silhouette on ``sample``."""
    started = time.perf_counter()
    scores, labels = {}, {}
    with threadpool_limits(limits=1):  # same thread count as custseg's default
        _fit_each_k(x, sample, seed, n_init, ks, scores, labels)
    best = max(ks, key=lambda k: (scores[k], -k))
    figures = {
        "k": best,
        "total_s": round(time.perf_counter() - started, 2),
        "scores": {k: round(v, 3) for k, v in scores.items()},
    }
    return figures, labels[best]


def _fit_each_k(
    x: np.ndarray,
    sample: np.ndarray,
    seed: int,
    n_init: int,
    ks: range,
    scores: dict[int, float],
    labels: dict[int, np.ndarray],
) -> None:
    for k in ks:
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
        labels[k] = model.labels_
        scores[k] = float(silhouette_score(x[sample], model.labels_[sample]))


def main() -> None:
    """Generate, cluster with custseg and with the baseline, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-n-init", type=int, default=10)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    table = make_planted_features(args.customers, seed=args.seed)
    print(f"generated {args.customers:,} customers in {time.perf_counter() - started:.1f} s")

    custseg, labels = run_custseg(table, args.seed)
    verdict = "OK" if custseg["total_s"] <= TARGET_S else "SLOW"
    print(
        f"custseg : k={custseg['k']}  choose-k {custseg['choose_k_s']:.2f} s  "
        f"final fit {custseg['final_fit_s']:.2f} s  total {custseg['total_s']:.2f} s  "
        f"[target {TARGET_S:.0f} s: {verdict}]"
    )
    print(f"          silhouette by k: {custseg['scores']}")
    out = {"customers": args.customers, "custseg": custseg}
    if not args.no_baseline:
        x = prepare_features(table).scaled
        rng = np.random.default_rng(args.seed)
        sample = rng.choice(len(x), size=min(10_000, len(x)), replace=False)
        baseline, base_labels = run_baseline(
            x, sample, args.seed, args.baseline_n_init, range(2, 9)
        )
        ratio = baseline["total_s"] / max(custseg["total_s"], 1e-9)
        agreement = adjusted_rand_score(base_labels, labels)
        print(
            f"baseline: k={baseline['k']}  full-batch KMeans(n_init={args.baseline_n_init}) "
            f"per k + silhouette on the same-size sample: {baseline['total_s']:.2f} s"
        )
        print(f"          silhouette by k: {baseline['scores']}")
        print(
            f"ratio   : baseline / custseg = {ratio:.1f}x; ARI(custseg, baseline) = {agreement:.3f}"
        )
        out.update(baseline=baseline, ratio=round(ratio, 2), ari=round(agreement, 4))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
