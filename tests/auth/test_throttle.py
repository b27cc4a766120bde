"""Log-in throttles: shared counters in the database, by IP, by account, by known device."""

from __future__ import annotations

from datetime import timedelta

import pytest

from legaldesk.auth import services
from legaldesk.auth.models import LoginThrottle
from legaldesk.auth.throttle import (
    account_key,
    account_policy,
    ip_key,
    prune_auth_records,
    record_failure,
    retry_minutes,
)
from legaldesk.core.errors import InvalidInput, RateLimited
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from legaldesk.jobs.table import job_table
from tests.conftest import NOW, login

WRONG = "pas-le-bon-mot-de-passe"


def fail(email: str, *, ip: str, at, **device) -> Exception:
    """One failed attempt; return what was raised."""
    with pytest.raises((InvalidInput, RateLimited)) as caught:
        services.authenticate(email, WRONG, now=at, ip=ip, **device)
    db.session.commit()
    return caught.value


def test_ip_is_refused_for_a_while_after_too_many_failures(make, app):
    app.config.update(LOGIN_IP_MAX_FAILURES=4, LOGIN_IP_BLOCK_MINUTES=15)
    try:
        users = [make.user("adherent", organisation=make.organisation(f"AI {n}"))
                 for n in range(4)]
        for user in users:  # spread over accounts: only the IP counter reaches its limit
            assert isinstance(fail(user.email, ip="198.51.100.7", at=NOW), InvalidInput)
        refused = fail(users[0].email, ip="198.51.100.7", at=NOW + timedelta(minutes=1))
        assert isinstance(refused, RateLimited) and refused.minutes == 14
        assert "réessayez dans 14 minute(s)" in refused.message.lower()
        # another address is not concerned, and the block ends on its own
        assert services.authenticate(users[1].email, make.password, now=NOW,
                                     ip="198.51.100.8") == users[1]
        assert services.authenticate(users[0].email, make.password, ip="198.51.100.7",
                                     now=NOW + timedelta(minutes=16)) == users[0]
    finally:
        app.config.update(LOGIN_IP_MAX_FAILURES=20, LOGIN_IP_BLOCK_MINUTES=15)


def test_account_back_off_doubles_up_to_the_cap(make, app):
    user = make.user("admin")
    config = app.config
    free, base = config["LOGIN_ACCOUNT_FREE_FAILURES"], config["LOGIN_ACCOUNT_DELAY_SECONDS"]
    cap = timedelta(minutes=config["LOGIN_ACCOUNT_MAX_DELAY_MINUTES"])
    at = NOW
    waits = []
    for attempt in range(free + 8):
        ip = f"203.0.113.{attempt}"  # many addresses: the account counter alone applies
        assert isinstance(fail(user.email, ip=ip, at=at), InvalidInput)
        row = db.session.get(LoginThrottle, account_key(user.email))
        wait = (row.blocked_until - at) if row.blocked_until and row.blocked_until > at else None
        waits.append(wait)
        if wait:
            assert isinstance(fail(user.email, ip=ip, at=at + wait / 2), RateLimited)
            at += wait
    assert waits[:free - 1] == [None] * (free - 1)
    assert waits[free - 1] == timedelta(seconds=base)
    assert waits[free] == timedelta(seconds=2 * base)
    assert waits[-1] == cap  # capped: never locked for good
    assert services.authenticate(user.email, make.password, now=at, ip="203.0.113.99") == user
    assert db.session.get(LoginThrottle, account_key(user.email)) is None  # success forgets


def test_unknown_and_inactive_accounts_get_the_same_answers(make, app):
    known = make.user("manager")
    inactive = make.user("manager")
    services.update_user(None, inactive, active=False)
    db.session.commit()
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    answers = {}
    for email in (known.email, "personne@example.org", inactive.email):
        password = make.password if email == inactive.email else WRONG
        seen = []
        for n in range(free + 1):
            with pytest.raises((InvalidInput, RateLimited)) as caught:
                services.authenticate(email, password, now=NOW + timedelta(seconds=n),
                                      ip=f"192.0.2.{n}")
            db.session.commit()
            seen.append((type(caught.value).__name__, caught.value.message))
        answers[email] = seen
    assert answers[known.email] == answers["personne@example.org"] == answers[inactive.email]
    assert answers[known.email][0] == ("AuthInputError", "Identifiants incorrects.")
    assert answers[known.email][-1][0] == "LoginThrottled"


def test_unknown_account_costs_a_password_hash(make, monkeypatch):
    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda stored, password: checked.append(stored) or real(stored, password))
    with pytest.raises(InvalidInput):
        services.authenticate("personne@example.org", WRONG, now=NOW)
    assert checked and checked[0].startswith("scrypt:")


def test_known_device_is_not_kept_out_by_strangers(make, app):
    owner = make.user("admin")
    for n in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"] + 3):
        fail(owner.email, ip=f"203.0.113.{n}", at=NOW)
    with pytest.raises(RateLimited):
        services.authenticate(owner.email, make.password, now=NOW, ip="192.0.2.50")
    device = {"device_user_id": owner.id, "device_nonce": "nonce-of-the-owner-browser"}
    assert services.authenticate(owner.email, make.password, now=NOW, ip="192.0.2.50",
                                 **device) == owner
    # a device cookie of another account changes nothing for this one
    other = {"device_user_id": owner.id + 1000, "device_nonce": "someone-else"}
    with pytest.raises(RateLimited):
        services.authenticate(owner.email, make.password, now=NOW, ip="192.0.2.50", **other)


def test_counters_are_shared_by_every_session(make, app):
    """Two sessions (two workers) count on the same row: nothing lives in process memory."""
    key = account_key("partage@example.org")
    policy = account_policy(app.config)
    for _ in range(3):
        record_failure(key, policy, NOW)
        db.session.commit()
        db.session.remove()  # a new session, as another worker would have
    assert db.session.get(LoginThrottle, key).failures == 3


def test_prune_job_deletes_expired_counters(make, app):
    record_failure(ip_key("192.0.2.1"), account_policy(app.config), NOW)
    db.session.commit()
    assert retry_minutes([ip_key("192.0.2.1")], NOW) == 0
    assert prune_auth_records(NOW + timedelta(hours=1)) == 0
    assert prune_auth_records(NOW + timedelta(days=2)) == 1
    assert "prune_auth" in job_table(app.config)


def test_login_page_shows_the_wait_in_minutes(client, make, app):
    user = make.user("manager")
    for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        response = client.post("/login", data={"email": user.email, "password": WRONG})
        assert response.status_code == 400
        assert "Identifiants incorrects" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": make.password})
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans 1 minute(s)." in response.get_data(as_text=True)


def test_known_device_cookie_is_set_and_honoured(client, make, app):
    user = make.user("manager")
    login(client, user)
    assert client.get_cookie("legaldesk_device", path="/login") is not None
    client.post("/logout")
    for n in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"] + 2):  # strangers hammer it
        fail(user.email, ip=f"203.0.113.{n}", at=utcnow())
    with pytest.raises(RateLimited):
        services.authenticate(user.email, make.password, now=utcnow(), ip="203.0.113.99")
    db.session.rollback()
    login(client, user)  # the owner's browser still gets in
