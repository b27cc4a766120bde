"""Tests for legaldesk.intake.email_parse and its parts: the .eml corpus table, then unit tests."""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from legaldesk.intake.email_attachments import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    REJECTED_SIZE,
    REJECTED_TYPE,
)
from legaldesk.intake.email_headers import clean_subject, find_ticket_reference
from legaldesk.intake.email_parse import EmailParseError, ParsedEmail, parse_email
from legaldesk.intake.email_quoting import fold_quoted

CORPUS = Path(__file__).resolve().parents[1] / "data" / "eml"
SAFE_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a", "blockquote"}
MARKUP_RE = re.compile(
    r"</?(?:p|div|span|br|html|body|head|style|script|table|td|tr|font|b|i|o:p|img)[\s/>]",
    re.IGNORECASE,
)
MOJIBAKE = ("Ã©", "Ã¨", "Ã ", "Ã§", "â€", "\ufffd")


# --------------------------------------------------------------------------- corpus table


def corpus_table() -> list[tuple[str, list[tuple[str, str]]]]:
    """Rows of the README table: (file name, [(key, value), ...])."""
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].endswith(".eml"):
            facts = [fact.strip().split("=", 1) for fact in cells[2].split(";") if fact.strip()]
            rows.append((cells[0], [(key.strip(), value.strip()) for key, value in facts]))
    return rows


ROWS = corpus_table()


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _as_text(value: object) -> str:
    if value is None:
        return "none"
    return value.isoformat() if isinstance(value, datetime) else str(value)


EQUALS: dict[str, Callable[[ParsedEmail], object]] = {
    "subject_clean": lambda p: p.subject_clean,
    "from": lambda p: p.from_address,
    "from_name": lambda p: p.from_name,
    "reply_to": lambda p: p.reply_to,
    "ref": lambda p: p.ticket_reference,
    "msgid": lambda p: p.message_id,
    "inreply": lambda p: p.in_reply_to,
    "date": lambda p: p.date,
    "refs": lambda p: len(p.references),
    "valid": lambda p: _yes(p.from_address_valid),
    "fwd": lambda p: _yes(p.is_forward),
    "att": lambda p: len(p.accepted_attachments),
    "rej": lambda p: len(p.rejected_attachments),
    "inline": lambda p: sum(a.inline for a in p.attachments),
    "new_empty": lambda p: _yes(not p.new_text),
}
CONTAINS: dict[str, Callable[[ParsedEmail], str]] = {
    "new": lambda p: p.new_text,
    "quoted": lambda p: p.quoted_text,
    "html": lambda p: p.body_html_safe,
    "defect": lambda p: " | ".join(p.defects),
}
LACKS: dict[str, Callable[[ParsedEmail], str]] = {
    "not_new": lambda p: p.new_text,
    "not_html": lambda p: p.body_html_safe,
}
MEMBER: dict[str, Callable[[ParsedEmail], list]] = {
    "to": lambda p: p.to,
    "cc": lambda p: p.cc,
    "att_name": lambda p: [a.filename for a in p.attachments],
    "att_type": lambda p: [a.content_type for a in p.attachments],
    "rej_reason": lambda p: [a.rejected_reason for a in p.rejected_attachments],
}
DEFAULTS = {"auto": "no", "fwd": "no", "att": "0", "rej": "0"}


def check_fact(parsed: ParsedEmail, key: str, value: str) -> None:
    """Assert one README fact about a parsed mail."""
    if key == "auto":
        reason = parsed.auto_reply_reason
        if value == "no":
            assert reason is None, reason
        else:
            assert reason is not None and value.lower() in reason.lower(), reason
    elif key in EQUALS:
        assert _as_text(EQUALS[key](parsed)) == value
    elif key in CONTAINS:
        assert value in CONTAINS[key](parsed)
    elif key in LACKS:
        assert value not in LACKS[key](parsed)
    elif key in MEMBER:
        assert value in MEMBER[key](parsed)
    else:
        pytest.fail(f"unknown fact key in README: {key}")


def assert_invariants(parsed: ParsedEmail) -> None:
    """What must hold for every corpus mail: safe, and clean text without markup or mojibake."""
    assert_safe(parsed)
    for text in (parsed.new_text, parsed.quoted_text, parsed.body_text):
        assert not MARKUP_RE.search(text), MARKUP_RE.search(text)
    for text in (parsed.subject, parsed.from_name, parsed.new_text):
        assert not any(bad in text for bad in MOJIBAKE), text


