"""E-mailed single-use links: forgotten password and invitations (only hashes stored)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from legaldesk.auth import services
from legaldesk.auth.models import TokenPurpose, User, UserToken
from legaldesk.auth.tokens import (
    INVITE_MAIL_PURPOSE,
    RESET_MAIL_PURPOSE,
    find_token,
    invite_user,
    issue_token,
    request_password_reset,
    token_hash,
    use_token,
)
from legaldesk.core.errors import InvalidInput, NotFound
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.notify.dispatch import dispatch_outbox
from legaldesk.notify.models import ONE_TIME_LINK_PURPOSES, ONE_TIME_LINK_REMOVED, Outbox
from legaldesk.notify.sending import SendResult
from legaldesk.notify.services import queue_link_mail
from tests.conftest import NOW, login

NEW_PASSWORD = "tortue-lagune-piano-42"
BASE = "https://juridique.example.org"


def outbox_links(purpose: str) -> list[str]:
    """The links in the queued e-mails of a purpose."""
    bodies = db.session.scalars(select(Outbox.body).where(Outbox.purpose == purpose)).all()
    return [link for body in bodies for link in re.findall(r"https?://\S+", body)]


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[-1]


def test_reset_token_is_stored_hashed_single_use_and_expires(make, app):
    user = make.user("jurist", specialty="droit_social")
    raw = issue_token(user, TokenPurpose.RESET, now=NOW)
    row = db.session.scalar(select(UserToken))
    assert row.token_hash == token_hash(raw) and raw not in row.token_hash
    assert row.expires_at == NOW + timedelta(hours=app.config["PASSWORD_RESET_HOURS"])
    with pytest.raises(NotFound):  # expired
        find_token(raw, TokenPurpose.RESET, now=row.expires_at)
    with pytest.raises(NotFound):  # meant for another purpose
        find_token(raw, TokenPurpose.INVITE, now=NOW)
    with pytest.raises(InvalidInput):  # a weak password leaves the link usable
        use_token(raw, TokenPurpose.RESET, "password1234", now=NOW)
    assert use_token(raw, TokenPurpose.RESET, NEW_PASSWORD, now=NOW) == user
    with pytest.raises(NotFound):  # spent
        use_token(raw, TokenPurpose.RESET, NEW_PASSWORD + "!", now=NOW)
    assert services.authenticate(user.email, NEW_PASSWORD, now=NOW) == user


def test_new_reset_revokes_older_links_and_use_revokes_the_rest(make):
    user = make.user("manager")
    first = issue_token(user, TokenPurpose.RESET, now=NOW)
    second = issue_token(user, TokenPurpose.RESET, now=NOW)
    with pytest.raises(NotFound):
        find_token(first, TokenPurpose.RESET, now=NOW)
    invitation = issue_token(user, TokenPurpose.INVITE, now=NOW)
    use_token(second, TokenPurpose.RESET, NEW_PASSWORD, now=NOW)
    with pytest.raises(NotFound):
        find_token(invitation, TokenPurpose.INVITE, now=NOW)


def test_reset_request_says_nothing_and_mails_only_real_active_accounts(make, app):
    user = make.user("manager")
    inactive = make.user("manager")
    services.update_user(None, inactive, active=False)
    for address in ("personne@example.org", inactive.email, "pas une adresse"):
        assert request_password_reset(address, ip="192.0.2.1", base_url=BASE, now=NOW) is None
    mail = request_password_reset(user.email.upper(), ip="192.0.2.1", base_url=BASE, now=NOW)
    assert mail.recipient == user.email and mail.purpose == RESET_MAIL_PURPOSE
    assert f"{BASE}/reset/" in mail.body
    # per account: a few e-mails an hour, then silently none
    quota = app.config["PASSWORD_RESET_ACCOUNT_MAX_REQUESTS"]
    sent = [request_password_reset(user.email, ip="192.0.2.2", base_url=BASE, now=NOW)
            for _ in range(quota)]
    assert sum(m is not None for m in sent) == quota - 1


def test_forgot_page_gives_the_same_answer_for_unknown_addresses(client, make):
    user = make.user("manager")
    assert "Mot de passe oublié" in client.get("/login").get_data(as_text=True)
    answers = []
    for address in (user.email, "personne@example.org"):
        response = client.post("/forgot", data={"email": address}, follow_redirects=True)
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert "Si un compte actif correspond à cette adresse" in answers[0][1]
    assert len(outbox_links(RESET_MAIL_PURPOSE)) == 1


def test_forgot_requests_are_throttled_by_ip(client, app):
    for _ in range(app.config["PASSWORD_RESET_IP_MAX_REQUESTS"]):
        assert client.post("/forgot", data={"email": "x@example.org"}).status_code == 302
    response = client.post("/forgot", data={"email": "x@example.org"})
    assert response.status_code == 429 and "Trop de tentatives" in response.get_data(as_text=True)


def test_reset_through_the_link_then_log_in(client, make):
    user = make.user("manager")
    client.post("/forgot", data={"email": user.email})
    link = outbox_links(RESET_MAIL_PURPOSE)[0]
    path = "/reset/" + token_of(link)
    assert "://localhost/reset/" in link  # development: the request's own root
    page = client.get(path)
    assert page.status_code == 200 and "Choisir un nouveau mot de passe" in page.get_data(True)
    assert page.headers["Cache-Control"] == "no-store"
    weak = client.post(path, data={"password": "motdepasse12", "confirm": "motdepasse12"})
    assert weak.status_code == 400 and "courants" in weak.get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    login(client, user, NEW_PASSWORD)
    client.post("/logout")
    again = client.get(path)  # spent
    assert again.status_code == 404 and "Lien non valide" in again.get_data(as_text=True)
    assert client.post(path, data={"password": "autre-" + NEW_PASSWORD,
                                   "confirm": "autre-" + NEW_PASSWORD}).status_code == 404


def test_reset_link_is_no_invitation_and_unknown_links_fail(client, make):
    user = make.user("manager")
    raw = issue_token(user, TokenPurpose.RESET, now=utcnow())
    db.session.commit()
    assert client.get(f"/invitation/{raw}").status_code == 404
    assert client.get("/reset/not-a-token").status_code == 404
    assert client.get(f"/reset/{raw}").status_code == 200


def test_expired_link_fails_over_http(client, make):
    user = make.user("manager")
    raw = issue_token(user, TokenPurpose.RESET, now=utcnow() - timedelta(hours=2))
    db.session.commit()
    assert client.get(f"/reset/{raw}").status_code == 404


def test_production_needs_the_public_url_for_links(client, make, app):
    user = make.user("manager")
    app.config["DEPLOYMENT"] = "production"
    try:
        response = client.post("/forgot", data={"email": user.email})
        assert response.status_code == 400 and outbox_links(RESET_MAIL_PURPOSE) == []
        app.config["PUBLIC_BASE_URL"] = BASE
        client.post("/forgot", data={"email": user.email})
        assert outbox_links(RESET_MAIL_PURPOSE)[0].startswith(BASE + "/reset/")
    finally:
        app.config.update(DEPLOYMENT="development", PUBLIC_BASE_URL=None)


def test_admin_creates_user_with_invitation_and_invitee_chooses_password(client, make):
    admin = make.user("admin")
    login(client, admin)
    response = client.post("/admin/users/new", data={
        "email": "nouvelle@example.org", "name": "Nouvelle Juriste", "role": "jurist",
        "specialty": "droit_social", "organisation": "", "region": "", "locale": "fr",
        "active": "y", "send_invitation": "y"})
    assert response.status_code == 302
    assert "password" not in client.get("/admin/users/new").get_data(as_text=True)
    links = outbox_links(INVITE_MAIL_PURPOSE)
    assert len(links) == 1 and "/invitation/" in links[0]
    user = db.session.scalar(select(User).where(User.email == "nouvelle@example.org"))
    # a new invitation from the user's page replaces the first link
    assert client.post(f"/admin/users/{user.id}/invite").status_code == 302
    first, second = outbox_links(INVITE_MAIL_PURPOSE)
    client.post("/logout")
    assert client.get("/invitation/" + token_of(first)).status_code == 404
    path = "/invitation/" + token_of(second)
    assert "Bienvenue" in client.get(path).get_data(as_text=True)
    assert client.get("/reset/" + token_of(second)).status_code == 404  # other purpose
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    login(client, user, NEW_PASSWORD)


def test_only_admins_invite(make, client):
    manager = make.user("manager")
    with pytest.raises(Exception, match="rôle"):
        invite_user(manager, make.user("jurist", specialty="droit_social"), base_url=BASE,
                    now=NOW)
    login(client, manager)
    assert client.post(f"/admin/users/{manager.id}/invite").status_code == 403


def test_cli_invites_without_printing_the_link(app):
    runner = app.test_cli_runner()
    app.config["PUBLIC_BASE_URL"] = BASE
    try:
        result = runner.invoke(args=["users", "invite", "--email", "Cli@Example.org",
                                     "--name", "Cli", "--role", "manager"])
        assert result.exit_code == 0, result.output
        link = outbox_links(INVITE_MAIL_PURPOSE)[0]
        assert link.startswith(BASE + "/invitation/") and token_of(link) not in result.output
        assert runner.invoke(args=["users", "reinvite", "cli@example.org"]).exit_code == 0
        assert len(outbox_links(INVITE_MAIL_PURPOSE)) == 2
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    result = runner.invoke(args=["users", "invite", "--email", "b@example.org", "--name", "B",
                                 "--role", "manager"])
    assert result.exit_code != 0 and "PUBLIC_BASE_URL" in result.output


class AcceptAll:
    """A sender that accepts every row."""

    def send(self, row, now):
        return SendResult(provider_id="ok", delivery_status="sent")

    def close(self):
        pass


def test_sent_link_mail_keeps_no_live_link(make):
    assert {RESET_MAIL_PURPOSE, INVITE_MAIL_PURPOSE} == ONE_TIME_LINK_PURPOSES
    user = make.user("manager")
    queue_link_mail(invite_user(None, user, base_url=BASE, now=NOW), now=NOW)
    db.session.commit()
    assert dispatch_outbox(NOW, senders={"email": AcceptAll()}) == 1
    row = db.session.scalar(select(Outbox).where(Outbox.purpose == INVITE_MAIL_PURPOSE))
    assert row.body == ONE_TIME_LINK_REMOVED


def test_expired_and_spent_tokens_are_pruned(make):
    from legaldesk.auth.throttle import prune_auth_records
    user = make.user("manager")
    issue_token(user, TokenPurpose.RESET, now=NOW)
    db.session.commit()
    assert prune_auth_records(NOW + timedelta(hours=2)) == 0
    assert prune_auth_records(NOW + timedelta(days=2)) == 1
