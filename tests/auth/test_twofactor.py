"""TOTP second factor: enrolment, recovery codes, the two-step log-in, REQUIRE_STAFF_2FA."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pyotp
import pytest
from sqlalchemy import select

from legaldesk.auth.models import RecoveryCode, UserTotp
from legaldesk.auth.twofactor import (
    RECOVERY_CODE_COUNT,
    begin_enrolment,
    confirm_enrolment,
    disable_two_factor,
    provisioning_uri,
    qr_code_svg,
    remaining_recovery_codes,
    two_factor_enabled,
    verify_second_factor,
)
from legaldesk.core.errors import Conflict, Forbidden, InvalidInput, RateLimited
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow
from tests.conftest import NOW, login


def code_at(secret: str, when) -> str:
    """The authenticator's code at an explicit (naive UTC) time."""
    return pyotp.TOTP(secret).at(when.replace(tzinfo=UTC))


def enrol(user, when=NOW) -> tuple[str, list[str]]:
    """Turn 2FA on for a user; return its secret and recovery codes."""
    row = begin_enrolment(user, now=when)
    codes = confirm_enrolment(user, code_at(row.secret, when), ip=None, now=when)
    db.session.commit()
    return row.secret, codes


def test_enrolment_needs_a_valid_code_and_yields_hashed_recovery_codes(make):
    user = make.user("jurist", specialty="droit_social")
    row = begin_enrolment(user, now=NOW)
    assert begin_enrolment(user, now=NOW).secret == row.secret  # reloading keeps the secret
    uri = provisioning_uri(user, row)
    assert uri.startswith("otpauth://totp/legaldesk:") and f"secret={row.secret}" in uri
    svg = qr_code_svg(uri)
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
    with pytest.raises(InvalidInput):
        confirm_enrolment(user, "000000" if code_at(row.secret, NOW) != "000000" else "111111",
                          ip=None, now=NOW)
    assert not two_factor_enabled(user)
    codes = confirm_enrolment(user, code_at(row.secret, NOW), ip=None, now=NOW)
    assert two_factor_enabled(user) and len(set(codes)) == RECOVERY_CODE_COUNT
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    with pytest.raises(Conflict):
        begin_enrolment(user, now=NOW)


def test_adherents_cannot_enrol(make):
    with pytest.raises(Forbidden):
        begin_enrolment(make.user("adherent", organisation=make.organisation()), now=NOW)


def test_code_is_accepted_once_with_one_step_of_drift(make):
    user = make.user("manager")
    secret, _codes = enrol(user)
    later = NOW + timedelta(minutes=5)
    verify_second_factor(user, code_at(secret, later - timedelta(seconds=30)), ip=None, now=later)
    with pytest.raises(InvalidInput):  # replayed
        verify_second_factor(user, code_at(secret, later - timedelta(seconds=30)), ip=None,
                             now=later)
    with pytest.raises(InvalidInput):  # too old
        verify_second_factor(user, code_at(secret, later - timedelta(minutes=2)), ip=None,
                             now=later + timedelta(seconds=30))
    verify_second_factor(user, code_at(secret, later + timedelta(seconds=30)), ip=None,
                         now=later + timedelta(seconds=30))


def test_recovery_codes_work_once(make):
    user = make.user("manager")
    _secret, codes = enrol(user)
    verify_second_factor(user, codes[0].upper(), ip=None, now=NOW)
    with pytest.raises(InvalidInput):
        verify_second_factor(user, codes[0], ip=None, now=NOW)
    assert remaining_recovery_codes(user) == RECOVERY_CODE_COUNT - 1


def test_code_attempts_are_throttled(make, app):
    user = make.user("manager")
    secret, _codes = enrol(user)
    for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        with pytest.raises(InvalidInput):
            verify_second_factor(user, "bad-code", ip="192.0.2.9", now=NOW)
    soon, wait = NOW + timedelta(seconds=10), timedelta(
        seconds=app.config["LOGIN_ACCOUNT_DELAY_SECONDS"])
    with pytest.raises(RateLimited):  # even the right code waits
        verify_second_factor(user, code_at(secret, soon), ip="192.0.2.9", now=soon)
    verify_second_factor(user, code_at(secret, NOW + wait), ip="192.0.2.9", now=NOW + wait)


def test_disable_needs_password_and_code(make):
    user = make.user("manager")
    secret, codes = enrol(user)
    at = NOW + timedelta(minutes=1)
    with pytest.raises(InvalidInput):
        disable_two_factor(user, "pas-le-mot-de-passe", code_at(secret, at), ip=None, now=at)
    with pytest.raises(InvalidInput):
        disable_two_factor(user, make.password, "123", ip=None, now=at)
    disable_two_factor(user, make.password, codes[1], ip=None, now=at)
    assert not two_factor_enabled(user) and db.session.scalar(select(RecoveryCode)) is None


