"""Server accounts: users with a role and Argon2-hashed password, and revocable hashed tokens.

Tables (created like the other governance tables):

- ``users``: name (normalised: NFKC, case-folded), role, owner (sales), password_hash (Argon2id),
  disabled, created_at, created_by, changed_at.
- ``tokens``: token_id, token_hash (SHA-256 of the secret: tokens are 256-bit random, so a fast
  hash is enough), user_name, kind (``session`` from a login, ``api`` for scripts), label,
  created_at, expires_at (null: until revoked), revoked_at.

There are no default accounts and no default password. Every change is in the audit log.

A server verifies a token once and then trusts it for at most
:data:`custseg.read_cache.TOKEN_SECONDS` seconds without asking the database again (its
expiry is still checked on every request). Revoking a token, disabling a user or changing a
password in the server's process takes effect at once; done by another process (a CLI or a
second server on the same PostgreSQL) within that time.
Session tokens (from logins) that expired or were revoked more than
:data:`SESSION_RETENTION` ago are deleted when a new session starts, so the table does not grow
with every login; API tokens are kept (they are audited).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import ibis
import pandas as pd
import sqlglot.expressions as sge
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from ibis.backends import BaseBackend

from custseg.engine import insert_rows, transaction
from custseg.errors import ConfigError, CustsegError, ErrorCode
from custseg.governance.access import Principal, Role
from custseg.governance.audit import AuditLog
from custseg.governance.users import fold_user, normalise_user
from custseg.i18n import Message
from custseg.read_cache import ReadCache
from custseg.workspace_schema.tables import TABLES, TOKENS, USERS

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "cst_"  # noqa: S105 - a prefix, not a secret
SESSION_RETENTION = timedelta(days=7)
"""How long an ended session token stays in the table (for `token list` and inquiries)."""
TokenKind = Literal["session", "api"]
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (same time as a real check).

    Made on first use: every command imports this module, few log anyone in.
    """
    return _HASHER.hash("custseg-timing-equaliser")


class AuthenticationError(CustsegError):
    """A login or token was refused (the message never says which part was wrong)."""

    code = ErrorCode.GOVERNANCE


def normalise_name(name: str) -> str:
    """The stored form of a user name (as the audit log folds names: NFKC, case-folded)."""
    return fold_user(name)


