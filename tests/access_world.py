"""The access-matrix world: one user per role and the objects they reach for, built by services.

`build_world` runs once per test module (see tests/test_access_matrix.py). Every object is a
plain dict of URL parameters (`reference`, `note_id`, `attachment_id`, ...) and of texts a page
must show or hide (`subject`, `note_text`, `title`, ...). `World.fresh(name)` builds another
object of the same kind, so that an allowed state-changing request never alters the shared one.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from legaldesk.auth import services as auth
from legaldesk.auth.models import Region, User
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.intake import services as intake
from legaldesk.kb import index_queue, note_attachments, ticket_drafts
from legaldesk.kb import services as kb
from legaldesk.kb.models import Note
from legaldesk.sla import services as sla
from legaldesk.tickets import access as ticket_access
from legaldesk.tickets import campaigns
from legaldesk.tickets import moves as ticket_moves
from legaldesk.tickets import services as tickets
from legaldesk.tickets.models import Ticket, Topic
from tests.conftest import Factory
from tests.intake.mails import raw_email

# Column order of every row of the matrix.
ROLES = (
    "anonymous",          # not logged in
    "adherent",           # adherent of the tickets' organisation, and their requester
    "colleague",          # another adherent of the same organisation (not the requester)
    "other_adherent",     # adherent of an unrelated organisation of the same region
    "ges_adherent",       # adherent of the GES that is the organisation's parent
    "delegate",           # delegate of the tickets' region (IDF), relayed nothing
    "other_delegate",     # delegate of another region (BRE)
    "relaying_delegate",  # IDF delegate who opened the expert and confidential tickets
    "jurist",             # the jurist assigned to the expert and confidential tickets
    "other_jurist",       # a jurist of the same specialty, not assigned
    "manager",
    "admin",
)
CAMPAIGN = "matrice"
FILE_BYTES = b"PIECE-JOINTE-MATRICE"
DEFAULT_BODY = "Le salarie conteste la rupture de son contrat au chantier."
# Words only the shared expert and answered confidential tickets use (similar-ticket ranking).
RARE_BODY = "Xylophone marimba glockenspiel vibraphone : le salarie conteste la rupture."


@dataclass
class World:
    """Users (ids by role), shared objects and factories of fresh ones."""

    users: dict[str, int] = field(default_factory=dict)
    objects: dict[str, dict] = field(default_factory=dict)
    factories: dict[str, Callable[[], dict]] = field(default_factory=dict)

    def user(self, role: str) -> User:
        """The ORM user of a role in the current session."""
        return db.session.get(User, self.users[role])

    def fresh(self, name: str) -> dict:
        """A new object of the same kind as the shared object `name` (committed)."""
        if name not in self.factories:
            raise KeyError(f"no factory for {name!r}: an allowed state-changing cell needs one")
        made = self.factories[name]()
        db.session.commit()
        return made


class Builder:
    """Creates the world through the services; each object kind has its own method."""

    def __init__(self, world: World):
        self.world = world
        self.serial = itertools.count(1)

    def now(self) -> datetime:
        return utcnow() - timedelta(minutes=1)

    def u(self, role: str) -> User:
        return self.world.user(role)

    # --- people ---------------------------------------------------------------------------

    def people(self) -> None:
        idf, bre = auth.get_region("IDF"), auth.get_region("BRE")
        ges = auth.create_organisation(None, name="GES Matrice", kind="GES", region=idf)
        org = auth.create_organisation(None, name="AI Matrice", kind="AI", region=idf,
                                       parent=ges, email_domains=["ai-matrice.example"])
        other = auth.create_organisation(None, name="ACI Voisine", kind="ACI", region=idf)
        # The matrix logs in some twenty times: a deliberately cheap hash keeps that fast.
        password_hash = generate_password_hash(Factory.password, method="pbkdf2:sha256:1")
        specs = {  # key: (role, organisation or region or specialty)
            "adherent": ("adherent", {"organisation": org}),
            "colleague": ("adherent", {"organisation": org}),
            "other_adherent": ("adherent", {"organisation": other}),
            "ges_adherent": ("adherent", {"organisation": ges}),
            "delegate": ("delegate", {"region": idf}),
            "other_delegate": ("delegate", {"region": bre}),
            "relaying_delegate": ("delegate", {"region": idf}),
            "jurist": ("jurist", {"specialty": "droit_social"}),
            "other_jurist": ("jurist", {"specialty": "droit_social"}),
            "manager": ("manager", {}), "admin": ("admin", {}),
        }
        for key, (role, extra) in specs.items():
            domain = "ai-matrice.example" if extra.get("organisation") is org else "example.org"
            user = auth.create_user(None, email=f"{key.replace('_', '.')}@{domain}",
                                    name=f"Matrice {key}", role=role,
                                    password_hash=password_hash, **extra)
            self.world.users[key] = user.id
        self.world.objects["organisation_a"] = {"organisation_id": org.id}
        campaigns.save_campaign(None, CAMPAIGN, label="Campagne matrice")
        db.session.commit()

    # --- tickets --------------------------------------------------------------------------

    def first(self, *, lean: bool = False) -> dict:
        """A first-level question of the adherent in the IDF delegation queue, with a public
        file, and an internal note of the delegate with its own file (lean: the question only)."""
        n = next(self.serial)
        now = self.now()
        ticket = tickets.open_ticket(
            self.u("adherent"), subject=f"Renouvellement contrat chantier premier {n}",
            body="Peut-on renouveler le contrat ?", now=now, level="first_level")
        if lean:
            return self._ticket(ticket)
        public = self._file(self.u("adherent"), ticket, ticket.messages[0], f"PUBLIC-{n}")
        note = tickets.add_internal_note(self.u("delegate"), ticket,
                                         f"NOTEINTERNE delegation premier {n}", now=now)
        internal = self._file(self.u("delegate"), ticket, note, f"INTERNE-{n}")
        db.session.flush()
        return self._ticket(ticket, note_text=note.body, attachment_id=public,
                            internal_attachment_id=internal)

    def expert(self, *, lean: bool = False) -> dict:
        """An expert question relayed by the relaying delegate, assigned to the jurist, with an
        internal note (lean: without)."""
        n = next(self.serial)
        if lean:
            return self._ticket(self._relayed(f"Rupture contrat chantier expert {n}"))
        ticket = self._relayed(f"Rupture contrat xylophone expert {n}", body=RARE_BODY)
        note = tickets.add_internal_note(self.u("jurist"), ticket,
                                         f"NOTEINTERNE juriste expert {n}", now=self.now())
        return self._ticket(ticket, note_text=note.body)

    def confidential(self, *, lean: bool = False) -> dict:
        """A confidential expert question relayed by the relaying delegate, assigned to the
        jurist, tagged with the campaign, with a public file and an internal note (lean: no
        file, no note)."""
        n = next(self.serial)
        ticket = self._relayed(f"Agression chantier confidentiel {n}", confidential=True)
        campaigns.tag_tickets(self.u("manager"), [ticket.reference], CAMPAIGN, now=self.now())
        if lean:
            return self._ticket(ticket)
        public = self._file(self.u("adherent"), ticket, ticket.messages[0], f"CONF-{n}")
        note = tickets.add_internal_note(self.u("jurist"), ticket,
                                         f"NOTEINTERNE confidentielle {n}", now=self.now())
        db.session.flush()
        return self._ticket(ticket, note_text=note.body, attachment_id=public)

    def answered(self) -> dict:
        """A first-level question the delegate has answered (reopenable, promotable to a note)."""
        n = next(self.serial)
        ticket = tickets.open_ticket(
            self.u("adherent"), subject=f"Duree periode essai premier repondu {n}",
            body="Quelle duree pour la periode d'essai ?", now=self.now(), level="first_level")
        tickets.record_answer(self.u("delegate"), ticket, "La duree est fixee par le contrat.",
                              now=self.now())
        return self._ticket(ticket)

    def confidential_answered(self, *, rare: bool = False) -> dict:
        """A confidential ticket the jurist has answered (its notification waits in the outbox);
        rare: worded like the shared expert ticket, so that it is the most similar to it."""
        n = next(self.serial)
        ticket = self._relayed(
            f"Rupture contrat {'xylophone ' if rare else ''}confidentiel repondu {n}",
            confidential=True, body=RARE_BODY if rare else DEFAULT_BODY)
        tickets.record_answer(self.u("jurist"), ticket, "Voici notre analyse du dossier.",
                              now=self.now())
        return self._ticket(ticket)

    def _relayed(self, subject: str, *, confidential: bool = False,
                 body: str = DEFAULT_BODY) -> Ticket:
        now = self.now()
        ticket = tickets.open_ticket(
            self.u("relaying_delegate"), requester=self.u("adherent"), subject=subject,
            body=body, now=now, level="expert")
        ticket_moves.assign_ticket(self.u("manager"), ticket, self.u("jurist"), now=now)
        if confidential:
            ticket_moves.classify_ticket(self.u("manager"), ticket, now=now, confidential=True)
        db.session.flush()
        return ticket

    def _file(self, actor: User, ticket: Ticket, message, text: str) -> int:
        tickets.attach_files(actor, ticket, [tickets.UploadedFile(
            f"{text.lower()}.txt", "text/plain", FILE_BYTES + text.encode())],
            now=self.now(), message=message)
        db.session.flush()
        return ticket.attachments[-1].id

    @staticmethod
    def _ticket(ticket: Ticket, **extra) -> dict:
        return {"reference": ticket.reference, "subject": ticket.subject, **extra}

    # --- knowledge base -------------------------------------------------------------------

    def note(self, *, status: str = "published", audience: str = "members",
             author: str = "jurist", word: str = "note") -> dict:
        """A KB note in a given state, with a file; the title is unique."""
        n = next(self.serial)
        now = self.now()
        writer = self.u(author)
        item = kb.create_note(writer, now=now, title=f"Fiche {word} matrice {n}",
                              body_markdown=f"Texte de la fiche {word} sur le chantier.",
                              audience=audience, kind="fiche", topics=["contrats"])
        note_attachments.add_note_attachment(writer, item, tickets.UploadedFile(
            "modele.txt", "text/plain", FILE_BYTES + f"-NOTE-{n}".encode()), now=now)
        if status in ("published", "archived"):
            kb.publish_note(self.u("jurist"), item, now=now, confirm_personal_data=True)
        if status == "archived":
            kb.archive_note(self.u("jurist"), item, now=now)
        if status == "in_review":
            kb.submit_for_review(writer, item, now=now)
        db.session.flush()
        return {"note_id": item.id, "title": item.title, "number": 1,
                "attachment_id": item.attachments[0].id}

    def published_with_source(self) -> dict:
        """A published members' note whose source is the shared confidential ticket."""
        made = self.note(word="publiee")
        ticket = ticket_access.get_ticket(self.u("manager"),
                                          self.world.objects["conf"]["reference"])
        ticket_drafts.add_source_ticket(self.u("jurist"), db.session.get(Note, made["note_id"]),
                                        ticket, now=self.now())
        return {**made, "source_reference": ticket.reference}

    # --- administration and intake --------------------------------------------------------

    def target_user(self) -> dict:
        n = next(self.serial)
        user = auth.create_user(None, email=f"cible{n}@example.org", name=f"Cible {n}",
                                role="manager", password_hash="-")
        return {"user_id": user.id, "email": user.email, "name": user.name}

    def organisation(self) -> dict:
        n = next(self.serial)
        org = auth.create_organisation(None, name=f"EI Jetable {n}", kind="EI",
                                       region=auth.get_region("BRE"))
        return {"organisation_id": org.id, "name": org.name}

    def topic(self) -> dict:
        n = next(self.serial)
        topic = tickets.save_topic(None, f"jetable_{n}", label_fr=f"Theme jetable {n}")
        return {"topic_id": topic.id, "code": topic.code, "label": topic.label_fr}

    def quarantined(self) -> dict:
        """An e-mail quarantined because the file store failed; a retry files it."""
        n = next(self.serial)
        config = current_app.config
        saved = config["ATTACHMENTS_DIR"]
        config["ATTACHMENTS_DIR"] = str(self.world.objects["blocked_dir"]["path"])
        try:
            result = intake.ingest_email(raw_email(
                sender=f"Inconnu {n} <inconnu{n}@ailleurs.example>",
                subject=f"Question en quarantaine {n}", message_id=f"quarantaine{n}@matrice",
                attachments=[("a.pdf", "application/pdf", b"%PDF-1.4 x")]),
                now=self.now(), source="test")
        finally:
            config["ATTACHMENTS_DIR"] = saved
        assert result.outcome.value == "quarantined", result
        return {"inbound_id": result.inbound_id, "raw": f"Question en quarantaine {n}"}

    def confidential_inbound(self) -> dict:
        """The adherent's e-mail reply, filed on the shared confidential ticket."""
        conf = self.world.objects["conf"]
        result = intake.ingest_email(raw_email(
            sender=f"Matrice adherent <{self.u('adherent').email}>",
            subject=f"Re: [{conf['reference']}] {conf['subject']}",
            body="COURRIELCONFIDENTIEL complement du dossier", message_id="reponse@matrice"),
            now=self.now(), source="test")
        assert result.reference == conf["reference"], result
        return {"inbound_id": result.inbound_id, "raw": "COURRIELCONFIDENTIEL"}

    def policy(self) -> dict:
        """The current normal × expert SLA targets (an admin saves them unchanged)."""
        current = next(p for p in sla.list_policies()
                       if p.priority == "normal" and p.level == "expert")
        return {"priority": "normal", "level": "expert",
                "first_response_hours": current.first_response_seconds / 3600,
                "resolution_hours": current.resolution_seconds / 3600}


