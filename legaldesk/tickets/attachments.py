"""Attachment storage: content-addressed files under the attachments folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app

from legaldesk.core.errors import InvalidInput


def check_file(filename: str, size: int) -> None:
    """Raise InvalidInput when a file is too big or of a type that is not allowed."""
    config = current_app.config
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in config["ATTACHMENT_ALLOWED_EXTENSIONS"]:
        raise InvalidInput(f"« {filename} » : type de fichier non autorisé ({extension or '?'}).")
    if size > config["ATTACHMENT_MAX_BYTES"]:
        limit_mb = config["ATTACHMENT_MAX_BYTES"] / (1024 * 1024)
        raise InvalidInput(f"« {filename} » : fichier trop volumineux (maximum {limit_mb:g} Mo).")
    if size == 0:
        raise InvalidInput(f"« {filename} » : fichier vide.")


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
