"""Benchmark: fit BG/NBD + Gamma-Gamma and score P(alive), expected purchases and CLV.

Customers are simulated from a BG/NBD process with the CDNOW parameters (r=0.243,
alpha=4.414, a=0.793, b=2.426) and Gamma-Gamma spend (p=6.25, q=3.74, v=15.44), with a
CDNOW-like calendar: first purchases spread over 84 days, calibration to day 273, times in whole
days expressed in weeks (what ``summary_from_transactions`` produces).

Baseline: the same fit and scoring with ``lifetimes`` (``pip install lifetimes``), when it can be
imported; ``--baseline sample`` runs it on a random sample and extrapolates linearly (stated in
the output), ``--baseline none`` skips it.

    python benchmarks/bench_models.py                     # 1,000,000 customers
    python benchmarks/bench_models.py --customers 20000   # smoke run (CI)
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from custseg.models import BetaGeo, GammaGamma, customer_lifetime_value
from custseg.models.simulate import simulate_beta_geo, simulate_mean_spend

TRUE_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
HORIZON_WEEKS = 52
WEEKLY_DISCOUNT = 0.0015
MARGIN = 0.3


def simulate(n: int, seed: int) -> tuple[np.ndarray, ...]:
    """Return frequency, recency, T (weeks, whole days) and mean repeat spend of n customers."""
    rng = np.random.default_rng(seed)
    age = (273 - rng.integers(0, 84, n)) / 7.0
    x, t_x, age = simulate_beta_geo(n, **TRUE_BG, T=age, seed=seed + 1)
    t_x = np.minimum(np.round(t_x * 7.0) / 7.0, age)
    spend = simulate_mean_spend(x, **TRUE_GG, seed=seed + 2)
    return x, t_x, age, spend


def timed(label: str, func: Callable[[], Any], log: dict[str, float]) -> Any:
    start = time.perf_counter()
    out = func()
    log[label] = time.perf_counter() - start
    print(f"  {label:<34s} {log[label]:8.3f} s", flush=True)
    return out


def run_custseg(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, m: np.ndarray) -> float:
    log: dict[str, float] = {}
    print("custseg:")
    bg = timed("BG/NBD fit (+ standard errors)", lambda: BetaGeo().fit(x, t_x, age), log)
    gg = timed("Gamma-Gamma fit", lambda: GammaGamma().fit(x, m), log)
    timed("P(alive)", lambda: bg.probability_alive(x, t_x, age), log)
    timed(f"expected purchases ({HORIZON_WEEKS} weeks)",
          lambda: bg.expected_purchases(HORIZON_WEEKS, x, t_x, age), log)  # fmt: skip
    timed(f"CLV ({HORIZON_WEEKS} weekly steps)", lambda: customer_lifetime_value(
        bg, gg, x, t_x, age, m, horizon_periods=HORIZON_WEEKS,
        discount_rate_per_period=WEEKLY_DISCOUNT, margin=MARGIN), log)  # fmt: skip
    total = sum(log.values())
    bg_total = total - log["Gamma-Gamma fit"] - log[f"CLV ({HORIZON_WEEKS} weekly steps)"]
    print(f"  BG/NBD params {_fmt(bg.params_)} (true {_fmt(TRUE_BG)}), converged={bg.converged_}")
    print(f"  Gamma-Gamma params {_fmt(gg.params_)} (true {_fmt(TRUE_GG)})")
    print(f"  BG/NBD fit + P(alive) + expected purchases: {bg_total:.3f} s")
    print(f"  total (all of the above):                   {total:.3f} s")
    return total


def run_lifetimes(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, m: np.ndarray) -> float:
    import lifetimes  # noqa: PLC0415 (optional dependency)
    import pandas as pd  # noqa: PLC0415 (lifetimes' CLV needs Series)

    log: dict[str, float] = {}
    print(f"lifetimes {lifetimes.__version__}:")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bg = timed("BG/NBD fit", lambda: lifetimes.BetaGeoFitter().fit(x, t_x, age), log)
        rep = x > 0
        gg = timed("Gamma-Gamma fit",
                   lambda: lifetimes.GammaGammaFitter().fit(x[rep], m[rep]), log)  # fmt: skip
        timed("P(alive)", lambda: bg.conditional_probability_alive(x, t_x, age), log)
        timed(f"expected purchases ({HORIZON_WEEKS} weeks)",
              lambda: bg.conditional_expected_number_of_purchases_up_to_time(
                  HORIZON_WEEKS, x, t_x, age), log)  # fmt: skip
        series = [pd.Series(v) for v in (x, t_x, age, np.where(rep, m, 1.0))]
        timed("CLV (12 monthly steps)", lambda: gg.customer_lifetime_value(
            bg, *series, time=12, discount_rate=0.0065, freq="W"), log)  # fmt: skip
    print(f"  BG/NBD params {_fmt(dict(bg.params_))}")
    total = sum(log.values())
    print(f"  total: {total:.3f} s")
    return total


def _fmt(params: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}={float(v):.4g}" for k, v in params.items()) + "}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--baseline", choices=["full", "sample", "none"], default="full")
    parser.add_argument("--baseline-sample", type=int, default=100_000)
    args = parser.parse_args()
    n = args.customers
    print(f"simulating {n:,} BG/NBD customers (seed {args.seed})", flush=True)
    x, t_x, age, m = simulate(n, args.seed)
    n_rows = np.unique(np.column_stack([x, t_x, age]), axis=0).shape[0] if n <= 2e6 else -1
    print(f"  {int((x > 0).sum()):,} repeat buyers; {n_rows:,} distinct (x, t_x, T) rows")
    ours = run_custseg(x, t_x, age, m)
    if args.baseline == "none":
        return
    try:
        import lifetimes  # noqa: F401, PLC0415
    except Exception as exc:  # noqa: BLE001 (any import failure means: no baseline)
        print(
            f"lifetimes baseline skipped: cannot import lifetimes ({exc!r}); pip install lifetimes"
        )
        return
    if args.baseline == "sample" and args.baseline_sample < n:
        idx = np.random.default_rng(args.seed).choice(n, args.baseline_sample, replace=False)
        base = run_lifetimes(x[idx], t_x[idx], age[idx], m[idx]) * n / args.baseline_sample
        print(f"  EXTRAPOLATED linearly from {args.baseline_sample:,} to {n:,} customers: "
              f"{base:.3f} s")  # fmt: skip
    else:
        base = run_lifetimes(x, t_x, age, m)
    print(f"speed-up custseg vs lifetimes: {base / ours:.1f}x ({ours:.3f} s vs {base:.3f} s)")


if __name__ == "__main__":
    main()
