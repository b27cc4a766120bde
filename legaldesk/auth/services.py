"""Auth services: throttled log-in, users and passwords, organisations, regions, reference data."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from legaldesk.audit.services import record_audit
from legaldesk.auth.errors import N_, AuthInputError
from legaldesk.auth.models import (
    ORGANISATION_KINDS,
    Organisation,
    Region,
    Role,
    Specialty,
    User,
    UserToken,
)
from legaldesk.auth.passwords import check_password_policy
from legaldesk.auth.reference import OUTSIDE_TERRITORIES, REGIONS, name_key
from legaldesk.auth.sessions import end_sessions
from legaldesk.auth.throttle import (
    account_key,
    account_policy,
    check_throttle,
    clear_throttle,
    digest,
    ip_key,
    ip_policy,
    record_failure,
)
from legaldesk.core.errors import Forbidden, InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow

# A stored hash no password matches: invited users until they choose theirs.
UNUSABLE_PASSWORD_PREFIX = "!"


def normalise_email(address: str) -> str:
    """Validate an e-mail address (syntax only) and return it lower-cased."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"Adresse e-mail invalide : {address}") from exc


def authenticate(email: str, password: str, *, now: datetime, ip: str | None = None,
                 device_user_id: int | None = None, device_nonce: str | None = None) -> User:
    """Check a password under the IP and account throttles; caller commits, failures included.

    One message for an unknown account, a wrong password and an inactive account, and the same
    work (a password hash is checked every time). A browser holding a "known device" cookie of
    this account is counted apart from strangers, who then cannot keep the owner out.
    """
    config = current_app.config
    address = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == address))
    keys = [ip_key(ip), _account_throttle_key(address, user, device_user_id, device_nonce)]
    check_throttle(keys, now)
    stored = user.password_hash if user is not None and has_usable_password(user) else None
    valid = check_password_hash(stored or _dummy_hash(), password) and stored is not None
    if not valid or not user.active:
        record_failure(keys[0], ip_policy(config), now)
        record_failure(keys[1], account_policy(config), now)
        raise AuthInputError(N_("Identifiants incorrects."))
    clear_throttle(keys[1])
    return user


def _account_throttle_key(address: str, user: User | None, device_user_id: int | None,
                          device_nonce: str | None) -> str:
    if user is not None and device_nonce and device_user_id == user.id:
        return f"device:{digest(device_nonce)}"
    return account_key(address)


def record_login(user: User, *, now: datetime) -> None:
    """Note a completed log-in (after the second factor, if any). Caller commits."""
    user.last_login_at = now
    db.session.flush()


@cache
def _dummy_hash() -> str:
    # Hashed on first use (never at import), with the same method as real passwords.
    return generate_password_hash(secrets.token_urlsafe(16))


def has_usable_password(user: User) -> bool:
    """False for an invited user who has not chosen a password yet."""
    return not user.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX)


def require_role(actor: User | None, *roles: Role) -> None:
    """Raise Forbidden unless the actor has one of the roles (admins pass every check)."""
    if actor is None or not actor.active:
        raise Forbidden("Connexion requise.")
    if actor.role != Role.ADMIN and actor.role not in roles:
        raise Forbidden("Action réservée à un autre rôle.")


def find_region(value: str | None) -> Region | None:
    """A region by code, canonical name or alias, ignoring accents, case and punctuation."""
    if not value:
        return None
    key = name_key(value)
    for region in db.session.scalars(select(Region)):
        names = [region.code, region.name, *(region.aliases or [])]
        if any(name_key(name) == key for name in names):
            return region
    return None


def get_region(code: str) -> Region:
    """A region by code, or NotFound."""
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise NotFound(f"Délégation inconnue : {code}")
    return region


