"""`legaldesk ingest-eml FILE... [--json]` and `legaldesk mailbox poll`."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from legaldesk.core.extensions import db
from legaldesk.tickets.models import Ticket
from tests.intake.mails import CORPUS, raw_email


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_one_line_per_file_with_reference_and_outcome(app, tmp_path):
    question = tmp_path / "question.eml"
    question.write_bytes(raw_email())
    files = [question, question, CORPUS / "27_auto_reply_exchange_oof.eml",
             CORPUS / "41_empty_file.eml"]
    result = run(app, "ingest-eml", *map(str, files))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    reference = db.session.scalar(select(Ticket.reference))
    assert lines[0] == f"{question}: {reference} created"
    assert lines[1] == f"{question}: {reference} duplicate"
    assert lines[2].endswith(": - ignored auto-reply")
    assert lines[3].startswith(f"{files[3]}: - quarantined (message illisible")


def test_json_gives_one_object_per_file(app, tmp_path):
    question = tmp_path / "question.eml"
    question.write_bytes(raw_email())
    result = run(app, "ingest-eml", "--json", str(question), str(question))
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [o["outcome"] for o in objects] == ["created", "duplicate"]
    assert objects[0]["file"] == str(question)
    assert objects[0]["reference"] == objects[1]["reference"] is not None


def test_an_unreadable_file_is_reported_and_the_others_are_filed(app, tmp_path):
    question = tmp_path / "question.eml"
    question.write_bytes(raw_email())
    result = run(app, "ingest-eml", str(tmp_path / "absent.eml"), str(question))
    assert result.exit_code == 1
    assert "absent.eml: illisible" in result.output
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_mailbox_poll_needs_an_imap_host(app):
    result = run(app, "mailbox", "poll")
    assert result.exit_code != 0 and "IMAP_HOST" in result.output
