"""Attachments of an e-mail: safe file names, the type to trust (sniffed), accept or reject."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import unquote

from legaldesk.intake.email_headers import first_message_id
from legaldesk.intake.email_mime import (
    content_type_of,
    disposition_of,
    message_bytes,
    payload_bytes,
    raw_filename,
    raw_header,
)
from legaldesk.intake.email_text import (
    decode_words,
    has_surrogates,
    normalise_space,
    undo_surrogates,
)

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DEFAULT_ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain",
        "text/csv",
        "message/rfc822",
    }
)
REJECTED_TYPE = "type non autorisé"
REJECTED_SIZE = "trop volumineux"


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment or inline part; a rejected one keeps its name, type and size but no data."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)
    size: int
    rejected_reason: str | None = None
    content_id: str | None = None
    inline: bool = False

    @property
    def accepted(self) -> bool:
        """True when the attachment may be stored."""
        return self.rejected_reason is None


@dataclass(frozen=True)
class AttachmentPolicy:
    """The size limit and the allowed content types (lowercased) of stored attachments."""

    max_attachment_bytes: int
    allowed_types: frozenset[str]


# fmt: off
_GENERIC_TYPES = frozenset({
    "", "application/octet-stream", "application/x-download",
    "application/force-download", "application/unknown", "binary/octet-stream",
    "application/binary", "application/x-octet-stream",
})
# fmt: on
_TYPE_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": "application/pdf",
    "application/acrobat": "application/pdf",
    "text/comma-separated-values": "text/csv",
    "application/csv": "text/csv",
    "application/x-msexcel": "application/vnd.ms-excel",
    "application/x-msword": "application/msword",
}
_TYPES_BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".html": "text/html",
    ".ics": "text/calendar",
    ".zip": "application/zip",
    ".exe": "application/x-msdownload",
}
_EXTENSIONS_BY_TYPE = {t: ext for ext, t in reversed(_TYPES_BY_EXTENSION.items())}
_EXECUTABLE_TYPES = frozenset({"application/x-msdownload", "application/x-executable"})
# fmt: off
_DANGEROUS_EXTENSIONS = frozenset({
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".js", ".jse",
    ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".jar", ".lnk", ".hta", ".cpl", ".reg",
    ".dll", ".docm", ".xlsm", ".iso", ".apk",
})
# fmt: on
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x7fELF", "application/x-executable"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_attachments(
    parts: list[Message], raw_html: str, options: AttachmentPolicy
) -> list[ParsedAttachment]:
    """Turn the set-aside parts into attachments, inline when the HTML shows them by cid:."""
    cids = {unquote(c).lower() for c in re.findall(r"cid:([^\"'\s>)]+)", raw_html, re.IGNORECASE)}
    return [_attachment(part, n, cids, options) for n, part in enumerate(parts, start=1)]


def _attachment(
    part: Message, number: int, cids: set[str], options: AttachmentPolicy
) -> ParsedAttachment:
    declared = content_type_of(part)
    data = message_bytes(part) if declared.startswith("message/") else payload_bytes(part)
    filename = _attachment_filename(part, declared, number)
    content_type = _effective_type(declared, data, filename)
    content_id = first_message_id(raw_header(part, "content-id"))
    inline = disposition_of(part) == "inline" or (content_id or "").lower() in cids
    reason = None
    if content_type not in options.allowed_types or _extension(filename) in _DANGEROUS_EXTENSIONS:
        reason = REJECTED_TYPE
    elif len(data) > options.max_attachment_bytes:
        reason = REJECTED_SIZE
    return ParsedAttachment(
        filename=filename,
        content_type=content_type,
        data=b"" if reason else data,
        size=len(data),
        rejected_reason=reason,
        content_id=content_id,
        inline=inline,
    )


def _attachment_filename(part: Message, content_type: str, number: int) -> str:
    name = raw_filename(part) or ""
    if "\ufffd" in name or has_surrogates(name):
        name = _filename_from_raw_headers(part) or name
    if "=?" in name:
        name = decode_words(name)
    name = _safe_filename(name)
    if name:
        return name
    if content_type == "message/rfc822":
        return f"message-{number}.eml"
    return f"piece-jointe-{number}{_EXTENSIONS_BY_TYPE.get(content_type, '.bin')}"


def _filename_from_raw_headers(part: Message) -> str | None:
    """Re-read a filename written as raw 8-bit bytes, which the modern parser replaces by U+FFFD."""
    probe = Message()
    for header in ("content-disposition", "content-type"):
        value = raw_header(part, header)
        if value:
            probe[header] = undo_surrogates(value)
    try:
        return probe.get_filename()
    except Exception:  # see raw_filename
        return None


def _safe_filename(name: str) -> str:
    name = unicodedata.normalize("NFC", normalise_space(name))
    name = re.split(r"[\\/]", name)[-1].strip(" .")
    if len(name) > 180:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:170] + dot + ext[:9]) if dot and len(ext) < 10 else name[:180]
    return name


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def _effective_type(declared: str, data: bytes, filename: str) -> str:
    """The type to trust: declared, unless generic (then sniffed) or really an executable."""
    declared = _TYPE_ALIASES.get(declared, declared)
    sniffed = _sniff(data, filename)
    if sniffed in _EXECUTABLE_TYPES:
        return sniffed
    if declared in _GENERIC_TYPES:
        return sniffed or _TYPES_BY_EXTENSION.get(_extension(filename), "application/octet-stream")
    return declared


def _sniff(data: bytes, filename: str) -> str | None:
    """Recognise a file type from its first bytes (magic numbers, zip and OLE containers)."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"MZ") and (b"PE\x00\x00" in data[:4096] or b"This program" in data[:1024]):
        return "application/x-msdownload"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        by_extension = {".xls": "application/vnd.ms-excel", ".doc": "application/msword"}
        return by_extension.get(_extension(filename), "application/x-ole-storage")
    return None


def _sniff_zip(data: bytes) -> str:
    """Tell DOCX/XLSX/ODT/ODS apart from other zip files by their member names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            small = info is not None and info.file_size < 100
            odf = archive.read(info).decode("ascii", "ignore").strip() if small else ""
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        KeyError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        names, odf = set(), ""
    if odf in (_TYPES_BY_EXTENSION[".odt"], _TYPES_BY_EXTENSION[".ods"]):
        return odf
    if "word/document.xml" in names or (not names and b"word/" in data[:65536]):
        return _TYPES_BY_EXTENSION[".docx"]
    if "xl/workbook.xml" in names or (not names and b"xl/" in data[:65536]):
        return _TYPES_BY_EXTENSION[".xlsx"]
    return "application/zip"
