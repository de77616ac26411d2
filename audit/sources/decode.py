"""Bytes -> text for everything the tool reads (pages, emails, CSV exports, lists).

Marketing material arrives in every encoding the web has ever used, often mislabelled. The
order of evidence follows what browsers do, because a page's copy is what its visitors saw:
a byte-order mark is unambiguous, then the declared charset (HTTP header or MIME part), then an
in-document ``<meta charset>`` / XML declaration, then strict UTF-8, then statistical detection.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

#: Magic numbers of binary formats people point the tool at by mistake (name shown to them).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"RIFF", "RIFF media"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
    (b"\x7fELF", "executable"),
    (b"wOFF", "font"),
    (b"wOF2", "font"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Bytes that never occur in text (everything below 0x20 except tab, LF, FF, CR, ESC).
_CONTROL = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}
_CONTROL_BYTES = bytes(sorted(_CONTROL))
_ASCII_BYTES = bytes(range(0x80))
_SNIFF = 8192

#: Labels the web uses for windows-1252 (WHATWG Encoding: latin-1 and ASCII mean cp1252).
_CP1252_LABELS = frozenset({"iso-8859-1", "latin-1", "latin1", "iso8859-1", "ascii", "us-ascii",
                            "l1", "cp819", "ibm819", "iso-ir-100", "windows-1252", "cp1252",
                            "x-cp1252"})

#: Labels that browsers and mail clients read as a superset (WHATWG Encoding): text labelled
#: gb2312 routinely holds GBK characters, ks_c_5601-1987 is Windows' Korean code page.
_SUPERSETS = {"gb2312": "gbk", "gb_2312-80": "gbk", "csgb2312": "gbk", "euc-cn": "gbk",
              "x-gbk": "gbk", "chinese": "gbk", "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949",
              "euc-kr": "cp949", "csksc56011987": "cp949", "korean": "cp949",
              "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
              "iso-8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874",
              "iso-8859-11": "cp874", "big5": "big5hkscs"}

_META_RE = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]{1,40})""", re.IGNORECASE
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._\-]{1,40})""")
_HTMLISH_RE = re.compile(rb"<(?:!doctype|html|head|meta|body|title)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text with the encoding used and which evidence chose it (for logs and tests)."""

    text: str
    encoding: str
    how: str  # bom (or BOM-less UTF-16 by its NULs) | declared | meta | utf-8 | detected


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data`` ("PDF", "PNG", ... or "binary"), None for text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:_SNIFF]
    if not head or _bom_encoding(head):
        return None
    if b"\x00" in head:
        return None if _looks_utf16(head) else "binary"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # a count in C
    return "binary" if controls > max(8, len(head) // 20) else None


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: known magic numbers, NUL bytes, many control chars."""
    return binary_kind(data) is not None


def decode_bytes(data: bytes, source: str, *, declared: str | None = None) -> str:
    """Decode ``data`` to text; raise InputError naming ``source`` when it is not text."""
    return decode_bytes_info(data, source, declared=declared).text


def decode_bytes_info(data: bytes, source: str, *, declared: str | None = None) -> Decoded:
    """Like :func:`decode_bytes` but also says which encoding was used and why."""
    if not data:
        raise InputError(source, "empty page (the server sent no content)"
                         if source.lower().startswith(("http://", "https://")) else "empty file")
    kind = binary_kind(data)
    if kind is not None:
        what = f"binary file ({kind}), not text" if kind != "binary" else "binary file, not text"
        raise InputError(source, what)
    bom = _bom_encoding(data)
    if bom:
        text = _try(data, bom)
        if text is not None:
            return Decoded(_strip_bom(text), bom, "bom")
    head = data[:_SNIFF]
    if b"\x00" in head and _looks_utf16(head):
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        text = _try(data, codec)
        if text is not None:
            return Decoded(text, codec, "bom")
    utf8 = _try(data, "utf-8")
    if utf8 is None:
        utf8 = _mostly_utf8(data)  # a stray bad byte must not turn the whole text to mojibake
    label = _usable(declared)
    if label and b"\x00" not in head:
        label = _ascii_compatible(label)  # "UTF-16" on bytes without NULs is a mislabel
    if label:
        # A server default of ISO-8859-1 on a UTF-8 page is the commonest mislabel there is;
        # valid multi-byte UTF-8 almost never happens by chance in a single-byte encoding.
        if utf8 is not None and _single_byte(label) and not data.isascii():
            return Decoded(_strip_bom(utf8), "utf-8", "utf-8")
        text = _try(data, label)
        if text is not None:
            return Decoded(_strip_bom(text), label, "declared")
    inner = _inner_declaration(data)
    if inner:
        if utf8 is not None and _single_byte(inner) and not data.isascii():
            return Decoded(_strip_bom(utf8), "utf-8", "utf-8")
        text = _try(data, inner)
        if text is not None:
            return Decoded(_strip_bom(text), inner, "meta")
    if utf8 is not None:
        return Decoded(_strip_bom(utf8), "utf-8", "utf-8")
    return _detect(data, source)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with U+FFFD for the few invalid bytes, when the rest is clearly UTF-8; else None.

    Strict decoding fails on one stray byte (a cut multi-byte character, one pasted cp1252
    quote), and detection then reads the whole document in a legacy code page. Valid
    multi-byte sequences almost never occur by chance in legacy text, so when they outnumber
    the invalid ones (or match them while those are under 1 % of the bytes) it is UTF-8.
    """
    text = data.decode("utf-8", "replace")
    non_ascii_bytes = len(data.translate(None, _ASCII_BYTES))
    non_ascii_chars = len(text) - (len(data) - non_ascii_bytes)
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = non_ascii_chars - invalid
    if valid < 1 or invalid < 1:
        return None
    if valid >= 3 * invalid or (valid >= invalid and invalid * 100 <= len(data)):
        return text
    return None


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: NULs sit on one parity for ASCII-range text."""
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2 or 1
    return max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half


def codec_for(label: str | None) -> str | None:
    """The Python codec to read text labelled ``label`` with, as browsers and mail clients
    read it (ISO-8859-1 as windows-1252, gb2312 as GBK ...); None when unknown."""
    return _usable(label)


def _usable(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown or not ASCII-safe."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name:
        return None
    if name in _CP1252_LABELS:
        return "cp1252"
    if name in _SUPERSETS:
        return _SUPERSETS[name]
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # rot13, base64 and friends are not charsets
    return info.name


def _single_byte(codec: str) -> bool:
    """Legacy 8-bit codecs, where any byte sequence decodes and so proves nothing."""
    if codec in ("cp1252", "latin-1", "iso8859-1"):
        return True
    return codec.startswith(("cp", "iso8859", "mac-", "koi8", "windows-")) and codec not in (
        "cp932", "cp949", "cp950", "cp65001",
    )


def _inner_declaration(data: bytes) -> str | None:
    """The charset a document declares about itself in its first 4 KB (meta or XML decl)."""
    head = data[:4096]
    match = _XML_DECL_RE.match(head)
    if match:
        return _ascii_compatible(_usable(match.group(1).decode("ascii")))
    if not _HTMLISH_RE.search(head):
        return None
    match = _META_RE.search(head)
    if match:
        return _ascii_compatible(_usable(match.group(1).decode("ascii")))
    return None


def _ascii_compatible(codec: str | None) -> str | None:
    """A document we could read the declaration of in ASCII cannot be UTF-16/32 (WHATWG)."""
    if codec and codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return "utf-8"
    return codec


def _try(data: bytes, codec: str) -> str | None:
    if codec == "cp1252":
        return _cp1252(data)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _cp1252(data: bytes) -> str:
    """windows-1252 as browsers decode it: the five undefined bytes map to C1 controls."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            chunk.decode("cp1252", errors="strict") if i % 2 == 0 else chunk.decode("latin-1")
            for i, chunk in enumerate(re.split(rb"([\x81\x8d\x8f\x90\x9d]+)", data))
        )


