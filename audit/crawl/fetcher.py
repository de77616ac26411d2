"""The crawler core: polite, safe fetching of pages and sitemaps.

Marketers point this at their own sites, so the defaults follow what Scrapy and Screaming Frog
do: a global and a per-host concurrency cap, a per-host delay with jitter, robots.txt obeyed,
retries with backoff that honour Retry-After, and hard limits on time and size. URLs come from
users and from sitemaps on the web, so every request and every redirect hop goes through
:mod:`audit.netsafe`, which resolves a host once, checks the addresses and connects to exactly
the checked one.

Nothing here raises for network or HTTP trouble: each URL ends as a :class:`FetchResult` with
``error`` (it failed) or ``skipped`` (it was deliberately not fetched) in plain words.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import itertools
import random
import ssl
import string
import time
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx
import idna
from protego import Protego

from audit.crawl.netsafe import (
    AddressPolicy,
    ResolveFailed,
    Resolver,
    SafeNetworkBackend,
    SafeTransport,
    UnsafeAddress,
    default_ssl_context,
    show_ip,
)

DEFAULT_USER_AGENT = "antipersona/0.1 (+content audit; respects robots.txt)"
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
#: What sitemaps are served as in the wild (gzip files often as octet-stream).
SITEMAP_TYPES: tuple[str, ...] = (
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "text/plain",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
)
#: Statuses worth another try (Scrapy's list): overload, gateway trouble, timeouts.
RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
#: RFC 9309 asks parsers to read at least 500 KiB of robots.txt; more is cut off, not refused.
ROBOTS_MAX_BYTES = 512_000
ROBOTS_MAX_REDIRECTS = 5
#: A robots.txt Crawl-delay above this is clipped so one site cannot stall a run for hours.
MAX_CRAWL_DELAY = 60.0
#: Robots outcomes that were network failures are retried after this long, not kept for the run.
ROBOTS_ERROR_TTL = 60.0
_DECODE_CHUNK = 64 * 1024
_MAX_HEADERS = 64
_MAX_HEADER_VALUE = 1024


@dataclass
class FetchSettings:
    """Crawl politeness, limits and safety. The CLI flags map 1:1 onto these fields."""

    concurrency: int = 8
    per_host: int = 2
    delay: float = 1.0
    jitter: float = 0.25
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000
    robots: bool = True
    allow_private: bool = False
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 120.0
    max_redirects: int = 10

    def __post_init__(self) -> None:
        problems = [
            msg
            for bad, msg in (
                (self.concurrency < 1, "concurrency must be at least 1"),
                (self.per_host < 1, "per-host must be at least 1"),
                (self.delay < 0, "delay cannot be negative"),
                (not 0 <= self.jitter < 1, "jitter must be between 0 and 1"),
                (self.timeout <= 0, "timeout must be positive"),
                (self.connect_timeout <= 0, "connect timeout must be positive"),
                (self.read_timeout <= 0, "read timeout must be positive"),
                (self.max_bytes < 1, "max-bytes must be positive"),
                (self.retries < 0, "retries cannot be negative"),
                (self.backoff < 0, "backoff cannot be negative"),
                (self.max_retry_after < 0, "max Retry-After cannot be negative"),
                (self.max_redirects < 0, "max redirects cannot be negative"),
                (not self.user_agent.strip(), "user agent cannot be empty"),
                (any(c in self.user_agent for c in "\r\n"), "user agent must be one line"),
            )
            if bad
        ]
        if problems:
            raise ValueError("; ".join(problems))


@dataclass
class Hop:
    """One redirect response on the way to the final one."""

    url: str
    status: int


@dataclass
class FetchResult:
    """What happened to one URL. ``error`` means it failed; ``skipped`` means we chose not to."""

    url: str
    final_url: str | None
    status: int | None
    redirects: list[Hop]
    content_type: str | None
    charset: str | None
    body: bytes | None
    elapsed: float
    attempts: int
    error: str | None = None
    skipped: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when a body we asked for arrived: no error and not skipped."""
        return self.error is None and self.skipped is None and self.body is not None


