"""Error wording: every way a fetch can fail, said in plain words, with whether another
try could help."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from http import HTTPStatus

import httpx

from .body import BadBody, BodyTooLarge
from .netsafe import ResolveFailed, UnsafeAddress
from .results import HTML_TYPES, FetchSettings


def seconds(value: float) -> str:
    return f"{value:g} s"

def megabytes(n: int) -> str:
    """A size limit in words: MB as a rule, bytes or KB for a small --max-bytes."""
    if n < 1000:
        return f"{n} byte{'' if n == 1 else 's'}"
    if n < 999_950:
        return f"{n / 1000:.1f} KB"
    return f"{n / 1_000_000:.1f} MB"

def http_error(status: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason.strip()[:60]
    return f"HTTP {status} {phrase}".rstrip()

def not_accepted(media: str, accept: tuple[str, ...]) -> str:
    if set(accept) <= set(HTML_TYPES):
        return f"not HTML ({media}), skipped"
    return f"unexpected content type ({media}), skipped"


def describe(exc: Exception, phase: str, host: str, s: FetchSettings) -> tuple[str, bool]:
    """Plain words for a failed exchange, and whether trying again could help."""
    if isinstance(exc, UnsafeAddress):
        return str(exc), False
    if isinstance(exc, ResolveFailed):
        return str(exc), exc.temporary
    if isinstance(exc, BodyTooLarge):
        return f"body larger than {megabytes(s.max_bytes)}, stopped", False
    if isinstance(exc, BadBody):
        return str(exc), False
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {seconds(s.connect_timeout)} (connecting)", True
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out after {seconds(s.read_timeout)} (waiting for data)", True
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        # The whole budget for one URL is spent: trying again only spends it again.
        return f"timed out after {seconds(s.timeout)}", False
    tls = _tls_problem(exc, host)
    if tls is not None:
        return tls, False
    if isinstance(exc, httpx.ConnectError):
        return "could not connect (connection refused or unreachable)", True
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        if phase == "body":
            return "connection dropped mid-body", True
        return "connection dropped before the server answered", True
    if isinstance(exc, (httpx.LocalProtocolError, httpx.UnsupportedProtocol)):
        return f"request could not be sent ({exc})", False
    if isinstance(exc, httpx.HTTPError):
        return f"network error ({type(exc).__name__})", True
    return f"unexpected error ({type(exc).__name__}: {exc})", False


def _tls_problem(exc: BaseException, host: str) -> str | None:
    for cause in _exception_chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "verification failed"
            return f"TLS certificate not valid for {host} ({detail})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {host} failed ({cause.reason or 'protocol error'})"
    return None

def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__