def assert_safe(parsed: ParsedEmail) -> None:
    """What must hold even for damaged input: no script, safe HTML, consistent attachments."""
    texts = (
        parsed.subject,
        parsed.from_name,
        parsed.new_text,
        parsed.quoted_text,
        parsed.body_text,
        parsed.body_html_safe,
    )
    assert all("<script" not in text.lower() for text in texts)
    html = parsed.body_html_safe
    assert "javascript:" not in html.lower()
    assert {tag.lower() for tag in re.findall(r"</?([a-zA-Z][\w:-]*)", html)} <= SAFE_TAGS
    assert not any(re.search(r"\son\w+\s*=", tag, re.I) for tag in re.findall(r"<[^>]*>", html))
    for attachment in parsed.attachments:
        if attachment.accepted:
            assert attachment.size == len(attachment.data)
        else:
            assert attachment.data == b"" and attachment.size >= 0
    assert not any("compat32" in defect for defect in parsed.defects)
    assert parsed.date is None or parsed.date.tzinfo is None
    assert parsed.from_address == parsed.from_address.lower()


def test_corpus_is_complete_and_described() -> None:
    """Every .eml file has a README line and the corpus has the 35+ files it promises."""
    on_disk = {path.name for path in CORPUS.glob("*.eml")}
    described = [name for name, _ in ROWS]
    assert len(described) == len(set(described))
    assert on_disk == set(described)
    assert len(on_disk) >= 35
    assert all(path.stat().st_size < 200_000 for path in CORPUS.glob("*.eml"))


@pytest.mark.parametrize(("name", "facts"), ROWS, ids=[name for name, _ in ROWS])
def test_corpus_file(name: str, facts: list[tuple[str, str]]) -> None:
    """Each corpus file parses to the facts written in its README line."""
    raw = (CORPUS / name).read_bytes()
    keys = {key for key, _ in facts}
    limit = int(next((v for k, v in facts if k == "max"), DEFAULT_MAX_ATTACHMENT_BYTES))
    if "error" in keys:
        with pytest.raises(EmailParseError) as caught:
            parse_email(raw, max_attachment_bytes=limit)
        expected = next(v for k, v in facts if k == "error")
        assert expected.lower() in caught.value.reason.lower()
        return
    parsed = parse_email(raw, max_attachment_bytes=limit)
    assert_invariants(parsed)
    defaults = [(key, value) for key, value in DEFAULTS.items() if key not in keys]
    for key, value in facts + defaults:
        if key != "max":
            check_fact(parsed, key, value)


def test_corpus_survives_mutations() -> None:
    """Truncated or corrupted corpus files parse or raise EmailParseError, nothing else."""
    rng = random.Random(20260302)
    outcomes = {"parsed": 0, "refused": 0}
    for path in sorted(CORPUS.glob("*.eml")):
        raw = path.read_bytes()
        for _ in range(4):
            mutated = bytearray(raw[: rng.randrange(len(raw) + 1)] if raw else b"")
            for _ in range(rng.randrange(1, 8)):
                if mutated:
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            try:
                assert_safe(parse_email(bytes(mutated)))
                outcomes["parsed"] += 1
            except EmailParseError:
                outcomes["refused"] += 1
    assert outcomes["parsed"] > 0 and outcomes["refused"] > 0


# --------------------------------------------------------------------------- helpers


def mail(headers: str, body: bytes | str = b"Bonjour\n", *, from_line: bool = True) -> bytes:
    """Build a small raw mail: headers (one per line, LF), a blank line, the body."""
    prefix = "From: Jean Dupont <jean.dupont@ai-exemple.example>\n" if from_line else ""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return (prefix + headers.strip("\n") + "\n\n").encode("utf-8") + data


def multipart(parts: list[tuple[str, bytes]], *, kind: str = "mixed", headers: str = "") -> bytes:
    """A multipart mail made of (part headers, part body) pairs."""
    boundary = "BOUNDARY-42"
    chunks = [
        f"--{boundary}\n{part_headers.strip()}\n\n".encode() + body + b"\n"
        for part_headers, body in parts
    ]
    head = f'{headers}\nMIME-Version: 1.0\nContent-Type: multipart/{kind}; boundary="{boundary}"'
    return mail(head, b"".join(chunks) + f"--{boundary}--\n".encode())


