"""Import every model module so metadata (and Alembic) sees all tables."""

from legaldesk import scheduler as scheduler_models  # noqa: F401
from legaldesk.auth import models as auth_models  # noqa: F401
from legaldesk.intake import models as intake_models  # noqa: F401
from legaldesk.kb import models as kb_models  # noqa: F401
from legaldesk.notify import models as notify_models  # noqa: F401
from legaldesk.sla import models as sla_models  # noqa: F401
from legaldesk.tickets import models as ticket_models  # noqa: F401
