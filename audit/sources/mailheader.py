"""Email header values as the reader's mail client shows them.

Python's parser reads RFC 2047 words by the letter and turns raw 8-bit bytes it cannot read
as UTF-8 into U+FFFD ("Fr�sche"). Mail clients are kinder, and the subject line is the copy
that sells the email, so this follows them: raw 8-bit bytes are UTF-8 when they are valid
UTF-8, else the charset the message's body declares, else windows-1252; encoded words are read
with the superset their label stands for in practice (gb2312 as GBK, ISO-8859-1 as cp1252);
adjacent encoded words in one charset are joined before decoding, as mailers split
multi-byte characters across them.
"""

from __future__ import annotations

import base64
import binascii
import re
from email.message import Message

from .decode import codec_for

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def header_text(msg: Message, name: str, fallback: str | None = None) -> str:
    """The header ``name`` of ``msg`` as text ("" when absent); ``fallback`` is the charset
    to try for raw 8-bit bytes that are not UTF-8 (the body's)."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return decode_value(str(value), fallback)
    return ""


def decode_value(raw: str, fallback: str | None = None) -> str:
    """A raw header value (8-bit bytes kept as surrogate escapes, as the parser gives them)
    with its encoded words decoded and its raw bytes read as a mail client would."""
    raw = _FOLD.sub("", raw)
    out: list[str] = []
    pending: tuple[str, bytearray] | None = None  # encoded words waiting to be joined
    pos = 0
    for match in _ENCODED_WORD.finditer(raw):
        between = raw[pos:match.start()]
        charset, data = match.group(1).lower(), _word_bytes(match.group(2), match.group(3))
        pos = match.end()
        if pending is not None and between.strip() == "":
            if data is not None and pending[0] == charset:
                pending[1].extend(data)
                continue
            out.append(_decode_word(*pending))
            pending = None
        elif pending is not None:
            out.append(_decode_word(*pending))
            pending = None
            out.append(_raw_text(between, fallback))
        else:
            out.append(_raw_text(between, fallback))
        if data is None:
            out.append(match.group())  # not decodable: shown as written
        else:
            pending = (charset, bytearray(data))
    if pending is not None:
        out.append(_decode_word(*pending))
    out.append(_raw_text(raw[pos:], fallback))
    return "".join(out)


def body_charset(msg: Message) -> str | None:
    """The first charset a text part of ``msg`` declares (the message's own, or a part's)."""
    for part in msg.walk():
        charset = part.get_param("charset")
        if isinstance(charset, str) and charset.strip():
            return charset.strip()
    return None


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    if encoding in "bB":
        try:
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            return None
    out = bytearray()
    i = 0
    while i < len(payload):
        ch = payload[i]
        if ch == "_":
            out.append(0x20)
        elif ch == "=" and _is_hex(payload[i + 1:i + 3]):
            out.append(int(payload[i + 1:i + 3], 16))
            i += 2
        else:
            out.extend(ch.encode("utf-8", "surrogateescape"))
        i += 1
    return bytes(out)


def _is_hex(pair: str) -> bool:
    return len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair)


def _decode_word(charset: str, data: bytearray | bytes) -> str:
    codec = codec_for(charset) or "utf-8"
    try:
        return bytes(data).decode(codec, "replace")
    except LookupError:
        return bytes(data).decode("utf-8", "replace")


def _raw_text(text: str, fallback: str | None) -> str:
    """Unencoded header text: raw 8-bit bytes as UTF-8, else the body's charset, else cp1252."""
    if text.isascii():
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for label in (fallback, "cp1252"):
        codec = codec_for(label)
        if codec is None or codec.startswith("utf"):
            continue
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", "replace")
