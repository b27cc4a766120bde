"""IMAP door: poll the mailbox, file each message, flag or move it only after its commit.

Killed in the middle of a batch, the next poll meets the unflagged messages again: those already
filed come back as duplicates (and are flagged then), the others are filed. Each message is
filed exactly once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.consts import MailMessageFlags

from legaldesk.intake.services import IngestResult, ingest_email

_INTERNALDATE_RE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass
class PollSummary:
    """What one poll did: messages met and the outcome of each."""

    enabled: bool = True
    seen: int = 0
    outcomes: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        """JSON-ready form for the CLI and the job log."""
        return {"enabled": self.enabled, "seen": self.seen, "outcomes": dict(self.outcomes)}


def poll_mailbox(now: datetime, *, limit: int | None = None,
                 after_filing: Callable[[str, IngestResult], None] | None = None) -> int:
    """The scheduler job: file the mailbox's new messages; return how many were met."""
    return run_poll(now, limit=limit, after_filing=after_filing).seen


def run_poll(now: datetime, *, limit: int | None = None,
             after_filing: Callable[[str, IngestResult], None] | None = None) -> PollSummary:
    """File the mailbox's unfiled messages, each committed on its own, and summarise.

    `after_filing(uid, result)` is called between the commit and the IMAP flag/move, the
    moment a crash would leave a filed message unflagged.
    """
    config = current_app.config
    if not config.get("IMAP_HOST"):
        return PollSummary(enabled=False)
    summary = PollSummary()
    with open_mailbox(config) as mailbox:
        uids = pending_uids(mailbox, config)[: limit or int(config["IMAP_BATCH_SIZE"])]
        for uid in uids:
            fetched = fetch_raw(mailbox, uid)
            if fetched is None:
                continue  # expunged meanwhile by someone else
            raw, internaldate = fetched
            result = ingest_email(raw, now=now, source="imap", received_at=internaldate)
            if after_filing is not None:
                after_filing(uid, result)
            mark_filed(mailbox, uid, config)
            summary.seen += 1
            summary.outcomes[result.outcome.value] += 1
    return summary


def open_mailbox(config: Mapping) -> BaseMailBox:
    """Connect and log in (implicit TLS, STARTTLS or plain as configured)."""
    host, port = config["IMAP_HOST"], int(config["IMAP_PORT"])
    timeout = float(config["IMAP_TIMEOUT_SECONDS"])
    if config["IMAP_SSL"]:
        mailbox = MailBox(host, port, timeout=timeout)
    elif config.get("IMAP_STARTTLS"):
        mailbox = MailBoxStartTls(host, port, timeout=timeout)
    else:
        mailbox = MailBoxUnencrypted(host, port, timeout=timeout)
    return mailbox.login(config["IMAP_USER"], config["IMAP_PASSWORD"],
                         initial_folder=config["IMAP_FOLDER"])


def pending_uids(mailbox: BaseMailBox, config: Mapping) -> list[str]:
    """UIDs still to file: all of the folder when filed mail moves out, else the unflagged."""
    if config.get("IMAP_PROCESSED_FOLDER"):
        uids = mailbox.uids("ALL")
    else:
        uids = mailbox.uids(AND(no_keyword=config["IMAP_FILED_FLAG"]))
    return sorted(uids, key=int)


def fetch_raw(mailbox: BaseMailBox, uid: str) -> tuple[bytes, datetime | None] | None:
    """The exact bytes of a message (not re-serialised) and the server's arrival time."""
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[] INTERNALDATE)")
    if status != "OK":
        return None
    raw = next((part[1] for part in data if isinstance(part, tuple) and len(part) == 2), None)
    if raw is None:
        return None
    envelope = b" ".join(p[0] if isinstance(p, tuple) else p for p in data
                         if isinstance(p, (tuple, bytes)))
    return raw, _internaldate(envelope)


def _internaldate(envelope: bytes) -> datetime | None:
    match = _INTERNALDATE_RE.search(envelope)
    if not match:
        return None
    try:
        parsed = datetime.strptime(match.group(1).decode("ascii"), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None)


def mark_filed(mailbox: BaseMailBox, uid: str, config: Mapping) -> None:
    """Move the message to the processed folder, or flag it filed (and seen)."""
    folder = config.get("IMAP_PROCESSED_FOLDER")
    if folder:
        if not mailbox.folder.exists(folder):
            mailbox.folder.create(folder)
        mailbox.move(uid, folder)
    else:
        mailbox.flag(uid, [config["IMAP_FILED_FLAG"], MailMessageFlags.SEEN], True)
