"""Small real files for upload tests: each is what its format's own readers accept."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def make_pe() -> bytes:
    """Harmless bytes shaped like a Windows executable: MZ stub pointing at a PE header."""
    stub = bytearray(128)
    stub[0:2] = b"MZ"
    struct.pack_into("<I", stub, 0x3C, 0x80)  # e_lfanew: where the PE header starts
    header = b"PE\x00\x00" + struct.pack("<HH", 0x14C, 1) + bytes(16)
    return bytes(stub) + header + bytes(256)


def make_pdf(text: str = "Attestation") -> bytes:
    """A minimal one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def make_png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid RGB PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _zip(members: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members:
            archive.writestr(zipfile.ZipInfo(name, (2026, 3, 1, 0, 0, 0)), text)
    return buffer.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                 '.org/package/2006/content-types"><Default Extension="xml" '
                 'ContentType="application/xml"/></Types>')


def make_docx(text: str = "Contrat", *, macros: bool = False) -> bytes:
    """A minimal Word document made with zipfile (with a VBA project when macros is set)."""
    members = [("[Content_Types].xml", CONTENT_TYPES),
               ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
               ("word/document.xml", f'<?xml version="1.0"?><w:document><w:body><w:p><w:r>'
                                     f'<w:t>{text}</w:t></w:r></w:p></w:body></w:document>')]
    if macros:
        members.append(("word/vbaProject.bin", "Attribute VB_Name = \"Module1\""))
    return _zip(members)


def make_xlsx() -> bytes:
    """A minimal spreadsheet container."""
    return _zip([("[Content_Types].xml", CONTENT_TYPES),
                 ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
                 ("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')])


def make_zip() -> bytes:
    """A plain zip archive (no office document inside)."""
    return _zip([("programme.txt", "rien d'office ici")])


def make_ole(stream: str = "WordDocument", size: int = 4096) -> bytes:
    """A minimal OLE compound file (version 3) holding one stream, as Word 97 files do."""
    sectors = -(-size // 512)
    fat = [_FAT, _END] + [3 + i for i in range(sectors - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 44, 1, 1, 0, 4096, _END, 0, _END, 0, 0)
    struct.pack_into("<109I", header, 76, 0, *([_FREE] * 108))
    directory = (_entry("Root Entry", 5, child=1, start=_END, size=0)
                 + _entry(stream, 2, child=_FREE, start=2, size=size)
                 + _entry("", 0, child=_FREE, start=0, size=0) * 2)
    data = (b"\x00" * size).ljust(sectors * 512, b"\x00")
    return bytes(header) + struct.pack("<128I", *fat) + directory + data


def _entry(name: str, kind: int, *, child: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    entry = bytearray(128)
    entry[0:len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1 if kind else 0)
    struct.pack_into("<III", entry, 68, _FREE, _FREE, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def make_eml() -> bytes:
    """A saved e-mail (.eml)."""
    return (b"From: Claire Morin <claire.morin@tilleuls.org>\r\n"
            b"To: juridique@federation.example\r\nSubject: Convocation\r\n"
            b"Date: Tue, 10 Mar 2026 08:00:00 +0000\r\n\r\nBonjour.\r\n")