@dataclass(frozen=True, slots=True)
class User:
    """One account (never its password hash)."""

    name: str
    role: Role
    owner: str | None
    disabled: bool
    created_at: datetime
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "name": self.name,
            "role": self.role.value,
            "owner": self.owner,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just created: the secret is shown once and never stored."""

    token_id: str
    secret: str
    user_name: str
    kind: TokenKind
    expires_at: datetime | None


class AccountStore:
    """Users and tokens of a workspace."""

    def __init__(
        self,
        con: BaseBackend,
        clock: Callable[[], datetime] | None = None,
        *,
        cache: ReadCache | None = None,
    ) -> None:
        self._con = con
        self._clock = clock or datetime.now
        self._audit = AuditLog(con, self._clock)
        self._cache = cache

    # -- users ------------------------------------------------------------------------------
    def add_user(
        self, name: str, *, role: str, password: str, owner: str | None = None, by: str
    ) -> User:
        """Create a user; ConfigError for a taken name, unknown role, short password, no owner."""
        key = _valid_name(name)
        chosen = _role(role)
        owner = (owner or "").strip() or None
        if chosen is Role.SALES and owner is None:
            raise ConfigError(Message("server_sales_needs_owner", {"name": key}), key_path="owner")
        if self._find(key) is not None:
            raise ConfigError(Message("server_user_exists", {"name": key}), key_path="name")
        digest = _HASHER.hash(check_password(password))
        now = pd.Timestamp(self._clock())
        row = {
            "name": key,
            "role": chosen.value,
            "owner": owner,
            "password_hash": digest,
            "disabled": False,
            "created_at": now,
            "created_by": by,
            "changed_at": now,
        }
        with transaction(self._con):
            insert_rows(self._con, USERS, [row], TABLES[USERS])
            self._audit.append(by, "user_add", key, {"role": chosen.value, "owner": owner})
        return self.user(key)

    def users(self) -> list[User]:
        """Every user, by name."""
        rows = self._con.table(USERS).order_by("name").to_pyarrow().to_pylist()
        return [_user(r) for r in rows]

    def user(self, name: str) -> User:
        """One user; ConfigError when there is none of that name."""
        row = self._find(normalise_name(name))
        if row is None:
            known = [u.name for u in self.users()]
            shown = ", ".join(known) or "-"
            raise ConfigError(
                Message("server_user_unknown", {"name": normalise_name(name), "known": shown}),
                key_path="name",
            )
        return _user(row)

    def disable(self, name: str, *, by: str) -> User:
        """Disable a user: no login, and every token of theirs is revoked."""
        user = self.user(name)
        now = pd.Timestamp(self._clock())
        with transaction(self._con):
            self._update(USERS, "name", user.name, {"disabled": True, "changed_at": now})
            self._revoke_where(sge.column("user_name").eq(sge.convert(user.name)), now)
            self._audit.append(by, "user_disable", user.name, {})
        self._forget_tokens()
        return self.user(user.name)

    def set_password(self, name: str, password: str, *, by: str) -> None:
        """Change a user's password; their session tokens are revoked."""
        user = self.user(name)
        digest = _HASHER.hash(check_password(password))
        now = pd.Timestamp(self._clock())
        with transaction(self._con):
            changes = {"password_hash": digest, "changed_at": now}
            self._update(USERS, "name", user.name, changes)
            where = sge.and_(
                sge.column("user_name").eq(sge.convert(user.name)),
                sge.column("kind").eq(sge.convert("session")),
            )
            self._revoke_where(where, now)
            self._audit.append(by, "user_password", user.name, {})
        self._forget_tokens()

    def authenticate(self, name: str, password: str) -> Principal:
        """The principal for a correct name and password; AuthenticationError otherwise."""
        row = self._find(normalise_name(name))
        stored = row["password_hash"] if row is not None else _dummy_hash()
        try:
            ok = _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or bool(row["disabled"]):
            raise AuthenticationError(Message("server_login_refused"))
        return _principal(row)

    # -- tokens -----------------------------------------------------------------------------
    def create_token(
        self, name: str, *, kind: TokenKind, ttl: timedelta | None, label: str = "", by: str
    ) -> IssuedToken:
        """A new random token for ``name``; only its hash is stored."""
        user = self.user(name)
        if user.disabled:
            raise AuthenticationError(Message("server_user_is_disabled", {"name": user.name}))
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = "TK-" + secrets.token_hex(4)
        now = self._clock()
        expires = now + ttl if ttl is not None else None
        row = {
            "token_id": token_id,
            "token_hash": _digest(secret),
            "user_name": user.name,
            "kind": kind,
            "label": label,
            "created_at": pd.Timestamp(now),
            "expires_at": pd.Timestamp(expires) if expires else pd.NaT,
            "revoked_at": pd.NaT,
        }
        frame = pd.DataFrame([row]).astype(
            {"expires_at": "datetime64[us]", "revoked_at": "datetime64[us]"}
        )
        # A login session is not audited, so it need not wait for a run holding the writer lock.
        with transaction(self._con, serialised=kind == "api"):
            if kind == "session":
                self._purge_old_sessions(now)
            insert_rows(self._con, TOKENS, frame, TABLES[TOKENS])
            if kind == "api":
                self._audit.append(by, "token_create", token_id, {"user": user.name})
        return IssuedToken(token_id, secret, user.name, kind, expires)

    def tokens(self, name: str | None = None) -> pd.DataFrame:
        """Tokens, never their hashes: id, user, kind, label, created, expires and revoked."""
        t = self._con.table(TOKENS).drop("token_hash")
        if name is not None:
            t = t.filter(t.user_name == normalise_name(name))
        return t.order_by("created_at").to_pandas()

    def revoke(self, token: str, *, by: str) -> str:
        """Revoke a token given by id or by its secret; return its id."""
        t = self._con.table(TOKENS)
        key = (
            t.token_hash == _digest(token)
            if token.startswith(TOKEN_PREFIX)
            else (t.token_id == token.strip())
        )
        found = t.filter(key).select("token_id", "kind").to_pyarrow().to_pylist()
        if not found:
            raise ConfigError(Message("server_token_unknown", {"token": token[:11]}))
        token_id = found[0]["token_id"]
        with transaction(self._con, serialised=found[0]["kind"] == "api"):
            self._revoke_where(sge.column("token_id").eq(sge.convert(token_id)), self._clock())
            if found[0]["kind"] == "api":
                self._audit.append(by, "token_revoke", token_id, {})
        self._forget_tokens()
        return token_id

    def principal_for_token(self, secret: str) -> Principal:
        """The principal of a valid token; AuthenticationError if unknown, expired or revoked.

        With a cache, a token found valid is trusted for ``cache.token_seconds`` (until it
        expires, and not after a revocation made through a store sharing the cache).
        """
        found = self.cached_principal(secret)
        if found is not None:
            return found
        if self._cache is None:
            return self._verified(secret)[0]
        generation = self._cache.generation("token")
        verified = self._verified(secret)
        self._cache.put(
            ("token", _digest(secret)),
            verified,
            ttl=self._cache.token_seconds,
            generation=generation,
        )
        return self._unexpired(verified)

    def cached_principal(self, secret: str) -> Principal | None:
        """:meth:`principal_for_token` from the cache only: None when it must ask the database.

        Never waits for the database (a server calls it from its event loop).
        """
        if self._cache is None:
            return None
        found = self._cache.peek(("token", _digest(secret)))
        return None if found is None else self._unexpired(found)

    def _unexpired(self, verified: tuple[Principal, datetime | None]) -> Principal:
        principal, expires = verified
        if expires is not None and expires <= self._clock():
            raise AuthenticationError(Message("server_token_refused"))
        return principal

    def _forget_tokens(self) -> None:
        """After a revocation: no token is trusted from the cache any more."""
        if self._cache is not None:
            self._cache.drop("token")

    def _verified(self, secret: str) -> tuple[Principal, datetime | None]:
        """The principal of a valid token and when the token expires (None: never)."""
        t = self._con.table(TOKENS)
        u = self._con.table(USERS)
        now = ibis.literal(pd.Timestamp(self._clock()).to_pydatetime())
        valid = t.filter(
            t.token_hash == _digest(secret),
            t.revoked_at.isnull(),
            t.expires_at.isnull() | (t.expires_at > now),
        )
        joined = valid.join(u, valid.user_name == u.name).filter(~u.disabled)
        rows = joined.select("name", "role", "owner", "expires_at").to_pyarrow().to_pylist()
        if not rows:
            raise AuthenticationError(Message("server_token_refused"))
        expires = rows[0]["expires_at"]
        return _principal(rows[0]), None if expires is None else _naive(expires)

    # -- helpers ----------------------------------------------------------------------------
    def _find(self, key: str) -> dict[str, Any] | None:
        t = self._con.table(USERS)
        rows = t.filter(t.name == key).to_pyarrow().to_pylist()
        return rows[0] if rows else None

    def _update(self, table: str, key: str, value: str, changes: dict[str, Any]) -> None:
        values = {k: sge.convert(_plain(v)) for k, v in changes.items()}
        statement = sge.update(table, values, where=sge.column(key).eq(sge.convert(value)))
        self._con.raw_sql(statement.sql(dialect=self._con.name))

    def _purge_old_sessions(self, now: datetime) -> None:
        before = sge.convert(_plain(pd.Timestamp(now - SESSION_RETENTION)))
        ended = sge.or_(sge.column("expires_at") < before, sge.column("revoked_at") < before)
        statement = sge.delete(TOKENS, where=sge.and_(sge.column("kind").eq("session"), ended))
        self._con.raw_sql(statement.sql(dialect=self._con.name))

    def _revoke_where(self, where: sge.Expression, now: datetime) -> None:
        open_ = sge.and_(where, sge.column("revoked_at").is_(sge.null()))
        values = {"revoked_at": sge.convert(_plain(pd.Timestamp(now)))}
        statement = sge.update(TOKENS, values, where=open_)
        self._con.raw_sql(statement.sql(dialect=self._con.name))