def test_disable_form_counts_wrong_passwords_like_the_log_in_form(make, app):
    user = make.user("manager")
    secret, _codes = enrol(user)
    at = NOW + timedelta(minutes=1)
    for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        with pytest.raises(InvalidInput):
            disable_two_factor(user, "pas-le-mot-de-passe", code_at(secret, at), ip=None, now=at)
    with pytest.raises(RateLimited):
        disable_two_factor(user, make.password, code_at(secret, at), ip=None, now=at)


def test_log_in_asks_for_the_code_and_half_logged_in_can_do_nothing(client, make):
    user = make.user("manager")
    secret, codes = enrol(user, when=utcnow() - timedelta(minutes=5))
    response = client.post("/login?next=/queue/national",
                           data={"email": user.email, "password": make.password})
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    for url in ("/queue/national", "/admin/", "/account/two-factor"):
        assert client.get(url).status_code == 302  # still anonymous: back to the log-in page
    page = client.get("/login/code").get_data(as_text=True)
    assert "Code de vérification" in page
    wrong = client.post("/login/code", data={"code": "12"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.get_data(as_text=True)
    response = client.post("/login/code", data={"code": code_at(secret, utcnow())})
    assert response.status_code == 302 and response.headers["Location"] == "/queue/national"
    assert client.get("/queue/national").status_code == 200
    client.post("/logout")
    assert client.get("/login/code").status_code == 302  # nothing pending any more
    client.post("/login", data={"email": user.email, "password": make.password})
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302


def test_pending_log_in_expires(client, make, app, monkeypatch):
    user = make.user("manager")
    enrol(user, when=utcnow() - timedelta(minutes=5))
    client.post("/login", data={"email": user.email, "password": make.password})
    import legaldesk.auth.views as auth_views
    minutes = app.config["LOGIN_CODE_STEP_MINUTES"] + 1
    monkeypatch.setattr(auth_views, "now", lambda: utcnow() + timedelta(minutes=minutes))
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_enrolment_pages(client, make):
    user = make.user("delegate", region="IDF")
    login(client, user)
    page = client.get("/account/two-factor")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and "otpauth://totp/" in text
    assert "<script" not in text and "style=" not in text
    secret = db.session.get(UserTotp, user.id).secret
    assert secret in text
    assert client.post("/account/two-factor", data={"code": "000000" if code_at(
        secret, utcnow()) != "000000" else "111111"}).status_code == 302
    assert not two_factor_enabled(user)
    response = client.post("/account/two-factor", data={"code": code_at(secret, utcnow())})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([0-9a-f-]{23})</code>", text)
    assert len(codes) == RECOVERY_CODE_COUNT
    status = client.get("/account/two-factor").get_data(as_text=True)
    assert "Il vous reste 10 codes de secours" in status and secret not in status
    renewed = client.post("/account/two-factor/recovery-codes",
                          data={"code": code_at(secret, utcnow() + timedelta(seconds=30))})
    assert len(re.findall(r"<code>([0-9a-f-]{23})</code>", renewed.get_data(True))) == 10
    response = client.post("/account/two-factor/disable",
                           data={"password": make.password, "code": codes[0]})
    assert response.status_code == 302
    assert two_factor_enabled(user)  # the first codes were replaced: refused
    new_code = re.findall(r"<code>([0-9a-f-]{23})</code>", renewed.get_data(True))[0]
    client.post("/account/two-factor/disable", data={"password": make.password,
                                                     "code": new_code})
    assert not two_factor_enabled(user)


def test_adherent_has_no_two_factor_page(client, make):
    login(client, make.user("adherent", organisation=make.organisation()))
    assert client.get("/account/two-factor").status_code == 403


def test_required_two_factor_sends_admins_to_enrolment(client, make, app):
    app.config["REQUIRE_STAFF_2FA"] = True
    try:
        admin = make.user("admin")
        response = login(client, admin)
        assert response.headers["Location"] == "/account/two-factor"
        for url in ("/admin/", "/queue/national", "/kb/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response.headers["Location"] == "/account/two-factor"
        assert client.get("/account/two-factor").status_code == 200
        secret = db.session.get(UserTotp, admin.id).secret
        client.post("/account/two-factor", data={"code": code_at(secret, utcnow())})
        assert client.get("/admin/").status_code == 200
        client.post("/logout")
        jurist = make.user("jurist", specialty="droit_social")  # not forced
        login(client, jurist)
        assert client.get("/queue/national").status_code == 200
    finally:
        app.config["REQUIRE_STAFF_2FA"] = False


def test_admin_and_cli_remove_a_lost_second_factor(client, make, app):
    user = make.user("manager")
    enrol(user)
    login(client, make.user("admin"))
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Retirer la double authentification" in page
    assert client.post(f"/admin/users/{user.id}/two-factor/remove").status_code == 302
    assert not two_factor_enabled(user)
    enrol(user)
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", user.email])
    assert result.exit_code == 0 and not two_factor_enabled(user)
