"""Log-in, lockout, CSRF, roles and user administration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from legaldesk.auth import services
from legaldesk.auth.models import User
from legaldesk.core.errors import Forbidden, InvalidInput, RateLimited
from legaldesk.core.extensions import db
from tests.conftest import NOW, login

STRONG = "tortue-lagune-piano-42"


def test_passwords_are_hashed_and_checked(make):
    user = make.user("jurist", specialty="droit_social")
    assert make.password not in user.password_hash
    assert services.authenticate(user.email, make.password, now=NOW) == user
    with pytest.raises(InvalidInput):
        services.authenticate(user.email, "wrong-password", now=NOW)


def test_account_slows_down_after_failures_and_never_locks_for_good(make, app):
    user = make.user("manager")
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    for _ in range(free):
        with pytest.raises(InvalidInput):
            services.authenticate(user.email, "nope-nope-nope", now=NOW, ip="192.0.2.1")
    with pytest.raises(RateLimited):  # even the right password waits its turn
        services.authenticate(user.email, make.password, now=NOW + timedelta(seconds=5),
                              ip="192.0.2.1")
    later = NOW + timedelta(minutes=app.config["LOGIN_ACCOUNT_MAX_DELAY_MINUTES"])
    assert services.authenticate(user.email, make.password, now=later, ip="192.0.2.1") == user


def test_login_page_and_wrong_password(client, make):
    user = make.user("manager")
    assert "Connexion" in client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": "bad-password!"})
    assert response.status_code == 400
    assert "Identifiants incorrects" in response.get_data(as_text=True)
    login(client, user)
    assert client.get("/").status_code == 302


def test_login_required_redirects(client):
    response = client.get("/tickets")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_open_redirect_is_refused(client, make):
    user = make.user("manager")
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": make.password})
    assert response.headers["Location"] == "/"


def test_csrf_is_enforced(app, make):
    user = make.user("manager")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": make.password})
        assert response.status_code == 400
        assert "formulaire a expiré" in response.get_data(as_text=True)
        assert client.get("/tickets").status_code == 302  # still anonymous
        assert 'name="csrf_token"' in client.get("/login").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_flags(tmp_path):
    from legaldesk import create_app
    app = create_app({"DEPLOYMENT": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_role_attachments_are_required(make):
    with pytest.raises(InvalidInput):
        services.create_user(None, email="a@example.org", name="A", password=STRONG,
                             role="adherent")
    with pytest.raises(InvalidInput):
        services.create_user(None, email="j@example.org", name="J", password=STRONG,
                             role="jurist")
    with pytest.raises(InvalidInput):
        services.create_user(None, email="bad address", name="J", password=STRONG,
                             role="manager")


def test_only_admin_manages_users(make):
    manager = make.user("manager")
    admin = make.user("admin")
    with pytest.raises(Forbidden):
        services.create_user(manager, email="x@example.org", name="X", password=STRONG,
                             role="manager")
    created = services.create_user(admin, email="x@example.org", name="X", password=STRONG,
                                   role="manager")
    assert created.id


def test_region_lookup_ignores_accents_case_and_apostrophes(app):
    assert services.find_region("ile de france").code == "IDF"
    assert services.find_region("Île-de-France").code == "IDF"
    assert services.find_region("Provence-Alpes-Côte d'Azur").code == "PAC"
    assert services.find_region("GUYANE FRANÇAISE").code == "GUY"
    assert services.find_region("Centre val-de- Loire").code == "CVL"
    assert services.find_region("Martinique") is None


def test_seed_is_idempotent_with_overseas_calendars(app):
    from legaldesk.auth.models import Region
    from legaldesk.tickets.seed import seed_reference_data
    before = db.session.query(Region).count()
    seed_reference_data()
    assert db.session.query(Region).count() == before == 15
    oi = services.get_region("OI")
    assert oi.timezone == "Indian/Reunion" and oi.holidays_subdiv == "974"
    assert [t["timezone"] for t in oi.territories] == ["Indian/Reunion", "Indian/Mayotte"]
    assert services.get_region("GUA").holidays_subdiv == "971"


def test_organisation_territory_sets_time_zone(make):
    mayotte = make.organisation("ACI Lagon", kind="ACI", region="OI", territory="Mayotte")
    reunion = make.organisation("AI Piton", kind="AI", region="OI", territory="Réunion")
    martinique = make.organisation("EI Madinina", kind="EI", region=None, territory="Martinique")
    assert mayotte.timezone == "Indian/Mayotte" and mayotte.holidays_subdiv == "976"
    assert reunion.timezone == "Indian/Reunion"
    assert martinique.timezone == "America/Martinique" and martinique.region is None


def test_admin_pages_require_admin(client, make):
    login(client, make.user("manager"))
    assert client.get("/admin/").status_code == 403


def test_admin_creates_user_through_ui(client, make):
    org = make.organisation()
    login(client, make.user("admin"))
    response = client.post("/admin/users/new", data={
        "email": "nouveau@tilleuls.org", "name": "Nouvel Adhérent", "role": "adherent",
        "organisation": str(org.id), "region": "", "specialty": "", "locale": "fr",
        "active": "y", "send_invitation": "y"})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="nouveau@tilleuls.org").one()
    assert user.organisation_id == org.id
    assert not services.has_usable_password(user)  # chosen through the invitation


def test_admin_edits_topic_keywords(client, make):
    from legaldesk.tickets.models import Topic
    login(client, make.user("admin"))
    response = client.post("/admin/topics/new", data={
        "code": "essai", "label_fr": "Essai", "label_en": "Trial", "default_level": "expert",
        "specialty": "droit_social", "keywords": "période d'essai = 3\nrupture de l'essai",
        "active": "y"})
    assert response.status_code == 302
    topic = db.session.query(Topic).filter_by(code="essai").one()
    assert topic.keywords == {"période d'essai": 3.0, "rupture de l'essai": 1.0}


def test_cli_creates_users_and_orgs(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orgs", "create", "--name", "AI Cli", "--kind", "AI",
                                 "--region", "Bretagne"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--email", "cli@example.org", "--name", "C",
                                 "--role", "adherent", "--organisation", "AI Cli",
                                 "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--email", "cli2@example.org", "--name", "C",
                                 "--role", "adherent", "--password", "a-long-password"])
    assert result.exit_code != 0 and "structure" in result.output
    listing = runner.invoke(args=["users", "list"])
    assert "cli@example.org" in listing.output


def test_admin_sees_pending_notifications(client, make):
    from legaldesk.notify.services import queue_notification
    queue_notification(channel="email", recipient="membre@example.org", subject="Réponse",
                       body="Texte", purpose="answer", now=NOW)
    db.session.commit()
    login(client, make.user("admin"))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "membre@example.org" in page and "pending" in page
    client.post("/logout")
    login(client, make.user("manager"))
    assert client.get("/admin/outbox").status_code == 403


def test_the_outbox_withholds_the_subject_of_a_confidential_ticket(client, make):
    from legaldesk.notify.services import outbox_overview, queue_notification
    from legaldesk.tickets import moves as ticket_moves
    from legaldesk.tickets import services as tickets

    adherent = make.user("adherent", organisation=make.organisation())
    ticket = tickets.open_ticket(adherent, subject="Agression sur le chantier", now=NOW,
                                 body="Un salarié a été agressé.", level="expert")
    ticket_moves.classify_ticket(make.user("manager"), ticket, now=NOW, confidential=True)
    queue_notification(channel="email", recipient=adherent.email, purpose="answer", now=NOW,
                       subject=f"[{ticket.reference}] {ticket.subject}", body="Texte",
                       ticket_id=ticket.id)
    queue_notification(channel="email", recipient="autre@example.org", purpose="answer",
                       subject="Sujet ordinaire", body="Texte", now=NOW)
    db.session.commit()
    admin = make.user("admin")
    _counts, lines = outbox_overview(admin)
    assert {(line.subject, line.confidential) for line in lines} == {
        ("", True), ("Sujet ordinaire", False)}
    login(client, admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Agression" not in page and "Objet masqué" in page and "Sujet ordinaire" in page
