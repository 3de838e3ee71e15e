"""Holdout evaluation on CDNOW master: the figures and charts shown in the README.

python scripts/cdnow_evaluation.py        # writes docs/images/cdnow_*.png, prints the figures
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from custseg.models import holdout_evaluation, plot_conditional_expectation, plot_tracking

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    frame = pd.read_csv(
        ROOT / "tests/data/cdnow/CDNOW_master.txt.gz", sep=r"\s+", dtype={"date": str}
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    report = holdout_evaluation(
        frame,
        customer_col="customer_id",
        date_col="date",
        amount_col="dollar_value",
        calibration_end="1997-09-30",
        holdout_end="1998-06-30",
        models=("bgnbd", "pareto_nbd"),
    )
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    plot_tracking(report, images / "cdnow_tracking.png")
    plot_conditional_expectation(report, images / "cdnow_conditional.png")
    print(f"customers: {len(report.customers):,}")
    print(f"actual repeat purchases in the holdout: {report.actual_repeat_purchases:,.0f}")
    for name in report.models:
        print(
            f"{name}: predicted {report.predicted_repeat_purchases[name]:,.0f}, "
            f"correlation {report.correlation[name]:.3f}, "
            f"MAE {report.mean_absolute_error[name]:.3f}"
        )
    print(report.conditional_expectation.to_string())


if __name__ == "__main__":
    main()
