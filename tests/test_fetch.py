"""The fetcher against a real local HTTP server: politeness, safety, limits and messages.

Nothing here reaches the internet. Hosts other than 127.0.0.1/localhost are fake names
answered by a fake resolver, and their "public" address is dialled to the local server by a
mapping connector, which refuses anything it was not told about.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ipaddress
import itertools
import socket
import ssl
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Coroutine, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpcore
import pytest

from audit.crawl.body import BodyTooLarge, gunzip_capped
from audit.crawl.fetcher import LOOKAHEAD, Fetcher
from audit.crawl.netsafe import IPAddress, ResolveFailed, SystemResolver
from audit.crawl.results import FetchResult, FetchSettings, Hop
from audit.crawl.retry import parse_retry_after
from audit.crawl.urls import normalize_url
from tests.support.sitesrv import Reply, SiteServer, filler, gzip_zeros, make_site

PUBLIC_IP = "93.184.216.34"  # stands for "some public web server"; always dialled locally
HTML = {"Content-Type": "text/html; charset=utf-8"}


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def settings(**overrides: Any) -> FetchSettings:
    """Fast test defaults: no delay, no robots, loopback allowed, no retries, short timeouts."""
    base: dict[str, Any] = {
        "delay": 0.0,
        "robots": False,
        "allow_private": True,
        "retries": 0,
        "backoff": 0.01,
        "timeout": 5.0,
        "connect_timeout": 2.0,
        "read_timeout": 3.0,
    }
    base.update(overrides)
    return FetchSettings(**base)


def fetch_one(url: str, fetcher_kw: dict[str, Any] | None = None, **kw: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(settings(**kw), **(fetcher_kw or {})) as f:
            return await f.fetch(url)

    return run(go())


def fetch_many(urls: list[str], **kw: Any) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(settings(**kw)) as f:
            return list(await asyncio.gather(*(f.fetch(u) for u in urls)))

    return run(go())


@pytest.fixture
def srv() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


# ----------------------------------------------------------------------------- fake public DNS


class FakeResolver:
    """Fake names from a table (answers served in turn); real lookups for localhost only."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.count: dict[str, int] = {}
        self.system = SystemResolver()

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        if host == "localhost":
            return await self.system.resolve(host, port)
        if host not in self.table:
            raise ResolveFailed("could not resolve host")
        n = self.count[host] = self.count.get(host, 0) + 1
        answers = self.table[host]
        return [ipaddress.ip_address(a) for a in answers[min(n, len(answers)) - 1]]


