"""MIME walking: body text and HTML of a message in reading order, other leaves set aside."""

from __future__ import annotations

import base64
import binascii
import io
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy as email_policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser

from legaldesk.intake.email_html import html_to_text, plain_to_html
from legaldesk.intake.email_text import decode_bytes, normalise_newlines, quote_prefix, tidy

_MAX_MIME_DEPTH = 30


@dataclass
class Segment:
    """One body part in reading order: its plain text or its raw HTML."""

    plain: str | None = None
    html: str | None = None


@dataclass
class Walk:
    """What a walk sets aside: the non-body leaves (attachments) and notes on repairs."""

    attachment_parts: list[Message] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def collect(part: Message, walk: Walk, depth: int) -> list[Segment]:
    """Return the body segments of part in reading order; other leaves become attachments."""
    if depth > _MAX_MIME_DEPTH:
        walk.notes.append("MIME nesting too deep: deeper parts ignored")
        return []
    content_type = content_type_of(part)
    if content_type.startswith("message/"):
        walk.attachment_parts.append(part)
        return []
    if part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        collected = [collect(child, walk, depth + 1) for child in children]
        if content_type == "multipart/alternative":
            return _best_alternative(collected)
        return [segment for segments in collected for segment in segments]
    if content_type.startswith("multipart/"):
        return _collect_without_boundary(part, walk, depth)
    if _is_body_text(part, content_type):
        text = _part_text(part, content_type, walk.notes)
        return [Segment(html=text) if content_type == "text/html" else Segment(plain=text)]
    walk.attachment_parts.append(part)
    return []


def _is_body_text(part: Message, content_type: str) -> bool:
    if content_type not in ("text/plain", "text/html") or disposition_of(part) == "attachment":
        return False
    return not raw_filename(part)


def _best_alternative(collected: list[list[Segment]]) -> list[Segment]:
    """Merge alternatives: the first child with real plain text, the last one with HTML."""
    plain_child = next((s for s in collected if any((x.plain or "").strip() for x in s)), None)
    html_child = next((s for s in reversed(collected) if any(x.html for x in s)), None)
    if plain_child is None and html_child is None:
        return [segment for segments in collected for segment in segments]
    return [
        Segment(
            plain=_segments_text(plain_child) if plain_child else None,
            html=_segments_html(html_child) if html_child else None,
        )
    ]


def _collect_without_boundary(part: Message, walk: Walk, depth: int) -> list[Segment]:
    """Rescue a multipart whose boundary parameter is missing by guessing it from the body."""
    payload = part.get_payload()
    body = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    match = re.search(rb"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", body, re.MULTILINE)
    if not match:
        walk.notes.append("multipart without boundary: read as plain text")
        return [Segment(plain=_part_text(part, "text/plain", walk.notes))]
    boundary = match.group(1).decode("ascii")
    walk.notes.append(f"multipart without boundary: guessed {boundary!r}")
    header = f'Content-Type: {content_type_of(part)}; boundary="{boundary}"\r\n\r\n'.encode()
    reparsed = BytesParser(policy=part.policy).parsebytes(header + body)
    return collect(reparsed, walk, depth + 1)


def _part_text(part: Message, content_type: str, notes: list[str]) -> str:
    try:
        declared = part.get_content_charset()
    except Exception:  # RFC 2231 charset parameters can be malformed
        declared = None
    decoded = decode_bytes(payload_bytes(part), declared)
    if declared and decoded.charset != decoded.declared:
        notes.append(f"charset {declared} decoded as {decoded.charset}")
    text = normalise_newlines(decoded.text)
    if content_type == "text/plain" and _param(part, "format").lower() == "flowed":
        text = _unflow(text, delsp=_param(part, "delsp").lower() == "yes")
    return unicodedata.normalize("NFC", text)


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:  # malformed parameters are ignored
        return ""
    return value if isinstance(value, str) else ""


def _unflow(text: str, *, delsp: bool) -> str:
    """Join RFC 3676 format=flowed soft line breaks (lines ending with a space)."""
    out: list[str] = []
    buffer: str | None = None
    buffer_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content
        if buffer is not None and depth != buffer_depth:
            out.append(quote_prefix(buffer_depth) + buffer)
            buffer = None
        buffer = content if buffer is None else buffer + content
        buffer_depth = depth
        if content.endswith(" ") and content != "-- ":
            buffer = buffer[:-1] if delsp else buffer
        else:
            out.append(quote_prefix(depth) + buffer)
            buffer = None
    if buffer is not None:
        out.append(quote_prefix(buffer_depth) + buffer)
    return "\n".join(out)


def _segments_text(segments: list[Segment]) -> str:
    texts = [s.plain if s.plain is not None else html_to_text(s.html or "") for s in segments]
    return "\n\n".join(t.strip("\n") for t in texts if t.strip())


def _segments_html(segments: list[Segment]) -> str:
    return "\n".join(
        s.html if s.html is not None else plain_to_html(s.plain or "") for s in segments
    )


def render_segments(segments: list[Segment]) -> tuple[str, str]:
    """Return (body text, raw body HTML) for the body segments of a message."""
    text = tidy(_segments_text(segments))
    raw_html = _segments_html(segments) if any(s.html for s in segments) else ""
    return text, raw_html or (plain_to_html(text) if text else "")


# --------------------------------------------------------------------------- part accessors


def content_type_of(part: Message) -> str:
    """The lowercased content type of a part; text/plain when its header is unreadable."""
    try:
        return part.get_content_type().lower()
    except Exception:  # a hostile Content-Type must not sink the message
        return "text/plain"


def disposition_of(part: Message) -> str | None:
    """The Content-Disposition of a part (inline, attachment), None when absent or unreadable."""
    try:
        return part.get_content_disposition()
    except Exception:  # same reason as content_type_of
        return None


def payload_bytes(part: Message) -> bytes:
    """The decoded payload of a leaf part; its raw text when the transfer encoding is broken."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a hostile transfer encoding must not sink the message
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def raw_header(part: Message, name: str) -> str:
    """The first raw value of a header of a part (name lowercased), or ''."""
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def raw_filename(part: Message) -> str | None:
    """The filename parameter of a part as the parser reads it, None when absent or malformed."""
    try:
        return part.get_filename()
    except Exception:  # malformed RFC 2231 parameters
        return None


def message_bytes(part: Message) -> bytes:
    """Serialise an attached message/* part back to bytes (base64-wrapped ones decoded)."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return payload_bytes(part)
    data = b"".join(_serialise(inner) for inner in payload if isinstance(inner, Message))
    encoding = raw_header(part, "content-transfer-encoding").strip().lower()
    if encoding == "base64":
        # some clients base64 the attached message; the parser then sees a header-less body
        text = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
        try:
            return base64.b64decode(text + b"=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return data
    return data


def _serialise(message: Message) -> bytes:
    buffer = io.BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=email_policy.compat32).flatten(message)
    except Exception:  # a broken attached message is kept as whatever we can write
        return buffer.getvalue()
    return buffer.getvalue()


def defect_names(message: Message) -> list[str]:
    """The distinct class names of the parser defects found in any part of a message."""
    names: list[str] = []
    for part in message.walk():
        names.extend(type(defect).__name__ for defect in getattr(part, "defects", []))
    return list(dict.fromkeys(names))