def create_user(
    actor: User | None, *, email: str, name: str, role: str, password: str | None = None,
    organisation: Organisation | None = None, region: Region | None = None,
    specialty: str | None = None, phone: str | None = None, locale: str = "fr",
    password_hash: str | None = None,
) -> User:
    """Create a user (admins only; actor None = CLI/seed). Caller commits.

    The password must pass the policy. Without one the account has no usable password until
    the user follows an invitation (auth.tokens.invite_user). A bulk loader may pass a ready
    `password_hash` (hashing is deliberately slow).
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    role = _valid_role(role)
    email = normalise_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise InvalidInput(f"Un utilisateur existe déjà avec l'adresse {email}.")
    _check_role_attachments(role, organisation, region, specialty)
    user = User(
        email=email, name=name.strip(), role=role, organisation=organisation, region=region,
        specialty=specialty or None, phone=phone or None, locale=locale,
        password_hash=password_hash or (
            hash_password(password, user_inputs=(email, name)) if password
            else unusable_password()),
    )
    db.session.add(user)
    db.session.flush()
    record_audit(actor, "admin.user_created", target_type="user", target_ref=str(user.id),
                 now=utcnow(), details={"role": str(role)})
    return user


def update_user(actor: User | None, user: User, **changes) -> User:
    """Change a user's fields (admins only); a 'password' must pass the policy. Caller commits.

    A new password or a deactivation ends every session of the user.
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    before = _snapshot("user", user)
    password = changes.pop("password", None)
    if password:
        set_password(user, password, now=utcnow())
    if "role" in changes:
        changes["role"] = _valid_role(changes["role"])
    for field, value in changes.items():
        if field not in {"name", "role", "organisation", "region", "specialty", "phone", "locale",
                         "active", "away_until", "backup"}:
            raise InvalidInput(f"Champ non modifiable : {field}")
        setattr(user, field, value)
    _check_role_attachments(user.role, user.organisation, user.region, user.specialty)
    extra = {"password_changed": True} if password else {}
    if user.role != before["role"]:
        extra["role"] = [str(before["role"]), str(user.role)]
    _audit_changes(actor, "admin.user_changed", "user", str(user.id), user, before, extra)
    if before["active"] and not user.active:
        end_sessions(None, user)
    db.session.flush()
    return user


def hash_password(password: str, *, user_inputs: tuple[str, ...] = ()) -> str:
    """Hash a password after checking the policy (length, common list, guessability)."""
    check_password_policy(password, user_inputs=user_inputs)
    return generate_password_hash(password)


def unusable_password() -> str:
    """A stored hash that no password matches (an account waiting for its invitation)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(16)


def set_password(user: User, password: str, *, now: datetime) -> None:
    """Give a user a new password (policy applies), revoke its e-mailed links, end its sessions."""
    user.password_hash = hash_password(password, user_inputs=(user.email, user.name))
    revoke_tokens(user, now=now)
    end_sessions(None, user)  # every session and remember-me cookie of the old password ends
    db.session.flush()


def revoke_tokens(user: User, *, now: datetime, purpose: str | None = None) -> int:
    """Spend a user's unused reset and invitation links (or those of one purpose)."""
    query = update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(UserToken.purpose == purpose)
    return db.session.execute(query.values(used_at=now)).rowcount


def _valid_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InvalidInput(f"Rôle inconnu : {role}") from exc


def _check_role_attachments(role, organisation, region, specialty) -> None:
    if role == Role.ADHERENT and organisation is None:
        raise InvalidInput("Un adhérent doit être rattaché à une structure.")
    if role == Role.DELEGATE and region is None:
        raise InvalidInput("Un délégué doit être rattaché à une délégation.")
    if role == Role.JURIST and specialty not in {s.value for s in Specialty}:
        raise InvalidInput(
            "Un juriste doit avoir une spécialité (droit_social ou droit_des_affaires)."
        )


def create_organisation(
    actor: User | None, *, name: str, kind: str, region: Region | None = None,
    territory: str | None = None, email_domains: list[str] | None = None,
    phone_numbers: list[str] | None = None, parent: Organisation | None = None,
    is_member: bool = True,
) -> Organisation:
    """Create an organisation; its time zone and holidays follow its territory. Caller commits."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"Type de structure inconnu : {kind}")
    if db.session.scalar(select(Organisation).where(Organisation.name == name.strip())):
        raise InvalidInput(f"Une structure porte déjà le nom {name}.")
    organisation = Organisation(
        name=name.strip(), kind=kind, region=region, parent=parent,
        is_member=is_member and kind not in {"partenaire", "etat"},
        email_domains=[d.strip().lower() for d in email_domains or [] if d.strip()],
        phone_numbers=list(phone_numbers or []),
    )
    apply_territory(organisation, territory)
    db.session.add(organisation)
    db.session.flush()
    record_audit(actor, "admin.organisation_saved", target_type="organisation",
                 target_ref=str(organisation.id), now=utcnow(), details={"created": True})
    return organisation


def apply_territory(organisation: Organisation, territory: str | None) -> None:
    """Set the organisation's territory, time zone and holiday calendar from reference data."""
    organisation.territory = territory or "metropole"
    for spec in _territory_specs(organisation.region):
        if name_key(spec["territory"]) == name_key(organisation.territory):
            organisation.timezone = spec["timezone"]
            organisation.holidays_subdiv = spec["holidays_subdiv"]
            return
    outside = OUTSIDE_TERRITORIES.get(organisation.territory)
    if outside:
        organisation.timezone = outside["timezone"]
        organisation.holidays_subdiv = outside["holidays_subdiv"]
        return
    organisation.timezone = organisation.region.timezone if organisation.region else "Europe/Paris"
    organisation.holidays_subdiv = (
        organisation.region.holidays_subdiv if organisation.region else None
    )


