"""Commands of the learning kinds: `clusters` (natural groups), `learn` (known classes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from custseg.cli import _context as ctx
from custseg.cli._outputs import ForceOption, checked_out, write_out
from custseg.errors import ConfigError
from custseg.i18n import Lang, Message, label_of, t
from custseg.terminal import shown

SnapshotOption = Annotated[
    str | None, typer.Option("--snapshot", help="Snapshot id or prefix (default: latest).")
]


def register(app: typer.Typer) -> None:
    """Add the learning commands to ``app``."""
    app.command("clusters")(clusters_command)
    app.command("learn")(learn_command)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@ctx.guarded
def clusters_command(
    scheme: Annotated[
        str, typer.Option("--scheme", help="A scheme of kind cluster.")
    ] = "natural_groups",
    snapshot_id: SnapshotOption = None,
    json_: ctx.JsonOption = False,
) -> None:
    """The natural groups of a snapshot: key, name, size, shares and distinctive traits."""
    snap = ctx.workspace().snapshot(snapshot_id)
    lang = ctx.STATE.lang
    definition = snap.scheme(scheme)
    if definition.kind != "cluster":
        raise ConfigError(
            Message("clusters_not_cluster", {"scheme": scheme, "kind": definition.kind})
        )
    outcome = next(o for o in snap.info.outcomes if o.name == scheme)
    th = outcome.thresholds
    groups = _groups(th, snap.info.customers or 1, lang)
    stored = th.get("notes")
    if stored is None and th.get("prospects"):  # snapshots made before notes were stored
        stored = [Message("clusters_note_prospects", {"n": th["prospects"]}).to_dict()]
    notes = [Message.from_dict(n).render(lang) for n in stored or []]
    if json_:
        ctx.emit_json(
            {
                "snapshot_id": snap.snapshot_id,
                "as_of": str(snap.as_of),
                "scheme": scheme,
                "k": th.get("k"),
                "method": th.get("method"),
                "features": th.get("features"),
                "prospects": th.get("prospects"),
                "matching": th.get("matching"),
                "notes": notes,
                "groups": groups,
            }
        )
        return
    _print_groups(snap, scheme, label_of(definition.labels, lang), th, groups, lang)
    for note in notes:
        ctx.stdout.print(f"  {shown(note)}", highlight=False)


def _groups(th: dict[str, Any], total: int, lang: Lang) -> list[dict[str, Any]]:
    """The stored profiles of a cluster scheme, rendered in ``lang``."""
    return [
        {
            "key": p["key"],
            "name": label_of(p["name"], lang),
            "names": p["name"],
            "size": p["size"],
            "share": p["size"] / total,
            "buyer_share": p["customer_share"],
            "revenue_share": p["revenue_share"],
            "traits": [_trait_text(t["text"], lang) for t in p["traits"]],
        }
        for p in th.get("profiles", [])
    ]


def _trait_text(text: dict[str, Any], lang: Lang) -> str:
    """A stored trait: a Message dict (current) or a {zh_CN, en} dict (older snapshots)."""
    return Message.from_dict(text).render(lang) if "key" in text else label_of(text, lang)


def _print_groups(
    snap: Any, scheme: str, label: str, th: dict[str, Any], groups: list[Any], lang: Lang
) -> None:
    """The header line, the table of groups and the key-lineage line."""
    header = {"scheme": label, "key": scheme, "snapshot": snap.snapshot_id,
              "as_of": str(snap.as_of), "k": th.get("k")}
    ctx.stdout.print(shown(Message("clusters_header", header).render(lang)), highlight=False)
    grid = Table(*(t(f"clusters_{c}", lang) for c in
                   ("key", "name", "customers", "share", "revenue_share", "traits")))
    grid.columns[-1].overflow = "fold"  # Chinese text has no spaces to wrap at
    for g in groups:
        grid.add_row(
            shown(g["key"]),
            shown(g["name"]),
            f"{g['size']:,}",
            _pct(g["share"]),
            _pct(g["revenue_share"]),
            shown(("；" if lang == "zh" else "; ").join(g["traits"])),
        )
    ctx.stdout.print(grid)
    matching = th.get("matching") or {}
    if matching.get("previous_snapshot"):
        params = {
            "snapshot": matching["previous_snapshot"],
            "as_of": matching.get("previous_as_of"),
            "kept": _pct(matching.get("kept_share")),
            "new": ", ".join(matching.get("new_groups") or []) or t("clusters_none", lang),
        }
        line = Message("clusters_matched", params).render(lang)
    else:
        line = t("clusters_lineage_none", lang)
    ctx.stdout.print(f"  {shown(line)}", highlight=False)


@ctx.guarded
def learn_command(
    labels: Annotated[
        Path, typer.Option("--labels", help="CSV customer_id,class of known customers.")
    ],
    scheme: Annotated[str, typer.Option("--scheme", help="Name of the exported rules scheme.")],
    model: Annotated[str, typer.Option("--model", help="tree or boosting.")] = "tree",
    max_depth: Annotated[int, typer.Option("--max-depth", help="Depth of the tree(s).")] = 4,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the rules scheme YAML here (default: print it)."),
    ] = None,
    snapshot_id: SnapshotOption = None,
    force: ForceOption = False,
    json_: ctx.JsonOption = False,
) -> None:
    """Learn known classes from a snapshot's features; report quality and export rules."""
    from custseg.public import LEARNING_MODELS  # loads scikit-learn: only when learning

    if model not in LEARNING_MODELS:
        raise ConfigError(
            Message("learn_bad_model", {"allowed": str(list(LEARNING_MODELS)), "got": repr(model)})
        )
    if out is not None:
        checked_out(out, force=force)
    learned = ctx.workspace().learn(
        labels, scheme=scheme, model=model, max_depth=max_depth, snapshot_id=snapshot_id
    )
    text = learned.rules_yaml
    if text is not None and out is not None:
        write_out(out, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    lang = ctx.STATE.lang
    payload: dict[str, Any] = {
        **learned.payload,
        "notes": [_note_text(note, lang) for note in learned.payload["notes"]],
        "out": str(out) if out is not None and text is not None else None,
    }
    if json_:
        ctx.emit_json(payload)
        return
    _print_report(payload, lang)
    if text is None:
        ctx.stdout.print(f"  [dim]{t('learn_boosting_no_rules', lang)}[/]")
    elif out is not None:
        written = Message("learn_rules_written", {"path": shown(out)}).render(lang)
        ctx.stdout.print(written, highlight=False)
    else:
        ctx.stdout.print(text, highlight=False, markup=False)


def _note_text(note: Message | str, lang: Lang) -> str:
    """A classifier note as text in ``lang``."""
    return note.render(lang) if isinstance(note, Message) else str(note)


def _print_report(payload: dict[str, Any], lang: Lang) -> None:
    report = payload["report"]
    header = {
        "model": payload["model"],
        "labelled": f"{report['n_labelled']:,}",
        "accuracy": f"{report['accuracy']:.1%}",
        "std": f"{report['accuracy_std']:.1%}",
        "folds": report["n_splits"],
    }
    ctx.stdout.print(Message("learn_report_header", header).render(lang), highlight=False)
    corner = t("learn_confusion_corner", lang)
    confusion = Table(corner, *(shown(c) for c in report["confusion"]["classes"]))
    matrix = report["confusion"]
    for name, row in zip(matrix["classes"], matrix["matrix"], strict=True):
        confusion.add_row(shown(name), *(str(v) for v in row))
    ctx.stdout.print(confusion)
    per_class = Table(
        *(t(f"learn_col_{c}", lang) for c in ("class", "precision", "recall", "f1", "support"))
    )
    for row in report["per_class"]:
        per_class.add_row(
            shown(row["class"]),
            _pct(row["precision"]),
            _pct(row["recall"]),
            f"{row['f1']:.2f}",
            f"{int(row['support']):,}",
        )
    ctx.stdout.print(per_class)
    predicted = {
        "predicted": f"{payload['predicted']:,}",
        "low": f"{payload['low_confidence']:,}",
        "limit": payload["low_confidence_threshold"],
    }
    ctx.stdout.print(Message("learn_predicted", predicted).render(lang), highlight=False)
    for note in payload["notes"]:
        ctx.stdout.print(f"  [dim]{t('learn_note', lang)}[/] {shown(note)}", highlight=False)