def html_mail(markup: str) -> ParsedEmail:
    """Parse a mail whose only body is the given HTML."""
    return parse_email(mail("Content-Type: text/html; charset=utf-8", markup))


def attachment_mail(part_headers: str, data: bytes, **options: object) -> ParsedEmail:
    """Parse a mail with one text part and one base64 attachment."""
    encoded = base64.encodebytes(data)
    parts = [
        ("Content-Type: text/plain; charset=utf-8", b"Voir la piece jointe."),
        (part_headers + "\nContent-Transfer-Encoding: base64", encoded),
    ]
    return parse_email(multipart(parts), **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fold_quoted


@pytest.mark.parametrize(
    ("text", "new_part", "quoted_part"),
    [
        (
            "Merci !\n\nLe 2 mars 2026 à 10:12, Jean <j@x.fr> a écrit :\n> Bonjour\n> Question",
            "Merci !",
            "Le 2 mars 2026 à 10:12, Jean <j@x.fr> a écrit :\n> Bonjour\n> Question",
        ),
        (
            "Thanks\n\nOn Mon, Mar 2, 2026 at 9:15 AM Jean <j@x.fr> wrote:\n> Hello",
            "Thanks",
            "On Mon, Mar 2, 2026 at 9:15 AM Jean <j@x.fr> wrote:\n> Hello",
        ),
        (
            "Réponse\n\n-----Original Message-----\nFrom: a\nQuestion",
            "Réponse",
            "-----Original Message-----\nFrom: a\nQuestion",
        ),
        (
            "Oui\n\nDe : Jean\nEnvoyé : lundi\nÀ : moi\nObjet : x\n\nAncien",
            "Oui",
            "De : Jean\nEnvoyé : lundi\nÀ : moi\nObjet : x\n\nAncien",
        ),
        ("Texte\n-- \nJean\n01 99 00 00 00", "Texte", "--\nJean\n01 99 00 00 00"),
        ("Texte court\n\nEnvoyé de mon iPhone", "Texte court", "Envoyé de mon iPhone"),
        ("Juste une question ?", "Juste une question ?", ""),
    ],
    ids=[
        "fr-attribution",
        "en-attribution",
        "original-message",
        "outlook-block",
        "dashes",
        "mobile-footer",
        "nothing-quoted",
    ],
)
def test_fold_quoted_splits_history(text: str, new_part: str, quoted_part: str) -> None:
    """The usual history markers end the new part."""
    assert fold_quoted(text) == (new_part, quoted_part)


def test_fold_quoted_keeps_forwarded_content_in_new_part() -> None:
    """A forwarded message is the question: it stays in the new part."""
    text = "Pour info\n\n---------- Forwarded message ---------\nDe : A\n\nLa vraie question ?"
    new_part, quoted_part = fold_quoted(text)
    assert "La vraie question ?" in new_part and quoted_part == ""


def test_fold_quoted_bottom_posting_and_interleaving() -> None:
    """Text after a quoted block is new; quoted lines between answers are quoted."""
    text = "Le 2 mars 2026, Jean a écrit :\n> Q1 ?\n\nR1\n\n> Q2 ?\n\nR2"
    assert fold_quoted(text) == ("R1\n\nR2", "Le 2 mars 2026, Jean a écrit :\n> Q1 ?\n> Q2 ?")


def test_fold_quoted_needs_a_date_or_address_in_an_attribution() -> None:
    """'Le salarié a écrit :' in a member's own text is not a reply header."""
    text = "Le salarié a écrit :\nJe démissionne.\nEst-ce valable ?"
    assert fold_quoted(text) == (text, "")


def test_fold_quoted_a_single_de_line_is_not_an_outlook_block() -> None:
    """'De :' alone, without Envoyé/À/Objet lines, is ordinary text."""
    text = "De : mon point de vue, le CDDI est valable.\nQu'en pensez-vous ?"
    assert fold_quoted(text) == (text, "")


def test_fold_quoted_signoff_moves_contact_block_only() -> None:
    """After 'Cordialement' and the name, a short contact block goes aside; a PS stays."""
    signed = "Question ?\n\nCordialement,\nJean Dupont\nDirecteur\nTél : 06 39 98 12 34"
    assert fold_quoted(signed) == (
        "Question ?\n\nCordialement,\nJean Dupont",
        "Directeur\nTél : 06 39 98 12 34",
    )
    with_ps = "Question ?\n\nCordialement,\nJean Dupont\nPS : le salarié est en arrêt."
    assert fold_quoted(with_ps) == (with_ps, "")
    sentences = "Merci.\nJe voudrais savoir si le CDDI peut être rompu.\nLe salarié est d'accord."
    assert fold_quoted(sentences) == (sentences, "")
    one_line = "Question ?\nCordialement, Jean Dupont\nAI Exemple\n01 99 00 12 34"
    assert fold_quoted(one_line) == (
        "Question ?\nCordialement, Jean Dupont",
        "AI Exemple\n01 99 00 12 34",
    )


def test_whole_body_is_kept_when_nothing_looks_new() -> None:
    """A body that is only history (an unmarked Outlook forward) is not lost."""
    body = "De : Accueil\nEnvoyé : lundi\nÀ : moi\nObjet : URSSAF\n\nLe contrôle est demain ?"
    parsed = parse_email(mail("Subject: URSSAF", body))
    assert parsed.new_text == body and parsed.quoted_text == ""


# --------------------------------------------------------------------------- subjects


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("RE: TR: Fwd: Question CDDI", "Question CDDI"),
        ("Re : [LD-2026-00042] Question", "Question"),
        ("RE[2]: Pass IAE", "Pass IAE"),
        ("Réf. : dossier PMSMP", "dossier PMSMP"),
        ("AW: WG: Frage", "Frage"),
        ("TR\u00a0: Contrôle", "Contrôle"),
        ("[LD-2026-00042] RE: suite", "suite"),
        ("Question sur le RE", "Question sur le RE"),
        ("Retraite progressive", "Retraite progressive"),
        ("Trésorerie : question", "Trésorerie : question"),
    ],
)
def test_clean_subject(subject: str, cleaned: str) -> None:
    """Prefixes and reference tags go; words that merely start like a prefix stay."""
    assert clean_subject(subject) == cleaned


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("RE: [LD-2026-00042] Question", "LD-2026-00042"),
        ("relance ld-2026-00117", "LD-2026-00117"),
        ("dossier LD-2026-001234 suite", "LD-2026-001234"),
        ("LD-2026-0042 trop court", None),
        ("XLD-2026-00042 collé", None),
        ("LD-2025-00001 puis [LD-2026-00042]", "LD-2026-00042"),
        ("Question sans référence", None),
    ],
)
def test_find_ticket_reference(subject: str, reference: str | None) -> None:
    """LD-YYYY-NNNNN+, bracketed ones first, case-insensitive."""
    assert find_ticket_reference(subject) == reference


