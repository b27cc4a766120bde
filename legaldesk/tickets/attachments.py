"""Attachment checks and storage: content-addressed files under the attachments folder.

Every channel (web forms, e-mail, WhatsApp media) hands its files to `check_upload`: the
extension must be allowed and the bytes must really be of that extension's family (sniffed,
never trusted from the client's declared type or the file name alone).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app
from flask_babel import gettext

from legaldesk.core.errors import InvalidInput
from legaldesk.tickets.sniff import FAMILY_OF_EXTENSION, agrees, sniff


def check_file(filename: str, size: int) -> None:
    """Raise InvalidInput when a file is too big or of a type that is not allowed."""
    config = current_app.config
    extension = file_extension(filename)
    if extension not in config["ATTACHMENT_ALLOWED_EXTENSIONS"]:
        raise InvalidInput(gettext("« %(name)s » : type de fichier non autorisé (%(ext)s).",
                                   name=filename, ext=extension or "?"))
    if size > config["ATTACHMENT_MAX_BYTES"]:
        limit_mb = config["ATTACHMENT_MAX_BYTES"] / (1024 * 1024)
        raise InvalidInput(gettext(
            "« %(name)s » : fichier trop volumineux (maximum %(mb)s Mo).",
            name=filename, mb=f"{limit_mb:g}"))
    if size == 0:
        raise InvalidInput(gettext("« %(name)s » : fichier vide.", name=filename))


def check_upload(filename: str, data: bytes) -> str:
    """Check name, size and real content of a file; return the content type its bytes show."""
    check_file(filename, len(data))
    extension = file_extension(filename)
    if extension not in FAMILY_OF_EXTENSION:
        # an extension allowed by configuration but that we cannot verify: fail closed
        raise InvalidInput(gettext("« %(name)s » : type de fichier non vérifiable (%(ext)s).",
                                   name=filename, ext=extension))
    sniffed = sniff(data, extension)
    if not agrees(sniffed, extension):
        raise InvalidInput(gettext(
            "« %(name)s » : le contenu du fichier ne correspond pas à son extension .%(ext)s.",
            name=filename, ext=extension))
    if sniffed.macros:
        raise InvalidInput(gettext(
            "« %(name)s » : les documents contenant des macros ne sont pas acceptés.",
            name=filename))
    return sniffed.content_type


def file_extension(filename: str) -> str:
    """The lower-case extension without its dot ('' when none)."""
    return Path(filename).suffix.lower().lstrip(".")


def store_bytes(data: bytes) -> str:
    """Write data once under its SHA-256 and return the hash (idempotent, atomic rename)."""
    digest = hashlib.sha256(data).hexdigest()
    path = attachment_path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return digest


def attachment_path(digest: str) -> Path:
    """Where a file with this hash lives."""
    root = Path(current_app.config["ATTACHMENTS_DIR"])
    return root / digest[:2] / digest[2:4] / digest
