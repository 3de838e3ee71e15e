"""Credit status (信用状况): payment timeliness over the activity window, and overdue balance.

An invoice exists as of as_of when its invoice date (or, if absent, its due date) is on or
before as_of. It is *paid as of as_of* when its paid date is on or before as_of; a payment made
after as_of counts as unpaid. Days late: paid → max(paid_date − due_date, 0); unpaid →
as_of − due_date. An invoice is on time when it is 0 days late (an unpaid invoice due on as_of
is not late yet).

Timeliness (``invoices_12m, on_time_share, mean_days_late, max_days_late``) covers invoices due
in the activity window. The overdue balance covers every invoice past due (due before as_of) and
unpaid as of as_of, however old: an old unpaid debt is the strongest credit signal.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext


def payment_metrics(con: ibis.BaseBackend, ctx: BuildContext) -> ir.Table:
    """One row per customer with an invoice issued on or before as_of."""
    invoices = con.table("payments")
    as_of = ctx.as_of_literal()
    issued = invoices.invoice_date.coalesce(invoices.due_date) <= as_of
    invoices = invoices.filter(issued)
    paid = invoices.paid_date.notnull() & (invoices.paid_date <= as_of)
    days_late = paid.ifelse(
        ibis.greatest(invoices.paid_date.delta(invoices.due_date, unit="day"), 0),
        as_of.delta(invoices.due_date, unit="day"),
    ).cast("int64")
    due = (invoices.due_date <= as_of) & ctx.in_window(invoices.due_date)
    overdue = ~paid & (invoices.due_date < as_of)
    return invoices.group_by("customer_id").aggregate(
        invoices_12m=invoices.count(where=due),
        _on_time=invoices.count(where=due & (days_late == 0)),
        mean_days_late=days_late.mean(where=due),
        max_days_late=days_late.max(where=due),
        overdue_balance=invoices.amount.sum(where=overdue),
        overdue_invoices=invoices.count(where=overdue),
    )


def finish(t: ir.Table, ctx: BuildContext) -> dict[str, ir.Value]:
    """On-time share; counts and balance are 0 for customers without invoices."""
    invoices = t.invoices_12m.coalesce(0)
    return {
        "invoices_12m": invoices.cast("int64"),
        "on_time_share": (invoices > 0).ifelse(t._on_time / invoices, ibis.null("float64")),
        "mean_days_late": t.mean_days_late.cast("float64"),
        "max_days_late": t.max_days_late.cast("int64"),
        "overdue_balance": t.overdue_balance.coalesce(0.0).cast("float64"),
        "overdue_invoices": t.overdue_invoices.coalesce(0).cast("int64"),
    }