# --------------------------------------------------------------------------- URL normalisation

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_HEX = frozenset(string.hexdigits)
_HOST_CHARS = frozenset(string.ascii_lowercase + string.digits + "-_.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """Canonical form used for requests and dedup; ValueError with a plain reason if unusable.

    Lowercases scheme and host, drops default ports, fragments, credentials are refused,
    empty paths become "/", dot segments are resolved and percent-encoding is made uniform
    (unreserved characters decoded, hex upper-cased, unsafe characters encoded). Numeric
    IPv4 spellings such as 2130706433 or 0x7f.1 become dotted quads so checks see the truth.
    """
    text = url.strip()
    if not text:
        raise ValueError("empty URL")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(_scheme_problem(text, scheme))
    if parts.username is not None or parts.password is not None:
        raise ValueError("URLs with a user name or password are not supported")
    host = _normalize_host(parts.netloc)
    port = _normalize_port(parts, scheme)
    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _normalize_escapes(parts.query, _QUERY_SAFE)
    netloc = host if port is None else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _scheme_problem(text: str, scheme: str) -> str:
    """Tell "no scheme at all" (example.com:8080/x) apart from a scheme we refuse (ftp:)."""
    rest = text[len(scheme) + 1 :] if scheme else ""
    if not scheme or ("://" not in text and rest[:1].isdigit()):
        return f"not a web address (missing http:// or https://): {text[:80]}"
    return f"unsupported scheme '{scheme}:' (only http and https pages can be audited)"


def _normalize_host(netloc: str) -> str:
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        inside, bracket, _ = hostport[1:].partition("]")
        if not bracket or "%" in inside:
            raise ValueError("bad host: malformed IPv6 address")
        try:
            return f"[{show_ip(ipaddress.IPv6Address(inside))}]"
        except ValueError:
            raise ValueError("bad host: malformed IPv6 address") from None
    host = hostport.rpartition(":")[0] if ":" in hostport else hostport
    host = host.rstrip(".").lower()
    if not host:
        raise ValueError("bad host: the address has no host name")
    numeric = _whatwg_ipv4(host)
    if numeric is not None:
        return numeric
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise ValueError(f"bad host: '{host}' is not a valid domain name") from None
    labels = host.split(".")
    if len(host) > 253 or any(not 0 < len(lb) < 64 for lb in labels) or set(host) - _HOST_CHARS:
        raise ValueError(f"bad host: '{host[:80]}' is not a valid domain name")
    return host


def _ipv4_number(part: str) -> int | None:
    """One part of a WHATWG IPv4 host: decimal, 0x-hex or 0-octal; None if not a number."""
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0
    try:
        return int(digits, base) if digits.isalnum() else None
    except ValueError:
        return None


def _whatwg_ipv4(host: str) -> str | None:
    """Read a host ending in a number the way browsers do, so 0177.1 is seen as 127.0.0.1."""
    parts = host.split(".")
    last = parts[-1]
    if not (last.isdigit() or (last[:2] == "0x" and set(last[2:]) <= _HEX)):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise ValueError(f"bad host: '{host}' is not a valid IP address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise ValueError(f"bad host: '{host}' is not a valid IP address")
    total = values[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(values[:-1]))
    return str(ipaddress.IPv4Address(total))


def _normalize_port(parts: SplitResult, scheme: str) -> int | None:
    try:
        port = parts.port
    except ValueError:
        raise ValueError("bad port: must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError("bad port: must be a number from 1 to 65535")
    return None if port in (None, _DEFAULT_PORTS[scheme]) else port


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, encode what must be."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, so /a/./b/../c and /a/c are one page."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result


def _host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --------------------------------------------------------------------------- small helpers


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _http_error(status: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason.strip()[:60]
    return f"HTTP {status} {phrase}".rstrip()


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
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


def _accepts(media: str, accept: tuple[str, ...]) -> bool:
    for pattern in accept:
        if pattern in ("*/*", media):
            return True
        if pattern.endswith("/*") and media.startswith(pattern[:-1]):
            return True
    return False


def _accept_header(accept: tuple[str, ...]) -> str:
    return ",".join(accept) + ",*/*;q=0.1"


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _small_headers(headers: httpx.Headers) -> dict[str, str]:
    """A bounded copy of the response headers: reports need a few, not a hostile megabyte."""
    out: dict[str, str] = {}
    for key, value in headers.items():
        if len(out) >= _MAX_HEADERS:
            break
        out[key.lower()] = value[:_MAX_HEADER_VALUE]
    return out


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


# --------------------------------------------------------------------------- body decoding


class BodyTooLarge(Exception):
    """The (decoded) body passed the size cap."""


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


# --------------------------------------------------------------------------- politeness


#: Connections per httpx pool; more concurrency gets more pools (see Fetcher.__aenter__).
POOL_SHARD = 1


class _HostGate:
    """Per-host state: how many requests may run at once and when the next may start."""

    __slots__ = ("crawl_delay", "next_start", "sem")

    def __init__(self, per_host: int) -> None:
        self.sem = asyncio.Semaphore(per_host)
        self.next_start = 0.0
        self.crawl_delay = 0.0


class _Politeness:
    """Global and per-host concurrency plus a per-host start-to-start delay with jitter."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._global = asyncio.Semaphore(settings.concurrency)
        self._gates: dict[str, _HostGate] = {}

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self.settings.per_host)
        return gate

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        gate = self._gate(host)
        gate.crawl_delay = max(gate.crawl_delay, min(seconds, MAX_CRAWL_DELAY))

    def hold(self, host: str, seconds: float) -> None:
        """Keep every request to ``host`` back for ``seconds`` (the server asked us to)."""
        gate = self._gate(host)
        gate.next_start = max(gate.next_start, time.monotonic() + seconds)

    def _interval(self, gate: _HostGate) -> float:
        delay, jitter = self.settings.delay, self.settings.jitter
        # Jitter only lengthens the wait: --delay is a floor a site owner can rely on, even
        # when the first request's connection set-up makes the next one arrive sooner.
        spaced = delay * random.uniform(1, 1 + jitter) if delay > 0 else 0.0
        return max(spaced, gate.crawl_delay)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold a host slot and a global slot while one request runs.

        The delay is waited out while holding only the host slot, so a slow host never sits
        on a global slot; the start time is taken only once both slots are held, so two starts
        on one host are always at least one interval apart.
        """
        gate = self._gate(host)
        async with gate.sem:
            while True:
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                await self._global.acquire()
                if gate.next_start <= time.monotonic():
                    break
                self._global.release()
            try:
                gate.next_start = time.monotonic() + self._interval(gate)
                yield
            finally:
                self._global.release()


# --------------------------------------------------------------------------- robots.txt


@dataclass
class _Robots:
    """robots.txt for one origin: rules, or a reason the whole origin is off limits."""

    parser: Protego | None = None
    blocked: str | None = None  # skipped reason for every URL (5xx: RFC 9309 full disallow)
    error: str | None = None  # robots.txt unreachable: the page fails with this message
    expires: float = float("inf")


def _blocking_rule(parser: Protego, url: str, user_agent: str) -> str | None:
    """The Disallow pattern that blocks ``url``, for the message; None if it cannot be told.

    protego answers yes/no only, so this peeks at its parsed rules; any change there simply
    falls back to the generic message.
    """
    try:
        from protego._utils import _quote_path

        rule_set = parser._get_matching_rule_set(user_agent)
        if rule_set is None:
            return None
        target = _quote_path(url)
        originals = {id(pat): text for text, pat in parser._url_patterns.items() if pat}
        for rule in rule_set._rules:
            if rule.value.match(target):
                if rule.field != "disallow":
                    return None
                return originals.get(id(rule.value), rule.value._pattern)
    except Exception:  # pragma: no cover - protego internals moved
        return None
    return None


# --------------------------------------------------------------------------- one exchange


@dataclass
class _Outcome:
    """What one HTTP request produced, before retries and redirects are decided."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    charset: str | None = None
    body: bytes | None = None
    location: str | None = None
    error: str | None = None
    skipped: str | None = None
    retryable: bool = False
    retry_after: float | None = None