def _plausible_cp1252(data: bytes) -> bool:
    """cp1252 reading where accented letters sit inside mostly-ASCII words (not Cyrillic etc.)."""
    if re.search(rb"[\x81\x8d\x8f\x90\x9d]", data):
        return False
    text = data.decode("cp1252")
    letters = sum(1 for ch in text if ch.isalpha())
    foreign = sum(1 for ch in text if ch.isalpha() and not ch.isascii())
    return letters > 0 and foreign / letters < 0.3


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _detect(data: bytes, source: str) -> Decoded:
    """Last resort: Western text in windows-1252 when plausible, else statistical detection.

    Detectors are unreliable on the short snippets marketing copy often is ("Café" alone
    reads as half a dozen code pages); an undeclared legacy file is overwhelmingly cp1252.
    """
    if _plausible_cp1252(data):
        return Decoded(_strip_bom(_cp1252(data)), "cp1252", "detected")
    from charset_normalizer import from_bytes  # imported lazily: it is slow to import

    best = from_bytes(data[:262144] if len(data) > 262144 else data).best()
    if best is None or not best.encoding:
        raise InputError(source, "could not detect the text encoding")
    codec = _usable(best.encoding) or best.encoding
    text = _try(data, codec)
    if text is None:  # detection looked at a prefix; a stray bad byte later is not fatal
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            raise InputError(source, "could not detect the text encoding") from None
    return Decoded(_strip_bom(text), codec, "detected")


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or an InputError naming it ("cannot read the file: ...")."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