def _territory_specs(region: Region | None) -> list[dict]:
    return list(region.territories or []) if region else []


def seed_regions() -> int:
    """Insert or update the 14 delegations and the national fallback (idempotent)."""
    changed = 0
    for spec in REGIONS:
        region = db.session.scalar(select(Region).where(Region.code == spec["code"]))
        if region is None:
            region = Region(code=spec["code"])
            db.session.add(region)
            changed += 1
        first = spec["territories"][0]
        region.name = spec["name"]
        region.aliases = list(spec["aliases"])
        region.territories = [dict(t) for t in spec["territories"]]
        region.timezone = first["timezone"]
        region.holidays_subdiv = first["holidays_subdiv"]
        region.is_national = spec.get("is_national", False)
    db.session.flush()
    return changed


def update_region(actor: User | None, region: Region, *, name: str | None = None,
                  timezone: str | None = None, holidays_subdiv: str | None = None,
                  active: bool | None = None, aliases: list[str] | None = None) -> Region:
    """Edit a delegation (admins only); time zone must be a known IANA zone. Caller commits."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    before = _snapshot("region", region)
    if timezone is not None:
        _check_timezone(timezone)
        region.timezone = timezone
    if name:
        region.name = name.strip()
    if holidays_subdiv is not None:
        region.holidays_subdiv = holidays_subdiv or None
    if active is not None:
        region.active = active
    if aliases is not None:
        region.aliases = [a.strip() for a in aliases if a.strip()]
    _audit_changes(actor, "admin.region_saved", "region", region.code, region, before)
    db.session.flush()
    return region


def update_organisation(actor: User | None, organisation: Organisation, **changes) -> Organisation:
    """Edit an organisation (admins only); territory changes recompute its calendar."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    before = _snapshot("organisation", organisation)
    territory = changes.pop("territory", organisation.territory)
    for field, value in changes.items():
        if field not in {"name", "kind", "region", "email_domains", "phone_numbers", "parent",
                         "active", "is_member"}:
            raise InvalidInput(f"Champ non modifiable : {field}")
        setattr(organisation, field, value)
    if organisation.kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"Type de structure inconnu : {organisation.kind}")
    apply_territory(organisation, territory)
    _audit_changes(actor, "admin.organisation_saved", "organisation", str(organisation.id),
                   organisation, before)
    db.session.flush()
    return organisation


AUDITED_FIELDS = {
    "organisation": ("name", "kind", "region_id", "email_domains", "phone_numbers", "parent_id",
                     "active", "is_member", "territory"),
    "region": ("name", "timezone", "holidays_subdiv", "active", "aliases"),
    "user": ("name", "role", "organisation_id", "region_id", "specialty", "phone", "locale",
             "active", "away_until", "backup_id"),
}


def _snapshot(target_type: str, obj) -> dict:
    return {name: getattr(obj, name) for name in AUDITED_FIELDS[target_type]}


def _audit_changes(actor: User | None, action: str, target_type: str, target_ref: str,
                   obj, before: dict, extra: dict | None = None) -> None:
    """Record which fields an admin change touched (names only: values may be personal)."""
    db.session.flush()  # foreign keys follow their relationships
    after = _snapshot(target_type, obj)
    changed = sorted(name for name, value in after.items() if before[name] != value)
    if changed or extra:
        record_audit(actor, action, target_type=target_type, target_ref=target_ref,
                     now=utcnow(), details={"fields": changed, **(extra or {})})


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"Fuseau horaire inconnu : {name}") from exc


def list_users(actor: User) -> list[User]:
    """All users, for admins."""
    require_role(actor, Role.ADMIN)
    return list(db.session.scalars(select(User).order_by(User.role, User.name)))
