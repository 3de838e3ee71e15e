"""Commands about the purchase models: `evaluate` (holdout validation) and `models`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.cli.commands_snapshot import SnapshotOption, parse_date
from custseg.errors import ConfigError, OutputError, WorkspaceError
from custseg.i18n import t
from custseg.terminal import shown

if TYPE_CHECKING:
    from custseg.public import HoldoutReport

DEFAULT_OUT_DIR = Path("custseg-evaluation")
MODEL_NAMES = ("bgnbd", "mbgnbd", "pareto_nbd")
"""The keys of ``custseg.public.PURCHASE_MODELS`` (a test checks), named here so that the help
does not load the models (SciPy)."""


def register(app: typer.Typer) -> None:
    """Add the model commands to ``app``."""
    app.command("evaluate")(evaluate_command)
    app.command("models")(models_command)


@ctx.guarded
def evaluate_command(
    calibration_end: Annotated[
        str,
        typer.Option("--calibration-end", help="Last day of the calibration period (YYYY-MM-DD)."),
    ],
    holdout_end: Annotated[
        str, typer.Option("--holdout-end", help="Last day of the holdout period (YYYY-MM-DD).")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Folder for the two PNG charts.")
    ] = DEFAULT_OUT_DIR,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help=f"Model(s) to compare: {', '.join(MODEL_NAMES)} "
            "(default: mbgnbd and bgnbd).",
        ),
    ] = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Fit the purchase models on the calibration period and compare with the holdout period."""
    from custseg.public import plot_conditional_expectation, plot_tracking

    cal_end = parse_date(calibration_end, "--calibration-end")
    hold_end = parse_date(holdout_end, "--holdout-end")
    if hold_end <= cal_end:
        raise ConfigError(f"--holdout-end {hold_end} must be after --calibration-end {cal_end}")
    tracking, conditional = _chart_paths(out_dir, force)
    report = ctx.workspace().evaluate(
        cal_end, hold_end, models=tuple(model) if model else ("mbgnbd", "bgnbd")
    )
    write_out(tracking, lambda temporary: plot_tracking(report, temporary), option="--out-dir")
    write_out(
        conditional,
        lambda temporary: plot_conditional_expectation(report, temporary),
        option="--out-dir",
    )
    charts = {"tracking": str(tracking), "conditional_expectation": str(conditional)}
    if json_:
        ctx.emit_json(_report_json(report, charts))
        return
    _print_report(report, charts)


def _chart_paths(out_dir: Path, force: bool) -> tuple[Path, Path]:
    """The two chart files in ``out_dir`` (created if missing), checked before any work."""
    if not out_dir.exists():
        try:
            out_dir.mkdir(parents=True)
        except OSError as exc:
            message = t("safety_out_dir_failed", ctx.STATE.lang).format(
                option="--out-dir", target=out_dir, reason=exc.strerror or exc
            )
            raise OutputError(message) from exc
    return tuple(  # type: ignore[return-value]
        checked_out(out_dir / name, force=force, option="--out-dir")
        for name in ("tracking.png", "conditional_expectation.png")
    )


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _report_json(report: HoldoutReport, charts: dict[str, str]) -> dict[str, Any]:
    conditional = report.conditional_expectation.reset_index()
    return {
        "calibration_end": str(report.calibration_end.date()),
        "holdout_end": str(report.holdout_end.date()),
        "holdout_weeks": report.holdout_periods,
        "customers": report.n_customers,
        "actual": report.actual_repeat_purchases,
        "predicted": {k: _num(v) for k, v in report.predicted_repeat_purchases.items()},
        "correlation": {k: _num(v) for k, v in report.correlation.items()},
        "mean_absolute_error": {k: _num(v) for k, v in report.mean_absolute_error.items()},
        "params": {k: m.params_ for k, m in report.models.items()},
        "conditional_expectation": [
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in row.items()
            }
            for row in conditional.to_dict(orient="records")
        ],
        "charts": charts,
    }


