"""Auth services: log-in with lockout, users, organisations, regions and reference data."""

from __future__ import annotations

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from legaldesk.auth.models import (
    ORGANISATION_KINDS,
    Organisation,
    Region,
    Role,
    Specialty,
    User,
)
from legaldesk.auth.reference import OUTSIDE_TERRITORIES, REGIONS, name_key
from legaldesk.auth.sessions import end_sessions
from legaldesk.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from legaldesk.core.extensions import db

MIN_PASSWORD_LENGTH = 10


def normalise_email(address: str) -> str:
    """Validate an e-mail address (syntax only) and return it lower-cased."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"Adresse e-mail invalide : {address}") from exc


def authenticate(email: str, password: str, *, now: datetime) -> User:
    """Check credentials; lock the account for a while after repeated failures (caller commits)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        # Same work and message as a wrong password: do not reveal which accounts exist.
        check_password_hash(_DUMMY_HASH, password)
        raise InvalidInput("Identifiants incorrects.")
    if user.locked_until and user.locked_until > now:
        raise RateLimited(
            "Trop de tentatives : compte verrouillé temporairement, réessayez plus tard."
        )
    if not user.active or not check_password_hash(user.password_hash, password):
        _record_failure(user, now)
        raise InvalidInput("Identifiants incorrects.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _record_failure(user: User, now: datetime) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        user.failed_logins = 0
    db.session.flush()


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
    actor: User | None, *, email: str, name: str, role: str, password: str = "",
    organisation: Organisation | None = None, region: Region | None = None,
    specialty: str | None = None, phone: str | None = None, locale: str = "fr",
    password_hash: str | None = None,
) -> User:
    """Create a user with a hashed password (admins only; actor None = CLI/seed). Caller commits.

    A bulk loader may pass a ready `password_hash` (hashing is deliberately slow).
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
        password_hash=password_hash or hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor: User | None, user: User, **changes) -> User:
    """Change a user's fields (admins only); a 'password' change is hashed. Caller commits.

    A new password or a deactivation ends every session of the user.
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    was_active = user.active
    password = changes.pop("password", None)
    if password:
        user.password_hash = hash_password(password)
    if "role" in changes:
        changes["role"] = _valid_role(changes["role"])
    for field, value in changes.items():
        if field not in {"name", "role", "organisation", "region", "specialty", "phone", "locale",
                         "active", "away_until", "backup"}:
            raise InvalidInput(f"Champ non modifiable : {field}")
        setattr(user, field, value)
    _check_role_attachments(user.role, user.organisation, user.region, user.specialty)
    if password or (was_active and not user.active):
        end_sessions(None, user)
    db.session.flush()
    return user


def hash_password(password: str) -> str:
    """Hash a password after checking its length."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
        )
    return generate_password_hash(password)


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
    db.session.flush()
    return region


def update_organisation(actor: User | None, organisation: Organisation, **changes) -> Organisation:
    """Edit an organisation (admins only); territory changes recompute its calendar."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    territory = changes.pop("territory", organisation.territory)
    for field, value in changes.items():
        if field not in {"name", "kind", "region", "email_domains", "phone_numbers", "parent",
                         "active", "is_member"}:
            raise InvalidInput(f"Champ non modifiable : {field}")
        setattr(organisation, field, value)
    if organisation.kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"Type de structure inconnu : {organisation.kind}")
    apply_territory(organisation, territory)
    db.session.flush()
    return organisation


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
