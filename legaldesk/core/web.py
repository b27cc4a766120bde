"""Small helpers shared by the thin views: the clock, commits with flash messages, roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect
from flask_login import current_user, login_required

from legaldesk.core.errors import LegalDeskError
from legaldesk.core.extensions import db
from legaldesk.core.models import utcnow


def now():
    """The request's clock (naive UTC)."""
    return utcnow()


def roles_required(*roles: str) -> Callable:
    """Login plus one of the roles (admins pass); the services check again."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def commit_or_flash(action: Callable[[], object], success: str, target: str,
                    after_commit: Callable[[], object] | None = None):
    """Run a service call, commit once, then run after_commit, flash and redirect to target."""
    try:
        action()
        db.session.commit()
    except LegalDeskError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(target)
    if after_commit is not None:
        after_commit()  # side effects that leave the database happen after commit
    flash(success, "success")
    return redirect(target)