def test_forward_prefix_sets_is_forward_but_reply_to_forward_does_not() -> None:
    """'TR:' first means a forward; 'RE: TR:' is a reply."""
    assert parse_email(mail("Subject: TR: question", "texte")).is_forward
    assert not parse_email(mail("Subject: RE: TR: question", "texte")).is_forward


# --------------------------------------------------------------------------- charsets


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("utf-8", "salarié".encode("cp1252"), "salarié"),
        ("iso-8859-1", "salarié".encode(), "salarié"),
        ("iso-8859-15", "l’arrêt".encode("cp1252"), "l’arrêt"),
        ("iso-8859-1", "150 €".encode("cp1252"), "150 €"),
        ("x-inconnu", "prévoyance".encode(), "prévoyance"),
        ("windows-1252", "œuvre".encode("cp1252"), "œuvre"),
        ("iso-8859-15", "100 €".encode("iso-8859-15"), "100 €"),
    ],
)
def test_body_charset_fallbacks(charset: str, body: bytes, expected: str) -> None:
    """Wrong or unknown charset labels fall back to utf-8, cp1252, latin-1."""
    headers = f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit"
    assert parse_email(mail(headers, body)).new_text == expected


def test_mixed_encodings_are_decoded_line_by_line() -> None:
    """A UTF-8 reply quoting Windows-1252 history keeps both readable."""
    body = "Réponse en UTF-8\n".encode() + "> l’ancien message en cp1252\n".encode("cp1252")
    parsed = parse_email(mail("Content-Type: text/plain; charset=utf-8", body))
    assert parsed.new_text == "Réponse en UTF-8"
    assert parsed.quoted_text == "> l’ancien message en cp1252"