class Fetcher:
    """Fetches URLs politely and safely through one shared, keep-alive HTTP client.

    Use as ``async with Fetcher(settings) as f:``. ``fetch`` and ``fetch_bytes`` may be called
    concurrently from many tasks; limits, delays and robots.txt are shared across them.
    ``resolver`` and ``connector`` are injection points for tests (a fake DNS answer, a
    socket redirect); the address policy is always the one from ``settings``.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        accept: tuple[str, ...] = HTML_TYPES,
        resolver: Resolver | None = None,
        connector: httpcore.AsyncNetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings if settings is not None else FetchSettings()
        self.accept = tuple(a.lower() for a in accept)
        self._resolver = resolver
        self._connector = connector
        self._ssl_context = ssl_context
        self._client: httpx.AsyncClient | None = None
        self._clients: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        self._polite: _Politeness | None = None
        self._robots: dict[str, tuple[asyncio.Future[_Robots], float]] = {}

    @property
    def workers(self) -> int:
        """How many URLs ``iter_fetch`` has in hand at most; more than ``concurrency`` so that
        URLs waiting out one host's delay do not stop other hosts from being crawled."""
        return max(4 * self.settings.concurrency, 16)

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        backend = SafeNetworkBackend(
            AddressPolicy(allow_private=s.allow_private),
            resolver=self._resolver,
            inner=self._connector,
        )
        # httpcore's pool looks at every connection (with a system call each) whenever a request
        # starts or ends, so one pool of many connections costs more per page than the page's
        # parsing. One pool per connection keeps that work to one look; a request goes to an
        # idle pool whose connection is to its host when there is one (keep-alive), else to
        # the least busy. The global limit above still caps connections at --concurrency.
        shards = max(1, -(-s.concurrency // POOL_SHARD))
        ssl_context = self._ssl_context or default_ssl_context()  # loading CA files is slow
        size = -(-s.concurrency // shards)
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size,
                              keepalive_expiry=15.0)
        self._clients = [
            httpx.AsyncClient(
                transport=SafeTransport(backend, limits=limits, ssl_context=ssl_context),
                follow_redirects=False,
                trust_env=False,
                timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout, read=s.read_timeout,
                                      pool=s.timeout),
                headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
            for _ in range(shards)
        ]
        self._busy = [0] * shards
        self._shard_host: list[str | None] = [None] * shards
        self._client = self._clients[0]
        self._polite = _Politeness(s)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for fut, _ in self._robots.values():
            fut.cancel()
        self._robots.clear()
        for client in self._clients:
            await client.aclose()
        self._clients = []
        self._client = None

    # ----------------------------------------------------------------- public API

    async def fetch(self, url: str) -> FetchResult:
        """Fetch one page; only the accepted (HTML) types are downloaded and returned."""
        return await self._fetch(url, self.accept, gunzip=False, max_bytes=None)

    async def fetch_bytes(
        self, url: str, accept: tuple[str, ...] = SITEMAP_TYPES, *, max_bytes: int | None = None
    ) -> FetchResult:
        """Fetch a non-page resource such as a sitemap, with the same politeness and safety.

        A gzip file body (a sitemap.xml.gz) is decompressed here, under the same size cap,
        so callers never meet a compression bomb; ``content_type`` stays as the server sent it.
        ``max_bytes`` overrides the settings' cap (sitemaps may be up to 50 MB).
        """
        accept = tuple(a.lower() for a in accept)
        return await self._fetch(url, accept, gunzip=True, max_bytes=max_bytes)

    async def iter_fetch(self, urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[FetchResult]:
        """Fetch many URLs, yielding results as they complete.

        The input is read lazily through a small queue, so a 50,000-line list runs in bounded
        memory: at most ``workers`` fetches run, plus as many queued URLs and finished results.
        Duplicate URLs (after normalisation) are fetched once; unusable ones come back at once
        as failed results. To stop early, close the generator (``contextlib.aclosing``) so its
        tasks are cancelled at once rather than when it is garbage-collected.
        """
        n = self.workers
        inbox: asyncio.Queue[str | None] = asyncio.Queue(maxsize=n)
        outbox: asyncio.Queue[FetchResult | None] = asyncio.Queue(maxsize=n)
        producer = asyncio.create_task(self._produce(urls, inbox, outbox, n))
        workers = [asyncio.create_task(self._work(inbox, outbox)) for _ in range(n)]
        try:
            done = 0
            while done < n:
                item = await outbox.get()
                if item is None:
                    done += 1
                    continue
                yield item
            # Surfaces an exception from the input iterable or a worker.
            await asyncio.gather(producer, *workers)
        finally:
            for task in (producer, *workers):
                task.cancel()
            await asyncio.gather(producer, *workers, return_exceptions=True)

    # ----------------------------------------------------------------- iter_fetch plumbing

    async def _produce(
        self,
        urls: Iterable[str] | AsyncIterable[str],
        inbox: asyncio.Queue[str | None],
        outbox: asyncio.Queue[FetchResult | None],
        n_workers: int,
    ) -> None:
        seen: set[str] = set()
        try:
            async for raw in _aiter(urls):
                try:
                    url = normalize_url(raw)
                except ValueError as exc:
                    await outbox.put(_failed(str(raw).strip(), str(exc), 0.0))
                    continue
                if url not in seen:
                    seen.add(url)
                    await inbox.put(url)
        except Exception:
            await _close_queue(inbox, n_workers)  # let the workers finish, then re-raise
            raise
        await _close_queue(inbox, n_workers)

    async def _work(
        self, inbox: asyncio.Queue[str | None], outbox: asyncio.Queue[FetchResult | None]
    ) -> None:
        # A None on the outbox tells iter_fetch this worker is finished, also when it failed;
        # on cancellation nothing is sent (nobody is listening any more).
        try:
            while (url := await inbox.get()) is not None:
                await outbox.put(await self.fetch(url))
        except Exception:
            await outbox.put(None)
            raise
        await outbox.put(None)

    # ----------------------------------------------------------------- one URL

    async def _fetch(
        self, raw_url: str, accept: tuple[str, ...], *, gunzip: bool, max_bytes: int | None
    ) -> FetchResult:
        if self._client is None:
            raise RuntimeError("use 'async with Fetcher(...)' before fetching")
        started = time.monotonic()
        try:
            url = normalize_url(raw_url)
        except ValueError as exc:
            return _failed(str(raw_url).strip(), str(exc), 0.0)
        s = self.settings
        cap = s.max_bytes if max_bytes is None else max_bytes
        hops: list[Hop] = []
        seen = {url}
        current = url
        last_url: str | None = None
        last = _Outcome()
        attempts = 0
        error: str | None = None
        skipped: str | None = None
        while True:
            if s.robots:
                skipped, error = await self._robots_verdict(current)
                if skipped or error:
                    break
            out, attempts = await self._with_retries(current, accept, cap)
            if out.status is not None:
                last, last_url = out, current
            error, skipped = out.error, out.skipped
            if error or skipped or out.location is None:
                break
            hops.append(Hop(current, out.status or 0))
            nxt, error = self._next_hop(current, out.location, hops, seen)
            if error or nxt is None:
                break
            current = nxt
        body = last.body if not (error or skipped) else None
        if body is not None and gunzip and body[:2] == b"\x1f\x8b":
            body, error = _gunzip_body(body, cap)
        return FetchResult(
            url=url,
            final_url=last_url,
            status=last.status,
            redirects=hops,
            content_type=last.content_type,
            charset=last.charset,
            body=body,
            elapsed=time.monotonic() - started,
            attempts=attempts,
            error=error,
            skipped=skipped,
            headers=last.headers,
        )

    def _next_hop(
        self, current: str, location: str, hops: list[Hop], seen: set[str]
    ) -> tuple[str | None, str | None]:
        """The normalised redirect target, or why the chain stops here."""
        if len(hops) > self.settings.max_redirects:
            return None, f"too many redirects ({len(hops)})"
        try:
            nxt = normalize_url(urljoin(current, location.strip()))
        except ValueError as exc:
            return None, f"redirect to {location[:120]!r} refused: {exc}"
        if nxt in seen:
            return None, "redirect loop"
        seen.add(nxt)
        return nxt, None

    async def _with_retries(
        self, url: str, accept: tuple[str, ...], max_bytes: int, *, truncate: bool = False
    ) -> tuple[_Outcome, int]:
        """One URL, retried on overload and network trouble with backoff or Retry-After."""
        s = self.settings
        note = ""
        attempt = 1
        while True:
            out = await self._exchange(url, accept, max_bytes, truncate=truncate)
            if not out.retryable or attempt > s.retries:
                break
            wait, capped = self._retry_wait(out, attempt)
            if capped:
                note = (
                    f"; Retry-After of {_seconds(out.retry_after or 0)} was capped"
                    f" at {_seconds(s.max_retry_after)}"
                )
            self._politeness.hold(_host_of(url), wait)
            await asyncio.sleep(wait)
            attempt += 1
        if out.retryable and out.error and attempt > 1:
            out.error = f"{out.error} (gave up after {attempt} attempts{note})"
        return out, attempt

    def _retry_wait(self, out: _Outcome, attempt: int) -> tuple[float, bool]:
        """Seconds before the next try and whether a Retry-After had to be capped."""
        s = self.settings
        if out.retry_after is not None:
            return min(out.retry_after, s.max_retry_after), out.retry_after > s.max_retry_after
        wait = s.backoff * (2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
        if out.status == 429:
            wait = max(wait, s.delay)
        return min(wait, s.max_retry_after), False

    @property
    def _politeness(self) -> _Politeness:
        assert self._polite is not None
        return self._polite

    async def _exchange(
        self, url: str, accept: tuple[str, ...], max_bytes: int, *, truncate: bool
    ) -> _Outcome:
        """Send one GET under the politeness slots and classify what came back."""
        assert self._client is not None
        phase = "connect"
        host = _host_of(url)
        async with self._politeness.slot(host):
            shard = self._pick_shard(host)
            client = self._clients[shard]
            self._busy[shard] += 1
            self._shard_host[shard] = host
            try:
                async with asyncio.timeout(self.settings.timeout):
                    request = client.build_request(
                        "GET", url, headers={"Accept": _accept_header(accept)}
                    )
                    response = await client.send(request, stream=True)
                    phase = "body"
                    try:
                        return await self._classify(response, accept, max_bytes, truncate)
                    finally:
                        await response.aclose()
            except Exception as exc:
                message, retryable = self._describe(exc, phase, _host_of(url))
                return _Outcome(error=message, retryable=retryable)
            finally:
                self._busy[shard] -= 1

    def _pick_shard(self, host: str) -> int:
        """An idle pool last used for ``host`` (its connection may be kept alive), else the
        first idle one, else the least busy."""
        idle = -1
        for i, busy in enumerate(self._busy):
            if not busy:
                if self._shard_host[i] == host:
                    return i
                if idle < 0:
                    idle = i
        return idle if idle >= 0 else min(range(len(self._busy)), key=self._busy.__getitem__)

    async def _classify(
        self, response: httpx.Response, accept: tuple[str, ...], max_bytes: int, truncate: bool
    ) -> _Outcome:
        status = response.status_code
        media, charset = _parse_content_type(response.headers.get("content-type"))
        out = _Outcome(
            status=status,
            headers=_small_headers(response.headers),
            content_type=media,
            charset=charset,
        )
        location = response.headers.get("location")
        if 300 <= status < 400 and location:
            out.location = location
            await _discard_small_body(response)
            return out
        if status in RETRY_STATUSES:
            out.retryable = True
            out.retry_after = _parse_retry_after(response.headers.get("retry-after"))
        if not 200 <= status < 300:
            out.error = _http_error(status, response.reason_phrase)
            if status // 100 == 3:
                out.error += " (redirect without a Location)"
            await _discard_small_body(response)
            return out
        if media is not None and not _accepts(media, accept):
            out.skipped = _not_accepted(media, accept)
            return out
        try:
            body = await _read_body(response, max_bytes, truncate)
        except Exception as exc:  # keep status and headers: the response did arrive
            out.error, out.retryable = self._describe(exc, "body", response.url.host)
            return out
        if media is None and set(accept) <= set(HTML_TYPES) and not _looks_like_html(body):
            out.skipped = _not_accepted("no content type", accept)
            return out
        out.body = body
        return out

    def _describe(self, exc: Exception, phase: str, host: str) -> tuple[str, bool]:
        """Plain words for a failed exchange, and whether trying again could help."""
        s = self.settings
        if isinstance(exc, UnsafeAddress):
            return str(exc), False
        if isinstance(exc, ResolveFailed):
            return str(exc), exc.temporary
        if isinstance(exc, BodyTooLarge):
            return f"body larger than {_megabytes(s.max_bytes)}, stopped", False
        if isinstance(exc, _BadBody):
            return str(exc), False
        if isinstance(exc, httpx.ConnectTimeout):
            return f"timed out after {_seconds(s.connect_timeout)} (connecting)", True
        if isinstance(exc, httpx.ReadTimeout):
            return f"timed out after {_seconds(s.read_timeout)} (waiting for data)", True
        if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
            return f"timed out after {_seconds(s.timeout)}", True
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

    # ----------------------------------------------------------------- robots.txt

    async def _robots_verdict(self, url: str) -> tuple[str | None, str | None]:
        """(skipped, error) for ``url`` under its origin's robots.txt; (None, None) if allowed."""
        robots = await self._robots_for(_origin_of(url))
        if robots.error:
            return None, robots.error
        if robots.blocked:
            return robots.blocked, None
        ua = self.settings.user_agent
        if robots.parser is not None and not robots.parser.can_fetch(url, ua):
            rule = _blocking_rule(robots.parser, url, ua)
            reason = f"Disallow: {rule}" if rule else "disallowed"
            return f"blocked by robots.txt ({reason})", None
        return None, None

    async def _robots_for(self, origin: str) -> _Robots:
        """The cached robots.txt of ``origin``, fetched once even when many pages ask at once."""
        entry = self._robots.get(origin)
        if entry is not None and entry[1] > time.monotonic():
            return await asyncio.shield(entry[0])
        fut = asyncio.ensure_future(self._load_robots(origin))
        self._robots[origin] = (fut, float("inf"))
        fut.add_done_callback(lambda f: self._robots_loaded(origin, f))
        return await asyncio.shield(fut)

    def _robots_loaded(self, origin: str, fut: asyncio.Future[_Robots]) -> None:
        if fut.cancelled() or fut.exception() is not None:
            self._robots.pop(origin, None)
            return
        robots = fut.result()
        if origin in self._robots:
            self._robots[origin] = (fut, time.monotonic() + robots.expires)

    async def _load_robots(self, origin: str) -> _Robots:
        """Fetch and read /robots.txt per RFC 9309: 4xx allows all, 5xx disallows all."""
        url = origin + "/robots.txt"
        seen = {url}
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            out, _ = await self._with_retries(url, ("*/*",), ROBOTS_MAX_BYTES, truncate=True)
            if out.status is None or (out.error and 200 <= out.status < 300):
                # Unreachable (or cut off mid-body): the page fails with the same reason.
                return _Robots(error=out.error, expires=ROBOTS_ERROR_TTL)
            if out.location is not None:
                try:
                    url = normalize_url(urljoin(url, out.location))
                except ValueError:
                    return _Robots()
                if url in seen:
                    return _Robots()
                seen.add(url)
                continue
            return self._read_robots(origin, out)
        return _Robots()  # too many redirects: RFC 9309 treats it as unavailable (allow)

    def _read_robots(self, origin: str, out: _Outcome) -> _Robots:
        status = out.status or 0
        if 200 <= status < 300:
            text = (out.body or b"").decode("utf-8", "replace")
            try:
                parser = Protego.parse(text)
            except Exception:  # a parser bug must not fail the crawl; RFC 9309 reads junk as allow
                return _Robots()
            self._apply_crawl_delay(origin, parser)
            return _Robots(parser=parser)
        if status == 429 or status >= 500:
            return _Robots(
                blocked=f"robots.txt unavailable (HTTP {status}); not crawled, try again later",
                expires=ROBOTS_ERROR_TTL,
            )
        return _Robots()  # 4xx: no robots.txt, everything allowed

    def _apply_crawl_delay(self, origin: str, parser: Protego) -> None:
        ua = self.settings.user_agent
        delay = parser.crawl_delay(ua)
        rate = parser.request_rate(ua)
        if rate is not None and rate.requests > 0:
            delay = max(delay or 0.0, rate.seconds / rate.requests)
        if delay:
            self._politeness.set_crawl_delay(urlsplit(origin).hostname or "", float(delay))


# --------------------------------------------------------------------------- module helpers


class _BadBody(Exception):
    """The body could not be decoded (corrupt gzip, unknown Content-Encoding)."""


async def _read_body(response: httpx.Response, max_bytes: int, truncate: bool) -> bytes:
    """Stream and decode the body, counting decoded bytes; stop at ``max_bytes``.

    With ``truncate`` the first ``max_bytes`` are returned instead (robots.txt, per RFC 9309).
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise _BadBody(f"unsupported content encoding ({encoding[:40]})")
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
        raise _BadBody(f"could not decode the {encoding} body ({exc})") from exc
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


async def _discard_small_body(response: httpx.Response) -> None:
    """Read a short error/redirect body so the connection can be kept alive; skip long ones."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= 64 * 1024:
        with contextlib.suppress(httpx.HTTPError):
            async for _ in response.aiter_raw():
                pass


def _gunzip_body(body: bytes, max_bytes: int) -> tuple[bytes | None, str | None]:
    try:
        return gunzip_capped(body, max_bytes), None
    except BodyTooLarge:
        return None, f"body larger than {_megabytes(max_bytes)} once decompressed, stopped"
    except zlib.error as exc:
        return None, f"could not decompress the gzip file ({exc})"


def _not_accepted(media: str, accept: tuple[str, ...]) -> str:
    if set(accept) <= set(HTML_TYPES):
        return f"not HTML ({media}), skipped"
    return f"unexpected content type ({media}), skipped"


def _tls_problem(exc: BaseException, host: str) -> str | None:
    for cause in _exception_chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "verification failed"
            return f"TLS certificate not valid for {host} ({detail})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {host} failed ({cause.reason or 'protocol error'})"
    return None


def _failed(url: str, message: str, elapsed: float) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=None,
        status=None,
        redirects=[],
        content_type=None,
        charset=None,
        body=None,
        elapsed=elapsed,
        attempts=0,
        error=message,
    )


async def _close_queue(queue: asyncio.Queue[str | None], n_workers: int) -> None:
    for _ in range(n_workers):
        await queue.put(None)


async def _aiter(urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(urls, AsyncIterable):
        async for url in urls:
            yield url
    else:
        for url in urls:
            yield url