class MapConnector(httpcore.AsyncNetworkBackend):
    """Dials PUBLIC_IP (and loopback) to the local server; anything else is a test bug."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.real = httpcore.AnyIOBackend()
        self.dialled: list[str] = []

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, **_kw: Any
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append(host)
        if host not in (PUBLIC_IP, "127.0.0.1"):
            raise AssertionError(f"test tried to dial {host}")
        return await self.real.connect_tcp("127.0.0.1", self.port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def public_site(srv: SiteServer, table: dict[str, list[list[str]]] | None = None) -> dict[str, Any]:
    """Fetcher keywords that make www.shop.test a public site served by ``srv``."""
    names = {"www.shop.test": [[PUBLIC_IP]], "intranet.shop.test": [["10.0.0.5"]]}
    names.update(table or {})
    return {"resolver": FakeResolver(names), "connector": MapConnector(srv.port)}


# ----------------------------------------------------------------------------- basics


def test_fetches_a_page_with_its_metadata(srv: SiteServer) -> None:
    srv.page("/", "<html><h1>Hello</h1></html>", headers={"X-Thing": "1"})
    res = fetch_one(srv.url("/"))
    assert res.ok and res.error is None and res.skipped is None
    assert res.status == 200 and res.body == b"<html><h1>Hello</h1></html>"
    assert res.url == res.final_url == srv.url("/")
    assert (res.content_type, res.charset) == ("text/html", "utf-8")
    assert res.headers["x-thing"] == "1" and res.redirects == [] and res.attempts == 1
    assert 0 < res.elapsed < 2
    assert srv.log[0].user_agent == FetchSettings().user_agent


def test_custom_user_agent_is_sent(srv: SiteServer) -> None:
    srv.page("/", "<html>x</html>")
    fetch_one(srv.url("/"), user_agent="auditbot/2.0 (+https://example.invalid)")
    assert srv.log[0].user_agent == "auditbot/2.0 (+https://example.invalid)"


def test_charsets_are_reported_from_the_header_as_sent(srv: SiteServer) -> None:
    utf8 = "<html><p>Grüße</p></html>".encode()
    srv.page("/wrong", utf8, content_type="text/html; charset=ISO-8859-1")
    srv.page("/quoted", utf8, content_type='text/html; charset="UTF-8"')
    srv.page("/missing", utf8, content_type="text/html")
    srv.page(
        "/meta", b'<html><head><meta charset="windows-1252"></head>\xe9</html>', content_type="text/html"
    )
    wrong, quoted, missing, meta = fetch_many(
        [srv.url(p) for p in ("/wrong", "/quoted", "/missing", "/meta")]
    )
    assert wrong.charset == "iso-8859-1" and wrong.body == utf8  # bytes untouched; decoding is elsewhere
    assert quoted.charset == "utf-8"
    assert missing.charset is None and missing.ok
    assert meta.charset is None and meta.body is not None and b"\xe9" in meta.body


def test_http_errors_read_plainly_and_are_not_retried(srv: SiteServer) -> None:
    srv.page("/gone", "<html>gone</html>", status=410)
    missing, gone = fetch_many([srv.url("/nope"), srv.url("/gone")], retries=3)
    assert missing.error == "HTTP 404 Not Found" and missing.status == 404 and not missing.ok
    assert gone.error == "HTTP 410 Gone"
    assert len(srv.hits("/nope")) == 1 and missing.attempts == 1


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        FetchSettings(concurrency=0)
    with pytest.raises(ValueError, match="delay cannot be negative"):
        FetchSettings(delay=-1)
    defaults = FetchSettings()
    assert (defaults.concurrency, defaults.per_host, defaults.delay, defaults.timeout) == (8, 2, 1.0, 30.0)
    assert defaults.max_bytes == 5_000_000 and defaults.robots and not defaults.allow_private
    assert defaults.user_agent == "antipersona/0.1 (+content audit; respects robots.txt)"


def test_fetcher_must_be_entered() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        run(Fetcher(settings()).fetch("http://127.0.0.1/"))


# ----------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a?b=1#frag", "http://example.com/a?b=1"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("http://example.com/%7euser/%41%2f%2a", "http://example.com/~user/A%2F%2A"),
        ("http://example.com/a b/ü", "http://example.com/a%20b/%C3%BC"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/a/b/..", "http://example.com/a/"),
        ("http://example.com/../../x", "http://example.com/x"),
        ("http://example.com/?", "http://example.com/"),
        ("http://example.com/s?q=a b&x=%7e&y=%2B", "http://example.com/s?q=a%20b&x=~&y=%2B"),
        ("http://example.com/100%", "http://example.com/100%25"),
        ("http://Bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://example.com./", "http://example.com/"),
        ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://[::FFFF:127.0.0.1]:80/", "http://[::ffff:127.0.0.1]/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://017700000001/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected
    assert normalize_url(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty URL"),
        ("example.com/page", "missing http:// or https://"),
        ("example.com:8080/x", "missing http:// or https://"),
        ("ftp://example.com/file", "unsupported scheme 'ftp:'"),
        ("file:///etc/passwd", "unsupported scheme 'file:'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript:'"),
        ("mailto:sales@example.com", "unsupported scheme 'mailto:'"),
        ("http://", "no host name"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://example.com:99999/", "bad port"),
        ("http://exa mple.com/", "not a valid domain name"),
        ("http://256.1.1.1/", "not a valid IP address"),
        ("http://1.2.3.4.5/", "not a valid IP address"),
        ("http://[fe80::1%25eth0]/", "malformed IPv6"),
    ],
)
def test_normalize_url_rejects_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        normalize_url(raw)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"]
)
def test_unsupported_schemes_fail_without_raising(url: str) -> None:
    res = fetch_one(url)
    assert res.error is not None and "unsupported scheme" in res.error
    assert res.status is None and res.attempts == 0 and not res.ok


# ----------------------------------------------------------------------------- address safety


def test_loopback_and_private_hosts_are_refused_by_default(srv: SiteServer) -> None:
    p = srv.port
    urls = [
        f"http://127.0.0.1:{p}/",
        f"http://localhost:{p}/",
        f"http://[::1]:{p}/",
        f"http://0.0.0.0:{p}/",
        "http://10.0.0.5/",
        "http://192.168.1.10/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::ffff:127.0.0.1]:{p}/",
        f"http://2130706433:{p}/",
        f"http://0x7f.1:{p}/",
        f"http://017700000001:{p}/",
    ]
    results = fetch_many(urls, allow_private=False)
    for url, res in zip(urls, results, strict=True):
        assert res.error is not None and res.error.startswith("refused: "), (url, res.error)
        assert res.status is None
    assert results[0].error == (
        "refused: a loopback address (127.0.0.1); pass --allow-private to audit internal sites"
    )
    assert results[1].error == (
        "refused: resolves to a loopback address (127.0.0.1); pass --allow-private to audit internal sites"
    )
    assert "link-local" in (results[7].error or "") and "never crawled" in (results[7].error or "")
    assert srv.log == []  # nothing got through


def test_allow_private_reaches_the_local_server(srv: SiteServer) -> None:
    srv.page("/", "<html>local</html>")
    a, b = fetch_many([f"http://127.0.0.1:{srv.port}/", f"http://localhost:{srv.port}/"], allow_private=True)
    assert a.ok and b.ok


def test_could_not_resolve_host(srv: SiteServer) -> None:
    res = fetch_one("http://nowhere.shop.test/", fetcher_kw=public_site(srv), allow_private=False)
    assert res.error == "could not resolve host"


def test_connection_refused_reads_plainly() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = fetch_one(f"http://127.0.0.1:{port}/")
    assert res.error == "could not connect (connection refused or unreachable)"


def test_public_site_is_fetched_through_the_checked_address(srv: SiteServer) -> None:
    srv.page("/", "<html>shop</html>")
    kw = public_site(srv)
    res = fetch_one(f"http://www.shop.test:{srv.port}/", fetcher_kw=kw, allow_private=False)
    assert res.ok and res.body == b"<html>shop</html>"
    assert kw["connector"].dialled == [PUBLIC_IP]


def test_redirect_to_a_private_address_is_refused(srv: SiteServer) -> None:
    srv.redirect("/go", f"http://intranet.shop.test:{srv.port}/admin")
    srv.redirect("/go-local", f"http://127.0.0.1:{srv.port}/admin")
    srv.redirect("/go-localhost", f"http://localhost:{srv.port}/admin")
    srv.page("/admin", "<html>secret</html>")
    base = f"http://www.shop.test:{srv.port}"
    for path, ip in (("/go", "10.0.0.5"), ("/go-local", "127.0.0.1"), ("/go-localhost", "127.0.0.1")):
        kw = public_site(srv)
        res = fetch_one(base + path, fetcher_kw=kw, allow_private=False)
        assert res.error is not None and res.error.startswith("refused: ") and f"({ip})" in res.error
        assert res.redirects == [Hop(base + path, 302)]
        assert res.status == 302 and res.final_url == base + path and res.body is None
        assert kw["connector"].dialled == [PUBLIC_IP]
    assert srv.hits("/admin") == []
    first = fetch_one(base + "/go", fetcher_kw=public_site(srv), allow_private=False)
    assert first.error == (
        "refused: resolves to a private address (10.0.0.5); pass --allow-private to audit internal sites"
    )


def test_every_new_connection_is_rechecked_dns_rebinding(srv: SiteServer) -> None:
    """The name turns private between hops; the hop on a fresh connection must be refused."""
    srv.route("/first", lambda _r: Reply(302, {"Location": "/second"}, b"", close=True))
    srv.page("/second", "<html>internal</html>")
    kw = public_site(srv, {"rebind.shop.test": [[PUBLIC_IP], ["10.0.0.5"]]})
    res = fetch_one(f"http://rebind.shop.test:{srv.port}/first", fetcher_kw=kw, allow_private=False)
    assert res.error is not None and "private address (10.0.0.5)" in res.error
    assert len(res.redirects) == 1 and srv.hits("/second") == []
    assert kw["resolver"].count["rebind.shop.test"] == 2


# ----------------------------------------------------------------------------- redirects


def test_redirect_hops_are_all_recorded(srv: SiteServer) -> None:
    srv.redirect("/a", "/b", 301)
    srv.redirect("/b", "c", 302)  # relative
    srv.redirect("/c", f"http://localhost:{srv.port}/d", 303)
    srv.redirect("/d", "/e?x=1#top", 307)
    srv.redirect("/e", "/final", 308)
    srv.page("/final", "<html>done</html>")
    res = fetch_one(srv.url("/a"))
    assert res.ok and res.body == b"<html>done</html>"
    assert [h.status for h in res.redirects] == [301, 302, 303, 307, 308]
    assert res.redirects[3].url == f"http://localhost:{srv.port}/d"
    assert res.redirects[4].url == f"http://localhost:{srv.port}/e?x=1"
    assert res.final_url == f"http://localhost:{srv.port}/final" and res.url == srv.url("/a")


def test_redirect_loop(srv: SiteServer) -> None:
    srv.redirect_loop("/ping", "/pong")
    res = fetch_one(srv.url("/ping"))
    assert res.error == "redirect loop" and len(res.redirects) == 2 and res.body is None


def test_too_many_redirects(srv: SiteServer) -> None:
    start = srv.redirect_chain("/hop", 12, "/end")
    srv.page("/end", "<html>end</html>")
    res = fetch_one(srv.url(start))
    assert res.error == "too many redirects (11)" and len(res.redirects) == 11
    exactly = srv.redirect_chain("/ten", 10, "/end")
    assert fetch_one(srv.url(exactly)).ok


def test_redirect_to_an_unsupported_scheme(srv: SiteServer) -> None:
    srv.redirect("/ftp", "ftp://files.example.com/x")
    res = fetch_one(srv.url("/ftp"))
    assert res.error is not None and res.error.startswith("redirect to 'ftp://files.example.com/x' refused")
    assert "unsupported scheme 'ftp:'" in res.error


# ----------------------------------------------------------------------------- timeouts


def test_slow_response_hits_the_total_timeout(srv: SiteServer) -> None:
    srv.slow("/slow", 3.0)
    started = time.monotonic()
    res = fetch_one(srv.url("/slow"), timeout=0.3, read_timeout=5)
    assert res.error == "timed out after 0.3 s"
    assert time.monotonic() - started < 1.5


def test_read_timeout_is_named(srv: SiteServer) -> None:
    srv.slow("/slow", 3.0)
    res = fetch_one(srv.url("/slow"), timeout=5, read_timeout=0.2)
    assert res.error == "timed out after 0.2 s (waiting for data)"


def test_trickling_body_is_cut_by_the_total_timeout(srv: SiteServer) -> None:
    srv.trickle("/drip", chunks=50, interval=0.05)
    res = fetch_one(srv.url("/drip"), timeout=0.5, read_timeout=1)
    assert res.error == "timed out after 0.5 s" and res.body is None


def test_read_timeouts_are_retried(srv: SiteServer) -> None:
    srv.slow("/slow", 3.0)
    res = fetch_one(srv.url("/slow"), timeout=5, read_timeout=0.2, retries=1)
    assert res.attempts == 2
    assert res.error == "timed out after 0.2 s (waiting for data) (gave up after 2 attempts)"


def test_a_total_timeout_is_not_retried(srv: SiteServer) -> None:
    """The whole budget for the URL is spent; another try would only spend it again."""
    srv.trickle("/drip", chunks=50, interval=0.05)
    res = fetch_one(srv.url("/drip"), timeout=0.3, read_timeout=1, retries=3)
    assert res.attempts == 1 and res.error == "timed out after 0.3 s"
    assert len(srv.hits("/drip")) == 1


# ----------------------------------------------------------------------------- retries


def test_429_waits_for_retry_after(srv: SiteServer) -> None:
    srv.sequence("/busy", [Reply(429, {"Retry-After": "1"}), Reply(200, HTML, b"<html>ok</html>")])
    res = fetch_one(srv.url("/busy"), retries=2)
    assert res.ok and res.attempts == 2 and res.elapsed >= 1.0
    first, second = srv.hits("/busy")
    assert second - first >= 0.98


def test_retry_after_over_the_limit_is_not_retried_early(srv: SiteServer) -> None:
    srv.page("/busy", "slow down", status=429, headers={"Retry-After": "100"})
    res = fetch_one(srv.url("/busy"), retries=1, max_retry_after=0.2)
    assert res.attempts == 1 and res.elapsed < 2
    assert res.error == (
        "HTTP 429 Too Many Requests (Retry-After of 100 s is longer than the 0.2 s limit; "
        "not retried)"
    )
    assert len(srv.hits("/busy")) == 1


def test_500_then_200_succeeds_on_the_second_attempt(srv: SiteServer) -> None:
    srv.sequence("/flaky", [Reply(500), Reply(200, HTML, b"<html>fine</html>")])
    res = fetch_one(srv.url("/flaky"), retries=3, backoff=0.05)
    assert res.ok and res.attempts == 2 and res.body == b"<html>fine</html>"


def test_persistent_503_gives_up_with_backoff(srv: SiteServer) -> None:
    srv.page("/down", "down", status=503)
    res = fetch_one(srv.url("/down"), retries=2, backoff=0.1)
    assert res.error == "HTTP 503 Service Unavailable (gave up after 3 attempts)"
    hits = srv.hits("/down")
    assert len(hits) == 3
    assert hits[1] - hits[0] >= 0.1 * 0.8 - 0.01 and hits[2] - hits[1] >= 0.2 * 0.8 - 0.01


def test_retry_after_http_date_and_junk() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (parse_retry_after(soon) or 0) <= 31
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("soon-ish") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# ----------------------------------------------------------------------------- bodies


def test_connection_dropped_mid_body(srv: SiteServer) -> None:
    srv.drop_mid_body("/drop", announced=100_000, sent=2_000)
    res = fetch_one(srv.url("/drop"))
    assert res.error == "connection dropped mid-body" and res.status == 200 and res.body is None


def test_gzip_bomb_is_refused_without_memory_blowup(srv: SiteServer) -> None:
    srv.gzip_bomb("/bomb", decoded_size=1 << 30)
    tracemalloc.start()
    try:
        res = fetch_one(srv.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.error == "body larger than 5.0 MB, stopped" and res.body is None
    assert peak < 40_000_000, f"peak traced memory {peak / 1e6:.1f} MB"
    assert not srv.entries("/bomb")[0].completed


def test_huge_body_with_length_is_refused_up_front(srv: SiteServer) -> None:
    srv.huge("/huge", size=1 << 30)
    res = fetch_one(srv.url("/huge"))
    assert res.error == "body larger than 5.0 MB, stopped" and res.elapsed < 2


def test_huge_streamed_body_is_stopped_at_max_bytes(srv: SiteServer) -> None:
    srv.route("/stream", lambda _r: Reply(200, HTML, filler(50_000_000)))  # chunked, no length
    res = fetch_one(srv.url("/stream"), max_bytes=1_000_000)
    assert res.error == "body larger than 1.0 MB, stopped"
    assert not srv.entries("/stream")[0].completed


def test_body_exactly_at_the_cap_is_accepted(srv: SiteServer) -> None:
    srv.page("/k", b"<html>" + b"x" * 994)
    assert fetch_one(srv.url("/k"), max_bytes=1000).ok
    assert fetch_one(srv.url("/k"), max_bytes=999).error == "body larger than 999 bytes, stopped"


def test_compressed_pages_are_decoded(srv: SiteServer) -> None:
    page = b"<html>" + b"compressed copy " * 500 + b"</html>"
    raw = zlib.compressobj(wbits=-15)
    srv.page("/gz", gzip.compress(page), headers={"Content-Encoding": "gzip"}, content_type="text/html")
    srv.page("/zl", zlib.compress(page), headers={"Content-Encoding": "deflate"}, content_type="text/html")
    srv.page(
        "/raw",
        raw.compress(page) + raw.flush(),
        headers={"Content-Encoding": "deflate"},
        content_type="text/html",
    )
    srv.page(
        "/two", gzip.compress(page[:100]) + gzip.compress(page[100:]), headers={"Content-Encoding": "gzip"}
    )
    srv.page("/br", b"\x0b\x02\x80hi\x03", headers={"Content-Encoding": "br"}, content_type="text/html")
    srv.page(
        "/bad", b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    gz, zl, rawd, two, br, bad = fetch_many(
        [srv.url(p) for p in ("/gz", "/zl", "/raw", "/two", "/br", "/bad")]
    )
    assert gz.body == zl.body == rawd.body == two.body == page
    assert br.error == "unsupported content encoding (br)"
    assert bad.error is not None and bad.error.startswith("could not decode the gzip body")


def test_non_html_is_skipped_without_downloading(srv: SiteServer) -> None:
    srv.binary("/brochure.pdf", "application/pdf", size=50_000_000)
    srv.binary("/logo.png", "image/png", size=20_000_000)
    pdf, png = fetch_many([srv.url("/brochure.pdf"), srv.url("/logo.png")])
    assert pdf.skipped == "not HTML (application/pdf), skipped" and pdf.error is None
    assert pdf.body is None and pdf.status == 200 and pdf.content_type == "application/pdf" and not pdf.ok
    assert png.skipped == "not HTML (image/png), skipped"
    assert not srv.entries("/brochure.pdf")[0].completed and pdf.elapsed < 2


def test_missing_content_type_is_sniffed(srv: SiteServer) -> None:
    srv.page("/bare", "<!DOCTYPE html><html><p>hi</p></html>", content_type="")
    srv.page("/blob", b"\x00\x01binary", content_type="")
    bare, blob = fetch_many([srv.url("/bare"), srv.url("/blob")])
    assert bare.ok and bare.content_type is None
    assert blob.skipped == "not HTML (no content type), skipped"


# ----------------------------------------------------------------------------- sitemaps


def test_fetch_bytes_reads_sitemaps_including_gzipped_ones(srv: SiteServer) -> None:
    srv.mount_site(20, seed=3)

    async def go() -> tuple[FetchResult, FetchResult, FetchResult, FetchResult]:
        async with Fetcher(settings()) as f:
            return (
                await f.fetch_bytes(srv.url("/sitemap_index.xml")),
                await f.fetch_bytes(srv.url("/sitemaps/pages-2.xml.gz")),
                await f.fetch_bytes(srv.url("/sitemaps/pages-1.xml")),
                await f.fetch(srv.url("/sitemap.xml")),
            )

    index, child_gz, child, as_page = run(go())
    assert index.ok and b"/sitemaps/pages-2.xml.gz</loc>" in (index.body or b"")
    assert child_gz.ok and child_gz.content_type == "application/gzip"
    assert (child_gz.body or b"").startswith(b"<?xml") and b"<urlset" in (child_gz.body or b"")
    assert child.ok and (child.body or b"").count(b"<loc>") == 10
    assert as_page.skipped == "not HTML (application/xml), skipped"


def test_gzipped_sitemap_bomb_is_refused(srv: SiteServer) -> None:
    srv.page("/bomb.xml.gz", b"".join(gzip_zeros(20_000_000)))

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(settings(max_bytes=1_000_000)) as f:
            capped = await f.fetch_bytes(srv.url("/bomb.xml.gz"))
            roomy = await f.fetch_bytes(srv.url("/bomb.xml.gz"), max_bytes=30_000_000)
            return capped, roomy

    res, roomy = run(go())
    assert res.error == "body larger than 1.0 MB once decompressed, stopped" and res.body is None
    assert roomy.ok and len(roomy.body or b"") == 20_000_000
    with pytest.raises(BodyTooLarge):
        gunzip_capped(b"".join(gzip_zeros(2_000_000)), 1_000_000)


# ----------------------------------------------------------------------------- robots.txt


def test_robots_disallow_skips_with_the_rule(srv: SiteServer) -> None:
    srv.robots("User-agent: *\nDisallow: /private\n")
    srv.page("/private/plans", "<html>plans</html>")
    srv.page("/public", "<html>hello</html>")
    srv.redirect("/teaser", "/private/plans")
    urls = [srv.url(p) for p in ("/private/plans", "/public", "/teaser", "/public")]
    blocked, public, teaser, _ = fetch_many(urls, robots=True)
    assert blocked.skipped == "blocked by robots.txt (Disallow: /private)"
    assert blocked.error is None and blocked.status is None and not blocked.ok
    assert public.ok
    assert teaser.skipped == blocked.skipped and teaser.redirects == [Hop(srv.url("/teaser"), 302)]
    assert srv.hits("/private/plans") == []
    assert len(srv.hits("/robots.txt")) == 1  # fetched once per origin, shared by concurrent fetches


def test_robots_with_a_byte_order_mark_keeps_its_first_group(srv: SiteServer) -> None:
    srv.page("/robots.txt", b"\xef\xbb\xbfUser-agent: *\nDisallow: /members\n",
             content_type="text/plain")
    srv.page("/members/area", "<html>inside</html>")
    srv.page("/welcome", "<html>hello</html>")
    blocked, open_page = fetch_many([srv.url("/members/area"), srv.url("/welcome")], robots=True)
    assert blocked.skipped == "blocked by robots.txt (Disallow: /members)"
    assert open_page.ok
    assert srv.hits("/members/area") == []


def test_no_robots_fetches_disallowed_pages(srv: SiteServer) -> None:
    srv.robots("User-agent: *\nDisallow: /\n")
    srv.page("/private", "<html>x</html>")
    assert fetch_one(srv.url("/private"), robots=False).ok
    assert srv.hits("/robots.txt") == []


def test_robots_groups_match_our_user_agent(srv: SiteServer) -> None:
    srv.robots("User-agent: antipersona\nDisallow: /\n\nUser-agent: *\nDisallow:\n")
    srv.page("/", "<html>x</html>")
    ours = fetch_one(srv.url("/"), robots=True)
    assert ours.skipped == "blocked by robots.txt (Disallow: /)"
    assert fetch_one(srv.url("/"), robots=True, user_agent="otherbot/1.0").ok


def test_robots_4xx_allows_and_5xx_disallows(srv: SiteServer) -> None:
    srv.page("/", "<html>x</html>")
    assert fetch_one(srv.url("/"), robots=True).ok  # no robots.txt at all: 404
    srv.page("/robots.txt", "oops", status=503)
    res = fetch_one(srv.url("/"), robots=True)
    assert res.skipped == "robots.txt unavailable (HTTP 503); not crawled, try again later"


def test_robots_crawl_delay_is_honoured(srv: SiteServer) -> None:
    srv.robots("User-agent: *\nCrawl-delay: 0.3\n")
    srv.pages({f"/c{i}": "<html>x</html>" for i in range(3)})
    fetch_many([srv.url(f"/c{i}") for i in range(3)], robots=True, delay=0.01, per_host=3)
    times = sorted(t for e in srv.log for t in [e.time] if e.path.startswith("/c"))
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.3 - 0.02


def test_robots_refusal_comes_through_for_private_hosts(srv: SiteServer) -> None:
    res = fetch_one(f"http://127.0.0.1:{srv.port}/", robots=True, allow_private=False)
    assert res.error is not None and res.error.startswith("refused: a loopback address")


# ----------------------------------------------------------------------------- politeness


def test_per_host_delay_spaces_request_starts(srv: SiteServer) -> None:
    srv.pages({f"/d{i}": "<html>x</html>" for i in range(5)})
    fetch_many([srv.url(f"/d{i}") for i in range(5)], delay=0.2, jitter=0.25, per_host=2)
    times = sorted(t for e in srv.log for t in [e.time] if e.path.startswith("/d"))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 5 and min(gaps) >= 0.2 - 0.02, gaps


def test_zero_delay_is_fast(srv: SiteServer) -> None:
    srv.page("/p", "<html>x</html>")
    started = time.monotonic()
    results = fetch_many([srv.url(f"/p?i={i}") for i in range(300)], concurrency=8, per_host=8)
    assert all(r.ok for r in results)
    assert time.monotonic() - started < 5


def test_global_concurrency_cap_across_hosts(srv: SiteServer) -> None:
    srv.route("/slow", lambda _r: Reply(200, HTML, b"<html>x</html>", delay=0.15))
    urls = [f"http://{h}:{srv.port}/slow?i={i}" for i in range(6) for h in ("127.0.0.1", "localhost")]
    fetch_many(urls, concurrency=3, per_host=3)
    assert srv.max_active == 3


def test_per_host_concurrency_cap(srv: SiteServer) -> None:
    srv.route("/slow", lambda _r: Reply(200, HTML, b"<html>x</html>", delay=0.15))
    fetch_many([srv.url(f"/slow?i={i}") for i in range(6)], concurrency=8, per_host=2)
    assert srv.max_active == 2


# ----------------------------------------------------------------------------- iter_fetch


def test_iter_fetch_dedups_and_reports_bad_urls(srv: SiteServer) -> None:
    srv.page("/a", "<html>a</html>")
    srv.page("/b", "<html>b</html>")
    p = srv.port
    urls = [
        srv.url("/a"),
        f"HTTP://127.0.0.1:{p}/a#pricing",
        f"http://127.0.0.1:{p}/b/../a",
        f"http://127.0.0.1:{p}/%61",
        srv.url("/b"),
        "ftp://example.com/x",
        srv.url("/b"),
    ]

    async def go() -> list[FetchResult]:
        async with Fetcher(settings()) as f:
            return [r async for r in f.iter_fetch(urls)]

    results = run(go())
    assert sorted(r.url for r in results if r.ok) == [srv.url("/a"), srv.url("/b")]
    bad = [r for r in results if not r.ok]
    assert len(bad) == 1 and bad[0].url == "ftp://example.com/x"
    assert len(srv.hits("/a")) == 1 and len(srv.hits("/b")) == 1


def test_iter_fetch_reads_its_input_lazily(srv: SiteServer) -> None:
    """20,000 URLs in, 400 results out: the generator must not have been drained far ahead."""
    srv.page("/p", "<html>ok</html>")
    drawn = 0

    def urls() -> Iterator[str]:
        nonlocal drawn
        for i in range(20_000):
            drawn += 1
            yield srv.url(f"/p?i={i}")

    async def go() -> tuple[int, int, int, int]:
        fetcher = Fetcher(settings(concurrency=4, per_host=4))
        max_ahead = max_tasks = got = 0
        async with fetcher:
            async with contextlib.aclosing(fetcher.iter_fetch(urls())) as results:
                async for res in results:
                    assert res.ok
                    got += 1
                    max_ahead = max(max_ahead, drawn - got)
                    max_tasks = max(max_tasks, len(asyncio.all_tasks()))
                    if got == 400:
                        break
            return max_ahead, max_tasks, fetcher.workers, len(asyncio.all_tasks())

    max_ahead, max_tasks, workers, tasks_left = run(go())
    bound = LOOKAHEAD + 2 * workers + 2  # waiting + running + finished-but-unread
    assert max_ahead <= bound and drawn <= 400 + bound, (max_ahead, drawn)
    assert max_tasks <= workers + 5  # no task per URL
    assert tasks_left == 1  # everything cancelled on close but the test itself


def test_iter_fetch_takes_async_iterables_and_surfaces_their_errors(srv: SiteServer) -> None:
    srv.page("/x", "<html>x</html>")

    async def good() -> AsyncIterator[str]:
        for i in range(5):
            yield srv.url(f"/x?i={i}")

    def broken() -> Iterable[str]:
        yield srv.url("/x?i=broken")
        raise OSError("the URL file went away")

    async def go() -> tuple[int, BaseException | None]:
        async with Fetcher(settings()) as f:
            count = len([r async for r in f.iter_fetch(good())])
            try:
                async for _ in f.iter_fetch(broken()):
                    pass
            except OSError as exc:
                return count, exc
            return count, None

    count, error = run(go())
    assert count == 5 and isinstance(error, OSError)


# ----------------------------------------------------------------------------- TLS


def _tls_contexts(tmp_path: Path, names: list[str]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A throwaway CA and a leaf certificate for ``names``: (server context, client context)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "antipersona test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


def test_tls_verifies_the_host_name_while_connecting_to_the_ip(tmp_path: Path) -> None:
    """The socket goes to 127.0.0.1, yet the certificate (DNS:localhost only) is checked by name."""
    server_ctx, client_ctx = _tls_contexts(tmp_path, ["localhost"])
    with SiteServer(ssl_context=server_ctx) as tls_srv:
        tls_srv.page("/", "<html>secure</html>")
        url = f"https://localhost:{tls_srv.port}/"
        good = fetch_one(url, fetcher_kw={"ssl_context": client_ctx})
        untrusted = fetch_one(url)  # the default trust store does not know our CA
    assert good.ok and good.body == b"<html>secure</html>"
    assert untrusted.error is not None
    assert untrusted.error.startswith("TLS certificate not valid for localhost (")


def test_tls_name_mismatch_is_reported(tmp_path: Path) -> None:
    server_ctx, client_ctx = _tls_contexts(tmp_path, ["www.other.test"])
    with SiteServer(ssl_context=server_ctx) as tls_srv:
        tls_srv.page("/", "<html>x</html>")
        res = fetch_one(f"https://localhost:{tls_srv.port}/", fetcher_kw={"ssl_context": client_ctx})
    assert res.error is not None and res.error.startswith("TLS certificate not valid for localhost")
    assert "mismatch" in res.error.lower() and res.attempts == 1


def test_retry_after_holds_back_the_whole_host(srv: SiteServer) -> None:
    """While a server asks us to wait, no other request goes to that host either."""
    srv.sequence("/busy", [Reply(503, {"Retry-After": "1"}), Reply(200, HTML, b"<html>ok</html>")])
    srv.page("/other", "<html>other</html>")

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(settings(retries=1, per_host=2)) as f:
            busy = asyncio.create_task(f.fetch(srv.url("/busy")))
            await asyncio.sleep(0.2)  # the 503 is in; the host is on hold
            other = await f.fetch(srv.url("/other"))
            return await busy, other

    busy, other = run(go())
    assert busy.ok and other.ok and busy.attempts == 2
    assert srv.hits("/other")[0] - srv.hits("/busy")[0] >= 0.98


# ----------------------------------------------------------------------------- the test site


def test_make_site_is_a_realistic_deterministic_site() -> None:
    site = make_site(30, seed=7, base_url="http://shop.test")
    assert site == make_site(30, seed=7, base_url="http://shop.test")
    assert site != make_site(30, seed=8, base_url="http://shop.test")
    pages = {p: b for p, b in site.items() if not p.endswith((".xml", ".gz", ".txt"))}
    assert len(pages) == 30 and "/" in pages and "/pricing" in pages
    home = pages["/"].decode()
    for piece in ("cookie-banner", "<nav", "<h1>", "<h2>", "btn-primary", "Enterprise", "Contact sales"):
        assert piece in home, piece
    assert "SOC 2" in home and "<footer" in home
    assert site["/sitemap.xml"].count(b"<loc>http://shop.test/") == 30
    assert site["/sitemap_index.xml"].count(b"<sitemap>") == 2
    assert gzip.decompress(site["/sitemaps/pages-2.xml.gz"]).count(b"<loc>") == 15
    assert b"Sitemap: http://shop.test/sitemap.xml" in site["/robots.txt"]


# ----------------------------------------------------------------------------- hostile hosts


def crawl_two_hosts(bad: SiteServer, good: SiteServer, n_bad: int, *, until_good: bool = False,
                    **kw: Any) -> tuple[list[FetchResult], list[FetchResult], float]:
    """``n_bad`` URLs on ``bad`` (as 127.0.0.1) listed ahead of 5 on ``good`` (as localhost):
    the results of each and how long after the start the last good page arrived (with
    ``until_good``, the crawl stops there)."""
    urls = [bad.url(f"/p{i}") for i in range(n_bad)]
    urls += [f"http://localhost:{good.port}/ok{i}" for i in range(5)]

    async def go() -> tuple[list[FetchResult], list[FetchResult], float]:
        started = time.monotonic()
        good_done = 0.0
        bad_res: list[FetchResult] = []
        good_res: list[FetchResult] = []
        async with Fetcher(settings(**kw)) as f, contextlib.aclosing(f.iter_fetch(urls)) as it:
            async for res in it:
                if "localhost" in res.url:
                    good_res.append(res)
                    good_done = time.monotonic() - started
                    if until_good and len(good_res) == 5:
                        break
                else:
                    bad_res.append(res)
        return bad_res, good_res, good_done

    return run(go())


@pytest.fixture
def good() -> Iterator[SiteServer]:
    with SiteServer() as server:
        server.pages({f"/ok{i}": "<html>fine</html>" for i in range(5)})
        yield server


def test_a_host_asking_for_an_endless_wait_is_skipped_and_others_go_on(
        srv: SiteServer, good: SiteServer) -> None:
    srv.route("/", lambda _r: Reply(429, {"Retry-After": "99999"}, b"go away"))
    for i in range(40):
        srv.route(f"/p{i}", lambda _r: Reply(429, {"Retry-After": "99999"}, b"go away"))
    bad, ok, good_done = crawl_two_hosts(srv, good, 40, retries=3, delay=0.05, per_host=2)
    assert len(ok) == 5 and all(r.ok for r in ok) and good_done < 5
    assert len(bad) == 40 and not any(r.ok for r in bad)
    assert len(srv.log) <= 2  # the requests in flight when the first 429 came in
    skipped = [r for r in bad if r.attempts == 0]
    assert len(skipped) >= 38
    assert {r.error for r in skipped} == {
        "host skipped: it asked for a wait of 99999 s (HTTP 429 Too Many Requests), "
        "longer than the 120 s limit"}


def test_a_host_that_keeps_timing_out_is_skipped_after_five_in_a_row(
        srv: SiteServer, good: SiteServer) -> None:
    for i in range(20):
        srv.slow(f"/p{i}", 3.0)
    bad, ok, good_done = crawl_two_hosts(srv, good, 20, retries=3, timeout=0.4, per_host=2)
    assert len(ok) == 5 and all(r.ok for r in ok) and good_done < 3
    timed_out = [r for r in bad if r.error == "timed out after 0.4 s"]
    skipped = [r for r in bad if r.error == "host skipped after 5 failures in a row: "
                                             "timed out after 0.4 s"]
    assert 5 <= len(timed_out) <= 6 and len(timed_out) + len(skipped) == 20
    assert len(srv.log) == len(timed_out)  # not retried, and nothing sent once skipped


def test_a_host_waiting_out_retry_after_does_not_hold_the_other_hosts_back(
        srv: SiteServer, good: SiteServer) -> None:
    for i in range(40):
        srv.sequence(f"/p{i}", [Reply(503, {"Retry-After": "2"}), Reply(200, HTML, b"<html/>")])
    _, ok, good_done = crawl_two_hosts(srv, good, 40, retries=1, per_host=2, concurrency=4,
                                         until_good=True)
    assert len(ok) == 5 and all(r.ok for r in ok) and good_done < 1.5
    assert len(srv.log) == 2  # the host's two slots, both waiting out the Retry-After


def test_failures_count_only_in_a_row(srv: SiteServer) -> None:
    """A broken page between working ones is the page's problem, not the host's."""
    srv.page("/broken", "oops", status=500)
    srv.page("/fine", "<html>x</html>")
    order = ["/broken", "/fine", "/broken", "/fine", "/broken", "/broken", "/fine"]

    async def go() -> list[FetchResult]:
        async with Fetcher(settings(host_failures=2)) as f:
            return [await f.fetch(srv.url(f"{p}?n={i}")) for i, p in enumerate(order)]

    results = run(go())
    assert [r.ok for r in results[:4]] == [False, True, False, True]
    assert results[5].error == "HTTP 500 Internal Server Error"
    assert results[6].error == ("host skipped after 2 failures in a row: "
                                "HTTP 500 Internal Server Error")


def test_host_queue_takes_hosts_in_turn_within_their_share() -> None:
    from audit.crawl.schedule import HostQueue

    async def go() -> list[Any]:
        q = HostQueue(per_host=1, lookahead=10)
        for host, url in (("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1")):
            await q.put(host, url)
        taken = [await q.get(), await q.get()]
        third = asyncio.create_task(q.get())
        await asyncio.sleep(0.05)
        taken.append(third.done())  # both hosts have their one URL in hand: it waits
        await q.done("a")
        taken.append(await third)
        await q.close()
        await q.done("a")
        taken += [await q.get(), await q.get()]
        return taken

    assert run(go()) == [("a", "a1"), ("b", "b1"), False, ("a", "a2"), ("a", "a3"), None]


# ----------------------------------------------------------------------------- delayed ACKs


class _SplitWrites(__import__("http.server").server.BaseHTTPRequestHandler):
    """http.server's own way of answering: headers in one write, body in another, Nagle on."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"<html><body><p>" + b"copy " * 2000 + b"</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="Linux's TCP_QUICKACK")
