"""Revocable sessions: a per-user session version is part of the session and remember-me id."""

from __future__ import annotations

from legaldesk.audit.services import record_audit
from legaldesk.auth.models import Role, User
from legaldesk.core.errors import Forbidden
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow


def load_user(identity: str) -> User | None:
    """Flask-Login loader, on each request: an active user whose session version still matches.

    The identity is User.get_id(), "id:session_version"; a bare id (a session from before
    session versions) or an old version loads nobody, so the request is anonymous.
    """
    user_id, separator, version = str(identity).partition(":")
    if not separator or not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or (user.session_version or 0) != int(version):
        return None
    return user


def end_sessions(actor: User | None, user: User) -> User:
    """End every session and remember-me cookie of a user by bumping their session version.

    The user themself (log-out), an admin ("log out everywhere"), or None (the system: password
    change, deactivation, CLI). Caller commits.
    """
    if actor is not None and actor.id != user.id and (
            actor.role != Role.ADMIN or not actor.active):
        raise Forbidden("Action réservée aux administrateurs.")
    user.session_version = (user.session_version or 0) + 1
    if actor is not None and actor.id != user.id:
        record_audit(actor, "admin.sessions_revoked", target_type="user",
                     target_ref=str(user.id), now=utcnow())
    db.session.flush()
    return user
