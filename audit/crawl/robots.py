"""robots.txt: fetched once per origin and cached for the crawl (RFC 9309: 4xx allows all, 5xx
disallows all, an unreachable file fails the page and is tried again after a while), with the
Disallow rule that blocked a URL named in its message and Crawl-delay handed to politeness."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from .politeness import Politeness
from .results import Outcome
from .urls import normalize_url, origin_of

#: RFC 9309 asks parsers to read at least 500 KiB of robots.txt; more is cut off, not refused.
ROBOTS_MAX_BYTES = 512_000

ROBOTS_MAX_REDIRECTS = 5

#: Robots outcomes that were network failures are retried after this long, not kept for the run.
ROBOTS_ERROR_TTL = 60.0


@dataclass
class RobotsRules:
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


class RobotsCache:
    """The robots.txt of every origin met in one crawl. ``fetch(url)`` makes one request for a
    robots.txt (with retries), returning the outcome and the attempts."""

    def __init__(self, user_agent: str, politeness: Politeness,
                 fetch: Callable[[str], Awaitable[tuple[Outcome, int]]]) -> None:
        self.user_agent = user_agent
        self._politeness = politeness
        self._fetch = fetch
        self._entries: dict[str, tuple[asyncio.Future[RobotsRules], float]] = {}

    def close(self) -> None:
        for fut, _ in self._entries.values():
            fut.cancel()
        self._entries.clear()

    async def verdict(self, url: str) -> tuple[str | None, str | None]:
        """(skipped, error) for ``url`` under its origin's robots.txt; (None, None) if allowed."""
        robots = await self._for(origin_of(url))
        if robots.error:
            return None, robots.error
        if robots.blocked:
            return robots.blocked, None
        ua = self.user_agent
        if robots.parser is not None and not robots.parser.can_fetch(url, ua):
            rule = _blocking_rule(robots.parser, url, ua)
            reason = f"Disallow: {rule}" if rule else "disallowed"
            return f"blocked by robots.txt ({reason})", None
        return None, None

    async def _for(self, origin: str) -> RobotsRules:
        """The cached robots.txt of ``origin``, fetched once even when many pages ask at once."""
        entry = self._entries.get(origin)
        if entry is not None and entry[1] > time.monotonic():
            return await asyncio.shield(entry[0])
        fut = asyncio.ensure_future(self._load(origin))
        self._entries[origin] = (fut, float("inf"))
        fut.add_done_callback(lambda f: self._loaded(origin, f))
        return await asyncio.shield(fut)

    def _loaded(self, origin: str, fut: asyncio.Future[RobotsRules]) -> None:
        if fut.cancelled() or fut.exception() is not None:
            self._entries.pop(origin, None)
            return
        robots = fut.result()
        if origin in self._entries:
            self._entries[origin] = (fut, time.monotonic() + robots.expires)

    async def _load(self, origin: str) -> RobotsRules:
        """Fetch and read /robots.txt per RFC 9309: 4xx allows all, 5xx disallows all."""
        url = origin + "/robots.txt"
        seen = {url}
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            out, _ = await self._fetch(url)
            if out.status is None or (out.error and 200 <= out.status < 300):
                # Unreachable (or cut off mid-body): the page fails with the same reason.
                return RobotsRules(error=out.error, expires=ROBOTS_ERROR_TTL)
            if out.location is not None:
                try:
                    url = normalize_url(urljoin(url, out.location))
                except ValueError:
                    return RobotsRules()
                if url in seen:
                    return RobotsRules()
                seen.add(url)
                continue
            return self._read(origin, out)
        return RobotsRules()  # too many redirects: RFC 9309 treats it as unavailable (allow)

    def _read(self, origin: str, out: Outcome) -> RobotsRules:
        status = out.status or 0
        if 200 <= status < 300:
            # RFC 9309 2.3: a leading UTF-8 byte-order mark is not part of the first line;
            # kept, it hides the first "User-agent" line and with it that group's rules.
            text = (out.body or b"").decode("utf-8-sig", "replace")
            try:
                parser = Protego.parse(text)
            except Exception:  # a parser bug must not fail the crawl; RFC 9309 reads junk as allow
                return RobotsRules()
            self._apply_crawl_delay(origin, parser)
            return RobotsRules(parser=parser)
        if status == 429 or status >= 500:
            return RobotsRules(
                blocked=f"robots.txt unavailable (HTTP {status}); not crawled, try again later",
                expires=ROBOTS_ERROR_TTL,
            )
        return RobotsRules()  # 4xx: no robots.txt, everything allowed

    def _apply_crawl_delay(self, origin: str, parser: Protego) -> None:
        ua = self.user_agent
        delay = parser.crawl_delay(ua)
        rate = parser.request_rate(ua)
        if rate is not None and rate.requests > 0:
            delay = max(delay or 0.0, rate.seconds / rate.requests)
        if delay:
            self._politeness.set_crawl_delay(urlsplit(origin).hostname or "", float(delay))
