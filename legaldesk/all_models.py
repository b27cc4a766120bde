"""Import every model module so metadata (and Alembic) sees all tables."""

from legaldesk.auth import models as auth_models  # noqa: F401
from legaldesk.notify import models as notify_models  # noqa: F401
from legaldesk.tickets import models as ticket_models  # noqa: F401
