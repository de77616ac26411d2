"""Public-address checks and a connection layer that enforces them.

URLs come from users and from sitemaps found on the web, so a crawl must never be steered into
the machine it runs on or the network around it (SSRF). Checking a host name and then letting
the HTTP library resolve it again leaves a window for DNS rebinding, so this module resolves
once, checks every address, and then connects to exactly the address it checked.
:class:`SafeNetworkBackend` does that inside httpcore's connection pool; TLS still runs against
the host name (httpcore passes the origin host as SNI), so certificates are verified as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import ipaddress
import socket
import ssl
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import certifi
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Kinds of address that ``allow_private`` unlocks (internal sites, the local demo, tests).
PRIVATE_KINDS: frozenset[str] = frozenset({"loopback", "private", "shared (carrier-grade NAT)"})

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Order matters only for the wording: the first matching range names the kind.
_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/8"), "unspecified"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "shared (carrier-grade NAT)"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
    (_V4("192.0.0.0/24"), "reserved"),
    (_V4("192.0.2.0/24"), "reserved"),
    (_V4("192.88.99.0/24"), "reserved"),
    (_V4("198.18.0.0/15"), "reserved"),
    (_V4("198.51.100.0/24"), "reserved"),
    (_V4("203.0.113.0/24"), "reserved"),
)

_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("fc00::/7"), "private"),
    (_V6("fec0::/10"), "private"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("ff00::/8"), "multicast"),
    (_V6("100::/64"), "reserved"),
    (_V6("2001:db8::/32"), "reserved"),
    (_V6("2001::/23"), "reserved"),
    (_V6("64:ff9b:1::/48"), "reserved"),
)

# IPv6 forms that carry an IPv4 address inside; the inner address decides.
_NAT64 = _V6("64:ff9b::/96")
_V4_COMPAT = _V6("::/96")


class UnsafeAddress(Exception):
    """The host resolves to an address a crawl must not reach; the message is for people."""


class ResolveFailed(Exception):
    """The host name could not be resolved. ``temporary`` marks a DNS hiccup worth a retry."""

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address wraps (mapped, 6to4, Teredo, NAT64, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64"
    if ip in _V4_COMPAT and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "IPv4-compatible"
    return None


def address_kind(ip: IPAddress) -> str | None:
    """Name the kind of a non-public address ("loopback", "private", ...); None if public.

    IPv6 addresses that wrap an IPv4 address are judged by the address they wrap, since that
    is where the packets end up.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            kind = address_kind(inner[0])
            if kind is not None:
                return kind
            if inner[1] == "Teredo":
                return "reserved"
            return None
        ranges: Iterable[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = _V6_RANGES
    else:
        ranges = _V4_RANGES
    for net, kind in ranges:
        if ip in net:
            return kind
    # Catch-all for special-purpose ranges the tables above do not name.
    return None if ip.is_global else "reserved"


def show_ip(ip: IPAddress) -> str:
    """Addresses as people write them: IPv4-mapped IPv6 keeps its dotted quad."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return f"::ffff:{ip.ipv4_mapped}"
    return ip.compressed


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def refusal(ip: IPAddress, *, allow_private: bool, host: str | None = None) -> str | None:
    """The plain-language refusal for ``ip``, or None when it may be crawled.

    ``allow_private`` unlocks loopback, private and carrier-grade NAT ranges only; link-local
    (cloud metadata lives there), multicast, unspecified and reserved ranges stay refused.
    """
    kind = address_kind(ip)
    if kind is None or (allow_private and kind in PRIVATE_KINDS):
        return None
    what = f"{_article(kind)} {kind} address ({show_ip(ip)})"
    if host is None or _literal_ip(host) is not None:
        head = f"refused: {what}"
    else:
        head = f"refused: resolves to {what}"
    if kind in PRIVATE_KINDS:
        return f"{head}; pass --allow-private to audit internal sites"
    return f"{head}, which is never crawled"


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class Resolver(Protocol):
    """Turns a host name into addresses. Swappable so tests can pretend a name is public."""

    async def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class SystemResolver:
    """getaddrinfo off the event loop, with a short cache so a crawl does not resolve per request.

    Caching is safe against rebinding because connections go to the cached, checked address,
    never to a fresh answer that was not checked.
    """

    def __init__(self, ttl: float = 60.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._cache: dict[str, tuple[float, list[IPAddress]]] = {}
        self._pending: dict[str, asyncio.Future[list[IPAddress]]] = {}

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        hit = self._cache.get(host)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        task = self._pending.get(host)
        if task is None:
            # One lookup per name, owned by no caller: a caller that times out must not cancel
            # the lookup others are waiting for.
            task = asyncio.ensure_future(self._lookup_and_remember(host, port))
            self._pending[host] = task
            task.add_done_callback(lambda t: self._settle(host, t))
        return await asyncio.shield(task)

    def _settle(self, host: str, task: asyncio.Future[list[IPAddress]]) -> None:
        self._pending.pop(host, None)
        if not task.cancelled():
            task.exception()  # retrieved here so an unawaited failure is not logged as lost

    async def _lookup_and_remember(self, host: str, port: int) -> list[IPAddress]:
        addrs = await self._lookup(host, port)
        self._remember(host, addrs)
        return addrs

    def _remember(self, host: str, addrs: list[IPAddress]) -> None:
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        self._cache[host] = (time.monotonic() + self.ttl, addrs)

    @staticmethod
    async def _lookup(host: str, port: int) -> list[IPAddress]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            temporary = exc.errno == socket.EAI_AGAIN
            raise ResolveFailed("could not resolve host", temporary=temporary) from exc
        except UnicodeError as exc:
            raise ResolveFailed("could not resolve host (invalid name)") from exc
        addrs: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in addrs:
                addrs.append(ip)
        if not addrs:
            raise ResolveFailed("could not resolve host")
        return addrs


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What may be reached: public addresses always, internal ones only when asked."""

    allow_private: bool = False

    def check(self, host: str, addrs: Iterable[IPAddress]) -> list[IPAddress]:
        """Return ``addrs`` if every one is allowed, else raise :class:`UnsafeAddress`.

        All addresses must pass, not just the first: a name that mixes public and private
        answers is exactly what a rebinding attack looks like.
        """
        checked = list(addrs)
        for ip in checked:
            reason = refusal(ip, allow_private=self.allow_private, host=host)
            if reason is not None:
                raise UnsafeAddress(reason)
        return checked


async def safe_addresses(host: str, port: int, policy: AddressPolicy, resolver: Resolver) -> list[IPAddress]:
    """Resolve ``host`` (or read it as a literal IP) and check every address against ``policy``."""
    literal = _literal_ip(host)
    addrs = [literal] if literal is not None else await resolver.resolve(host, port)
    return policy.check(host, addrs)


class SafeNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that connects only to checked addresses.

    httpcore hands ``connect_tcp`` the origin's host name; we resolve and check it here and
    pass the inner backend an IP literal, so there is no second lookup to rebind. httpcore
    then starts TLS with the origin host name as SNI and for certificate verification.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.resolver: Resolver = resolver if resolver is not None else SystemResolver()
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            async with asyncio.timeout(timeout):
                addrs = await safe_addresses(host, port, self.policy, self.resolver)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        last: Exception | None = None
        for ip in addrs:
            remaining = None if deadline is None else max(0.01, deadline - time.monotonic())
            try:
                stream = await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=remaining,
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return QuickAckStream.wrap(stream)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeAddress("refused: unix sockets are never crawled")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


#: Linux's TCP_QUICKACK (absent elsewhere, where the stream is left as it is).
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class QuickAckStream(httpcore.AsyncNetworkStream):
    """A TCP stream that asks the kernel to acknowledge the response at once.

    A server that writes a response's headers and its body in two writes with Nagle's algorithm
    on (Python's ``http.server`` does, as do many small frameworks) holds the body back until
    the headers are acknowledged, and a client on a kept-alive connection delays that
    acknowledgement (about 40 ms on Linux) in the hope of sending it with data of its own,
    which it has none of until the body arrives. Every response after a connection's first then
    takes 40 ms whatever its size: 8 connections to one such host cap a crawl near 180 pages/s.
    Quick-ACK mode, set again after each request is written (sending data ends it), removes the
    stall; nothing else about the exchange changes.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream, sock: Any) -> None:
        self._inner = inner
        self._sock = sock

    @classmethod
    def wrap(cls, stream: httpcore.AsyncNetworkStream) -> httpcore.AsyncNetworkStream:
        """``stream`` wrapped when it is a TCP socket this platform can set quick-ACK on."""
        if _QUICKACK is None or isinstance(stream, QuickAckStream):
            return stream
        sock = stream.get_extra_info("socket")  # asyncio's TransportSocket under anyio
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6) or \
                getattr(sock, "type", None) != socket.SOCK_STREAM:
            return stream
        return cls(stream, sock)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)
        with contextlib.suppress(OSError):  # closed meanwhile: the read that follows says so
            self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return QuickAckStream(tls, self._sock)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


def default_ssl_context() -> ssl.SSLContext:
    """Verification on, Mozilla's CA bundle (what httpx uses by default)."""
    return ssl.create_default_context(cafile=certifi.where())


def _remember_missing_sniffio() -> None:
    """Make httpcore's per-request ``import sniffio`` fail fast when sniffio is not installed.

    httpcore retries that import for every lock it creates; a failed import is not cached
    and walks sys.path (about 50 µs, twice per request). Recording the miss keeps the same
    outcome (asyncio is assumed) at no cost.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class SafeTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with its connection pool rebuilt on :class:`SafeNetworkBackend`.

    httpx does not take a network backend directly, so the pool is replaced after the normal
    set-up; everything else (request/response mapping, error mapping) is httpx's. Proxies and
    environment settings are deliberately off: a proxy would do its own, unchecked, DNS.
    """

    def __init__(
        self,
        backend: SafeNetworkBackend,
        *,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        # httpx would build (and load the CA bundle into) a context of its own for a pool that
        # is replaced below: 25 ms a transport, 0.4 s for the 16 a crawl opens.
        ssl_context = ssl_context or default_ssl_context()
        super().__init__(verify=ssl_context, limits=limits, trust_env=False, http1=True,
                         http2=False)
        _remember_missing_sniffio()
        if not hasattr(self, "_pool"):  # pragma: no cover - guards an httpx internals change
            raise RuntimeError("this httpx version does not expose its connection pool")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )
