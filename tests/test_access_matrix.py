"""The access matrix: every route × every role × GET and the state-changing POSTs.

Each Row of ROUTES is one URL rule, one method and one object (someone else's ticket, a
confidential ticket, a file, an internal note, a KB draft, an export...), with the expected
answer of each role in ROLES order (tests/access_world.py says who each role is):

    login   redirect to the log-in page             200    the page (shows the row's marker)
    200+    the page shows the marker and secret    200-   the page shows the marker, not secret
    302     a redirect (not to log-in)              302>/p a redirect to a path starting with /p
    done    allowed and carried out (run on a fresh object, the shared one never changes)
    deny    refused by a service: a redirect with an error message
    meta    the metadata-only page: 200 with the reference, neither the marker nor the secret
    400 403 404 405 409 ...   that status

Every answer except `done` must leave the database unchanged: the request commits no write.
The world is built once per module; a `done` cell acts on a new object (Row.fresh), so rows
do not depend on their order. An expected refusal that wrongly succeeds changes the shared
object: read the first failure first.

To add a route, add one Row per method (and per kind of object it touches), e.g. for a
"log out everywhere" button:

    Row("POST", "/account/sessions/revoke", own_client=True,
        expect="login done  done  done  done  done  done  done  done  done  done  done"),

URL parameters come from the row's object (`reference`, `note_id`, `attachment_id`, ...) and
from `params`; `data` builds the form (or `json`) body. test_every_route_has_a_row fails with
the rule's name when a route has no row, test_every_row_names_a_route when a row's route is
gone (a route that changed its method); new kinds of objects go in tests/access_world.py.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from tests.access_world import CAMPAIGN, ROLES, World, build_world
from tests.conftest import FreshContextClient, empty_tables, login

TOKENS = re.compile(r"^(login|200[+-]?|302(>/\S*)?|done|deny|meta|[1-5]\d\d)$")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Row:
    """One line of the matrix: a rule, a method, an object and the answer of every role."""

    method: str
    rule: str
    obj: str | None = None
    params: dict = field(default_factory=dict)
    expect: str = ""
    query: dict | None = None
    data: Callable[[World, dict], dict] | None = None
    json: Callable[[World, dict], dict] | None = None
    marker: str | None = None  # text (a key of the object, or "object.key") the page shows
    secret: str | None = None  # text that 200+ shows and 200- must not show
    # Which object `done` cells act on: "cell" a new one each; "row" one new object for the
    # whole row (the action can be repeated by each allowed role in turn); "shared" the shared
    # object itself (the change cannot alter another cell's answer).
    fresh: str = "cell"
    own_client: bool = False  # log each role in on a new client (the request logs it out)
    ends_sessions: bool = False  # the request ends every session of the user: log in again

    def expected(self) -> dict[str, str]:
        """{role: expected answer}."""
        tokens = self.expect.split()
        if len(tokens) != len(ROLES) or not all(TOKENS.match(t) for t in tokens):
            raise ValueError(f"{self.name}: expect needs {len(ROLES)} tokens, got {tokens}")
        return dict(zip(ROLES, tokens, strict=True))

    @property
    def name(self) -> str:
        extra = " ".join(f"{v}" for v in self.params.values())
        return " ".join(p for p in (self.method, self.rule, self.obj or "", extra) if p)


def form(**fields) -> Callable[[World, dict], dict]:
    """A constant form body."""
    return lambda world, obj: dict(fields)


REASON = form(reason="Motif de la matrice")
MESSAGE = form(body="Message de la matrice", status="answered")


def _assign(world: World, obj: dict) -> dict:
    return {"assignee": str(world.users["jurist"])}


def _classify(confidential: bool, level: str) -> Callable[[World, dict], dict]:
    fields = {"topic": "", "level": level, "priority": "normal", "reason": "Correction"}
    return form(**fields, **({"confidential": "y"} if confidential else {}))


def _log_call(world: World, obj: dict) -> dict:
    local = (utcnow() - timedelta(hours=1)).replace(tzinfo=ZoneInfo("UTC"))
    return {"organisation": str(world.objects["organisation_a"]["organisation_id"]),
            "requester": "", "channel": "phone", "topic": "",
            "received_at": local.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M"),
            "subject": "Appel de la matrice", "body": "Question posee au telephone."}


def _unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def _note_fields(world: World, obj: dict) -> dict:
    return {"title": _unique("Note matrice "), "body_markdown": "Texte de la note.",
            "audience": "members", "kind": "note", "summary": "", "tags": "", "sources": "",
            "change_summary": "matrice"}


def _upload(world: World, obj: dict) -> dict:
    return {"file": (io.BytesIO(b"contenu"), "ajout.txt")}


def _campaign(world: World, obj: dict) -> dict:
    return {"code": _unique("camp-"), "label": "Campagne", "keywords": "", "canned_answer": "",
            "note_url": ""}


def _campaign_answer(world: World, obj: dict) -> dict:
    return {"body": "Reponse groupee de la matrice", "references": [obj["reference"]]}


def _user_form(world: World, obj: dict) -> dict:
    return {"email": obj.get("email") or _unique("nouveau") + "@example.org",
            "name": "Utilisateur matrice", "role": "manager", "organisation": "", "region": "",
            "specialty": "", "phone": "", "locale": "fr", "password": "mot-de-passe-long",
            "active": "y"}


def _organisation_form(world: World, obj: dict) -> dict:
    return {"name": obj.get("name") or _unique("EI Nouvelle "), "kind": "EI", "region": "",
            "territory": "", "email_domains": "", "phone_numbers": "", "parent": "",
            "active": "y"}


def _topic_form(world: World, obj: dict) -> dict:
    return {"code": obj.get("code") or _unique("nouveau_"), "label_fr": "Theme matrice",
            "label_en": "", "default_level": "expert", "specialty": "", "keywords": "",
            "active": "y"}


def _opened(world: World, obj: dict) -> dict:
    return {"note_id": obj["note_id"], "session": secrets.token_urlsafe(18)}


def _suggest(question: str) -> Callable[[World, dict], dict]:
    return lambda world, obj: {"q": question, "session": secrets.token_urlsafe(18)}


def _policy(world: World, obj: dict) -> dict:
    return dict(world.objects["policy"])


# The matrix. Columns (see access_world.ROLES):
#   anon   adh    coll   oadh   ges    del    odel   rdel   jur    ojur   man    adm
# anonymous, adherent (requester), colleague (same organisation), other_adherent, ges_adherent
# (parent GES), delegate (region IDF), other_delegate (BRE), relaying_delegate, jurist
# (assigned), other_jurist, manager, admin.
ROUTES: list[Row] = [
    # --- log-in, language, home -----------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/login",
        expect="200   200   200   200   200   200   200   200   200   200   200   200"),
    Row("POST", "/login", data=form(email="", password=""), own_client=True,  # tests/auth
        expect="200   200   200   200   200   200   200   200   200   200   200   200"),
    Row("POST", "/logout", own_client=True, ends_sessions=True,
        expect="login done  done  done  done  done  done  done  done  done  done  done"),
    Row("POST", "/lang/<code>", params={"code": "fr"}, data=form(next="/"),
        expect="302   302   302   302   302   302   302   302   302   302   302   302"),
    Row("GET", "/", expect=(
        "login 302>/tickets 302>/tickets 302>/tickets 302>/tickets 302>/queue/delegation "
        "302>/queue/delegation 302>/queue/delegation 302>/queue/national 302>/queue/national "
        "302>/queue/national 302>/admin/")),
    Row("GET", "/static/<path:filename>", params={"filename": "legaldesk.css"},
        expect="200   200   200   200   200   200   200   200   200   200   200   200"),
    Row("GET", "/static/<path:filename>", params={"filename": "../__init__.py"},
        expect="404   404   404   404   404   404   404   404   404   404   404   404"),

    # --- the adherent's pages ---------------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/tickets", "first", secret="subject",
        expect="login 200+  200+  200-  200+  200-  200-  200-  200-  200-  200-  200-"),
    Row("GET", "/tickets", "conf", secret="subject",
        expect="login 200+  200-  200-  200-  200-  200-  200-  200-  200-  200-  200-"),
    Row("GET", "/tickets/new",
        expect="login 200   200   200   200   200   200   200   200   200   200   200"),
    Row("POST", "/tickets/new", data=form(subject="Question matrice", body="Texte."),
        expect="login done  done  done  done  done  done  done  done  done  done  done"),

    # --- a ticket page: thread, internal notes, files ---------------------------------------
    # Domain §9 (need-to-know): a confidential ticket is read by its assigned jurist and the
    # managers (and its requester); the region's delegates, the relaying delegate, other
    # jurists and admins see its metadata only (admins may break the glass, audited). The
    # region's delegates also see metadata of its expert tickets.
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/tickets/<reference>", "first", marker="subject", secret="note_text",
        expect="login 200-  200-  404   200-  200+  404   200+  200+  200+  200+  200+"),
    Row("GET", "/tickets/<reference>", "expert", marker="subject", secret="note_text",
        expect="login 200-  200-  404   200-  meta  404   200+  200+  200+  200+  200+"),
    # The staff panel lists similar answered tickets: never a confidential one to others.
    Row("GET", "/tickets/<reference>", "expert", marker="subject",
        secret="conf_answered.subject",
        expect="login 200-  200-  404   200-  meta  404   200-  200+  200-  200+  200-"),
    Row("GET", "/tickets/<reference>", "conf", marker="subject", secret="note_text",
        expect="login 200-  404   404   404   meta  404   meta  200+  meta  200+  meta"),
    Row("GET", "/tickets/<reference>/attachments/<int:attachment_id>", "first_file",
        marker="file",
        expect="login 200   200   404   200   200   404   200   200   200   200   200"),
    Row("GET", "/tickets/<reference>/attachments/<int:attachment_id>", "first_note_file",
        marker="file",
        expect="login 404   404   404   404   200   404   200   200   200   200   200"),
    Row("GET", "/tickets/<reference>/attachments/<int:attachment_id>", "conf_file",
        marker="file",
        expect="login 200   404   404   404   404   404   404   200   404   200   404"),

    # --- writing on a ticket ----------------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("POST", "/tickets/<reference>/reply", "first", data=MESSAGE, fresh="row",
        expect="login done  done  404   done  deny  404   deny  deny  deny  deny  deny"),
    Row("POST", "/tickets/<reference>/reply", "conf", data=MESSAGE, fresh="row",
        expect="login done  404   404   404   404   404   404   deny  404   deny  404"),
    Row("POST", "/tickets/<reference>/answer", "first", data=MESSAGE, fresh="row",
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/answer", "expert", data=MESSAGE, fresh="row",
        expect="login deny  deny  404   deny  404   404   deny  done  done  done  done"),
    Row("POST", "/tickets/<reference>/answer", "conf", data=MESSAGE, fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/note", "first", data=MESSAGE, fresh="row",
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/note", "conf", data=MESSAGE, fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),

    # --- ticket actions (/tickets/<reference>/<action_name>) --------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "claim"},
        data=REASON,
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "claim"},
        data=REASON,  # already assigned: a conflict for whoever may work on it
        expect="login deny  404   404   404   404   404   404   deny  404   deny  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "assign"},
        data=_assign,
        expect="login deny  deny  404   deny  deny  404   deny  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "assign"},
        data=_assign,
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "status"},
        data=form(status="in_progress"), fresh="row",
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "status"},
        data=form(status="in_progress"), fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "escalate"},
        data=REASON,
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "escalate"},
        data=REASON,  # already with the jurists: a conflict for whoever may move it
        expect="login deny  404   404   404   404   404   404   deny  404   deny  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "deescalate"},
        data=REASON, fresh="row",
        expect="login deny  deny  404   deny  deny  404   deny  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "deescalate"},
        data=REASON, fresh="row",
        expect="login deny  404   404   404   404   404   404   deny  404   deny  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "classify"},
        data=_classify(False, "first_level"), fresh="row",
        expect="login deny  deny  404   deny  deny  404   deny  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "classify"},
        data=_classify(True, "expert"), fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "close"},
        data=REASON, fresh="row",
        expect="login done  done  404   done  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "expert", {"action_name": "close"},
        data=REASON, fresh="row",
        expect="login done  done  404   done  404   404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "close"},
        data=REASON, fresh="row",
        expect="login done  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "answered", {"action_name": "reopen"},
        data=REASON,
        expect="login done  done  404   done  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf_answered",
        {"action_name": "reopen"}, data=REASON,
        expect="login done  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "urgency"},
        data=form(urgent="1", reason="Echeance proche"), fresh="row",
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "urgency"},
        data=form(urgent="1", reason="Echeance proche"), fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "campaign"},
        data=form(campaign=CAMPAIGN), fresh="row",
        expect="login deny  deny  404   deny  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "campaign"},
        data=form(campaign=CAMPAIGN), fresh="row",
        expect="login deny  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "callback"},
        data=REASON, fresh="row",
        expect="login done  done  404   done  done  404   done  done  done  done  done"),
    Row("POST", "/tickets/<reference>/<action_name>", "conf", {"action_name": "callback"},
        data=REASON, fresh="row",
        expect="login done  404   404   404   404   404   404   done  404   done  404"),
    Row("POST", "/tickets/<reference>/<action_name>", "first", {"action_name": "frobnicate"},
        data=REASON,
        expect="login 404   404   404   404   404   404   404   404   404   404   404"),

    # --- staff queues, phone log, campaigns -------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/queue/<name>", "first", {"name": "delegation"}, secret="subject",
        expect="login 403   403   403   403   200+  200-  200+  200+  200+  200+  200+"),
    Row("GET", "/queue/<name>", "expert", {"name": "national"}, secret="subject",
        expect="login 403   403   403   403   403   403   403   200+  200+  200+  200+"),
    Row("GET", "/queue/<name>", "conf", {"name": "national"}, secret="subject",
        expect="login 403   403   403   403   403   403   403   200+  200-  200+  200-"),
    Row("GET", "/queue/<name>", params={"name": "frobnicate"},
        expect="login 403   403   403   403   404   404   404   404   404   404   404"),
    Row("GET", "/staff/log",
        expect="login 403   403   403   403   200   200   200   200   200   200   200"),
    Row("POST", "/staff/log", data=_log_call,  # organisation A is in IDF
        expect="login 403   403   403   403   done  403   done  done  done  done  done"),
    Row("GET", "/campaigns",
        expect="login 403   403   403   403   200   200   200   200   200   200   200"),
    Row("POST", "/campaigns", data=_campaign,
        expect="login 403   403   403   403   deny  deny  deny  done  done  done  done"),
    Row("GET", "/campaigns/<code>", "conf", {"code": CAMPAIGN}, secret="subject",
        expect="login 403   403   403   403   200-  200-  200-  200+  200-  200+  200-"),
    Row("GET", "/campaigns/<code>", params={"code": "inconnue"},
        expect="login 403   403   403   403   404   404   404   404   404   404   404"),
    Row("POST", "/campaigns/<code>", "conf", {"code": CAMPAIGN}, data=_campaign_answer,
        expect="login 403   403   403   403   deny  deny  deny  done  deny  done  deny"),

    # --- knowledge base: search and suggestions -------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/kb/", "draft", secret="title",  # "my drafts" lists the author's own
        expect="200-  200-  200-  200-  200-  200+  200-  200-  200-  200-  200-  200-"),
    Row("GET", "/kb/", "draft", query={"q": "brouillon matrice", "all": "1"}, secret="title",
        expect="200-  200-  200-  200-  200-  200-  200-  200-  200+  200+  200+  200+"),
    Row("POST", "/kb/suggest", "draft", json=_suggest("fiche brouillon matrice chantier"),
        secret="title",
        expect="200-  200-  200-  200-  200-  200-  200-  200-  200-  200-  200-  200-"),
    Row("POST", "/kb/suggest", "note_pub", json=_suggest("fiche publiee matrice chantier"),
        secret="title",  # a members' note: never suggested to anonymous visitors
        expect="200-  200+  200+  200+  200+  200+  200+  200+  200+  200+  200+  200+"),
    Row("POST", "/kb/suggest/opened", "note_pub", json=_opened, fresh="shared",
        expect="login done  done  done  done  done  done  done  done  done  done  done"),
    Row("POST", "/kb/suggest/opened", "draft", json=_opened, fresh="shared",
        expect="login 404   404   404   404   done  404   404   done  done  done  done"),

    # --- knowledge base: notes --------------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/kb/notes/<int:note_id>", "note_public", marker="title",
        expect="200   200   200   200   200   200   200   200   200   200   200   200"),
    # Staff see a note's source tickets, but only those they may see (here: confidential).
    Row("GET", "/kb/notes/<int:note_id>", "note_pub", marker="title",
        secret="source_reference",
        expect="404   200-  200-  200-  200-  200-  200-  200-  200+  200-  200+  200-"),
    Row("GET", "/kb/notes/<int:note_id>", "note_staff", marker="title",
        expect="404   404   404   404   404   200   200   200   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>", "draft", marker="title",
        expect="404   404   404   404   404   200   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>", "review", marker="title",
        expect="404   404   404   404   404   200   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>", "archived", marker="title",
        expect="404   404   404   404   404   404   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>/attachments/<int:attachment_id>", "note_pub",
        expect="404   200   200   200   200   200   200   200   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>/attachments/<int:attachment_id>", "draft",
        expect="404   404   404   404   404   200   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/new",
        expect="login 403   403   403   403   200   200   200   200   200   200   200"),
    Row("POST", "/kb/notes/new", data=_note_fields,
        expect="login 403   403   403   403   done  done  done  done  done  done  done"),
    Row("GET", "/kb/notes/<int:note_id>/edit", "draft", marker="title",
        expect="login 403   403   403   403   200   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>/edit", "note_pub",
        expect="login 403   403   403   403   403   403   403   200   200   200   200"),
    Row("POST", "/kb/notes/<int:note_id>/edit", "draft", data=_note_fields, fresh="row",
        expect="login 403   403   403   403   done  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/edit", "note_pub", data=_note_fields, fresh="row",
        expect="login 403   403   403   403   403   403   403   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "draft", {"action_name": "submit"},
        data=REASON,
        expect="login 403   403   403   403   done  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "review", {"action_name": "return"},
        data=REASON,
        expect="login 403   403   403   403   deny  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "draft", {"action_name": "publish"},
        data=form(confirm="y"),
        expect="login 403   403   403   403   deny  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "note_pub",
        {"action_name": "archive"}, data=REASON,
        expect="login 403   403   403   403   deny  deny  deny  done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "archived", {"action_name": "reopen"},
        data=REASON,
        expect="login 403   403   403   403   404   404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "draft", {"action_name": "delete"},
        data=REASON,
        expect="login 403   403   403   403   done  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/<action_name>", "note_pub",
        {"action_name": "frobnicate"}, data=REASON,
        expect="login 403   403   403   403   404   404   404   404   404   404   404"),
    Row("GET", "/kb/notes/<int:note_id>/revisions", "draft", marker="title",
        expect="login 403   403   403   403   200   404   404   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>/revisions", "note_pub", marker="title",
        expect="login 403   403   403   403   200   200   200   200   200   200   200"),
    Row("GET", "/kb/notes/<int:note_id>/revisions/<int:number>", "draft", marker="title",
        expect="login 403   403   403   403   200   404   404   200   200   200   200"),
    Row("POST", "/kb/notes/<int:note_id>/revisions/<int:number>/restore", "note_pub",
        expect="login 403   403   403   403   403   403   403   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/attachments", "draft", data=_upload, fresh="row",
        expect="login 403   403   403   403   done  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/attachments", "note_pub", data=_upload, fresh="row",
        expect="login 403   403   403   403   deny  deny  deny  done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/attachments/<int:attachment_id>/delete", "draft",
        expect="login 403   403   403   403   done  404   404   done  done  done  done"),
    Row("POST", "/kb/notes/<int:note_id>/sources", "draft",
        data=lambda w, o: {"reference": w.objects["conf"]["reference"]},
        expect="login 403   403   403   403   deny  404   404   done  deny  done  deny"),
    Row("GET", "/kb/review", "draft", secret="title",
        expect="login 403   403   403   403   403   403   403   200+  200+  200+  200+"),
    Row("POST", "/kb/from-ticket/<reference>", "answered",
        expect="login 403   403   403   403   done  404   done  done  done  done  done"),
    Row("POST", "/kb/from-ticket/<reference>", "conf_answered",
        expect="login 403   403   403   403   404   404   404   done  404   done  404"),
    Row("GET", "/kb/tickets/<reference>/related", "expert", secret="conf_answered.subject",
        expect="login 403   403   403   403   404   404   200-  200+  200-  200+  200-"),

    # --- reports and exports ----------------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/sla/",
        expect="login 403   403   403   403   403   403   403   200   200   200   200"),
    Row("GET", "/sla/export/<name>.csv", "first", {"name": "tickets"}, marker="reference",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("GET", "/sla/export/<name>.csv", params={"name": "all"},
        expect="login 403   403   403   403   403   403   403   200   200   200   200"),
    Row("GET", "/sla/annual",
        expect="login 403   403   403   403   403   403   403   200   200   200   200"),
    Row("GET", "/sla/annual/<int:year>", params={"year": utcnow().year - 1},
        expect="login 403   403   403   403   403   403   403   200   200   200   200"),
    Row("GET", "/sla/policies",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/sla/policies", data=_policy, fresh="shared",  # saves the current values again
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),

    # --- administration and intake ----------------------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    # --- account security: second factor, reset and invitation links --------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/login/code",
        expect="302>/login 302>/login 302>/login 302>/login 302>/login 302>/login 302>/login "
               "302>/login 302>/login 302>/login 302>/login 302>/login"),
    Row("POST", "/login/code", data=form(code="000000"),
        expect="302>/login 302>/login 302>/login 302>/login 302>/login 302>/login 302>/login "
               "302>/login 302>/login 302>/login 302>/login 302>/login"),
    Row("GET", "/forgot",
        expect="200   200   200   200   200   200   200   200   200   200   200   200"),
    Row("POST", "/forgot", data=form(email="personne@example.org"),
        expect="done  done  done  done  done  done  done  done  done  done  done  done"),
    Row("GET", "/reset/<token>", params={"token": "lien-invalide"},
        expect="404   404   404   404   404   404   404   404   404   404   404   404"),
    Row("POST", "/reset/<token>", params={"token": "lien-invalide"},
        data=form(password="un-mot-de-passe-tres-long", confirm="un-mot-de-passe-tres-long"),
        expect="404   404   404   404   404   404   404   404   404   404   404   404"),
    Row("GET", "/invitation/<token>", params={"token": "lien-invalide"},
        expect="404   404   404   404   404   404   404   404   404   404   404   404"),
    Row("POST", "/invitation/<token>", params={"token": "lien-invalide"},
        data=form(password="un-mot-de-passe-tres-long", confirm="un-mot-de-passe-tres-long"),
        expect="404   404   404   404   404   404   404   404   404   404   404   404"),
    Row("GET", "/account/two-factor",  # staff: a pending secret is stored for enrolment
        expect="login 403   403   403   403   done  done  done  done  done  done  done"),
    Row("POST", "/account/two-factor", data=form(code="000000"),  # a wrong code
        expect="login deny  deny  deny  deny  deny  deny  deny  deny  deny  deny  deny"),
    Row("POST", "/account/two-factor/recovery-codes", data=form(code="000000"),
        expect="login deny  deny  deny  deny  deny  deny  deny  deny  deny  deny  deny"),
    Row("POST", "/account/two-factor/disable", data=form(password="x", code="000000"),
        expect="login deny  deny  deny  deny  deny  deny  deny  deny  deny  deny  deny"),
    Row("POST", "/admin/users/<int:user_id>/invite", "target_user",
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("POST", "/admin/users/<int:user_id>/two-factor/remove", "target_user",
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("POST", "/admin/users/<int:user_id>/end-sessions", "target_user",  # not a role's user
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),

    # --- in-app notifications: each person's own ------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/notifications",
        expect="login 403   403   403   403   200   200   200   200   200   200   200"),
    Row("POST", "/notifications/<int:notification_id>/read",
        params={"notification_id": 987654},  # nobody's: each reads only their own
        expect="login 403   403   403   403   404   404   404   404   404   404   404"),
    Row("POST", "/notifications/read-all",
        expect="login 403   403   403   403   done  done  done  done  done  done  done"),
    Row("POST", "/notifications/preferences", data=form(email="digest"), own_client=True,
        expect="login 403   403   403   403   done  done  done  done  done  done  done"),

    # --- break-glass: an admin reads a confidential ticket, with a reason, audited ----------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("POST", "/tickets/<reference>/break-glass", "conf", data=form(reason=""),
        expect="login 403   403   403   403   403   403   403   403   403   403   deny"),

    # --- on-call rota (managers; admins administer) ---------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/oncall",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("POST", "/oncall", data=form(week="", jurist="", backup=""),  # no week: refused
        expect="login 403   403   403   403   403   403   403   403   403   deny  deny"),

    # --- audit log (managers; admins administer) -------------------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/audit/",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("GET", "/audit/export.csv",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),

    # --- privacy: retention periods (managers; admins pass) ---------------------------------
    # roles:         anon  adh   coll  oadh  ges   del   odel  rdel  jur   ojur  man   adm
    Row("GET", "/privacy/retention",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("POST", "/privacy/retention", data=form(raw_inbound="90", closed_ticket_content="1826",
                                                contacts="1095", audit_log="1826", outbox="365"),
        expect="login 403   403   403   403   403   403   403   403   403   302   302"),
    Row("GET", "/privacy/people",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("POST", "/privacy/people", data=form(email="personne@matrice.invalid"),
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),
    Row("POST", "/privacy/people/export", data=form(email="personne@matrice.invalid"),
        expect="login 403   403   403   403   403   403   403   403   403   302   302"),
    Row("POST", "/privacy/people/erase", data=form(email="personne@matrice.invalid"),
        expect="login 403   403   403   403   403   403   403   403   403   302   302"),
    Row("GET", "/privacy/register",
        expect="login 403   403   403   403   403   403   403   403   403   200   200"),

    Row("GET", "/admin/",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("GET", "/admin/users/new",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/users/new", data=_user_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/users/<int:user_id>", "target_user", marker="name",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/users/<int:user_id>", "target_user", data=_user_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/organisations/new",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/organisations/new", data=_organisation_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/organisations/<int:organisation_id>", "organisation", marker="name",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/organisations/<int:organisation_id>", "organisation",
        data=_organisation_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/regions/<int:region_id>", "region",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/regions/<int:region_id>", "region", fresh="shared",  # unchanged values
        data=form(name="Bretagne", aliases="", timezone="Europe/Paris", holidays_subdiv="",
                  active="y"),
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/topics/new",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/topics/new", data=_topic_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    Row("GET", "/admin/topics/<int:topic_id>", "topic", marker="label",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    Row("POST", "/admin/topics/<int:topic_id>", "topic", data=_topic_form,
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    # Admins administer: the outbox never shows a confidential ticket's subject.
    Row("GET", "/admin/outbox", "conf_answered", secret="subject",
        expect="login 403   403   403   403   403   403   403   403   403   403   200-"),
    Row("GET", "/admin/quarantine", "quarantined", secret="raw",
        expect="login 403   403   403   403   403   403   403   403   403   403   200+"),
    Row("GET", "/admin/quarantine/<int:inbound_id>/raw", "quarantined", marker="raw",
        expect="login 403   403   403   403   403   403   403   403   403   403   200"),
    # A filed e-mail's source is the ticket's content: not for admins when confidential.
    Row("GET", "/admin/quarantine/<int:inbound_id>/raw", "conf_inbound",
        expect="login 403   403   403   403   403   403   403   403   403   403   404"),
    Row("POST", "/admin/quarantine/<int:inbound_id>/retry", "quarantined",
        expect="login 403   403   403   403   403   403   403   403   403   403   done"),
    # Machine doors: a session never replaces the shared secret or the Twilio signature.
    Row("POST", "/webhooks/email/inbound", data=form(email="From: x@example.org\n\nx"),
        expect="403   403   403   403   403   403   403   403   403   403   403   403"),
    Row("POST", "/webhooks/twilio/whatsapp", data=form(From="whatsapp:+33600000000", Body="x"),
        expect="403   403   403   403   403   403   403   403   403   403   403   403"),
    Row("POST", "/webhooks/twilio/status", data=form(MessageSid="SM1", MessageStatus="read"),
        expect="403   403   403   403   403   403   403   403   403   403   403   403"),
]


# --- the harness ------------------------------------------------------------------------------


class Matrix:
    """The module's app, world and one logged-in client per role."""

    def __init__(self, app, world: World):
        self.app = app
        self.world = world
        self.clients = {role: self.new_client(role) for role in ROLES}
        self.writes = WriteWatch(db.engine)

    def new_client(self, role: str):
        client = self.app.test_client()
        if role != "anonymous":
            login(client, self.world.user(role))
        return client


@pytest.fixture(scope="module")
def matrix(_schema_app, tmp_path_factory):
    """One database for the whole module: the world is built once, emptied at the end."""
    from legaldesk.tickets.seed import seed_reference_data

    app = _schema_app
    tmp = tmp_path_factory.mktemp("matrix")
    saved = {key: app.config[key] for key in ("ATTACHMENTS_DIR", "KB_INDEX_DIR",
                                              "PASSWORD_RESET_IP_MAX_REQUESTS")}
    app.config.update(ATTACHMENTS_DIR=str(tmp / "attachments"), KB_INDEX_DIR=str(tmp / "kb"),
                      PASSWORD_RESET_IP_MAX_REQUESTS=1000)  # every role asks from one address
    app.test_client_class = FreshContextClient
    forget_process_state(app)  # user ids repeat across modules: start with fresh counts
    blocked = tmp / "not-a-folder"
    blocked.write_text("")
    with app.app_context():
        seed_reference_data()
        db.session.commit()
        world = build_world(blocked)
        built = Matrix(app, world)
    yield built
    with app.app_context():
        built.writes.close()
        db.session.remove()
        empty_tables()
    app.config.update(saved)
    forget_process_state(app)


def forget_process_state(app) -> None:
    """Close this module's search index and forget its suggestion rate counts."""
    index = app.extensions.pop("kb_index", None)
    if index is not None:
        index.close()
    app.extensions.pop("kb_suggest_limiter", None)


@pytest.fixture
def ctx(matrix):
    """An app context for the test body (fresh objects); each request gets its own."""
    with matrix.app.app_context():
        yield matrix
        db.session.rollback()


def fill(rule: str, values: dict) -> str:
    """The rule with its <converter:name> parts replaced by values[name]."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{rule}: no value for <{name}> (give the row an object or params)")
        return str(values[name])
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule)


NOT_CHANGES = frozenset({"audit_log", "kb_suggestion_events", "login_throttles", "temp"})
READ_MARKS = ("UPDATE", "notifications")  # opening a ticket marks the reader's own notices read


class WriteWatch:
    """The INSERT/UPDATE/DELETE statements committed while a request runs, as "VERB table".

    Statements are kept per connection and count only once their transaction commits (a
    service that writes, then refuses, is rolled back: nothing changed).
    """

    DML = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
    KEY = "access_matrix_writes"

    def __init__(self, engine):
        self.engine = engine
        self.committed: list[str] = []
        self.listeners = (("after_cursor_execute", self.executed), ("commit", self.commit),
                          ("rollback", self.rollback))
        for name, listener in self.listeners:
            event.listen(engine, name, listener)

    def executed(self, conn, cursor, statement, parameters, context, executemany) -> None:
        match = self.DML.match(statement)
        # Not changes: an audit entry records a read (a confidential ticket, an export), a
        # suggestion event counts what was shown, a throttle counts failures, a report sorts in
        # temporary tables.
        if match and cursor.rowcount != 0 and match[2] not in NOT_CHANGES and \
                (match[1].split()[0].upper(), match[2]) != READ_MARKS:
            conn.info.setdefault(self.KEY, []).append(f"{match[1].split()[0]} {match[2]}")

    def commit(self, conn) -> None:
        self.committed += conn.info.pop(self.KEY, [])

    def rollback(self, conn) -> None:
        conn.info.pop(self.KEY, None)

    def close(self) -> None:
        for name, listener in self.listeners:
            event.remove(self.engine, name, listener)


def pop_flashes(client) -> list[tuple[str, str]]:
    """The flash messages the request left in the session (removed)."""
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


def text_of(world: World, obj: dict, ref: str) -> str:
    """A text named by a row: a key of its object, or "object.key"."""
    if "." in ref:
        name, key = ref.split(".", 1)
        return str(world.objects[name][key])
    return str(obj[ref])


def run_cell(matrix: Matrix, row: Row, role: str, token: str, made: dict) -> str | None:
    """Play one cell; None when the answer is the expected one, else what happened.

    `made` keeps the row's own fresh object (for rows with fresh="row")."""
    world = matrix.world
    allowed = token == "done"
    obj = world.objects[row.obj] if row.obj else {}
    if row.obj and allowed and row.fresh == "cell":
        obj = world.fresh(row.obj)
    elif row.obj and allowed and row.fresh == "row":
        if "object" not in made:
            made["object"] = world.fresh(row.obj)
        obj = made["object"]
    url = fill(row.rule, {**obj, **row.params})
    client = matrix.new_client(role) if row.own_client else matrix.clients[role]
    kwargs = {"query_string": row.query}
    if row.data:
        kwargs["data"] = row.data(world, obj)
    if row.json:
        kwargs["json"] = row.json(world, obj)
    db.session.commit()  # the test body's own writes are not the request's
    matrix.writes.committed.clear()
    response = client.open(url, method=row.method, **kwargs)
    writes = list(matrix.writes.committed)
    flashes = pop_flashes(client) if response.status_code in (302, 303) else []
    try:
        problem = judge(token, response, flashes, row, world, obj)
    finally:
        response.close()
    if problem is None and writes and not allowed:
        problem = f"the database changed: {sorted(set(writes))}"
    if problem:
        errors = [m for c, m in flashes if c == "error"]
        location = response.headers.get("Location", "")
        return (f"{role}: expected {token}, got {response.status_code} {location} "
                f"{errors or ''} ({problem}) at {row.method} {url}")
    return None


