"""Pure parser for inbound e-mail: raw RFC 5322 bytes in, a ParsedEmail out (no I/O, no DB)."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser
from urllib.parse import unquote

from legaldesk.intake.email_autoreply import auto_reply_reason
from legaldesk.intake.email_headers import (
    address_list,
    clean_subject,
    find_ticket_reference,
    first_header,
    first_message_id,
    has_forward_prefix,
    header_table,
    is_valid_address,
    message_ids,
    parse_date,
    parse_sender,
)
from legaldesk.intake.email_html import sanitise_html
from legaldesk.intake.email_mime import (
    Walk,
    collect,
    content_type_of,
    defect_names,
    disposition_of,
    message_bytes,
    payload_bytes,
    raw_filename,
    raw_header,
    render_segments,
)
from legaldesk.intake.email_quoting import fold_history
from legaldesk.intake.email_text import (
    decode_words,
    has_surrogates,
    normalise_space,
    tidy,
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

_MAX_FORWARD_DEPTH = 2


class EmailParseError(ValueError):
    """The raw bytes are not a usable e-mail (empty, not an e-mail, no sender); .reason says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


@dataclass
class ParsedEmail:
    """Everything the intake pipeline needs from one inbound e-mail."""

    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    subject: str
    subject_clean: str
    from_address: str
    from_name: str
    from_address_valid: bool
    to: list[str]
    cc: list[str]
    reply_to: str | None
    date: datetime | None
    ticket_reference: str | None
    auto_reply_reason: str | None
    body_text: str
    body_html_safe: str
    new_text: str
    quoted_text: str
    is_forward: bool
    attachments: list[ParsedAttachment]
    defects: list[str]

    @property
    def is_auto_reply(self) -> bool:
        """True for auto-replies, bounces and list traffic that must not open a ticket."""
        return self.auto_reply_reason is not None

    @property
    def accepted_attachments(self) -> list[ParsedAttachment]:
        """Attachments that passed the type and size checks."""
        return [a for a in self.attachments if a.accepted]

    @property
    def rejected_attachments(self) -> list[ParsedAttachment]:
        """Attachments refused, each with its rejected_reason for the reply to the sender."""
        return [a for a in self.attachments if not a.accepted]


@dataclass(frozen=True)
class _Options:
    max_attachment_bytes: int
    allowed_types: frozenset[str]


# --------------------------------------------------------------------------- entry points


def parse_email(
    raw: bytes,
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    allowed_types: Collection[str] = DEFAULT_ALLOWED_TYPES,
) -> ParsedEmail:
    """Parse raw e-mail bytes; raise EmailParseError only when the message is unusable."""
    options = _Options(max_attachment_bytes, frozenset(t.lower() for t in allowed_types))
    return _parse(_prepare_raw(raw), options, depth=0)


def _prepare_raw(raw: bytes) -> bytes:
    if isinstance(raw, str) or not isinstance(raw, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_email expects bytes, not {type(raw).__name__}")
    data = bytes(raw)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    data = data.lstrip(b"\r\n\t ")
    if data.startswith(b"From ") and not re.match(rb"From\s*:", data):
        # mbox envelope line added by archivers: not a header, and it would hide the real ones
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    if not data.strip():
        raise EmailParseError("message vide (empty message)")
    return data


def _parse(data: bytes, options: _Options, depth: int) -> ParsedEmail:
    try:
        return _build(BytesParser(policy=email_policy.default).parsebytes(data), options, depth)
    except EmailParseError:
        raise
    except RecursionError as exc:
        raise EmailParseError("structure MIME trop imbriquée (MIME nesting too deep)") from exc
    except Exception:  # the modern header classes can choke on hostile input
        message = BytesParser(policy=email_policy.compat32).parsebytes(data)
        parsed = _build(message, options, depth)
        parsed.defects.append("parsed with the compat32 fallback")
        return parsed


def _build(message: Message, options: _Options, depth: int) -> ParsedEmail:
    headers = header_table(message)
    if not headers:
        raise EmailParseError("pas un e-mail : aucun en-tête reconnu (not an e-mail: no header)")
    sender = first_header(headers, "from") or first_header(headers, "sender")
    if not sender.strip():
        raise EmailParseError("expéditeur absent : pas d'en-tête From (no From header)")
    from_name, from_address = parse_sender(sender)
    subject = decode_words(first_header(headers, "subject"))
    walk = Walk()
    body_text, raw_html = render_segments(collect(message, walk, 0))
    attachments = _attachments(walk.attachment_parts, raw_html, options)
    forward_subject = has_forward_prefix(subject)
    if forward_subject and depth < _MAX_FORWARD_DEPTH:
        body_text = _append_attached_messages(body_text, walk.attachment_parts, options, depth)
    fold = fold_history(body_text, forward_hint=forward_subject)
    new_text, quoted_text = fold.new, fold.quoted
    if not new_text and body_text.strip():
        # nothing recognisable as new: keep the whole body rather than lose the question
        new_text, quoted_text = tidy(body_text), ""
    return ParsedEmail(
        message_id=first_message_id(first_header(headers, "message-id")),
        in_reply_to=first_message_id(first_header(headers, "in-reply-to")),
        references=message_ids(" ".join(headers.get("references", []))),
        subject=subject,
        subject_clean=clean_subject(subject),
        from_address=from_address,
        from_name=from_name,
        from_address_valid=is_valid_address(from_address),
        to=address_list(headers.get("to", [])),
        cc=address_list(headers.get("cc", [])),
        reply_to=next(iter(address_list(headers.get("reply-to", []))), None),
        date=parse_date(first_header(headers, "date")),
        ticket_reference=find_ticket_reference(subject),
        auto_reply_reason=auto_reply_reason(
            headers, content_type_of(message), from_address, subject
        ),
        body_text=body_text,
        body_html_safe=sanitise_html(raw_html) if raw_html else "",
        new_text=new_text,
        quoted_text=quoted_text,
        is_forward=fold.forward or forward_subject,
        attachments=attachments,
        defects=defect_names(message) + walk.notes,
    )


# --------------------------------------------------------------------------- attachments

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


def _attachments(parts: list[Message], raw_html: str, options: _Options) -> list[ParsedAttachment]:
    cids = {unquote(c).lower() for c in re.findall(r"cid:([^\"'\s>)]+)", raw_html, re.IGNORECASE)}
    return [_attachment(part, n, cids, options) for n, part in enumerate(parts, start=1)]


def _attachment(part: Message, number: int, cids: set[str], options: _Options) -> ParsedAttachment:
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


def _append_attached_messages(
    body_text: str, parts: list[Message], options: _Options, depth: int
) -> str:
    """Add the text of messages forwarded as attachments: for a forward, that is the question."""
    blocks = [body_text] if body_text.strip() else []
    for part in parts:
        if content_type_of(part) != "message/rfc822":
            continue
        try:
            inner = _parse(_prepare_raw(message_bytes(part)), options, depth + 1)
        except EmailParseError:
            continue
        sender = f"{inner.from_name} <{inner.from_address}>".strip()
        blocks.append(
            f"-------- Message transféré --------\nDe : {sender}\nObjet : {inner.subject}\n\n"
            f"{inner.body_text}"
        )
    return "\n\n".join(blocks)