def build_world(blocked_dir) -> World:
    """Create every user and shared object once; return the world (everything committed)."""
    world = World()
    make = Builder(world)
    make.people()
    objects, factories = world.objects, world.factories
    objects["blocked_dir"] = {"path": blocked_dir}
    kinds = {
        "first": make.first, "expert": make.expert, "conf": make.confidential,
        "answered": make.answered, "conf_answered": make.confidential_answered,
        "draft": lambda: make.note(status="draft", author="delegate", word="brouillon"),
        "review": lambda: make.note(status="in_review", author="delegate", word="relecture"),
        "archived": lambda: make.note(status="archived", word="archivee"),
        "note_public": lambda: make.note(audience="public", word="publique"),
        "note_staff": lambda: make.note(audience="staff", word="equipe"),
        "target_user": make.target_user, "organisation": make.organisation,
        "topic": make.topic, "quarantined": make.quarantined,
    }
    for name, factory in kinds.items():
        objects[name] = factory()
        factories[name] = factory
        db.session.commit()
    for name in ("first", "expert", "conf"):  # fresh ones need no files or notes
        factories[name] = functools.partial(kinds[name], lean=True)
    objects["conf_answered"] = make.confidential_answered(rare=True)
    objects["note_pub"] = make.published_with_source()
    factories["note_pub"] = lambda: make.note(word="publiee")
    objects["conf_inbound"] = make.confidential_inbound()
    objects["policy"] = make.policy()
    db.session.commit()
    _derived(objects)
    index_queue.apply_after_commit(list(db.session.scalars(select(Note.id))), make.now())
    return world


def _derived(objects: dict) -> None:
    """Objects that are another object seen through one of its parameters."""
    first = objects["first"]
    objects["first_file"] = {**first, "file": "PUBLIC"}
    objects["first_note_file"] = {**first, "attachment_id": first["internal_attachment_id"],
                                  "file": "INTERNE"}
    objects["conf_file"] = {**objects["conf"], "file": "CONF"}
    objects["region"] = {"region_id": db.session.scalar(
        select(Region.id).where(Region.code == "BRE"))}
    objects["campaign"] = {"code": CAMPAIGN, "conf_subject": objects["conf"]["subject"]}
    objects["topic_any"] = {"topic_id": db.session.scalar(select(Topic.id).limit(1))}
