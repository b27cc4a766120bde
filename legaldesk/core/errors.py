"""LegalDeskError tree, mapped once to HTTP status codes and to click errors."""


class LegalDeskError(Exception):
    """Base of every expected, user-facing error."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(LegalDeskError):
    """The object does not exist or the actor may not see it (never reveal which)."""

    status_code = 404


class Forbidden(LegalDeskError):
    """The actor may see the object but not do this."""

    status_code = 403


class InvalidInput(LegalDeskError):
    """The input is malformed or breaks a rule."""

    status_code = 400


class Conflict(LegalDeskError):
    """The action lost a race or contradicts the current state."""

    status_code = 409


class RateLimited(LegalDeskError):
    """Too many attempts; try later."""

    status_code = 429
