"""Single-use, expiring e-mailed links: password reset and invitation (only hashes stored).

Services: they write the token and return the e-mail to send as a LinkMail; auth sits below
notify, so the caller queues it (notify.services.queue_link_mail) in the same transaction and
commits; the dispatch job sends it after commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from legaldesk.auth.errors import N_, InvalidLink
from legaldesk.auth.models import Role, TokenPurpose, User, UserToken
from legaldesk.auth.services import (
    normalise_email,
    require_role,
    revoke_tokens,
    set_password,
)
from legaldesk.auth.throttle import (
    account_key,
    check_throttle,
    clear_throttle,
    hourly_policy,
    ip_key,
    record_failure,
    retry_minutes,
)
from legaldesk.core.errors import InvalidInput
from legaldesk.core.extensions import db

# Outbox purposes of the e-mails carrying a link (their body is blanked once sent: see notify).
RESET_MAIL_PURPOSE = "password_reset"
INVITE_MAIL_PURPOSE = "invitation"
PATHS = {TokenPurpose.RESET: "/reset/", TokenPurpose.INVITE: "/invitation/"}


@dataclass(frozen=True)
class LinkMail:
    """An e-mail carrying a single-use link, for the caller to queue in the Outbox."""

    recipient: str
    subject: str
    body: str
    purpose: str


def token_hash(raw: str) -> str:
    """What the database keeps of a link's token: its SHA-256."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, *, now: datetime) -> str:
    """A new link token for the user (earlier unused ones of the purpose are revoked)."""
    config = current_app.config
    lifetime = (timedelta(hours=float(config["PASSWORD_RESET_HOURS"]))
                if purpose == TokenPurpose.RESET
                else timedelta(days=float(config["INVITATION_DAYS"])))
    revoke_tokens(user, now=now, purpose=purpose)
    raw = secrets.token_urlsafe(32)
    db.session.add(UserToken(user_id=user.id, purpose=purpose, token_hash=token_hash(raw),
                             created_at=now, expires_at=now + lifetime))
    db.session.flush()
    return raw


def find_token(raw: str, purpose: TokenPurpose, *, now: datetime) -> UserToken:
    """The live token of that purpose, or InvalidLink (unknown, spent, expired, other purpose)."""
    row = db.session.scalar(select(UserToken).where(UserToken.token_hash == token_hash(raw or "")))
    if (row is None or not hmac.compare_digest(row.purpose, str(purpose))
            or row.used_at is not None or row.expires_at <= now or not row.user.active):
        raise InvalidLink(N_("Ce lien n'est pas valide ou a expiré : demandez-en un nouveau."))
    return row


def request_password_reset(email: str, *, ip: str | None, base_url: str,
                           now: datetime) -> LinkMail | None:
    """The reset e-mail when an active account has that address, else None (the page says the
    same either way). Throttled by IP (refused beyond) and by account (silently None beyond).
    """
    config = current_app.config
    ip_counter = ip_key(ip, scope="forgot-ip")
    check_throttle([ip_counter], now)
    record_failure(ip_counter, hourly_policy(int(config["PASSWORD_RESET_IP_MAX_REQUESTS"])), now)
    try:
        address = normalise_email(email)
    except InvalidInput:
        return None
    account_counter = account_key(address, scope="forgot-account")
    quota = hourly_policy(int(config["PASSWORD_RESET_ACCOUNT_MAX_REQUESTS"]))
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or not user.active:
        return None
    if retry_minutes([account_counter], now):
        return None  # enough e-mails for this hour; the page says the same
    record_failure(account_counter, quota, now)
    raw = issue_token(user, TokenPurpose.RESET, now=now)
    hours = config["PASSWORD_RESET_HOURS"]
    return LinkMail(
        user.email, purpose=RESET_MAIL_PURPOSE,
        subject="Réinitialisation de votre mot de passe",
        body=(f"Une réinitialisation du mot de passe de votre compte a été demandée.\n\n"
              f"Pour choisir un nouveau mot de passe, ouvrez ce lien (valable {hours} h, "
              f"une seule fois) :\n{_link(base_url, TokenPurpose.RESET, raw)}\n\n"
              f"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
              f"votre mot de passe actuel reste valable."))


def invite_user(actor: User | None, user: User, *, base_url: str, now: datetime) -> LinkMail:
    """A new invitation link to choose a password, and its e-mail to queue (admins; actor None
    = CLI). Earlier invitation links stop working."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if not user.active:
        raise InvalidInput("Ce compte est désactivé : réactivez-le avant de l'inviter.")
    raw = issue_token(user, TokenPurpose.INVITE, now=now)
    days = current_app.config["INVITATION_DAYS"]
    return LinkMail(
        user.email, purpose=INVITE_MAIL_PURPOSE,
        subject="Votre accès au service juridique",
        body=(f"Un compte a été ouvert pour vous sur le service juridique de la fédération "
              f"({user.email}).\n\nPour choisir votre mot de passe, ouvrez ce lien (valable "
              f"{days} jours, une seule fois) :\n{_link(base_url, TokenPurpose.INVITE, raw)}"))


def use_token(raw: str, purpose: TokenPurpose, password: str, *, now: datetime) -> User:
    """Set the password through a live link; the link and the user's other links are spent."""
    row = find_token(raw, purpose, now=now)
    user = row.user
    set_password(user, password, now=now)  # raises on a weak password: the link stays usable
    row.used_at = now
    clear_throttle(account_key(user.email))  # the owner proved it: no more slow-down
    db.session.flush()
    return user


def _link(base_url: str, purpose: TokenPurpose, raw: str) -> str:
    return base_url.rstrip("/") + PATHS[purpose] + raw


def link_base_url(config, request_root: str | None = None) -> str:
    """Where e-mailed links point: PUBLIC_BASE_URL, else (outside production) the request's root.

    In production the Host header is never trusted for links (it could send a reset link to
    another site): PUBLIC_BASE_URL must be set.
    """
    base = config.get("PUBLIC_BASE_URL")
    if base:
        return str(base)
    if request_root and config.get("DEPLOYMENT") != "production":
        return request_root
    raise InvalidInput("PUBLIC_BASE_URL n'est pas réglé : impossible d'envoyer un lien par e-mail.")
