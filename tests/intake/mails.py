"""Build real-shaped raw e-mails for intake tests (bytes, as a mail server would hand them over)."""

from __future__ import annotations

from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from tests.conftest import NOW, TRUSTED_MX

CORPUS = Path(__file__).resolve().parent.parent / "data" / "eml"


def corpus(name: str) -> bytes:
    """One file of the .eml corpus."""
    return (CORPUS / name).read_bytes()


def raw_email(
    *, sender: str = "Claire Morin <claire.morin@tilleuls.org>",
    subject: str = "Question sur un CDDI", body: str = "Bonjour,\n\nPeut-on renouveler un CDDI ?",
    message_id: str | None = "q1@mail.tilleuls.org", in_reply_to: str | None = None,
    references: list[str] | None = None, headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (), authenticated: bool = True,
) -> bytes:
    """A UTF-8 e-mail with optional threading headers and attachments (name, type, data).

    authenticated: our receiving server's Authentication-Results vouch for the sender (DKIM
    and DMARC pass for the From domain), as for real mail from members; False: a forgery.
    """
    message = EmailMessage()
    if authenticated:
        message["Authentication-Results"] = trusted_results(sender)
    message["From"] = sender
    message["To"] = "juridique@federation.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(NOW.replace(hour=8, tzinfo=UTC))
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def trusted_results(sender: str, *, server: str = TRUSTED_MX, verdict: str = "pass") -> str:
    """The Authentication-Results our server writes for mail from this sender's domain."""
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2]
    return (f"{server}; dkim={verdict} header.d={domain} header.s=s1; "
            f"spf={verdict} smtp.mailfrom={address}; dmarc={verdict} header.from={domain}")