def test_encoded_word_with_lying_or_unknown_charset() -> None:
    """RFC 2047 words are decoded with the same fallbacks as bodies."""
    utf8_as_latin1 = "=?iso-8859-1?B?" + base64.b64encode("Référé".encode()).decode() + "?="
    unknown = "=?x-inconnu?Q?d=C3=A9cision?="
    parsed = parse_email(mail(f"Subject: {utf8_as_latin1} et {unknown}"))
    assert parsed.subject == "Référé et décision"


def test_format_flowed_with_delsp() -> None:
    """format=flowed soft breaks are joined; delsp=yes removes the trailing space."""
    headers = "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes"
    parsed = parse_email(mail(headers, b"Pass IA \nE prolong\xc3\xa9 \n?\n\n> quo \n> te\n"))
    assert parsed.new_text == "Pass IAE prolongé?"
    assert parsed.quoted_text == "> quote"


# --------------------------------------------------------------------------- HTML


def test_html_links_lists_and_entities() -> None:
    """Links read 'text (url)' once, lists keep bullets and numbers, entities decode."""
    parsed = html_mail(
        '<p>Voir <a href="https://travail.example/cddi">la fiche</a> et '
        '<a href="https://travail.example/">https://travail.example</a>.</p>'
        '<p>&Eacute;crivez <a href="mailto:juridique@x.example?subject=q">ici</a> ou '
        '<a href="mailto:a@x.example">a@x.example</a>.</p>'
        "<ol><li>un</li><li>deux</li></ol><ul><li>point</li></ul>"
    )
    assert parsed.new_text == (
        "Voir la fiche (https://travail.example/cddi) et https://travail.example.\n\n"
        "Écrivez ici (juridique@x.example) ou a@x.example.\n\n1. un\n2. deux\n\n- point"
    )


def test_html_blockquotes_become_quoted_lines() -> None:
    """Nested blockquotes are rendered '> > ' and folded away."""
    parsed = html_mail(
        "<div>Ma réponse</div><div>Le 2 mars 2026, X a écrit :</div>"
        "<blockquote>Avant<blockquote>Encore avant</blockquote></blockquote>"
    )
    assert parsed.new_text == "Ma réponse"
    assert parsed.quoted_text == "Le 2 mars 2026, X a écrit :\n> Avant\n> > Encore avant"


def test_outlook_paragraphs_are_lines_not_double_spaced() -> None:
    """MsoNormal paragraphs are single lines; an empty one is a blank line."""
    parsed = html_mail(
        '<p class="MsoNormal">Bonjour,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<p class="MsoNormal">Ligne 1<o:p></o:p></p><p class="MsoNormal">Ligne 2<o:p></o:p></p>'
    )
    assert parsed.new_text == "Bonjour,\n\nLigne 1\nLigne 2"


def test_html_head_without_closing_tag_and_malformed_declaration() -> None:
    """A missing </head> does not swallow the body; '<![foo' does not crash the parser."""
    parsed = html_mail("<html><head><title>T</title><body><p>Texte visible</p></body>")
    assert parsed.new_text == "Texte visible"
    broken = html_mail("<p>Avant <![foo bar]> après</p><script>x()</script>")
    assert "Avant" in broken.new_text and "après" in broken.new_text
    assert "<" not in broken.new_text and "x()" not in broken.new_text


def test_empty_plain_alternative_falls_back_to_html() -> None:
    """An empty text/plain alternative does not hide the HTML one."""
    parsed = parse_email(
        multipart(
            [
                ("Content-Type: text/plain; charset=utf-8", b"  \n"),
                ("Content-Type: text/html; charset=utf-8", b"<p>Le vrai texte</p>"),
            ],
            kind="alternative",
        )
    )
    assert parsed.new_text == "Le vrai texte"


def test_plain_alternative_is_preferred_over_html() -> None:
    """When both exist, the text/plain part is the body text."""
    parsed = parse_email(
        multipart(
            [
                ("Content-Type: text/plain; charset=utf-8", b"Version texte"),
                ("Content-Type: text/html; charset=utf-8", b"<p>Version HTML</p>"),
            ],
            kind="alternative",
        )
    )
    assert parsed.new_text == "Version texte"
    assert parsed.body_html_safe == "<p>Version HTML</p>"


