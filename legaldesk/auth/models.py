"""Regions (delegations), organisations, users, external contacts and the on-call rota."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legaldesk.core.extensions import db
from legaldesk.core.models import enum_column, utcnow


class Role(StrEnum):
    """What a user does in legaldesk."""

    ADHERENT = "adherent"
    DELEGATE = "delegate"
    JURIST = "jurist"
    MANAGER = "manager"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.DELEGATE, Role.JURIST, Role.MANAGER, Role.ADMIN})
NATIONAL_ROLES = frozenset({Role.JURIST, Role.MANAGER, Role.ADMIN})


class Specialty(StrEnum):
    """The two jurists' fields."""

    DROIT_SOCIAL = "droit_social"
    DROIT_DES_AFFAIRES = "droit_des_affaires"


class RequesterType(StrEnum):
    """Who asks: members, their delegations, or non-members kept apart in reports."""

    ADHERENT = "adherent"
    DELEGATION = "delegation"
    RESEAU_PARTENAIRE = "reseau_partenaire"
    SERVICE_ETAT = "service_etat"
    PORTEUR_PTCE = "porteur_ptce"
    AUTRE = "autre"


ORGANISATION_KINDS = (
    "AI", "ACI", "EI", "ETTI", "ETT-ESS", "EITI", "EBE", "GES", "Proxim'Services", "PTCE",
    "organisme_de_formation", "autre", "partenaire", "etat",
)


class Region(db.Model):
    """A regional delegation (or the national fallback) with its calendar."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    holidays_subdiv: Mapped[str | None] = mapped_column(String(8))
    territories: Mapped[list] = mapped_column(JSON, default=list)
    is_national: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Organisation(db.Model):
    """A member structure (or a partner / State body) with its territory."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="autre")
    is_member: Mapped[bool] = mapped_column(Boolean, default=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    territory: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str | None] = mapped_column(String(64))
    holidays_subdiv: Mapped[str | None] = mapped_column(String(8))
    email_domains: Mapped[list] = mapped_column(JSON, default=list)
    phone_numbers: Mapped[list] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")

    @property
    def effective_timezone(self) -> str:
        """The organisation's own time zone, else its delegation's, else Paris."""
        if self.timezone:
            return self.timezone
        return self.region.timezone if self.region else "Europe/Paris"

    @property
    def requester_type(self) -> RequesterType:
        """Requester type implied by the organisation kind."""
        if self.kind == "partenaire":
            return RequesterType.RESEAU_PARTENAIRE
        if self.kind == "etat":
            return RequesterType.SERVICE_ETAT
        if self.kind == "PTCE" and not self.is_member:
            return RequesterType.PORTEUR_PTCE
        return RequesterType.ADHERENT if self.is_member else RequesterType.AUTRE


class User(UserMixin, db.Model):
    """A person who logs in: adherent, delegate, jurist, manager or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = enum_column(Role)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    specialty: Mapped[str | None] = enum_column(Specialty, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # e-mail for in-app notifications: immediate, digest or none (notify.models.EmailPreference)
    notification_email: Mapped[str] = mapped_column(String(16), default="immediate",
                                                    server_default="immediate")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[datetime | None] = mapped_column(DateTime)
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of the login identity (session and remember-me cookie): bumping it (log-out, password
    # change, deactivation, "log out everywhere") ends every session of the user at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation | None] = relationship()
    region: Mapped[Region | None] = relationship()
    backup: Mapped[User | None] = relationship(remote_side=[id])

    def get_id(self) -> str:
        """Flask-Login identity "id:session_version": an old version no longer loads the user."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return bool(self.active)

    @property
    def is_staff(self) -> bool:
        """Delegates, jurists, managers and admins."""
        return self.role in STAFF_ROLES

    @property
    def is_national(self) -> bool:
        """Jurists, managers and admins see the whole desk."""
        return self.role in NATIONAL_ROLES

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Contact(db.Model):
    """An external requester without a login (unknown e-mail sender, partner, State service)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    requester_type: Mapped[str] = enum_column(RequesterType, default=RequesterType.AUTRE)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()


class TokenPurpose(StrEnum):
    """What an e-mailed single-use link lets its holder do."""

    RESET = "reset"
    INVITE = "invite"


class UserToken(db.Model):
    """A single-use, expiring e-mail link (reset, invitation); only its SHA-256 is stored."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = enum_column(TokenPurpose)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """A failure counter shared by every process and host (by IP, account, device or code).

    `key` is "ip:<address>", "account:<sha256 of the e-mail>", "device:<nonce>", "code:<user id>"
    or "forgot:<...>": never an e-mail address in clear.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class UserTotp(db.Model):
    """A user's TOTP second factor: pending until confirmed with a code."""

    __tablename__ = "user_totp"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_step: Mapped[int | None] = mapped_column(Integer)  # a code is accepted once


class RecoveryCode(db.Model):
    """A single-use recovery code of a user's second factor (SHA-256 only)."""

    __tablename__ = "user_recovery_codes"
    __table_args__ = (Index("ix_user_recovery_codes_user_hash", "user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class OnCallWeek(db.Model):
    """Who is on call for urgent cases during one ISO week (its Monday), and who backs them up."""

    __tablename__ = "oncall_weeks"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, unique=True)  # the Monday of the ISO week
    jurist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    jurist: Mapped[User] = relationship(foreign_keys=[jurist_id])
    backup: Mapped[User | None] = relationship(foreign_keys=[backup_id])
