"""The IMAP door against a real Dovecot: flag or move only after commit; killed, it files once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from imap_tools import AND
from sqlalchemy import create_engine, func, select, text

from legaldesk.core.extensions import db
from legaldesk.intake.imap import poll_mailbox, run_poll
from legaldesk.intake.models import InboundMessage, InboundStatus
from legaldesk.tickets.models import Message, Ticket
from tests.conftest import NOW
from tests.intake.mails import corpus, raw_email
from tests.mailservers import configure, serve_imap

imap_server = pytest.fixture(serve_imap, name="imap_server")
ROOT = Path(__file__).resolve().parents[2]
FLAG = "$LegalDeskFiled"

KILLED_POLL = """
import json, os, signal, sys
from datetime import datetime
from legaldesk import create_app
from legaldesk.intake.imap import run_poll

config, kill_after, now = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app(config)
filed = []

def after_filing(uid, result):
    filed.append(uid)
    if len(filed) == kill_after:  # committed, not yet flagged: the worst moment to die
        os.kill(os.getpid(), signal.SIGKILL)

with app.app_context():
    run_poll(datetime.fromisoformat(now), after_filing=after_filing)
"""


@pytest.fixture
def imap_app(app, imap_server, monkeypatch):
    configure(monkeypatch, app, imap_server.config())
    return app


def questions(n: int, start: int = 0) -> list[bytes]:
    return [raw_email(sender=f"membre{i}@structure{i}.example", subject=f"Question {i}",
                      message_id=f"q{i}@structure{i}.example", body=f"Question numéro {i} ?")
            for i in range(start, start + n)]


def unfiled(imap_server) -> list[str]:
    with imap_server.mailbox() as mailbox:
        return mailbox.uids(AND(no_keyword=FLAG))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_a_poll_files_each_message_and_flags_it(imap_app, imap_server):
    imap_server.deliver(*questions(2), corpus("28_auto_reply_x_autoreply.eml"),
                        corpus("42_no_from_header.eml"))
    summary = run_poll(NOW)
    assert summary.seen == 4
    assert summary.outcomes == {"created": 2, "ignored_auto_reply": 1, "quarantined": 1}
    assert unfiled(imap_server) == []
    assert run_poll(NOW).seen == 0
    assert count(Ticket) == 2 and count(InboundMessage) == 4


def test_the_servers_arrival_time_starts_the_clock(imap_app, imap_server):
    arrived = (NOW - timedelta(minutes=7)).replace(tzinfo=UTC)
    with imap_server.mailbox() as mailbox:
        mailbox.append(questions(1)[0], "INBOX", dt=arrived, flag_set=())
    assert poll_mailbox(NOW) == 1
    ticket = db.session.scalars(select(Ticket)).one()
    assert ticket.received_at == NOW - timedelta(minutes=7)


def test_a_message_is_flagged_only_after_its_ticket_is_committed(imap_app, imap_server, app):
    imap_server.deliver(*questions(2))
    seen_at_commit = []

    def after_filing(uid, result):
        # another connection sees the committed ticket while the message is still unflagged
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM inbound_messages WHERE id = :i"),
                                  {"i": result.inbound_id}).scalar_one()
        engine.dispose()
        seen_at_commit.append((status, uid in unfiled(imap_server)))

    run_poll(NOW, after_filing=after_filing)
    assert seen_at_commit == [("processed", True), ("processed", True)]
    assert unfiled(imap_server) == []


def test_filed_messages_can_move_to_a_processed_folder(imap_app, imap_server, monkeypatch):
    monkeypatch.setitem(imap_app.config, "IMAP_PROCESSED_FOLDER", "Traités")
    imap_server.deliver(*questions(3))
    assert poll_mailbox(NOW) == 3
    with imap_server.mailbox() as mailbox:
        assert mailbox.uids("ALL") == []
        mailbox.folder.set("Traités")
        assert len(mailbox.uids("ALL")) == 3
    assert poll_mailbox(NOW) == 0


def test_killed_between_commit_and_flag_each_message_is_filed_exactly_once(imap_app,
                                                                          imap_server):
    imap_server.deliver(*questions(6))
    db.session.commit()
    process = _spawn_poll(imap_app, kill_after=3)
    assert process.wait(timeout=120) == -signal.SIGKILL
    assert count(Ticket) == 3 and len(unfiled(imap_server)) == 4
    summary = run_poll(NOW)
    assert summary.outcomes == {"duplicate": 1, "created": 3}
    _assert_exactly_once(imap_server, 6)


def test_killed_at_any_moment_then_rerun_files_each_message_exactly_once(imap_app,
                                                                        imap_server):
    total = 30
    imap_server.deliver(*questions(total))
    db.session.commit()
    url = imap_app.config["SQLALCHEMY_DATABASE_URI"]
    process = _spawn_poll(imap_app, kill_after=0)
    watcher = create_engine(url)
    try:
        _kill_when_stored(process, watcher, at_least=8)
    finally:
        watcher.dispose()
    run_poll(NOW)
    _assert_exactly_once(imap_server, total)


# --- helpers ------------------------------------------------------------------------------


def _spawn_poll(app, *, kill_after: int) -> subprocess.Popen:
    keys = ["SQLALCHEMY_DATABASE_URI", "DEPLOYMENT", "SECRET_KEY", "ATTACHMENTS_DIR",
            "KB_INDEX_DIR", "TESTING", *[k for k in app.config if k.startswith("IMAP_")]]
    config = {key: app.config[key] for key in keys if key in app.config}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", KILLED_POLL, json.dumps(config), str(kill_after),
         NOW.isoformat()], cwd=ROOT, env=env)


def _kill_when_stored(process: subprocess.Popen, engine, *, at_least: int) -> None:
    """SIGKILL the poller once it has stored some messages (wherever it is in the pipeline)."""
    for _ in range(6000):
        if process.poll() is not None:
            return
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM inbound_messages")).scalar_one()
        if stored >= at_least:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return
        time.sleep(0.01)
    process.kill()
    process.wait()
    pytest.fail("the poller stored nothing")


def _assert_exactly_once(imap_server, total: int) -> None:
    db.session.expire_all()
    assert unfiled(imap_server) == []
    assert count(InboundMessage) == total and count(Ticket) == total
    assert count(Message) == total
    statuses = db.session.scalars(select(InboundMessage.status)).all()
    assert set(statuses) == {InboundStatus.PROCESSED}
    ids = db.session.scalars(select(Message.external_id)).all()
    assert sorted(ids) == sorted(f"q{i}@structure{i}.example" for i in range(total))