def test_body_html_safe_keeps_only_basic_tags() -> None:
    """Scripts, handlers, javascript: URLs, images and tables are gone; links get noopener."""
    parsed = html_mail(
        '<p onclick="x()" style="color:red">Bonjour <b>gras</b> '
        '<a href="javascript:alert(1)">piège</a> <a href="https://ok.example/">ok</a></p>'
        '<img src="x" onerror="alert(2)"><table><tr><td>cellule</td></tr></table>'
        "<script>alert(3)</script><style>p{}</style>"
    )
    assert parsed.body_html_safe == (
        '<p>Bonjour <b>gras</b> <a rel="noopener noreferrer">piège</a> '
        '<a href="https://ok.example/" rel="noopener noreferrer">ok</a></p>cellule'
    )


def test_plain_body_gets_escaped_safe_html() -> None:
    """A plain-text mail still offers body_html_safe: escaped paragraphs."""
    parsed = parse_email(mail("Subject: x", "Ligne <b>1</b>\nLigne 2\n\nParagraphe"))
    assert parsed.body_html_safe == "<p>Ligne &lt;b&gt;1&lt;/b&gt;<br>Ligne 2</p><p>Paragraphe</p>"


# --------------------------------------------------------------------------- attachments

PDF = b"%PDF-1.4\n" + b"0" * 91  # 100 bytes


def test_attachment_size_limit_is_inclusive() -> None:
    """A file of exactly the limit passes; one byte more is refused with no data kept."""
    headers = 'Content-Type: application/pdf\nContent-Disposition: attachment; filename="a.pdf"'
    accepted = attachment_mail(headers, PDF, max_attachment_bytes=100).attachments[0]
    refused = attachment_mail(headers, PDF + b"0", max_attachment_bytes=100).attachments[0]
    assert accepted.accepted and accepted.data == PDF and accepted.size == 100
    assert refused.rejected_reason == REJECTED_SIZE and refused.data == b""
    assert refused.size == 101


def test_custom_allowed_types() -> None:
    """The caller can narrow the allowed types."""
    headers = 'Content-Type: image/png\nContent-Disposition: attachment; filename="p.png"'
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    assert attachment_mail(headers, png).attachments[0].accepted
    narrow = attachment_mail(headers, png, allowed_types={"application/pdf"}).attachments[0]
    assert narrow.rejected_reason == REJECTED_TYPE


@pytest.mark.parametrize(
    ("part_headers", "data", "content_type", "reason"),
    [
        (
            'Content-Type: application/pdf; name="facture.pdf.exe"',
            PDF,
            "application/pdf",
            REJECTED_TYPE,
        ),
        (
            'Content-Type: application/pdf; name="facture.pdf"',
            b"MZ\x90\x00This program cannot be run in DOS mode",
            "application/x-msdownload",
            REJECTED_TYPE,
        ),
        ('Content-Type: application/octet-stream; name="scan"', PDF, "application/pdf", None),
        ('Content-Type: application/octet-stream; name="notes.txt"', b"texte", "text/plain", None),
        (
            'Content-Type: application/octet-stream; name="archive.zip"',
            b"PK\x03\x04broken",
            "application/zip",
            REJECTED_TYPE,
        ),
        ('Content-Type: image/pjpeg; name="photo.jpg"', b"\xff\xd8\xff\xe0", "image/jpeg", None),
    ],
    ids=["double-extension", "disguised-exe", "sniffed-pdf", "extension-txt", "zip", "jpeg-alias"],
)
def test_attachment_type_decisions(
    part_headers: str, data: bytes, content_type: str, reason: str | None
) -> None:
    """Declared types are trusted unless generic or executable; dangerous extensions refused."""
    attachment = attachment_mail(part_headers, data).attachments[0]
    assert (attachment.content_type, attachment.rejected_reason) == (content_type, reason)


def test_attachment_filenames_are_made_safe_or_invented() -> None:
    """Paths are stripped from names; a nameless part gets a name from its type."""
    traversal = attachment_mail(
        'Content-Type: application/pdf; name="..\\\\..\\\\Windows\\\\evil.pdf"', PDF
    )
    nameless = attachment_mail("Content-Type: application/pdf", PDF)
    assert traversal.attachments[0].filename == "evil.pdf"
    assert nameless.attachments[0].filename == "piece-jointe-1.pdf"