def _print_report(report: HoldoutReport, charts: dict[str, str]) -> None:
    out, lang = ctx.stdout, ctx.STATE.lang
    out.print(
        t("cli_eval_header", lang).format(
            calibration=report.calibration_end.date(),
            holdout=report.holdout_end.date(),
            weeks=f"{report.holdout_periods:.1f}",
            customers=f"{report.n_customers:,}",
        )
    )
    summary = Table(
        *(t(f"cli_eval_{c}", lang) for c in ("model", "predicted", "actual", "error")),
        t("cli_eval_correlation", lang),
        t("cli_eval_mae", lang),
        title=t("cli_eval_title", lang),
    )
    actual = report.actual_repeat_purchases
    for name, predicted in report.predicted_repeat_purchases.items():
        error = (predicted - actual) / actual if actual else float("nan")
        summary.add_row(
            name,
            f"{predicted:,.1f}",
            f"{actual:,.0f}",
            f"{error:+.1%}",
            f"{report.correlation[name]:.3f}",
            f"{report.mean_absolute_error[name]:.3f}",
        )
    out.print(summary)
    table = report.conditional_expectation
    names = list(report.models)
    grid = Table(
        t("cli_eval_repeat", lang),
        t("cli_eval_customers", lang),
        t("cli_eval_actual", lang),
        *names,
        title=t("cli_eval_conditional", lang),
    )
    for label, row in table.iterrows():
        grid.add_row(
            str(label), f"{int(row['n_customers']):,}", *(_cell(row[c]) for c in ["actual", *names])
        )
    out.print(grid)
    for name, path in charts.items():
        out.print(f"{name}: {shown(path)}", highlight=False)


def _cell(value: float) -> str:
    import pandas as pd

    return "-" if pd.isna(value) else f"{value:.2f}"


@ctx.guarded
def models_command(snapshot_id: SnapshotOption = None, json_: ctx.JsonOption = False) -> None:
    """Show the purchase-model parameters fitted in a snapshot (default: the latest)."""
    snap = ctx.workspace().snapshot(snapshot_id)
    models = snap.info.extra.get("models")
    if models is None:
        raise WorkspaceError(
            f"snapshot {snap.info.snapshot_id} has no fitted models "
            "(it was computed by an older version); run again"
        )
    if json_:
        ctx.emit_json(
            {"snapshot_id": snap.info.snapshot_id, "as_of": str(snap.info.as_of), "models": models}
        )
        return
    out, lang = ctx.stdout, ctx.STATE.lang
    out.print(
        t("cli_models_header", lang).format(
            snapshot=snap.info.snapshot_id, as_of=snap.info.as_of, status=models.get("status")
        )
    )
    if models.get("status") != "fitted":
        out.print(t("cli_models_not_fitted", lang).format(reason=shown(models.get("reason"))))
    for role in ("transaction", "spend"):
        fitted = models.get(role)
        if not fitted:
            continue
        role_name = t(f"cli_models_role_{role}", lang)
        if "params" not in fitted:
            reason = shown(fitted.get("reason"))
            out.print(t("cli_models_role_not_fitted", lang).format(role=role_name, reason=reason))
            continue
        grid = Table(
            t("cli_models_parameter", lang),
            t("cli_models_estimate", lang),
            t("cli_models_std_error", lang),
            title=t("cli_models_title", lang).format(
                role=role_name,
                model=fitted["model"],
                customers=f"{fitted['n_customers']:,}",
                converged=t("cli_yes" if fitted["converged"] else "cli_no", lang),
            ),
        )
        for name, value in fitted["params"].items():
            se = fitted["standard_errors"].get(name)
            grid.add_row(name, f"{value:.6g}", "-" if se is None else f"{se:.4g}")
        out.print(grid)
    settings = models.get("settings", {})
    if settings:
        out.print(
            t("cli_models_settings", lang) + ", ".join(f"{k}={v}" for k, v in settings.items())
        )
    for warning in models.get("warnings", []):
        out.print(f"[yellow]{t('cli_models_warning', lang)}[/] {shown(warning)}")
