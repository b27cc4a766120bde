"""Creates the demo's cast through the auth services and intake, as ORM objects."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import select

from legaldesk.auth import services as auth_services
from legaldesk.auth.models import Contact, Organisation, Region, Role, User
from legaldesk.core.extensions import db
from legaldesk.demo.people import (
    CONTACTS,
    DELEGATES,
    ORGANISATIONS,
    STAFF,
    OrgSpec,
    delegate_email,
    org_domain,
    person_email,
)
from legaldesk.intake.services import email_requester
from legaldesk.tickets.models import Topic


@dataclass
class Member:
    """A member organisation with the adherents who ask for it."""

    organisation: Organisation
    users: list[User]
    weight: float = 1.0


@dataclass
class Cast:
    """Everyone in the demo, as ORM objects."""

    admin: User
    manager: User
    jurists: dict[str, User]
    delegates: dict[int, list[User]]
    members: list[Member]
    contacts: dict[str, list[Contact]]
    topics: dict[str, Topic]
    first_adherent: User

    def delegates_of(self, organisation: Organisation | None) -> list[User]:
        """Active delegates of the organisation's delegation (empty outside delegations)."""
        return self.delegates.get(organisation.region_id, []) if organisation else []


@functools.cache
def _password_hash(password: str) -> str:
    """All demo accounts share one password: hash it once, not ~80 times (scrypt, ~0.2 s each)."""
    return auth_services.hash_password(password)


def create_cast(password: str) -> Cast:
    """Create staff, delegates, organisations with their adherents, and contacts (one password)."""
    password_hash = _password_hash(password)
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    staff = [_create_staff(spec, password_hash) for spec in STAFF]
    delegates = _create_delegates(regions, password_hash)
    members, first_adherent = _create_organisations(regions, password_hash)
    contacts = _create_contacts()
    topics = {t.code: t for t in db.session.scalars(select(Topic))}
    return Cast(
        admin=staff[0], manager=staff[1],
        jurists={u.specialty: u for u in staff if u.role == Role.JURIST},
        delegates=delegates, members=members, contacts=contacts, topics=topics,
        first_adherent=first_adherent,
    )


def _create_staff(spec: dict, password_hash: str) -> User:
    return auth_services.create_user(
        None, email=spec["email"], name=spec["name"], password_hash=password_hash,
        role=spec["role"],
        specialty=spec.get("specialty"),
    )


def _create_delegates(regions: dict[str, Region], password_hash: str) -> dict[int, list[User]]:
    delegates: dict[int, list[User]] = {}
    for code, names in DELEGATES.items():
        region = regions[code]
        delegates[region.id] = [
            auth_services.create_user(
                None, email=delegate_email(code, rank), name=name,
                password_hash=password_hash,
                role=Role.DELEGATE, region=region)
            for rank, name in enumerate(names, start=1)
        ]
    return delegates


def _create_organisations(regions: dict[str, Region],
                          password_hash: str) -> tuple[list[Member], User]:
    by_name: dict[str, Organisation] = {}
    members: list[Member] = []
    for index, spec in enumerate(ORGANISATIONS):
        organisation = auth_services.create_organisation(
            None, name=spec.name, kind=spec.kind,
            region=regions[spec.region] if spec.region else None, territory=spec.territory,
            email_domains=[org_domain(spec)], phone_numbers=[f"+33199{index:02d}0000"],
            parent=by_name.get(spec.parent) if spec.parent else None, is_member=spec.member,
        )
        by_name[spec.name] = organisation
        users = [_create_adherent(spec, organisation, local, name, index * 10 + rank,
                                  password_hash)
                 for rank, (local, name) in enumerate(spec.people)]
        if spec.member and users:
            members.append(Member(organisation, users, 2.0 if index == 0 else 1.0))
    return members, members[0].users[0]


def _create_adherent(spec: OrgSpec, organisation: Organisation, local: str, name: str,
                     number: int, password_hash: str) -> User:
    # 06 39 98 xx xx is the range the French regulator reserves for fiction.
    return auth_services.create_user(
        None, email=person_email(spec, local), name=name, password_hash=password_hash,
        role=Role.ADHERENT, organisation=organisation, phone=f"+3363998{number:04d}",
    )


def _create_contacts() -> dict[str, list[Contact]]:
    """External contacts as intake files them, grouped by requester type."""
    contacts: dict[str, list[Contact]] = {}
    for name, email in CONTACTS:
        contact = email_requester(email, name).contact
        contacts.setdefault(str(contact.requester_type), []).append(contact)
    db.session.flush()
    return contacts