def test_raw_utf8_filename_is_decoded() -> None:
    """A filename written as raw 8-bit UTF-8 (no RFC 2231/2047) is decoded, not mangled."""
    raw = (
        b"From: a@x.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        b"--B\nContent-Type: text/plain\n\nVoir PJ\n--B\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="d\xc3\xa9cision.pdf"\n\n%PDF-1.4\n--B--\n'
    )
    assert parse_email(raw).attachments[0].filename == "décision.pdf"


def test_cid_referenced_image_is_an_inline_attachment() -> None:
    """An image referenced from the HTML by cid: is listed, flagged inline, with its id."""
    png = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    parsed = parse_email(
        multipart(
            [
                ("Content-Type: text/html; charset=utf-8", b'<p>Logo</p><img src="cid:logo@x">'),
                (
                    "Content-Type: image/png\nContent-ID: <logo@x>\n"
                    "Content-Transfer-Encoding: base64",
                    png,
                ),
            ],
            kind="related",
        )
    )
    (image,) = parsed.attachments
    assert (image.inline, image.content_id, image.filename) == (
        True,
        "logo@x",
        "piece-jointe-1.png",
    )


def test_default_allowed_types_cover_the_brief() -> None:
    """PDF, images, Word, Excel, OpenDocument, text, CSV and attached mails are allowed."""
    assert {
        "application/pdf",
        "image/webp",
        "application/msword",
        "text/csv",
        "application/vnd.oasis.opendocument.spreadsheet",
        "message/rfc822",
    } <= DEFAULT_ALLOWED_TYPES
    assert "text/html" not in DEFAULT_ALLOWED_TYPES


# --------------------------------------------------------------------------- headers


def test_message_ids_are_normalised() -> None:
    """Brackets, comments and duplicates are removed; order is kept."""
    parsed = parse_email(
        mail(
            "Message-ID:  abc@x.example \n"
            "In-Reply-To: <LD-2026-00042.1.a@legaldesk.local> (message de Jean)\n"
            "References: <a@x> <b@x>\n <a@x> <c@x>"
        )
    )
    assert parsed.message_id == "abc@x.example"
    assert parsed.in_reply_to == "LD-2026-00042.1.a@legaldesk.local"
    assert parsed.references == ["a@x", "b@x", "c@x"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 2 Mar 2026 10:12:00 +0200", datetime(2026, 3, 2, 8, 12)),
        ("Mon, 2 Mar 2026 10:12:00 -0000", datetime(2026, 3, 2, 10, 12)),
        ("Mon, 2 Mar 2026 10:12:00 GMT", datetime(2026, 3, 2, 10, 12)),
        ("2026-03-02 10:12:00+01:00", datetime(2026, 3, 2, 9, 12)),
        ("demain matin", None),
        ("", None),
    ],
)
def test_dates_are_naive_utc(value: str, expected: datetime | None) -> None:
    """Dates come back as naive UTC, None when unusable."""
    assert parse_email(mail(f"Date: {value}")).date == expected


@pytest.mark.parametrize(
    ("from_value", "name", "address", "valid"),
    [
        ("Jean.Dupont@AI-Exemple.EXAMPLE", "", "jean.dupont@ai-exemple.example", True),
        ("jean@ai-exemple.example (Jean Dupont)", "Jean Dupont", "jean@ai-exemple.example", True),
        (
            '"Dupont, Jean" <jean@ai-exemple.example>',
            "Dupont, Jean",
            "jean@ai-exemple.example",
            True,
        ),
        ("Jean Dupont", "Jean Dupont", "", False),
        ("<jean@localhost>", "", "jean@localhost", False),
    ],
)
def test_sender_parsing_and_validation(
    from_value: str, name: str, address: str, valid: bool
) -> None:
    """Sender name and address are extracted; a bad address is flagged, never raised."""
    parsed = parse_email(mail(f"From: {from_value}", from_line=False))
    assert (parsed.from_name, parsed.from_address, parsed.from_address_valid) == (
        name,
        address,
        valid,
    )


def test_sender_header_is_used_when_from_is_missing() -> None:
    """Sender stands in for a missing From."""
    parsed = parse_email(mail("Sender: accueil@aci.example", from_line=False))
    assert parsed.from_address == "accueil@aci.example"