def judge(token: str, response, flashes, row: Row, world: World, obj: dict) -> str | None:
    """Why the response does not match the token (None when it does)."""
    status = response.status_code
    target = urlsplit(response.headers.get("Location", ""))
    to_login = status == 302 and target.path == "/login" and "next=" in target.query
    errors = [m for category, m in flashes if category == "error"]
    if token == "login":
        return None if to_login else "not sent to log in"
    if token == "done":
        if 200 <= status < 300 or (status in (302, 303) and not to_login and not errors):
            return None
        return "not carried out"
    if token == "deny":
        return None if status == 302 and not to_login and errors else "no refusal message"
    if token.startswith("302"):
        prefix = token[4:]
        if status == 302 and not to_login and target.path.startswith(prefix):
            return None
        return "not the expected redirect"
    if token.startswith("200"):
        return judge_page(token, response, row, world, obj)
    if token == "meta":
        return judge_metadata(response, row, world, obj)
    return None if status == int(token) else "wrong status"


def judge_metadata(response, row: Row, world: World, obj: dict) -> str | None:
    """A metadata-only page: 200, the reference shown, neither the marker nor the secret."""
    if response.status_code != 200:
        return "wrong status"
    body = response.get_data(as_text=True)
    if obj.get("reference") and obj["reference"] not in body:
        return "reference missing"
    for ref in (row.marker, row.secret):
        if ref and text_of(world, obj, ref) in body:
            return f"{ref!r} LEAKED on a metadata page"
    return None


