"""Attachments are judged by their bytes: the sniffed type must agree with the extension."""

from __future__ import annotations

import pytest

from legaldesk.core.errors import InvalidInput
from legaldesk.tickets import services
from legaldesk.tickets.attachments import check_upload
from legaldesk.tickets.sniff import decode_text
from tests.conftest import NOW
from tests.samples import (
    make_docx,
    make_eml,
    make_ole,
    make_pdf,
    make_pe,
    make_png,
    make_xlsx,
    make_zip,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(("filename", "data", "expected"), [
    ("attestation.pdf", make_pdf(), "application/pdf"),
    ("photo.png", make_png(), "image/png"),
    ("photo-du-telephone.jpg", make_png(), "image/png"),  # an image under another image name
    ("contrat.docx", make_docx(), DOCX),
    ("heures.xlsx", make_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml"
                                 ".sheet"),
    ("ancien.doc", make_ole("WordDocument"), "application/msword"),
    ("ancien.xls", make_ole("Workbook"), "application/vnd.ms-excel"),
    ("notes.txt", "Bonjour,\r\nvoici mes questions : €, œ, à.\n".encode(), "text/plain"),
    ("export.csv", "nom;heures\nDurand;26\n".encode("cp1252"), "text/csv"),
    ("marque.csv", b"BMW;12\n", "text/csv"),  # "BM" is a bitmap's magic: text rules win
    ("message.eml", make_eml(), "message/rfc822"),
])
def test_real_files_are_accepted_with_the_type_their_bytes_show(app, filename, data, expected):
    assert check_upload(filename, data) == expected


@pytest.mark.parametrize(("filename", "data"), [
    ("facture.pdf", make_pe()),  # an executable renamed .pdf
    ("photo.png", make_pe()),
    ("lettre.docx", make_pdf()),  # another family than the name says
    ("lettre.pdf", make_docx()),
    ("archive.docx", make_zip()),  # a zip that is no Word document
    ("ancien.doc", make_ole("Installer")),  # an OLE file without a Word stream (e.g. an .msi)
    ("notes.txt", make_pe()),  # binary data: NUL bytes
    ("notes.txt", "UTF-16 texte".encode("utf-16")),  # NUL bytes too: refused as the brief says
    ("notes.txt", b"texte\x07avec\x1bcontr\x02les"),
    ("message.eml", b"Bonjour, ce n'est pas un e-mail"),
    ("tronque.docx", make_docx()[:40]),
])
def test_a_file_whose_bytes_disagree_with_its_extension_is_refused(app, filename, data):
    with pytest.raises(InvalidInput) as refused:
        check_upload(filename, data)
    assert refused.value.message == (
        f"« {filename} » : le contenu du fichier ne correspond pas à son extension "
        f".{filename.rsplit('.', 1)[1]}.")


def test_office_documents_with_macros_are_refused(app):
    with pytest.raises(InvalidInput, match="macros"):
        check_upload("contrat.docx", make_docx(macros=True))


def test_an_allowed_extension_we_cannot_verify_fails_closed(app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_ALLOWED_EXTENSIONS", ["pdf", "mp3"])
    with pytest.raises(InvalidInput, match="non vérifiable"):
        check_upload("voix.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00")


def test_the_declared_type_is_never_what_is_stored(app, make):
    org = make.organisation()
    adherent = make.user("adherent", organisation=org)
    ticket = services.open_ticket(adherent, subject="Contrat", body="Voici le contrat.", now=NOW)
    errors = services.attach_files(adherent, ticket, [
        services.UploadedFile("contrat.pdf", "text/html", make_pdf()),
        services.UploadedFile("facture.pdf", "application/pdf", make_pe()),
    ], now=NOW, message=ticket.messages[0])
    assert [(a.filename, a.content_type) for a in ticket.attachments] == [
        ("contrat.pdf", "application/pdf")]
    assert errors == ["« facture.pdf » : le contenu du fichier ne correspond pas à son "
                      "extension .pdf."]
    assert ticket.messages[0].body == "Voici le contrat."


def test_text_decoding_rules():
    assert decode_text("é".encode()) == "é"
    assert decode_text("é".encode("cp1252")) == "é"
    assert decode_text(b"\xef\xbb\xbfBOM") == "BOM"
    assert decode_text(b"a\x00b") is None
    assert decode_text(b"\x81\x8d") is None  # undefined in Windows-1252, invalid UTF-8
