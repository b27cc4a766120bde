"""Password policy: length, common passwords, guessability; applied wherever a password is set."""

from __future__ import annotations

import pytest

from legaldesk.auth import services
from legaldesk.auth.passwords import check_password_policy, is_common_password
from legaldesk.core.errors import InvalidInput
from legaldesk.demo.builder import DEMO_PASSWORD
from tests.conftest import Factory


@pytest.mark.parametrize("password", [
    "court-11car",  # too short
    "password1234", "motdepasse", "azertyuiop12",  # common, also with digits around
    "123456789012", "xxxxxxxxxxxx", "qwertyuiopas",  # patterns zxcvbn sees through
])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(InvalidInput):
        check_password_policy(password)


@pytest.mark.parametrize("password", [DEMO_PASSWORD, Factory.password, "tortue-lagune-piano-42",
                                      "Lx9#kq2!vZp4"])
def test_strong_passwords_pass(app, password):
    check_password_policy(password)


def test_common_list_comes_from_the_package():
    assert is_common_password("soleil") and is_common_password("Soleil2026!")
    assert not is_common_password("tortue-lagune-piano-42")


def test_own_name_and_address_count_as_guessable(app):
    check_password_policy("jeanmartin1975")
    with pytest.raises(InvalidInput):
        check_password_policy("jeanmartin1975", user_inputs=("jean.martin@example.org",
                                                             "Jean Martin"))


def test_policy_applies_on_create_update_and_cli(make, app):
    with pytest.raises(InvalidInput):
        services.create_user(None, email="faible@example.org", name="F", role="manager",
                             password="password1234")
    user = make.user("manager")
    with pytest.raises(InvalidInput):
        services.update_user(None, user, password="azertyuiop12")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-password", user.email,
                                 "--password", "motdepasse2026"])
    assert result.exit_code != 0 and "courants" in result.output
    result = runner.invoke(args=["users", "create", "--email", "cli@example.org", "--name", "C",
                                 "--role", "manager", "--password", "court"])
    assert result.exit_code != 0 and "12 caractères" in result.output


def test_weak_password_message_is_translated(client, english_catalog):
    from legaldesk.auth.errors import AuthInputError
    with client.application.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(AuthInputError) as caught:
            check_password_policy("court")
        assert caught.value.translated() == "The password must be at least 12 characters long."


def test_login_pages_speak_english(client, make, english_catalog):
    client.set_cookie("lang", "en")
    assert "Forgot your password?" in client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": "personne@example.org",
                                           "password": "pas-le-bon-mot-de-passe"})
    assert "Incorrect email address or password." in response.get_data(as_text=True)
    assert "Back to log-in" in client.get("/forgot").get_data(as_text=True)
