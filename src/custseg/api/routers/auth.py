"""Login (OAuth2 password flow), the current user, logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from custseg.api.deps import LangDep, PrincipalDep, SettingsDep, WorkspaceDep, oauth2
from custseg.api.errors import ApiError
from custseg.api.schemas import MePublic, TokenPublic
from custseg.i18n import t
from custseg.public import ROLE_PERMISSIONS, AuthenticationError, normalise_name

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenPublic)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    ws: WorkspaceDep,
    settings: SettingsDep,
    lang: LangDep,
) -> TokenPublic:
    """Exchange a user name and password for an access token (expires; revocable by logout).

    Failed attempts are limited per user and client address: too many answer 429.
    """
    limiter = request.app.state.limiter
    user = normalise_name(form.username)[:64]
    client = request.client.host if request.client else "-"
    wait = limiter.retry_after(user, client)
    if wait > 0:
        raise ApiError(
            429,
            "auth.rate_limited",
            t("server_error_rate_limited", lang),
            hint=t("server_hint_rate_limited", lang).format(seconds=int(wait) + 1),
            headers={"Retry-After": str(int(wait) + 1)},
        )
    try:
        who = ws.accounts.authenticate(form.username, form.password)
    except AuthenticationError:
        limiter.failed(user, client)
        raise
    limiter.succeeded(user, client)
    issued = ws.accounts.create_token(who.name, kind="session", ttl=settings.token_ttl, by=who.name)
    return TokenPublic(
        access_token=issued.secret, expires_at=issued.expires_at, token_id=issued.token_id
    )


@router.get("/me", response_model=MePublic)
def me(user: PrincipalDep) -> MePublic:
    """Who the token belongs to, and what the role allows."""
    allowed = sorted(p.value for p in ROLE_PERMISSIONS[user.role])
    return MePublic(name=user.name, role=user.role.value, owner=user.owner, permissions=allowed)


@router.post("/logout", status_code=204)
def logout(
    user: PrincipalDep, ws: WorkspaceDep, token: Annotated[str | None, Depends(oauth2)]
) -> None:
    """Revoke the token of this request."""
    ws.accounts.revoke(token or "", by=user.name)
