"""SMTP sender: French text e-mails with our Message-ID and the thread's In-Reply-To/References."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import smtplib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import render_template
from jinja2 import TemplateNotFound
from sqlalchemy import select

from legaldesk.auth.models import User
from legaldesk.core.extensions import db
from legaldesk.notify.models import Outbox, OutboxStatus
from legaldesk.notify.sending import (
    ChannelUnavailable,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from legaldesk.tickets.attachments import attachment_path
from legaldesk.tickets.models import Attachment, Channel, Message, MessageKind, Ticket

MAX_REFERENCES = 12
# answers are written by people; every other purpose is sent by a machine and says so
# (Auto-Submitted, RFC 3834) so that auto-responders do not answer it and loop
HUMAN_PURPOSES = frozenset({"answer"})
_OUR_ID_RE = re.compile(r"^ld\.(\d+)\.([0-9a-f]{16})@(.+)$", re.IGNORECASE)


# --- our Message-IDs ----------------------------------------------------------------------


def message_id_domain(config: Mapping) -> str:
    """The right-hand side of our Message-IDs: a setting, else the domain of MAIL_FROM."""
    if config.get("MAIL_MESSAGE_ID_DOMAIN"):
        return str(config["MAIL_MESSAGE_ID_DOMAIN"]).lower()
    address = parseaddr(str(config["MAIL_FROM"]))[1]
    return address.rpartition("@")[2].lower() or "legaldesk.invalid"


def _token(outbox_id: int, config: Mapping) -> str:
    key = str(config["SECRET_KEY"]).encode()
    return hmac.new(key, f"outbox:{outbox_id}".encode(), hashlib.sha256).hexdigest()[:16]


def outbound_message_id(outbox_id: int, config: Mapping) -> str:
    """Our Message-ID for an Outbox row (without <>): stable across retries, unguessable."""
    return f"ld.{outbox_id}.{_token(outbox_id, config)}@{message_id_domain(config)}"


def outbox_id_from_message_id(message_id: str, config: Mapping) -> int | None:
    """The Outbox row an In-Reply-To/References id names, if ours (its signature checked)."""
    match = _OUR_ID_RE.match(message_id.strip().strip("<>"))
    if not match or match.group(3).lower() != message_id_domain(config):
        return None
    outbox_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), _token(outbox_id, config)):
        return None
    return outbox_id


def is_our_message_id(message_id: str | None, config: Mapping) -> bool:
    """True for a Message-ID we generated (a copy of our own mail coming back in)."""
    return bool(message_id) and outbox_id_from_message_id(message_id, config) is not None


# --- building the message -----------------------------------------------------------------


def thread_ids(ticket_id: int | None, exclude_outbox_id: int | None = None) -> list[str]:
    """Message-IDs of the ticket's e-mail thread, oldest first: the member's and ours."""
    return [ident for _, _, ident in _thread(ticket_id, exclude_outbox_id)]


def _thread(ticket_id: int | None, exclude_outbox_id: int | None) -> list[tuple]:
    """(when, 0 = the member's / 1 = ours, Message-ID) of the thread, in order."""
    if ticket_id is None:
        return []
    inbound = db.session.execute(
        select(Message.created_at, Message.external_id).where(
            Message.ticket_id == ticket_id, Message.channel == Channel.EMAIL,
            Message.kind == MessageKind.INBOUND, Message.external_id.is_not(None))
    ).all()
    ours = db.session.execute(
        select(Outbox.sent_at, Outbox.provider_id).where(
            Outbox.ticket_id == ticket_id, Outbox.channel == "email",
            Outbox.status == OutboxStatus.SENT, Outbox.provider_id.is_not(None),
            Outbox.id != (exclude_outbox_id or 0))
    ).all()
    entries = [(when, 0, ident) for when, ident in inbound if not ident.startswith("sha256:")]
    entries += [(when, 1, ident) for when, ident in ours if when is not None]
    return sorted(entries)


def build_email(row: Outbox, config: Mapping, now: datetime) -> EmailMessage:
    """The e-mail for an Outbox row: headers that thread, the reference in the subject."""
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = _recipient(row.recipient)
    if config.get("MAIL_REPLY_TO"):
        message["Reply-To"] = config["MAIL_REPLY_TO"]
    message["Subject"] = _subject(row, ticket)
    message["Date"] = format_datetime(now.replace(tzinfo=UTC))
    message["Message-ID"] = f"<{outbound_message_id(row.id, config)}>"
    thread = _thread(row.ticket_id, row.id)[-MAX_REFERENCES:]
    if thread:
        # we answer the member's latest message; References carry the whole thread
        members = [ident for _, side, ident in thread if side == 0]
        message["In-Reply-To"] = f"<{(members or [thread[-1][2]])[-1]}>"
        message["References"] = " ".join(f"<{ident}>" for _, _, ident in thread)
    if row.purpose not in HUMAN_PURPOSES:
        message["Auto-Submitted"] = "auto-replied" if row.purpose == "acknowledgement" \
            else "auto-generated"
    message.set_content(render_body(row, ticket, config), subtype="plain", charset="utf-8")
    _attach_answer_files(message, row, config)
    return message


def _recipient(address: str) -> str:
    try:
        return str(Address(addr_spec=address))
    except (ValueError, IndexError) as exc:
        raise PermanentFailure(f"adresse invalide : {address!r}") from exc


def _subject(row: Outbox, ticket: Ticket | None) -> str:
    subject = " ".join((row.subject or "").split())
    if ticket is not None and ticket.reference not in subject:
        subject = f"[{ticket.reference}] {subject or ticket.subject}"
    return subject or "Service juridique"


def public_link(config: Mapping, ticket: Ticket | None) -> str | None:
    """The ticket's page on the portal, when the public URL is configured."""
    base = config.get("PUBLIC_BASE_URL")
    if not base or ticket is None:
        return None
    return f"{str(base).rstrip('/')}/tickets/{ticket.reference}"


def render_body(row: Outbox, ticket: Ticket | None, config: Mapping) -> str:
    """The French text: the purpose's template if there is one, else the general one."""
    context = {
        "row": row, "ticket": ticket, "body": row.body, "link": public_link(config, ticket),
        "name": _first_name_of(row.recipient),
    }
    try:
        return render_template(f"notify/email_{row.purpose}.txt", **context)
    except TemplateNotFound:
        return render_template("notify/email.txt", **context)


def _first_name_of(address: str) -> str:
    """The first name of the user we write to, for the greeting (nothing for contacts)."""
    user = db.session.scalar(select(User).where(User.email == address.strip().lower()))
    return user.name.split()[0] if user is not None and user.name.strip() else ""


def _attach_answer_files(message: EmailMessage, row: Outbox, config: Mapping) -> None:
    """Files staff attached to an answer travel with it, within the size limit."""
    if row.message_id is None:
        return
    budget = int(config["MAIL_MAX_ATTACHMENT_BYTES"])
    files = db.session.scalars(select(Attachment).where(Attachment.message_id == row.message_id))
    for attachment in files:
        path = attachment_path(attachment.sha256)
        if attachment.size > budget or not path.exists():
            continue
        budget -= attachment.size
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(path.read_bytes(), maintype=maintype or "application",
                               subtype=subtype or "octet-stream", filename=attachment.filename)


# --- sending ------------------------------------------------------------------------------


class SmtpSender:
    """Send Outbox rows over one SMTP connection per dispatch run (smtplib)."""

    def __init__(self, config: Mapping):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def send(self, row: Outbox, now: datetime) -> SendResult:
        """Send one row; classify SMTP errors as channel down, temporary or permanent."""
        email = build_email(row, self.config, now)
        connection = self._connection()
        try:
            refused = connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _classify(*next(iter(exc.recipients.values()))) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise TemporaryFailure(f"connexion SMTP perdue pendant l'envoi : {exc}") from exc
        if refused:
            raise _classify(*next(iter(refused.values())))
        return SendResult(provider_id=outbound_message_id(row.id, self.config))

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        config = self.config
        timeout = float(config["SMTP_TIMEOUT_SECONDS"])
        try:
            smtp_class = smtplib.SMTP_SSL if config["SMTP_USE_SSL"] else smtplib.SMTP
            smtp = smtp_class(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=timeout)
            try:
                if config["SMTP_USE_TLS"] and not config["SMTP_USE_SSL"]:
                    smtp.starttls()
                if config.get("SMTP_USER"):
                    smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            except Exception:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelUnavailable(f"serveur SMTP injoignable : {exc}") from exc
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        """Say QUIT politely, then close."""
        if self._smtp is None:
            return
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self._smtp.quit()
        self._drop()


def _classify(code: int, text: bytes | str) -> Exception:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    message = f"SMTP {code} {detail}".strip()
    return TemporaryFailure(message) if 400 <= int(code) < 500 else PermanentFailure(message)
