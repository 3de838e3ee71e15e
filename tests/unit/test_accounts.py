"""Accounts: users, Argon2 passwords, roles, tokens (expiry, revocation), audit of changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from custseg import open_workspace
from custseg.errors import ConfigError
from custseg.governance.access import Permission, Principal, Role
from custseg.governance.accounts import AuthenticationError

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 7, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(clock: Clock):
    ws = open_workspace(":memory:", clock=clock)
    yield ws.accounts
    ws.close()


def test_user_name_is_normalised_and_password_hashed_with_argon2(accounts) -> None:
    made = accounts.add_user(
        "Ｌｉ Ｌｅｉ".replace(" ", ""), role="analyst", password=PASSWORD, by="root"
    )
    assert made.name == "lilei"
    assert accounts.authenticate("LILEI", PASSWORD) == Principal("lilei", Role.ANALYST, None)
    stored = accounts._con.table("users").password_hash.execute().tolist()[0]  # noqa: SLF001
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"role": "analyst", "password": "short"}, "at least 10"),
        ({"role": "wizard", "password": PASSWORD}, "unknown role"),
        ({"role": "sales", "password": PASSWORD}, "--owner"),
    ],
)
def test_bad_users_are_refused_with_the_reason(accounts, kwargs, fragment) -> None:
    with pytest.raises(ConfigError, match=fragment):
        accounts.add_user("bob", by="root", **kwargs)
    assert accounts.users() == []


def test_a_taken_name_is_refused_case_insensitively(accounts) -> None:
    accounts.add_user("bob", role="viewer", password=PASSWORD, by="root")
    with pytest.raises(ConfigError, match="already exists"):
        accounts.add_user("BOB", role="admin", password=PASSWORD, by="root")


def test_wrong_password_unknown_user_and_disabled_user_are_refused_alike(accounts) -> None:
    accounts.add_user("bob", role="viewer", password=PASSWORD, by="root")
    messages = set()
    for name, password in (("bob", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError) as caught:
            accounts.authenticate(name, password)
        messages.add(caught.value.message)
    accounts.disable("bob", by="root")
    with pytest.raises(AuthenticationError) as caught:
        accounts.authenticate("bob", PASSWORD)
    messages.add(caught.value.message)
    assert len(messages) == 1


def test_tokens_expire_and_are_revoked(accounts, clock: Clock) -> None:
    accounts.add_user("sam", role="sales", owner="李娜", password=PASSWORD, by="root")
    session = accounts.create_token("sam", kind="session", ttl=timedelta(hours=1), by="sam")
    assert accounts.principal_for_token(session.secret).owner == "李娜"
    clock.now += timedelta(hours=2)
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(session.secret)
    api = accounts.create_token("sam", kind="api", ttl=None, by="root")
    assert accounts.principal_for_token(api.secret).name == "sam"
    accounts.revoke(api.token_id, by="root")
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(api.secret)
    assert "token_hash" not in accounts.tokens().columns


def test_password_change_ends_sessions_and_disable_ends_every_token(accounts) -> None:
    accounts.add_user("ann", role="analyst", password=PASSWORD, by="root")
    session = accounts.create_token("ann", kind="session", ttl=timedelta(hours=1), by="ann")
    api = accounts.create_token("ann", kind="api", ttl=None, by="root")
    accounts.set_password("ann", "another long passphrase", by="root")
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(session.secret)
    assert accounts.principal_for_token(api.secret).name == "ann"
    assert accounts.authenticate("ann", "another long passphrase").role is Role.ANALYST
    accounts.disable("ann", by="root")
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(api.secret)


def test_account_changes_are_audited(accounts) -> None:
    from custseg.governance.audit import AuditLog

    accounts.add_user("ann", role="analyst", password=PASSWORD, by="root")
    accounts.disable("ann", by="root")
    log = AuditLog(accounts._con).entries()  # noqa: SLF001
    assert list(zip(log.actor, log.action, log.subject, strict=True)) == [
        ("root", "user_add", "ann"),
        ("root", "user_disable", "ann"),
    ]
    assert AuditLog(accounts._con).verify() == []  # noqa: SLF001


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.VIEWER, [Permission.READ_SUMMARY], [Permission.READ_CUSTOMERS, Permission.RUN]),
        (Role.SALES, [Permission.READ_CUSTOMERS], [Permission.READ_ALL_CUSTOMERS]),
        (
            Role.ANALYST,
            [Permission.RUN, Permission.PROPOSE_OVERRIDE],
            [Permission.DECIDE_OVERRIDE, Permission.MANAGE_USERS],
        ),
        (Role.MANAGER, [Permission.DECIDE_OVERRIDE], [Permission.RUN, Permission.READ_AUDIT]),
        (Role.ADMIN, [Permission.MANAGE_USERS, Permission.READ_AUDIT], [Permission.RUN]),
    ],
)
def test_role_table(role: Role, allowed, denied) -> None:
    who = Principal("x", role, "o")
    assert all(who.can(p) for p in allowed)
    assert not any(who.can(p) for p in denied)


def test_ended_session_tokens_are_deleted_a_week_later_api_tokens_are_kept(
    accounts, clock: Clock
) -> None:
    accounts.add_user("ann", role="analyst", password=PASSWORD, by="root")
    first = accounts.create_token("ann", kind="session", ttl=timedelta(hours=8), by="ann")
    revoked = accounts.create_token("ann", kind="session", ttl=timedelta(hours=8), by="ann")
    accounts.revoke(revoked.token_id, by="ann")
    script = accounts.create_token("ann", kind="api", ttl=timedelta(hours=1), by="root")
    clock.now += timedelta(days=6)
    accounts.create_token("ann", kind="session", ttl=timedelta(hours=8), by="ann")
    assert len(accounts.tokens("ann")) == 4  # ended less than a week ago: still listed
    clock.now += timedelta(days=2)
    latest = accounts.create_token("ann", kind="session", ttl=timedelta(hours=8), by="ann")
    left = set(accounts.tokens("ann").token_id)
    assert first.token_id not in left and revoked.token_id not in left
    assert script.token_id in left and latest.token_id in left
    assert accounts.principal_for_token(latest.secret).name == "ann"


# -- tokens trusted from a server's read cache ------------------------------------------------
def test_a_cached_token_is_refused_at_once_after_revoke_disable_or_new_password(clock) -> None:
    from custseg.read_cache import ReadCache

    ws = open_workspace(":memory:", clock=clock)
    ws.use_read_cache(ReadCache())
    try:
        ws.accounts.add_user("kim", role="analyst", password=PASSWORD, by="root")
        for revoke in (
            lambda issued: ws.accounts.revoke(issued.secret, by="kim"),
            lambda issued: ws.accounts.set_password("kim", PASSWORD + "!", by="root"),
        ):
            issued = ws.accounts.create_token(
                "kim", kind="session", ttl=timedelta(hours=1), by="kim"
            )
            assert ws.accounts.principal_for_token(issued.secret).name == "kim"  # now cached
            revoke(issued)
            with pytest.raises(AuthenticationError):
                ws.accounts.principal_for_token(issued.secret)
        issued = ws.accounts.create_token("kim", kind="api", ttl=None, by="kim")
        assert ws.accounts.principal_for_token(issued.secret).name == "kim"
        ws.accounts.disable("kim", by="root")
        with pytest.raises(AuthenticationError):
            ws.accounts.principal_for_token(issued.secret)
    finally:
        ws.close()


def test_a_cached_token_expires_on_time_and_another_process_revokes_within_the_bound(
    clock, tmp_path
) -> None:
    from custseg.read_cache import ReadCache

    tick = [0.0]
    cache = ReadCache(clock=lambda: tick[0], token_seconds=10.0)
    server = open_workspace(tmp_path / "w.duckdb", clock=clock)
    server.use_read_cache(cache)
    try:
        server.accounts.add_user("kim", role="viewer", password=PASSWORD, by="root")
        issued = server.accounts.create_token(
            "kim", kind="session", ttl=timedelta(minutes=30), by="kim"
        )
        assert server.accounts.principal_for_token(issued.secret).name == "kim"
        clock.now += timedelta(minutes=31)  # expired: refused although still in the cache
        with pytest.raises(AuthenticationError):
            server.accounts.principal_for_token(issued.secret)
        clock.now -= timedelta(minutes=31)
        # Another process (no shared cache) revokes: trusted at most token_seconds longer.
        from custseg.governance.accounts import AccountStore

        other = AccountStore(server._con, clock)  # noqa: SLF001 - stands for a second process
        other.revoke(issued.secret, by="kim")
        assert server.accounts.principal_for_token(issued.secret).name == "kim"
        tick[0] += 10.0
        with pytest.raises(AuthenticationError):
            server.accounts.principal_for_token(issued.secret)
    finally:
        server.close()


def test_cached_principal_answers_from_the_cache_only(clock, accounts) -> None:
    from custseg.read_cache import ReadCache

    accounts.add_user("kim", role="viewer", password=PASSWORD, by="root")
    issued = accounts.create_token("kim", kind="session", ttl=timedelta(minutes=30), by="kim")
    assert accounts.cached_principal(issued.secret) is None  # no cache: always the database
    ws = open_workspace(":memory:", clock=clock)
    ws.use_read_cache(ReadCache())
    try:
        ws.accounts.add_user("kim", role="viewer", password=PASSWORD, by="root")
        issued = ws.accounts.create_token(
            "kim", kind="session", ttl=timedelta(minutes=30), by="kim"
        )
        assert ws.accounts.cached_principal(issued.secret) is None  # not verified yet
        assert ws.accounts.cached_principal("forged") is None
        assert ws.accounts.principal_for_token(issued.secret).name == "kim"
        assert ws.accounts.cached_principal(issued.secret).name == "kim"  # type: ignore[union-attr]
        clock.now += timedelta(minutes=31)
        with pytest.raises(AuthenticationError):
            ws.accounts.cached_principal(issued.secret)  # expired while in the cache
        clock.now -= timedelta(minutes=31)
        ws.accounts.revoke(issued.secret, by="kim")
        assert ws.accounts.cached_principal(issued.secret) is None  # dropped: ask again
    finally:
        ws.close()
