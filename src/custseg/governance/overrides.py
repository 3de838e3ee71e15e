"""Overrides: a class set by hand for one customer in one scheme, with a reason and an expiry.

Table ``overrides``, one row per override (ids ``OV-000001``, ``OV-000002``, ... in the order
they were added; rows are never deleted). Its state moves ``pending`` -> ``active`` (approved)
or ``rejected``; ``active`` or ``pending`` -> ``removed``. Every change and its audit entry are
written in one transaction.

Choices:

- ``active_from`` is when the override took effect (when added, or when approved if approval
  was required); ``removed_at`` when it stopped. :meth:`OverrideStore.in_force` answers from
  these times, so a run at any clock time sees exactly the overrides that were active then.
- An override *expires* when the as-of date of a run reaches ``expires_on``: it applies to runs
  as of an earlier date only.
- A new override for a customer and scheme that already has an active one supersedes it when
  it takes effect: the old one becomes ``removed`` with ``superseded_by`` set, and the audit log
  records ``override_supersede``.
- With the setting ``require_override_approval`` a new override is ``pending`` until a user
  other than its creator approves it; rejecting also takes another user (the creator withdraws
  with ``remove``). Users are compared after :func:`~custseg.governance.users.normalise_user`
  (``Alice`` is ``alice``); a creator's attempt to decide is refused and audited
  (``override_refused``).
- Names are checked against the system of the latest snapshot (the built-in system before the
  first run): the scheme, a class of it, and the customer (customers table or latest snapshot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.engine import insert_rows, transaction
from custseg.errors import ConfigError, GovernanceError
from custseg.governance.audit import AuditAction, AuditLog, Clock, naive
from custseg.governance.settings import Settings
from custseg.governance.targets import Targets, check_target, latest_targets
from custseg.governance.users import normalise_user, same_user
from custseg.workspace_schema.tables import OVERRIDES, TABLES

OverrideStatus = Literal["pending", "active", "rejected", "removed"]
ListFilter = Literal["open", "active", "pending", "all"]

IN_FORCE_COLUMNS = [
    "override_id",
    "customer_id",
    "scheme",
    "class_key",
    "reason",
    "created_by",
    "expires_on",
]
_ID = re.compile(r"^(?:ov-?)?0*(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Override:
    """One override and where it is in its life."""

    override_id: str
    customer_id: str
    scheme: str
    class_key: str
    reason: str
    expires_on: date | None
    created_by: str
    created_at: datetime
    status: OverrideStatus
    active_from: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    removed_by: str | None = None
    removed_at: datetime | None = None
    removal_reason: str | None = None
    superseded_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (dates as ISO text)."""
        out: dict[str, Any] = {}
        for name in self.__slots__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out


def normalise_id(text: str) -> str:
    """``OV-000012`` from ``OV-000012``, ``ov-12`` or ``12``; ConfigError otherwise."""
    match = _ID.match(str(text).strip())
    if not match:
        raise ConfigError(f"{text!r} is not an override id; ids look like OV-000012")
    return f"OV-{int(match.group(1)):06d}"


