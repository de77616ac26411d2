"""Unit tests of the public-address checks and the connection layer that enforces them.

No test here reaches the internet: names other than "localhost" go through fake resolvers,
and connections go to a recording fake backend or to the local test server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Coroutine, Iterable
from typing import Any

import httpcore
import httpx
import pytest

from audit.crawl.netsafe import (
    AddressPolicy,
    IPAddress,
    ResolveFailed,
    SafeNetworkBackend,
    SafeTransport,
    SystemResolver,
    UnsafeAddress,
    address_kind,
    refusal,
    safe_addresses,
)
from tests.support.sitesrv import Reply, Request, SiteServer


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


class FakeResolver:
    """Answers from a table (a list of answers per name is served in turn); counts lookups."""

    def __init__(self, table: dict[str, list[list[str]] | list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append(host)
        if host not in self.table:
            raise ResolveFailed("could not resolve host")
        answers = self.table[host]
        if answers and isinstance(answers[0], list):
            n = sum(1 for h in self.calls if h == host) - 1
            answer = answers[min(n, len(answers) - 1)]
        else:
            answer = answers
        return [ip(a) for a in answer]  # type: ignore[arg-type]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Stands in for the socket layer: records where it was asked to connect."""

    def __init__(self, redirect_to: tuple[str, int] | None = None) -> None:
        self.connects: list[tuple[str, int]] = []
        self.redirect_to = redirect_to
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if self.redirect_to is None:
            return httpcore.AsyncMockStream([])
        return await self._real.connect_tcp(*self.redirect_to, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# ----------------------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("addr", "kind"),
    [
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("100.127.255.254", "shared (carrier-grade NAT)"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.10", "reserved"),
        ("2001:db8::1", "reserved"),
        # IPv6 forms that wrap an IPv4 address are judged by what they wrap.
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:8.8.8.8", None),
        ("2002:7f00:0001::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"),  # Teredo client 10.0.0.1
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
    ],
)
def test_address_kind(addr: str, kind: str | None) -> None:
    assert address_kind(ip(addr)) == kind


def test_teredo_wrapping_a_public_address_is_still_refused() -> None:
    # Teredo client 8.8.8.8 (obfuscated as f7f7:f7f7): the relay range itself is not crawled.
    assert address_kind(ip("2001:0:4136:e378:8000:63bf:f7f7:f7f7")) == "reserved"


def test_refusal_wording_for_names_and_literals() -> None:
    named = refusal(ip("10.0.0.5"), allow_private=False, host="intranet.example")
    assert named == (
        "refused: resolves to a private address (10.0.0.5); pass --allow-private to audit internal sites"
    )
    literal = refusal(ip("10.0.0.5"), allow_private=False, host="10.0.0.5")
    assert literal is not None and literal.startswith("refused: a private address (10.0.0.5)")
    mapped = refusal(ip("::ffff:127.0.0.1"), allow_private=False, host="::ffff:127.0.0.1")
    assert mapped is not None and "(::ffff:127.0.0.1)" in mapped
    never = refusal(ip("169.254.169.254"), allow_private=True, host="metadata.internal")
    assert never == "refused: resolves to a link-local address (169.254.169.254), which is never crawled"


@pytest.mark.parametrize("addr", ["127.0.0.1", "::1", "10.0.0.5", "192.168.0.2", "100.64.1.1"])
def test_allow_private_unlocks_internal_ranges(addr: str) -> None:
    assert refusal(ip(addr), allow_private=False) is not None
    assert refusal(ip(addr), allow_private=True) is None


@pytest.mark.parametrize("addr", ["169.254.169.254", "0.0.0.0", "224.0.0.1", "::", "240.0.0.1"])
def test_allow_private_keeps_dangerous_ranges_refused(addr: str) -> None:
    assert refusal(ip(addr), allow_private=True) is not None


def test_policy_refuses_a_name_with_any_private_answer() -> None:
    policy = AddressPolicy(allow_private=False)
    assert policy.check("ok.test", [ip("8.8.8.8"), ip("1.1.1.1")]) == [ip("8.8.8.8"), ip("1.1.1.1")]
    with pytest.raises(UnsafeAddress, match=r"private address \(10\.0\.0\.5\)"):
        policy.check("mixed.test", [ip("8.8.8.8"), ip("10.0.0.5")])


# ----------------------------------------------------------------------------- resolution


def test_safe_addresses_reads_literals_without_dns() -> None:
    resolver = FakeResolver({})
    policy = AddressPolicy(allow_private=True)
    assert run(safe_addresses("127.0.0.1", 80, policy, resolver)) == [ip("127.0.0.1")]
    assert run(safe_addresses("::1", 80, policy, resolver)) == [ip("::1")]
    assert resolver.calls == []
    with pytest.raises(UnsafeAddress):
        run(safe_addresses("::ffff:127.0.0.1", 80, AddressPolicy(), resolver))


def test_system_resolver_resolves_localhost_and_caches() -> None:
    async def go() -> tuple[list[IPAddress], list[IPAddress], int]:
        resolver = SystemResolver(ttl=60)
        calls = 0
        loop = asyncio.get_running_loop()
        real = loop.getaddrinfo

        async def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await real(*args, **kwargs)

        loop.getaddrinfo = counting  # type: ignore[method-assign]
        first, second = await asyncio.gather(
            resolver.resolve("localhost", 80), resolver.resolve("localhost", 80)
        )
        third = await resolver.resolve("localhost", 443)
        assert third == first
        return first, second, calls

    first, second, calls = run(go())
    assert first == second
    assert all(a.is_loopback for a in first)
    assert calls == 1  # concurrent lookups share one getaddrinfo; the cache answers the rest


def test_system_resolver_reports_failures_plainly() -> None:
    async def go(errno: int) -> ResolveFailed:
        loop = asyncio.get_running_loop()

        async def failing(*_args: Any, **_kwargs: Any) -> Any:
            raise socket.gaierror(errno, "nope")

        loop.getaddrinfo = failing  # type: ignore[method-assign]
        with pytest.raises(ResolveFailed) as info:
            await SystemResolver().resolve("no-such-host.invalid", 80)
        return info.value

    permanent = run(go(socket.EAI_NONAME))
    assert str(permanent) == "could not resolve host" and not permanent.temporary
    assert run(go(socket.EAI_AGAIN)).temporary


# ----------------------------------------------------------------------------- the backend


def test_backend_connects_to_the_checked_ip_not_the_name() -> None:
    """DNS rebinding: the second answer (private) must never be used for a checked connect."""
    resolver = FakeResolver({"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]})
    inner = RecordingBackend()
    backend = SafeNetworkBackend(AddressPolicy(), resolver=resolver, inner=inner)
    run(backend.connect_tcp("rebind.test", 443, timeout=1))
    assert inner.connects == [("93.184.216.34", 443)]
    assert resolver.calls == ["rebind.test"]  # resolved once per connection, then pinned
    with pytest.raises(UnsafeAddress, match="loopback"):
        run(backend.connect_tcp("rebind.test", 443, timeout=1))
    assert inner.connects == [("93.184.216.34", 443)]  # the refused answer was never dialled


def test_backend_refuses_before_any_socket_is_opened() -> None:
    resolver = FakeResolver({"split.test": ["93.184.216.34", "10.0.0.5"]})
    inner = RecordingBackend()
    backend = SafeNetworkBackend(AddressPolicy(), resolver=resolver, inner=inner)
    for host in ("split.test", "127.0.0.1", "0.0.0.0", "::ffff:127.0.0.1", "169.254.169.254"):
        with pytest.raises(UnsafeAddress):
            run(backend.connect_tcp(host, 80, timeout=1))
    with pytest.raises(UnsafeAddress):
        run(backend.connect_unix_socket("/var/run/docker.sock"))
    assert inner.connects == []


def test_backend_resolution_failure_is_not_a_connect_attempt() -> None:
    inner = RecordingBackend()
    backend = SafeNetworkBackend(AddressPolicy(), resolver=FakeResolver({}), inner=inner)
    with pytest.raises(ResolveFailed, match="could not resolve host"):
        run(backend.connect_tcp("missing.test", 80, timeout=1))
    assert inner.connects == []


def test_backend_tries_every_checked_address_in_turn() -> None:
    class FirstFails(RecordingBackend):
        async def connect_tcp(self, host: str, port: int, **kw: Any) -> httpcore.AsyncNetworkStream:
            self.connects.append((host, port))
            if len(self.connects) == 1:
                raise httpcore.ConnectError("refused")
            return httpcore.AsyncMockStream([])

    resolver = FakeResolver({"two.test": ["93.184.216.34", "93.184.216.35"]})
    inner = FirstFails()
    backend = SafeNetworkBackend(AddressPolicy(), resolver=resolver, inner=inner)
    run(backend.connect_tcp("two.test", 80, timeout=1))
    assert [h for h, _ in inner.connects] == ["93.184.216.34", "93.184.216.35"]


def test_transport_serves_real_requests_through_the_checked_path() -> None:
    """httpx + SafeTransport against the local server: Host header keeps the name."""
    seen: dict[str, str] = {}

    def echo_host(req: Request) -> Reply:
        seen["host"] = req.headers.get("host", "")
        return Reply(200, {"Content-Type": "text/html"}, b"<html>hi</html>")

    async def go(srv: SiteServer) -> tuple[httpx.Response, list[tuple[str, int]]]:
        resolver = FakeResolver({"www.public.test": ["93.184.216.34"]})
        inner = RecordingBackend(redirect_to=("127.0.0.1", srv.port))
        backend = SafeNetworkBackend(AddressPolicy(), resolver=resolver, inner=inner)
        transport = SafeTransport(backend, limits=httpx.Limits(max_connections=4))
        async with httpx.AsyncClient(transport=transport) as client:
            resp = await client.get(f"http://www.public.test:{srv.port}/hello")
            with pytest.raises(UnsafeAddress):
                await client.get(f"http://127.0.0.1:{srv.port}/hello")
        return resp, inner.connects

    with SiteServer() as srv:
        srv.route("/hello", echo_host)
        resp, connects = run(go(srv))
    assert resp.status_code == 200
    assert connects == [("93.184.216.34", srv.port)]
    assert seen["host"] == f"www.public.test:{srv.port}"
    assert len(srv.log) == 1  # the refused literal never reached the server
