"""TOTP second factor for staff: enrolment, single-use recovery codes, throttled checks.

Services: they take an explicit actor and `now`, flush, and leave the commit to the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

import pyotp
from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from legaldesk.auth.errors import N_, AuthInputError
from legaldesk.auth.models import STAFF_ROLES, RecoveryCode, Role, User, UserTotp
from legaldesk.auth.services import has_usable_password, require_role
from legaldesk.auth.throttle import (
    account_key,
    account_policy,
    check_throttle,
    clear_throttle,
    ip_key,
    ip_policy,
    record_failure,
)
from legaldesk.core.errors import Conflict, Forbidden
from legaldesk.core.extensions import db

RECOVERY_CODE_COUNT = 10
# Roles that REQUIRE_STAFF_2FA forces to enrol; every staff role may enrol.
REQUIRED_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
_TOTP_CODE = re.compile(r"^\d{6}$")


def totp_of(user: User) -> UserTotp | None:
    """The user's TOTP row, pending or confirmed."""
    return db.session.get(UserTotp, user.id)


def two_factor_enabled(user: User) -> bool:
    """True once the user confirmed an authenticator app."""
    row = totp_of(user)
    return row is not None and row.confirmed_at is not None


def must_enrol(user: User) -> bool:
    """True when REQUIRE_STAFF_2FA is on and this admin or manager has no second factor yet."""
    return (bool(current_app.config["REQUIRE_STAFF_2FA"]) and user.role in REQUIRED_ROLES
            and not two_factor_enabled(user))


def begin_enrolment(actor: User, *, now: datetime) -> UserTotp:
    """A pending secret for the actor's authenticator app (kept until confirmed or replaced)."""
    if actor.role not in STAFF_ROLES:
        raise Forbidden("La double authentification est réservée à l'équipe.")
    row = totp_of(actor)
    if row is not None and row.confirmed_at is not None:
        raise Conflict("La double authentification est déjà activée.")
    if row is None:
        row = UserTotp(user_id=actor.id, secret=pyotp.random_base32(), created_at=now)
        db.session.add(row)
        db.session.flush()
    return row


def provisioning_uri(user: User, row: UserTotp) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or typed)."""
    return pyotp.TOTP(row.secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no style attribute)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, border=2, title="QR code",
                                                 omitsize=True)


def confirm_enrolment(actor: User, code: str, *, ip: str | None, now: datetime) -> list[str]:
    """Turn 2FA on with a first valid code; return the recovery codes (shown once only)."""
    row = totp_of(actor)
    if row is None or row.confirmed_at is not None:
        raise Conflict("Aucune activation en cours : rechargez la page.")
    _check_code_throttled(actor, code, ip=ip, now=now, allow_recovery=False)
    row.confirmed_at = now
    return replace_recovery_codes(actor, now=now)


def replace_recovery_codes(actor: User, *, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working); only their hashes are stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == actor.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=actor.id, code_hash=_recovery_hash(actor, code),
                                    created_at=now) for code in codes)
    db.session.flush()
    return codes


def regenerate_recovery_codes(actor: User, code: str, *, ip: str | None,
                              now: datetime) -> list[str]:
    """New recovery codes for the actor, after a current code (the old ones stop working)."""
    if not two_factor_enabled(actor):
        raise Conflict("La double authentification n'est pas activée.")
    _check_code_throttled(actor, code, ip=ip, now=now, allow_recovery=False)
    return replace_recovery_codes(actor, now=now)


def verify_second_factor(user: User, code: str, *, ip: str | None, now: datetime) -> None:
    """Log-in step two: a TOTP code or an unused recovery code, throttled like passwords."""
    _check_code_throttled(user, code, ip=ip, now=now, allow_recovery=True)


def disable_two_factor(actor: User, password: str, code: str, *, ip: str | None,
                       now: datetime) -> None:
    """Turn the actor's 2FA off: needs the password and a current (or recovery) code."""
    if not two_factor_enabled(actor):
        raise Conflict("La double authentification n'est pas activée.")
    keys = [ip_key(ip), account_key(actor.email)]  # the same counters as the log-in form
    check_throttle(keys, now)
    if not (has_usable_password(actor) and check_password_hash(actor.password_hash, password)):
        record_failure(keys[0], ip_policy(current_app.config), now)
        record_failure(keys[1], account_policy(current_app.config), now)
        raise AuthInputError(N_("Mot de passe incorrect."))
    _check_code_throttled(actor, code, ip=ip, now=now, allow_recovery=True)
    remove_two_factor(None, actor)


def remove_two_factor(actor: User | None, user: User) -> None:
    """Delete a user's second factor and recovery codes (the user, or admins / CLI for a lost
    phone). Caller commits."""
    if actor is not None and actor.id != user.id:
        require_role(actor, Role.ADMIN)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(UserTotp).where(UserTotp.user_id == user.id))
    db.session.flush()


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def _check_code_throttled(user: User, code: str, *, ip: str | None, now: datetime,
                          allow_recovery: bool) -> None:
    config = current_app.config
    keys = [ip_key(ip), f"code:{user.id}"]
    check_throttle(keys, now)
    cleaned = re.sub(r"[\s-]", "", code or "").lower()
    accepted = _accept_totp(user, cleaned, now) or (
        allow_recovery and _accept_recovery_code(user, cleaned, now))
    if not accepted:
        record_failure(keys[0], ip_policy(config), now)
        record_failure(keys[1], account_policy(config), now)
        raise AuthInputError(N_("Code incorrect."))
    clear_throttle(keys[1])
    db.session.flush()


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    """A code of the current 30-second step (or a neighbour, for clock drift), once only."""
    row = totp_of(user)
    if row is None or not _TOTP_CODE.match(code):
        return False
    totp = pyotp.TOTP(row.secret)
    current = totp.timecode(now.replace(tzinfo=UTC))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if row.last_used_step is not None and step <= row.last_used_step:
                return False  # replayed: this code (or a later one) was used already
            row.last_used_step = step
            return True
    return False


def _accept_recovery_code(user: User, code: str, now: datetime) -> bool:
    if not code or not two_factor_enabled(user):
        return False
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(user, code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    return True


def _new_recovery_code() -> str:
    raw = secrets.token_hex(10)  # 80 random bits
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


def _recovery_hash(user: User, code: str) -> str:
    # 80 random bits: a plain SHA-256 cannot be reversed by guessing (no slow hash needed).
    cleaned = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(f"{user.id}:{cleaned}".encode()).hexdigest()