def test_keep_alive_responses_from_a_split_writing_server_do_not_wait_for_delayed_acks() -> None:
    """Against a server that writes headers and body separately (Python's http.server), every
    response after a connection's first used to wait ~40 ms for the client's delayed ACK
    (Nagle holds the body back until the headers are acknowledged): 20 pages one after the
    other on one kept-alive connection took 0.8 s. Quick-ACK mode answers at once."""
    import threading
    from http.server import ThreadingHTTPServer

    srv = ThreadingHTTPServer(("127.0.0.1", 0), _SplitWrites)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"

    async def go() -> tuple[float, list[FetchResult]]:
        async with Fetcher(settings(concurrency=1, per_host=1)) as f:
            await f.fetch(base + "/warm")  # the connection's first response is never held
            start = time.perf_counter()
            results = [await f.fetch(f"{base}/p{i}") for i in range(20)]
            return time.perf_counter() - start, results

    try:
        took, results = run(go())
    finally:
        srv.shutdown()
        srv.server_close()
    assert all(r.ok and r.body and len(r.body) > 10_000 for r in results)
    assert took < 0.4, f"20 kept-alive responses took {took:.2f} s (delayed-ACK stalls)"


def test_quick_ack_stream_sets_the_option_after_each_write_and_passes_the_rest_on() -> None:
    from audit.crawl.netsafe import QuickAckStream

    calls: list[tuple[int, int, int]] = []

    class FakeSocket:
        family, type = socket.AF_INET, socket.SOCK_STREAM

        def setsockopt(self, level: int, opt: int, value: int) -> None:
            calls.append((level, opt, value))

    class Inner(httpcore.AsyncMockStream):
        def get_extra_info(self, info: str) -> Any:
            return FakeSocket() if info == "socket" else None

    inner = Inner([b"HTTP/1.1 200 OK\r\n"])
    stream = QuickAckStream.wrap(inner)
    if not hasattr(socket, "TCP_QUICKACK"):
        assert stream is inner  # nothing to set on this platform
        return
    assert isinstance(stream, QuickAckStream)
    assert QuickAckStream.wrap(stream) is stream
    run(stream.write(b"GET / HTTP/1.1\r\n\r\n"))
    assert run(stream.read(100)) == b"HTTP/1.1 200 OK\r\n"
    assert calls == [(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)]
    # Streams that are not TCP sockets (mocks, unix sockets) are left as they are.
    plain = httpcore.AsyncMockStream([])
    assert QuickAckStream.wrap(plain) is plain