def test_recipients_are_lowercased_and_deduplicated() -> None:
    """To and Cc become lists of addresses."""
    parsed = parse_email(
        mail(
            "To: A <A@X.example>, b@x.example\nCc: a@x.example, =?utf-8?Q?Zo=C3=A9?= <z@x.example>"
        )
    )
    assert parsed.to == ["a@x.example", "b@x.example"]
    assert parsed.cc == ["a@x.example", "z@x.example"]


# --------------------------------------------------------------------------- auto-replies


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Precedence: junk", "Precedence: junk"),
        ("Precedence: auto_reply", "Precedence: auto_reply"),
        ("X-Autoreply: yes", "X-Autoreply"),
        ("X-Autorespond: 1", "X-Autorespond"),
        ("X-Auto-Response-Suppress: DR, OOF", "X-Auto-Response-Suppress"),
        ("List-Unsubscribe: <mailto:x@lists.example>", "liste de diffusion"),
        ("Return-Path: <>", "Return-Path vide"),
        ("Subject: Automatic reply: Question", "objet"),
        ("Subject: Out of Office: Question", "objet"),
        ("Subject: Delivery Status Notification (Failure)", "objet"),
    ],
)
def test_auto_reply_signals(headers: str, reason: str) -> None:
    """Each machine signal is named in auto_reply_reason."""
    found = parse_email(mail(headers)).auto_reply_reason
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: no",
        "X-Auto-Response-Suppress: DR, RN",
        "Precedence: normal",
        "Subject: Question sur la réponse automatique de France Travail",
    ],
)
def test_human_mail_is_not_an_auto_reply(headers: str) -> None:
    """Look-alike headers and subjects do not flag a human mail."""
    assert parse_email(mail(headers)).auto_reply_reason is None


def test_postmaster_sender_is_an_auto_reply() -> None:
    """Mail from postmaster/mailer-daemon is machine mail."""
    parsed = parse_email(mail("From: Postmaster <POSTMASTER@mx.example>", from_line=False))
    assert parsed.auto_reply_reason == "expéditeur postmaster@mx.example"


# --------------------------------------------------------------------------- errors and limits


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\r\n\t", "empty"),
        (b"\x00\x01\x02 binaire", "not an e-mail"),
        (b"Subject: sans expediteur\r\n\r\ncorps", "no From"),
        (b"From: \r\nSubject: vide\r\n\r\ncorps", "no From"),
    ],
)
def test_unusable_input_raises_email_parse_error(raw: bytes, reason: str) -> None:
    """Only unusable input raises, with a readable reason; it is a ValueError."""
    with pytest.raises(EmailParseError) as caught:
        parse_email(raw)
    assert reason in caught.value.reason
    assert isinstance(caught.value, ValueError)


def test_str_input_is_a_programming_error() -> None:
    """Passing text instead of bytes is the caller's bug, not bad input."""
    with pytest.raises(TypeError):
        parse_email("From: a@b.example\n\nx")  # type: ignore[arg-type]


def test_deep_mime_nesting_is_survived() -> None:
    """Hundreds of nested multiparts neither crash nor recurse without end."""
    raw = b"From: a@x.example\nContent-Type: multipart/mixed; boundary=b0\n\n"
    for depth in range(1, 300):
        raw += b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (depth - 1, depth)
    raw += b"--b299\nContent-Type: text/plain\n\nau fond\n"
    try:
        parsed = parse_email(raw)
    except EmailParseError as error:
        assert "MIME" in error.reason
    else:
        assert any("too deep" in note for note in parsed.defects)


def test_nested_forwarded_attachments_are_bounded() -> None:
    """A forward of a forward of ... is unfolded only a couple of levels deep."""
    inner = b"From: z@x.example\nSubject: Fwd: niveau 0\n\nquestion initiale\n"
    for level in range(1, 6):
        inner = (
            (
                b"From: z@x.example\nSubject: Fwd: niveau %d\nMIME-Version: 1.0\n"
                b"Content-Type: multipart/mixed; boundary=f%d\n\n--f%d\n"
                b"Content-Type: message/rfc822\n\n" % (level, level, level)
            )
            + inner
            + b"\n--f%d--\n" % level
        )
    parsed = parse_email(inner)
    assert parsed.is_forward
    assert parsed.new_text.count("Message transféré") == 2
