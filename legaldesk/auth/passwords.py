"""Password policy: long enough, not a common password, not easy to guess (zxcvbn's lists)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from flask import current_app

from legaldesk.auth.errors import N_, AuthInputError

# zxcvbn's estimate grows slowly past this length and costs more: longer is strong anyway.
ESTIMATE_CHARS = 64
_AFFIXES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords shipped with zxcvbn (lower case); loaded on first use."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """True for a listed password, also with digits or symbols added around it."""
    lowered = password.lower()
    common = common_passwords()
    return lowered in common or _AFFIXES.sub("", lowered) in common


def check_password_policy(password: str, *, user_inputs: Iterable[str] = ()) -> None:
    """Raise AuthInputError unless the password is long, uncommon and hard to guess."""
    from zxcvbn import zxcvbn

    config = current_app.config
    minimum = int(config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise AuthInputError(
            N_("Le mot de passe doit contenir au moins %(count)s caractères."), count=minimum)
    if is_common_password(password):
        raise AuthInputError(N_(
            "Ce mot de passe fait partie des plus courants : choisissez-en un autre, "
            "par exemple quelques mots sans rapport entre eux."))
    hints = personal_hints(user_inputs)
    if zxcvbn(password[:ESTIMATE_CHARS], user_inputs=hints)["score"] < int(
            config["PASSWORD_MIN_SCORE"]):
        raise AuthInputError(N_(
            "Ce mot de passe est trop facile à deviner (nom, date, suite de touches…) : "
            "allongez-le ou mélangez des mots sans rapport entre eux."))


def personal_hints(values: Iterable[str]) -> list[str]:
    """Words a password should not be built from: the address, its local part, the name, glued
    or word by word (zxcvbn then sees "jeanmartin1975" as a guess for Jean Martin)."""
    hints: list[str] = []
    for value in values:
        value = (value or "").lower()
        local = value.split("@")[0]
        hints += [value, local, re.sub(r"[^\w]|_", "", local)]
        hints += [word for word in re.split(r"[\s@.\-_]+", value) if len(word) >= 3]
    return [hint for hint in dict.fromkeys(hints) if hint]
