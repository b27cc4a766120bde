"""History import: good rows in, bad rows reported by line, re-import without duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from legaldesk.core.errors import Forbidden, InvalidInput
from legaldesk.core.extensions import db
from legaldesk.tickets.history_import import import_history
from legaldesk.tickets.models import Ticket
from tests.sla.conftest import BDAY, HOUR, paris

NOW = paris("2026-03-10 11:00")
HEADER = ("received_at,first_response_at,resolved_at,channel,topic,level,priority,"
          "organisation,region,subject")
GOOD = ("2023-03-01T10:00:00+01:00,2023-03-02T10:00:00+01:00,2023-03-03T10:00:00+01:00,"
        "e-mail,contrats,premier niveau,normale,AI Les Tilleuls,IDF,Question A")
ROWS = [
    GOOD,                                                                          # line 2
    "01/03/2023 14:00,,2023-03-02 14:00,Téléphone,Pass IAE,,urgent,ACI Lagon,,Question B",
    "2023-03-01T10:00:00+01:00,,,pigeon,contrats,expert,normale,AI Les Tilleuls,IDF,C",
    "2023-03-05T10:00:00+01:00,,2023-03-01T10:00:00+01:00,web,,expert,normale,,IDF,D",
    "2023-03-01T10:00:00+01:00,,,web,,expert,normale,Structure inconnue,IDF,E",       # line 6
    "2023-03-01T10:00:00+01:00,,,web,,expert,normale,AI Les Tilleuls,IDF,",
    GOOD,                                                                          # line 8
    "2030-03-01T10:00:00+01:00,,,web,,expert,normale,AI Les Tilleuls,IDF,Futur",
]
CSV = "\n".join([HEADER, *ROWS]) + "\n"


def tickets_count() -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def test_good_rows_are_imported_and_bad_rows_reported(desk):
    result = import_history(None, CSV, source="2023.csv", now=NOW)
    db.session.commit()
    assert (result.imported, result.duplicates) == (2, 1)
    assert [line for line, _reason in result.errors] == [4, 5, 6, 7, 9]
    reasons = dict(result.errors)
    assert "channel inconnu" in reasons[4]
    assert "resolved_at précède received_at" in reasons[5]
    assert "structure inconnue" in reasons[6]
    assert "subject" in reasons[7]
    assert "futur" in reasons[9]
    assert tickets_count() == 2


def test_imported_ticket_carries_measured_clocks(desk):
    import_history(None, CSV, source="2023.csv", now=NOW)
    db.session.commit()
    paris_row, reunion_row = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert paris_row.reference.startswith("LD-2023-")
    assert (paris_row.status, paris_row.channel, paris_row.level) == (
        "closed", "email", "first_level")
    assert paris_row.received_at == paris("2023-03-01 10:00")
    assert paris_row.first_response_business_seconds == 9 * HOUR  # Wed 10-18, Thu 9-10
    assert paris_row.resolution_business_seconds == 2 * BDAY
    assert paris_row.resolution_calendar_seconds == 2 * 86400
    assert [e.action for e in paris_row.events] == ["imported"]
    # Local time of the territory: 14:00 in Réunion is 10:00 UTC.
    assert reunion_row.received_at == paris("2023-03-01 11:00")
    assert (reunion_row.channel, reunion_row.priority, reunion_row.topic.code) == (
        "phone", "urgent", "pass_iae")
    assert reunion_row.region.code == "OI"
    assert reunion_row.resolution_business_seconds == BDAY  # Wed 14-18 + Thu 9-14, Réunion
    assert reunion_row.first_response_business_seconds is None


def test_reimport_creates_no_duplicates(desk):
    import_history(None, CSV, source="2023.csv", now=NOW)
    db.session.commit()
    again = import_history(None, CSV, source="2023-bis.csv", now=NOW)
    db.session.commit()
    assert (again.imported, again.duplicates, len(again.errors)) == (0, 3, 5)
    assert tickets_count() == 2


def test_semicolons_and_import_id(desk):
    text = ("import_id;" + HEADER.replace(",", ";") + "\n"
            "X-1;2023-04-03 10:00;;;web;;expert;normale;AI Les Tilleuls;;Q\n"
            "X-1;2023-04-03 10:00;;;web;;expert;normale;AI Les Tilleuls;;Q modifiée\n")
    result = import_history(None, text, source="s.csv", now=NOW)
    assert (result.imported, result.duplicates, result.errors) == (1, 1, [])
    ticket = db.session.scalar(select(Ticket))
    assert ticket.status == "new" and ticket.region.code == "IDF"
    assert ticket.next_due_at is not None  # still open: its clocks run


def test_missing_columns_and_access(desk):
    with pytest.raises(InvalidInput, match="Colonnes manquantes"):
        import_history(None, "received_at,subject\n2023-01-01,x\n", source="x.csv", now=NOW)
    with pytest.raises(Forbidden):
        import_history(desk["manager"], CSV, source="x.csv", now=NOW)


def test_cli_import(desk, app, tmp_path):
    path = tmp_path / "historique.csv"
    path.write_text(CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["tickets", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 demande(s) importée(s), 1 déjà présente(s), 5 ligne(s) refusée(s)" in result.output
    assert "ligne 6 : structure inconnue : Structure inconnue" in result.output
