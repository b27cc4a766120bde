"""Loop prevention: tell auto-replies, bounces and list traffic from mail a person wrote."""

from __future__ import annotations

import re

from legaldesk.intake.email_headers import first_header

_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_AUTO_SUBJECT_RE = re.compile(
    r"^\s*(?:r[ée]ponse automatique|absence du bureau|absent(?:\(e\))? du bureau|"
    r"out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|"
    r"undelivered mail returned to sender|delivery status notification|"
    r"mail delivery (?:failed|failure|system)|undeliverable|non remis|message non remis)\b",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def auto_reply_reason(
    headers: dict[str, list[str]], content_type: str, from_address: str, subject: str
) -> str | None:
    """Name the first sign that this mail was sent by a machine (auto-reply, bounce, list)."""
    auto_submitted = first_header(headers, "auto-submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    if content_type == "multipart/report":
        return "rapport de remise (multipart/report)"
    precedence = first_header(headers, "precedence").strip().lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name, label in (("x-autoreply", "X-Autoreply"), ("x-autorespond", "X-Autorespond")):
        if name in headers:
            return f"{label}: {first_header(headers, name) or 'présent'}"
    suppress = set(re.split(r"[\s,;]+", first_header(headers, "x-auto-response-suppress").lower()))
    if suppress & {"all", "oof"}:
        return f"X-Auto-Response-Suppress: {first_header(headers, 'x-auto-response-suppress')}"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "liste de diffusion (List-Id / List-Unsubscribe)"
    if any(v.strip() == "<>" for v in headers.get("return-path", [])):
        return "Return-Path vide (rebond)"
    if from_address.split("@", 1)[0] in _BOUNCE_SENDERS:
        return f"expéditeur {from_address}"
    if _AUTO_SUBJECT_RE.match(subject):
        return f"objet « {subject[:60]} »"
    return None
