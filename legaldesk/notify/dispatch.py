"""Outbox dispatch: send due rows once each, retry with back-off, give up after N attempts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from legaldesk.core.extensions import db
from legaldesk.notify.models import (
    ONE_TIME_LINK_PURPOSES,
    ONE_TIME_LINK_REMOVED,
    Outbox,
    OutboxStatus,
)
from legaldesk.notify.sending import (
    ChannelUnavailable,
    PermanentFailure,
    Sender,
    SendResult,
    TemporaryFailure,
)
from legaldesk.tickets.models import Message

log = logging.getLogger(__name__)

RETRYABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED)


def default_senders(config: Mapping) -> dict[str, Sender]:
    """The SMTP and Twilio senders built from settings (they connect lazily)."""
    from legaldesk.notify.email import SmtpSender
    from legaldesk.notify.whatsapp import WhatsAppSender

    return {"email": SmtpSender(config), "whatsapp": WhatsAppSender(config)}


def dispatch_outbox(now: datetime, *, senders: Mapping[str, Sender] | None = None,
                    limit: int | None = None) -> int:
    """Send the due Outbox rows and return how many were sent.

    A job: it commits after each claim and each result, so a row is claimed by exactly one
    dispatcher (conditional UPDATE) before anything leaves, and a crash loses nothing.
    """
    config = current_app.config
    senders = senders if senders is not None else default_senders(config)
    limit = limit or int(config["OUTBOX_BATCH_SIZE"])
    down: set[str] = set()
    sent = 0
    try:
        for row_id, channel, attempts in _due_rows(now, limit):
            if channel in down:
                continue
            if not claim_row(row_id, attempts, now):
                continue
            sent += _send_claimed(row_id, senders.get(channel), now, down)
    finally:
        for sender in senders.values():
            sender.close()
    return sent


def _due_rows(now: datetime, limit: int) -> list[tuple[int, str, int]]:
    rows = db.session.execute(
        select(Outbox.id, Outbox.channel, Outbox.attempts)
        .where(Outbox.status.in_([s.value for s in RETRYABLE]), Outbox.next_attempt_at <= now)
        .order_by(Outbox.next_attempt_at, Outbox.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read transaction (SQLite holds its write lock until then)
    return [tuple(row) for row in rows]


def claim_row(row_id: int, attempts: int, now: datetime) -> bool:
    """Take the row for this dispatcher; a concurrent dispatcher's identical UPDATE finds 0 rows."""
    lease = timedelta(seconds=int(current_app.config["OUTBOX_CLAIM_SECONDS"]))
    claimed = db.session.execute(
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.attempts == attempts,
               Outbox.status.in_([s.value for s in RETRYABLE]), Outbox.next_attempt_at <= now)
        .values(attempts=attempts + 1, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _send_claimed(row_id: int, sender: Sender | None, now: datetime, down: set[str]) -> int:
    row = db.session.get(Outbox, row_id, populate_existing=True)
    if sender is None:
        _give_up(row, f"canal inconnu : {row.channel}", now)
        db.session.commit()
        return 0
    try:
        result = sender.send(row, now)
    except ChannelUnavailable as exc:
        down.add(row.channel)
        _release(row, f"{row.channel} indisponible : {exc}", now)
    except TemporaryFailure as exc:
        _retry_later(row, str(exc), now)
    except PermanentFailure as exc:
        _give_up(row, str(exc), now)
    except Exception as exc:  # noqa: BLE001 - a bug in one row must not block the others
        log.exception("outbox row %s: unexpected error", row_id)
        _retry_later(row, f"erreur inattendue : {exc!r}", now)
    else:
        _mark_sent(row, result, now)
        db.session.commit()
        return 1
    db.session.commit()
    return 0


def _mark_sent(row: Outbox, result: SendResult, now: datetime) -> None:
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row.provider_id = result.provider_id
    row.last_error = None
    forget_one_time_link(row)
    message = db.session.get(Message, row.message_id) if row.message_id else None
    if message is not None:
        message.delivery_status = result.delivery_status
        if message.external_id is None and row.channel == "whatsapp":
            # status callbacks name the Twilio SID: an indexed way back to the message
            message.external_id = result.provider_id


def _release(row: Outbox, error: str, now: datetime) -> None:
    """The channel is down: undo the claim so the outage does not count against the row."""
    row.attempts = max(row.attempts - 1, 0)
    row.next_attempt_at = now + timedelta(seconds=int(current_app.config[
        "OUTBOX_RETRY_BASE_SECONDS"]))
    row.last_error = error[:2000]


def _retry_later(row: Outbox, error: str, now: datetime) -> None:
    config = current_app.config
    if row.attempts >= int(config["OUTBOX_MAX_ATTEMPTS"]):
        _give_up(row, error, now)
        return
    row.status = OutboxStatus.FAILED
    row.next_attempt_at = now + retry_delay(row.attempts, config)
    row.last_error = error[:2000]


def retry_delay(attempts: int, config: Mapping) -> timedelta:
    """Exponential back-off: base × 2^(attempts-1), capped."""
    base = int(config["OUTBOX_RETRY_BASE_SECONDS"])
    seconds = min(base * 2 ** max(attempts - 1, 0), int(config["OUTBOX_RETRY_MAX_SECONDS"]))
    return timedelta(seconds=seconds)


def _give_up(row: Outbox, error: str, now: datetime) -> None:
    row.status = OutboxStatus.DEAD
    row.last_error = error[:2000]
    row.next_attempt_at = now
    forget_one_time_link(row)
    message = db.session.get(Message, row.message_id) if row.message_id else None
    if message is not None:
        message.delivery_status = "failed"


def forget_one_time_link(row: Outbox) -> None:
    """Blank a reset or invitation e-mail once it left (or never will): no live link is kept."""
    if row.purpose in ONE_TIME_LINK_PURPOSES:
        row.body = ONE_TIME_LINK_REMOVED
