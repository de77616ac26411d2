"""The crawler core: polite, safe fetching of pages and sitemaps.

Marketers point this at their own sites, so the defaults follow what Scrapy and Screaming Frog
do: a global and a per-host concurrency cap, a per-host delay with jitter, robots.txt obeyed,
retries with backoff that honour Retry-After, and hard limits on time and size. URLs come from
users and from sitemaps on the web, so every request and every redirect hop goes through
:mod:`audit.crawl.netsafe`, which resolves a host once, checks the addresses and connects to exactly
the checked one.

Nothing here raises for network or HTTP trouble: each URL ends as a :class:`FetchResult` with
``error`` (it failed) or ``skipped`` (it was deliberately not fetched) in plain words.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from urllib.parse import urljoin

import httpcore
import httpx

from .body import (
    BodyTooLarge,
    accept_header,
    accepts,
    discard_small_body,
    gunzip_capped,
    looks_like_html,
    parse_content_type,
    read_body,
    small_headers,
)
from .breaker import HostBreaker
from .netsafe import AddressPolicy, Resolver, SafeNetworkBackend, SafeTransport, default_ssl_context
from .politeness import Politeness
from .results import HTML_TYPES, SITEMAP_TYPES, FetchResult, FetchSettings, Hop, Outcome, failed
from .retry import RETRY_STATUSES, parse_retry_after, with_retries
from .robots import ROBOTS_MAX_BYTES, RobotsCache
from .schedule import HostQueue
from .urls import host_of, normalize_url
from .wording import describe, http_error, megabytes, not_accepted

#: Connections per httpx pool; more concurrency gets more pools (see Fetcher.__aenter__).
POOL_SHARD = 1
#: URLs read ahead of the fetches, so that one host's long run of URLs can be read past.
LOOKAHEAD = 1024


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
        self._polite: Politeness | None = None
        self._robots: RobotsCache | None = None
        self._breaker = HostBreaker(self.settings.host_failures)

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
        self._polite = Politeness(s)
        self._robots = RobotsCache(s.user_agent, self._polite, lambda url: self._with_retries(
            url, ("*/*",), ROBOTS_MAX_BYTES, truncate=True))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._robots is not None:
            self._robots.close()
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

        The input is read lazily: at most ``LOOKAHEAD`` URLs wait, ``workers`` fetches run and
        as many finished results wait to be read, so a 50,000-line list runs in bounded memory.
        Hosts take turns and none has more URLs in hand than ``per_host``, so a slow or hostile
        host cannot hold every worker while other hosts' URLs wait behind its own.
        Duplicate URLs (after normalisation) are fetched once; unusable ones come back at once
        as failed results. To stop early, close the generator (``contextlib.aclosing``) so its
        tasks are cancelled at once rather than when it is garbage-collected.
        """
        n = self.workers
        inbox = HostQueue(self.settings.per_host, LOOKAHEAD)
        outbox: asyncio.Queue[FetchResult | None] = asyncio.Queue(maxsize=n)
        producer = asyncio.create_task(self._produce(urls, inbox, outbox))
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
        inbox: HostQueue,
        outbox: asyncio.Queue[FetchResult | None],
    ) -> None:
        seen: set[str] = set()
        try:
            async for raw in _aiter(urls):
                try:
                    url = normalize_url(raw)
                except ValueError as exc:
                    await outbox.put(failed(str(raw).strip(), str(exc), 0.0))
                    continue
                if url not in seen:
                    seen.add(url)
                    await inbox.put(host_of(url), url)
        finally:
            await inbox.close()  # let the workers finish (then an input error is re-raised)

    async def _work(self, inbox: HostQueue, outbox: asyncio.Queue[FetchResult | None]) -> None:
        # A None on the outbox tells iter_fetch this worker is finished, also when it failed;
        # on cancellation nothing is sent (nobody is listening any more).
        try:
            while (item := await inbox.get()) is not None:
                host, url = item
                try:
                    result = await self.fetch(url)
                finally:
                    await inbox.done(host)
                await outbox.put(result)
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
            return failed(str(raw_url).strip(), str(exc), 0.0)
        s = self.settings
        cap = s.max_bytes if max_bytes is None else max_bytes
        hops: list[Hop] = []
        seen = {url}
        current = url
        last_url: str | None = None
        last = Outcome()
        attempts = 0
        error: str | None = None
        skipped: str | None = None
        while True:
            error = self._breaker.reason(host_of(current))
            if error:
                break
            if s.robots:
                assert self._robots is not None
                skipped, error = await self._robots.verdict(current)
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
    ) -> tuple[Outcome, int]:
        return await with_retries(lambda: self._exchange(url, accept, max_bytes, truncate=truncate),
                                  url, self.settings, self._politeness, self._breaker)

    @property
    def _politeness(self) -> Politeness:
        assert self._polite is not None
        return self._polite

    async def _exchange(
        self, url: str, accept: tuple[str, ...], max_bytes: int, *, truncate: bool
    ) -> Outcome:
        """Send one GET under the politeness slots and classify what came back."""
        assert self._client is not None
        phase = "connect"
        host = host_of(url)
        async with self._politeness.slot(host):
            shard = self._pick_shard(host)
            client = self._clients[shard]
            self._busy[shard] += 1
            self._shard_host[shard] = host
            try:
                async with asyncio.timeout(self.settings.timeout):
                    request = client.build_request(
                        "GET", url, headers={"Accept": accept_header(accept)}
                    )
                    response = await client.send(request, stream=True)
                    phase = "body"
                    try:
                        return await self._classify(response, accept, max_bytes, truncate)
                    finally:
                        await response.aclose()
            except Exception as exc:
                message, retryable = describe(exc, phase, host_of(url), self.settings)
                timed_out = isinstance(exc, (TimeoutError, httpx.TimeoutException))
                return Outcome(error=message, retryable=retryable,
                               trouble=retryable or timed_out)
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
    ) -> Outcome:
        status = response.status_code
        media, charset = parse_content_type(response.headers.get("content-type"))
        out = Outcome(
            status=status,
            headers=small_headers(response.headers),
            content_type=media,
            charset=charset,
        )
        location = response.headers.get("location")
        if 300 <= status < 400 and location:
            out.location = location
            await discard_small_body(response)
            return out
        if status in RETRY_STATUSES:
            out.retryable = out.trouble = True
            out.retry_after = parse_retry_after(response.headers.get("retry-after"))
        if not 200 <= status < 300:
            out.error = http_error(status, response.reason_phrase)
            if status // 100 == 3:
                out.error += " (redirect without a Location)"
            await discard_small_body(response)
            return out
        if media is not None and not accepts(media, accept):
            out.skipped = not_accepted(media, accept)
            return out
        try:
            body = await read_body(response, max_bytes, truncate)
        except Exception as exc:  # keep status and headers: the response did arrive
            out.error, out.retryable = describe(exc, "body", response.url.host, self.settings)
            out.trouble = out.retryable or isinstance(exc, (TimeoutError, httpx.TimeoutException))
            return out
        if media is None and set(accept) <= set(HTML_TYPES) and not looks_like_html(body):
            out.skipped = not_accepted("no content type", accept)
            return out
        out.body = body
        return out










def _gunzip_body(body: bytes, max_bytes: int) -> tuple[bytes | None, str | None]:
    try:
        return gunzip_capped(body, max_bytes), None
    except BodyTooLarge:
        return None, f"body larger than {megabytes(max_bytes)} once decompressed, stopped"
    except zlib.error as exc:
        return None, f"could not decompress the gzip file ({exc})"


async def _aiter(urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(urls, AsyncIterable):
        async for url in urls:
            yield url
    else:
        for url in urls:
            yield url