def judge_page(token: str, response, row: Row, world: World, obj: dict) -> str | None:
    """A readable page: status 200, its marker shown, its secret shown (+) or hidden (-)."""
    if response.status_code != 200:
        return "wrong status"
    body = response.get_data(as_text=True)
    if row.marker and text_of(world, obj, row.marker) not in body:
        return f"marker {row.marker!r} missing"
    if token != "200":
        if not row.secret:
            raise ValueError(f"{row.name}: {token} needs a secret")
        shown = text_of(world, obj, row.secret) in body
        if token == "200+" and not shown:
            return f"{row.secret!r} not shown"
        if token == "200-" and shown:
            return f"{row.secret!r} LEAKED"
    return None


# --- the tests --------------------------------------------------------------------------------


def app_routes(app) -> set[tuple[str, str]]:
    """(rule, method) of every route of the app."""
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS}


def test_every_route_has_a_row(matrix):
    covered = {(row.rule, row.method) for row in ROUTES}
    missing = sorted(app_routes(matrix.app) - covered)
    assert not missing, "routes without a row in the access matrix (add one to ROUTES): " + \
        ", ".join(f"{method} {rule}" for rule, method in missing)


def test_every_row_names_a_route(matrix):
    stale = sorted({(row.method, row.rule) for row in ROUTES} -
                   {(m, r) for r, m in app_routes(matrix.app)})
    assert not stale, f"rows for routes the app does not have: {stale}"