def check_password(password: str) -> str:
    """``password`` if it meets the policy (minimum length, not blank); ConfigError otherwise."""
    if len(password or "") < MIN_PASSWORD_LENGTH or not password.strip():
        raise ConfigError(
            Message("server_password_short", {"n": MIN_PASSWORD_LENGTH}), key_path="password"
        )
    return password


def _valid_name(name: str) -> str:
    key = normalise_user(name, source="user name")
    if " " in key:
        raise ConfigError(
            Message("server_name_space", {"name": name, "example": key.replace(" ", ".")}),
            key_path="name",
        )
    return key


def _role(role: str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ConfigError(
            Message("server_role_unknown", {"role": role, "known": known}), key_path="role"
        ) from None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _naive(value: datetime) -> datetime:
    """A stored time as the clock gives it (naive; PostgreSQL may hand back an aware one)."""
    return value.replace(tzinfo=None) if value.tzinfo is not None else value


def _plain(value: Any) -> Any:
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _principal(row: dict[str, Any]) -> Principal:
    owner = row.get("owner")
    return Principal(name=row["name"], role=Role(row["role"]), owner=owner or None)


def _user(row: dict[str, Any]) -> User:
    owner = row.get("owner")
    return User(
        name=row["name"],
        role=Role(row["role"]),
        owner=owner or None,
        disabled=bool(row["disabled"]),
        created_at=pd.Timestamp(row["created_at"]).to_pydatetime(),
        created_by=row["created_by"],
    )