class OverrideStore:
    """Adds, decides, removes and lists overrides; tells which are in force for a run."""

    def __init__(self, con: BaseBackend, clock: Clock | None = None) -> None:
        self._con = con
        source = clock or datetime.now
        self._clock: Clock = lambda: naive(source())
        self._audit = AuditLog(con, self._clock)
        self._settings = Settings(con, self._clock)

    def targets(self) -> Targets:
        """What an override may name now: the latest snapshot's system, classes and customers."""
        return latest_targets(self._con)

    # -- changes ---------------------------------------------------------------------------
    def add(
        self,
        customer_id: str,
        *,
        scheme: str,
        class_key: str,
        reason: str,
        user: str,
        expires_on: date | None = None,
    ) -> Override:
        """Set ``customer_id``'s class in ``scheme`` by hand; pending if approval is required."""
        customer_id, scheme, class_key = str(customer_id).strip(), scheme.strip(), class_key.strip()
        user = normalise_user(user)
        reason = (reason or "").strip()
        if not reason:
            raise ConfigError(
                "an override needs a reason: say why the class is set by hand, "
                "e.g. --reason 'signed a 3-year framework contract'"
            )
        now = self._clock()
        if expires_on is not None and expires_on <= now.date():
            raise ConfigError(
                f"expiry date {expires_on} is not after today ({now.date()}); give a later "
                "date, or none for an override that lasts until it is removed"
            )
        check_target(self._con, latest_targets(self._con), customer_id, scheme, class_key)
        pending = bool(self._settings.get("require_override_approval"))
        with transaction(self._con):
            override = Override(
                override_id=f"OV-{self._count() + 1:06d}",
                customer_id=customer_id,
                scheme=scheme,
                class_key=class_key,
                reason=reason,
                expires_on=expires_on,
                created_by=user,
                created_at=now,
                status="pending" if pending else "active",
                active_from=None if pending else now,
            )
            insert_rows(self._con, OVERRIDES, _frame([override]), TABLES[OVERRIDES])
            detail = {
                "customer_id": customer_id,
                "scheme": scheme,
                "class_key": class_key,
                "reason": reason,
                "expires_on": expires_on.isoformat() if expires_on else None,
                "status": override.status,
            }
            self._audit.append(user, AuditAction.OVERRIDE_ADD, override.override_id, detail)
            if not pending:
                self._supersede(override, user, now)
        return override

    def approve(self, override_id: str, *, user: str) -> Override:
        """Approve a pending override (by a user other than its creator); it takes effect now."""
        user = normalise_user(user)
        current = self._pending(override_id, user, "approve")
        now = self._clock()
        if current.expires_on is not None and current.expires_on <= now.date():
            raise GovernanceError(
                f"override {current.override_id} expired on {current.expires_on} before it was "
                "approved; reject it and add a new one with a later --expires"
            )
        changes = {"status": "active", "active_from": now, "decided_by": user, "decided_at": now}
        with transaction(self._con):
            self._update(current.override_id, changes)
            self._audit.append(user, AuditAction.OVERRIDE_APPROVE, current.override_id, {})
            self._supersede(current, user, now)
        return self.get(current.override_id)

    def reject(self, override_id: str, *, user: str, reason: str) -> Override:
        """Reject a pending override (by a user other than its creator)."""
        note = _required(reason, "reject")
        user = normalise_user(user)
        current = self._pending(override_id, user, "reject")
        now = self._clock()
        changes = {
            "status": "rejected",
            "decided_by": user,
            "decided_at": now,
            "decision_note": note,
        }
        with transaction(self._con):
            self._update(current.override_id, changes)
            self._audit.append(
                user, AuditAction.OVERRIDE_REJECT, current.override_id, {"reason": note}
            )
        return self.get(current.override_id)

    def remove(self, override_id: str, *, user: str, reason: str) -> Override:
        """Remove an active or pending override: later runs no longer apply it."""
        note = _required(reason, "remove")
        user = normalise_user(user)
        current = self.get(override_id)
        if current.status not in ("active", "pending"):
            raise GovernanceError(
                f"override {current.override_id} is {current.status}; only active or pending "
                "overrides can be removed"
            )
        now = self._clock()
        changes = {
            "status": "removed",
            "removed_by": user,
            "removed_at": now,
            "removal_reason": note,
        }
        with transaction(self._con):
            self._update(current.override_id, changes)
            self._audit.append(
                user, AuditAction.OVERRIDE_REMOVE, current.override_id, {"reason": note}
            )
        return self.get(current.override_id)

    # -- reading ---------------------------------------------------------------------------
    def get(self, override_id: str) -> Override:
        """One override by id (``OV-000012``, ``ov-12`` or ``12``)."""
        wanted = normalise_id(override_id)
        t = self._con.table(OVERRIDES)
        rows = t.filter(t.override_id == wanted).to_pandas().to_dict("records")
        if not rows:
            total = self._count()
            known = f"ids run from OV-000001 to OV-{total:06d}" if total else "there are none yet"
            raise GovernanceError(
                f"no override {wanted}; {known}. See `custseg override list --all`."
            )
        return _override(rows[0])

    def list(
        self,
        status: ListFilter = "open",
        *,
        scheme: str | None = None,
        customer_id: str | None = None,
    ) -> pd.DataFrame:
        """Overrides by id: ``open`` (active and pending), ``active``, ``pending`` or ``all``."""
        t = self._con.table(OVERRIDES)
        if status == "open":
            t = t.filter(t.status.isin(["active", "pending"]))
        elif status != "all":
            t = t.filter(t.status == status)
        if scheme is not None:
            t = t.filter(t.scheme == scheme)
        if customer_id is not None:
            t = t.filter(t.customer_id == str(customer_id))
        return t.order_by("override_id").to_pandas()

    def in_force(self, as_of: date, at: datetime) -> pd.DataFrame:
        """Overrides a run as of ``as_of`` at clock time ``at`` applies (one per customer+scheme).

        Active at ``at`` (took effect at or before it, not removed by then) and not expired by
        ``as_of``. Columns: override_id, customer_id, scheme, class_key, reason, created_by,
        expires_on; ordered by scheme and customer.
        """
        t = self._con.table(OVERRIDES)
        at_ = naive(pd.Timestamp(at).to_pydatetime())
        live = (
            t.active_from.notnull()
            & (t.active_from <= at_)
            & (t.removed_at.isnull() | (t.removed_at > at_))
            & (t.expires_on.isnull() | (t.expires_on > as_of))
        )
        df = t.filter(live).select(*IN_FORCE_COLUMNS).to_pandas()
        df = df.sort_values("override_id").drop_duplicates(["customer_id", "scheme"], keep="last")
        return df.sort_values(["scheme", "customer_id"], ignore_index=True)

    # -- helpers ---------------------------------------------------------------------------
    def _pending(self, override_id: str, user: str, verb: str) -> Override:
        current = self.get(override_id)
        if current.status != "pending":
            raise GovernanceError(
                f"override {current.override_id} is {current.status}, not pending; only pending "
                f"overrides can be {verb}d"
            )
        if same_user(user, current.created_by):
            hint = (
                " (to withdraw your own, use `custseg override remove`)" if verb == "reject" else ""
            )
            with transaction(self._con):  # the refused attempt is on the record
                self._audit.append(
                    user,
                    AuditAction.OVERRIDE_REFUSED,
                    current.override_id,
                    {"attempt": verb, "reason": "creator_cannot_decide"},
                )
            raise GovernanceError(
                f"{user!r} created override {current.override_id} and cannot {verb} it: a second "
                f"user must (pass --user or set CUSTSEG_USER){hint}"
            )
        return current

    def _supersede(self, new: Override, user: str, now: datetime) -> None:
        """Remove the other active override of the same customer and scheme, if any."""
        t = self._con.table(OVERRIDES)
        others = (
            t.filter(
                (t.customer_id == new.customer_id)
                & (t.scheme == new.scheme)
                & (t.status == "active")
                & (t.override_id != new.override_id)
            )
            .override_id.to_pyarrow()
            .to_pylist()
        )
        for old in others:
            note = f"superseded by {new.override_id}"
            self._update(
                old,
                {
                    "status": "removed",
                    "removed_by": user,
                    "removed_at": now,
                    "removal_reason": note,
                    "superseded_by": new.override_id,
                },
            )
            self._audit.append(
                user, AuditAction.OVERRIDE_SUPERSEDE, old, {"superseded_by": new.override_id}
            )

    def _update(self, override_id: str, changes: dict[str, Any]) -> None:
        values = {k: sge.convert(v) for k, v in changes.items()}
        where = sge.column("override_id").eq(sge.convert(override_id))
        statement = sge.update(OVERRIDES, values, where=where)
        self._con.raw_sql(statement.sql(dialect=self._con.name))

    def _count(self) -> int:
        return int(self._con.table(OVERRIDES).count().execute())


