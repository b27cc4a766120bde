"""In headless Chromium with real CSRF tokens: enrol in 2FA, then log in with password and code."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from legaldesk.auth.models import UserTotp
from legaldesk.core.extensions import db
from tests import browser_support
from tests.browser_support import chromium_session
from tests.conftest import Factory

live_server = browser_support.live_server  # a module attribute is how pytest finds the fixture
SHOTS = os.environ.get("LEGALDESK_SCREENSHOTS")  # a folder: keep screenshots to look at


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


@pytest.mark.browser
def test_enrol_then_log_in_with_a_code(live_server, make):
    manager = make.user("manager")
    email = manager.email
    db.session.commit()
    with chromium_session(live_server) as browser:
        page = browser.page
        browser.goto("/login")
        page.get_by_label("Adresse e-mail", exact=True).fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(Factory.password)
        page.get_by_role("button", name="Se connecter", exact=True).click()
        page.get_by_role("link", name="Sécurité du compte").click()
        expect(page.locator("figure.qr svg")).to_be_visible()
        shot(page, "2fa-enrol")
        secret = db.session.get(UserTotp, manager.id).secret
        db.session.commit()
        totp = pyotp.TOTP(secret)
        page.get_by_label("Code", exact=True).fill(totp.now())
        page.get_by_role("button", name="Activer", exact=True).click()
        expect(page.locator("ul.recovery-codes li")).to_have_count(10)
        shot(page, "2fa-recovery-codes")
        page.get_by_role("button", name="Se déconnecter", exact=True).click()

        page.get_by_label("Adresse e-mail", exact=True).fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(Factory.password)
        page.get_by_role("button", name="Se connecter", exact=True).click()
        expect(page).to_have_url(re.compile(r"/login/code$"))
        shot(page, "2fa-login-code")
        next_step = datetime.now(UTC) + timedelta(seconds=30)  # the enrolment code is spent
        page.get_by_label("Code", exact=True).fill(totp.at(next_step))
        page.get_by_role("button", name="Valider", exact=True).click()
        expect(page.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()
        assert browser.problems.all() == []
