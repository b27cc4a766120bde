"""Forwarded mail: triage the forwarded question, not the cover note above it."""

from __future__ import annotations

import re

_MARKER_RE = re.compile(
    r"^[ \t>]*(?:-{3,}\s*(?:message transf[ée]r[ée]|forwarded message|original message|"
    r"message d'origine|message original)\s*-{3,}|d[ée]but du message r[ée]exp[ée]di[ée]\s*:?|"
    r"begin forwarded message\s*:?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE)
_HEADER_RE = re.compile(r"^[ \t>]*(de|from|envoy[ée]|sent|date|[àa]|to|cc|objet|subject|"
                        r"r[ée]pondre [àa]|reply-to)[ \t]*:(.*)$", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"^(objet|subject)$", re.IGNORECASE)


def split_forwarded(subject: str, body: str) -> tuple[str, str, bool]:
    """(subject, body, forwarded): the first forwarded block's subject and text, if any."""
    marker = _MARKER_RE.search(body or "")
    if marker is None:
        return subject, body, False
    lines = body[marker.end():].lstrip("\n").splitlines()
    forwarded_subject = ""
    index = 0
    while index < len(lines):
        header = _HEADER_RE.match(lines[index])
        if header is None:
            if lines[index].strip():
                break
            if index and not lines[index].strip():
                index += 1
                break
        elif _SUBJECT_RE.match(header.group(1).strip()):
            forwarded_subject = header.group(2).strip()
        index += 1
    text = "\n".join(line.lstrip(">").lstrip() if line.startswith(">") else line
                     for line in lines[index:]).strip()
    if not text:
        return subject, body, False
    return forwarded_subject or subject, text, True
