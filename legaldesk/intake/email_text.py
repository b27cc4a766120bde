"""Text of an e-mail: charsets with fallback, RFC 2047 header words, spaces and newlines."""

from __future__ import annotations

import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header

# mail clients and browsers read these labels as windows-1252, which is a superset of them
_CHARSET_REMAP = {"ascii": "cp1252", "iso8859-1": "cp1252"}
_SINGLE_BYTE_PREFIXES = ("cp125", "iso8859", "mac-", "koi8", "cp437", "cp850", "latin")
_C1_RE = re.compile("[\x80-\x9f]")
_ASCII_BYTES = bytes(range(128))
_UTF8_SEQUENCE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


# --------------------------------------------------------------------------- charsets


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the charset actually used and the one the message declared."""

    text: str
    charset: str
    declared: str | None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").split("*", 1)[0].lower()
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return _CHARSET_REMAP.get(name, name)


def decode_bytes(data: bytes, declared: str | None) -> Decoded:
    """Decode with the declared charset, falling back to utf-8, cp1252, latin-1 when it lies."""
    codec = _codec(declared)
    order: list[str] = []
    if codec and codec.startswith(_SINGLE_BYTE_PREFIXES) and not data.isascii():
        # text that is valid UTF-8 beyond ASCII is almost never real single-byte French text
        order.append("utf-8")
    order += [c for c in (codec, "utf-8", "cp1252") if c]
    for candidate in dict.fromkeys(order):
        if candidate.startswith(_SINGLE_BYTE_PREFIXES) and _mostly_utf8(data):
            # a UTF-8 text with a few foreign lines (quoted cp1252 history, a damaged byte)
            return Decoded(_decode_lines(data), "utf-8+cp1252", codec)
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(_repair_c1(text), candidate, codec)
    return Decoded(_repair_c1(data.decode("latin-1")), "latin-1", codec)


def _mostly_utf8(data: bytes) -> bool:
    """True when at least half of the non-ASCII bytes form well-formed UTF-8 sequences."""
    high = len(data.translate(None, _ASCII_BYTES))
    if not high:
        return False
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE_RE.findall(data))
    return in_sequences * 2 >= high


def _decode_lines(data: bytes) -> str:
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(_repair_c1(line.decode("cp1252", "replace")))
    return "\n".join(lines)


def _repair_c1(text: str) -> str:
    """Map C1 control characters (cp1252 bytes read as latin-1) back to their cp1252 glyphs."""
    return _C1_RE.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", "ignore"), text)


# --------------------------------------------------------------------------- header text


def has_surrogates(text: str) -> bool:
    """True when text holds raw 8-bit bytes kept as surrogates by the e-mail parser."""
    return any("\udc80" <= char <= "\udcff" for char in text)


def undo_surrogates(text: str) -> str:
    """Decode raw 8-bit header bytes (kept as surrogates by the parser) with charset fallback."""
    if not has_surrogates(text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), None).text


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words and raw 8-bit bytes of a header into clean text."""
    value = undo_surrogates(value)
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError, binascii.Error):
        chunks = [(value, None)]
    return normalise_space("".join(_header_chunk(chunk, charset) for chunk, charset in chunks))


def _header_chunk(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset is None:
        # decode_header turns the unencoded parts into raw-unicode-escape bytes
        try:
            return chunk.decode("raw-unicode-escape")
        except UnicodeDecodeError:
            return chunk.decode("latin-1")
    return decode_bytes(chunk, charset).text


# --------------------------------------------------------------------------- spaces and lines


def normalise_space(text: str) -> str:
    """Drop control characters, collapse whitespace to single spaces, NFC-normalise, strip."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip()


def normalise_newlines(text: str) -> str:
    """Turn CRLF and CR into LF and drop NUL characters."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def quote_prefix(depth: int) -> str:
    """The '> ' prefix of a line quoted depth times."""
    return "> " * depth


def tidy(text: str) -> str:
    """Normalise spaces and blank lines of rendered text."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    lines = [line.rstrip() for line in normalise_newlines(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
