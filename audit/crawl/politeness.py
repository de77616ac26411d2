"""Politeness: global and per-host concurrency, and a per-host delay with jitter (or the
site's robots.txt Crawl-delay, clipped)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator

from .results import FetchSettings

#: A robots.txt Crawl-delay above this is clipped so one site cannot stall a run for hours.
MAX_CRAWL_DELAY = 60.0


class _HostGate:
    """Per-host state: how many requests may run at once and when the next may start."""

    __slots__ = ("crawl_delay", "next_start", "sem")

    def __init__(self, per_host: int) -> None:
        self.sem = asyncio.Semaphore(per_host)
        self.next_start = 0.0
        self.crawl_delay = 0.0

class Politeness:
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
