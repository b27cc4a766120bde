"""The scheduler's job table and its single runner (used by the scheduler and `jobs run`).

Every job is a plain function ``job(now) -> int`` (how many things it did) that only writes
through services and is idempotent: running it twice at the same ``now`` changes nothing more.
The runner owns the transaction: it commits once on success and rolls back on failure.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from legaldesk.core.errors import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One scheduled job: what it runs and when (an APScheduler trigger and its arguments)."""

    name: str
    target: str  # "module:function", imported when the job runs (nothing at import time)
    description: str
    trigger: str  # "interval" or "cron"
    schedule: dict = field(default_factory=dict)

    def function(self) -> Callable[[datetime], int]:
        """The job's function, imported on demand."""
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)

    def describe_schedule(self) -> str:
        """The schedule as short text for `jobs list`."""
        if self.trigger == "interval":
            units = {"seconds": "s", "minutes": "min", "hours": "h", "days": "j"}
            return "toutes les " + " ".join(f"{v} {units.get(k, k)}"
                                            for k, v in self.schedule.items())
        return "chaque jour à " + ":".join(f"{self.schedule.get(k, 0):02d}"
                                           for k in ("hour", "minute"))


def job_table(config) -> dict[str, Job]:
    """The jobs of this deployment, by name (the digest hour comes from the settings)."""
    jobs = [
        Job("sla_check", "legaldesk.sla.services:check_sla",
            "Alertes à 75 % du délai et dépassements (une fois chacun), notifiés.",
            "interval", {"minutes": 5}),
        Job("auto_escalate", "legaldesk.tickets.moves:auto_escalate_overdue",
            "Escalade automatique des demandes de premier niveau sans réponse.",
            "interval", {"minutes": 15}),
        Job("daily_digest", "legaldesk.sla.services:queue_daily_digests",
            "Récapitulatif quotidien par membre de l'équipe (ouvertes, proches, en retard).",
            "cron", {"hour": int(config["DAILY_DIGEST_HOUR"]), "minute": 0}),
        Job("notification_digest", "legaldesk.notify.inapp:send_notification_digests",
            "Récapitulatif quotidien des notifications non lues (à qui l'a choisi).",
            "cron", {"hour": int(config["NOTIFICATION_DIGEST_HOUR"]), "minute": 0}),
        Job("auto_close", "legaldesk.tickets.auto_close:close_stale_answered",
            "Clôture des demandes répondues restées sans réponse du demandeur.",
            "interval", {"hours": 1}),
        Job("dispatch_outbox", "legaldesk.notify.dispatch:dispatch_outbox",
            "Envoi des notifications en attente (e-mail, WhatsApp), avec reprises.",
            "interval", {"minutes": 1}),
        Job("poll_mailbox", "legaldesk.intake.imap:poll_mailbox",
            "Relève de la boîte IMAP du service juridique (si IMAP_HOST est réglé).",
            "interval", {"minutes": 2}),
        Job("kb_index_queue", "legaldesk.kb.index_queue:drain_index_queue",
            "Applique les changements de fiches à l'index de recherche.",
            "interval", {"minutes": 1}),
        Job("prune_auth", "legaldesk.auth.throttle:prune_auth_records",
            "Efface les compteurs de connexion échus et les liens e-mail utilisés ou expirés.",
            "interval", {"hours": 1}),
        Job("retention", "legaldesk.privacy.retention:run_retention",
            "Efface ou anonymise les données dont la durée de conservation est échue.",
            "cron", {"hour": 3, "minute": 30}),
    ]
    return {job.name: job for job in jobs}


def run_job(name: str, now: datetime) -> int:
    """Run one job once in the current app context; commit on success, roll back on error."""
    from flask import current_app

    from legaldesk.core.extensions import db

    job = job_table(current_app.config).get(name)
    if job is None:
        raise NotFound(f"Tâche inconnue : {name}")
    try:
        result = job.function()(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", name)
        raise
    log.info("job %s done: %s", name, result)
    return int(result or 0)