def _required(reason: str | None, verb: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ConfigError(f"a reason is required to {verb} an override: pass --reason TEXT")
    return text


def _frame(overrides: list[Override]) -> pd.DataFrame:
    rows = []
    for o in overrides:
        row = {name: getattr(o, name) for name in TABLES[OVERRIDES].names}
        for name, dtype in TABLES[OVERRIDES].items():
            if dtype.is_timestamp():
                row[name] = pd.Timestamp(row[name]) if row[name] is not None else pd.NaT
        rows.append(row)
    df = pd.DataFrame(rows, columns=list(TABLES[OVERRIDES].names))
    return df.astype(
        {n: "object" for n, d in TABLES[OVERRIDES].items() if d.is_string() or d.is_date()}
    )


def _override(row: dict[str, Any]) -> Override:
    def value(name: str) -> Any:
        v = row.get(name)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if hasattr(v, "to_pydatetime"):
            return v.to_pydatetime()
        return v

    expires = value("expires_on")
    if isinstance(expires, datetime):
        expires = expires.date()
    return Override(
        override_id=row["override_id"],
        customer_id=row["customer_id"],
        scheme=row["scheme"],
        class_key=row["class_key"],
        reason=row["reason"],
        expires_on=expires,
        created_by=row["created_by"],
        created_at=value("created_at"),
        status=row["status"],
        active_from=value("active_from"),
        decided_by=value("decided_by"),
        decided_at=value("decided_at"),
        decision_note=value("decision_note"),
        removed_by=value("removed_by"),
        removed_at=value("removed_at"),
        removal_reason=value("removal_reason"),
        superseded_by=value("superseded_by"),
    )
