"""What a file really is, read from its bytes (never from its name or the declared type).

`filetype` (pure Python, magic numbers) names the format; office containers are then opened
for what they hold: a zip is a Word/Excel (OOXML) or OpenDocument file only when its members
say so, an OLE compound file is a .doc/.xls only when it has the Word or Excel stream
(`olefile`). Text has no magic: it is text when it decodes and holds no NUL or control bytes.
Pure functions, no I/O.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesHeaderParser

import filetype
import olefile

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain"
CSV = "text/csv"
EML = "message/rfc822"
IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

# Each allowed extension belongs to a family; the bytes must be of a type of that family.
FAMILY_OF_EXTENSION = {
    "pdf": "pdf", "png": "image", "jpg": "image", "jpeg": "image", "gif": "image",
    "webp": "image", "doc": "office97", "xls": "office97", "docx": "ooxml", "xlsx": "ooxml",
    "odt": "opendocument", "ods": "opendocument", "txt": "text", "csv": "text", "eml": "eml",
}
TYPES_OF_FAMILY = {
    "pdf": frozenset({PDF}),
    "image": IMAGES,
    "office97": frozenset({DOC, XLS}),
    "ooxml": frozenset({DOCX, XLSX}),
    "opendocument": frozenset({ODT, ODS}),
    "text": frozenset({TEXT, CSV}),
    "eml": frozenset({EML}),
}
# What to call a text file of each extension once its bytes proved it is text
TEXT_TYPE_OF_EXTENSION = {"txt": TEXT, "csv": CSV, "eml": EML}

_ZIP_TYPES = frozenset({"application/zip", DOCX, XLSX, ODT, ODS,
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        "application/vnd.oasis.opendocument.presentation"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # whitespace, and the old DOS end-of-file mark
_EML_HEADERS = ("from", "date", "subject", "message-id", "received", "to")


@dataclass(frozen=True)
class Sniffed:
    """The type the bytes show (None when unknown) and, for office files, whether macros hide."""

    content_type: str | None
    macros: bool = False


def sniff(data: bytes, extension: str) -> Sniffed:
    """The real type of these bytes, checked the way the extension's family needs."""
    family = FAMILY_OF_EXTENSION.get(extension)
    if family in ("text", "eml"):
        return _sniff_text(data, extension)
    kind = filetype.guess(data)
    detected = kind.mime if kind else None
    if detected in _ZIP_TYPES:
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    return Sniffed(detected)


def agrees(sniffed: Sniffed, extension: str) -> bool:
    """True when the sniffed type belongs to the family of the file's extension."""
    family = FAMILY_OF_EXTENSION.get(extension)
    if family is None or sniffed.content_type is None:
        return False
    return sniffed.content_type in TYPES_OF_FAMILY[family]


def _sniff_zip(data: bytes) -> Sniffed:
    """OOXML by its [Content_Types].xml and main part, OpenDocument by its mimetype member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            macros = any(name.lower().endswith("vbaproject.bin") for name in names)
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return Sniffed(declared if declared in (ODT, ODS) else None, macros)
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return Sniffed(DOCX, macros)
                if "xl/workbook.xml" in names:
                    return Sniffed(XLSX, macros)
            return Sniffed("application/zip", macros)
    except Exception:  # noqa: BLE001 - an archive we cannot read is no office document
        return Sniffed(None)


def _sniff_ole(data: bytes) -> Sniffed:
    """An OLE compound file is a Word or Excel 97 file only if it holds their main stream."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path).lower() for path in ole.listdir(streams=True)}
    except Exception:  # noqa: BLE001 - a compound file we cannot read is no office document
        return Sniffed(None)
    macros = any(name.startswith("macros/") or name.startswith("_vba_project_cur/")
                 for name in streams)
    if "worddocument" in streams:
        return Sniffed(DOC, macros)
    if "workbook" in streams or "book" in streams:
        return Sniffed(XLS, macros)
    return Sniffed("application/x-ole-storage", macros)


def _sniff_text(data: bytes, extension: str) -> Sniffed:
    """Text has no magic number: it must decode and hold no NUL nor other control bytes."""
    text = decode_text(data)
    if text is None:
        return Sniffed(None)
    if extension == "eml" and not _looks_like_email(data):
        return Sniffed(TEXT)
    return Sniffed(TEXT_TYPE_OF_EXTENSION[extension])


def decode_text(data: bytes) -> str | None:
    """The text of UTF-8 (with or without BOM) or Windows-1252 bytes; None for binary data."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(char) < 32 and char not in _ALLOWED_CONTROLS for char in text):
            return None
        return text
    return None


def _looks_like_email(data: bytes) -> bool:
    """A saved e-mail starts with header fields (an mbox 'From ' line may come first)."""
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    headers = BytesHeaderParser(policy=email_policy.compat32).parsebytes(data)
    return sum(1 for name in _EML_HEADERS if headers.get(name) is not None) >= 2
