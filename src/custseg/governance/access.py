"""Who may do what: roles, the authenticated principal, and the owner scope of customer rows.

Roles (the issue's role table):

=======  ==================================================================================
viewer   summaries, schemes, trend; no customer-level rows
sales    customer-level rows only for customers whose ``owner`` is the user's owner key;
         another owner's customer is reported as not found
analyst  reads everything; ingests, runs, edits and activates a system, proposes overrides
manager  reads everything; approves and rejects overrides
admin    users, settings, audit (and reads everything)
=======  ==================================================================================

A :class:`Principal` is passed to the Workspace's read methods; :func:`restrict` filters an
Ibis table of customer rows by owner inside the query, so no layer above can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import ibis
import ibis.expr.types as ir

from custseg.errors import CustsegError, ErrorCode
from custseg.i18n import Message


class Role(StrEnum):
    """The five roles of a server user."""

    VIEWER = "viewer"
    SALES = "sales"
    ANALYST = "analyst"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    """Things a user may be allowed to do."""

    READ_SUMMARY = "read_summary"
    READ_CUSTOMERS = "read_customers"
    READ_ALL_CUSTOMERS = "read_all_customers"
    INGEST = "ingest"
    RUN = "run"
    EDIT_SYSTEM = "edit_system"
    PROPOSE_OVERRIDE = "propose_override"
    DECIDE_OVERRIDE = "decide_override"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    READ_AUDIT = "read_audit"


_P = Permission
_READ_ALL = {_P.READ_SUMMARY, _P.READ_CUSTOMERS, _P.READ_ALL_CUSTOMERS}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({_P.READ_SUMMARY}),
    Role.SALES: frozenset({_P.READ_SUMMARY, _P.READ_CUSTOMERS}),
    Role.ANALYST: frozenset(_READ_ALL | {_P.INGEST, _P.RUN, _P.EDIT_SYSTEM, _P.PROPOSE_OVERRIDE}),
    Role.MANAGER: frozenset(_READ_ALL | {_P.DECIDE_OVERRIDE}),
    Role.ADMIN: frozenset(_READ_ALL | {_P.MANAGE_USERS, _P.MANAGE_SETTINGS, _P.READ_AUDIT}),
}


class AccessDeniedError(CustsegError):
    """The authenticated user's role does not allow the request."""

    code = ErrorCode.GOVERNANCE


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user: name (normalised), role and, for sales, the owner key."""

    name: str
    role: Role
    owner: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether the role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """AccessDeniedError unless the role grants ``permission``."""
        if not self.can(permission):
            raise AccessDeniedError(
                Message(
                    "server_forbidden",
                    {
                        "name": self.name,
                        "role": Message(f"server_role_{self.role.value}"),
                        "permission": Message(f"server_perm_{permission.value}"),
                    },
                )
            )

    @property
    def owner_scope(self) -> str | None:
        """The owner key customer rows are limited to (None: every customer)."""
        if self.can(Permission.READ_ALL_CUSTOMERS):
            return None
        return self.owner or ""


LOCAL = Principal(name="local", role=Role.ADMIN)
"""The principal of the CLI and notebooks: whoever holds the workspace file reads everything."""


def restrict(rows: ir.Table, features: ir.Table, principal: Principal | None) -> ir.Table:
    """``rows`` (with ``customer_id``) limited to the customers the principal may see.

    ``features`` is the snapshot's feature table (``customer_id``, ``owner``). AccessDeniedError
    when the principal may see no customer rows at all (viewer).
    """
    if principal is None:
        return rows
    principal.require(Permission.READ_CUSTOMERS)
    owner = principal.owner_scope
    if owner is None:
        return rows
    if "owner" not in features.columns:
        return rows.filter(ibis.literal(False))
    mine = features.filter(features.owner == owner).customer_id
    # An IN filter, not a semi join: Ibis 12 compiles a second semi join in one query to
    # "LEFT SEMI JOIN", which PostgreSQL does not have.
    return rows.filter(rows.customer_id.isin(mine))
