"""Revocable sessions: log-out, a new password, deactivation and "log out everywhere" end every
session and remember-me cookie of the user (an old copy of the cookies no longer works)."""

from __future__ import annotations

import pytest
from flask_login import encode_cookie

from legaldesk.auth import services
from legaldesk.auth.sessions import end_sessions, load_user
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db
from tests.conftest import login

COOKIES = ("session", "remember_token")
PAGE = "/tickets"  # any page that needs a login


def copy_cookies(app, client):
    """A second browser holding a copy of the client's cookies (as a thief would)."""
    copy = app.test_client()
    for name in COOKIES:
        cookie = client.get_cookie(name)
        if cookie is not None:
            copy.set_cookie(name, cookie.value)
    return copy


def logged_in(client) -> bool:
    """Whether the client's cookies still open a page that needs a login."""
    response = client.get(PAGE)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


@pytest.fixture
def member(make):
    return make.user("adherent", organisation=make.organisation())


@pytest.fixture
def admin(make):
    return make.user("admin")


def test_identity_carries_the_session_version(member):
    assert member.get_id() == f"{member.id}:0"
    assert load_user(member.get_id()) is member
    end_sessions(None, member)
    assert member.get_id() == f"{member.id}:1"
    assert load_user(f"{member.id}:0") is None
    assert load_user(str(member.id)) is None  # a session from before session versions
    assert load_user("nonsense") is None and load_user(f"{member.id}:x") is None


def test_log_out_ends_every_copy_of_the_session(app, client, member):
    login(client, member)
    stolen = copy_cookies(app, client)
    assert logged_in(stolen)
    assert client.post("/logout").status_code == 302
    assert not logged_in(client)
    assert not logged_in(stolen)
    login(client, member)  # logging in again works
    assert logged_in(client)


def test_new_password_ends_every_session(app, client, member):
    login(client, member)
    stolen = copy_cookies(app, client)
    services.update_user(None, member, password="another-long-password")
    db.session.commit()
    assert not logged_in(client) and not logged_in(stolen)


def test_other_changes_keep_the_sessions(app, client, member):
    login(client, member)
    services.update_user(None, member, name="Nouveau nom", locale="en")
    db.session.commit()
    assert logged_in(client)


def test_deactivation_ends_every_session_for_good(app, client, member):
    login(client, member)
    stolen = copy_cookies(app, client)
    services.update_user(None, member, active=False)
    db.session.commit()
    assert not logged_in(stolen)
    services.update_user(None, member, active=True)  # reactivated: the old cookies stay dead
    db.session.commit()
    assert not logged_in(stolen) and not logged_in(client)


def test_remember_me_cookie_stops_working(app, member):
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(member.get_id()))
    assert logged_in(remembered)  # the cookie logs in (and opens a session)
    session_copy = copy_cookies(app, remembered)
    cookie_only = app.test_client()
    cookie_only.set_cookie("remember_token", encode_cookie(member.get_id()))
    end_sessions(None, member)
    db.session.commit()
    assert not logged_in(cookie_only)
    assert not logged_in(session_copy)
    bare_id = app.test_client()  # an old-style cookie holding the bare user id
    bare_id.set_cookie("remember_token", encode_cookie(str(member.id)))
    assert not logged_in(bare_id)


def test_admin_logs_a_user_out_everywhere(app, client, member, admin, make):
    victim = app.test_client()
    login(victim, member)
    stolen = copy_cookies(app, victim)
    login(client, admin)
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f'action="/admin/users/{member.id}/end-sessions"' in page
    response = client.post(f"/admin/users/{member.id}/end-sessions")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{member.id}")
    assert "sont fermées" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert not logged_in(victim) and not logged_in(stolen)
    assert logged_in(client)  # the admin's own session goes on
    assert client.post("/admin/users/999999/end-sessions").status_code == 404


def test_only_admins_log_others_out(app, client, member, make):
    other = make.user("adherent", organisation=member.organisation)
    for role, extra in (("adherent", {"organisation": member.organisation}),
                        ("manager", {}), ("jurist", {"specialty": "droit_social"})):
        actor = make.user(role, **extra)
        with pytest.raises(Forbidden):
            end_sessions(actor, other)
        client.post("/logout")
        login(client, actor)
        assert client.post(f"/admin/users/{other.id}/end-sessions").status_code == 403
    assert client.get(f"/admin/users/{other.id}/end-sessions").status_code == 405
    db.session.refresh(other)
    assert other.session_version == 0
    client.post("/logout")
    assert client.post(f"/admin/users/{other.id}/end-sessions").status_code == 302  # to login
    db.session.refresh(other)
    assert other.session_version == 0