@pytest.mark.parametrize("row", ROUTES, ids=lambda row: row.name)
def test_access(ctx, row):
    made: dict = {}
    problems = [run_cell(ctx, row, role, token, made) for role, token in row.expected().items()]
    problems = [p for p in problems if p]
    if row.ends_sessions:  # log-out ends every session of the user, the shared clients' too
        ctx.clients = {role: ctx.new_client(role) for role in ROLES}
    assert not problems, "\n".join(problems)


def test_a_method_a_route_lacks_is_refused(ctx):
    """GET on POST-only rules and POST on GET-only rules: 405 for everyone (unless another
    rule serves that URL and method: its own row covers it)."""
    adapter = ctx.app.url_map.bind("localhost")
    problems, checked = [], 0
    for row in {r.rule: r for r in ROUTES}.values():
        rule = next(r for r in ctx.app.url_map.iter_rules() if r.rule == row.rule)
        url = fill(row.rule, {**ctx.world.objects.get(row.obj or "", {}), **row.params})
        for method in ("GET", "POST"):
            if method in rule.methods or _served_elsewhere(adapter, url, method):
                continue
            checked += 1
            for role in ("anonymous", "adherent", "admin"):  # the router answers, not the view
                response = ctx.clients[role].open(url, method=method)
                response.close()
                if response.status_code != 405:
                    problems.append(f"{role}: {method} {url} gave {response.status_code}")
    assert checked > 20 and not problems, "\n".join(problems)


def _served_elsewhere(adapter, url: str, method: str) -> bool:
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    try:
        adapter.match(urlsplit(url).path, method=method)
    except (MethodNotAllowed, NotFound):
        return False
    return True
