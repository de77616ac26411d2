"""Retry policy: which answers are worth another try, and how long to wait (exponential
backoff with jitter, or the server's Retry-After, capped)."""

from __future__ import annotations

import asyncio
import email.utils
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from .breaker import HostBreaker
from .politeness import Politeness
from .results import FetchSettings, Outcome
from .urls import host_of
from .wording import seconds

#: Statuses worth another try (Scrapy's list): overload, gateway trouble, timeouts.
RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504, 522, 524})


def parse_retry_after(value: str | None) -> float | None:
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


def retry_wait(s: FetchSettings, out: Outcome, attempt: int) -> float:
    """Seconds before the next try: the server's Retry-After, else backoff with jitter."""
    if out.retry_after is not None:
        return min(out.retry_after, s.max_retry_after)
    wait = s.backoff * (2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
    if out.status == 429:
        wait = max(wait, s.delay)
    return min(wait, s.max_retry_after)


async def with_retries(send: Callable[[], Awaitable[Outcome]], url: str, s: FetchSettings,
                       politeness: Politeness, breaker: HostBreaker | None = None,
                       ) -> tuple[Outcome, int]:
    """One URL (``send`` makes one request), retried on overload and network trouble with
    backoff or Retry-After; the host is held back meanwhile. Returns the outcome and attempts.

    A Retry-After longer than ``max_retry_after`` is not waited out in part and retried early
    (that would ignore what the server said): the URL fails and the breaker skips the host.
    A host the breaker has given up on gets no further tries.
    """
    host = host_of(url)
    note = ""
    attempt = 1
    while True:
        out = await send()
        if out.retry_after is not None and out.retry_after > s.max_retry_after and out.error:
            if breaker is not None:
                breaker.too_long_a_wait(host, out.retry_after, s.max_retry_after, out.error)
            note = (f"Retry-After of {seconds(out.retry_after)} is longer than the "
                    f"{seconds(s.max_retry_after)} limit; not retried")
            out.error = f"{out.error} ({note})"
            return out, attempt
        if not out.retryable or attempt > s.retries:
            break
        if breaker is not None and breaker.reason(host):
            break
        wait = retry_wait(s, out, attempt)
        politeness.hold(host, wait)
        await asyncio.sleep(wait)
        attempt += 1
    if breaker is not None:
        if out.trouble and out.error:
            breaker.failure(host, out.error)
        elif out.status is not None:
            breaker.success(host)
    if out.retryable and out.error and attempt > 1:
        out.error = f"{out.error} (gave up after {attempt} attempts)"
    return out, attempt
