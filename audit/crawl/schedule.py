"""Which URL a free fetch worker takes next: hosts in turn, none with more URLs in hand than
it may fetch at once. A host that is slow, waiting out a Retry-After or a long Crawl-delay
then holds a few workers, never all of them, and the other hosts keep being crawled."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque


class HostQueue:
    """URLs waiting per host, handed out round-robin with at most ``per_host`` in hand per
    host. ``put`` waits while ``lookahead`` URLs are waiting, so a long list is read lazily;
    that many URLs of one host can be read past to reach another host's.

    Each put or finished URL makes at most one more URL takeable, so it wakes one waiting
    worker, not all of them (that would cost a wake-up per worker per page).
    """

    def __init__(self, per_host: int, lookahead: int) -> None:
        self.per_host = per_host
        self.lookahead = lookahead
        self._waiting: OrderedDict[str, deque[str]] = OrderedDict()
        self._in_hand: dict[str, int] = {}
        self._count = 0
        self._closed = False
        lock = asyncio.Lock()
        self._takeable = asyncio.Condition(lock)  # workers wait here
        self._room = asyncio.Condition(lock)  # the reader of the input waits here

    async def put(self, host: str, url: str) -> None:
        async with self._room:
            await self._room.wait_for(lambda: self._count < self.lookahead)
            self._waiting.setdefault(host, deque()).append(url)
            self._count += 1
            self._takeable.notify()

    async def close(self) -> None:
        """No more URLs will be put; workers leave once the waiting ones are taken."""
        async with self._takeable:
            self._closed = True
            self._takeable.notify_all()

    async def get(self) -> tuple[str, str] | None:
        """The next (host, url) to fetch, or None when the queue is closed and empty. The
        caller calls :meth:`done` with the host when that URL is finished."""
        async with self._takeable:
            while True:
                picked = self._pick()
                if picked is not None:
                    self._room.notify()
                    return picked
                if self._closed and not self._count:
                    self._takeable.notify_all()  # the others leave too
                    return None
                await self._takeable.wait()

    async def done(self, host: str) -> None:
        async with self._takeable:
            left = self._in_hand.get(host, 0) - 1
            if left > 0:
                self._in_hand[host] = left
            else:
                self._in_hand.pop(host, None)
            self._takeable.notify()

    def _pick(self) -> tuple[str, str] | None:
        for host, urls in self._waiting.items():
            if self._in_hand.get(host, 0) >= self.per_host:
                continue
            url = urls.popleft()
            self._count -= 1
            self._in_hand[host] = self._in_hand.get(host, 0) + 1
            if urls:
                self._waiting.move_to_end(host)  # the next free worker tries another host first
            else:
                del self._waiting[host]
            return host, url
        return None
