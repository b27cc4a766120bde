"""Pure parser for inbound e-mail: raw RFC 5322 bytes in, a ParsedEmail out (no I/O, no DB)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser

from legaldesk.intake.email_attachments import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    AttachmentPolicy,
    ParsedAttachment,
    read_attachments,
)
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
    message_bytes,
    render_segments,
)
from legaldesk.intake.email_quoting import fold_history
from legaldesk.intake.email_text import decode_words, tidy

_MAX_FORWARD_DEPTH = 2


class EmailParseError(ValueError):
    """The raw bytes are not a usable e-mail (empty, not an e-mail, no sender); .reason says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


# --------------------------------------------------------------------------- entry points


def parse_email(
    raw: bytes,
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    allowed_types: Collection[str] = DEFAULT_ALLOWED_TYPES,
) -> ParsedEmail:
    """Parse raw e-mail bytes; raise EmailParseError only when the message is unusable."""
    options = AttachmentPolicy(max_attachment_bytes, frozenset(t.lower() for t in allowed_types))
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


def _parse(data: bytes, options: AttachmentPolicy, depth: int) -> ParsedEmail:
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


def _build(message: Message, options: AttachmentPolicy, depth: int) -> ParsedEmail:
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
    attachments = read_attachments(walk.attachment_parts, raw_html, options)
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


def _append_attached_messages(
    body_text: str, parts: list[Message], options: AttachmentPolicy, depth: int
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
