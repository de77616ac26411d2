"""Body limits: content types, and bodies streamed and decoded under a size cap counted after
decompression (a gzip bomb is stopped within 64 KiB of the cap)."""

from __future__ import annotations

import contextlib
import itertools
import zlib
from collections.abc import Iterator

import httpx

_DECODE_CHUNK = 64 * 1024

_MAX_HEADERS = 64

_MAX_HEADER_VALUE = 1024


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Media type (lower-case, no parameters) and charset parameter, if any."""
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower() or None
    return media.strip().lower() or None, charset

def accepts(media: str, accept: tuple[str, ...]) -> bool:
    for pattern in accept:
        if pattern in ("*/*", media):
            return True
        if pattern.endswith("/*") and media.startswith(pattern[:-1]):
            return True
    return False

def accept_header(accept: tuple[str, ...]) -> str:
    return ",".join(accept) + ",*/*;q=0.1"

def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head

def small_headers(headers: httpx.Headers) -> dict[str, str]:
    """A bounded copy of the response headers: reports need a few, not a hostile megabyte."""
    out: dict[str, str] = {}
    for key, value in headers.items():
        if len(out) >= _MAX_HEADERS:
            break
        out[key.lower()] = value[:_MAX_HEADER_VALUE]
    return out

class BodyTooLarge(Exception):
    """The (decoded) body passed the size cap."""

class BadBody(Exception):
    """The body could not be decoded (corrupt gzip, unknown Content-Encoding)."""

class _Decoder:
    """Content-Encoding decoder whose output per step is bounded.

    httpx's own decoders inflate a whole network chunk at once, which for a gzip bomb can be
    tens of megabytes from one read; here every step yields at most 64 KiB, so the size cap
    is enforced before memory is spent.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_deflate_tried = False
        self._z = self._new()

    def _new(self) -> zlib._Decompress | None:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        if self.encoding == "deflate":
            return zlib.decompressobj()
        return None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            if data:
                yield data
            return
        if not self._z.eof:  # bytes after the end of the stream are ignored, as browsers do
            yield from self._inflate(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        z = self._z
        assert z is not None
        while True:
            try:
                out = z.decompress(data, _DECODE_CHUNK)
            except zlib.error:
                if self.encoding != "deflate" or self._raw_deflate_tried:
                    raise
                # Some servers send raw deflate without the zlib header.
                self._raw_deflate_tried = True
                z = self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                out = z.decompress(data, _DECODE_CHUNK)
            self._raw_deflate_tried = True
            if out:
                yield out
            data = z.unconsumed_tail
            if z.eof:
                rest = z.unused_data
                if not rest.startswith(b"\x1f\x8b"):
                    return  # trailing bytes after the stream are ignored, as browsers do
                z = self._z = self._new()  # a further gzip member
                assert z is not None
                data = rest
                continue
            if not data and len(out) < _DECODE_CHUNK:
                return

    def flush(self) -> Iterator[bytes]:
        if self._z is not None and not self._z.eof:
            tail = self._z.flush()
            if tail:
                for i in range(0, len(tail), _DECODE_CHUNK):
                    yield tail[i : i + _DECODE_CHUNK]

def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip ``data`` without ever holding more than ``max_bytes`` of output."""
    decoder = _Decoder("gzip")
    out = bytearray()
    for piece in itertools.chain(decoder.feed(data), decoder.flush()):
        if len(out) + len(piece) > max_bytes:
            raise BodyTooLarge
        out += piece
    return bytes(out)

async def read_body(response: httpx.Response, max_bytes: int, truncate: bool) -> bytes:
    """Stream and decode the body, counting decoded bytes; stop at ``max_bytes``.

    With ``truncate`` the first ``max_bytes`` are returned instead (robots.txt, per RFC 9309).
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise BadBody(f"unsupported content encoding ({encoding[:40]})")
    declared = response.headers.get("content-length", "")
    identity = encoding in ("identity", "")
    if identity and not truncate and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge  # refused before a byte of it is read
    decoder = _Decoder(encoding)
    buf = bytearray()
    try:
        async for raw in response.aiter_raw():
            for piece in decoder.feed(raw):
                if _append_capped(buf, piece, max_bytes, truncate):
                    return bytes(buf)
        for piece in decoder.flush():
            if _append_capped(buf, piece, max_bytes, truncate):
                break
    except zlib.error as exc:
        raise BadBody(f"could not decode the {encoding} body ({exc})") from exc
    return bytes(buf)

def _append_capped(buf: bytearray, piece: bytes, max_bytes: int, truncate: bool) -> bool:
    """Append within the cap; True when the cap is reached and reading should stop."""
    room = max_bytes - len(buf)
    if len(piece) <= room:
        buf += piece
        return False
    if not truncate:
        raise BodyTooLarge
    buf += piece[:room]
    return True

async def discard_small_body(response: httpx.Response) -> None:
    """Read a short error/redirect body so the connection can be kept alive; skip long ones."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= 64 * 1024:
        with contextlib.suppress(httpx.HTTPError):
            async for _ in response.aiter_raw():
                pass
